//! The prose the generator adds to the spec's docs: field facts, setter summaries, acceptors.

use crate::ir::{Acceptor, AcceptorState, Field, Location, Matcher};
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
    facts.push('.');
    docs.push(facts);
    docs
}

/// The first line of the first non-empty paragraph.
pub(crate) fn first_paragraph(docs: &[String]) -> String {
    docs.iter().find(|d| !d.trim().is_empty()).map(|d| d.lines().next().unwrap_or("").to_owned()).unwrap_or_default()
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
