//! Rust names from wire names: heck case conversion plus keyword escaping.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (all editions) and reserved words; a field or method with such a name gets a
/// trailing underscore (`type` → `type_`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// `snake_case` identifier for a field or method, keyword-escaped; `None` when the name has no
/// usable characters.
pub fn snake(wire: &str) -> Option<String> {
    let s = sanitize(&wire.to_snake_case());
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("n{s}") } else { s };
    if s.is_empty() || s.chars().all(|c| c == '_') {
        return None;
    }
    Some(if KEYWORDS.contains(&s.as_str()) { format!("{s}_") } else { s })
}

/// `UpperCamelCase` identifier for a type or variant; `None` when the name has no usable
/// characters. A leading digit gets a `V` prefix (`1` → `V1`).
pub fn pascal(wire: &str) -> Option<String> {
    let s = sanitize(&wire.to_upper_camel_case());
    if s.is_empty() {
        return None;
    }
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("V{s}") } else { s };
    Some(if KEYWORDS.contains(&s.as_str()) { format!("{s}_") } else { s })
}

/// True when `s` is a plain Rust identifier (ASCII, not a keyword).
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
        && s != "_"
}

fn sanitize(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
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
        assert_eq!(snake("self").unwrap(), "self_");
        assert_eq!(snake("2fa").unwrap(), "n2fa");
        assert_eq!(snake("---"), None);
        assert_eq!(pascal("listImages").unwrap(), "ListImages");
        assert_eq!(pascal("pass_through").unwrap(), "PassThrough");
        assert_eq!(pascal("1").unwrap(), "V1");
        assert_eq!(pascal("中文"), None);
        assert!(is_ident("X86_64") && !is_ident("type") && !is_ident("9a"));
    }
}
