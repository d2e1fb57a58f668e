//! Golden tests: each `fixtures/<name>/spec.yaml` must generate exactly the committed
//! `fixtures/<name>/expected/` (`UPDATE_GOLDEN=1 cargo test -p ctyun-image-codegen --test golden`
//! accepts new output). The expected code is also compiled and linted: `client/src/lib.rs`
//! includes `fixtures/mod.rs` under `#[cfg(test)]`, so `cargo test -p ctyun-image` and
//! `cargo clippy --all-targets` build it against the real runtime.

use std::fs;
use std::path::{Path, PathBuf};

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
        let files = ctyun_image_codegen::generate_from_str(&source, &label).unwrap_or_else(|e| panic!("{name}: {e}"));
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

/// Every fixture's expected output is compiled inside the client crate (see `fixtures/mod.rs`).
#[test]
fn every_fixture_is_compiled_by_the_client_crate() {
    let listing = fs::read_to_string(fixtures().join("mod.rs")).unwrap();
    for name in fixture_names() {
        let decl = format!("#[path = \"{name}/expected/mod.rs\"]\npub mod {name};");
        assert!(listing.contains(&decl), "codegen/tests/fixtures/mod.rs must declare:\n{decl}");
    }
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src/lib.rs")).unwrap();
    assert!(
        lib.contains("#[path = \"../../codegen/tests/fixtures/mod.rs\"]"),
        "client/src/lib.rs must include the fixtures"
    );
}
