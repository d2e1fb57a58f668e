//! `cargo xtask diff --format github`: a pull-request review comment, ready to paste. The verdict
//! comes first (with the version gate when the versions are known), then the breaking changes one
//! per line, then the full report folded in `<details>`.

use std::fmt::Write as _;

use super::version::VersionCheck;
use super::{Level, Report, Scope, Verdict};

pub(super) fn github(r: &Report, versions: Option<&VersionCheck>) -> String {
    let mut out = String::new();
    let verdict = r.verdict();
    let headline = match verdict {
        Verdict::NoChanges => ":white_check_mark: **No changes** for users of the generated client",
        Verdict::DocumentationOnly => ":white_check_mark: **Documentation only**: nothing to adapt",
        Verdict::Compatible => ":large_blue_circle: **Compatible**: additions only, nothing breaking",
        Verdict::Breaking => ":x: **BREAKING**: users of the generated client must adapt",
    };
    let _ = writeln!(out, "### Spec review: {headline}\n");
    if let Some(v) = versions {
        let mark = if v.ok { ":white_check_mark:" } else { ":x:" };
        let _ = writeln!(out, "{mark} {}.\n", v.summary(verdict));
    }
    if verdict == Verdict::NoChanges {
        let _ = writeln!(out, "<sub>`{}` → `{}`</sub>", r.old_label, r.new_label);
        return out;
    }
    let _ = writeln!(
        out,
        "| breaking | non-breaking | info |\n|---:|---:|---:|\n| {} | {} | {} |\n",
        r.count(Level::Breaking),
        r.count(Level::NonBreaking),
        r.count(Level::Info)
    );
    if r.has_breaking() {
        out.push_str("**Breaking changes**\n\n");
        for c in r.changes.iter().filter(|c| c.level == Level::Breaking) {
            let scope = match &c.scope {
                Scope::Api => String::new(),
                Scope::Operation(m) => format!("`{m}`: "),
                Scope::Type(t) => format!("`{t}`: "),
            };
            let _ = writeln!(out, "- {scope}{} (`{}`)", c.message, c.id);
        }
        out.push('\n');
    }
    // The Markdown report without its title, labels and verdict, headings two levels down.
    let full = r.to_markdown();
    let lines: Vec<&str> = full.lines().collect();
    let body = lines.get(4..lines.len().saturating_sub(1)).unwrap_or_default();
    let _ =
        writeln!(out, "<details><summary>Full report: {} changes by operation and type</summary>\n", r.changes.len());
    for l in body {
        if l.starts_with('#') {
            let _ = writeln!(out, "##{l}");
        } else {
            let _ = writeln!(out, "{l}");
        }
    }
    out.push_str("</details>\n\n");
    let _ = writeln!(out, "<sub>`{}` → `{}` · `cargo xtask diff --format github`</sub>", r.old_label, r.new_label);
    out
}
