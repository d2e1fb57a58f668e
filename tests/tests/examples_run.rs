//! Every example runs to completion offline (they are built by `cargo test`; this runs them).

use std::path::PathBuf;
use std::process::Command;

fn examples_dir() -> PathBuf {
    // target/<profile>/deps/<this test> → target/<profile>/examples
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples")
}

#[test]
fn every_example_runs() {
    let dir = examples_dir();
    for (name, expect) in [
        ("quickstart", "wrong secret key"),
        ("from_env", "public images in the default region"),
        ("paginate", "collected 250"),
        ("waiters", "gone after"),
        ("retries", "stalled server"),
        ("errors", "not found, as expected"),
        ("tracing", "ctyun_image.attempt"),
    ] {
        let exe = dir.join(name);
        assert!(exe.exists(), "{} not built (cargo test builds examples)", exe.display());
        let out = Command::new(&exe).env_remove("RUST_LOG").output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "example {name} failed:\n{text}");
        assert!(text.contains(expect), "example {name} did not print {expect:?}:\n{text}");
        assert!(!text.contains("SK\")") && !text.contains("Signature="), "example {name} leaked a secret:\n{text}");
    }
}
