//! `cargo xtask changelog`: the current version's section of CHANGELOG.md from the spec diff
//! since the previous release; hand-written notes kept; `--check`. Runs in a scratch git
//! repository.

use std::fs;
use std::path::Path;
mod support;

use support::*;

fn set(dir: &Path, spec: &str, version: &str) {
    fs::copy(fixture(spec), dir.join("spec/ctimage.yaml")).unwrap();
    fs::write(dir.join("client/Cargo.toml"), format!("[package]\nname = \"ctyun-image\"\nversion = \"{version}\"\n"))
        .unwrap();
}

fn commit(dir: &Path, msg: &str) {
    assert!(git(dir, &["add", "-A"]) && git(dir, &["commit", "-qm", msg]), "git commit failed");
}

#[test]
fn sections_per_version_with_notes_kept() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("changelog-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join("client")).unwrap();
    fs::write(dir.join("Cargo.toml"), "[workspace]\n").unwrap();
    set(&dir, "base", "0.1.0");
    if !git(&dir, &["init", "-q"]) {
        eprintln!("skipped: git is not usable here");
        return;
    }
    commit(&dir, "base");
    let changelog = || fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();

    // No earlier version: a first release.
    let (code, out, err) = xtask_in(&dir, &["changelog"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "wrote CHANGELOG.md (0.1.0)\n");
    assert!(changelog().contains("## 0.1.0\n\n<!-- changelog 0.1.0 begin -->\nFirst release"), "{}", changelog());
    // Hand-written notes in the header and in the section.
    fs::write(dir.join("CHANGELOG.md"), changelog().replace("## 0.1.0\n\n", "## 0.1.0\n\nThe first one.\n\n")).unwrap();
    commit(&dir, "0.1.0 changelog");

    // A breaking change, bumped but not committed: compared with HEAD.
    set(&dir, "param-type", "0.2.0");
    assert_eq!(xtask_in(&dir, &["changelog", "--check"]).0, 1);
    let (code, _, err) = xtask_in(&dir, &["changelog"]);
    assert_eq!(code, 0, "{err}");
    let text = changelog();
    let new_section = text.find("## 0.2.0").expect("0.2.0 section");
    assert!(new_section < text.find("## 0.1.0").unwrap(), "newest first: {text}");
    assert!(text.contains("Spec changes since 0.1.0 (commit `"), "{text}");
    assert!(text.contains("`request-parameter-type-changed`"), "{text}");
    assert!(text.contains("\n### Operations\n\n#### `"), "grouped like the diff report: {text}");
    assert!(text.contains("**Verdict: BREAKING**"), "{text}");
    assert!(text.contains("## 0.1.0\n\nThe first one.\n\n<!-- changelog 0.1.0 begin -->\nFirst release"), "{text}");
    assert_eq!(xtask_in(&dir, &["changelog", "--check"]).0, 0);

    // A note in the new section survives regeneration; a further spec change lands in the block.
    let with_note = text.replace("## 0.2.0\n\n", "## 0.2.0\n\nMigration: use i64.\n\n");
    fs::write(dir.join("CHANGELOG.md"), &with_note).unwrap();
    commit(&dir, "0.2.0");
    assert_eq!(xtask_in(&dir, &["changelog", "--check"]).0, 0, "the committed bump finds the same base");
    set(&dir, "response-added", "0.2.0");
    let (code, _, err) = xtask_in(&dir, &["changelog"]);
    assert_eq!(code, 0, "{err}");
    let text = changelog();
    assert!(text.contains("## 0.2.0\n\nMigration: use i64.\n\n<!-- changelog 0.2.0 begin -->"), "{text}");
    assert!(text.contains("`response-property-added`"), "{text}");
    assert!(!text.contains("`request-parameter-type-changed`"), "response-added is compared with 0.1.0's spec: {text}");

    // Editing inside the markers is undone by the next run, and --check notices it.
    fs::write(dir.join("CHANGELOG.md"), text.replace("`response-property-added`", "`edited`")).unwrap();
    let (code, _, err) = xtask_in(&dir, &["changelog", "--check"]);
    assert_eq!(code, 1);
    assert!(err.contains("CHANGELOG.md is out of date for 0.2.0"), "{err}");
    let _ = fs::remove_dir_all(&dir);
}
