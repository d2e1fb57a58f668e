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
    // (marker, length, quote depth, indentation) of the open fence.
    let mut fence: Option<(char, usize, usize, usize)> = None;
    // Content column of the list item the lines belong to (0: none).
    let mut item = 0;
    for l in lines {
        prop_assert!(!l.chars().any(forbidden), "forbidden character in {l:?}");
        prop_assert!(!l.contains('\t') && !l.contains('\r'), "tab or CR in {l:?}");
        // Fences may sit in a block quote (`> ```rust`); inside one, the quote's markers are
        // stripped as many times as at its opening.
        let mut t = l.as_str();
        let mut depth = 0;
        loop {
            let s = t.trim_start_matches(' ');
            match s.strip_prefix('>').filter(|_| fence.is_none_or(|f| depth < f.2)) {
                Some(rest) => {
                    t = rest.strip_prefix(' ').unwrap_or(rest);
                    depth += 1;
                }
                None => break,
            }
        }
        // Indentation inside the quote(s).
        let s = t.trim_start_matches(' ');
        let lead = t.len() - s.len();
        let t = s;
        if fence.is_none() && !t.is_empty() {
            // The content column of the innermost item opened on this line (`1. - x`: 5).
            let (mut col, mut rest, mut any) = (lead, t, false);
            loop {
                let bullet = ["- ", "* ", "+ "].iter().find(|m| rest.starts_with(**m)).map(|m| m.len());
                let d = rest.bytes().take_while(u8::is_ascii_digit).count();
                let ordered = (d > 0 && (rest[d..].starts_with(". ") || rest[d..].starts_with(") "))).then_some(d + 2);
                let bare = (rest.len() == 1 && "-*+".contains(rest)
                    || d > 0 && rest.len() == d + 1 && (rest.ends_with('.') || rest.ends_with(')')))
                .then_some(rest.len() + 1);
                match bullet.or(ordered).or(bare) {
                    Some(w) => {
                        any = true;
                        let after = &rest[w.min(rest.len())..];
                        let inner = after.trim_start_matches(' ');
                        col += w + (after.len() - inner.len());
                        rest = inner;
                    }
                    None => break,
                }
            }
            if any {
                item = col;
            } else if lead < item {
                item = 0;
            }
        }
        // A fence opens at less than 4 columns, relative to the list item it is in.
        let opens = lead < 4 || (item > 0 && lead >= item && lead < item + 4);
        let ch = t.chars().next().filter(|&c| c == '`' || c == '~');
        let run = ch.map_or(0, |c| t.chars().take_while(|&x| x == c).count());
        match (fence, ch) {
            // A closing fence is indented less than 4 columns past its opening one (else: content).
            (Some((c, n, _, ind)), Some(x)) if x == c && run >= n && t[run..].trim().is_empty() && lead < ind + 4 => {
                fence = None;
            }
            (None, Some(c)) if opens && run >= 3 && !(c == '`' && t[run..].contains('`')) => {
                let info = t[run..].trim();
                prop_assert!(SAFE_INFO.contains(&info), "fence info {info:?} may be a doctest: {l:?}");
                fence = Some((c, run, depth, lead));
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
