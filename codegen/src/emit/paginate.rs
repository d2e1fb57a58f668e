//! `impl Paginated` for a paged operation (`x-pagination`): how to set and read the page
//! fields of the request and the items and totals of its output.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::rust::{ident, rust_type};
use super::Cx;
use crate::ir::{FieldRef, Module, Pagination, TypeRef};

pub(super) fn emit_pagination(cx: &Cx<'_>, name: &Ident, p: &Pagination) -> TokenStream {
    let (to_i32, scalar, paginated) = (cx.rt.to_i32(), cx.rt.scalar(), cx.rt.paginated());
    let item = rust_type(cx, &p.item_type, Module::Operations);
    let set = |f: &FieldRef, var: TokenStream| {
        let id = ident(&f.rust_name);
        let v = if f.ty == TypeRef::I32 { quote!(#to_i32(#var)) } else { quote!(#var) };
        if f.optional {
            quote!(self.#id = Some(#v);)
        } else {
            quote!(self.#id = #v;)
        }
    };
    let get = |f: &FieldRef, base: TokenStream| {
        let id = ident(&f.rust_name);
        match (&f.ty, f.optional) {
            (TypeRef::Scalar, true) => quote!(#base.#id.as_ref().and_then(#scalar::as_i64)),
            (TypeRef::Scalar, false) => quote!(#base.#id.as_i64()),
            (TypeRef::I64, true) => quote!(#base.#id),
            (TypeRef::I64, false) => quote!(Some(#base.#id)),
            (_, true) => quote!(#base.#id.map(i64::from)),
            (_, false) => quote!(Some(i64::from(#base.#id))),
        }
    };
    let set_page = set(&p.page, quote!(page));
    let set_size = set(&p.size, quote!(size));
    let get_page = get(&p.page, quote!(self));
    let get_size = get(&p.size, quote!(self));
    let items = ident(&p.items.rust_name);
    let (into_items, count) = if p.items.optional {
        (quote!(output.#items.unwrap_or_default()), quote!(output.#items.as_ref().map_or(0, Vec::len)))
    } else {
        (quote!(output.#items), quote!(output.#items.len()))
    };
    let total = |f: &Option<FieldRef>, fname: &str| {
        let fname = ident(fname);
        match f {
            Some(f) => {
                let g = get(f, quote!(output));
                quote!(fn #fname(output: &Self::Output) -> Option<i64> { #g })
            }
            None => quote!(fn #fname(_output: &Self::Output) -> Option<i64> { None }),
        }
    };
    let total_pages = total(&p.total_pages, "total_pages");
    let total_count = total(&p.total_count, "total_count");
    quote! {
        impl #paginated for #name {
            type Item = #item;
            fn set_page(&mut self, page: i64) { #set_page }
            fn set_page_size(&mut self, size: i64) { #set_size }
            fn current_page(&self) -> Option<i64> { #get_page }
            fn current_page_size(&self) -> Option<i64> { #get_size }
            fn into_items(output: Self::Output) -> Vec<Self::Item> { #into_items }
            fn item_count(output: &Self::Output) -> usize { #count }
            #total_pages
            #total_count
        }
    }
}
