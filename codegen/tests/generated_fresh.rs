//! The committed generated code must be exactly what the spec generates (rust-analyzer style
//! freshness check), and generation must be deterministic.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn committed_generated_code_is_fresh() {
    let files = ctyun_image_codegen::generate(&root().join("spec/ctimage.yaml"), "spec/ctimage.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let stale = ctyun_image_codegen::stale_files(&root().join("client/src/generated"), &files);
    assert!(
        stale.is_empty(),
        "client/src/generated is stale ({}): run `cargo xtask codegen` and commit the result",
        stale.join(", ")
    );
}

#[test]
fn generation_is_deterministic() {
    let source = std::fs::read_to_string(root().join("spec/ctimage.yaml")).unwrap();
    let a = ctyun_image_codegen::generate_from_str(&source, "spec/ctimage.yaml").unwrap();
    let b = ctyun_image_codegen::generate_from_str(&source, "spec/ctimage.yaml").unwrap();
    assert_eq!(a, b);
    for f in &a {
        assert!(f.contents.lines().next().unwrap().contains("@generated"), "{}", f.path);
        assert!(f.contents.contains("cargo xtask codegen"), "{}", f.path);
    }
}
