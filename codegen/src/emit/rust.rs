//! Rust names, types and doc attributes shared by every emitter.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};

use super::Cx;
use crate::ir::{Module, TypeRef};
use crate::names::is_ident;

/// An identifier. [`crate::ir::validate`] has checked every name that reaches here; a name that
/// still is not an identifier (a bug) yields a placeholder that fails to compile instead of a
/// panic in `Ident::new`.
pub(crate) fn ident(s: &str) -> Ident {
    if is_ident(s) {
        Ident::new(s, Span::call_site())
    } else {
        Ident::new("__invalid_identifier_generator_bug", Span::call_site())
    }
}

/// `#[doc = "..."]` attributes, one per line, paragraphs separated by an empty line; Markdown
/// sanitized for rustdoc and clippy ([`crate::docs`]).
/// A paragraph given twice (e.g. a summary repeated as the description) is kept once.
pub(crate) fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let mut unique: Vec<String> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        if !unique.iter().any(|u| u.trim() == p.trim()) {
            unique.push(p.clone());
        }
    }
    let lines = crate::docs::doc_lines(&unique);
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// The Rust type of a `TypeRef`, qualified for use from `from`.
pub(crate) fn rust_type(cx: &Cx<'_>, t: &TypeRef, from: Module) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Scalar => cx.rt.scalar().into_token_stream(),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(n) => {
            let id = ident(n);
            match (from, module_of(cx, n)) {
                (Module::Operations, Module::Model) => quote!(super::model::#id),
                (Module::Model, Module::Operations) => quote!(super::operations::#id),
                _ => quote!(#id),
            }
        }
        TypeRef::Vec(i) => {
            let i = rust_type(cx, i, from);
            quote!(Vec<#i>)
        }
        TypeRef::CommaList => quote!(Vec<String>),
        TypeRef::Map(i) => {
            let i = rust_type(cx, i, from);
            quote!(std::collections::BTreeMap<String, #i>)
        }
    }
}

/// `with = "<runtime>::comma_list",` (or `::option`) for a field whose wire value is one
/// comma-joined string; nothing for other types.
pub(crate) fn serde_with(cx: &Cx<'_>, t: &TypeRef, optional: bool) -> Option<TokenStream> {
    if *t != TypeRef::CommaList {
        return None;
    }
    let path = if optional { cx.rt.comma_list_option() } else { cx.rt.comma_list() }.to_string();
    Some(quote!(with = #path,))
}

fn module_of(cx: &Cx<'_>, name: &str) -> Module {
    cx.api.types.get(name).map(|t| t.module).unwrap_or(Module::Model)
}

/// Type of a fully-qualified reference from `generated/mod.rs`.
pub(crate) fn rust_type_from_root(cx: &Cx<'_>, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let id = ident(n);
            match module_of(cx, n) {
                Module::Model => quote!(model::#id),
                Module::Operations => quote!(operations::#id),
            }
        }
        TypeRef::Vec(i) => {
            let i = rust_type_from_root(cx, i);
            quote!(Vec<#i>)
        }
        TypeRef::Map(i) => {
            let i = rust_type_from_root(cx, i);
            quote!(std::collections::BTreeMap<String, #i>)
        }
        other => rust_type(cx, other, Module::Model),
    }
}

/// `value` converted to the field type of `t` when [`arg`] takes a generic argument.
pub(crate) fn convert(t: &TypeRef, value: &TokenStream) -> TokenStream {
    match t {
        TypeRef::CommaList => quote!(#value.into_iter().map(Into::into).collect()),
        _ => quote!(#value.into()),
    }
}

/// Parameter type of a constructor argument or setter, and whether it needs converting
/// ([`convert`]).
pub(crate) fn arg(cx: &Cx<'_>, t: &TypeRef, from: Module) -> (TokenStream, bool) {
    match t {
        TypeRef::String => (quote!(impl Into<String>), true),
        TypeRef::CommaList => (quote!(impl IntoIterator<Item = impl Into<String>>), true),
        other => (rust_type(cx, other, from), false),
    }
}
