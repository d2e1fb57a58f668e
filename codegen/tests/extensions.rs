//! Vendor extensions (`x-pagination`, `x-waiters`, `x-waiter`, `x-envelope`) are read into typed
//! shapes: a wrong value or an unknown key is reported at its own pointer and line.

use std::path::Path;

use ctyun_image_codegen::{check_str, Diagnostic};

fn spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ctimage.yaml")).unwrap()
}

/// The diagnostics of the real spec with `from` replaced (once) by `to`.
fn problems(from: &str, to: &str) -> Vec<Diagnostic> {
    let source = spec();
    assert!(source.contains(from), "the spec no longer contains {from:?}");
    let changed = source.replacen(from, to, 1);
    check_str(&changed, "ctimage.yaml").expect_err("the change must be rejected").diagnostics().to_vec()
}

/// The one diagnostic about `x-waiters` (operations naming the rejected waiter are reported too).
fn about_waiters(d: &[Diagnostic]) -> &Diagnostic {
    let found: Vec<&Diagnostic> = d.iter().filter(|d| d.pointer.starts_with("/x-waiters/")).collect();
    assert_eq!(found.len(), 1, "{d:?}");
    found[0]
}

fn line_of(needle: &str) -> usize {
    spec().lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_wrong_delay_is_reported_at_the_delay() {
    let all = problems("delay: {min: 5, max: 30}", "delay: {min: soon, max: 30}");
    let d = about_waiters(&all);
    assert_eq!(d.pointer, "/x-waiters/imageActive/delay/min");
    assert_eq!(d.line, Some(line_of("delay: {min: 5, max: 30}")));
    assert!(
        d.message.contains("a waiter is `{") && d.message.contains("expected a number, found the text `soon`"),
        "{}",
        d.message
    );
}

#[test]
fn an_unknown_acceptor_state_is_reported_at_the_state() {
    let d = problems(
        "{state: success, path: \"images[0].imageStatus\"",
        "{state: succeeded, path: \"images[0].imageStatus\"",
    );
    let d = about_waiters(&d);
    assert_eq!(d.pointer, "/x-waiters/imageActive/acceptors/0/state");
    assert!(
        d.message.contains("unknown value `succeeded`: expected one of `success`, `failure`, `retry`"),
        "{}",
        d.message
    );
}

#[test]
fn a_misspelt_pagination_key_is_an_error_not_ignored() {
    let d = problems("        totalPages: totalPage\n", "        totalPagez: totalPage\n");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].pointer.starts_with("/paths/~1v4~1image~1list/get/x-pagination"), "{d:?}");
    assert!(d[0].message.contains("unknown field `totalPagez`"), "{}", d[0].message);
    assert!(d[0].line.is_some_and(|l| l >= line_of("x-pagination:")), "{d:?}");
}
