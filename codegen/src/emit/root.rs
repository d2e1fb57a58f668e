//! `mod.rs` of the generated code: the module declarations and one `Client` method per
//! operation and per waiter.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::describe_acceptor;
use super::rust::{doc_attrs, ident, rust_type_from_root};
use super::Cx;
use crate::ir::{Operation, Waiter};

pub(super) fn emit_root(cx: &Cx<'_>, spec_label: &str) -> TokenStream {
    let client = cx.rt.client();
    let title = format!(
        " Generated from `{spec_label}` ({}, version {}).",
        crate::docs::inline_text(&cx.api.title),
        crate::docs::inline_text(&cx.api.version)
    );
    let methods = cx.api.operations.iter().map(|op| operation_method(cx, op));
    let waiter_mod = (!cx.api.waiters.is_empty()).then(|| {
        quote!(
            pub mod waiters;
        )
    });
    let errors_mod = (!cx.api.error_codes.is_empty()).then(|| {
        quote!(
            pub mod errors;
        )
    });
    let waiter_methods = cx.api.waiters.iter().map(|w| waiter_method(cx, w));
    quote! {
        #![doc = #title]
        pub mod model;
        pub mod operations;
        #waiter_mod
        #errors_mod
        #[cfg(feature = "cli")]
        pub mod cli;

        impl #client {
            #(#methods)*
            #(#waiter_methods)*
        }
    }
}

fn operation_method(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let req = ident(&op.request_type);
    let out = rust_type_from_root(cx, &op.output);
    let error = cx.rt.error();
    let mut docs = op.docs.clone();
    docs.push(format!(
        "`{} {}` (operationId `{}`){}. Build the request with [`operations::{}`].",
        op.method.as_str(),
        op.path,
        op.operation_id,
        if op.idempotent {
            "; idempotent, retried on transient failures"
        } else {
            "; not idempotent, never re-sent once it may have reached the server"
        },
        op.request_type
    ));
    let docs = doc_attrs(&docs);
    let examples = super::examples::example_attrs(cx, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #examples
        #deprecated
        pub async fn #name(&self, request: operations::#req) -> Result<#out, #error> {
            self.send(request).await
        }
    }
}

fn waiter_method(cx: &Cx<'_>, w: &Waiter) -> TokenStream {
    let name = ident(&w.method_name);
    let req = ident(&w.request_type);
    let out = rust_type_from_root(cx, &w.output);
    let c = ident(&w.const_name);
    let (error, waited) = (cx.rt.error(), cx.rt.waited());
    let mut docs = w.docs.clone();
    docs.push(format!(
        "Polls `{}` (first delay {} s, growing to at most {} s) until an acceptor matches, in order:",
        w.operation_id,
        w.min_delay_ms as f64 / 1000.0,
        w.max_delay_ms as f64 / 1000.0
    ));
    docs.push(w.acceptors.iter().map(describe_acceptor).collect::<Vec<_>>().join("\n"));
    docs.push(format!(
        "Any other API error ends the wait with that error; `max_wait` bounds the whole wait ([`{}`]).",
        cx.rt.waiter_max_wait_exceeded()
    ));
    let docs = doc_attrs(&docs);
    quote! {
        #docs
        pub async fn #name(
            &self,
            request: operations::#req,
            max_wait: std::time::Duration,
        ) -> Result<#waited<#out>, #error> {
            self.wait(request, &waiters::#c, max_wait).await
        }
    }
}
