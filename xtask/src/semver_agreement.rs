//! `cargo xtask semver-agreement` (opt-in): are the diff's verdicts ever laxer than
//! cargo-semver-checks? For every fixture pair of `codegen/tests/diff/` (base → case and case →
//! base), the client crate is built with each side's generated code (rustdoc JSON, once per
//! spec) and cargo-semver-checks compares the two; whatever it calls breaking, `cargo xtask diff`
//! must call breaking too. The diff may be stricter (wire-level breaks rustdoc cannot see).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use ctyun_image_codegen::diff::{diff_sources, Verdict};

use crate::read;

pub const USAGE: &str = "usage: cargo xtask semver-agreement [--write]

Opt-in and slow (one rustdoc build of the client crate per diff fixture). For every fixture pair
in codegen/tests/diff/ (base -> case and case -> base), generates the client for both sides,
runs cargo-semver-checks on them (`cargo install cargo-semver-checks --locked`) and compares
with the verdict of `cargo xtask diff`: agree, diff stricter (the diff says breaking, the
reference does not) or diff laxer (the reference says breaking, the diff does not: a failure).
Works in target/semver-agreement/.

options:
  --write     also write the table to xtask/SEMVER-AGREEMENT.md
  -h, --help  this text

exit codes: 0 never laxer, 1 the diff is laxer on some pair, 2 error
";

const FIXTURES: &str = "codegen/tests/diff";

struct Row {
    old: String,
    new: String,
    diff_breaking: bool,
    verdict: Verdict,
    reference: Result<bool, String>,
    lints: Vec<String>,
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut write = false;
    for a in args {
        match a.as_str() {
            "--write" => write = true,
            other => {
                eprintln!("semver-agreement: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match agreement(root) {
        Ok((rows, tool)) => {
            let table = render(&rows, &tool);
            print!("{table}");
            if write {
                let path = root.join("xtask/SEMVER-AGREEMENT.md");
                if let Err(e) = std::fs::write(&path, &table) {
                    eprintln!("error: {}: {e}", path.display());
                    return ExitCode::from(2);
                }
                eprintln!("wrote xtask/SEMVER-AGREEMENT.md");
            }
            let laxer = rows.iter().filter(|r| r.reference == Ok(true) && !r.diff_breaking).count();
            if laxer > 0 {
                eprintln!("error: the diff is laxer than cargo-semver-checks on {laxer} pair(s)");
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn sh(cmd: &mut Command, what: &str) -> Result<std::process::Output, String> {
    cmd.output().map_err(|e| format!("cannot run {what}: {e}"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for e in std::fs::read_dir(from).map_err(|e| io(from, e))?.flatten() {
        let target = to.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target).map_err(|err| io(&target, err))?;
        }
    }
    Ok(())
}

/// Every fixture pair, judged by the diff and by cargo-semver-checks, and the tool's version.
fn agreement(root: &Path) -> Result<(Vec<Row>, String), String> {
    let tool = semver_checks_version()?;
    let work = root.join("target/semver-agreement");
    let target = work.join("target");
    let krate = template_crate(root, &work, &target)?;
    let specs = fixture_names(root)?;
    let json_dir = work.join("json");
    std::fs::create_dir_all(&json_dir).map_err(|e| e.to_string())?;
    let mut built = Vec::new();
    for name in specs {
        if rustdoc_json(root, &krate, &target, &json_dir, &name)? {
            built.push(name);
        }
    }
    let mut rows = Vec::new();
    for name in built.iter().filter(|n| n.as_str() != "base") {
        for (old, new) in [("base", name.as_str()), (name.as_str(), "base")] {
            rows.push(compare(root, &json_dir, old, new)?);
        }
    }
    Ok((rows, tool))
}

/// `cargo semver-checks --version`, or why it cannot run.
fn semver_checks_version() -> Result<String, String> {
    let version = sh(Command::new(cargo()).args(["semver-checks", "--version"]), "cargo semver-checks")?;
    if !version.status.success() {
        return Err("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`".into());
    }
    Ok(String::from_utf8_lossy(&version.stdout).trim().to_owned())
}

/// The crate as published (normalized manifest, no workspace inheritance), unpacked into
/// `work/crate` as its own workspace: the template each fixture's generated code goes into.
fn template_crate(root: &Path, work: &Path, target: &Path) -> Result<PathBuf, String> {
    eprintln!("== cargo package -p ctyun-image (template crate)");
    let out = sh(
        Command::new(cargo())
            .current_dir(root)
            .args(["package", "-p", "ctyun-image", "--allow-dirty", "--no-verify", "--target-dir"])
            .arg(target),
        "cargo package",
    )?;
    if !out.status.success() {
        return Err(format!("cargo package failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let crate_file = std::fs::read_dir(target.join("package"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "crate"))
        .ok_or("no .crate produced")?;
    let unpacked = work.join("unpacked");
    let _ = std::fs::remove_dir_all(&unpacked);
    std::fs::create_dir_all(&unpacked).map_err(|e| e.to_string())?;
    let ok = Command::new("tar").arg("-xzmf").arg(&crate_file).arg("-C").arg(&unpacked).status();
    if !ok.is_ok_and(|s| s.success()) {
        return Err(format!("cannot unpack {}", crate_file.display()));
    }
    let template = std::fs::read_dir(&unpacked)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .next()
        .ok_or("empty .crate")?;
    let krate = work.join("crate");
    let _ = std::fs::remove_dir_all(&krate);
    copy_dir(&template, &krate)?;
    // Its own workspace (it lives below this one's target directory).
    let manifest = krate.join("Cargo.toml");
    let text = read(&manifest)?;
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
    Ok(krate)
}

/// The fixtures' names (`base`, ...), sorted.
fn fixture_names(root: &Path) -> Result<Vec<String>, String> {
    let mut specs: Vec<String> = std::fs::read_dir(root.join(FIXTURES))
        .map_err(|e| format!("{FIXTURES}: {e}"))?
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".yaml")).map(str::to_owned))
        .collect();
    specs.sort();
    Ok(specs)
}

/// The rustdoc JSON of the client generated from fixture `name`, as `json_dir/name.json`;
/// `false` when the fixture is not a valid spec (skipped).
fn rustdoc_json(root: &Path, krate: &Path, target: &Path, json_dir: &Path, name: &str) -> Result<bool, String> {
    let label = format!("{FIXTURES}/{name}.yaml");
    let source = read(&root.join(&label))?;
    let Ok(files) = ctyun_image_codegen::generate_from_str(&source, &label) else {
        eprintln!("-- {name}: not a valid spec, skipped");
        return Ok(false);
    };
    let generated = krate.join("src/generated");
    let _ = std::fs::remove_dir_all(&generated);
    std::fs::create_dir_all(&generated).map_err(|e| e.to_string())?;
    for f in &files {
        std::fs::write(generated.join(&f.path), &f.contents).map_err(|e| e.to_string())?;
    }
    eprintln!("== rustdoc JSON for {name}");
    let out = sh(
        Command::new(cargo())
            .current_dir(krate)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["rustdoc", "--lib", "--target-dir"])
            .arg(target)
            .args(["--", "-Z", "unstable-options", "--output-format", "json"]),
        "cargo rustdoc",
    )?;
    if !out.status.success() {
        return Err(format!(
            "rustdoc of the client generated from {label} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let json = json_dir.join(format!("{name}.json"));
    std::fs::copy(target.join("doc/ctyun_image.json"), &json).map_err(|e| e.to_string())?;
    Ok(true)
}

/// One pair `old → new`: the diff's verdict on the two specs, cargo-semver-checks' on their
/// rustdoc JSON.
fn compare(root: &Path, json_dir: &Path, old: &str, new: &str) -> Result<Row, String> {
    let label = |n: &str| format!("{FIXTURES}/{n}.yaml");
    let report = diff_sources(&read(&root.join(label(old)))?, &label(old), &read(&root.join(label(new)))?, &label(new))
        .map_err(|e| e.to_string())?;
    let (reference, lints) =
        semver_checks(&json_dir.join(format!("{old}.json")), &json_dir.join(format!("{new}.json")));
    Ok(Row {
        old: old.to_owned(),
        new: new.to_owned(),
        diff_breaking: report.has_breaking(),
        verdict: report.verdict(),
        reference,
        lints,
    })
}

/// cargo-semver-checks on two rustdoc JSON files: `Ok(true)` when it requires a major version,
/// with the names of the failed lints.
fn semver_checks(old: &PathBuf, new: &PathBuf) -> (Result<bool, String>, Vec<String>) {
    let out = Command::new(cargo())
        .args(["semver-checks", "check-release", "--color", "never", "--release-type", "patch", "--baseline-rustdoc"])
        .arg(old)
        .arg("--current-rustdoc")
        .arg(new)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => return (Err(e.to_string()), Vec::new()),
    };
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let mut lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .map(|l| l.split(':').next().unwrap_or(l).trim().to_owned())
        .collect();
    lints.sort();
    lints.dedup();
    let major = text.contains("requires new major version");
    if out.status.success() || major || !lints.is_empty() {
        (Ok(major), lints)
    } else {
        (Err(text.lines().rev().take(5).collect::<Vec<_>>().join(" / ")), lints)
    }
}

fn render(rows: &[Row], tool: &str) -> String {
    let agree = rows.iter().filter(|r| r.reference.as_ref().is_ok_and(|b| *b == r.diff_breaking)).count();
    let stricter = rows.iter().filter(|r| r.reference == Ok(false) && r.diff_breaking).count();
    let laxer = rows.iter().filter(|r| r.reference == Ok(true) && !r.diff_breaking).count();
    let errors = rows.iter().filter(|r| r.reference.is_err()).count();
    let mut s = String::from(
        "# `cargo xtask diff` vs cargo-semver-checks\n\n\
         Written by `cargo xtask semver-agreement --write`: every fixture pair of `codegen/tests/diff/` \
         (base → case and case → base), the client crate generated from each side, compared by \
         cargo-semver-checks (rustdoc JSON; \"breaking\" = it requires a major version) and by \
         `cargo xtask diff` (\"breaking\" = verdict BREAKING). The diff may be stricter (wire-level \
         breaks such as a changed path, method or wire name are invisible to rustdoc, and \
         cargo-semver-checks has no lint for a changed field or argument type or for reordered \
         arguments of the same type), never laxer.\n\n",
    );
    let rustc =
        Command::new("rustc").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let _ = writeln!(s, "Measured with {tool} and {}.\n", rustc.unwrap_or_default());
    let _ = writeln!(
        s,
        "| pairs | agree | diff stricter | diff laxer | reference errors |\n|---:|---:|---:|---:|---:|\n| {} | {agree} | {stricter} | {laxer} | {errors} |\n",
        rows.len()
    );
    s.push_str("| old → new | diff verdict | cargo-semver-checks | outcome | failed lints |\n|---|---|---|---|---|\n");
    for r in rows {
        let (reference, outcome) = match &r.reference {
            Ok(true) if r.diff_breaking => ("breaking", "agree"),
            Ok(true) => ("breaking", "**DIFF LAXER**"),
            Ok(false) if r.diff_breaking => ("not breaking", "diff stricter"),
            Ok(false) => ("not breaking", "agree"),
            Err(_) => ("error", "—"),
        };
        let _ = writeln!(
            s,
            "| `{}` → `{}` | {} | {reference} | {outcome} | {} |",
            r.old,
            r.new,
            r.verdict.as_str(),
            r.lints.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(e) = rows.iter().find_map(|r| r.reference.as_ref().err()) {
        let _ = writeln!(s, "\nFirst reference error: {e}");
    }
    s
}
