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
    let raw: serde_yaml::Value = match quiet_catch(|| serde_yaml::from_str(source)) {
        Ok(Ok(raw)) => raw,
        Ok(Err(e)) => {
            let (line, column) = e.location().map_or((None, None), |l| (Some(l.line()), Some(l.column())));
            if let Some((pointer, line, message)) = duplicate_key(source, &e.to_string(), line, column) {
                return Err(located(&pointer, Some(line), message));
            }
            return Err(located("", line, format!("invalid YAML: {e}")));
        }
        Err(p) => {
            return Err(located("", None, format!("the YAML parser (serde_yaml) panicked on this document: {p}")))
        }
    };
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
    // `openapiv3` asserts an invariant in its `$ref` parsing (see `explain_panic`); never let a
    // dependency's panic escape as ours, nor print its text.
    let typed = quiet_catch(|| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw));
    match typed {
        Ok(Ok(spec)) => Ok((raw, spec)),
        Ok(Err(e)) => {
            let pointer = path_to_pointer("", e.path());
            let error = e.inner().to_string();
            let (pointer, hint) = hint(&raw, &pointer, &error);
            let pointer =
                if hint.is_empty() { shape_mismatch(&raw, &pointer, &error).unwrap_or(pointer) } else { pointer };
            let message = diag::humanize_serde(&error);
            Err(located(&pointer, None, format!("not a valid OpenAPI 3.0 document: {message}{hint}")))
        }
        Err(p) => {
            let (pointer, message) = explain_panic(&raw, &p);
            Err(located(&pointer, None, message))
        }
    }
}

/// A panic caught by [`quiet_catch`]: its message and where in the dependency it was raised.
#[derive(Debug)]
pub(crate) struct Panic {
    message: String,
    location: Option<String>,
}

impl std::fmt::Display for Panic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        match &self.location {
            Some(l) => write!(f, " (at {l}; a bug in the dependency, please report)"),
            None => f.write_str(" (a bug in the dependency, please report)"),
        }
    }
}

thread_local! {
    /// Set while this thread runs inside [`quiet_catch`]; holds the last panic's location.
    static QUIET: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err` without printing anything: the default panic hook
/// prints even under `catch_unwind`. The process's hook is swapped for this scope only (one
/// scope at a time, serialized by a lock) and restored afterwards, unchanged; a panic on
/// another thread meanwhile goes to the original hook, so it still prints.
pub(crate) fn quiet_catch<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    use std::panic::{self, PanicHookInfo};
    use std::sync::{Arc, Mutex};
    type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;
    static LOCK: Mutex<()> = Mutex::new(());
    let _serial = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let previous: Arc<Hook> = Arc::new(panic::take_hook());
    let delegate = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        let quiet = QUIET.with(|q| {
            let mut q = q.borrow_mut();
            match q.as_mut() {
                Some(slot) => {
                    *slot = info.location().map(|l| format!("{}:{}", short_path(l.file()), l.line()));
                    true
                }
                None => false,
            }
        });
        if !quiet {
            delegate(info);
        }
    }));
    QUIET.with(|q| *q.borrow_mut() = Some(None));
    let result = panic::catch_unwind(panic::AssertUnwindSafe(f));
    let location = QUIET.with(|q| q.borrow_mut().take()).flatten();
    // Restore the original hook itself (not a wrapper): ours holds the only other reference.
    drop(panic::take_hook());
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(shared) => panic::set_hook(Box::new(move |info| shared(info))),
    }
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned());
        Panic { message, location }
    })
}

/// `.../registry/src/<index>/openapiv3-2.2.0/src/reference.rs` → `openapiv3-2.2.0/src/reference.rs`:
/// the crate and file, not the machine's paths.
fn short_path(file: &str) -> &str {
    let file = file.rsplit_once('\\').map_or(file, |(_, name)| name);
    match file.rfind("/src/") {
        Some(src) => &file[file[..src].rfind('/').map_or(0, |i| i + 1)..],
        None => file,
    }
}

/// Where and why the typed parser panicked on `raw`: the smallest node whose removal makes
/// the panic go away (found by re-parsing with one child removed at a time, descending), with
/// a hint for the known trigger.
///
/// The known trigger (openapiv3 2.2.0, `ReferenceOr::deserialize`, "somehow this parsed
/// successfully the second time"): a non-finite number (`.nan`, `.inf`) fails the typed
/// schema, but the fallback re-parse through `serde_json::Value` turns it into `null`, which
/// parses, and the crate's `expect` fires.
fn explain_panic(raw: &serde_yaml::Value, panic: &Panic) -> (String, String) {
    use serde_yaml::Value as V;
    let panics = |doc: &V| quiet_catch(|| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc)).is_err();
    let mut pointer = String::new();
    let mut budget = 4096usize;
    'descend: while let Some(node) = raw::at(raw, &pointer) {
        let children: Vec<String> = match node {
            V::Mapping(m) => m.keys().filter_map(raw::key_text).collect(),
            V::Sequence(s) => (0..s.len()).map(|i| i.to_string()).collect(),
            _ => break,
        };
        for child in children {
            if budget == 0 {
                break 'descend;
            }
            budget -= 1;
            let mut trial = raw.clone();
            remove(&mut trial, &pointer, &child);
            if !panics(&trial) {
                pointer = diag::join(&pointer, &child);
                continue 'descend;
            }
        }
        break;
    }
    let hint = match raw::at(raw, &pointer) {
        Some(V::Number(n)) if n.as_f64().is_some_and(|f| !f.is_finite()) => format!(
            "`{}` is not a finite number, which OpenAPI (JSON) cannot represent: write a finite number, or \
             remove the keyword",
            yaml_float(n)
        ),
        _ => "the OpenAPI parser (openapiv3) cannot read this node; rewrite it".to_owned(),
    };
    (pointer, format!("{hint} [the OpenAPI parser panicked here: {panic}]"))
}

fn yaml_float(n: &serde_yaml::Number) -> &'static str {
    match n.as_f64() {
        Some(f) if f.is_nan() => ".nan",
        Some(f) if f > 0.0 => ".inf",
        _ => "-.inf",
    }
}

/// Removes the child `token` of the node at `pointer`.
fn remove(doc: &mut serde_yaml::Value, pointer: &str, token: &str) {
    use serde_yaml::Value as V;
    let mut cur = doc;
    for tok in pointer.split('/').skip(1) {
        let tok = tok.replace("~1", "/").replace("~0", "~");
        cur = match cur {
            V::Mapping(m) => match m.iter_mut().find(|(k, _)| raw::key_text(k).as_deref() == Some(tok.as_str())) {
                Some((_, v)) => v,
                None => return,
            },
            V::Sequence(s) => match tok.parse::<usize>().ok().and_then(|i| s.get_mut(i)) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    match cur {
        V::Mapping(m) => m.retain(|k, _| raw::key_text(k).as_deref() != Some(token)),
        V::Sequence(s) => {
            if let Ok(i) = token.parse::<usize>() {
                if i < s.len() {
                    s.remove(i);
                }
            }
        }
        _ => {}
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

/// serde_yaml reports a duplicate key at the mapping's first key; this finds the duplicate
/// itself: `(pointer, line, message)`. The mapping is scanned by indentation (block style); in a
/// flow mapping (`{a: 1, a: 2}`) the line is the mapping's.
fn duplicate_key(
    source: &str,
    error: &str,
    line: Option<usize>,
    column: Option<usize>,
) -> Option<(String, usize, String)> {
    let at = error.find("duplicate entry with key ")?;
    let path = error[..at].trim_end().strip_suffix(':').unwrap_or("");
    let rest = &error[at + "duplicate entry with key ".len()..];
    let key = rest.split(" at line ").next()?;
    let key = match key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => key.trim_matches('`').to_owned(),
    };
    let (line, column) = (line?, column?);
    let mut pointer = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        let name = pieces.next().unwrap_or("");
        if !name.is_empty() {
            pointer = diag::join(&pointer, name);
        }
        for index in pieces {
            pointer = diag::join(&pointer, index.trim_end_matches(']'));
        }
    }
    pointer = diag::join(&pointer, &key);
    let indent = column.saturating_sub(1);
    let mut seen = Vec::new();
    for (i, text) in source.lines().enumerate().skip(line.saturating_sub(1)) {
        let first = i + 1 == line;
        let trimmed = text.trim_start();
        if !first && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let lead = text.len() - trimmed.len();
        if !first && lead < indent {
            break;
        }
        if !first && lead != indent {
            continue;
        }
        if text.get(indent..).and_then(yaml_block_key).as_deref() == Some(key.as_str()) {
            seen.push(i + 1);
        }
    }
    let (first, duplicate) = match seen[..] {
        [first, second, ..] => (Some(first), second),
        _ => (None, line),
    };
    let first = first.map_or(String::new(), |l| format!(" (first at line {l})"));
    Some((
        pointer,
        duplicate,
        format!("duplicate key `{key}`{first}: the keys of a YAML mapping must be unique; remove or rename one"),
    ))
}

/// The key of a block-mapping line (`key: value`, `"key":`, `key:`).
fn yaml_block_key(content: &str) -> Option<String> {
    for q in ['"', '\''] {
        if let Some(rest) = content.strip_prefix(q) {
            let end = rest.find(q)?;
            return rest[end + 1..].starts_with(':').then(|| rest[..end].to_owned());
        }
    }
    let colon = content.find(": ").or_else(|| content.strip_suffix(':').map(str::len))?;
    Some(content[..colon].trim_end().to_owned())
}

/// The shape of a YAML value, as far as OpenAPI keys care.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Map,
    List,
    Text,
    Bool,
    Number,
}
/// The shape of `v` (`None` for null and tagged values).
fn shape(v: &serde_yaml::Value) -> Option<Shape> {
    use serde_yaml::Value as V;
    Some(match v {
        V::Mapping(_) => Shape::Map,
        V::Sequence(_) => Shape::List,
        V::String(_) => Shape::Text,
        V::Bool(_) => Shape::Bool,
        V::Number(_) => Shape::Number,
        _ => return None,
    })
}
/// What the value of `key` in an OpenAPI object must be (`parent` is the key holding it).
fn expects(key: &str, parent: &str, siblings: &serde_yaml::Mapping) -> Option<Shape> {
    Some(match key {
        "info" | "paths" | "components" | "get" | "put" | "post" | "delete" | "options" | "head" | "patch"
        | "trace" | "requestBody" | "content" | "schema" | "properties" | "items" | "responses" | "externalDocs"
        | "contact" | "license" | "not" | "discriminator" | "schemas" | "requestBodies" => Shape::Map,
        "parameters" if parent == "components" => Shape::Map,
        "required" if siblings.contains_key("in") || siblings.contains_key("name") => Shape::Bool,
        "parameters" | "required" | "enum" | "allOf" | "oneOf" | "anyOf" | "tags" | "servers" | "security" => {
            Shape::List
        }
        "openapi" | "operationId" | "summary" | "description" | "title" | "type" | "format" | "pattern" | "name"
        | "in" | "$ref" | "version" => Shape::Text,
        "nullable" | "deprecated" | "readOnly" | "writeOnly" | "uniqueItems" | "exclusiveMinimum"
        | "exclusiveMaximum" | "allowEmptyValue" | "explode" | "allowReserved" => Shape::Bool,
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" | "minimum"
        | "maximum" | "multipleOf" => Shape::Number,
        _ => return None,
    })
}
/// Mappings keyed by names the user chose: their keys are not OpenAPI keywords.
fn named(parent: &str, grandparent: &str) -> bool {
    matches!(
        parent,
        "properties"
            | "schemas"
            | "paths"
            | "responses"
            | "content"
            | "requestBodies"
            | "headers"
            | "examples"
            | "links"
            | "callbacks"
            | "securitySchemes"
            | "variables"
            | "mapping"
    ) || (parent == "parameters" && grandparent == "components")
}
/// The first node under `v` (at `pointer`) whose key expects another shape and has `found`.
fn walk(
    v: &serde_yaml::Value,
    pointer: &str,
    parent: &str,
    grandparent: &str,
    found: Shape,
    depth: usize,
) -> Option<String> {
    use serde_yaml::Value as V;
    if depth > 64 {
        return None;
    }
    match v {
        V::Mapping(m) => m.iter().find_map(|(k, x)| {
            let key = raw::key_text(k)?;
            if key.starts_with("x-") || matches!(key.as_str(), "example" | "default") {
                return None;
            }
            let here = diag::join(pointer, &key);
            if !named(parent, grandparent) {
                if let Some(want) = expects(&key, parent, m) {
                    let has = shape(x);
                    if has != Some(want) && has == Some(found) {
                        return Some(here);
                    }
                }
            }
            walk(x, &here, &key, parent, found, depth + 1)
        }),
        V::Sequence(s) => {
            s.iter().enumerate().find_map(|(i, x)| walk(x, &diag::join(pointer, i), "", parent, found, depth + 1))
        }
        _ => None,
    }
}

/// For a typed-parse error "invalid type: <found>, expected ..." at `pointer`: the first node
/// in that subtree whose key expects another shape than it has, and has the shape found. The
/// typed model buffers untagged and flattened parts, so serde's own path often stops at an
/// ancestor (`/paths` for a list written where an operation belongs).
fn shape_mismatch(raw: &serde_yaml::Value, pointer: &str, error: &str) -> Option<String> {
    let found = error.strip_prefix("invalid type: ")?;
    let found = [
        ("sequence", Shape::List),
        ("map", Shape::Map),
        ("string", Shape::Text),
        ("integer", Shape::Number),
        ("floating", Shape::Number),
        ("boolean", Shape::Bool),
    ]
    .into_iter()
    .find(|(w, _)| found.starts_with(w))?
    .1;
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let parent = tokens.last().map_or("", String::as_str);
    let grandparent = tokens.len().checked_sub(2).map_or("", |i| tokens[i].as_str());
    walk(raw::at(raw, pointer)?, pointer, parent, grandparent, found, 0)
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
