//! Input bytes: a UTF-8 BOM is no change; invalid UTF-8 and control characters are reported at
//! their real line, under the label given (repository-relative), never an absolute path.

use std::path::Path;

use ctyun_image_codegen::{generate, generate_from_str, Error};

fn spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ctimage.yaml")).unwrap()
}

fn write_tmp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ctyun-codegen-input-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The one diagnostic of a failed generation: (file, line, message).
fn diagnostic(r: Result<Vec<ctyun_image_codegen::GeneratedFile>, Error>) -> (String, usize, String) {
    match r {
        Err(Error::Spec(d)) => {
            assert_eq!(d.len(), 1, "{d:?}");
            let d = d.into_iter().next().unwrap();
            (d.file, d.line.expect("a line"), d.message)
        }
        Err(e) => panic!("not a spec diagnostic: {e}"),
        Ok(_) => panic!("accepted"),
    }
}

#[test]
fn a_utf8_bom_is_no_change() {
    let source = spec();
    let expected = generate_from_str(&source, "spec/ctimage.yaml").unwrap();
    let with_bom = format!("\u{feff}{source}");
    let from_str = generate_from_str(&with_bom, "spec/ctimage.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert!(from_str == expected);
    let path = write_tmp("bom.yaml", with_bom.as_bytes());
    let from_file = generate(&path, "spec/ctimage.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert!(from_file == expected);
}

#[test]
fn invalid_utf8_is_reported_at_its_line_with_the_label() {
    let source = spec();
    let mut bytes = Vec::new();
    for (i, line) in source.lines().enumerate() {
        bytes.extend_from_slice(line.as_bytes());
        if i == 99 {
            bytes.extend_from_slice(b" \xff\xfe");
        }
        bytes.push(b'\n');
    }
    let path = write_tmp("invalid.yaml", &bytes);
    let (file, line, message) = diagnostic(generate(&path, "spec/ctimage.yaml"));
    assert_eq!((file.as_str(), line), ("spec/ctimage.yaml", 100), "{message}");
    assert!(message.contains("UTF-8"), "{message}");
    assert!(!message.contains(&*std::env::temp_dir().to_string_lossy()), "{message}");
}

#[test]
fn control_characters_are_reported_at_their_line() {
    let source = spec();
    for (c, at) in [('\u{7}', 120usize), ('\u{1b}', 200), ('\u{0}', 300)] {
        let text: String = source
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == at { format!("{l}{c}\n") } else { format!("{l}\n") })
            .collect();
        let (file, line, message) = diagnostic(generate_from_str(&text, "spec/ctimage.yaml"));
        assert_eq!((file.as_str(), line), ("spec/ctimage.yaml", at), "{c:?}: {message}");
    }
}
