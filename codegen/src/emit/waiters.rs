//! `waiters.rs`: one static `WaiterDef` per `x-waiters` entry (data read by `Client::wait`).

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc_attrs, ident};
use super::Cx;
use crate::ir::{Acceptor, AcceptorState, Matcher, Waiter};

pub(super) fn emit_waiters(cx: &Cx<'_>) -> TokenStream {
    let defs = cx.api.waiters.iter().map(|w| waiter_def(cx, w));
    let doc = format!(" Waiter definitions from the spec's `x-waiters` (data read by [`{}`]).", cx.rt.client_wait());
    quote! {
        #![doc = #doc]
        #(#defs)*
    }
}

fn waiter_def(cx: &Cx<'_>, w: &Waiter) -> TokenStream {
    let waiter_def = cx.rt.waiter_def();
    let c = ident(&w.const_name);
    let name = &w.name;
    let min = proc_macro2::Literal::u64_unsuffixed(w.min_delay_ms);
    let max = proc_macro2::Literal::u64_unsuffixed(w.max_delay_ms);
    let acceptors = w.acceptors.iter().map(|a| acceptor(cx, a));
    let doc = doc_attrs(&[format!("The `{name}` waiter (polls `{}`).", w.operation_id)]);
    quote! {
        #doc
        pub static #c: #waiter_def = #waiter_def {
            name: #name,
            min_delay: std::time::Duration::from_millis(#min),
            max_delay: std::time::Duration::from_millis(#max),
            acceptors: &[#(#acceptors)*],
        };
    }
}

fn acceptor(cx: &Cx<'_>, a: &Acceptor) -> TokenStream {
    let (matcher, acceptor, acceptor_state) = (cx.rt.matcher(), cx.rt.acceptor(), cx.rt.acceptor_state());
    let state = ident(match a.state {
        AcceptorState::Success => "Success",
        AcceptorState::Failure => "Failure",
        AcceptorState::Retry => "Retry",
    });
    let m = match &a.matcher {
        Matcher::PathEquals(p, v) => quote!(#matcher::PathEquals(#p, &[#(#v),*])),
        Matcher::PathEmpty(p) => quote!(#matcher::PathEmpty(#p)),
        Matcher::ErrorCode(c) => quote!(#matcher::ErrorCode(#c)),
    };
    quote!(#acceptor { state: #acceptor_state::#state, matcher: #m },)
}
