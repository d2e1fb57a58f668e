//! Property test of the doc sanitizer over arbitrary text: what lands in `///` has no control
//! or bidi characters, no tabs, and every fenced block is closed and labelled `text` or a
//! language rustdoc does not run (no accidental doctest).

use ctyun_image_codegen::docs::{doc_lines, forbidden};
use proptest::prelude::*;

const SAFE_INFO: &[&str] = &[
    "text", "json", "yaml", "toml", "xml", "html", "http", "sh", "bash", "shell", "console", "python", "go", "java",
    "sql",
];

fn check(lines: &[String]) -> Result<(), TestCaseError> {
    let mut fence: Option<(char, usize, usize)> = None;
    for l in lines {
        prop_assert!(!l.chars().any(forbidden), "forbidden character in {l:?}");
        prop_assert!(!l.contains('\t') && !l.contains('\r'), "tab or CR in {l:?}");
        // Fences may sit in a block quote (`> ```rust`); inside one, the quote's markers are
        // stripped as many times as at its opening.
        let mut t = l.trim_start_matches(' ');
        let mut depth = 0;
        while let Some(rest) = t.strip_prefix('>').filter(|_| fence.is_none_or(|f| depth < f.2)) {
            t = rest.strip_prefix(' ').unwrap_or(rest).trim_start_matches(' ');
            depth += 1;
        }
        let ch = t.chars().next().filter(|&c| c == '`' || c == '~');
        let run = ch.map_or(0, |c| t.chars().take_while(|&x| x == c).count());
        match (fence, ch) {
            (Some((c, n, _)), Some(x)) if x == c && run >= n && t[run..].trim().is_empty() => fence = None,
            (None, Some(c)) if run >= 3 && !(c == '`' && t[run..].contains('`')) => {
                let info = t[run..].trim();
                prop_assert!(SAFE_INFO.contains(&info), "fence info {info:?} may be a doctest: {l:?}");
                fence = Some((c, run, depth));
            }
            _ => {}
        }
    }
    prop_assert!(fence.is_none(), "unclosed fence in {lines:?}");
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
        Just("\u{7}".to_owned()),
        "[a-z ]{0,6}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_becomes_safe_doc_lines(a in ".*", b in markdownish()) {
        check(&doc_lines(&[a]))?;
        check(&doc_lines(&[b.clone(), b]))?;
    }
}
