//! Located diagnostics: every problem names the spec file, a JSON pointer into the spec and,
//! where it can be found, the YAML line.

use std::fmt;

/// One problem in a spec, with its location and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file as given to the generator.
    pub file: String,
    /// JSON pointer to the offending node (`/paths/~1v4~1image~1list/get/parameters/0`).
    pub pointer: String,
    /// 1-based YAML line of that node, when it could be located.
    pub line: Option<usize>,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: ", self.file, line)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if !self.pointer.is_empty() {
            write!(f, "at {}: ", self.pointer)?;
        }
        f.write_str(&self.message)
    }
}

/// The generator's error: one or more located diagnostics, or an I/O problem.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec is invalid or uses something the generator does not support.
    #[error("{} problem(s) in the spec:\n{}", .0.len(), .0.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n"))]
    Spec(Vec<Diagnostic>),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The generator produced tokens that do not parse as Rust: a generator bug.
    #[error("internal generator error (please report): {0}")]
    Internal(String),
}

impl Error {
    /// The diagnostics, for spec errors.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Spec(d) => d,
            _ => &[],
        }
    }
}

/// A serde error message in the words of someone editing YAML: `invalid type: sequence,
/// expected struct Operation` becomes `expected a mapping (key: value) for an operation, found
/// a list`; `missing field` becomes `missing key`. Messages of other shapes are kept as they are.
pub fn humanize_serde(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = split_expected(rest) {
            return format!("expected {}, found {}", expected_words(expected), found_words(found));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = split_expected(rest) {
            return format!("expected {}, found {}", expected_words(expected), found_words(found));
        }
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return format!("unknown value {}", rest.replacen(", expected", ": expected", 1));
    }
    if let Some(rest) = message.strip_prefix("data did not match any variant of untagged enum ") {
        return match rest {
            "ReferenceOr" => "expected either `$ref: \"#/components/...\"` or the object itself".to_owned(),
            _ => "this value has none of the accepted shapes".to_owned(),
        };
    }
    message.to_owned()
}

/// `<found>, expected <expected>` (the found part may be a quoted string with commas).
fn split_expected(rest: &str) -> Option<(&str, &str)> {
    let at = rest.rfind(", expected ")?;
    Some((&rest[..at], &rest[at + ", expected ".len()..]))
}

/// serde's `Unexpected` as YAML words.
fn found_words(found: &str) -> String {
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the text `{}`", s.trim_matches('"'));
    }
    for (prefix, what) in [("integer ", "the number "), ("floating point ", "the number "), ("boolean ", "")] {
        if let Some(v) = found.strip_prefix(prefix) {
            return format!("{what}{v}");
        }
    }
    match found {
        "sequence" => "a list".to_owned(),
        "map" => "a mapping (key: value)".to_owned(),
        "unit value" | "unit" | "null" => "nothing (null)".to_owned(),
        "enum" | "newtype variant" => "a tagged value (`!tag`)".to_owned(),
        other => other.to_owned(),
    }
}

/// serde's `Expected` as YAML words.
fn expected_words(expected: &str) -> String {
    if let Some(name) = expected.strip_prefix("struct ") {
        let what = match name {
            "OpenAPI" => "the OpenAPI document",
            "Info" => "`info`",
            "Contact" => "`contact`",
            "License" => "`license`",
            "Components" => "`components`",
            "PathItem" => "a path item (method: operation)",
            "Operation" => "an operation",
            "Responses" => "`responses` (status code: response)",
            "Response" => "a response",
            "RequestBody" => "a request body",
            "MediaType" => "a media type object",
            "ParameterData" | "Parameter" => "a parameter",
            "Schema" | "SchemaData" | "RawAnySchema" => "a schema",
            "Server" => "a server",
            "Tag" => "a tag",
            "ExternalDocumentation" => "`externalDocs`",
            "Discriminator" => "`discriminator`",
            _ => return "a mapping (key: value)".to_owned(),
        };
        return format!("a mapping (key: value) for {what}");
    }
    match expected {
        "a map" | "map" => "a mapping (key: value)".to_owned(),
        "a sequence" | "sequence" => "a list (`- item` lines, or `[a, b]`)".to_owned(),
        "a boolean" | "bool" => "`true` or `false`".to_owned(),
        "a string" | "string" => "text".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "variant identifier" => "one of the allowed words".to_owned(),
        other => other.to_owned(),
    }
}

/// Escapes one JSON-pointer token.
pub fn escape_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Appends a token to a pointer.
pub fn join(pointer: &str, token: impl fmt::Display) -> String {
    format!("{pointer}/{}", escape_token(&token.to_string()))
}

/// Finds the 1-based line of the node a JSON pointer designates in block-style YAML.
///
/// Walks the text by indentation; flow collections (`[a, b]`, `{a: b}`) are not entered, so a
/// pointer into one resolves to the line that opens it. Returns the deepest line found: the
/// first line of content for the root (`""`) or when not even the first token is found. `None`
/// only for a document without content.
pub fn locate(source: &str, pointer: &str) -> Option<usize> {
    Locator::new(source).locate(pointer)
}

/// [`locate`] for many pointers into one document (splits the text into lines once).
#[derive(Debug)]
pub struct Locator<'s> {
    lines: Vec<&'s str>,
    root: Option<usize>,
}

impl<'s> Locator<'s> {
    /// Indexes `source`.
    pub fn new(source: &'s str) -> Self {
        let lines: Vec<&str> = source.lines().collect();
        let root = lines
            .iter()
            .position(|l| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && t != "---"
            })
            .map(|i| i + 1);
        Locator { lines, root }
    }

    /// See [`locate`].
    pub fn locate(&self, pointer: &str) -> Option<usize> {
        locate_in(&self.lines, pointer).or(self.root)
    }
}

fn locate_in(lines: &[&str], pointer: &str) -> Option<usize> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let mut start = 0usize;
    let mut parent_indent: isize = -1;
    let mut found: Option<usize> = None;
    // The line of the sequence item just entered: its own `- ` sits left of its content.
    let mut item_line: Option<usize> = None;
    for token in &tokens {
        let index: Option<usize> = token.parse().ok();
        let mut seq_count = 0usize;
        let mut hit = None;
        let mut i = start;
        while i < lines.len() {
            let raw = lines[i];
            let trimmed = raw.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                i += 1;
                continue;
            }
            let indent = (raw.len() - trimmed.len()) as isize;
            if indent <= parent_indent && found.is_some() && item_line != Some(i) {
                break;
            }
            if let (Some(n), Some(rest)) = (index, trimmed.strip_prefix('-')) {
                if rest.is_empty() || rest.starts_with(' ') {
                    if seq_count == n {
                        // The item's content is indented past the dash.
                        let inner = rest.len() - rest.trim_start().len();
                        hit = Some((i, indent + 1 + inner as isize - 1));
                        break;
                    }
                    seq_count += 1;
                }
            } else {
                // `key:` possibly after a `- ` of a sequence item, possibly quoted.
                let content = trimmed.strip_prefix("- ").unwrap_or(trimmed);
                let key_indent = indent + (trimmed.len() - content.len()) as isize;
                if let Some(key) = yaml_key(content) {
                    if key == token.as_str() && key_indent > parent_indent {
                        hit = Some((i, key_indent));
                        break;
                    }
                }
            }
            i += 1;
        }
        match hit {
            Some((line, indent)) => {
                found = Some(line + 1);
                start = line + 1;
                parent_indent = indent;
                // A sequence item's first key sits on the dash line itself.
                item_line = None;
                if index.is_some() {
                    start = line;
                    item_line = Some(line);
                }
            }
            None => break,
        }
    }
    found
}

fn yaml_key(content: &str) -> Option<&str> {
    let (key, _) = if let Some(rest) = content.strip_prefix('"') {
        let end = rest.find('"')?;
        let after = &rest[end + 1..];
        if !after.starts_with(':') {
            return None;
        }
        return Some(&rest[..end]);
    } else if let Some(rest) = content.strip_prefix('\'') {
        let end = rest.find('\'')?;
        let after = &rest[end + 1..];
        if !after.starts_with(':') {
            return None;
        }
        return Some(&rest[..end]);
    } else {
        let colon = content.find(": ").or_else(|| content.strip_suffix(':').map(|s| s.len()))?;
        (&content[..colon], ())
    };
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: &str = "openapi: 3.0.3\npaths:\n  /a/b:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - $ref: '#/p'\n      responses:\n        \"200\":\n          description: ok\ncomponents:\n  schemas:\n    A:\n      type: object\n";

    #[test]
    fn serde_messages_in_yaml_words() {
        for (serde, ours) in [
            (
                "invalid type: sequence, expected struct Operation",
                "expected a mapping (key: value) for an operation, found a list",
            ),
            (
                "invalid type: string \"a, b\", expected a sequence",
                "expected a list (`- item` lines, or `[a, b]`), found the text `a, b`",
            ),
            ("invalid type: map, expected a string", "expected text, found a mapping (key: value)"),
            ("invalid type: integer `5`, expected a boolean", "expected `true` or `false`, found the number `5`"),
            ("missing field `info`", "missing key `info`"),
            (
                "unknown variant `body`, expected one of `query`, `path`",
                "unknown value `body`: expected one of `query`, `path`",
            ),
            ("something else", "something else"),
        ] {
            assert_eq!(humanize_serde(serde), ours);
        }
    }

    #[test]
    fn locates_keys_items_and_quoted_keys() {
        assert_eq!(locate(Y, "/paths/~1a~1b/get"), Some(4));
        assert_eq!(locate(Y, "/paths/~1a~1b/get/parameters/0"), Some(6));
        assert_eq!(locate(Y, "/paths/~1a~1b/get/parameters/0/in"), Some(7));
        assert_eq!(locate(Y, "/paths/~1a~1b/get/parameters/1"), Some(8));
        assert_eq!(locate(Y, "/paths/~1a~1b/get/responses/200/description"), Some(11));
        assert_eq!(locate(Y, "/components/schemas/A/type"), Some(15));
        // Unknown tail: the deepest known ancestor.
        assert_eq!(locate(Y, "/components/schemas/A/properties/z"), Some(14));
        // Root, and pointers whose first token is not found: the first line of content.
        assert_eq!(locate(Y, ""), Some(1));
        assert_eq!(locate(Y, "/nope"), Some(1));
        assert_eq!(locate("# c\n\nopenapi: 3.0.3\n", ""), Some(3));
        assert_eq!(locate("", ""), None);
    }
}
