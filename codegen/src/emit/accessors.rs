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
use crate::ir::{Field, Module, Primary, TypeDef, TypeRef};
use crate::names::OPERATOR_METHODS;

/// `impl T { accessors }`, or nothing when no field gets one.
pub(super) fn emit_accessors(cx: &Cx<'_>, t: &TypeDef, fields: &[Field]) -> TokenStream {
    let methods: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !(t.request_side && (f.optional_in_model() || f.rust_name == "new")))
        .map(|f| accessor(cx, f, t.module))
        .collect();
    let extra = cx.api.primaries.get(&t.name).map(|p| primary(cx, p, t.module)).unwrap_or_default();
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
        (TypeRef::CommaList, true) => {
            (quote!(&[String]), quote!(self.#id.as_deref().unwrap_or_default()), Some("Empty when absent or `null`"))
        }
        (TypeRef::CommaList, false) => (quote!(&[String]), quote!(&self.#id), None),
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

/// `x-primary`: the first item of the array field, and its ID.
fn primary(cx: &Cx<'_>, p: &Primary, module: Module) -> TokenStream {
    let (method, items) = (ident(&p.method), ident(&p.items));
    let item = rust_type(cx, &TypeRef::Named(p.item_type.clone()), module);
    let what = p.docs.as_deref().map(|d| format!(" ({})", d.trim().trim_end_matches('.'))).unwrap_or_default();
    let docs = doc_attrs(&[
        format!("The one value this response is about{what}: the first of `{}`.", p.items),
        format!("`None` when `{}` is empty or absent.", p.items),
    ]);
    let id = p.id.as_ref().map(|id_name| {
        let id = ident(id_name);
        let docs = doc_attrs(&[format!(
            "[`{}::{id_name}`] of [`{m}`](Self::{m}); `None` when `{}` is empty or absent.",
            p.item_type,
            p.items,
            m = p.method
        )]);
        quote! {
            #docs
            pub fn #id(&self) -> Option<&str> {
                self.#method().map(|v| v.#id.as_str())
            }
        }
    });
    let first = if p.items_optional {
        quote!(self.#items.as_deref().and_then(<[_]>::first))
    } else {
        quote!(self.#items.first())
    };
    quote! {
        #docs
        pub fn #method(&self) -> Option<&#item> {
            #first
        }
        #id
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
