//! What the xtask tests share: running the built binary in a directory, as another checkout
//! would, and git in a scratch repository. (Each test file uses part of it.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A diff fixture of the codegen crate (`codegen/tests/diff/<name>.yaml`).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../codegen/tests/diff/{name}.yaml"))
}

/// Runs the binary in `dir` without `CARGO_MANIFEST_DIR`, as a binary shared between checkouts
/// (one target directory) would be run from another checkout: exit code, stdout, stderr.
pub fn xtask_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    (status.code().unwrap_or(-1), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

/// Runs git in `dir` with a fixed identity and no signing; whether it succeeded.
pub fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=xtask test", "-c", "user.email=xtask@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}
