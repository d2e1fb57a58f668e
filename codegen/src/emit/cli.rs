//! IR → `client/src/generated/cli.rs`: the per-operation part of the `ctimage` command line.
//!
//! The output is data plus one request builder per operation: [`emit_cli`] writes static tables
//! (`GROUPS`, `COMMANDS`: names, help, flags with their kinds and possible values, paging and
//! waiter facts) that the hand-written runtime (`client/src/cli/`) turns into a clap command,
//! and `build_*` functions that assemble each typed request from a JSON object keyed by wire
//! name (the flags and `--json-input` share that path). Requests are then sent through the
//! typed client (`Client::send`, `Client::paginate`, `Client::wait`), never a second HTTP path.
//!
//! Reads only the IR. Names come from the IR too: a group per tag, a command per operation
//! (kebab case of its Rust method name), a flag per request field (kebab case of its Rust name).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::ident;
use crate::diag::Error;
use crate::ir::*;
use crate::runtime::Runtime;

/// Flags the runtime defines on every command; a field whose flag would take one of these
/// names gets the flag `--param-<name>` instead.
pub const GLOBAL_FLAGS: &[&str] = &[
    "all",
    "attempt-timeout",
    "connect-timeout",
    "endpoint",
    "help",
    "json-input",
    "max-attempts",
    "output",
    "query",
    "quiet",
    "region",
    "timeout",
    "verbose",
    "version",
    "wait",
    "wait-timeout",
];

/// Top-level command names the runtime owns; a tag must not take one of these names.
pub const RESERVED_GROUPS: &[&str] = &["completions", "help", "man", "wait"];

/// `snake_case` → `kebab-case`.
fn kebab(snake: &str) -> String {
    snake.trim_matches('_').replace('_', "-")
}

/// The flag of a request field: kebab case of its Rust name, prefixed with `param-` when that
/// is a flag `ctimage` defines for every command (`--verbose` → `--param-verbose`).
fn flag_name(f: &Field) -> String {
    let flag = kebab(&f.rust_name);
    if GLOBAL_FLAGS.contains(&flag.as_str()) {
        format!("param-{flag}")
    } else {
        flag
    }
}

fn paragraphs(docs: &[String]) -> String {
    docs.iter().map(|d| d.trim()).filter(|d| !d.is_empty()).collect::<Vec<_>>().join("\n\n")
}

fn first_line(docs: &[String]) -> String {
    docs.iter().find(|d| !d.trim().is_empty()).and_then(|d| d.lines().next()).unwrap_or("").trim().to_owned()
}

/// The flag kind of a request field's type.
fn arg_kind(api: &Api, rt: &Runtime, t: &TypeRef) -> TokenStream {
    let kind = rt.cli_arg_kind();
    match t {
        TypeRef::String | TypeRef::Scalar => quote!(#kind::Str),
        TypeRef::I32 => quote!(#kind::I32),
        TypeRef::I64 => quote!(#kind::I64),
        TypeRef::F64 => quote!(#kind::F64),
        TypeRef::Bool => quote!(#kind::Bool),
        TypeRef::CommaList => quote!(#kind::StrList),
        TypeRef::Vec(inner) if matches!(**inner, TypeRef::String | TypeRef::Scalar) => {
            quote!(#kind::StrList)
        }
        TypeRef::Named(n) => match api.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::StringEnum(vs)) => {
                let vals = vs.iter().map(|v| {
                    let (value, help) = (&v.value, first_line(&v.docs));
                    quote!((#value, #help))
                });
                quote!(#kind::Enum(&[#(#vals),*]))
            }
            Some(TypeKind::IntEnum(vs)) => {
                let vals = vs.iter().map(|v| {
                    let value = v.value.to_string();
                    // A variant documented only by its value says nothing more.
                    let help = first_line(&v.docs);
                    let help = if help.trim_matches('`') == value { String::new() } else { help };
                    quote!((#value, #help))
                });
                quote!(#kind::IntEnum(&[#(#vals),*]))
            }
            _ => quote!(#kind::Json),
        },
        _ => quote!(#kind::Json),
    }
}

fn arg_help(f: &Field) -> (String, String) {
    let mut help = first_line(&f.docs);
    if f.required && !f.region_default {
        help.push_str(" [required]");
    }
    if f.region_default {
        help.push_str(" [default: --region / CTYUN_REGION_ID]");
    }
    let mut long = paragraphs(&f.docs);
    let mut facts = format!(
        "Wire name `{}` ({})",
        f.wire_name,
        match f.location {
            Location::Query => "query",
            Location::Body => "body",
        }
    );
    if f.region_default {
        facts.push_str("; defaults to --region or CTYUN_REGION_ID");
    } else if f.required {
        facts.push_str("; required");
    }
    facts.push('.');
    if !long.is_empty() {
        long.push_str("\n\n");
    }
    long.push_str(&facts);
    (help, long)
}

fn emit_args(api: &Api, rt: &Runtime, fields: &[Field]) -> TokenStream {
    let arg = rt.cli_arg();
    let args = fields.iter().map(|f| {
        let wire = &f.wire_name;
        let flag = flag_name(f);
        let kind = arg_kind(api, rt, &f.ty);
        let required = f.required && !f.region_default;
        let (help, long_help) = arg_help(f);
        quote! {
            #arg {
                wire: #wire,
                flag: #flag,
                kind: #kind,
                required: #required,
                help: #help,
                long_help: #long_help,
            },
        }
    });
    quote!(&[#(#args)*])
}

/// Wire name of the output field holding a paged operation's items.
fn items_wire_name(api: &Api, op: &Operation, p: &Pagination) -> String {
    if let TypeRef::Named(n) = &op.output {
        if let Some(TypeKind::Struct(fields)) = api.types.get(n).map(|t| &t.kind) {
            if let Some(f) = fields.iter().find(|f| f.rust_name == p.items.rust_name) {
                return f.wire_name.clone();
            }
        }
    }
    p.items.rust_name.clone()
}

/// Checks what the IR validation does not know about: flags and command names unique and not
/// taken by the runtime, waiters named by operations defined.
fn check(api: &Api) -> Result<(), Error> {
    let mut problems = Vec::new();
    let mut commands = BTreeSet::new();
    for t in &api.tags {
        if RESERVED_GROUPS.contains(&t.name.as_str()) {
            problems.push(format!("tag `{}` is a command of `ctimage` itself: rename the tag", t.name));
        }
    }
    for op in &api.operations {
        let group = op.tags.first().map(String::as_str).unwrap_or("");
        if !commands.insert((group, kebab(&op.method_name))) {
            problems.push(format!("two operations become the command `{group} {}`", kebab(&op.method_name)));
        }
        let mut flags = BTreeSet::new();
        for f in &op.fields {
            let flag = flag_name(f);
            if !flags.insert(flag.clone()) {
                problems.push(format!("two fields of `{}` become the flag `--{flag}`", op.operation_id));
            }
        }
        if let Some(w) = &op.waiter {
            if !api.waiters.iter().any(|x| x.name == w.waiter) {
                problems.push(format!("`{}` names the undefined waiter `{}`", op.operation_id, w.waiter));
            }
        }
    }
    for w in &api.waiters {
        if !api.operations.iter().any(|o| o.operation_id == w.operation_id) {
            problems.push(format!("waiter `{}` polls the undefined operation `{}`", w.name, w.operation_id));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Internal(format!("the CLI cannot be emitted: {}", problems.join("; "))))
    }
}

/// The contents of `cli.rs`.
pub fn emit_cli(api: &Api, rt: &Runtime) -> Result<TokenStream, Error> {
    check(api)?;
    let (group_ty, command_ty) = (rt.cli_group(), rt.cli_command());
    let (cli_input, cli_error, client) = (rt.cli_input(), rt.cli_error(), rt.client());
    let group_defs = groups(api).into_iter().map(|(name, about)| quote!(#group_ty { name: #name, about: #about },));
    let mut commands = Vec::new();
    let mut builders = Vec::new();
    let mut call_arms = Vec::new();
    for op in &api.operations {
        commands.push(operation_command(api, rt, op));
        builders.push(request_builder(rt, op));
        call_arms.push(call_arm(api, rt, op));
    }
    let mut wait_arms = Vec::new();
    for w in &api.waiters {
        let Some(polled) = api.operations.iter().find(|o| o.operation_id == w.operation_id) else { continue };
        commands.push(waiter_command(api, rt, w, polled));
        wait_arms.push(wait_arm(rt, w, polled));
    }
    let wait_fn = wait_fn(rt, &wait_arms);
    Ok(quote! {
        //! The `ctimage` commands: one per operation, grouped by the spec's tags, plus one per
        //! waiter (`ctimage wait ...`). Data for the hand-written runtime in `crate::cli`.

        /// Command groups: the spec's tags.
        pub static GROUPS: &[#group_ty] = &[#(#group_defs)*];

        /// Every command, in operation order, then the waiters.
        pub static COMMANDS: &[#command_ty] = &[#(#commands)*];

        /// Sends the operation `operation_id` with the request built from `input` (keyed by wire
        /// name); `all` walks every page of a paged operation.
        pub async fn call(
            client: &#client,
            operation_id: &str,
            input: #cli_input,
            all: bool,
        ) -> Result<serde_json::Value, #cli_error> {
            match operation_id {
                #(#call_arms)*
                other => Err(#cli_error::unknown("operation", other)),
            }
        }

        #wait_fn

        #(#builders)*
    })
}

/// Groups: the spec's tags in spec order, then tags used but not declared; (name, about).
fn groups(api: &Api) -> Vec<(String, String)> {
    let mut groups: Vec<(String, String)> = api.tags.iter().map(|t| (t.name.clone(), first_line(&t.docs))).collect();
    for op in &api.operations {
        if let Some(t) = op.tags.first() {
            if !groups.iter().any(|(g, _)| g == t) {
                groups.push((t.clone(), String::new()));
            }
        }
    }
    groups
}

/// The `COMMANDS` entry of an operation.
fn operation_command(api: &Api, rt: &Runtime, op: &Operation) -> TokenStream {
    let (command_ty, wait_use) = (rt.cli_command(), rt.cli_wait_use());
    let group = op.tags.first().cloned().unwrap_or_default();
    let name = kebab(&op.method_name);
    let op_id = &op.operation_id;
    let about = first_line(&op.docs);
    let mut long = paragraphs(&op.docs);
    long.push_str(&format!("\n\n`{} {}` (operationId `{}`).", op.method.as_str(), op.path, op.operation_id));
    let paged = op.pagination.as_ref().map(|p| items_wire_name(api, op, p));
    if let Some(items) = &paged {
        long.push_str(&format!(" Paged: --all walks every page and prints all `{items}`."));
    }
    if let Some(w) = &op.waiter {
        long.push_str(&format!(" --wait polls until the `{}` waiter succeeds.", w.waiter));
    }
    let args = emit_args(api, rt, &op.fields);
    let paged_tokens = match &paged {
        Some(items) => quote!(Some(#items)),
        None => quote!(None),
    };
    let wait_tokens = match &op.waiter {
        Some(w) => {
            let waiter = &w.waiter;
            let from = w.from_response.iter().map(|(k, v)| quote!((#k, #v)));
            quote!(Some(#wait_use { waiter: #waiter, from_response: &[#(#from),*] }))
        }
        None => quote!(None),
    };
    quote! {
        #command_ty {
            group: #group,
            name: #name,
            operation_id: #op_id,
            about: #about,
            long_about: #long,
            args: #args,
            items: #paged_tokens,
            wait: #wait_tokens,
            waiter: None,
        },
    }
}

/// `build_<method>`: the typed request from a JSON object keyed by wire name.
fn request_builder(rt: &Runtime, op: &Operation) -> TokenStream {
    let (cli_input, cli_error) = (rt.cli_input(), rt.cli_error());
    let op_id = &op.operation_id;
    let build = ident(&format!("build_{}", op.method_name));
    let req = ident(&op.request_type);
    let inits = op.fields.iter().map(|f| {
        let id = ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.optional_in_request() {
            quote!(#id: input.optional(#wire)?,)
        } else {
            quote!(#id: input.required(#wire)?,)
        }
    });
    let doc = format!(" `{op_id}` from a JSON object keyed by wire name.");
    let input = if op.fields.is_empty() { quote!(input) } else { quote!(mut input) };
    quote! {
        #[doc = #doc]
        fn #build(#input: #cli_input) -> Result<super::operations::#req, #cli_error> {
            let request = super::operations::#req { #(#inits)* };
            input.finish()?;
            Ok(request)
        }
    }
}

/// The arm of `call` for an operation.
fn call_arm(api: &Api, rt: &Runtime, op: &Operation) -> TokenStream {
    let (send, send_all) = (rt.cli_send(), rt.cli_send_all());
    let op_id = &op.operation_id;
    let build = ident(&format!("build_{}", op.method_name));
    let run = match op.pagination.as_ref().map(|p| items_wire_name(api, op, p)) {
        Some(items) => quote! {
            if all {
                #send_all(client, request, #items).await
            } else {
                #send(client, request).await
            }
        },
        None => quote! {
            let _ = all;
            #send(client, request).await
        },
    };
    quote! {
        #op_id => {
            let request = #build(input)?;
            #run
        }
    }
}

/// The `COMMANDS` entry of a waiter (`ctimage wait <name>`), taking the polled request's flags.
fn waiter_command(api: &Api, rt: &Runtime, w: &Waiter, polled: &Operation) -> TokenStream {
    let command_ty = rt.cli_command();
    let name = &w.name;
    let cmd = kebab(w.method_name.trim_start_matches("wait_until_"));
    let about = first_line(&w.docs);
    let long = format!(
        "{}\n\nPolls `{}` (first delay {} s, growing to at most {} s) until the waiter's acceptors say \
         success or failure, or --wait-timeout runs out.",
        paragraphs(&w.docs),
        w.operation_id,
        w.min_delay_ms as f64 / 1000.0,
        w.max_delay_ms as f64 / 1000.0
    );
    let args = emit_args(api, rt, &polled.fields);
    let op_id = &w.operation_id;
    quote! {
        #command_ty {
            group: "wait",
            name: #cmd,
            operation_id: #op_id,
            about: #about,
            long_about: #long,
            args: #args,
            items: None,
            wait: None,
            waiter: Some(#name),
        },
    }
}

/// The arm of `wait` for a waiter.
fn wait_arm(rt: &Runtime, w: &Waiter, polled: &Operation) -> TokenStream {
    let cli_wait = rt.cli_wait();
    let name = &w.name;
    let build = ident(&format!("build_{}", polled.method_name));
    let c = ident(&w.const_name);
    quote! {
        #name => {
            let request = #build(input)?;
            #cli_wait(client, request, &super::waiters::#c, max_wait).await
        }
    }
}

/// `wait`: runs a waiter by name.
fn wait_fn(rt: &Runtime, wait_arms: &[TokenStream]) -> TokenStream {
    let (cli_input, cli_error, client) = (rt.cli_input(), rt.cli_error(), rt.client());
    if wait_arms.is_empty() {
        quote! {
            /// Runs a waiter by name (this API has none).
            pub async fn wait(
                _client: &#client,
                waiter: &str,
                _input: #cli_input,
                _max_wait: std::time::Duration,
            ) -> Result<serde_json::Value, #cli_error> {
                Err(#cli_error::unknown("waiter", waiter))
            }
        }
    } else {
        quote! {
            /// Runs a waiter by name, polling the request built from `input` (keyed by wire name).
            pub async fn wait(
                client: &#client,
                waiter: &str,
                input: #cli_input,
                max_wait: std::time::Duration,
            ) -> Result<serde_json::Value, #cli_error> {
                match waiter {
                    #(#wait_arms)*
                    other => Err(#cli_error::unknown("waiter", other)),
                }
            }
        }
    }
}
