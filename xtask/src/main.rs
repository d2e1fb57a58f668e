//! `cargo xtask <command>`: project automation (matklad's xtask convention).
//!
//! - `cargo xtask codegen` — regenerate `client/src/generated/` from `spec/ctimage.yaml`.
//! - `cargo xtask codegen --check` — exit 1 naming the stale files if the committed output
//!   differs from what the spec generates (CI runs this).
//! - `cargo xtask bench` — run the criterion benches and print each ratio against its budget.

mod bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "spec/ctimage.yaml";
const OUT: &str = "client/src/generated";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate client/src/generated/ from spec/ctimage.yaml
                      (--check: change nothing, exit 1 if the committed code is stale)
  bench [--no-run] [--quick]
                      run the criterion benches (signer, client overhead, codegen) and print
                      the ratios against their budgets (--quick: shorter measurement;
                      --no-run: only report the last results)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("bench") => bench::run(&root(), &args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn codegen(args: &[String]) -> ExitCode {
    let mut check = false;
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            other => {
                eprintln!("codegen: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let root = root();
    let files = match ctyun_image_codegen::generate(&root.join(SPEC), SPEC) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let out = root.join(OUT);
    if check {
        let stale = ctyun_image_codegen::stale_files(&out, &files);
        if stale.is_empty() {
            println!("{OUT} is up to date with {SPEC}");
            ExitCode::SUCCESS
        } else {
            eprintln!("error: generated code is stale; run `cargo xtask codegen` and commit the result. Stale files in {OUT}/:");
            for s in stale {
                eprintln!("  {s}");
            }
            ExitCode::from(1)
        }
    } else {
        match ctyun_image_codegen::write_files(&out, &files) {
            Ok(changed) if changed.is_empty() => {
                println!("{OUT} already up to date");
                ExitCode::SUCCESS
            }
            Ok(changed) => {
                for c in changed {
                    println!("wrote {OUT}/{c}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        }
    }
}
