//! Golden tests: each `fixtures/<name>/spec.yaml` must generate exactly the committed
//! `fixtures/<name>/expected/` (`UPDATE_GOLDEN=1 cargo test -p ctyun-image-codegen --test golden`
//! accepts new output). The expected code is generated for an external crate
//! (`Runtime::EXTERNAL`) and compiled and linted as the workspace crate `ctyun-image-golden`
//! (`tests/golden-crate/`), so `cargo test --workspace` and `cargo clippy --all-targets` build
//! it against the client's public runtime.

use std::fs;
use std::path::{Path, PathBuf};

use ctyun_image_codegen::Runtime;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixtures())
        .expect("codegen/tests/fixtures")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("spec.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fixtures_generate_their_expected_output() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for name in fixture_names() {
        let dir = fixtures().join(&name);
        let label = format!("codegen/tests/fixtures/{name}/spec.yaml");
        let source = fs::read_to_string(dir.join("spec.yaml")).unwrap();
        let files = ctyun_image_codegen::generate_from_str_with(&source, &label, &Runtime::EXTERNAL)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = dir.join("expected");
        if update {
            ctyun_image_codegen::write_files(&expected, &files).unwrap();
            continue;
        }
        for s in ctyun_image_codegen::stale_files(&expected, &files) {
            stale.push(format!("{name}/expected/{s}"));
        }
    }
    assert!(
        stale.is_empty(),
        "generated output differs from the golden files: {}\nreview, then accept with \
         `UPDATE_GOLDEN=1 cargo test -p ctyun-image-codegen --test golden`",
        stale.join(", ")
    );
}

/// Every fixture's expected output is compiled by the golden crate, and none by the client
/// crate (which must stay publishable without test-only code).
#[test]
fn every_fixture_is_compiled_by_the_golden_crate() {
    let listing =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-crate/src/lib.rs")).unwrap();
    for name in fixture_names() {
        let decl = format!("#[path = \"../../fixtures/{name}/expected/mod.rs\"]\npub mod {name};");
        assert!(listing.contains(&decl), "codegen/tests/golden-crate/src/lib.rs must declare:\n{decl}");
    }
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src/lib.rs")).unwrap();
    assert!(!lib.contains("codegen/tests/fixtures"), "client/src/lib.rs must not include the fixtures");
}
