//! Rust names from wire names: heck case conversion plus keyword escaping, and the names the
//! generated code must not take.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (all editions) and reserved words; a field or method with such a name gets a
/// trailing underscore (`type` → `type_`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Re-exported: the list lives with the rest of the runtime contract.
pub use crate::runtime::CLIENT_METHODS;

/// Names in the Rust prelude (and `Self`-like names) that generated modules use unqualified
/// (`String`, `Option`, `Vec`, `Default`, `Some`...): a generated type of that name would shadow
/// them and break the module.
pub const PRELUDE_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Setter names clippy's `should_implement_trait` mistakes for operator traits (`fn add(self,
/// x) -> Self`); such setters get a targeted `#[allow]`.
pub const OPERATOR_METHODS: &[&str] = &["add", "bitand", "bitor", "bitxor", "div", "mul", "rem", "shl", "shr", "sub"];

/// `snake_case` identifier for a field or method, keyword-escaped; `None` when the name has no
/// usable characters.
pub fn snake(wire: &str) -> Option<String> {
    // A dropped character between two words (`curated 精选 or`) would leave `__`.
    let s = sanitize(&wire.to_snake_case()).split('_').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_");
    if s.is_empty() {
        return None;
    }
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("n{s}") } else { s };
    Some(if KEYWORDS.contains(&s.as_str()) { format!("{s}_") } else { s })
}

/// `UpperCamelCase` identifier for a type or variant; `None` when the name has no usable
/// characters. A leading digit gets a `V` prefix (`1` → `V1`).
pub fn pascal(wire: &str) -> Option<String> {
    let s = sanitize(&wire.to_upper_camel_case());
    let s = s.trim_matches('_').to_owned();
    if s.is_empty() {
        return None;
    }
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("V{s}") } else { s };
    Some(if KEYWORDS.contains(&s.as_str()) { format!("{s}_") } else { s })
}

/// True when `s` is a plain Rust identifier (ASCII, not a keyword, not `_`).
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
        && s != "_"
}

/// True for an identifier rustc's `non_snake_case` accepts: lower case, digits, single `_`.
pub fn is_snake_ident(s: &str) -> bool {
    is_ident(s)
        && !s.starts_with('_')
        && !s.contains("__")
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// True for an identifier rustc's `non_camel_case_types` accepts: starts upper case, no `__`,
/// no `_` next to a letter (`X86_64` is fine, `Foo_bar` is not).
pub fn is_pascal_ident(s: &str) -> bool {
    let b = s.as_bytes();
    is_ident(s)
        && b[0].is_ascii_uppercase()
        && !s.contains("__")
        && b.windows(2)
            .all(|w| !(w[0] == b'_' && w[1].is_ascii_alphabetic() || w[1] == b'_' && w[0].is_ascii_alphabetic()))
}

fn sanitize(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// The closest of `candidates` to `word` (edit distance at most 2, or a case-insensitive match),
/// for "did you mean" hints.
pub fn suggest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        let d = if c.eq_ignore_ascii_case(word) { 0 } else { distance(&lower, &c.to_ascii_lowercase()) };
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctyun_names() {
        assert_eq!(snake("regionID").unwrap(), "region_id");
        assert_eq!(snake("imageIDList").unwrap(), "image_id_list");
        assert_eq!(snake("fullECSDiskSize").unwrap(), "full_ecs_disk_size");
        assert_eq!(snake("maximumCPUCoreCount").unwrap(), "maximum_cpu_core_count");
        assert_eq!(snake("type").unwrap(), "type_");
        // Dropped non-ASCII words leave no `__` (found by fuzz_spec: a description copied into an
        // operationId).
        assert_eq!(snake("community (curated 精选) or app").unwrap(), "community_curated_or_app");
        assert!(is_snake_ident(&snake("a 精 b (c) 选 _d").unwrap()));
        assert_eq!(snake("self").unwrap(), "self_");
        assert_eq!(snake("Self").unwrap(), "self_");
        assert_eq!(snake("2fa").unwrap(), "n2fa");
        assert_eq!(snake("_private").unwrap(), "private");
        assert_eq!(snake("---"), None);
        assert_eq!(snake("中文"), None);
        assert_eq!(pascal("listImages").unwrap(), "ListImages");
        assert_eq!(pascal("pass_through").unwrap(), "PassThrough");
        assert_eq!(pascal("1").unwrap(), "V1");
        assert_eq!(pascal("self").unwrap(), "Self_");
        assert_eq!(pascal("中文"), None);
        assert!(is_ident("X86_64") && !is_ident("type") && !is_ident("9a") && !is_ident("_") && !is_ident(""));
        assert!(is_snake_ident("image_id") && !is_snake_ident("imageId") && !is_snake_ident("a__b"));
        assert!(is_pascal_ident("Gib1") && is_pascal_ident("X86_64") && is_pascal_ident("V1"));
        assert!(is_pascal_ident("HTTP") && !is_pascal_ident("Foo_bar") && !is_pascal_ident("X_"));
        assert!(!is_pascal_ident("lower") && !is_pascal_ident("A__B"));
    }

    #[test]
    fn generated_names_are_always_valid() {
        for w in ["a", "A", "aB", "a-b", "a b", "_a_", "9", "x86_64", "HTTPServer", "Ünïcode", "a__b", "type", "Self"]
        {
            if let Some(s) = snake(w) {
                assert!(is_snake_ident(&s), "{w} -> {s}");
            }
            if let Some(p) = pascal(w) {
                assert!(is_ident(&p), "{w} -> {p}");
            }
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("requried", &["required", "properties"]), Some("required"));
        assert_eq!(suggest("Type", &["type"]), Some("type"));
        assert_eq!(suggest("zzz", &["type"]), None);
    }
}
