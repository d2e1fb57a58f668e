//! `ctyun-image-codegen`: turns the hand-written OpenAPI 3.0 spec of the CTyun image API into
//! the Rust modules committed under `client/src/generated/`.
//!
//! Pipeline: [`load`] (YAML parsed once into a [`Spec`], syntax errors located) → [`lower`]
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
pub mod spec;
mod write;

use std::fs;
use std::path::Path;

pub use diag::{Diagnostic, Error};
pub use emit::{cli, GeneratedFile};
pub use runtime::Runtime;
pub use spec::{load, Spec};
pub use write::{stale_files, write_files, MANIFEST};

/// Validates and lowers a loaded spec into the IR.
pub fn lower(spec: &Spec<'_>) -> Result<ir::Api, Error> {
    lower::Lowerer::new(spec).lower().map_err(Error::Spec)
}

/// Spec text → IR: parse and validate, without emitting code.
pub fn check_str(source: &str, file: &str) -> Result<ir::Api, Error> {
    lower(&load(source, file)?)
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

/// Reads and generates a spec file; `label` is how the file is named in headers and errors
/// (never the path it is read from). See [`spec::decode`] for BOM and invalid UTF-8.
pub fn generate(spec_path: &Path, label: &str) -> Result<Vec<GeneratedFile>, Error> {
    let bytes = fs::read(spec_path).map_err(|e| Error::Io { path: label.to_owned(), source: e })?;
    generate_from_str(spec::decode(&bytes, label)?, label)
}

/// `cargo xtask codegen`: generates `spec_path` and writes the result into `out_dir`. Nothing
/// is written unless generation succeeded; see [`write_files`]. Returns the paths that changed.
pub fn regenerate(spec_path: &Path, label: &str, out_dir: &Path) -> Result<Vec<String>, Error> {
    let files = generate(spec_path, label)?;
    write_files(out_dir, &files)
}
