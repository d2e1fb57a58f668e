//! Declares one module per generated sample found in `$CTYUN_DOC_FUZZ_DIR` (set by
//! `codegen/tests/doc_compile.rs`); without it the crate is empty.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=CTYUN_DOC_FUZZ_DIR");
    let mut out = String::new();
    if let Some(dir) = std::env::var_os("CTYUN_DOC_FUZZ_DIR").map(PathBuf::from) {
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut samples: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
            .expect("CTYUN_DOC_FUZZ_DIR")
            .filter_map(Result::ok)
            .filter(|e| e.path().join("mod.rs").is_file())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path().join("mod.rs")))
            .collect();
        samples.sort();
        for (name, path) in samples {
            println!("cargo::rerun-if-changed={}", path.display());
            for file in ["operations.rs", "model.rs", "cli.rs"] {
                println!("cargo::rerun-if-changed={}", path.with_file_name(file).display());
            }
            let _ = writeln!(out, "#[rustfmt::skip]\n#[path = {:?}]\npub mod {name};", path.display().to_string());
        }
    }
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("samples.rs");
    std::fs::write(target, out).expect("write samples.rs");
}
