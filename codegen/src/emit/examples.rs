//! `# Examples` for every `Client` operation method and request type: a `no_run` doctest
//! (compiled, never sent) that builds the request with plausible values for its required fields
//! and one optional setter, sends it, and reads the output through an accessor.
//!
//! Only for the client crate itself ([`Runtime::IN_CLIENT`]): a doctest names the crate by its
//! public path (`ctyun_image::...`), which the golden fixtures' crate does not have.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::Cx;
use crate::ir::{Field, Module, Operation, TypeKind, TypeRef};
use crate::runtime::Runtime;

/// The crate name doctests use.
const CRATE: &str = "ctyun_image";

/// `#[doc]` attributes of the `# Examples` section for `op`, or nothing outside the client crate.
pub(super) fn example_attrs(cx: &Cx<'_>, op: &Operation) -> TokenStream {
    if *cx.rt != Runtime::IN_CLIENT {
        return TokenStream::new();
    }
    let lines = example_lines(cx, op);
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #text])
    });
    quote!(#[doc = ""] #(#attrs)*)
}

fn example_lines(cx: &Cx<'_>, op: &Operation) -> Vec<String> {
    let mut uses: BTreeSet<String> = BTreeSet::new();
    uses.insert(format!("operations::{}", op.request_type));
    uses.insert("Client".to_owned());
    let required: Vec<&Field> = op.fields.iter().filter(|f| !f.optional_in_request()).collect();
    let args: Vec<String> = required.iter().map(|f| value(cx, &f.ty, &f.wire_name, true, &mut uses)).collect();
    let mut build = format!("{}::new({})", op.request_type, args.join(", "));
    let setter = op
        .fields
        .iter()
        .filter(|f| f.optional_in_request() && !f.region_default && f.sent_default.is_none())
        .find(|f| simple(cx, &f.ty));
    if let Some(f) = setter {
        build.push_str(&format!(".{}({})", f.rust_name, value(cx, &f.ty, &f.wire_name, true, &mut uses)));
    }
    let call = format!("client.{}(request).await?", op.method_name);
    let send = match read_output(cx, &op.output) {
        Some(read) => vec![format!("let output = {call};"), format!("println!(\"{{:?}}\", output.{read}());")],
        None => vec![format!("{call};")],
    };
    let uses: Vec<String> = uses.into_iter().collect();
    let mut lines = vec![
        "# Examples".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# async fn example() -> Result<(), {CRATE}::Error> {{"),
        format!("use {CRATE}::{{{}}};", uses.join(", ")),
        String::new(),
        "let client = Client::from_env()?;".to_owned(),
        format!("let request = {build};"),
    ];
    lines.extend(send);
    lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
    lines
}

/// The accessor an example reads: the `x-primary` ID (or value), else the first field.
fn read_output(cx: &Cx<'_>, output: &TypeRef) -> Option<String> {
    let TypeRef::Named(n) = output else { return None };
    if let Some(p) = cx.api.primaries.get(n) {
        return Some(p.id.clone().unwrap_or_else(|| p.method.clone()));
    }
    let t = cx.api.types.get(n)?;
    match &t.kind {
        TypeKind::Struct(fields) => {
            fields.iter().find(|f| !(t.request_side && f.optional_in_model())).map(|f| f.rust_name.clone())
        }
        _ => None,
    }
}

/// Whether an example value of `ty` is short (a scalar or an enum).
fn simple(cx: &Cx<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => true,
        TypeRef::Named(n) => {
            matches!(cx.api.types.get(n).map(|t| &t.kind), Some(TypeKind::StringEnum(v)) if !v.is_empty())
                || matches!(cx.api.types.get(n).map(|t| &t.kind), Some(TypeKind::IntEnum(v)) if !v.is_empty())
        }
        _ => false,
    }
}

/// A Rust expression of type `ty` (an argument when `arg`: strings as `&str`), plausible for
/// the field `wire`; the types it names are added to `uses`.
fn value(cx: &Cx<'_>, ty: &TypeRef, wire: &str, arg: bool, uses: &mut BTreeSet<String>) -> String {
    match ty {
        TypeRef::String if arg => format!("{:?}", string_for(wire)),
        TypeRef::String => format!("{:?}.to_owned()", string_for(wire)),
        TypeRef::I32 | TypeRef::I64 => "1".to_owned(),
        TypeRef::F64 => "1.0".to_owned(),
        TypeRef::Bool => "true".to_owned(),
        TypeRef::Vec(item) => format!("vec![{}]", value(cx, item, wire, false, uses)),
        TypeRef::CommaList => format!("vec![{}]", value(cx, &TypeRef::String, wire, arg, uses)),
        TypeRef::Named(n) => named(cx, n, wire, uses),
        TypeRef::Scalar | TypeRef::Json | TypeRef::Map(_) => "Default::default()".to_owned(),
    }
}

fn named(cx: &Cx<'_>, name: &str, wire: &str, uses: &mut BTreeSet<String>) -> String {
    let Some(t) = cx.api.types.get(name) else { return "Default::default()".to_owned() };
    let module = match t.module {
        Module::Model => "model",
        Module::Operations => "operations",
    };
    uses.insert(format!("{module}::{name}"));
    match &t.kind {
        TypeKind::StringEnum(v) => match v.first() {
            Some(v) => format!("{name}::{}", v.rust_name),
            None => format!("{name}::Unknown({:?}.to_owned())", wire),
        },
        TypeKind::IntEnum(v) => match v.first() {
            Some(v) => format!("{name}::{}", v.rust_name),
            None => format!("{name}::Unknown(0)"),
        },
        TypeKind::Struct(fields) if t.request_side => {
            let args: Vec<String> = fields
                .iter()
                .filter(|f| !f.optional_in_model())
                .map(|f| value(cx, &f.ty, &f.wire_name, true, uses))
                .collect();
            format!("{name}::new({})", args.join(", "))
        }
        TypeKind::Struct(_) => "Default::default()".to_owned(),
    }
}

/// A plausible string for the field `wire`, by its name.
fn string_for(wire: &str) -> &'static str {
    let w = wire.to_ascii_lowercase();
    if w.ends_with("regionid") {
        "bb9fdb42056f11eda1610242ac110002"
    } else if w.contains("account") {
        "1f2e3d4c5b6a47988796a5b4c3d2e1f0"
    } else if w.ends_with("id") || w.ends_with("ids") || w.ends_with("idlist") {
        "4f1f3a7e-8a8c-4c67-9b2e-2f1d7e6c5b4a"
    } else if w == "azname" {
        "cn-huadong1-jsnj1A-public-ctcloud"
    } else if w.contains("bucket") {
        "my-bucket"
    } else if w.contains("filename") {
        "web-golden.qcow2"
    } else if w.contains("source") || w.contains("url") {
        "https://my-bucket.zos.ctyun.cn/web-golden.qcow2"
    } else if w.contains("key") {
        "env"
    } else if w.contains("value") {
        "prod"
    } else if w.contains("name") {
        "web-golden"
    } else if w.contains("distro") {
        "CTyunOS"
    } else if w.contains("description") {
        "Golden image of the web tier"
    } else {
        "example"
    }
}
