//! The prose the generator adds to the spec's docs: field facts, setter summaries, acceptors.

use crate::ir::{Acceptor, AcceptorState, Api, Field, Location, Matcher, SentDefault, TypeKind, TypeRef};
use crate::runtime::Runtime;

/// A field's docs plus one paragraph of facts (wire name, location, required, default).
pub(crate) fn field_docs(f: &Field, in_request: bool, rt: &Runtime) -> Vec<String> {
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
    match &f.sent_default {
        Some(SentDefault::Bool(b)) => facts.push_str(&format!("; sent as `{b}` when not set")),
        Some(SentDefault::Int(n)) => facts.push_str(&format!("; sent as `{n}` when not set")),
        None => {}
    }
    facts.push('.');
    docs.push(facts);
    docs
}

/// The first sentence of the first non-empty paragraph (its lines joined): up to the first
/// `.` followed by a space, outside code spans and parentheses and not ending `e.g.`/`i.e.`.
pub fn first_sentence(docs: &[String]) -> String {
    let Some(para) = docs.iter().find(|d| !d.trim().is_empty()) else { return String::new() };
    let text = para.split_whitespace().collect::<Vec<_>>().join(" ");
    let (mut depth, mut code) = (0i32, false);
    for (i, c) in text.char_indices() {
        match c {
            '`' => code = !code,
            '(' if !code => depth += 1,
            ')' if !code => depth -= 1,
            '.' if !code && depth <= 0 && text[i + 1..].starts_with("** ") => return text[..i + 3].to_owned(),
            '.' if !code && depth <= 0 && text[i + 1..].starts_with(' ') => {
                let before = &text[..i];
                if !(before.ends_with("e.g") || before.ends_with("i.e")) {
                    return text[..=i].to_owned();
                }
            }
            _ => {}
        }
    }
    text
}

/// `a` or `an` for a word (by its first letter, ignoring Markdown code marks).
pub(crate) fn article(word: &str) -> &'static str {
    match word.trim_start_matches('`').chars().next() {
        Some(c) if "AEIOUaeiou".contains(c) => "an",
        _ => "a",
    }
}

/// Docs for a type the spec does not describe: where it is used (never a JSON pointer).
pub(crate) fn undocumented_type(api: &Api, name: &str) -> String {
    fn names(t: &TypeRef, name: &str) -> bool {
        match t {
            TypeRef::Named(n) => n == name,
            TypeRef::Vec(i) | TypeRef::Map(i) => names(i, name),
            _ => false,
        }
    }
    let uses = |t: &TypeRef| names(t, name);
    for op in &api.operations {
        if let Some(f) = op.fields.iter().find(|f| uses(&f.ty)) {
            return format!("The type of `{}` in `{}`.", f.wire_name, op.request_type);
        }
    }
    for (owner, t) in &api.types {
        if let TypeKind::Struct(fields) = &t.kind {
            if let Some(f) = fields.iter().find(|f| uses(&f.ty)) {
                return format!("The type of `{}` in `{owner}`.", f.wire_name);
            }
        }
    }
    format!("`{name}`, defined inline in the spec.")
}

/// One Markdown list item: what an acceptor means and when it matches.
pub(crate) fn describe_acceptor(a: &Acceptor) -> String {
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
