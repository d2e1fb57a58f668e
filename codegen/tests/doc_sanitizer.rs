//! Property test of the doc sanitizer over arbitrary text: what lands in `///` has no control
//! or bidi characters, no tabs, and every code block is closed and labelled `text` or a
//! language rustdoc does not run (no accidental doctest). Code blocks are found by
//! pulldown-cmark, the Markdown parser rustdoc itself uses; this check is written apart from
//! `docs::rustdoc_safe`, which `doc_lines` uses to fall back to a plain text block.

use ctyun_image_codegen::docs::{doc_lines, forbidden};
use proptest::prelude::*;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

const SAFE_INFO: &[&str] = &[
    "text", "json", "yaml", "toml", "xml", "html", "http", "sh", "bash", "shell", "console", "python", "go", "java",
    "sql",
];

/// Follows every doc and proves nothing swallowed it (an unclosed fence would).
const SENTINEL: &str = "SENTINEL-END";

fn check(lines: &[String]) -> Result<(), TestCaseError> {
    for l in lines {
        prop_assert!(!l.chars().any(forbidden), "forbidden character in {l:?}");
        prop_assert!(!l.contains('\t') && !l.contains('\r'), "tab or CR in {l:?}");
    }
    // What rustdoc reads: the lines less the indentation they all share (rustdoc's unindent),
    // then (as the next doc paragraph) the sentinel, parsed with rustdoc's extensions.
    let shared = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start_matches(' ').len()).min();
    let unindented: Vec<&str> = lines.iter().map(|l| l.get(shared.unwrap_or(0)..).unwrap_or("")).collect();
    let text = format!("{}\n\n{SENTINEL}\n", unindented.join("\n"));
    let options =
        Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let (mut in_code, mut sentinel_seen) = (false, false);
    for event in Parser::new_ext(&text, options) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                prop_assert!(false, "an indented code block is a doctest: {lines:?}");
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                prop_assert!(SAFE_INFO.contains(&info.trim()), "fence info {info:?} may be a doctest: {lines:?}");
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code && t.contains(SENTINEL) => sentinel_seen = true,
            _ => {}
        }
    }
    prop_assert!(sentinel_seen, "a block is left open and swallows what follows: {lines:?}");
    Ok(())
}

/// Text made of the pieces that matter: fences with attributes, indentation, lists, controls.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("```".to_owned()),
        Just("~~~~".to_owned()),
        Just("```rust,no_run".to_owned()),
        Just("```should_panic".to_owned()),
        Just("```json".to_owned()),
        Just("    ".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("- ".to_owned()),
        Just("1. ".to_owned()),
        Just("> ".to_owned()),
        Just(">     ".to_owned()),
        Just("- ```rust".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("[^a]: ".to_owned()),
        Just(" ".to_owned()),
        Just("| a |\n|---|\n".to_owned()),
        Just("\u{7}".to_owned()),
        "[a-z ]{0,6}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    // A fixed seed: the same cases on every run, so CI cannot fail at random. Explore others with
    // `PROPTEST_RNG_SEED=$RANDOM PROPTEST_CASES=300000 cargo test -p ctyun-image-codegen --test doc_sanitizer`.
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_203),
        ..ProptestConfig::with_cases(2000)
    })]

    #[test]
    fn arbitrary_text_becomes_safe_doc_lines(a in ".*", b in markdownish()) {
        check(&doc_lines(&[a]))?;
        check(&doc_lines(&[b.clone(), b]))?;
    }
}
