//! Markdown and JSON renderings of a [`Report`].

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, Direction, Level, Report, Scope, Side, Verdict};

fn line(out: &mut String, c: &Change) {
    let level = match c.level {
        Level::Breaking => "**breaking**",
        Level::NonBreaking => "non-breaking",
        Level::Info => "info",
    };
    let both = if c.direction == Direction::Both { " _(type used in requests and responses)_" } else { "" };
    let _ = writeln!(out, "- {level} `{}`: {}{both}", c.id, c.message);
}

fn in_scope<'a>(r: &'a Report, s: &'a Scope) -> impl Iterator<Item = &'a Change> + 'a {
    r.changes.iter().filter(move |c| &c.scope == s)
}

fn methods(list: &[String]) -> String {
    list.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
}

pub(super) fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# API changes for the generated client\n\n`{}` → `{}`\n", r.old_label, r.new_label);
    if r.changes.is_empty() {
        out.push_str("No changes: the generated client's API, behaviour and docs are the same.\n\n");
    }

    if r.changes.iter().any(|c| c.scope == Scope::Api) {
        out.push_str("## API\n\n");
        for c in in_scope(r, &Scope::Api) {
            line(&mut out, c);
        }
        out.push('\n');
    }
    if !r.operations.is_empty() {
        out.push_str("## Operations\n\n");
        for h in &r.operations {
            let was = h.renamed_from.as_ref().map(|o| format!(" (was `{o}`)")).unwrap_or_default();
            let _ = writeln!(out, "### `{}`{was} — `{}`\n", h.method_name, h.endpoint);
            for c in in_scope(r, &Scope::Operation(h.method_name.clone())) {
                line(&mut out, c);
            }
            out.push('\n');
        }
    }
    if !r.types.is_empty() {
        out.push_str("## Types\n\n");
        for h in &r.types {
            let mut uses = Vec::new();
            if !h.usage.request.is_empty() {
                uses.push(format!("in requests of {}", methods(&h.usage.request)));
            }
            if !h.usage.response.is_empty() {
                uses.push(format!("in responses of {}", methods(&h.usage.response)));
            }
            let uses = if uses.is_empty() { String::new() } else { format!(" — used {}", uses.join("; ")) };
            let _ = writeln!(out, "### `{}`{uses}\n", h.path);
            for c in in_scope(r, &Scope::Type(h.name.clone())) {
                line(&mut out, c);
            }
            out.push('\n');
        }
    }
    let counts = format!(
        "{} breaking, {} non-breaking, {} info",
        r.count(Level::Breaking),
        r.count(Level::NonBreaking),
        r.count(Level::Info)
    );
    let verdict = match r.verdict() {
        Verdict::NoChanges => "**Verdict: no changes.**".to_owned(),
        Verdict::DocumentationOnly => format!("**Verdict: documentation only** ({counts})."),
        Verdict::Compatible => format!("**Verdict: compatible** — nothing breaking ({counts})."),
        Verdict::Breaking => format!("**Verdict: BREAKING** — users of the generated client must adapt ({counts})."),
    };
    out.push_str(&verdict);
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    old: &'a str,
    new: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    versions: Option<&'a super::version::VersionCheck>,
    verdict: Verdict,
    counts: Counts,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct Counts {
    breaking: usize,
    #[serde(rename = "non-breaking")]
    non_breaking: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    id: &'a str,
    level: Level,
    direction: Direction,
    operation: Option<&'a str>,
    #[serde(rename = "type")]
    type_: Option<&'a str>,
    message: &'a str,
    spec: Side,
    pointer: &'a str,
}

pub(super) fn json(r: &Report, versions: Option<&super::version::VersionCheck>) -> String {
    let doc = JsonReport {
        format: "ctyun-image-diff/1",
        old: &r.old_label,
        new: &r.new_label,
        versions,
        verdict: r.verdict(),
        counts: Counts {
            breaking: r.count(Level::Breaking),
            non_breaking: r.count(Level::NonBreaking),
            info: r.count(Level::Info),
        },
        changes: r
            .changes
            .iter()
            .map(|c| JsonChange {
                id: c.id,
                level: c.level,
                direction: c.direction,
                operation: match &c.scope {
                    Scope::Operation(m) => Some(m),
                    _ => None,
                },
                type_: match &c.scope {
                    Scope::Type(t) => Some(t),
                    _ => None,
                },
                message: &c.message,
                spec: c.spec,
                pointer: &c.pointer,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
