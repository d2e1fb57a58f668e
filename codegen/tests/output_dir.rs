//! Writing generated code: all-or-nothing, and orphans removed through the manifest.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ctyun_image_codegen::{regenerate, stale_files, write_files, GeneratedFile, MANIFEST};

/// A scratch directory under the target dir, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("codegen-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` (recursively), with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p, b"<dir>".to_vec());
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn file(path: &str, contents: &str) -> GeneratedFile {
    GeneratedFile { path: path.into(), contents: contents.into() }
}

const GOOD: &str = include_str!("fixtures/minimal/spec.yaml");

#[test]
fn a_failing_generation_leaves_the_output_directory_byte_identical() {
    let dir = scratch("failing-generation");
    let spec = dir.join("spec.yaml");
    fs::write(&spec, GOOD).unwrap();
    let out = dir.join("generated");
    regenerate(&spec, "spec.yaml", &out).unwrap();
    fs::write(out.join("notes.txt"), "hand-written, not in the manifest").unwrap();
    let before = snapshot(&dir);

    // A spec error (late in lowering: the response of the only operation) ...
    fs::write(&spec, GOOD.replace("#/components/schemas/Pong", "#/components/schemas/Nope")).unwrap();
    let err = regenerate(&spec, "spec.yaml", &out).unwrap_err();
    assert!(!err.diagnostics().is_empty(), "{err}");
    // ... and a syntax error.
    fs::write(&spec, "openapi: [").unwrap();
    regenerate(&spec, "spec.yaml", &out).unwrap_err();

    fs::write(&spec, GOOD).unwrap();
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_failing_write_restores_what_it_already_replaced() {
    let dir = scratch("failing-write");
    let v1 = [file("a.rs", "// a1\n"), file("b.rs", "// b1\n"), file("c.rs", "// c1\n")];
    write_files(&dir, &v1).unwrap();
    // `c.rs` becomes a directory: staging succeeds, the rename onto it fails after `a.rs` and
    // `b.rs` were already renamed into place.
    fs::remove_file(dir.join("c.rs")).unwrap();
    fs::create_dir(dir.join("c.rs")).unwrap();
    fs::write(dir.join("c.rs").join("keep"), "x").unwrap();
    let before = snapshot(&dir);
    let v2 = [file("a.rs", "// a2\n"), file("b.rs", "// b2\n"), file("c.rs", "// c2\n"), file("d.rs", "// new\n")];
    let err = write_files(&dir, &v2).unwrap_err();
    assert!(err.to_string().contains("c.rs"), "{err}");
    assert_eq!(snapshot(&dir), before, "no file changed, no temporary file left");
}

#[test]
fn orphans_are_reported_then_deleted_and_other_files_are_kept() {
    let dir = scratch("orphans");
    let v1 = [file("mod.rs", "// m\n"), file("waiters.rs", "// w\n")];
    assert_eq!(write_files(&dir, &v1).unwrap(), ["mod.rs", "waiters.rs", MANIFEST]);
    fs::write(dir.join("README.md"), "not generated").unwrap();
    assert!(stale_files(&dir, &v1).is_empty());

    let v2 = [file("mod.rs", "// m\n")];
    assert_eq!(stale_files(&dir, &v2), ["waiters.rs (orphan)", MANIFEST]);
    assert_eq!(write_files(&dir, &v2).unwrap(), [MANIFEST, "waiters.rs (deleted)"]);
    assert!(!dir.join("waiters.rs").exists());
    assert!(dir.join("README.md").exists(), "files not listed in the manifest are never deleted");
    assert!(stale_files(&dir, &v2).is_empty());
    // Unchanged files are not rewritten.
    assert!(write_files(&dir, &v2).unwrap().is_empty());
}

#[test]
fn manifest_entries_cannot_escape_the_directory() {
    let dir = scratch("escape");
    let outside = dir.join("outside.rs");
    fs::write(&outside, "precious").unwrap();
    let out = dir.join("gen");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(MANIFEST), "../outside.rs\nsub/x.rs\n").unwrap();
    write_files(&out, &[file("mod.rs", "// m\n")]).unwrap();
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious");
}
