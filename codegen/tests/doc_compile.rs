//! Arbitrary text in every documentation-bearing position of a spec (info, tag, operation
//! summary and description, parameter, schema, property and enum descriptions, enum value
//! descriptions) still generates a crate that compiles, is clippy-clean under `-D warnings`,
//! and whose doctests pass.
//!
//! Compiling is the expensive part, so `cargo test` runs a small fixed sample
//! ([`CI_SAMPLES`] specs, one seed) and `cargo test -p ctyun-image-codegen --test doc_compile
//! -- --ignored` the full run (`DOC_FUZZ_SAMPLES`, default 64, `DOC_FUZZ_SEED`). The samples
//! are written under `target/doc-fuzz/` and compiled as the workspace member
//! `ctyun-image-docfuzz` (`tests/docfuzz-crate/`), so the workspace's target directory, lock
//! file, profile and dependency builds are reused: no second target directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ctyun_image_codegen::Runtime;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Specs compiled by `cargo test` (each with 12 texts).
const CI_SAMPLES: usize = 2;

/// The doc-bearing positions of the template (`{D0}`...`{D11}`), each replaced by a YAML
/// double-quoted string.
const TEMPLATE: &str = r##"openapi: 3.0.3
info:
  title: {D0}
  version: {D1}
  description: {D2}
tags:
  - name: things
    description: {D3}
x-envelope: {schema: "#/components/schemas/Envelope", payload: returnObj}
paths:
  /v1/thing{N}:
    post:
      operationId: docFuzz{N}
      tags: [things]
      summary: {D4}
      description: {D5}
      parameters:
        - name: thingID
          in: query
          required: true
          description: {D6}
          schema:
            type: string
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                size:
                  type: integer
                  description: {D7}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Envelope"
                  - type: object
                    properties:
                      returnObj:
                        $ref: "#/components/schemas/Thing"
components:
  schemas:
    Envelope:
      type: object
      properties:
        statusCode:
          type: integer
        returnObj:
          type: object
    Thing:
      type: object
      description: {D8}
      required: [state]
      properties:
        state:
          $ref: "#/components/schemas/State"
        name:
          type: string
          description: {D9}
    State:
      type: string
      description: {D10}
      enum: [active, gone]
      x-enum-descriptions: [{D11}, "the end"]
"##;

const POSITIONS: usize = 12;

/// A YAML double-quoted scalar holding exactly `s` (every non-printable character escaped).
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0xa0 || matches!(c as u32, 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if !c.is_control() && (c as u32) <= 0xffff => out.push(c),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Text made of the pieces that trip rustc, rustdoc and clippy: fences with attributes,
/// indentation, lists, HTML, links, brackets, controls, bidi overrides; or any text.
fn doc_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("```".to_owned()),
        Just("~~~~".to_owned()),
        Just("```rust,no_run".to_owned()),
        Just("```should_panic".to_owned()),
        Just("```compile_fail".to_owned()),
        Just("```json".to_owned()),
        Just("fn main() { panic!() }".to_owned()),
        Just("    ".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\r".to_owned()),
        Just("- ".to_owned()),
        Just("1. ".to_owned()),
        Just("> ".to_owned()),
        Just("# ".to_owned()),
        Just("<div>".to_owned()),
        Just("<T>".to_owned()),
        Just("[link]".to_owned()),
        Just("[Vec]".to_owned()),
        Just("https://example.com/a_b".to_owned()),
        Just("`".to_owned()),
        Just("*/".to_owned()),
        Just("/*".to_owned()),
        Just("\"#".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{7}".to_owned()),
        Just("\u{0}".to_owned()),
        Just("snake_case_word".to_owned()),
        "[a-z ]{0,8}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop_oneof![
        3 => prop::collection::vec(piece, 0..30).prop_map(|v| v.concat()),
        1 => ".{0,40}".prop_map(|s| s),
    ]
}

fn spec(n: usize, texts: &[String]) -> String {
    let mut s = TEMPLATE.replace("{N}", &n.to_string());
    // Highest index first: `{D1}` is a prefix of `{D10}`.
    for (i, t) in texts.iter().enumerate().rev() {
        s = s.replace(&format!("{{D{i}}}"), &yaml_quoted(t));
    }
    s
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from)
}

/// One spec of texts that broke the generated crate before (each a class the sanitizer now
/// handles), compiled in every run besides the random samples.
const FOUND: [&str; POSITIONS] = [
    // A title spanning lines, with a comment end and a bidi override (`//!` header line).
    "Title\n*/ (\u{202e}) `x",
    // A version with Markdown.
    "1 <b>\n```rust",
    // Indented code inside a block quote.
    "> quoted\n>\n>     fn quoted() { panic!() }",
    // A fence opened on a list item's line, and inside a quote in a list item.
    "- ```rust\n  panic!();\n  ```\n- > ```\n  > panic!();",
    // A nested list item continued lazily.
    "- 1. item\n`continued",
    // Indented code right after a heading.
    "# Heading\n    fn after_heading() { panic!() }",
    // An HTML block hiding a fence, and a fence after it.
    "<div>\n```text\n\n`\n```\npanic!();",
    // A type-7 HTML block line, then a fence with a Rust-like info string.
    "<T>\n```json fn main() { panic!() }",
    // Indented code after a thematic break and after a closed fence.
    "---\n    fn after_rule() {}\n\n~~~\n~~~\n    fn after_fence() {}",
    "-     indented item code()",
    "1.  ```should_panic\n    panic!();",
    "`",
];

/// A second spec of such texts (found by the full run and by `doc_sanitizer.rs`).
const FOUND_2: [&str; POSITIONS] = [
    "Title",
    "1",
    // A paragraph continued by an indented fence-like line, then a quote and a bare fence.
    "fn main() {}\n    ~~~~text\n> quoted\n~~~~\npanic!();",
    // An empty list item (bare marker) continued by an indented fence.
    "-\n    ```\n    panic!();",
    // An empty item, then a fence at the top level.
    "1.\n```\npanic!();",
    // An item's fence closed by the item's end.
    "- x\n  ~~~rust\n  panic!();\nafter",
    // A setext heading, then indented code.
    "Heading\n-\n    fn after_setext() { panic!() }",
    // A lazy quote continuation that looks like a fence.
    "> > \n>     ``````\u{202e}\npanic!();",
    // Only blanks: the type still gets a doc (missing_docs).
    "  \n \t ",
    // An empty item after a quote (clippy read the text as a lazy quote line).
    "> quoted\n*\n  more",
    // A fence in a list item after a blank line.
    "- ```rust\n\n  a\n    `````````\n  panic!();",
    "- 1. item\n  ~~~\n  panic!();",
];

/// Generates `samples` specs from `seed`, writes them under `target/doc-fuzz/`, then lints and
/// doc-tests the crate; panics with the failing texts.
fn run(samples: usize, seed: u64) {
    let started = Instant::now();
    let dir = target_dir().join("doc-fuzz");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &{
            let mut s = [0u8; 32];
            s[..8].copy_from_slice(&seed.to_le_bytes());
            s
        }),
    );
    let strategy = prop::collection::vec(doc_text(), POSITIONS);
    let mut inputs = Vec::new();
    for n in 0..samples + 2 {
        let texts = match n {
            0 => FOUND.iter().map(|t| (*t).to_owned()).collect(),
            1 => FOUND_2.iter().map(|t| (*t).to_owned()).collect(),
            _ => strategy.new_tree(&mut runner).unwrap().current(),
        };
        let label = format!("doc-fuzz/sample_{n}.yaml");
        let source = spec(n, &texts);
        let files = ctyun_image_codegen::generate_from_str_with(&source, &label, &Runtime::EXTERNAL)
            .unwrap_or_else(|e| panic!("sample {n} does not generate: {e}\ntexts: {texts:#?}"));
        ctyun_image_codegen::write_files(&dir.join(format!("sample_{n}")), &files).unwrap();
        inputs.push(texts);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let step = |args: &[&str]| {
        let out = Command::new(&cargo)
            .args(args)
            .current_dir(workspace())
            .env("CTYUN_DOC_FUZZ_DIR", &dir)
            .env("CARGO_TARGET_DIR", target_dir())
            // Every run compiles new sources: incremental caches would only pile up in target/.
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`cargo {}` failed on the generated samples (in {}):\n{}\n{}\ntexts per sample: {inputs:#?}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    };
    step(&["clippy", "-p", "ctyun-image-docfuzz", "--all-targets", "--", "-D", "warnings"]);
    step(&["test", "-p", "ctyun-image-docfuzz", "--doc"]);
    eprintln!(
        "doc_compile: {samples} random spec(s) + 2 fixed × {POSITIONS} texts (seed {seed}) in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn a_fixed_sample_of_arbitrary_docs_compiles_lints_and_doctests() {
    run(CI_SAMPLES, 12);
}

#[test]
#[ignore = "compiles many generated crates: run with `-- --ignored`"]
fn arbitrary_docs_compile_lint_and_doctest() {
    let env = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    run(env("DOC_FUZZ_SAMPLES", 64) as usize, env("DOC_FUZZ_SEED", 1));
}

#[test]
fn yaml_quoting_round_trips() {
    let mut runner = TestRunner::new(Config { cases: 500, failure_persistence: None, ..Config::default() });
    runner
        .run(&".*", |s| {
            let v: String = serde_yaml::from_str(&yaml_quoted(&s)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(v, s);
            Ok(())
        })
        .unwrap();
}
