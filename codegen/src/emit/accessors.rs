//! Accessors on model structs, aws-sdk style: one `&self` method per field, named after the
//! field (which stays `pub`), that hides the `Option` where absence has an obvious reading:
//!
//! | field | accessor returns |
//! |---|---|
//! | `Option<Vec<T>>` / `Vec<T>` | `&[T]` (empty when absent) |
//! | `Option<String>` / `String` | `Option<&str>` / `&str` |
//! | `Option<i32 \| i64 \| f64 \| bool>` / the same | by value |
//! | `Option<T>` / `T` (structs, enums, maps, JSON) | `Option<&T>` / `&T` |
//!
//! A request-side struct already has a setter named after each optional field (`new` + setters
//! builder), so it gets accessors for its required fields only (and none named `new`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::first_sentence;
use super::rust::{doc_attrs, ident, rust_type};
use super::Cx;
use crate::ir::{Field, Module, TypeDef, TypeRef};
use crate::names::OPERATOR_METHODS;

/// `impl T { accessors }`, or nothing when no field gets one.
pub(super) fn emit_accessors(cx: &Cx<'_>, t: &TypeDef, fields: &[Field], extra: TokenStream) -> TokenStream {
    let methods: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !(t.request_side && (f.optional_in_model() || f.rust_name == "new")))
        .map(|f| accessor(cx, f, t.module))
        .collect();
    if methods.is_empty() && extra.is_empty() {
        return TokenStream::new();
    }
    let name = ident(&t.name);
    quote! {
        impl #name {
            #(#methods)*
            #extra
        }
    }
}

fn accessor(cx: &Cx<'_>, f: &Field, module: Module) -> TokenStream {
    let id = ident(&f.rust_name);
    let optional = f.optional_in_model();
    let (ret, body, absent) = match (&f.ty, optional) {
        (TypeRef::Vec(item), true) => {
            let item = rust_type(cx, item, module);
            (quote!(&[#item]), quote!(self.#id.as_deref().unwrap_or_default()), Some("Empty when absent or `null`"))
        }
        (TypeRef::Vec(item), false) => {
            let item = rust_type(cx, item, module);
            (quote!(&[#item]), quote!(&self.#id), None)
        }
        (TypeRef::String, true) => (quote!(Option<&str>), quote!(self.#id.as_deref()), Some(NONE)),
        (TypeRef::String, false) => (quote!(&str), quote!(&self.#id), None),
        (ty @ (TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool), true) => {
            let ty = rust_type(cx, ty, module);
            (quote!(Option<#ty>), quote!(self.#id), Some(NONE))
        }
        (ty @ (TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool), false) => {
            let ty = rust_type(cx, ty, module);
            (quote!(#ty), quote!(self.#id), None)
        }
        (ty, true) => {
            let ty = rust_type(cx, ty, module);
            (quote!(Option<&#ty>), quote!(self.#id.as_ref()), Some(NONE))
        }
        (ty, false) => {
            let ty = rust_type(cx, ty, module);
            (quote!(&#ty), quote!(&self.#id), None)
        }
    };
    let docs = doc_attrs(&[accessor_doc(f, absent)]);
    // Named after the field; `add`, `sub`... look like operator methods, `new` like a constructor.
    let allow = if f.rust_name == "new" {
        Some(quote!(#[allow(clippy::new_ret_no_self)]))
    } else {
        OPERATOR_METHODS.contains(&f.rust_name.as_str()).then(|| quote!(#[allow(clippy::should_implement_trait)]))
    };
    quote! {
        #docs
        #allow
        pub fn #id(&self) -> #ret {
            #body
        }
    }
}

const NONE: &str = "`None` when absent or `null`";

/// The wire name and the field's first sentence, then what absence means (`absent`), e.g.
/// "`imageName`: Name. `None` when absent or `null`."
fn accessor_doc(f: &Field, absent: Option<&str>) -> String {
    let first = first_sentence(&f.docs);
    let first = first.trim_end_matches('.');
    let head = if first.is_empty() { format!("`{}`.", f.wire_name) } else { format!("`{}`: {first}.", f.wire_name) };
    match absent {
        Some(a) => format!("{head} {a}."),
        None => head,
    }
}
