//! `cargo xtask diff` through the binary: output formats and exit codes (0 done, 1 breaking with
//! `--fail-on-breaking`, 2 error).

use std::path::Path;
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn xtask(args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(root()).output().unwrap();
    (status.code().unwrap_or(-1), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

fn fx(name: &str) -> String {
    format!("codegen/tests/diff/{name}.yaml")
}

#[test]
fn breaking_changes_exit_1_only_with_fail_on_breaking() {
    let (code, out, _) = xtask(&["diff", &fx("base"), &fx("param-type")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("`request-parameter-type-changed`"), "{out}");
    assert!(out.trim_end().ends_with("(2 breaking, 0 non-breaking, 0 info)."), "{out}");
    let (code, out, _) = xtask(&["diff", "--fail-on-breaking", &fx("base"), &fx("param-type")]);
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = xtask(&["diff", &fx("base"), &fx("response-added"), "--fail-on-breaking"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("**Verdict: compatible**"), "{out}");
}

#[test]
fn json_format() {
    let (base, docs) = (fx("base"), fx("docs"));
    for flag in [&["--format", "json"][..], &["--format=json"][..]] {
        let mut args = vec!["diff"];
        args.extend_from_slice(flag);
        args.extend([base.as_str(), docs.as_str()]);
        let (code, out, err) = xtask(&args);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("{\n  \"format\": \"ctyun-image-diff/1\""), "{out}");
        assert!(out.contains("\"verdict\": \"documentation-only\""), "{out}");
    }
}

#[test]
fn errors_exit_2_with_a_location() {
    let (code, out, err) = xtask(&["diff", "--fail-on-breaking", &fx("base"), &fx("invalid")]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("codegen/tests/diff/invalid.yaml:45: at /paths/~1v1~1thing~1create/post: missing `operationId`"),
        "{err}"
    );
    let (code, _, err) = xtask(&["diff", &fx("base"), "no/such/spec.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/spec.yaml"), "{err}");
    for bad in [&["diff"][..], &["diff", "a.yaml"], &["diff", "--format", "xml", "a", "b"], &["diff", "--bogus"]] {
        let (code, _, err) = xtask(bad);
        assert_eq!(code, 2, "{bad:?}");
        assert!(err.contains("usage: cargo xtask"), "{err}");
    }
}

#[test]
fn since_a_git_revision() {
    let git_ok = Command::new("git").arg("-C").arg(root()).args(["rev-parse", "HEAD"]).output();
    if !git_ok.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: not a git checkout");
        return;
    }
    // Whatever the working tree holds, comparing with HEAD is a report, not an error.
    let (code, out, err) = xtask(&["diff", "--since", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("`spec/ctimage.yaml@HEAD` → `spec/ctimage.yaml`"), "{out}");
    assert!(out.contains("**Verdict: "), "{out}");
    let (code, _, err) = xtask(&["diff", "--since", "no-such-revision-xyz"]);
    assert_eq!(code, 2);
    assert!(err.contains("git show no-such-revision-xyz:spec/ctimage.yaml"), "{err}");
}

#[test]
fn github_format_puts_the_verdict_first() {
    let (code, out, err) = xtask(&["diff", "--format", "github", &fx("base"), &fx("param-type")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("### Spec review: :x: **BREAKING**"), "{out}");
    let breaking = out.find("**Breaking changes**").expect("breaking list");
    let details = out.find("<details><summary>Full report: 2 changes").expect("folded full report");
    assert!(breaking < details, "{out}");
    assert!(out.contains("- `list_things`: ") || out.contains("(`request-parameter-type-changed`)"), "{out}");
    assert!(out.contains("\n#### Operations\n"), "headings demoted inside the comment: {out}");
    assert!(out.trim_end().ends_with("`cargo xtask diff --format github`</sub>"), "{out}");
    let (code, out, _) = xtask(&["diff", "--format=github", &fx("base"), &fx("docs")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("### Spec review: :white_check_mark: **Documentation only**"), "{out}");
    let (_, out, _) = xtask(&["diff", "--format=github", &fx("base"), &fx("base")]);
    assert!(out.starts_with("### Spec review: :white_check_mark: **No changes**"), "{out}");
    assert!(!out.contains("<details>"), "{out}");
}
