//! `cargo xtask package-check`: the client crate is publishable as it is. `cargo package -p
//! ctyun-image` (which verifies that the packaged crate builds), then the `.crate` is unpacked
//! outside the workspace and its own `cargo test` runs there, so a test or doctest that needs a
//! file outside the package fails here rather than for users.

use std::path::Path;
use std::process::{Command, ExitCode};

use ctyun_image_codegen::diff::version::cargo_toml_version;

use crate::{read, CLIENT_MANIFEST};

pub const USAGE: &str = "usage: cargo xtask package-check

Packages the ctyun-image crate (`cargo package -p ctyun-image --allow-dirty`, which also
verifies that the packaged crate builds), unpacks the .crate into a directory outside the
workspace and runs `cargo test` there: the published crate must pass its own tests and
doctests without the rest of the repository. Dependencies are built in target/package-check/.

options:
  -h, --help  this text

exit codes: 0 packaged and tested, 1 packaging or a test failed, 2 error
";

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    if let Some(bad) = args.first() {
        eprintln!("package-check: unknown argument `{bad}`\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let version = match read(&root.join(CLIENT_MANIFEST)).and_then(|m| cargo_toml_version(&m, None)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {CLIENT_MANIFEST}: {e}");
            return ExitCode::from(2);
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = root.join("target/package-check");
    eprintln!("== cargo package -p ctyun-image");
    let packaged = Command::new(&cargo)
        .current_dir(root)
        .args(["package", "-p", "ctyun-image", "--allow-dirty", "--target-dir"])
        .arg(&target)
        .status();
    match packaged {
        Ok(s) if s.success() => {}
        Ok(_) => {
            eprintln!("error: `cargo package -p ctyun-image` failed");
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            return ExitCode::from(2);
        }
    }
    let crate_file = target.join(format!("package/ctyun-image-{version}.crate"));
    // Outside the workspace, so cargo does not take the unpacked crate for a workspace member.
    let unpack = std::env::temp_dir().join("ctyun-image-package-check");
    let _ = std::fs::remove_dir_all(&unpack);
    if let Err(e) = std::fs::create_dir_all(&unpack) {
        eprintln!("error: {}: {e}", unpack.display());
        return ExitCode::from(2);
    }
    // `-m`: the files get the current time, so cargo rebuilds the crate instead of taking an
    // artifact of an earlier check (the archive's times may be older than it) as fresh.
    let untar = Command::new("tar").arg("-xzmf").arg(&crate_file).arg("-C").arg(&unpack).status();
    if !untar.is_ok_and(|s| s.success()) {
        eprintln!("error: cannot unpack {}", crate_file.display());
        return ExitCode::from(2);
    }
    let dir = unpack.join(format!("ctyun-image-{version}"));
    eprintln!("== cargo test in the unpacked crate ({})", dir.display());
    let tested =
        Command::new(&cargo).current_dir(&dir).args(["test", "--locked", "--target-dir"]).arg(&target).status();
    let _ = std::fs::remove_dir_all(&unpack);
    match tested {
        Ok(s) if s.success() => {
            println!("ctyun-image {version}: packaged, and the unpacked crate passes its tests");
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!("error: the packaged crate ctyun-image {version} fails its own `cargo test`");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}
