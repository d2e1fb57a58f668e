//! String and integer enums, each with an `Unknown` fallback variant and the runtime's trait
//! impls (`string_enum_impls!`, `int_enum_impls!`).

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc_attrs, ident};
use super::Cx;
use crate::ir::Variant;

pub(super) fn emit_string_enum(
    cx: &Cx<'_>,
    type_name: &str,
    variants: &[Variant<String>],
    mut docs: Vec<String>,
) -> TokenStream {
    let name = ident(type_name);
    let impls = cx.rt.string_enum_impls();
    docs.push(format!(
        "Values this client does not know are kept in [`{type_name}::Unknown`], so a new server value never breaks decoding."
    ));
    let docs = doc_attrs(&docs);
    let EnumArms { decls: vs, to_value: to, from_value: from } = enum_arms(variants);
    let values = variants.iter().map(|v| &v.value);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#vs)*
            /// A value this version of the client does not know.
            Unknown(String),
        }
        impl #name {
            /// Every value known to this client, in spec order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to)*
                    Self::Unknown(s) => s,
                }
            }
            /// Parses a wire value; values not in the spec become `Unknown`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    #(#from)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        #impls!(#name);
    }
}

pub(super) fn emit_int_enum(
    cx: &Cx<'_>,
    type_name: &str,
    variants: &[Variant<i64>],
    mut docs: Vec<String>,
) -> TokenStream {
    let name = ident(type_name);
    let impls = cx.rt.int_enum_impls();
    docs.push(format!("Values this client does not know are kept in [`{type_name}::Unknown`]."));
    let docs = doc_attrs(&docs);
    let EnumArms { decls: vs, to_value: to, from_value: from } = enum_arms(variants);
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#vs)*
            /// A value this version of the client does not know.
            Unknown(i64),
        }
        impl #name {
            /// The wire value.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to)*
                    Self::Unknown(n) => *n,
                }
            }
            /// Maps a wire value; values not in the spec become `Unknown`.
            pub fn from_value(n: i64) -> Self {
                match n {
                    #(#from)*
                    other => Self::Unknown(other),
                }
            }
        }
        #impls!(#name);
    }
}

/// The per-variant pieces of a generated enum: declarations (with docs), `variant => value`
/// arms and `value => variant` arms.
struct EnumArms {
    decls: Vec<TokenStream>,
    to_value: Vec<TokenStream>,
    from_value: Vec<TokenStream>,
}

fn enum_arms<T: quote::ToTokens>(variants: &[Variant<T>]) -> EnumArms {
    let mut arms = EnumArms { decls: Vec::new(), to_value: Vec::new(), from_value: Vec::new() };
    for v in variants {
        let id = ident(&v.rust_name);
        let d = doc_attrs(&v.docs);
        let value = &v.value;
        arms.decls.push(quote!(#d #id,));
        arms.to_value.push(quote!(Self::#id => #value,));
        arms.from_value.push(quote!(#value => Self::#id,));
    }
    arms
}
