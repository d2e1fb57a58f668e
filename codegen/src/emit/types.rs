//! The named types of one generated module (`model.rs`, or the inline types at the end of
//! `operations.rs`): structs and enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::Cx;
use crate::ir::{Module, TypeDef, TypeKind};

/// Every type of `module`, after `preamble` (inner docs).
pub(super) fn emit_types(cx: &Cx<'_>, module: Module, preamble: &TokenStream) -> TokenStream {
    let defs = cx.api.types.values().filter(|t| t.module == module).map(|t| emit_type(cx, t));
    quote! {
        #preamble
        #(#defs)*
    }
}

fn emit_type(cx: &Cx<'_>, t: &TypeDef) -> TokenStream {
    let mut docs = t.docs.clone();
    // A description of only blanks sanitizes to no doc line at all (`missing_docs`).
    if crate::docs::doc_lines(&docs).is_empty() {
        docs.clear();
        docs.push(super::docs::undocumented_type(cx.api, &t.name));
    }
    match &t.kind {
        TypeKind::Struct(fields) => super::structs::emit_struct(cx, t, fields, &docs),
        TypeKind::StringEnum(variants) => super::enums::emit_string_enum(cx, &t.name, variants, docs),
        TypeKind::IntEnum(variants) => super::enums::emit_int_enum(cx, &t.name, variants, docs),
    }
}
