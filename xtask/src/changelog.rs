//! `cargo xtask changelog [--check] [--since REV]`: keeps `CHANGELOG.md` in step with the spec.
//!
//! The section of the current crate version (`## X.Y.Z`, from `client/Cargo.toml`) holds a
//! generated block between `<!-- changelog X.Y.Z begin -->` and `<!-- changelog X.Y.Z end -->`:
//! the `cargo xtask diff` report (grouped the same way: API, operations, types; verdict last)
//! from the spec of the previous release to the working tree. Everything outside the markers is
//! hand-written and kept byte for byte; the blocks of older versions are history and are never
//! rewritten.
//!
//! The previous release is the commit just before the one that set the current version in
//! `client/Cargo.toml` (HEAD when the bump is not committed yet); `--since REV` overrides it.
//! With no earlier version in the history, the section is the first release.

use std::path::Path;
use std::process::ExitCode;

use ctyun_image_codegen::diff::version::cargo_toml_version;

use crate::{git, git_show, read, CLIENT_MANIFEST, SPEC};

pub const USAGE: &str = "usage: cargo xtask changelog [--check] [--since REV]

Writes the section of the current crate version (client/Cargo.toml) in CHANGELOG.md: the spec
changes since the previous release, grouped like `cargo xtask diff`, between
`<!-- changelog X.Y.Z begin/end -->` markers. Text outside the markers is hand-written and kept;
sections of older versions are left as they are.

The previous release is the commit before the one that set the current version (HEAD when the
version bump is not committed yet).

options:
  --check      change nothing; exit 1 when CHANGELOG.md is not what this command would write
  --since REV  compare with the spec at REV instead of the previous release
  -h, --help   this text

exit codes: 0 done / up to date, 1 out of date (with --check), 2 error
";

const FILE: &str = "CHANGELOG.md";

const HEADER: &str = "# Changelog

All notable changes to the `ctyun-image` crate, newest first. Each version's spec changes are
written by `cargo xtask changelog` between its `<!-- changelog X.Y.Z begin/end -->` markers (the
`cargo xtask diff` report since the previous release); notes outside the markers are
hand-written and kept.
";

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut check = false;
    let mut since = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--since" => match it.next() {
                Some(rev) => since = Some(rev.clone()),
                None => {
                    eprintln!("changelog: `--since` needs a git revision\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("changelog: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match build(root, since.as_deref()) {
        Ok((version, text)) => {
            let path = root.join(FILE);
            let current = std::fs::read_to_string(&path).ok();
            if current.as_deref() == Some(text.as_str()) {
                println!("{FILE} is up to date ({version})");
                ExitCode::SUCCESS
            } else if check {
                eprintln!("error: {FILE} is out of date for {version}; run `cargo xtask changelog` and commit it");
                ExitCode::from(1)
            } else {
                match std::fs::write(&path, text) {
                    Ok(()) => {
                        println!("wrote {FILE} ({version})");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {}: {e}", path.display());
                        ExitCode::from(2)
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn version_at(root: &Path, rev: Option<&str>) -> Result<String, String> {
    match rev {
        Some(rev) => cargo_toml_version(
            &git_show(root, rev, CLIENT_MANIFEST)?,
            git_show(root, rev, "Cargo.toml").ok().as_deref(),
        )
        .map_err(|e| format!("{CLIENT_MANIFEST}@{rev}: {e}")),
        None => cargo_toml_version(&read(&root.join(CLIENT_MANIFEST))?, read(&root.join("Cargo.toml")).ok().as_deref())
            .map_err(|e| format!("{CLIENT_MANIFEST}: {e}")),
    }
}

/// The previous release for `version`: `Some(rev)` of the spec to compare with, `None` for a
/// first release.
fn previous_release(root: &Path, version: &str) -> Result<Option<String>, String> {
    if version_at(root, Some("HEAD")).ok().as_deref() != Some(version) {
        return Ok(Some("HEAD".to_owned()));
    }
    let log = git(root, &["log", "--format=%H", "--", CLIENT_MANIFEST])?;
    let mut introduced = None;
    for commit in log.lines() {
        if version_at(root, Some(commit)).ok().as_deref() == Some(version) {
            introduced = Some(commit.to_owned());
        } else {
            return Ok(introduced.map(|c| format!("{c}^")));
        }
    }
    Ok(None)
}

/// The new text of CHANGELOG.md and the current version.
fn build(root: &Path, since: Option<&str>) -> Result<(String, String), String> {
    let version = version_at(root, None)?;
    let base = match since {
        Some(rev) => Some(rev.to_owned()),
        None => previous_release(root, &version)?,
    };
    let block = match &base {
        None => "First release: no earlier version to compare the spec with.\n".to_owned(),
        Some(rev) => {
            let old = git_show(root, rev, SPEC)?;
            let new = read(&root.join(SPEC))?;
            let report = ctyun_image_codegen::diff::diff_sources(&old, &format!("{SPEC}@{rev}"), &new, SPEC)
                .map_err(|e| e.to_string())?;
            let hash = git(root, &["rev-parse", "--short=12", &format!("{rev}^{{commit}}")])?;
            let old_version = version_at(root, Some(rev)).unwrap_or_else(|_| "?".to_owned());
            let markdown = report.to_markdown();
            let lines: Vec<&str> = markdown.lines().collect();
            let mut s = format!("Spec changes since {old_version} (commit `{}`):\n\n", hash.trim());
            for l in lines.get(4..).unwrap_or_default() {
                if l.starts_with('#') {
                    s.push('#');
                }
                s.push_str(l);
                s.push('\n');
            }
            s
        }
    };
    let existing = std::fs::read_to_string(root.join(FILE)).unwrap_or_else(|_| HEADER.to_owned());
    Ok((version.clone(), splice(&existing, &version, &block)))
}

/// `text` with the generated block of `version` set to `block`: replaced between its markers,
/// appended to the version's section when it has no markers, or in a new section above the
/// newest one.
fn splice(text: &str, version: &str, block: &str) -> String {
    let begin = format!("<!-- changelog {version} begin -->");
    let end = format!("<!-- changelog {version} end -->");
    let generated = format!("{begin}\n{block}{end}\n");
    if let (Some(b), Some(e)) = (text.find(&begin), text.find(&end)) {
        if b < e {
            let after = text[e + end.len()..].strip_prefix('\n').unwrap_or(&text[e + end.len()..]);
            return format!("{}{generated}{after}", &text[..b]);
        }
    }
    let heading = format!("## {version}");
    let is_heading = |l: &str| l == heading || l.starts_with(&format!("{heading} "));
    let mut offset = 0;
    let mut section_start = None;
    let mut first_section = None;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end();
        if l.starts_with("## ") {
            if section_start.is_some() {
                // End of this version's section: append the block there.
                let (head, tail) = text.split_at(offset);
                return format!("{}\n\n{generated}\n{tail}", head.trim_end_matches('\n'));
            }
            first_section.get_or_insert(offset);
            if is_heading(l) {
                section_start = Some(offset);
            }
        }
        offset += line.len();
    }
    if section_start.is_some() {
        return format!("{}\n\n{generated}", text.trim_end_matches('\n'));
    }
    let section = format!("{heading}\n\n{generated}\n");
    match first_section {
        Some(at) => format!("{}{section}{}", &text[..at], &text[at..]),
        None => format!("{}\n\n{section}", text.trim_end_matches('\n')).trim_end_matches('\n').to_owned() + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn splicing_keeps_hand_written_text() {
        let t = splice("# Changelog\n\nIntro.\n", "0.1.0", "A\n");
        assert_eq!(
            t,
            "# Changelog\n\nIntro.\n\n## 0.1.0\n\n<!-- changelog 0.1.0 begin -->\nA\n<!-- changelog 0.1.0 end -->\n"
        );
        let t = t.replace("## 0.1.0\n\n", "## 0.1.0\n\nMy note.\n\n");
        let t2 = splice(&t, "0.1.0", "B\n");
        assert_eq!(t2, t.replace("A\n", "B\n"));
        let t3 = splice(&t2, "0.2.0", "C\n");
        assert!(t3.starts_with("# Changelog\n\nIntro.\n\n## 0.2.0\n\n<!-- changelog 0.2.0 begin -->\nC\n<!-- changelog 0.2.0 end -->\n\n## 0.1.0\n\nMy note.\n\n<!-- changelog 0.1.0 begin -->\nB\n"), "{t3}");
        // A section written by hand, without markers, gets the block at its end.
        let t4 = splice("# C\n\n## 0.3.0 (unreleased)\n\nNotes.\n\n## 0.2.0\n\nOld.\n", "0.3.0", "D\n");
        assert_eq!(t4, "# C\n\n## 0.3.0 (unreleased)\n\nNotes.\n\n<!-- changelog 0.3.0 begin -->\nD\n<!-- changelog 0.3.0 end -->\n\n## 0.2.0\n\nOld.\n");
        let t5 = splice("# C\n\n## 0.3.0\n\nNotes.\n", "0.3.0", "E\n");
        assert_eq!(
            t5,
            "# C\n\n## 0.3.0\n\nNotes.\n\n<!-- changelog 0.3.0 begin -->\nE\n<!-- changelog 0.3.0 end -->\n"
        );
    }
}
