//! `ctyun-image-codegen`: turns the hand-written OpenAPI 3.0 spec of the CTyun image API into
//! the Rust modules committed under `client/src/generated/`.
//!
//! Pipeline: [`load`] (YAML → `openapiv3::OpenAPI`, syntax errors located) → [`lower`]
//! (validation + resolution into the [`ir`]) → [`emit`] (quote → syn → prettyplease).
//! [`diff`] compares two specs through the same IR (`cargo xtask diff`).
//! Nothing touches the disk until everything succeeded; [`write_files`] then replaces the output
//! directory's generated files atomically (write temp files, rename) and deletes orphans.

pub mod diag;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod ir;
mod lower;
pub mod names;
mod raw;
pub mod runtime;
mod write;

use std::fs;
use std::path::Path;

pub use diag::{Diagnostic, Error};
pub use emit::{cli, GeneratedFile};
pub use runtime::Runtime;
pub use write::{stale_files, write_files, MANIFEST};

/// Parses spec text. `file` labels diagnostics.
pub fn load(source: &str, file: &str) -> Result<openapiv3::OpenAPI, Error> {
    parse(source, file).map(|(_, spec)| spec)
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
            let pointer = path_to_pointer(e.path());
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

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
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

/// Validates and lowers a parsed spec into the IR. `source` is the text `spec` was parsed from
/// (for lines, and for the checks of keys the typed model drops).
pub fn lower(spec: &openapiv3::OpenAPI, source: &str, file: &str) -> Result<ir::Api, Error> {
    let raw: serde_yaml::Value = serde_yaml::from_str(source).unwrap_or(serde_yaml::Value::Null);
    lower::Lowerer::new(spec, &raw, file, source).lower().map_err(Error::Spec)
}

/// Spec text → IR: parse and validate, without emitting code.
pub fn check_str(source: &str, file: &str) -> Result<ir::Api, Error> {
    let (raw, spec) = parse(source, file)?;
    lower::Lowerer::new(&spec, &raw, file, source).lower().map_err(Error::Spec)
}

/// Spec text → generated files for the client crate, all in memory.
pub fn generate_from_str(source: &str, file: &str) -> Result<Vec<GeneratedFile>, Error> {
    generate_from_str_with(source, file, &Runtime::IN_CLIENT)
}

/// Spec text → generated files naming the runtime through `runtime` (e.g.
/// [`Runtime::EXTERNAL`] for a crate other than the client), all in memory.
pub fn generate_from_str_with(source: &str, file: &str, runtime: &Runtime) -> Result<Vec<GeneratedFile>, Error> {
    let api = check_str(source, file)?;
    emit::emit_with(&api, file, runtime)
}

/// Reads and generates a spec file; `label` is how the file is named in headers and errors.
pub fn generate(spec_path: &Path, label: &str) -> Result<Vec<GeneratedFile>, Error> {
    let source =
        fs::read_to_string(spec_path).map_err(|e| Error::Io { path: spec_path.display().to_string(), source: e })?;
    generate_from_str(&source, label)
}

/// `cargo xtask codegen`: generates `spec_path` and writes the result into `out_dir`. Nothing
/// is written unless generation succeeded; see [`write_files`]. Returns the paths that changed.
pub fn regenerate(spec_path: &Path, label: &str, out_dir: &Path) -> Result<Vec<String>, Error> {
    let files = generate(spec_path, label)?;
    write_files(out_dir, &files)
}
