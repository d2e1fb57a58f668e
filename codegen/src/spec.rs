//! Loading a spec: the YAML is parsed once into a [`Spec`] (plain YAML, typed OpenAPI model,
//! file label and line index) that lowering, checking, generation and the diff all take.
//! Syntax, version and typed-model errors are located (JSON pointer and line), with a hint for
//! the usual mistakes.

use crate::diag::{self, Diagnostic, Error, Locator};
use crate::raw;

/// A parsed spec: everything later stages read, parsed once.
#[derive(Debug)]
pub struct Spec<'s> {
    /// How the file is named in diagnostics.
    pub file: String,
    /// The text.
    pub source: &'s str,
    /// The plain YAML, for what the typed model drops (unknown keys, `$ref` siblings,
    /// `x-rust-name`, `x-waiter`).
    pub raw: serde_yaml::Value,
    /// The typed OpenAPI 3.0 model.
    pub model: openapiv3::OpenAPI,
    lines: Locator<'s>,
}

impl<'s> Spec<'s> {
    /// The 1-based line of the node at `pointer` (the deepest ancestor found).
    pub fn locate(&self, pointer: &str) -> Option<usize> {
        self.lines.locate(pointer)
    }

    /// A diagnostic about the node at `pointer` of this file.
    pub fn diagnostic(&self, pointer: &str, message: String) -> Diagnostic {
        Diagnostic { file: self.file.clone(), pointer: pointer.to_owned(), line: self.locate(pointer), message }
    }
}

/// Parses spec text once. `file` labels diagnostics.
/// A UTF-8 byte order mark before the text is no change.
pub fn load<'s>(source: &'s str, file: &str) -> Result<Spec<'s>, Error> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    check_characters(source, file)?;
    let (raw, model) = parse(source, file)?;
    Ok(Spec { file: file.to_owned(), source, raw, model, lines: Locator::new(source) })
}

/// Spec bytes as text: a leading UTF-8 BOM is dropped; invalid UTF-8 is a diagnostic at its
/// line, naming the file by `file` (the label, never the path it was read from).
pub fn decode<'b>(bytes: &'b [u8], file: &str) -> Result<&'b str, Error> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        let byte = bytes[e.valid_up_to()];
        Error::Spec(vec![Diagnostic {
            file: file.to_owned(),
            pointer: String::new(),
            line: Some(line),
            message: format!("invalid UTF-8 (byte 0x{byte:02x} at column {column}): the spec must be saved as UTF-8"),
        }])
    })
}

/// Characters YAML does not allow anywhere (C0 controls other than tab, LF and CR; DEL; C1
/// controls other than NEL; U+FFFE/U+FFFF), reported at their line before the YAML parser
/// reports them by byte offset.
fn check_characters(source: &str, file: &str) -> Result<(), Error> {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{85}') || !(c.is_control() || c == '\u{fffe}' || c == '\u{ffff}');
    let mut diags = Vec::new();
    for (i, line) in source.split('\n').enumerate() {
        if let Some((col, c)) = line.chars().enumerate().find(|&(_, c)| !allowed(c)) {
            diags.push(Diagnostic {
                file: file.to_owned(),
                pointer: String::new(),
                line: Some(i + 1),
                message: format!(
                    "control character U+{:04X} at column {} is not allowed in YAML: remove it, or write it \
                     as an escape in a double-quoted string",
                    c as u32,
                    col + 1
                ),
            });
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Error::Spec(diags))
    }
}

/// Parses spec text once into plain YAML (kept for the checks the typed model cannot make) and
/// the typed OpenAPI model.
fn parse(source: &str, file: &str) -> Result<(serde_yaml::Value, openapiv3::OpenAPI), Error> {
    let located = |pointer: &str, line: Option<usize>, message: String| {
        let line = line.or_else(|| diag::locate(source, pointer)).or(Some(1));
        Error::Spec(vec![Diagnostic { file: file.to_owned(), pointer: pointer.to_owned(), line, message }])
    };
    // Syntax first, so YAML errors get their line.
    let raw: serde_yaml::Value = serde_yaml::from_str(source).map_err(|e| {
        let line = e.location().map(|l| l.line());
        located("", line, format!("invalid YAML: {e}"))
    })?;
    // The version next: a 3.1 or 2.0 document fails the 3.0 model with a less helpful message.
    match raw.get("openapi") {
        _ if !raw.is_mapping() => {
            return Err(located("", None, "the document must be a YAML mapping with `openapi: 3.0.x`".into()))
        }
        Some(serde_yaml::Value::String(v)) if v.starts_with("3.0") => {}
        Some(serde_yaml::Value::String(v)) => {
            return Err(located(
                "/openapi",
                None,
                format!("OpenAPI version `{v}` is not supported: this generator reads OpenAPI 3.0.x"),
            ))
        }
        Some(_) => {
            return Err(located(
                "/openapi",
                None,
                "`openapi` must be a string: quote the version (`openapi: \"3.0.3\"`)".into(),
            ))
        }
        None => {
            return Err(located(
                "",
                None,
                "missing `openapi: 3.0.x` at the top level (Swagger 2.0 documents are not supported)".into(),
            ))
        }
    }
    // `openapiv3` asserts an invariant in its `$ref` parsing; never let a dependency's panic
    // escape as ours.
    let typed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw)
    }));
    match typed {
        Ok(Ok(spec)) => Ok((raw, spec)),
        Ok(Err(e)) => {
            let pointer = path_to_pointer("", e.path());
            let (pointer, hint) = hint(&raw, &pointer, &e.inner().to_string());
            Err(located(&pointer, None, format!("not a valid OpenAPI 3.0 document: {}{hint}", e.inner())))
        }
        Err(_) => Err(located("", None, "the OpenAPI parser panicked on this document (please report)".into())),
    }
}

/// A more precise pointer and a hint for a typed-parse failure at `pointer`: the first node in
/// that subtree showing a typical mistake.
fn hint(raw: &serde_yaml::Value, pointer: &str, error: &str) -> (String, String) {
    fn walk(v: &serde_yaml::Value, pointer: &str, depth: usize, error: &str) -> Option<(String, String)> {
        use serde_yaml::Value as V;
        if depth > 64 {
            return None;
        }
        match v {
            V::Mapping(m) => {
                if let Some(found) = mistake(m, pointer, error) {
                    return Some(found);
                }
                m.iter().find_map(|(k, x)| walk(x, &diag::join(pointer, raw::key_text(k)?), depth + 1, error))
            }
            V::Sequence(s) => {
                s.iter().enumerate().find_map(|(i, x)| walk(x, &diag::join(pointer, i), depth + 1, error))
            }
            _ => None,
        }
    }
    raw::at(raw, pointer)
        .and_then(|v| walk(v, pointer, 0, error))
        .unwrap_or_else(|| (pointer.to_owned(), String::new()))
}

/// A typical mistake in the mapping at `pointer` that explains the parser's `error`.
fn mistake(m: &serde_yaml::Mapping, pointer: &str, error: &str) -> Option<(String, String)> {
    use serde_yaml::Value as V;
    let get = |k: &str| m.get(k);
    if let (Some(V::Sequence(_)), true) = (get("type"), error.contains("sequence")) {
        return Some((
            diag::join(pointer, "type"),
            " (`type` lists several types, as OpenAPI 3.1 allows: use one `type` plus `nullable: true`)".into(),
        ));
    }
    if let (Some(V::Bool(_)), true) = (get("required"), error.contains("boolean")) {
        if get("name").is_none() {
            return Some((
                diag::join(pointer, "required"),
                " (in a schema, `required` lists the required property names; `required: true` is for parameters)"
                    .into(),
            ));
        }
    }
    if let (Some(V::Sequence(_)), true) = (get("items"), error.contains("sequence")) {
        return Some((diag::join(pointer, "items"), " (`items` must be one schema)".into()));
    }
    None
}

/// `base` extended by a serde path (the place a deserializer failed).
pub(crate) fn path_to_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = base.to_owned();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out = diag::join(&out, index),
            Segment::Map { key } => out = diag::join(&out, key),
            Segment::Enum { variant } => out = diag::join(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}
