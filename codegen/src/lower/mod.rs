//! OpenAPI → IR, validating as it goes. Problems are collected as located diagnostics (never
//! panics); the caller gets either a complete IR or every problem found.
//!
//! Two views of the spec are used: the typed `openapiv3` model for meaning, and the raw YAML
//! ([`crate::raw`]) for what the typed model drops silently (unknown keys, `$ref` siblings) and
//! for the `x-rust-name` overrides.
//!
//! The work is spread over one `impl Lowerer` per concern: [`operations`], [`schemas`],
//! [`structs`] (with the `allOf` merge), [`enums`], [`extensions`] and [`reach`] (pruning).

mod diagnose;
mod enums;
mod extensions;
mod operations;
mod primary;
mod reach;
mod schemas;
mod structs;

use std::collections::{BTreeMap, HashMap};

use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema};
use serde_json::Value;

use crate::diag::{join, Diagnostic};
use crate::ir::{Api, ErrorCodeDef, Module, Operation, Primary, Tag, TypeDef, TypeRef, Waiter};
use crate::raw::{self, Kind};
use crate::spec::Spec;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Deepest nesting of schemas (properties of items of properties...) the generator follows.
const MAX_DEPTH: usize = 32;

/// A schema reference or an inline schema, borrowed from the spec.
#[derive(Clone, Copy, Debug)]
enum SRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl PartialEq for SRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SRef::Ref(a), SRef::Ref(b)) => a == b,
            (SRef::Inline(a), SRef::Inline(b)) => a == b,
            _ => false,
        }
    }
}

/// A schema slot as an [`SRef`].
fn sref(r: &ReferenceOr<Schema>) -> SRef<'_> {
    match r {
        ReferenceOr::Reference { reference } => SRef::Ref(reference),
        ReferenceOr::Item(s) => SRef::Inline(s),
    }
}

/// A boxed schema slot (properties, items) as an [`SRef`].
fn sref_box(r: &ReferenceOr<Box<Schema>>) -> SRef<'_> {
    match r {
        ReferenceOr::Reference { reference } => SRef::Ref(reference),
        ReferenceOr::Item(s) => SRef::Inline(s),
    }
}

/// The result of lowering a schema used as a field: its type plus the annotations a field
/// inherits from it.
#[derive(Clone, Debug)]
struct Lowered {
    ty: TypeRef,
    nullable: bool,
    docs: Vec<String>,
    notes: Vec<String>,
    region_default: bool,
}

impl Lowered {
    /// A type without annotations.
    fn plain(ty: TypeRef) -> Lowered {
        Lowered { ty, nullable: false, docs: vec![], notes: vec![], region_default: false }
    }
}

enum ComponentState {
    /// Being lowered; `containers` is the array/map depth at which it started, `hit` records a
    /// recursive use.
    InProgress {
        ty: TypeRef,
        containers: usize,
        hit: bool,
    },
    Done(Lowered),
    Failed,
}

/// Lowers a spec: one value per run, filled by the passes of the submodules.
pub(crate) struct Lowerer<'a> {
    /// The loaded spec (file label, lines).
    doc: &'a Spec<'a>,
    /// Its typed model.
    spec: &'a OpenAPI,
    /// Its plain YAML.
    raw: &'a serde_yaml::Value,
    diags: Vec<Diagnostic>,
    types: BTreeMap<String, TypeDef>,
    components: HashMap<String, ComponentState>,
    /// Inline schemas already lowered, by pointer (a path-level parameter serves several
    /// operations; an `allOf` base several structs).
    inline: HashMap<String, Option<Lowered>>,
    envelope: Option<(String, String)>,
    depth: usize,
    containers: usize,
}

/// Which module a type defined at `pointer` goes to.
fn module_for(pointer: &str) -> Module {
    if pointer.starts_with("/components/schemas/") {
        Module::Model
    } else {
        Module::Operations
    }
}

/// `#/components/schemas/a~1b` → `a/b`.
fn unescape(name: &str) -> String {
    name.replace("~1", "/").replace("~0", "~")
}

impl<'a> Lowerer<'a> {
    /// A lowerer for `doc`; [`Lowerer::lower`] consumes it.
    pub(crate) fn new(doc: &'a Spec<'a>) -> Self {
        Lowerer {
            doc,
            spec: &doc.model,
            raw: &doc.raw,
            diags: Vec::new(),
            types: BTreeMap::new(),
            components: HashMap::new(),
            inline: HashMap::new(),
            envelope: None,
            depth: 0,
            containers: 0,
        }
    }

    /// Records a problem at `pointer`, located by line.
    fn err(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(self.doc.diagnostic(pointer, message.into()));
    }

    /// Reports unknown keys (and ignored `$ref` siblings) of the object at `pointer`.
    fn keys(&mut self, pointer: &str, kind: Kind) {
        for (p, m) in raw::check_keys(self.raw, pointer, kind) {
            self.err(&p, m);
        }
    }

    /// `x-rust-name` of the raw node at `pointer`, validated with `valid`.
    fn rust_name_override(&mut self, pointer: &str, valid: fn(&str) -> bool, what: &str) -> Option<Option<String>> {
        let v = raw::at(self.raw, pointer).and_then(|n| n.get("x-rust-name"));
        match v {
            None => Some(None),
            Some(serde_yaml::Value::String(s)) if valid(s) => Some(Some(s.clone())),
            Some(other) => {
                let shown = serde_yaml::to_string(other).unwrap_or_default();
                self.err(
                    &join(pointer, "x-rust-name"),
                    format!("`x-rust-name: {}` is not a valid {what} name", shown.trim()),
                );
                None
            }
        }
    }

    /// The IR of the whole spec, or every problem found. Order matters: components first (so
    /// unused ones are validated too), then operations, waiters, and the reachability passes.
    pub(crate) fn lower(mut self) -> Result<Api, Vec<Diagnostic>> {
        let spec = self.spec;
        if !spec.openapi.starts_with("3.0") {
            self.err("/openapi", format!("OpenAPI version {:?} is not supported: use 3.0.x", spec.openapi));
        }
        self.keys("", Kind::Root);
        self.keys("/info", Kind::Info);
        self.keys("/components", Kind::Components);
        self.envelope = self.read_envelope();
        self.lower_components();
        let primaries = self.read_primaries();

        let mut operations = Vec::new();
        for (path, item) in &spec.paths.paths {
            self.lower_path_item(path, item, &mut operations);
        }
        self.check_operation_names(&operations);
        operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        let waiters = self.read_waiters(&operations);
        self.read_operation_waiters(&mut operations, &waiters);
        let error_codes = self.read_error_codes(&operations);

        self.prune(&operations);
        self.mark_request_side(&operations);
        self.check_setters();
        self.finish(operations, waiters, primaries, error_codes)
    }

    /// Every component schema, in name order, so problems in unused ones are reported too; only
    /// types reachable from an operation are emitted (see `prune`).
    fn lower_components(&mut self) {
        let Some(c) = &self.spec.components else { return };
        let mut names: Vec<&'a String> = c.schemas.keys().collect();
        names.sort();
        for name in names {
            let cp = join("/components/schemas", name);
            self.lower_component(name, &cp);
        }
    }

    /// The GET and POST operations of one path item, appended to `out`.
    fn lower_path_item(&mut self, path: &str, item: &'a ReferenceOr<PathItem>, out: &mut Vec<Operation>) {
        let pointer = join("/paths", path);
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                self.err(&pointer, "path item `$ref` is not supported: write the path item inline");
                return;
            }
        };
        self.keys(&pointer, Kind::PathItem);
        if !self.check_path(path, &pointer) {
            return;
        }
        if !item.servers.is_empty() {
            self.err(&join(&pointer, "servers"), "per-path `servers` are not supported: the client has one endpoint");
        }
        for (m, op) in [("get", &item.get), ("post", &item.post)] {
            if let Some(op) = op {
                let op_pointer = join(&pointer, m);
                out.extend(self.lower_operation(path, m, op, &item.parameters, &op_pointer));
            }
        }
        for (m, op) in [
            ("put", &item.put),
            ("delete", &item.delete),
            ("patch", &item.patch),
            ("head", &item.head),
            ("options", &item.options),
            ("trace", &item.trace),
        ] {
            if op.is_some() {
                self.err(
                    &join(&pointer, m),
                    format!(
                        "HTTP method `{}` is not supported: the runtime sends GET and POST only \
                         (`runtime::HttpMethod`; CTyun uses no other verb)",
                        m.to_uppercase()
                    ),
                );
            }
        }
    }

    /// Whether `path` is a fixed path the runtime can send as is (reported if not).
    fn check_path(&mut self, path: &str, pointer: &str) -> bool {
        if path.contains('{') {
            self.err(
                pointer,
                "path templating (`{param}`) is not supported: the generated client sends a fixed path \
                 (CTyun passes IDs in the query or body); write the path without `{...}`",
            );
            return false;
        }
        if !path.starts_with('/') {
            self.err(pointer, "a path must start with `/`: write `/v4/...`");
            return false;
        }
        if let Some(c) = path.chars().find(|c| !c.is_ascii_alphanumeric() && !"/-._~!$&'()*+,;=:@%".contains(*c)) {
            self.err(
                pointer,
                format!("path contains `{c}`: only unreserved URL characters are allowed (no query string, no spaces)"),
            );
            return false;
        }
        true
    }

    /// Unique operationIds and method names; request type names distinct from schema-derived
    /// ones.
    fn check_operation_names(&mut self, operations: &[Operation]) {
        let mut by_id: HashMap<&str, &str> = HashMap::new();
        let mut by_method: HashMap<&str, (&str, &str)> = HashMap::new();
        for o in operations {
            let at = join(&o.pointer, "operationId");
            if let Some(prev) = by_id.insert(&o.operation_id, &o.pointer) {
                let msg = format!(
                    "duplicate operationId `{}` (also at {prev}): operationIds must be unique; rename one",
                    o.operation_id
                );
                self.err(&at, msg);
            } else if let Some((prev_id, prev)) = by_method.insert(&o.method_name, (&o.operation_id, &o.pointer)) {
                let msg = format!(
                    "operationId `{}` and `{prev_id}` (at {prev}) both become the Rust method `{}`: rename one",
                    o.operation_id, o.method_name
                );
                self.err(&at, msg);
            }
        }
        for o in operations {
            if let Some(t) = self.types.get(&o.request_type) {
                let msg = format!(
                    "operation `{}` needs the type name `{}`, already used by the schema at {}: rename the schema \
                     (`x-rust-name` on a component, `title` on an inline schema)",
                    o.operation_id, o.request_type, t.pointer
                );
                self.err(&join(&o.pointer, "operationId"), msg);
            }
        }
    }

    /// The IR, or every diagnostic (sorted by line, deduplicated).
    fn finish(
        self,
        operations: Vec<Operation>,
        waiters: Vec<Waiter>,
        primaries: Vec<(String, Primary)>,
        error_codes: Vec<ErrorCodeDef>,
    ) -> Result<Api, Vec<Diagnostic>> {
        if !self.diags.is_empty() {
            let mut d = self.diags;
            d.sort_by(|a, b| (a.line, &a.pointer, &a.message).cmp(&(b.line, &b.pointer, &b.message)));
            d.dedup();
            return Err(d);
        }
        let spec = self.spec;
        // A primary of a type pruned as unused goes with it.
        let primaries = primaries.into_iter().filter(|(t, _)| self.types.contains_key(t)).collect();
        Ok(Api {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            operations,
            types: self.types,
            waiters,
            error_codes,
            tags: spec
                .tags
                .iter()
                .map(|t| Tag { name: t.name.clone(), docs: t.description.iter().cloned().collect() })
                .collect(),
            primaries,
        })
    }

    /// The `**Unverified:**` note of an `x-unverified` extension (reported unless a string).
    fn unverified(&mut self, ext: &indexmap::IndexMap<String, Value>, pointer: &str) -> Option<String> {
        match ext.get("x-unverified") {
            Some(Value::String(why)) => Some(format!("**Unverified:** {why}")),
            Some(_) => {
                self.err(&join(pointer, "x-unverified"), "`x-unverified` must be a string saying why");
                None
            }
            None => None,
        }
    }

    /// The component schema `name`, if any.
    fn component(&self, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.spec.components.as_ref()?.schemas.get(name)
    }
}

/// A JSON value as shown in messages and docs: strings without quotes.
fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether the extension `key` is the string `value`.
fn ext_is(ext: &indexmap::IndexMap<String, Value>, key: &str, value: &str) -> bool {
    ext.get(key).and_then(Value::as_str) == Some(value)
}

/// Whether a media type is `application/json` (parameters ignored).
fn is_json(ct: &str) -> bool {
    let base = ct.split(';').next().unwrap_or("").trim();
    base.eq_ignore_ascii_case("application/json")
}
