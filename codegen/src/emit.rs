//! IR → Rust source. Tokens are built with `quote`, parsed with `syn` and printed with
//! `prettyplease`, so the output is deterministic and independent of the toolchain's rustfmt.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

use std::collections::BTreeSet;

use crate::diag::Error;
use crate::ir::*;
use crate::names::{is_ident, is_snake_ident, OPERATOR_METHODS, PRELUDE_TYPES};
use crate::runtime::{Runtime, CLIENT_METHODS};

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory (`model.rs`).
    pub path: String,
    /// Full contents.
    pub contents: String,
}

/// An identifier. [`validate`] has checked every name that reaches here; a name that still is
/// not an identifier (a bug) yields a placeholder that fails to compile instead of a panic in
/// `Ident::new`.
fn ident(s: &str) -> Ident {
    if is_ident(s) {
        Ident::new(s, Span::call_site())
    } else {
        Ident::new("__invalid_identifier_generator_bug", Span::call_site())
    }
}

/// Checks that the IR can be emitted: every name is a Rust identifier, every named type exists,
/// no two items of one namespace share a name. `lower` guarantees all of this for IR it builds;
/// this guards IR built or edited elsewhere, and turns a generator bug into an error instead of
/// invalid code or a panic.
pub fn validate(api: &Api) -> Result<(), Error> {
    let mut problems: Vec<String> = Vec::new();
    let mut check = |ok: bool, what: &dyn Fn() -> String| {
        if !ok {
            problems.push(what());
        }
    };
    fn refs_ok(api: &Api, t: &TypeRef) -> bool {
        match t {
            TypeRef::Named(n) => api.types.contains_key(n),
            TypeRef::Vec(i) | TypeRef::Map(i) => refs_ok(api, i),
            _ => true,
        }
    }
    let mut methods: BTreeSet<&str> = BTreeSet::new();
    let mut type_names: BTreeSet<&str> = api.types.keys().map(String::as_str).collect();
    for op in &api.operations {
        check(is_snake_ident(&op.method_name), &|| format!("method name `{}`", op.method_name));
        check(is_ident(&op.request_type), &|| format!("request type `{}`", op.request_type));
        check(!CLIENT_METHODS.contains(&op.method_name.as_str()), &|| {
            format!("method `{}` is hand-written", op.method_name)
        });
        check(methods.insert(&op.method_name), &|| format!("method `{}` twice", op.method_name));
        check(type_names.insert(&op.request_type), &|| format!("type `{}` twice", op.request_type));
        check(refs_ok(api, &op.output), &|| format!("output of `{}` names an undefined type", op.operation_id));
        check(matches!(op.method, Method::Get | Method::Post), &|| {
            format!("`{}` uses {}, which `runtime::HttpMethod` does not have", op.operation_id, op.method.as_str())
        });
        let mut fields = BTreeSet::new();
        for f in &op.fields {
            check(is_ident(&f.rust_name), &|| format!("field `{}`", f.rust_name));
            check(!(f.rust_name == "new" && f.optional_in_request()), &|| {
                format!("setter `new` of `{}` collides with the constructor", op.request_type)
            });
            check(fields.insert(&f.rust_name), &|| format!("field `{}` twice in `{}`", f.rust_name, op.request_type));
            check(refs_ok(api, &f.ty), &|| format!("field `{}` names an undefined type", f.rust_name));
        }
        if let Some(p) = &op.pagination {
            for f in [Some(&p.page), Some(&p.size), Some(&p.items), p.total_pages.as_ref(), p.total_count.as_ref()]
                .into_iter()
                .flatten()
            {
                check(is_ident(&f.rust_name), &|| format!("pagination field `{}`", f.rust_name));
            }
        }
    }
    for w in &api.waiters {
        check(is_snake_ident(&w.method_name), &|| format!("waiter method `{}`", w.method_name));
        check(methods.insert(&w.method_name), &|| format!("method `{}` twice", w.method_name));
        check(is_ident(&w.const_name), &|| format!("waiter static `{}`", w.const_name));
        check(is_ident(&w.request_type), &|| format!("waiter request type `{}`", w.request_type));
    }
    for (name, t) in &api.types {
        check(is_ident(name) && name == &t.name, &|| format!("type name `{name}`"));
        check(!PRELUDE_TYPES.contains(&name.as_str()), &|| format!("type `{name}` shadows the prelude"));
        match &t.kind {
            TypeKind::Struct(fields) => {
                let mut seen = BTreeSet::new();
                for f in fields {
                    check(is_ident(&f.rust_name), &|| format!("field `{}` of `{name}`", f.rust_name));
                    check(seen.insert(&f.rust_name), &|| format!("field `{}` twice in `{name}`", f.rust_name));
                    check(refs_ok(api, &f.ty), &|| {
                        format!("field `{}` of `{name}` names an undefined type", f.rust_name)
                    });
                    check(!(t.request_side && f.rust_name == "new" && f.optional_in_model()), &|| {
                        format!("setter `new` of `{name}` collides with the constructor")
                    });
                }
            }
            TypeKind::StringEnum(vs) => {
                let mut seen = BTreeSet::new();
                for v in vs {
                    check(is_ident(&v.rust_name) && v.rust_name != "Unknown", &|| format!("variant `{}`", v.rust_name));
                    check(seen.insert(&v.rust_name), &|| format!("variant `{}` twice in `{name}`", v.rust_name));
                }
            }
            TypeKind::IntEnum(vs) => {
                let mut seen = BTreeSet::new();
                for v in vs {
                    check(is_ident(&v.rust_name) && v.rust_name != "Unknown", &|| format!("variant `{}`", v.rust_name));
                    check(seen.insert(&v.rust_name), &|| format!("variant `{}` twice in `{name}`", v.rust_name));
                }
            }
        }
    }
    // A struct may contain itself only through a `Vec` or a map (anything else has infinite size).
    fn direct(api: &Api, name: &str) -> Vec<String> {
        match api.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    TypeRef::Named(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    for start in api.types.keys() {
        let mut seen = BTreeSet::new();
        let mut stack = direct(api, start);
        while let Some(n) = stack.pop() {
            if &n == start {
                problems.push(format!("`{start}` contains itself without a `Vec` or map in between"));
                break;
            }
            if seen.insert(n.clone()) {
                stack.extend(direct(api, &n));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Internal(format!("the IR cannot be emitted: {}", problems.join("; "))))
    }
}

/// `#[doc = "..."]` attributes, one per line, paragraphs separated by an empty line; Markdown
/// sanitized for rustdoc and clippy ([`crate::docs`]).
fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let lines = crate::docs::doc_lines(paragraphs);
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// The Rust type of a `TypeRef`, qualified for use from `from`.
fn rust_type(cx: &Cx, t: &TypeRef, from: Module) -> TokenStream {
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
            let module = cx.api.types.get(n).map(|t| t.module).unwrap_or(Module::Model);
            match (from, module) {
                (Module::Operations, Module::Model) => quote!(super::model::#id),
                (Module::Model, Module::Operations) => quote!(super::operations::#id),
                _ => quote!(#id),
            }
        }
        TypeRef::Vec(i) => {
            let i = rust_type(cx, i, from);
            quote!(Vec<#i>)
        }
        TypeRef::Map(i) => {
            let i = rust_type(cx, i, from);
            quote!(std::collections::BTreeMap<String, #i>)
        }
    }
}

/// Type of a fully-qualified reference from `generated/mod.rs`.
fn rust_type_from_root(cx: &Cx, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let id = ident(n);
            match cx.api.types.get(n).map(|t| t.module).unwrap_or(Module::Model) {
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

/// Parameter type and conversion for a constructor argument or setter.
fn arg(cx: &Cx, t: &TypeRef, from: Module) -> (TokenStream, bool) {
    match t {
        TypeRef::String => (quote!(impl Into<String>), true),
        other => (rust_type(cx, other, from), false),
    }
}

fn field_docs(f: &Field, in_request: bool, rt: &Runtime) -> Vec<String> {
    let mut docs = f.docs.clone();
    let loc = match (in_request, f.location) {
        (true, Location::Query) => " (query)",
        (true, Location::Body) => " (body)",
        (false, _) => "",
    };
    let mut facts = format!("Wire name `{}`{loc}", f.wire_name);
    if f.required {
        facts.push_str("; required");
    }
    if f.region_default {
        facts.push_str(&format!(
            "; defaults to the client's region ([`ClientBuilder::region`]({}), `CTYUN_REGION_ID`)",
            rt.client_builder_region()
        ));
    }
    facts.push('.');
    docs.push(facts);
    docs
}

fn first_paragraph(docs: &[String]) -> String {
    docs.iter().find(|d| !d.trim().is_empty()).map(|d| d.lines().next().unwrap_or("").to_owned()).unwrap_or_default()
}

fn header(spec_label: &str) -> String {
    format!(
        "// @generated by `cargo xtask codegen` from {spec_label}. Do not edit by hand: change the spec and regenerate.\n"
    )
}

fn render(spec_label: &str, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Internal(format!("generated tokens do not parse: {e}")))?;
    Ok(format!("{}{}", header(spec_label), prettyplease::unparse(&file)))
}

/// What every emitting function reads: the API and where the runtime is.
pub(crate) struct Cx<'a> {
    pub api: &'a Api,
    pub rt: &'a Runtime,
}

/// Emits all files for the client crate ([`Runtime::IN_CLIENT`]).
pub fn emit(api: &Api, spec_label: &str) -> Result<Vec<GeneratedFile>, Error> {
    emit_with(api, spec_label, &Runtime::IN_CLIENT)
}

/// Emits all files, naming the runtime through `rt`.
pub fn emit_with(api: &Api, spec_label: &str, rt: &Runtime) -> Result<Vec<GeneratedFile>, Error> {
    validate(api)?;
    let cx = &Cx { api, rt };
    let mut files = vec![
        GeneratedFile { path: "mod.rs".into(), contents: render(spec_label, emit_root(cx, spec_label))? },
        GeneratedFile {
            path: "model.rs".into(),
            contents: render(
                spec_label,
                emit_types(
                    cx,
                    Module::Model,
                    quote! {
                        //! Data types of the image API: the spec's component schemas.
                    },
                ),
            )?,
        },
        GeneratedFile { path: "operations.rs".into(), contents: render(spec_label, emit_operations(cx))? },
    ];
    // The `ctimage` command line (`codegen/src/cli.rs`), compiled with the `cli` feature only.
    files.push(GeneratedFile { path: "cli.rs".into(), contents: render(spec_label, crate::cli::emit_cli(api, rt)?)? });
    if !api.waiters.is_empty() {
        files.push(GeneratedFile { path: "waiters.rs".into(), contents: render(spec_label, emit_waiters(cx))? });
    }
    Ok(files)
}

fn emit_root(cx: &Cx, spec_label: &str) -> TokenStream {
    let rt = cx.rt;
    let (error, waited, client) = (rt.error(), rt.waited(), rt.client());
    let title = format!(" Generated from `{spec_label}` ({}, version {}).", cx.api.title, cx.api.version);
    let methods = cx.api.operations.iter().map(|op| {
        let name = ident(&op.method_name);
        let req = ident(&op.request_type);
        let out = rust_type_from_root(cx, &op.output);
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
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #docs
            #deprecated
            pub async fn #name(&self, request: operations::#req) -> Result<#out, #error> {
                self.send(request).await
            }
        }
    });
    let waiter_mod = (!cx.api.waiters.is_empty()).then(|| {
        quote!(
            pub mod waiters;
        )
    });
    let waiter_methods = cx.api.waiters.iter().map(|w| {
        let name = ident(&w.method_name);
        let req = ident(&w.request_type);
        let out = rust_type_from_root(cx, &w.output);
        let c = ident(&w.const_name);
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
            rt.waiter_max_wait_exceeded()
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
    });
    quote! {
        #![doc = #title]
        pub mod model;
        pub mod operations;
        #waiter_mod
        #[cfg(feature = "cli")]
        pub mod cli;

        impl #client {
            #(#methods)*
            #(#waiter_methods)*
        }
    }
}

fn emit_types(cx: &Cx, module: Module, preamble: TokenStream) -> TokenStream {
    let defs = cx.api.types.values().filter(|t| t.module == module).map(|t| emit_type(cx, t));
    quote! {
        #preamble
        #(#defs)*
    }
}

fn emit_type(cx: &Cx, t: &TypeDef) -> TokenStream {
    let (string_enum_impls, int_enum_impls) = (cx.rt.string_enum_impls(), cx.rt.int_enum_impls());
    let name = ident(&t.name);
    let mut docs = t.docs.clone();
    if docs.is_empty() {
        docs.push(format!("`{}` (schema at `{}`).", t.name, t.pointer));
    }
    match &t.kind {
        TypeKind::Struct(fields) => {
            let docs = doc_attrs(&docs);
            let field_tokens = fields.iter().map(|f| {
                let fname = ident(&f.rust_name);
                let base = rust_type(cx, &f.ty, t.module);
                let fdocs = doc_attrs(&field_docs(f, false, cx.rt));
                let rename = (f.wire_name != f.rust_name).then(|| {
                    let w = &f.wire_name;
                    quote!(rename = #w,)
                });
                if f.optional_in_model() {
                    quote! {
                        #fdocs
                        #[serde(#rename default, skip_serializing_if = "Option::is_none")]
                        pub #fname: Option<#base>,
                    }
                } else {
                    let attr = rename.map(|r| quote!(#[serde(#r)]));
                    quote! {
                        #fdocs
                        #attr
                        pub #fname: #base,
                    }
                }
            });
            let builder = if t.request_side { Some(emit_builder(cx, &t.name, fields, t.module, false)) } else { None };
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[non_exhaustive]
                pub struct #name {
                    #(#field_tokens)*
                }
                #builder
            }
        }
        TypeKind::StringEnum(variants) => {
            docs.push(format!("Values this client does not know are kept in [`{}::Unknown`], so a new server value never breaks decoding.", t.name));
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
                #string_enum_impls!(#name);
            }
        }
        TypeKind::IntEnum(variants) => {
            docs.push(format!("Values this client does not know are kept in [`{}::Unknown`].", t.name));
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
                #int_enum_impls!(#name);
            }
        }
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

/// `new(required...)` plus one setter per optional field.
fn emit_builder(cx: &Cx, type_name: &str, fields: &[Field], module: Module, request: bool) -> TokenStream {
    let name = ident(type_name);
    let optional = |f: &Field| if request { f.optional_in_request() } else { f.optional_in_model() };
    let required: Vec<&Field> = fields.iter().filter(|f| !optional(f)).collect();
    let params = required.iter().map(|f| {
        let id = ident(&f.rust_name);
        let (ty, _) = arg(cx, &f.ty, module);
        quote!(#id: #ty)
    });
    let inits = fields.iter().map(|f| {
        let id = ident(&f.rust_name);
        if optional(f) {
            quote!(#id: None,)
        } else if matches!(f.ty, TypeRef::String) {
            quote!(#id: #id.into(),)
        } else {
            quote!(#id,)
        }
    });
    let setters = fields.iter().filter(|f| optional(f)).map(|f| {
        let id = ident(&f.rust_name);
        let (ty, into) = arg(cx, &f.ty, module);
        let value = if into { quote!(value.into()) } else { quote!(value) };
        let first = first_paragraph(&f.docs);
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
    });
    let new_doc = if required.is_empty() {
        format!("An empty `{type_name}`; set fields with the setters.")
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire_name)).collect();
        format!("A `{type_name}` with its required fields {}; optional ones via the setters.", names.join(", "))
    };
    let new_doc = doc_attrs(&[new_doc]);
    let default_impl = required.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let params = params.collect::<Vec<_>>();
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

fn emit_operations(cx: &Cx) -> TokenStream {
    let doc = format!(
        " have setters; send with the matching method of [`{}`] or [`{}`].",
        cx.rt.client(),
        cx.rt.client_send()
    );
    let ops = cx.api.operations.iter().map(|op| emit_operation(cx, op));
    let types = emit_types(cx, Module::Operations, quote!());
    quote! {
        //! One request type per operation. Required fields are arguments of `new`, optional ones
        #![doc = #doc]
        #(#ops)*
        #types
    }
}

fn emit_operation(cx: &Cx, op: &Operation) -> TokenStream {
    let rt = cx.rt;
    let (operation, descriptor, http_method) = (rt.operation(), rt.operation_descriptor(), rt.http_method());
    let (request_defaults, query_writer) = (rt.request_defaults(), rt.query_writer());
    let name = ident(&op.request_type);
    let mut docs = op.docs.clone();
    docs.push(format!(
        "`{} {}` (operationId `{}`). Send with [`Client::{}`]({}::{}).",
        op.method.as_str(),
        op.path,
        op.operation_id,
        op.method_name,
        rt.client(),
        op.method_name
    ));
    let docs = doc_attrs(&docs);
    let fields = op.fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let base = rust_type(cx, &f.ty, Module::Operations);
        let fdocs = doc_attrs(&field_docs(f, true, cx.rt));
        let ty = if f.optional_in_request() { quote!(Option<#base>) } else { base };
        let serde = match f.location {
            Location::Query => quote!(#[serde(skip)]),
            Location::Body => {
                let w = &f.wire_name;
                let rename = (f.wire_name != f.rust_name).then(|| quote!(rename = #w,));
                if f.optional_in_request() {
                    quote!(#[serde(#rename skip_serializing_if = "Option::is_none")])
                } else if rename.is_some() {
                    quote!(#[serde(#rename)])
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
    });
    let builder = emit_builder(cx, &op.request_type, &op.fields, Module::Operations, true);
    let output = rust_type(cx, &op.output, Module::Operations);
    let op_id = &op.operation_id;
    let path = &op.path;
    let method = format_ident!(
        "{}",
        match op.method {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Delete => "Delete",
            Method::Patch => "Patch",
        }
    );
    let has_body = op.has_body;
    let idempotent = op.idempotent;
    let region_fields: Vec<_> = op.fields.iter().filter(|f| f.region_default).collect();
    let prepare = (!region_fields.is_empty()).then(|| {
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
    });
    let query_fields: Vec<_> = op.fields.iter().filter(|f| f.location == Location::Query).collect();
    let q = if query_fields.is_empty() { quote!(_query) } else { quote!(query) };
    let pushes = query_fields.iter().map(|f| {
        let id = ident(&f.rust_name);
        let w = &f.wire_name;
        if f.optional_in_request() {
            quote!(query.push_opt(#w, &self.#id);)
        } else {
            quote!(query.push(#w, &self.#id);)
        }
    });
    let paginated = op.pagination.as_ref().map(|p| emit_pagination(cx, &name, p));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #builder
        #paginated
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
            fn write_query(&self, #q: &mut #query_writer) {
                #(#pushes)*
            }
        }
    }
}

fn emit_pagination(cx: &Cx, name: &Ident, p: &Pagination) -> TokenStream {
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

fn emit_waiters(cx: &Cx) -> TokenStream {
    let rt = cx.rt;
    let (matcher, acceptor, acceptor_state, waiter_def) =
        (rt.matcher(), rt.acceptor(), rt.acceptor_state(), rt.waiter_def());
    let defs = cx.api.waiters.iter().map(|w| {
        let c = ident(&w.const_name);
        let name = &w.name;
        let min = proc_macro2::Literal::u64_unsuffixed(w.min_delay_ms);
        let max = proc_macro2::Literal::u64_unsuffixed(w.max_delay_ms);
        let acceptors = w.acceptors.iter().map(|a| {
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
        });
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
    });
    let doc = format!(" Waiter definitions from the spec's `x-waiters` (data read by [`{}`]).", rt.client_wait());
    quote! {
        #![doc = #doc]
        #(#defs)*
    }
}

fn describe_acceptor(a: &Acceptor) -> String {
    let state = match a.state {
        AcceptorState::Success => "success",
        AcceptorState::Failure => "failure",
        AcceptorState::Retry => "keep polling",
    };
    let when = match &a.matcher {
        Matcher::PathEquals(p, v) => {
            format!("`{p}` is {}", v.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(" or "))
        }
        Matcher::PathEmpty(p) => format!("`{p}` is empty or missing"),
        Matcher::ErrorCode(c) => format!("the call fails with `{c}`"),
    };
    format!("- {state} when {when}")
}
