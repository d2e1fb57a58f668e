//! `operations.rs`: one request struct per operation, its builder, and its `Operation` impl
//! (the static descriptor, region defaults, query parameters); then the operations' inline
//! types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::field_docs;
use super::rust::{doc_attrs, ident, rust_type, serde_with};
use super::structs::emit_builder;
use super::Cx;
use crate::ir::{Field, Location, Method, Module, Operation, SentDefault, TypeRef};

pub(super) fn emit_operations(cx: &Cx<'_>) -> TokenStream {
    let doc = format!(
        " have setters; send with the matching method of [`{}`] or [`{}`].",
        cx.rt.client(),
        cx.rt.client_send()
    );
    let ops = cx.api.operations.iter().map(|op| emit_operation(cx, op));
    let types = super::types::emit_types(cx, Module::Operations, &quote!());
    quote! {
        //! One request type per operation. Required fields are arguments of `new`, optional ones
        #![doc = #doc]
        #(#ops)*
        #types
    }
}

fn emit_operation(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let name = ident(&op.request_type);
    let mut docs = op.docs.clone();
    docs.push(format!(
        "`{} {}` (operationId `{}`). Send with [`Client::{}`]({}::{}).",
        op.method.as_str(),
        op.path,
        op.operation_id,
        op.method_name,
        cx.rt.client(),
        op.method_name
    ));
    let docs = doc_attrs(&docs);
    let examples = super::examples::example_attrs(cx, op);
    let fields = op.fields.iter().map(|f| request_field(cx, f));
    let builder = emit_builder(cx, &op.request_type, &op.fields, Module::Operations, true);
    let paginated = op.pagination.as_ref().map(|p| super::paginate::emit_pagination(cx, &name, p));
    let operation_impl = operation_impl(cx, op);
    quote! {
        #docs
        #examples
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #builder
        #paginated
        #operation_impl
    }
}

/// A request field: query fields are skipped by serde (written by `write_query`), body
/// fields renamed to their wire name.
fn request_field(cx: &Cx<'_>, f: &Field) -> TokenStream {
    let fname = ident(&f.rust_name);
    let base = rust_type(cx, &f.ty, Module::Operations);
    let fdocs = doc_attrs(&field_docs(f, true, cx.rt));
    let ty = if f.optional_in_request() { quote!(Option<#base>) } else { base };
    let serde = match f.location {
        Location::Query => quote!(#[serde(skip)]),
        Location::Body => {
            let w = &f.wire_name;
            let rename = (f.wire_name != f.rust_name).then(|| quote!(rename = #w,));
            let with = serde_with(cx, &f.ty, f.optional_in_request());
            if f.optional_in_request() {
                quote!(#[serde(#rename #with skip_serializing_if = "Option::is_none")])
            } else if rename.is_some() || with.is_some() {
                quote!(#[serde(#rename #with)])
            } else {
                quote!()
            }
        }
    };
    quote! {
        #fdocs
        #serde
        pub #fname: #ty,
    }
}

/// `impl Operation`: the descriptor, `prepare` (region defaults) and `write_query`.
fn operation_impl(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let rt = cx.rt;
    let (operation, descriptor, http_method) = (rt.operation(), rt.operation_descriptor(), rt.http_method());
    let name = ident(&op.request_type);
    let output = rust_type(cx, &op.output, Module::Operations);
    let (op_id, path, has_body, idempotent) = (&op.operation_id, &op.path, op.has_body, op.idempotent);
    let method = format_ident!("{}", method_variant(op.method));
    let prepare = prepare(cx, op);
    let write_query = write_query(cx, op);
    quote! {
        impl #operation for #name {
            type Output = #output;
            const DESCRIPTOR: &'static #descriptor = &#descriptor {
                operation_id: #op_id,
                method: #http_method::#method,
                path: #path,
                has_body: #has_body,
                idempotent: #idempotent,
            };
            #prepare
            #write_query
        }
    }
}

/// The variant of the runtime's `HttpMethod`.
fn method_variant(m: Method) -> &'static str {
    match m {
        Method::Get => "Get",
        Method::Post => "Post",
    }
}

/// `prepare`, when some field defaults to the client's region.
fn prepare(cx: &Cx<'_>, op: &Operation) -> Option<TokenStream> {
    let request_defaults = cx.rt.request_defaults();
    let region_fields: Vec<_> = op.fields.iter().filter(|f| f.region_default).collect();
    (!region_fields.is_empty()).then(|| {
        let fills = region_fields.iter().map(|f| {
            let id = ident(&f.rust_name);
            let w = &f.wire_name;
            quote!(defaults.fill_region(&mut self.#id, #w)?;)
        });
        quote! {
            fn prepare(&mut self, defaults: &#request_defaults) -> Result<(), String> {
                #(#fills)*
                Ok(())
            }
        }
    })
}

fn write_query(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let query_writer = cx.rt.query_writer();
    let query_fields: Vec<_> = op.fields.iter().filter(|f| f.location == Location::Query).collect();
    let q = if query_fields.is_empty() { quote!(_query) } else { quote!(query) };
    let pushes = query_fields.iter().map(|f| {
        let id = ident(&f.rust_name);
        let w = &f.wire_name;
        if let Some(sent) = &f.sent_default {
            let value = sent_default_literal(sent, &f.ty);
            quote!(query.push(#w, self.#id.as_ref().unwrap_or(&#value));)
        } else if f.optional_in_request() {
            quote!(query.push_opt(#w, &self.#id);)
        } else {
            quote!(query.push(#w, &self.#id);)
        }
    });
    quote! {
        fn write_query(&self, #q: &mut #query_writer) {
            #(#pushes)*
        }
    }
}

/// The Rust literal of an `x-sent-default` value, typed like the field.
fn sent_default_literal(sent: &SentDefault, ty: &TypeRef) -> TokenStream {
    match (sent, ty) {
        (SentDefault::Bool(b), _) => quote!(#b),
        (SentDefault::Int(n), TypeRef::I32) => {
            let n = i32::try_from(*n).unwrap_or_default();
            quote!(#n)
        }
        (SentDefault::Int(n), _) => quote!(#n),
    }
}
