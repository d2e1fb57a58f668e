//! `cargo xtask <command>`: project automation (matklad's xtask convention).
//!
//! - `cargo xtask codegen` — regenerate `client/src/generated/` from `spec/ctimage.yaml`.
//! - `cargo xtask codegen --check` — exit 1 naming the stale files if the committed output
//!   differs from what the spec generates (CI runs this).
//! - `cargo xtask diff OLD NEW` / `cargo xtask diff --since REV` — what changed for users of the
//!   generated client, with a breaking-change verdict (logic in `ctyun_image_codegen::diff`).
//! - `cargo xtask bench` — run the criterion benches and print each ratio against its budget.

mod bench;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

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
  diff OLD NEW        what changed between two spec files for users of the generated client:
                      a Markdown changelog by operation and type, each line with its rule id
                      (breaking / non-breaking / info), ending with a verdict
  diff --since REV    compare spec/ctimage.yaml at git revision REV with the working tree
    --format FORMAT   markdown (default) or json (stable shape: see ctyun_image_codegen::diff)
    --fail-on-breaking  exit 1 when any change is breaking
                      diff exit codes: 0 done, 1 breaking (with --fail-on-breaking),
                      2 error (invalid spec, unreadable file, git failure, bad arguments)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("bench") => bench::run(&root(), &args[1..]),
        Some("diff") => diff(&args[1..]),
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

fn diff(args: &[String]) -> ExitCode {
    let usage = |msg: &str| {
        eprintln!("diff: {msg}\n\n{USAGE}");
        ExitCode::from(2)
    };
    let mut json = false;
    let mut fail_on_breaking = false;
    let mut since = None;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--fail-on-breaking" => fail_on_breaking = true,
            "--since" => match it.next() {
                Some(rev) => since = Some(rev.clone()),
                None => return usage("`--since` needs a git revision"),
            },
            f if f == "--format" || f.starts_with("--format=") => {
                let value = match a.split_once('=') {
                    Some((_, v)) => v.to_owned(),
                    None => it.next().cloned().unwrap_or_default(),
                };
                match value.as_str() {
                    "markdown" => json = false,
                    "json" => json = true,
                    other => return usage(&format!("unknown format `{other}` (markdown or json)")),
                }
            }
            other if other.starts_with('-') => return usage(&format!("unknown argument `{other}`")),
            path => paths.push(path.to_owned()),
        }
    }
    let root = root();
    let sources = match (since, paths.as_slice()) {
        (Some(rev), []) => git_show(&root, &rev).and_then(|old| {
            let new = read(&root.join(SPEC))?;
            Ok(((old, format!("{SPEC}@{rev}")), (new, SPEC.to_owned())))
        }),
        (None, [old, new]) => {
            read(Path::new(old)).and_then(|o| Ok(((o, old.clone()), (read(Path::new(new))?, new.clone()))))
        }
        _ => return usage("give either OLD NEW (two spec files) or --since REV"),
    };
    let ((old, old_label), (new, new_label)) = match sources {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match ctyun_image_codegen::diff::diff_sources(&old, &old_label, &new, &new_label) {
        Ok(report) => {
            print!("{}", if json { report.to_json() } else { report.to_markdown() });
            ExitCode::from(report.exit_code(fail_on_breaking))
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The spec as committed at `rev` (`git show REV:spec/ctimage.yaml`).
fn git_show(root: &Path, rev: &str) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:{SPEC}")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("`git show {rev}:{SPEC}` failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{SPEC} at {rev} is not UTF-8"))
}
