//! `cargo xtask diff --since REV --check-version`: the crate version of `client/Cargo.toml` must
//! grow by at least the semver step the spec changes need. Runs the binary in a scratch git
//! repository: commit a spec and a version, change the spec, then bump (or not).

use std::fs;
use std::path::{Path, PathBuf};
mod support;

use support::*;

struct Repo(PathBuf);

impl Repo {
    /// A repository whose one commit has `spec` (a diff fixture) at version `version`; `None`
    /// when git is not available.
    fn new(name: &str, spec: &str, version: &str) -> Option<Repo> {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gate-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("spec")).unwrap();
        fs::create_dir_all(dir.join("client")).unwrap();
        fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = [\"client\"]\n").unwrap();
        let repo = Repo(dir);
        repo.set(spec, version);
        if !git(&repo.0, &["init", "-q"]) || !git(&repo.0, &["add", "-A"]) || !git(&repo.0, &["commit", "-qm", "base"])
        {
            eprintln!("skipped: git is not usable here");
            return None;
        }
        Some(repo)
    }

    /// Working tree: the spec of fixture `spec`, the client at `version`.
    fn set(&self, spec: &str, version: &str) {
        fs::copy(fixture(spec), self.0.join("spec/ctimage.yaml")).unwrap();
        fs::write(
            self.0.join("client/Cargo.toml"),
            format!("[package]\nname = \"ctyun-image\"\nversion = \"{version}\"\nedition = \"2021\"\n\n[dependencies]\nserde = {{ version = \"1\" }}\n"),
        )
        .unwrap();
    }

    fn gate(&self) -> (i32, String, String) {
        xtask_in(&self.0, &["diff", "--since", "HEAD", "--check-version"])
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn an_unbumped_breaking_change_fails_and_a_bumped_one_passes() {
    let Some(repo) = Repo::new("breaking", "base", "0.1.0") else { return };
    repo.set("param-type", "0.1.0");
    let (code, out, err) = repo.gate();
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("**Verdict: BREAKING**"), "{out}");
    assert!(
        err.contains("crate version 0.1.0 → 0.1.0 is not enough: breaking changes need a minor step (at least 0.2.0)"),
        "{err}"
    );
    assert!(err.contains("version = \"0.2.0\""), "{err}");
    // A patch step is not enough either.
    repo.set("param-type", "0.1.1");
    let (code, _, err) = repo.gate();
    assert_eq!(code, 1, "{err}");
    // The required step, or a bigger one, passes.
    for v in ["0.2.0", "0.3.0", "1.0.0"] {
        repo.set("param-type", v);
        let (code, out, err) = repo.gate();
        assert_eq!(code, 0, "{v}: {out}\n{err}");
        assert!(out.contains(&format!("**Version:** crate version 0.1.0 → {v}: ok")), "{out}");
    }
    // Without --check-version the versions are reported, never enforced.
    repo.set("param-type", "0.1.0");
    let (code, out, _) = xtask_in(&repo.0, &["diff", "--since", "HEAD"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("is not enough"), "{out}");
}

#[test]
fn compatible_needs_a_patch_and_docs_need_nothing() {
    let Some(repo) = Repo::new("compatible", "base", "0.4.2") else { return };
    repo.set("response-added", "0.4.2");
    let (code, _, err) = repo.gate();
    assert_eq!(code, 1);
    assert!(err.contains("compatible changes need a patch step (at least 0.4.3)"), "{err}");
    repo.set("response-added", "0.4.3");
    assert_eq!(repo.gate().0, 0);
    repo.set("docs", "0.4.2");
    let (code, out, err) = repo.gate();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("documentation-only changes need no version step"), "{out}");
    repo.set("base", "0.4.2");
    assert_eq!(repo.gate().0, 0);
}

#[test]
fn json_and_github_formats_carry_the_versions() {
    let Some(repo) = Repo::new("json", "base", "0.1.0") else { return };
    repo.set("param-type", "0.1.0");
    let (code, out, _) = xtask_in(&repo.0, &["diff", "--since", "HEAD", "--check-version", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["versions"],
        serde_json::json!({"old": "0.1.0", "new": "0.1.0", "required-step": "minor", "required": "0.2.0",
            "actual-step": "none", "ok": false})
    );
    let (code, out, _) = xtask_in(&repo.0, &["diff", "--since", "HEAD", "--format", "github"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("### Spec review: :x: **BREAKING**"), "{out}");
    assert!(out.contains(":x: crate version 0.1.0 → 0.1.0 is not enough"), "{out}");
}

#[test]
fn gate_errors_exit_2() {
    let Some(repo) = Repo::new("errors", "base", "0.2.0") else { return };
    // The version went down.
    repo.set("base", "0.1.0");
    let (code, _, err) = repo.gate();
    assert_eq!(code, 2);
    assert!(err.contains("the version went down: 0.2.0 → 0.1.0"), "{err}");
    // No parent commit (what .ci/run skips on a root commit).
    let (code, _, err) = xtask_in(&repo.0, &["diff", "--since", "HEAD~1", "--check-version"]);
    assert_eq!(code, 2);
    assert!(err.contains("git show HEAD~1:spec/ctimage.yaml"), "{err}");
    // --check-version needs both versions, so --since.
    let (code, _, err) = xtask_in(
        &repo.0,
        &["diff", "--check-version", fixture("base").to_str().unwrap(), fixture("docs").to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`--check-version` needs `--since REV`"), "{err}");
}
