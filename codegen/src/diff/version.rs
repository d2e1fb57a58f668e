//! The version gate: which semver step a [`Report`] needs, and whether a version bump made it.
//!
//! Rules (Cargo's reading of semver, where the leftmost non-zero component is the "major" one):
//!
//! | crate version | breaking | compatible (additions, behaviour notes) | documentation only / no changes |
//! |---|---|---|---|
//! | `0.0.z` | patch | patch | none |
//! | `0.y.z` (y > 0) | minor | patch | none |
//! | `x.y.z` (x > 0) | major | minor | none |
//!
//! A bigger step than required is always fine; a smaller one (including none) fails the gate,
//! and the message names the smallest version that passes.

use std::fmt;

use serde::Serialize;

use super::{Report, Verdict};

/// A `major.minor.patch[-pre][+build]` version (pre-release and build are kept as text and
/// ignored when deciding the step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// Major component.
    pub major: u64,
    /// Minor component.
    pub minor: u64,
    /// Patch component.
    pub patch: u64,
    /// `-pre` and `+build` suffix, verbatim (empty when absent).
    pub suffix: String,
}

impl Version {
    /// Parses `X.Y.Z` with an optional `-pre`/`+build` suffix.
    pub fn parse(s: &str) -> Result<Version, String> {
        let s = s.trim();
        let cut = s.find(['-', '+']).unwrap_or(s.len());
        let (core, suffix) = s.split_at(cut);
        let parts: Vec<&str> = core.split('.').collect();
        let num = |p: &str| p.parse::<u64>().ok().filter(|_| !p.is_empty() && (p == "0" || !p.starts_with('0')));
        match parts.as_slice() {
            [a, b, c] => match (num(a), num(b), num(c)) {
                (Some(major), Some(minor), Some(patch)) => {
                    Ok(Version { major, minor, patch, suffix: suffix.to_owned() })
                }
                _ => Err(format!("`{s}` is not a semver version (MAJOR.MINOR.PATCH)")),
            },
            _ => Err(format!("`{s}` is not a semver version (MAJOR.MINOR.PATCH)")),
        }
    }

    fn triple(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }

    /// The smallest version that is `step` above this one (`None`: this version).
    pub fn bumped(&self, step: Step) -> Version {
        let (major, minor, patch) = match step {
            Step::None => return self.clone(),
            Step::Patch => (self.major, self.minor, self.patch + 1),
            Step::Minor => (self.major, self.minor + 1, 0),
            Step::Major => (self.major + 1, 0, 0),
        };
        Version { major, minor, patch, suffix: String::new() }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}{}", self.major, self.minor, self.patch, self.suffix)
    }
}

/// A version step, by the component that changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Same `major.minor.patch`.
    None,
    /// Patch component.
    Patch,
    /// Minor component.
    Minor,
    /// Major component.
    Major,
}

impl Step {
    /// `none`, `patch`, `minor`, `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::None => "none",
            Step::Patch => "patch",
            Step::Minor => "minor",
            Step::Major => "major",
        }
    }
}

/// The step a change with this verdict needs, starting from version `old` (table in the module
/// docs).
pub fn required_step(verdict: Verdict, old: &Version) -> Step {
    match (verdict, old.major, old.minor) {
        (Verdict::NoChanges | Verdict::DocumentationOnly, _, _) => Step::None,
        (_, 0, 0) => Step::Patch,
        (Verdict::Breaking, 0, _) => Step::Minor,
        (_, 0, _) => Step::Patch,
        (Verdict::Breaking, _, _) => Step::Major,
        (Verdict::Compatible, _, _) => Step::Minor,
    }
}

/// The step from `old` to `new`, or an error when `new` is lower.
pub fn actual_step(old: &Version, new: &Version) -> Result<Step, String> {
    if new.triple() < old.triple() {
        return Err(format!("the version went down: {old} → {new}"));
    }
    Ok(if new.major > old.major {
        Step::Major
    } else if new.minor > old.minor {
        Step::Minor
    } else if new.patch > old.patch {
        Step::Patch
    } else {
        Step::None
    })
}

/// The outcome of the gate for one report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct VersionCheck {
    /// Crate version at the old end.
    #[serde(serialize_with = "as_string")]
    pub old: Version,
    /// Crate version at the new end.
    #[serde(serialize_with = "as_string")]
    pub new: Version,
    /// The step the changes need.
    pub required_step: Step,
    /// The smallest version that passes.
    #[serde(serialize_with = "as_string")]
    pub required: Version,
    /// The step that was made.
    pub actual_step: Step,
    /// True when the step made is at least the required one.
    pub ok: bool,
}

fn as_string<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl VersionCheck {
    /// Checks the bump `old` → `new` against what `report` needs. Errors when the version went
    /// down.
    pub fn new(report: &Report, old: Version, new: Version) -> Result<VersionCheck, String> {
        let actual = actual_step(&old, &new)?;
        let required_step = required_step(report.verdict(), &old);
        let required = old.bumped(required_step);
        Ok(VersionCheck { ok: actual >= required_step, required, required_step, actual_step: actual, old, new })
    }

    /// One line for people: what was bumped, what was needed, and the verdict.
    pub fn summary(&self, verdict: Verdict) -> String {
        let why = match verdict {
            Verdict::NoChanges => "no changes".to_owned(),
            Verdict::DocumentationOnly => "documentation-only changes".to_owned(),
            Verdict::Compatible => "compatible changes".to_owned(),
            Verdict::Breaking => "breaking changes".to_owned(),
        };
        let need = match self.required_step {
            Step::None => "no version step".to_owned(),
            s => format!("a {} step (at least {})", s.as_str(), self.required),
        };
        if self.ok {
            format!("crate version {} → {}: ok ({why} need {need})", self.old, self.new)
        } else {
            format!(
                "crate version {} → {} is not enough: {why} need {need}; set `version = \"{}\"` in client/Cargo.toml",
                self.old, self.new, self.required
            )
        }
    }
}

/// The `version` of a `Cargo.toml`'s `[package]` (`version.workspace = true` is resolved in
/// `workspace_manifest`, the text of the workspace root's `Cargo.toml`). Line-based: enough for
/// the plain `version = "…"` this repository writes.
pub fn cargo_toml_version(manifest: &str, workspace_manifest: Option<&str>) -> Result<String, String> {
    let value = |text: &str, section: &str| -> Option<String> {
        let mut inside = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                inside = line == section;
            } else if inside {
                if let Some(rest) = line.strip_prefix("version") {
                    let rest = rest.trim_start();
                    if let Some(v) = rest.strip_prefix('=') {
                        return Some(v.trim().to_owned());
                    }
                    if rest.starts_with(".workspace") {
                        return Some("workspace".to_owned());
                    }
                }
            }
        }
        None
    };
    let unquote = |v: String| -> Result<String, String> {
        let v = v.split('#').next().unwrap_or("").trim();
        v.strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .map(str::to_owned)
            .ok_or_else(|| format!("`version = {v}` is not a string"))
    };
    match value(manifest, "[package]") {
        Some(v) if v == "workspace" => match workspace_manifest.and_then(|w| value(w, "[workspace.package]")) {
            Some(v) => unquote(v),
            None => Err("`version.workspace = true` but no `[workspace.package]` version".to_owned()),
        },
        Some(v) => unquote(v),
        None => Err("no `version` in `[package]`".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn steps_follow_cargo_semver() {
        use Verdict::*;
        let cases = [
            ("0.1.0", Breaking, Step::Minor, "0.2.0"),
            ("0.1.3", Compatible, Step::Patch, "0.1.4"),
            ("0.1.3", DocumentationOnly, Step::None, "0.1.3"),
            ("0.1.3", NoChanges, Step::None, "0.1.3"),
            ("0.0.4", Breaking, Step::Patch, "0.0.5"),
            ("1.2.3", Breaking, Step::Major, "2.0.0"),
            ("1.2.3", Compatible, Step::Minor, "1.3.0"),
        ];
        for (old, verdict, step, required) in cases {
            assert_eq!(required_step(verdict, &v(old)), step, "{old} {verdict:?}");
            assert_eq!(v(old).bumped(step).to_string(), required);
        }
    }

    #[test]
    fn actual_steps() {
        assert_eq!(actual_step(&v("0.1.0"), &v("0.1.0")), Ok(Step::None));
        assert_eq!(actual_step(&v("0.1.0"), &v("0.1.1")), Ok(Step::Patch));
        assert_eq!(actual_step(&v("0.1.9"), &v("0.2.0")), Ok(Step::Minor));
        assert_eq!(actual_step(&v("0.9.9"), &v("1.0.0")), Ok(Step::Major));
        assert_eq!(actual_step(&v("0.1.0"), &v("0.2.0-alpha.1")), Ok(Step::Minor));
        assert!(actual_step(&v("0.2.0"), &v("0.1.5")).unwrap_err().contains("went down"));
    }

    #[test]
    fn parsing() {
        assert_eq!(v("1.2.3-rc.1+b5").to_string(), "1.2.3-rc.1+b5");
        for bad in ["1.2", "1.2.x", "01.2.3", "", "1.2.3.4"] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        let m = "[package]\nname = \"x\"\nversion = \"0.3.1\" # comment\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(cargo_toml_version(m, None).unwrap(), "0.3.1");
        let m = "[package]\nversion.workspace = true\n";
        let w = "[workspace]\n[workspace.package]\nversion = \"2.0.0\"\n";
        assert_eq!(cargo_toml_version(m, Some(w)).unwrap(), "2.0.0");
        assert!(cargo_toml_version(m, None).is_err());
        assert!(cargo_toml_version("[dependencies]\nversion = \"1\"\n", None).is_err());
    }
}
