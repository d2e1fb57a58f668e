//! `cargo xtask <command>`: project automation (matklad's xtask convention).
//!
//! - `cargo xtask codegen` — regenerate `client/src/generated/` from `spec/ctimage.yaml`.
//! - `cargo xtask codegen --check` — exit 1 naming the stale files if the committed output
//!   differs from what the spec generates (CI runs this).
//! - `cargo xtask diff OLD NEW` / `cargo xtask diff --since REV` — what changed for users of the
//!   generated client, with a breaking-change verdict (logic in `ctyun_image_codegen::diff`).
//! - `cargo xtask diff --since REV --check-version` — the version gate (CI runs it against HEAD~1).
//! - `cargo xtask changelog [--check]` — the current version's section of `CHANGELOG.md`.
//! - `cargo xtask package-check` — `cargo package -p ctyun-image`, then `cargo test` in the
//!   unpacked `.crate`.
//! - `cargo xtask semver-agreement [--write]` — opt-in: the diff is never laxer than
//!   cargo-semver-checks on the diff fixtures (`xtask/SEMVER-AGREEMENT.md`).
//! - `cargo xtask bench` — run the criterion benches and print each ratio against its budget.
//! - `cargo xtask loc [--check]` — lines of code of the hand-written runtime against its ceiling,
//!   and every function over the 80-line limit.
//!
//! `cargo xtask <command> --help` describes each command.

mod bench;
mod changelog;
mod loc;
mod package;
mod semver_agreement;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use ctyun_image_codegen::diff::version::{cargo_toml_version, Version, VersionCheck};
use ctyun_image_codegen::diff::Report;

const SPEC: &str = "spec/ctimage.yaml";
const OUT: &str = "client/src/generated";
const CLIENT_MANIFEST: &str = "client/Cargo.toml";

/// The workspace root, found at run time: the nearest directory at or above the current
/// directory that holds `spec/ctimage.yaml` and a `Cargo.toml` with `[workspace]`; failing that,
/// the parent of `CARGO_MANIFEST_DIR` as cargo sets it when running this binary. Never a path
/// fixed at compile time: with a shared target directory, one binary serves several checkouts.
fn root() -> Result<PathBuf, String> {
    let is_root = |d: &Path| {
        d.join(SPEC).is_file()
            && std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
    };
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    if let Some(found) = cwd.ancestors().find(|d| is_root(d)) {
        return Ok(found.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        if let Some(parent) = Path::new(&dir).parent().filter(|d| is_root(d)) {
            return Ok(parent.to_path_buf());
        }
    }
    Err(format!(
        "cannot find the workspace root (a directory with {SPEC} and a Cargo.toml with [workspace]) at or above {}",
        cwd.display()
    ))
}

const USAGE: &str = "usage: cargo xtask <command> [options]

commands:
  codegen   regenerate client/src/generated/ from spec/ctimage.yaml (--check: verify only)
  diff      what changed in the spec for users of the generated client, with a verdict
  changelog write the current version's section of CHANGELOG.md from the spec diff
  package-check
            cargo package the client crate and run its tests in the unpacked .crate
  semver-agreement
            (opt-in, slow) diff verdicts vs cargo-semver-checks on every diff fixture
  bench     run the criterion benches and print the ratios against their budgets
  loc       lines of code of the hand-written runtime and longest fns (--check: fail over the
            runtime ceiling or a function over 80 lines)

`cargo xtask <command> --help` describes a command's options.
";

const CODEGEN_USAGE: &str = "usage: cargo xtask codegen [--check]

Regenerates client/src/generated/ from spec/ctimage.yaml (all-or-nothing write; files the
generator no longer produces are deleted).

options:
  --check   change nothing; exit 1 naming every file that differs from what the spec generates,
            every orphan and every stray file in client/src/generated/ the generator did not
            produce (CI runs this)
  -h, --help  this text

exit codes: 0 done / up to date, 1 stale (with --check), 2 error (invalid spec, I/O, arguments)
";

const BENCH_USAGE: &str = "usage: cargo xtask bench [--quick] [--no-run]

Runs the criterion benches (signer, client overhead, codegen) of ctyun-image-tests and prints
each figure as a ratio against its budget.

options:
  --quick    shorter warm-up and measurement
  --no-run   do not run the benches, only report the last results
  -h, --help  this text
";

const DIFF_USAGE: &str = "usage: cargo xtask diff (OLD NEW | --since REV) [options]

What changed between two versions of the spec for users of the generated client: a Markdown
changelog by operation and type, each line with its rule id (breaking / non-breaking / info),
ending with a verdict.

  OLD NEW             compare two spec files
  --since REV         compare spec/ctimage.yaml at git revision REV with the working tree

options:
  --format FORMAT     markdown (default), json (stable shape: see ctyun_image_codegen::diff)
                      or github (a review comment ready to paste, verdict first)
  --fail-on-breaking  exit 1 when any change is breaking
  --check-version     (with --since) exit 1 when the version bump of client/Cargo.toml
                      (REV → working tree) is smaller than the changes need, printing the
                      required version. 0.x: breaking => minor, compatible => patch,
                      documentation only => none (1.x: major, minor, none)
  -h, --help          this text

With --since, the crate versions at both ends are part of every format.

exit codes: 0 done, 1 breaking (with --fail-on-breaking) or version too low (with
--check-version), 2 error (invalid spec, unreadable file, git failure, bad arguments)
";

fn wants_help(args: &[String]) -> bool {
    args.iter().any(|a| a == "-h" || a == "--help")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => {
            eprintln!("error: no command given\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let help = match command {
        "codegen" => CODEGEN_USAGE,
        "bench" => BENCH_USAGE,
        "diff" => DIFF_USAGE,
        "changelog" => changelog::USAGE,
        "loc" => loc::USAGE,
        "package-check" => package::USAGE,
        "semver-agreement" => semver_agreement::USAGE,
        "-h" | "--help" | "help" => {
            match rest.first().map(String::as_str) {
                Some("codegen") => print!("{CODEGEN_USAGE}"),
                Some("bench") => print!("{BENCH_USAGE}"),
                Some("diff") => print!("{DIFF_USAGE}"),
                Some("changelog") => print!("{}", changelog::USAGE),
                Some("loc") => print!("{}", loc::USAGE),
                Some("package-check") => print!("{}", package::USAGE),
                Some("semver-agreement") => print!("{}", semver_agreement::USAGE),
                _ => print!("{USAGE}"),
            }
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if wants_help(rest) {
        print!("{help}");
        return ExitCode::SUCCESS;
    }
    let root = match root() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match command {
        "codegen" => codegen(&root, rest),
        "bench" => bench::run(&root, rest),
        "changelog" => changelog::run(&root, rest),
        "loc" => loc::run(&root, rest),
        "package-check" => package::run(&root, rest),
        "semver-agreement" => semver_agreement::run(&root, rest),
        _ => diff(&root, rest),
    }
}

fn codegen(root: &Path, args: &[String]) -> ExitCode {
    let mut check = false;
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            other => {
                eprintln!("codegen: unknown argument `{other}`\n\n{CODEGEN_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let files = match ctyun_image_codegen::generate(&root.join(SPEC), SPEC) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let out = root.join(OUT);
    if check {
        let mut stale = ctyun_image_codegen::stale_files(&out, &files);
        stale.extend(
            stray_files(&out, &files).into_iter().map(|s| format!("{s} (stray: not produced by the generator)")),
        );
        if stale.is_empty() {
            println!("{OUT} is up to date with {SPEC}");
            ExitCode::SUCCESS
        } else {
            eprintln!("error: generated code is stale; run `cargo xtask codegen` and commit the result (delete stray files by hand). Stale files in {OUT}/:");
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
                for s in stray_files(&out, &files) {
                    eprintln!("warning: {OUT}/{s} was not produced by the generator (delete it)");
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

/// Files and directories under `out` (recursively, relative paths with `/`) that the generator
/// did not produce and that are neither the manifest nor listed in it (orphans listed in the
/// manifest are reported by `stale_files`).
fn stray_files(out: &Path, files: &[ctyun_image_codegen::GeneratedFile]) -> Vec<String> {
    let manifest: Vec<String> = std::fs::read_to_string(out.join(ctyun_image_codegen::MANIFEST))
        .map(|s| s.lines().filter(|l| !l.starts_with('#')).map(|l| l.trim().to_owned()).collect())
        .unwrap_or_default();
    let known = |rel: &str| {
        rel == ctyun_image_codegen::MANIFEST || files.iter().any(|f| f.path == rel) || manifest.iter().any(|m| m == rel)
    };
    let mut found = Vec::new();
    let mut dirs = vec![(out.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let rel = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                if files.iter().any(|f| f.path.starts_with(&format!("{rel}/"))) {
                    dirs.push((e.path(), format!("{rel}/")));
                } else {
                    found.push(format!("{rel}/"));
                }
            } else if !known(&rel) {
                found.push(rel);
            }
        }
    }
    found.sort();
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Markdown,
    Json,
    Github,
}

/// The arguments of `cargo xtask diff`.
struct DiffArgs {
    format: Format,
    fail_on_breaking: bool,
    check_version: bool,
    since: Option<String>,
    paths: Vec<String>,
}

/// Parses `diff`'s arguments; `Err` is the usage message to print.
fn parse_diff_args(args: &[String]) -> Result<DiffArgs, String> {
    let mut parsed = DiffArgs {
        format: Format::Markdown,
        fail_on_breaking: false,
        check_version: false,
        since: None,
        paths: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--fail-on-breaking" => parsed.fail_on_breaking = true,
            "--check-version" => parsed.check_version = true,
            "--since" => parsed.since = Some(it.next().ok_or("`--since` needs a git revision")?.clone()),
            f if f == "--format" || f.starts_with("--format=") => {
                let value = match a.split_once('=') {
                    Some((_, v)) => v.to_owned(),
                    None => it.next().cloned().unwrap_or_default(),
                };
                parsed.format = match value.as_str() {
                    "markdown" => Format::Markdown,
                    "json" => Format::Json,
                    "github" => Format::Github,
                    other => return Err(format!("unknown format `{other}` (markdown, json or github)")),
                };
            }
            other if other.starts_with('-') => return Err(format!("unknown argument `{other}`")),
            path => parsed.paths.push(path.to_owned()),
        }
    }
    if parsed.check_version && parsed.since.is_none() {
        return Err("`--check-version` needs `--since REV` (the crate versions come from client/Cargo.toml)".into());
    }
    Ok(parsed)
}

fn diff(root: &Path, args: &[String]) -> ExitCode {
    let usage = |msg: &str| {
        eprintln!("diff: {msg}\n\n{DIFF_USAGE}");
        ExitCode::from(2)
    };
    let DiffArgs { format, fail_on_breaking, check_version, since, paths } = match parse_diff_args(args) {
        Ok(parsed) => parsed,
        Err(msg) => return usage(&msg),
    };
    let sources = match (&since, paths.as_slice()) {
        (Some(rev), []) => git_show(root, rev, SPEC).and_then(|old| {
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
    let report = match ctyun_image_codegen::diff::diff_sources(&old, &old_label, &new, &new_label) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // With --since, the crate versions at both ends: required for --check-version, reported
    // (JSON, Markdown) whenever they can be read.
    let versions = match &since {
        Some(rev) => match version_check(root, rev, &report) {
            Ok(v) => Some(v),
            Err(e) if check_version => {
                eprintln!("error: version gate: {e}");
                return ExitCode::from(2);
            }
            Err(_) => None,
        },
        None => None,
    };
    let text = match (format, &versions) {
        (Format::Json, Some(v)) => report.to_json_with_versions(v),
        (Format::Json, None) => report.to_json(),
        (Format::Github, v) => report.to_github(v.as_ref()),
        (Format::Markdown, Some(v)) => {
            format!("{}\n**Version:** {}.\n", report.to_markdown(), v.summary(report.verdict()))
        }
        (Format::Markdown, None) => report.to_markdown(),
    };
    print!("{text}");
    let mut code = report.exit_code(fail_on_breaking);
    if let (true, Some(v)) = (check_version, &versions) {
        if !v.ok {
            eprintln!("error: {}", v.summary(report.verdict()));
            code = 1;
        }
    }
    ExitCode::from(code)
}

/// The crate versions of `client/Cargo.toml` at `rev` and in the working tree, checked against
/// what `report` needs.
fn version_check(root: &Path, rev: &str, report: &Report) -> Result<VersionCheck, String> {
    let at_rev = |path: &str| git_show(root, rev, path);
    let old = cargo_toml_version(&at_rev(CLIENT_MANIFEST)?, at_rev("Cargo.toml").ok().as_deref())
        .map_err(|e| format!("{CLIENT_MANIFEST}@{rev}: {e}"))?;
    let new = cargo_toml_version(&read(&root.join(CLIENT_MANIFEST))?, read(&root.join("Cargo.toml")).ok().as_deref())
        .map_err(|e| format!("{CLIENT_MANIFEST}: {e}"))?;
    let old = Version::parse(&old).map_err(|e| format!("{CLIENT_MANIFEST}@{rev}: {e}"))?;
    let new = Version::parse(&new).map_err(|e| format!("{CLIENT_MANIFEST}: {e}"))?;
    VersionCheck::new(report, old, new)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A file as committed at `rev` (`git show REV:PATH`).
fn git_show(root: &Path, rev: &str, path: &str) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("`git show {rev}:{path}` failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{path} at {rev} is not UTF-8"))
}

/// `git -C ROOT ARGS...`: its stdout, or its stderr as the error.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out =
        Command::new("git").arg("-C").arg(root).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("`git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`git {}` printed non-UTF-8", args.join(" ")))
}
