//! Structs: the fields with their serde attributes, and for request-side types a builder
//! (`new` with the required fields, one setter per optional field).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{article, field_docs, first_sentence};
use super::rust::{arg, convert, doc_attrs, ident, rust_type, serde_with};
use super::Cx;
use crate::ir::{Field, Module, TypeDef, TypeRef};
use crate::names::OPERATOR_METHODS;

/// A model struct (component schema or inline object).
pub(super) fn emit_struct(cx: &Cx<'_>, t: &TypeDef, fields: &[Field], docs: &[String]) -> TokenStream {
    let name = ident(&t.name);
    let docs = doc_attrs(docs);
    let field_tokens = fields.iter().map(|f| model_field(cx, f, t.module));
    let builder = t.request_side.then(|| emit_builder(cx, &t.name, fields, t.module, false));
    let accessors = super::accessors::emit_accessors(cx, t, fields);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_tokens)*
        }
        #builder
        #accessors
    }
}

fn model_field(cx: &Cx<'_>, f: &Field, module: Module) -> TokenStream {
    let fname = ident(&f.rust_name);
    let base = rust_type(cx, &f.ty, module);
    let fdocs = doc_attrs(&field_docs(f, false, cx.rt));
    let rename = (f.wire_name != f.rust_name).then(|| {
        let w = &f.wire_name;
        quote!(rename = #w,)
    });
    if f.optional_in_model() {
        let with = serde_with(cx, &f.ty, true);
        quote! {
            #fdocs
            #[serde(#rename #with default, skip_serializing_if = "Option::is_none")]
            pub #fname: Option<#base>,
        }
    } else {
        let with = serde_with(cx, &f.ty, false);
        let attr = (rename.is_some() || with.is_some()).then(|| quote!(#[serde(#rename #with)]));
        quote! {
            #fdocs
            #attr
            pub #fname: #base,
        }
    }
}

/// `new(required...)` plus one setter per optional field (and `Default` when nothing is
/// required). `request` picks request optionality (region defaults) over model optionality.
pub(super) fn emit_builder(
    cx: &Cx<'_>,
    type_name: &str,
    fields: &[Field],
    module: Module,
    request: bool,
) -> TokenStream {
    let name = ident(type_name);
    let optional = |f: &Field| if request { f.optional_in_request() } else { f.optional_in_model() };
    let required: Vec<&Field> = fields.iter().filter(|f| !optional(f)).collect();
    let params: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let id = ident(&f.rust_name);
            let (ty, _) = arg(cx, &f.ty, module);
            quote!(#id: #ty)
        })
        .collect();
    let inits = fields.iter().map(|f| field_init(f, optional(f)));
    let setters = fields.iter().filter(|f| optional(f)).map(|f| setter(cx, f, module));
    let new_doc = doc_attrs(&[new_doc(type_name, &required)]);
    let default_impl = required.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let allow = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            #new_doc
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
        #default_impl
    }
}

fn field_init(f: &Field, optional: bool) -> TokenStream {
    let id = ident(&f.rust_name);
    if optional {
        quote!(#id: None,)
    } else if matches!(f.ty, TypeRef::String | TypeRef::CommaList) {
        let v = convert(&f.ty, &quote!(#id));
        quote!(#id: #v,)
    } else {
        quote!(#id,)
    }
}

fn new_doc(type_name: &str, required: &[&Field]) -> String {
    if required.is_empty() {
        format!("An empty `{type_name}`; set fields with the setters.")
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire_name)).collect();
        let a = article(type_name);
        let a = if a == "an" { "An" } else { "A" };
        format!("{a} `{type_name}` with its required fields {}; optional ones via the setters.", names.join(", "))
    }
}

fn setter(cx: &Cx<'_>, f: &Field, module: Module) -> TokenStream {
    let id = ident(&f.rust_name);
    let (ty, into) = arg(cx, &f.ty, module);
    let value = if into { convert(&f.ty, &quote!(value)) } else { quote!(value) };
    let first = first_sentence(&f.docs);
    let docs = if first.is_empty() {
        doc_attrs(&[format!("Sets `{}`.", f.wire_name)])
    } else {
        doc_attrs(&[format!("Sets `{}`: {first}", f.wire_name)])
    };
    // The setter is named after the field; `add`, `sub`... look like operator methods.
    let allow =
        OPERATOR_METHODS.contains(&f.rust_name.as_str()).then(|| quote!(#[allow(clippy::should_implement_trait)]));
    quote! {
        #docs
        #allow
        pub fn #id(mut self, value: #ty) -> Self {
            self.#id = Some(#value);
            self
        }
    }
}
