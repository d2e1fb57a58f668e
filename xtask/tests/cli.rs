//! The `cargo xtask` command line itself: usage and help, exit codes, the workspace root found at
//! run time (not fixed when the binary was built), and `codegen --check` catching stray files.

use std::fs;
use std::path::{Path, PathBuf};
mod support;

use support::*;

fn checkout() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A minimal workspace (root manifest + spec) in a fresh directory under the target dir.
fn scratch_workspace(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("xtask-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join("client/src")).unwrap();
    fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    fs::copy(checkout().join("spec/ctimage.yaml"), dir.join("spec/ctimage.yaml")).unwrap();
    dir
}

#[test]
fn no_command_is_usage_and_exit_2() {
    let (code, out, err) = xtask_in(checkout(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("no command") && err.contains("usage: cargo xtask <command>"), "{err}");
    let (code, _, err) = xtask_in(checkout(), &["frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown command `frobnicate`") && err.contains("usage: cargo xtask"), "{err}");
}

#[test]
fn every_command_has_help() {
    for cmd in ["codegen", "diff", "bench", "changelog", "package-check", "semver-agreement", "loc"] {
        for flag in ["--help", "-h"] {
            let (code, out, err) = xtask_in(checkout(), &[cmd, flag]);
            assert_eq!(code, 0, "{cmd} {flag}: {err}");
            assert!(out.starts_with(&format!("usage: cargo xtask {cmd}")), "{cmd} {flag}: {out}");
            assert!(err.is_empty(), "{err}");
        }
        let (code, out, _) = xtask_in(checkout(), &["help", cmd]);
        assert_eq!(code, 0);
        assert!(out.starts_with(&format!("usage: cargo xtask {cmd}")), "{out}");
    }
    let (code, out, _) = xtask_in(checkout(), &["--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: cargo xtask <command>"), "{out}");
}

#[test]
fn the_workspace_is_found_at_run_time() {
    let ws = scratch_workspace("root");
    // Run from a subdirectory of another workspace: that workspace is written, not this checkout.
    let (code, out, err) = xtask_in(&ws.join("client/src"), &["codegen"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote client/src/generated/operations.rs"), "{out}");
    for f in ["mod.rs", "model.rs", "operations.rs", ".generated-files"] {
        assert!(ws.join("client/src/generated").join(f).is_file(), "{f} not written into the scratch workspace");
    }
    let (code, out, err) = xtask_in(&ws, &["codegen", "--check"]);
    assert_eq!(code, 0, "{out}{err}");

    // Outside any workspace: a clear error, not someone else's checkout.
    let outside = std::env::temp_dir();
    if !outside.ancestors().any(|d| d.join("spec/ctimage.yaml").is_file()) {
        let (code, _, err) = xtask_in(&outside, &["codegen", "--check"]);
        assert_eq!(code, 2);
        assert!(err.contains("cannot find the workspace root"), "{err}");
    }
    let _ = fs::remove_dir_all(&ws);
}

#[test]
fn codegen_check_flags_stray_files() {
    let ws = scratch_workspace("stray");
    let (code, _, err) = xtask_in(&ws, &["codegen"]);
    assert_eq!(code, 0, "{err}");
    let generated = ws.join("client/src/generated");
    fs::write(generated.join("hand_written.rs"), "// not generated\n").unwrap();
    fs::create_dir_all(generated.join("old")).unwrap();
    fs::write(generated.join("old/x.rs"), "\n").unwrap();
    let (code, out, err) = xtask_in(&ws, &["codegen", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("hand_written.rs (stray: not produced by the generator)"), "{err}");
    assert!(err.contains("old/ (stray: not produced by the generator)"), "{err}");
    fs::remove_file(generated.join("hand_written.rs")).unwrap();
    fs::remove_dir_all(generated.join("old")).unwrap();
    let (code, _, err) = xtask_in(&ws, &["codegen", "--check"]);
    assert_eq!(code, 0, "{err}");
    let _ = fs::remove_dir_all(&ws);
}

/// `loc --check` (run by `.ci/run`) fails on a runtime over its ceiling and on a long function
/// outside tests, naming it; a long test function is reported, not failed.
#[test]
fn loc_check_enforces_the_ceiling_and_the_function_limit() {
    let dir = scratch_workspace("loc");
    let body = |n: usize| (0..n).map(|i| format!("    let _v{i} = {i};\n")).collect::<String>();
    fs::write(dir.join("client/src/lib.rs"), format!("pub fn short() {{\n{}}}\n", body(10))).unwrap();
    fs::create_dir_all(dir.join("tests/tests")).unwrap();
    fs::write(dir.join("tests/tests/long.rs"), format!("#[test]\nfn scenario() {{\n{}}}\n", body(120))).unwrap();
    let (code, out, err) = xtask_in(&dir, &["loc", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("   12  client/src/lib.rs") && out.contains("(tests): tests/tests/long.rs:2 scenario"),
        "{out}"
    );

    fs::create_dir_all(dir.join("xtask/src")).unwrap();
    fs::write(dir.join("xtask/src/main.rs"), format!("fn long() {{\n{}}}\n", body(90))).unwrap();
    let (code, _, err) = xtask_in(&dir, &["loc", "--check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("xtask/src/main.rs:1 long has 92 lines of code, over the limit of 80"), "{err}");
    assert!(!err.contains("scenario"), "tests are not limited: {err}");

    fs::remove_file(dir.join("xtask/src/main.rs")).unwrap();
    fs::write(dir.join("client/src/big.rs"), body(1900)).unwrap();
    let (code, _, err) = xtask_in(&dir, &["loc", "--check"]);
    assert_eq!(code, 1);
    assert!(err.contains("over its ceiling"), "{err}");
    let _ = fs::remove_dir_all(&dir);
}
