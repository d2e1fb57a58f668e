//! OpenAPI → IR, validating as it goes. Problems are collected as located diagnostics (never
//! panics); the caller gets either a complete IR or every problem found.
//!
//! Two views of the spec are used: the typed `openapiv3` model for meaning, and the raw YAML
//! ([`crate::raw`]) for what the typed model drops silently (unknown keys, `$ref` siblings) and
//! for the `x-rust-name` overrides.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, Schema, SchemaKind, StatusCode, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diag::{join, Diagnostic, Locator};
use crate::ir::*;
use crate::names::{is_pascal_ident, is_snake_ident, pascal, snake, CLIENT_METHODS, PRELUDE_TYPES};
use crate::raw::{self, Kind};

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

fn sref(r: &ReferenceOr<Schema>) -> SRef<'_> {
    match r {
        ReferenceOr::Reference { reference } => SRef::Ref(reference),
        ReferenceOr::Item(s) => SRef::Inline(s),
    }
}

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

/// One property of an object (or of the merge of an `allOf`).
#[derive(Clone, Debug)]
struct Prop<'a> {
    name: String,
    schema: SRef<'a>,
    pointer: String,
    /// Type name that prefixes the names of inline types inside the property.
    owner: String,
}

/// The properties of an object schema, `allOf` members merged.
#[derive(Default)]
struct Shape<'a> {
    props: Vec<Prop<'a>>,
    /// Required names, each with the pointer of the `required` list naming it.
    required: Vec<(String, String)>,
}

pub(crate) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    raw: &'a serde_yaml::Value,
    file: &'a str,
    source: &'a str,
    locator: Option<Locator<'a>>,
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
    pub(crate) fn new(spec: &'a OpenAPI, raw: &'a serde_yaml::Value, file: &'a str, source: &'a str) -> Self {
        Lowerer {
            spec,
            raw,
            file,
            source,
            locator: None,
            diags: Vec::new(),
            types: BTreeMap::new(),
            components: HashMap::new(),
            inline: HashMap::new(),
            envelope: None,
            depth: 0,
            containers: 0,
        }
    }

    fn err(&mut self, pointer: &str, message: impl Into<String>) {
        let source = self.source;
        let line = self.locator.get_or_insert_with(|| Locator::new(source)).locate(pointer);
        self.diags.push(Diagnostic {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            line,
            message: message.into(),
        });
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

    pub(crate) fn lower(mut self) -> Result<Api, Vec<Diagnostic>> {
        let spec = self.spec;
        if !spec.openapi.starts_with("3.0") {
            self.err("/openapi", format!("OpenAPI version {:?} is not supported: use 3.0.x", spec.openapi));
        }
        self.keys("", Kind::Root);
        self.keys("/info", Kind::Info);
        self.keys("/components", Kind::Components);
        self.envelope = self.read_envelope();

        // Every component schema, in name order, so problems in unused ones are reported too;
        // only types reachable from an operation are emitted (see `prune`).
        if let Some(c) = &spec.components {
            let mut names: Vec<&'a String> = c.schemas.keys().collect();
            names.sort();
            for name in names {
                let cp = join("/components/schemas", name);
                self.lower_component(name, &cp);
            }
        }

        let mut operations = Vec::new();
        for (path, item) in &spec.paths.paths {
            let pointer = join("/paths", path);
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { .. } => {
                    self.err(&pointer, "path item `$ref` is not supported: write the path item inline");
                    continue;
                }
            };
            self.keys(&pointer, Kind::PathItem);
            if path.contains('{') {
                self.err(
                    &pointer,
                    "path templating (`{param}`) is not supported: the generated client sends a fixed path \
                     (CTyun passes IDs in the query or body); write the path without `{...}`",
                );
                continue;
            }
            if !path.starts_with('/') {
                self.err(&pointer, "a path must start with `/`: write `/v4/...`");
                continue;
            }
            if let Some(c) = path.chars().find(|c| !c.is_ascii_alphanumeric() && !"/-._~!$&'()*+,;=:@%".contains(*c)) {
                self.err(
                    &pointer,
                    format!(
                        "path contains `{c}`: only unreserved URL characters are allowed (no query string, no spaces)"
                    ),
                );
                continue;
            }
            if !item.servers.is_empty() {
                self.err(
                    &join(&pointer, "servers"),
                    "per-path `servers` are not supported: the client has one endpoint",
                );
            }
            for (m, op) in [("get", &item.get), ("post", &item.post)] {
                if let Some(op) = op {
                    let op_pointer = join(&pointer, m);
                    if let Some(o) = self.lower_operation(path, m, op, &item.parameters, &op_pointer) {
                        operations.push(o);
                    }
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

        // Unique operationIds and method names.
        let mut by_id: HashMap<&str, &str> = HashMap::new();
        let mut by_method: HashMap<&str, (&str, &str)> = HashMap::new();
        let mut dup = Vec::new();
        for o in &operations {
            if let Some(prev) = by_id.insert(&o.operation_id, &o.pointer) {
                dup.push((
                    join(&o.pointer, "operationId"),
                    format!(
                        "duplicate operationId `{}` (also at {prev}): operationIds must be unique; rename one",
                        o.operation_id
                    ),
                ));
            } else if let Some((prev_id, prev)) = by_method.insert(&o.method_name, (&o.operation_id, &o.pointer)) {
                dup.push((
                    join(&o.pointer, "operationId"),
                    format!(
                        "operationId `{}` and `{prev_id}` (at {prev}) both become the Rust method `{}`: rename one",
                        o.operation_id, o.method_name
                    ),
                ));
            }
        }
        for (p, m) in dup {
            self.err(&p, m);
        }
        // Request type names must not collide with schema-derived names.
        for o in &operations {
            if let Some(t) = self.types.get(&o.request_type) {
                let msg = format!(
                    "operation `{}` needs the type name `{}`, already used by the schema at {}: rename the schema \
                     (`x-rust-name` on a component, `title` on an inline schema)",
                    o.operation_id, o.request_type, t.pointer
                );
                self.err(&join(&o.pointer, "operationId"), msg);
            }
        }
        operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        let waiters = self.read_waiters(&operations);
        self.read_operation_waiters(&mut operations, &waiters);

        self.prune(&operations);
        self.mark_request_side(&operations);
        self.check_setters(&operations);
        if !self.diags.is_empty() {
            let mut d = self.diags;
            d.sort_by(|a, b| (a.line, &a.pointer, &a.message).cmp(&(b.line, &b.pointer, &b.message)));
            d.dedup();
            return Err(d);
        }
        Ok(Api {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            operations,
            types: self.types,
            waiters,
            tags: spec
                .tags
                .iter()
                .map(|t| Tag { name: t.name.clone(), docs: t.description.iter().cloned().collect() })
                .collect(),
        })
    }

    fn read_envelope(&mut self) -> Option<(String, String)> {
        let Some(v) = self.spec.extensions.get("x-envelope") else {
            self.err("", "missing `x-envelope: {schema: \"#/components/schemas/<Envelope>\", payload: returnObj}` at the top level: the runtime unwraps every response from that envelope");
            return None;
        };
        let schema = v.get("schema").and_then(Value::as_str);
        let payload = v.get("payload").and_then(Value::as_str);
        match (schema, payload) {
            (Some(s), Some(p)) => {
                let Some(name) = s.strip_prefix(SCHEMA_PREFIX) else {
                    self.err("/x-envelope/schema", format!("`{s}` must be a `#/components/schemas/...` reference"));
                    return None;
                };
                if self.component(&unescape(name)).is_none() {
                    self.err("/x-envelope/schema", format!("`{s}` does not resolve: no schema `{name}` in components"));
                    return None;
                }
                Some((s.to_owned(), p.to_owned()))
            }
            _ => {
                self.err("/x-envelope", "`x-envelope` needs string fields `schema` and `payload`");
                None
            }
        }
    }

    fn component(&self, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.spec.components.as_ref()?.schemas.get(name)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        path_params: &'a [ReferenceOr<Parameter>],
        pointer: &str,
    ) -> Option<Operation> {
        self.keys(pointer, Kind::Operation);
        let Some(operation_id) = op.operation_id.clone() else {
            self.err(pointer, "missing `operationId`: it names the Rust method and must be unique");
            return None;
        };
        let (Some(method_name), Some(type_prefix)) = (snake(&operation_id), pascal(&operation_id)) else {
            self.err(
                &join(pointer, "operationId"),
                format!("operationId `{operation_id}` has no characters usable in a Rust name"),
            );
            return None;
        };
        if CLIENT_METHODS.contains(&method_name.as_str()) {
            self.err(
                &join(pointer, "operationId"),
                format!(
                    "operationId `{operation_id}` becomes the method `{method_name}`, which `Client` already has \
                     (hand-written): rename the operation"
                ),
            );
            return None;
        }
        if !op.callbacks.is_empty() {
            self.err(
                &join(pointer, "callbacks"),
                "`callbacks` are not supported: remove them (the client does not receive requests)",
            );
        }
        if !op.servers.is_empty() {
            self.err(
                &join(pointer, "servers"),
                "per-operation `servers` are not supported: the client has one endpoint",
            );
        }
        let request_type = format!("{type_prefix}Request");
        let method = if method == "get" { Method::Get } else { Method::Post };
        let mut docs = Vec::new();
        if let Some(s) = &op.summary {
            docs.push(s.trim().to_owned());
        }
        if let Some(d) = &op.description {
            docs.push(d.trim().to_owned());
        }
        match op.extensions.get("x-unverified") {
            Some(Value::String(why)) => docs.push(format!("**Unverified:** {why}")),
            Some(_) => self.err(&join(pointer, "x-unverified"), "`x-unverified` must be a string saying why"),
            None => {}
        }

        let idempotent = match op.extensions.get("x-idempotent") {
            None => method == Method::Get,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.err(&join(pointer, "x-idempotent"), "`x-idempotent` must be true or false");
                method == Method::Get
            }
        };

        let mut fields: Vec<Field> = Vec::new();
        // Path-level parameters first, overridden by operation-level ones of the same name and
        // location. Each is (parameter, pointer of its definition, component name if a `$ref`).
        let mut params: Vec<(&'a Parameter, String, Option<String>)> = Vec::new();
        let item_pointer = pointer.rsplit_once('/').map(|x| x.0).unwrap_or(pointer).to_owned();
        for (list, list_pointer) in
            [(path_params, join(&item_pointer, "parameters")), (&op.parameters[..], join(pointer, "parameters"))]
        {
            let mut seen: HashMap<(String, &'static str), String> = HashMap::new();
            for (i, p) in list.iter().enumerate() {
                let use_pointer = join(&list_pointer, i);
                let Some((p, def_pointer, component)) = self.resolve_param(p, &use_pointer) else { continue };
                let data = p.parameter_data_ref();
                let key = (data.name.clone(), param_location(p));
                if let Some(prev) = seen.insert(key.clone(), use_pointer.clone()) {
                    self.err(
                        &use_pointer,
                        format!(
                            "parameter `{}` in {} is listed twice (also at {prev}): a parameter is identified by name and location",
                            key.0, key.1
                        ),
                    );
                    continue;
                }
                params.retain(|(q, _, _)| !(q.parameter_data_ref().name == key.0 && param_location(q) == key.1));
                params.push((p, def_pointer, component));
            }
        }
        for (p, pp, component) in params {
            let data = p.parameter_data_ref();
            match p {
                Parameter::Query { .. } => {}
                Parameter::Header { .. } => {
                    self.err(
                        &join(&pp, "in"),
                        format!(
                            "header parameter `{}` is not supported: the runtime owns all headers (signing); \
                             pass the value in the query or body",
                            data.name
                        ),
                    );
                    continue;
                }
                Parameter::Path { .. } => {
                    self.err(
                        &join(&pp, "in"),
                        format!("path parameter `{}` is not supported: path templating is not supported", data.name),
                    );
                    continue;
                }
                Parameter::Cookie { .. } => {
                    self.err(
                        &join(&pp, "in"),
                        format!(
                            "cookie parameter `{}` is not supported: pass the value in the query or body",
                            data.name
                        ),
                    );
                    continue;
                }
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => sref(s),
                ParameterSchemaOrContent::Content(_) => {
                    self.err(
                        &join(&pp, "content"),
                        format!("parameter `{}` uses `content`: only `schema` is supported", data.name),
                    );
                    continue;
                }
            };
            let prefix = component.as_deref().and_then(pascal).unwrap_or_else(|| type_prefix.clone());
            let hint = format!(
                "{prefix}{}",
                if component.is_some() { String::new() } else { pascal(&data.name).unwrap_or_default() }
            );
            let Some(l) = self.lower_schema(schema, &join(&pp, "schema"), &hint) else {
                continue;
            };
            let scalar = match &l.ty {
                TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => true,
                TypeRef::Named(n) => !matches!(self.types.get(n).map(|t| &t.kind), Some(TypeKind::Struct(_))),
                _ => false,
            };
            if !scalar {
                self.err(
                    &join(&pp, "schema"),
                    format!(
                        "query parameter `{}` must be a string, number, integer, boolean or enum: arrays, objects, \
                         maps and `oneOf` have no agreed query encoding",
                        data.name
                    ),
                );
                continue;
            }
            let region_default = l.region_default || ext_is(&data.extensions, "x-client-default", "region");
            let mut field_docs = Vec::new();
            if let Some(d) = &data.description {
                field_docs.push(d.trim().to_owned());
            } else {
                field_docs.extend(l.docs.iter().cloned());
            }
            field_docs.extend(l.notes.iter().cloned());
            match data.extensions.get("x-unverified") {
                Some(Value::String(why)) => field_docs.push(format!("**Unverified:** {why}")),
                Some(_) => self.err(&join(&pp, "x-unverified"), "`x-unverified` must be a string saying why"),
                None => {}
            }
            if data.deprecated == Some(true) {
                field_docs.push("**Deprecated.**".to_owned());
            }
            if let Some(f) = self.make_field(
                &data.name,
                l.ty,
                data.required,
                l.nullable,
                region_default,
                Location::Query,
                field_docs,
                &pp,
            ) {
                fields.push(f);
            }
        }

        // Request body.
        let mut has_body = false;
        if let Some(rb) = &op.request_body {
            if let Some((body, rbp)) = self.resolve_body(rb, &join(pointer, "requestBody")) {
                has_body = true;
                self.keys(&rbp, Kind::RequestBody);
                let content = join(&rbp, "content");
                for (ct, _) in &body.content {
                    if !is_json(ct) {
                        self.err(
                            &join(&content, ct),
                            format!(
                                "request content type `{ct}` is not supported: only application/json \
                                 (no multipart or form uploads)"
                            ),
                        );
                    }
                }
                // Several JSON media types: the smallest name, whatever the map order.
                let json = body.content.iter().filter(|(ct, _)| is_json(ct)).min_by(|a, b| a.0.cmp(b.0));
                match json {
                    None if body.content.is_empty() => {
                        self.err(&rbp, "request body needs `content: application/json: schema: ...`")
                    }
                    None => {}
                    Some((ct, mt)) => {
                        let mp = join(&content, ct);
                        self.keys(&mp, Kind::MediaType);
                        match &mt.schema {
                            None => self.err(&mp, "request body needs `content: application/json: schema: ...`"),
                            Some(s) => self.lower_body(sref(s), &join(&mp, "schema"), &type_prefix, &mut fields),
                        }
                    }
                }
            }
        }

        // Field names must be unique after case conversion.
        let mut seen: HashMap<String, (String, Location)> = HashMap::new();
        for f in &fields {
            if let Some((prev, loc)) = seen.insert(f.rust_name.clone(), (f.wire_name.clone(), f.location)) {
                let msg = if prev == f.wire_name {
                    format!(
                        "`{}` is both a {} parameter and a {} property: both would be the Rust field `{}`; give one `x-rust-name`",
                        f.wire_name,
                        if loc == Location::Query { "query" } else { "body" },
                        if f.location == Location::Query { "query" } else { "body" },
                        f.rust_name
                    )
                } else {
                    format!(
                        "`{}` and `{prev}` both become the Rust field `{}`: give one of them `x-rust-name`",
                        f.wire_name, f.rust_name
                    )
                };
                self.err(pointer, msg);
            }
        }

        let output = self.lower_response(op, pointer, &type_prefix)?;
        let pagination = self.read_pagination(op, pointer, &fields, &output);

        Some(Operation {
            operation_id,
            method_name,
            request_type,
            method,
            path: path.to_owned(),
            docs,
            deprecated: op.deprecated,
            idempotent,
            fields,
            has_body,
            output,
            pagination,
            pointer: pointer.to_owned(),
            tags: op.tags.clone(),
            waiter: None,
        })
    }

    /// The Rust field name of a parameter or property: `x-rust-name` at `pointer`, else the
    /// snake-cased wire name.
    fn field_name(&mut self, wire: &str, pointer: &str) -> Option<String> {
        if let Some(n) = self.rust_name_override(pointer, is_snake_ident, "snake_case field")? {
            return Some(n);
        }
        match snake(wire) {
            Some(n) => Some(n),
            None => {
                self.err(
                    pointer,
                    format!(
                        "name `{wire}` has no characters usable in a Rust identifier: add `x-rust-name: <snake_case>`"
                    ),
                );
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn make_field(
        &mut self,
        wire: &str,
        ty: TypeRef,
        required: bool,
        nullable: bool,
        region_default: bool,
        location: Location,
        docs: Vec<String>,
        pointer: &str,
    ) -> Option<Field> {
        let rust_name = self.field_name(wire, pointer)?;
        if location == Location::Query && !wire.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-~".contains(&b)) {
            self.err(
                pointer,
                format!("query parameter name `{wire}` must use only A-Z a-z 0-9 _ . - ~ (it is signed unencoded)"),
            );
            return None;
        }
        if region_default && ty != TypeRef::String {
            self.err(pointer, "`x-client-default: region` needs a string field");
            return None;
        }
        if rust_name == "new" && (!required || region_default) {
            self.err(
                pointer,
                format!(
                    "`{wire}` becomes the optional request field `new`, whose setter would collide with the \
                     constructor `new`: give it `x-rust-name`"
                ),
            );
            return None;
        }
        Some(Field { wire_name: wire.to_owned(), rust_name, ty, required, nullable, region_default, location, docs })
    }

    /// A parameter and the pointer of its definition (the component for a `$ref`), plus the
    /// component's name.
    fn resolve_param(
        &mut self,
        p: &'a ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Option<(&'a Parameter, String, Option<String>)> {
        match p {
            ReferenceOr::Item(p) => {
                self.keys(pointer, Kind::Parameter);
                Some((p, pointer.to_owned(), None))
            }
            ReferenceOr::Reference { reference } => {
                self.keys(pointer, Kind::Parameter);
                let name = reference.strip_prefix("#/components/parameters/").map(unescape);
                let found = name.as_deref().and_then(|n| self.spec.components.as_ref()?.parameters.get(n));
                match (found, name) {
                    (Some(ReferenceOr::Item(p)), Some(n)) => {
                        let dp = join("/components/parameters", &n);
                        self.keys(&dp, Kind::Parameter);
                        Some((p, dp, Some(n)))
                    }
                    (Some(ReferenceOr::Reference { .. }), _) => {
                        self.err(
                            &join(pointer, "$ref"),
                            format!("`{reference}` points to another reference: chains are not supported"),
                        );
                        None
                    }
                    _ => {
                        self.err(&join(pointer, "$ref"), format!("`$ref: {reference}` does not resolve: expected `#/components/parameters/<name>` of an existing parameter"));
                        None
                    }
                }
            }
        }
    }

    /// A request body and the pointer of its definition.
    fn resolve_body(&mut self, rb: &'a ReferenceOr<RequestBody>, pointer: &str) -> Option<(&'a RequestBody, String)> {
        match rb {
            ReferenceOr::Item(b) => Some((b, pointer.to_owned())),
            ReferenceOr::Reference { reference } => {
                self.keys(pointer, Kind::RequestBody);
                let name = reference.strip_prefix("#/components/requestBodies/").map(unescape);
                let found = name.as_deref().and_then(|n| self.spec.components.as_ref()?.request_bodies.get(n));
                match (found, name) {
                    (Some(ReferenceOr::Item(b)), Some(n)) => Some((b, join("/components/requestBodies", &n))),
                    _ => {
                        self.err(&join(pointer, "$ref"), format!("`$ref: {reference}` does not resolve to a request body in `#/components/requestBodies`"));
                        None
                    }
                }
            }
        }
    }

    /// Flattens the body object's properties into request fields.
    fn lower_body(&mut self, s: SRef<'a>, pointer: &str, type_prefix: &str, fields: &mut Vec<Field>) {
        self.keys(pointer, Kind::Schema);
        let (schema, sp, owner) = match s {
            SRef::Inline(schema) => (schema, pointer.to_owned(), type_prefix.to_owned()),
            SRef::Ref(r) => match self.deref_component(r, pointer) {
                Some((name, schema, cp)) => {
                    let owner = self.component_type_name(&name, &cp).unwrap_or_default();
                    (schema, cp, owner)
                }
                None => return,
            },
        };
        if let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind {
            if matches!(
                o.additional_properties,
                Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true))
            ) {
                self.err(
                    &join(&sp, "additionalProperties"),
                    "`additionalProperties` on a request body is not supported: list the properties (they become the request's fields)",
                );
                return;
            }
        }
        let Some(shape) = self.object_shape(schema, &sp, &owner, &mut Vec::new()) else {
            self.err(
                &sp,
                "a request body must be an object (`type: object` with `properties`, or an `allOf` of objects): \
                 its properties become the request's fields",
            );
            return;
        };
        self.check_required(&shape);
        for prop in &shape.props {
            let hint = format!("{}{}", prop.owner, pascal(&prop.name).unwrap_or_default());
            let Some(l) = self.lower_schema(prop.schema, &prop.pointer, &hint) else {
                continue;
            };
            let mut docs = l.docs.clone();
            docs.extend(l.notes.iter().cloned());
            let required = shape.required.iter().any(|(r, _)| *r == prop.name);
            if let Some(f) = self.make_field(
                &prop.name,
                l.ty,
                required,
                l.nullable,
                l.region_default,
                Location::Body,
                docs,
                &prop.pointer,
            ) {
                fields.push(f);
            }
        }
    }

    /// Follows a `$ref` (and alias chains) to a component schema: (name, schema, pointer).
    fn deref_component(&mut self, reference: &str, pointer: &str) -> Option<(String, &'a Schema, String)> {
        let mut reference = reference.to_owned();
        let mut use_pointer = pointer.to_owned();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let Some(name) = reference.strip_prefix(SCHEMA_PREFIX).map(unescape) else {
                self.err(
                    &use_pointer,
                    format!(
                        "`$ref: {reference}` is not supported: only local `#/components/schemas/<name>` references are"
                    ),
                );
                return None;
            };
            if seen.contains(&name) {
                self.err(&use_pointer, format!("`$ref` cycle: `{}` → `{name}`", seen.join("` → `")));
                return None;
            }
            let cp = join("/components/schemas", &name);
            match self.component(&name) {
                Some(ReferenceOr::Item(s)) => return Some((name, s, cp)),
                Some(ReferenceOr::Reference { reference: r2 }) => {
                    seen.push(name);
                    reference = r2.clone();
                    use_pointer = cp;
                }
                None => {
                    self.err(
                        &use_pointer,
                        format!("`$ref: {reference}` does not resolve: there is no schema `{name}` in components"),
                    );
                    return None;
                }
            }
        }
    }

    fn lower_response(&mut self, op: &'a openapiv3::Operation, pointer: &str, type_prefix: &str) -> Option<TypeRef> {
        let rp = join(pointer, "responses");
        let success: Vec<_> = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            })
            .collect();
        let (code, resp) = match success.as_slice() {
            [one] => *one,
            [] => {
                self.err(&rp, "no 2xx response: document the `200` envelope response");
                return None;
            }
            _ => {
                self.err(&rp, "several 2xx responses: document exactly one (`200`)");
                return None;
            }
        };
        let (resp, rp, component): (&'a Response, String, Option<String>) = match resp {
            ReferenceOr::Item(r) => (r, join(&rp, code), None),
            ReferenceOr::Reference { reference } => {
                let use_pointer = join(&rp, code);
                self.keys(&use_pointer, Kind::Response);
                let name = reference.strip_prefix("#/components/responses/").map(unescape);
                match (name.as_deref().and_then(|n| self.spec.components.as_ref()?.responses.get(n)), name.clone()) {
                    (Some(ReferenceOr::Item(r)), Some(n)) => (r, join("/components/responses", &n), Some(n)),
                    _ => {
                        self.err(
                            &join(&use_pointer, "$ref"),
                            format!("`$ref: {reference}` does not resolve to a response in `#/components/responses`"),
                        );
                        return None;
                    }
                }
            }
        };
        self.keys(&rp, Kind::Response);
        let Some((ct, mt)) = resp.content.iter().filter(|(ct, _)| is_json(ct)).min_by(|a, b| a.0.cmp(b.0)) else {
            self.err(&rp, "the success response needs `content: application/json: schema: ...`");
            return None;
        };
        let mp = join(&join(&rp, "content"), ct);
        self.keys(&mp, Kind::MediaType);
        let sp = join(&mp, "schema");
        let Some(schema) = &mt.schema else {
            self.err(&mp, "missing `schema`: add `schema: <the envelope allOf>`");
            return None;
        };
        self.keys(&sp, Kind::Schema);
        let (envelope_ref, payload) = self.envelope.clone()?;
        let pattern_msg = format!(
            "the success schema must be `allOf: [{{$ref: \"{envelope_ref}\"}}, {{type: object, properties: {{{payload}: <payload schema>}}}}]`"
        );
        let all_of = match schema {
            ReferenceOr::Item(Schema { schema_kind: SchemaKind::AllOf { all_of }, .. }) => all_of,
            _ => {
                self.err(&sp, pattern_msg);
                return None;
            }
        };
        let mut has_envelope = false;
        let mut payload_schema = None;
        for (i, member) in all_of.iter().enumerate() {
            let memp = join(&join(&sp, "allOf"), i);
            self.keys(&memp, Kind::Schema);
            match member {
                ReferenceOr::Reference { reference } if *reference == envelope_ref => has_envelope = true,
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. })
                    if payload_schema.is_none() =>
                {
                    match o.properties.get(&payload) {
                        Some(p) => payload_schema = Some((sref_box(p), join(&join(&memp, "properties"), &payload))),
                        None => {
                            self.err(&memp, format!("missing property `{payload}`: {pattern_msg}"));
                            return None;
                        }
                    }
                }
                _ => {
                    self.err(&memp, pattern_msg);
                    return None;
                }
            }
        }
        let (Some((ps, pp)), true) = (payload_schema, has_envelope) else {
            self.err(&sp, pattern_msg);
            return None;
        };
        let hint = match component.as_deref().and_then(pascal) {
            Some(c) => c,
            None => format!("{type_prefix}Response"),
        };
        let l = self.lower_schema(ps, &pp, &hint)?;
        Some(l.ty)
    }

    fn read_pagination(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
        fields: &[Field],
        output: &TypeRef,
    ) -> Option<Pagination> {
        let v = op.extensions.get("x-pagination")?;
        let pp = join(pointer, "x-pagination");
        let get = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(page), Some(size), Some(items)) = (get("pageParam"), get("sizeParam"), get("items")) else {
            self.err(
                &pp,
                "`x-pagination` needs `pageParam`, `sizeParam` and `items` (plus optional `totalPages`, `totalCount`)",
            );
            return None;
        };
        let out_fields = match output {
            TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(f)) => f.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let is_int = |t: &TypeRef| matches!(t, TypeRef::I32 | TypeRef::I64);
        let mut ok = true;
        let mut req = |key: &str, wire: &str| -> Option<FieldRef> {
            match fields.iter().find(|f| f.wire_name == wire) {
                Some(f) if is_int(&f.ty) => Some(FieldRef {
                    rust_name: f.rust_name.clone(),
                    ty: f.ty.clone(),
                    optional: f.optional_in_request(),
                }),
                _ => {
                    self.err(
                        &join(&pp, key),
                        format!("`{wire}` must name an integer request parameter of the operation"),
                    );
                    ok = false;
                    None
                }
            }
        };
        let page = req("pageParam", &page);
        let size = req("sizeParam", &size);
        let out_ref =
            |f: &Field| FieldRef { rust_name: f.rust_name.clone(), ty: f.ty.clone(), optional: f.optional_in_model() };
        let items = match out_fields.iter().find(|f| f.wire_name == items) {
            Some(f) if matches!(f.ty, TypeRef::Vec(_)) => Some(out_ref(f)),
            _ => {
                self.err(&join(&pp, "items"), format!("`{items}` must name an array field of the response payload"));
                ok = false;
                None
            }
        };
        let mut total = |key: &str| -> Option<FieldRef> {
            let w = get(key)?;
            match out_fields.iter().find(|f| f.wire_name == w) {
                Some(f) if is_int(&f.ty) || f.ty == TypeRef::Scalar => Some(out_ref(f)),
                _ => {
                    self.err(&join(&pp, key), format!("`{w}` must name an integer field of the response payload"));
                    ok = false;
                    None
                }
            }
        };
        let total_pages = total("totalPages");
        let total_count = total("totalCount");
        if !ok {
            return None;
        }
        let items = items?;
        let item_type = match &items.ty {
            TypeRef::Vec(t) => (**t).clone(),
            _ => return None,
        };
        Some(Pagination { page: page?, size: size?, items, item_type, total_pages, total_count })
    }

    /// Reads top-level `x-waiters` once operations are known.
    fn read_waiters(&mut self, operations: &[Operation]) -> Vec<Waiter> {
        let Some(v) = self.spec.extensions.get("x-waiters") else { return Vec::new() };
        let Some(map) = v.as_object() else {
            self.err("/x-waiters", "`x-waiters` must be a map of waiter name → definition");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, def) in map {
            let wp = join("/x-waiters", name);
            let (Some(snake_name), Some(pascal_name)) = (snake(name), pascal(name)) else {
                self.err(&wp, format!("waiter name `{name}` has no characters usable in a Rust name"));
                continue;
            };
            let method_name = format!("wait_until_{snake_name}");
            if let Some(prev) = out.iter().find(|w: &&Waiter| w.method_name == method_name) {
                self.err(&wp, format!("waiters `{}` and `{name}` both become `{method_name}`: rename one", prev.name));
                continue;
            }
            if operations.iter().any(|o| o.method_name == method_name) {
                self.err(&wp, format!("waiter `{name}` becomes `{method_name}`, which an operation already uses"));
                continue;
            }
            let Some(op_id) = def.get("operation").and_then(Value::as_str) else {
                self.err(&wp, "a waiter needs `operation: <operationId>` (the operation to poll)");
                continue;
            };
            let Some(op) = operations.iter().find(|o| o.operation_id == op_id) else {
                self.err(&join(&wp, "operation"), format!("no operation has operationId `{op_id}`"));
                continue;
            };
            if !op.idempotent {
                self.err(
                    &join(&wp, "operation"),
                    format!("`{op_id}` is not idempotent: a waiter may only poll a read"),
                );
                continue;
            }
            let secs = |k: &str, default: f64| -> Result<u64, String> {
                match def.get("delay").and_then(|d| d.get(k)) {
                    None => Ok((default * 1000.0) as u64),
                    Some(x) => match x.as_f64() {
                        Some(f) if f > 0.0 && f <= 3600.0 => Ok((f * 1000.0) as u64),
                        _ => Err(format!("`delay.{k}` must be a number of seconds in (0, 3600]")),
                    },
                }
            };
            let (min_delay_ms, max_delay_ms) = match (secs("min", 5.0), secs("max", 30.0)) {
                (Ok(a), Ok(b)) if a <= b => (a, b),
                (Ok(_), Ok(_)) => {
                    self.err(&join(&wp, "delay"), "`delay.min` must not exceed `delay.max`");
                    continue;
                }
                (Err(e), _) | (_, Err(e)) => {
                    self.err(&join(&wp, "delay"), e);
                    continue;
                }
            };
            let Some(list) = def.get("acceptors").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
                self.err(&wp, "a waiter needs a non-empty `acceptors` list");
                continue;
            };
            let root_fields: Vec<String> = match &op.output {
                TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(f)) => f.iter().map(|f| f.wire_name.clone()).collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let mut acceptors = Vec::new();
            let mut ok = true;
            for (i, a) in list.iter().enumerate() {
                let ap = join(&join(&wp, "acceptors"), i);
                let state = match a.get("state").and_then(Value::as_str) {
                    Some("success") => AcceptorState::Success,
                    Some("failure") => AcceptorState::Failure,
                    Some("retry") => AcceptorState::Retry,
                    _ => {
                        self.err(&ap, "`state` must be success, failure or retry");
                        ok = false;
                        continue;
                    }
                };
                let path = a.get("path").and_then(Value::as_str);
                let matcher = match (path, a.get("equals"), a.get("empty"), a.get("errorCode").and_then(Value::as_str))
                {
                    (Some(p), Some(eq), None, None) => {
                        let values: Option<Vec<String>> =
                            eq.as_array().map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect());
                        match values.filter(|v| !v.is_empty() && Some(v.len()) == eq.as_array().map(Vec::len)) {
                            Some(v) => Matcher::PathEquals(p.to_owned(), v),
                            None => {
                                self.err(&join(&ap, "equals"), "`equals` must be a non-empty list of strings");
                                ok = false;
                                continue;
                            }
                        }
                    }
                    (Some(p), None, Some(Value::Bool(true)), None) => Matcher::PathEmpty(p.to_owned()),
                    (None, None, None, Some(code)) => Matcher::ErrorCode(code.to_owned()),
                    _ => {
                        self.err(&ap, "an acceptor needs exactly one of: `path` + `equals: [..]`, `path` + `empty: true`, `errorCode`");
                        ok = false;
                        continue;
                    }
                };
                if let Matcher::PathEquals(p, _) | Matcher::PathEmpty(p) = &matcher {
                    let root = p.split(['.', '[']).next().unwrap_or("");
                    if !valid_path(p) {
                        self.err(
                            &join(&ap, "path"),
                            format!("path `{p}` must look like `field`, `field[0]` or `a[0].b`"),
                        );
                        ok = false;
                        continue;
                    }
                    if !root_fields.iter().any(|f| f == root) {
                        self.err(&join(&ap, "path"), format!("`{root}` is not a field of `{op_id}`'s payload"));
                        ok = false;
                        continue;
                    }
                }
                acceptors.push(Acceptor { state, matcher });
            }
            if !ok {
                continue;
            }
            let mut docs = Vec::new();
            for k in ["summary", "description"] {
                if let Some(s) = def.get(k).and_then(Value::as_str) {
                    docs.push(s.trim().to_owned());
                }
            }
            out.push(Waiter {
                name: name.clone(),
                method_name,
                const_name: snake_name.to_uppercase(),
                docs,
                operation_id: op.operation_id.clone(),
                request_type: op.request_type.clone(),
                output: op.output.clone(),
                min_delay_ms,
                max_delay_ms,
                acceptors,
            });
            let _ = pascal_name;
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Lowers a schema used as a field type. `hint` names inline enums/objects without `title`.
    fn lower_schema(&mut self, s: SRef<'a>, pointer: &str, hint: &str) -> Option<Lowered> {
        if self.depth >= MAX_DEPTH {
            self.err(
                pointer,
                format!("schemas nest more than {MAX_DEPTH} levels deep here: name the inner schemas as components"),
            );
            return None;
        }
        self.depth += 1;
        let r = match s {
            SRef::Ref(r) => {
                self.keys(pointer, Kind::Schema);
                match r.strip_prefix(SCHEMA_PREFIX) {
                    Some(name) => self.lower_component(&unescape(name), pointer),
                    None => {
                        self.err(
                            &join(pointer, "$ref"),
                            format!(
                                "`$ref: {r}` is not supported: only local `#/components/schemas/<name>` references are"
                            ),
                        );
                        None
                    }
                }
            }
            SRef::Inline(schema) => self.lower_inline(schema, pointer, hint),
        };
        self.depth -= 1;
        r
    }

    /// The Rust type name of a component schema: `x-rust-name`, else the PascalCase name.
    fn component_type_name(&mut self, name: &str, cp: &str) -> Option<String> {
        if let Some(n) = self.rust_name_override(cp, is_pascal_ident, "UpperCamelCase type")? {
            return Some(n);
        }
        match pascal(name) {
            Some(n) => Some(n),
            None => {
                self.err(
                    cp,
                    format!("schema name `{name}` has no characters usable in a Rust type name: add `x-rust-name: <TypeName>`"),
                );
                None
            }
        }
    }

    /// Lowers the component schema `name`, used at `use_pointer`.
    fn lower_component(&mut self, name: &str, use_pointer: &str) -> Option<Lowered> {
        match self.components.get_mut(name) {
            Some(ComponentState::Done(l)) => return Some(l.clone()),
            Some(ComponentState::Failed) => return None,
            Some(ComponentState::InProgress { ty, containers, hit }) => {
                // Reached itself again. Through an array or a map (`children: [Node]`) the Rust
                // type is finite; directly (`parent: Node`) it would need a `Box`.
                if self.containers > *containers {
                    *hit = true;
                    return Some(Lowered::plain(ty.clone()));
                }
                if let Some(alias) = use_pointer.strip_prefix("/components/schemas/").filter(|a| !a.contains('/')) {
                    let alias = unescape(alias);
                    self.err(
                        use_pointer,
                        format!("`$ref` cycle: `{alias}` refers to `{name}`, which refers back to `{alias}` without ever reaching a schema"),
                    );
                    return None;
                }
                self.err(
                    use_pointer,
                    format!(
                        "schema `{name}` contains itself with no array or map in between: the Rust type would have \
                         infinite size and the generator does not box fields; make the recursive property an array, \
                         or break the cycle"
                    ),
                );
                return None;
            }
            None => {}
        }
        let Some(schema) = self.component(name) else {
            self.err(
                &join(use_pointer, "$ref"),
                format!("`$ref` does not resolve: there is no schema `{name}` in `#/components/schemas`"),
            );
            return None;
        };
        let cp = join("/components/schemas", name);
        let Some(type_name) = self.component_type_name(name, &cp) else {
            self.components.insert(name.to_owned(), ComponentState::Failed);
            return None;
        };
        self.components.insert(
            name.to_owned(),
            ComponentState::InProgress {
                ty: TypeRef::Named(type_name.clone()),
                containers: self.containers,
                hit: false,
            },
        );
        let result = match sref(schema) {
            SRef::Ref(r) => self.lower_schema(SRef::Ref(r), &cp, &type_name),
            SRef::Inline(s) => {
                self.keys(&cp, Kind::Schema);
                self.lower_inline_named(s, &cp, &type_name)
            }
        };
        let hit = matches!(self.components.get(name), Some(ComponentState::InProgress { hit: true, .. }));
        let result = match result {
            Some(l)
                if hit
                    && !(l.ty == TypeRef::Named(type_name.clone())
                        && matches!(self.types.get(&type_name).map(|t| &t.kind), Some(TypeKind::Struct(_)))) =>
            {
                self.err(
                    &cp,
                    format!("schema `{name}` contains itself but is not an object (or is an alias of one): only object schemas may be recursive, referenced by their own name"),
                );
                None
            }
            other => other,
        };
        let state = match &result {
            Some(l) => ComponentState::Done(l.clone()),
            None => ComponentState::Failed,
        };
        self.components.insert(name.to_owned(), state);
        result
    }

    fn lower_inline(&mut self, schema: &'a Schema, pointer: &str, hint: &str) -> Option<Lowered> {
        if let Some(done) = self.inline.get(pointer) {
            return done.clone();
        }
        self.keys(pointer, Kind::Schema);
        let name = match &schema.schema_data.title {
            Some(t) => match pascal(t) {
                Some(n) => n,
                None => {
                    self.err(
                        &join(pointer, "title"),
                        format!("title `{t}` has no characters usable in a Rust type name"),
                    );
                    return None;
                }
            },
            None => hint.to_owned(),
        };
        let r = self.lower_inline_named(schema, pointer, &name);
        self.inline.insert(pointer.to_owned(), r.clone());
        r
    }

    /// Lowers a schema; enums and objects become a named type called `name`.
    fn lower_inline_named(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> Option<Lowered> {
        let data = &schema.schema_data;
        if data.discriminator.is_some() {
            self.err(
                &join(pointer, "discriminator"),
                "`discriminator` (polymorphism) is not supported: model the variants as one object with optional properties",
            );
            return None;
        }
        for (flag, key) in [(data.read_only, "readOnly"), (data.write_only, "writeOnly")] {
            if flag {
                self.err(
                    &join(pointer, key),
                    format!("`{key}` is not supported: the generator uses one type for requests and responses; remove it, or split the schema"),
                );
                return None;
            }
        }
        let mut docs: Vec<String> = Vec::new();
        match (&data.description, &data.title) {
            (Some(d), _) => docs.push(d.trim().to_owned()),
            (None, Some(t)) if t.contains(' ') => docs.push(t.trim().to_owned()),
            _ => {}
        }
        let mut notes = Vec::new();
        if let Some(v) = data.extensions.get("x-unverified") {
            match v.as_str() {
                Some(why) => notes.push(format!("**Unverified:** {why}")),
                None => self.err(&join(pointer, "x-unverified"), "`x-unverified` must be a string saying why"),
            }
        }
        if data.deprecated {
            notes.push("**Deprecated.**".to_owned());
        }
        if let Some(d) = &data.default {
            notes.push(format!("Default: `{}`.", compact(d)));
        }
        let region_default = ext_is(&data.extensions, "x-client-default", "region");
        let (ty, extra) = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                if let [only] = all_of.as_slice() {
                    // The OpenAPI 3.0 idiom for annotating a `$ref`: `allOf: [$ref]` + siblings.
                    let mut l = self.lower_schema(sref(only), &join(&join(pointer, "allOf"), 0), name)?;
                    l.nullable |= data.nullable;
                    if !docs.is_empty() {
                        l.docs = docs;
                    }
                    l.notes.extend(notes);
                    l.region_default |= region_default;
                    self.check_default(pointer, data, &l.ty, l.nullable);
                    return Some(l);
                }
                if all_of.is_empty() {
                    self.err(&join(pointer, "allOf"), "an empty `allOf`: list at least one schema, or remove it");
                    return None;
                }
                self.object_type(schema, pointer, name)?;
                (TypeRef::Named(name.to_owned()), vec![])
            }
            SchemaKind::OneOf { one_of } => {
                let all_scalar = !one_of.is_empty()
                    && one_of.iter().all(|m| {
                        matches!(
                            m,
                            ReferenceOr::Item(Schema {
                                schema_kind: SchemaKind::Type(
                                    Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_)
                                ),
                                ..
                            })
                        )
                    });
                if !all_scalar {
                    self.err(
                        &join(pointer, "oneOf"),
                        "`oneOf` is only supported over inline scalar types (string/integer/number/boolean), as a value \
                         the server sends either way; unions of objects are not supported",
                    );
                    return None;
                }
                for (i, m) in one_of.iter().enumerate() {
                    self.keys(&join(&join(pointer, "oneOf"), i), Kind::Schema);
                    if let ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(st)), .. }) = m {
                        if !st.enumeration.is_empty() {
                            self.err(
                                &join(&join(pointer, "oneOf"), i),
                                "`enum` inside `oneOf` is not supported: use a string enum instead of the `oneOf`",
                            );
                            return None;
                        }
                    }
                }
                (TypeRef::Scalar, vec!["Sent by the server as a string or a number; kept as text.".into()])
            }
            SchemaKind::AnyOf { .. } => {
                self.err(
                    &join(pointer, "anyOf"),
                    "`anyOf` is not supported: use `oneOf` of scalars, or one object with optional properties",
                );
                return None;
            }
            SchemaKind::Not { .. } => {
                self.err(
                    &join(pointer, "not"),
                    "`not` is not supported: describe the allowed values positively (`enum`, `pattern`, bounds)",
                );
                return None;
            }
            SchemaKind::Any(a) => {
                if is_object_like(a) {
                    if a.properties.is_empty() && a.all_of.is_empty() {
                        // `additionalProperties` without `type: object`.
                        let v = self.map_value(a.additional_properties.as_ref(), pointer, name)?;
                        (TypeRef::Map(Box::new(v)), vec![])
                    } else {
                        self.object_type(schema, pointer, name)?;
                        (TypeRef::Named(name.to_owned()), vec![])
                    }
                } else if is_empty_any(a) {
                    (TypeRef::Json, vec![])
                } else {
                    self.diagnose_any(a, pointer);
                    return None;
                }
            }
            SchemaKind::Type(t) => match t {
                Type::String(st) => {
                    let mut extra = Vec::new();
                    match (st.min_length, st.max_length) {
                        (Some(a), Some(b)) => extra.push(format!("Length {a}–{b} characters.")),
                        (Some(a), None) => extra.push(format!("At least {a} characters.")),
                        (None, Some(b)) => extra.push(format!("At most {b} characters.")),
                        (None, None) => {}
                    }
                    if let Some(p) = &st.pattern {
                        extra.push(format!("Pattern: `{p}`."));
                    }
                    match &st.format {
                        VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => {
                            self.err(
                                &join(pointer, "format"),
                                "`format: binary` (file upload) is not supported: the client sends JSON only",
                            );
                            return None;
                        }
                        VariantOrUnknownOrEmpty::Item(f) => {
                            let f = match f {
                                openapiv3::StringFormat::Date => "date",
                                openapiv3::StringFormat::DateTime => "date-time",
                                openapiv3::StringFormat::Password => "password",
                                openapiv3::StringFormat::Byte => "byte",
                                openapiv3::StringFormat::Binary => "binary",
                            };
                            extra.push(format!("Format: `{f}`."));
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) => extra.push(format!("Format: `{f}`.")),
                        VariantOrUnknownOrEmpty::Empty => {}
                    }
                    if st.enumeration.is_empty() {
                        (TypeRef::String, extra)
                    } else {
                        self.string_enum(schema, pointer, name, &st.enumeration)?;
                        (TypeRef::Named(name.to_owned()), extra)
                    }
                }
                Type::Integer(it) => {
                    let ty = match &it.format {
                        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => {
                            TypeRef::I64
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) => {
                            self.err(
                                &join(pointer, "format"),
                                format!("integer format `{f}` is not supported (int32, int64)"),
                            );
                            return None;
                        }
                    };
                    let mut extra = Vec::new();
                    match (it.minimum, it.maximum) {
                        (Some(a), Some(b)) => extra.push(format!("Range {a}–{b}.")),
                        (Some(a), None) => extra.push(format!("Minimum {a}.")),
                        (None, Some(b)) => extra.push(format!("Maximum {b}.")),
                        (None, None) => {}
                    }
                    if it.enumeration.is_empty() {
                        (ty, extra)
                    } else {
                        self.int_enum(schema, pointer, name, &it.enumeration)?;
                        (TypeRef::Named(name.to_owned()), extra)
                    }
                }
                Type::Number(nt) => {
                    if !nt.enumeration.is_empty() {
                        self.err(
                            &join(pointer, "enum"),
                            "`enum` on a number is not supported: use an integer or string enum",
                        );
                        return None;
                    }
                    if let VariantOrUnknownOrEmpty::Unknown(f) = &nt.format {
                        self.err(
                            &join(pointer, "format"),
                            format!("number format `{f}` is not supported (float, double; both become f64)"),
                        );
                        return None;
                    }
                    (TypeRef::F64, vec![])
                }
                Type::Boolean(bt) => {
                    if !bt.enumeration.is_empty() {
                        self.err(
                            &join(pointer, "enum"),
                            "`enum` on a boolean is not supported: remove it and say which value in `description`",
                        );
                        return None;
                    }
                    (TypeRef::Bool, vec![])
                }
                Type::Array(at) => {
                    let Some(items) = &at.items else {
                        self.err(pointer, "an array needs `items`: add `items: <schema>`");
                        return None;
                    };
                    self.containers += 1;
                    let item = self.lower_schema(sref_box(items), &join(pointer, "items"), &format!("{name}Item"));
                    self.containers -= 1;
                    let item = item?;
                    let mut extra = Vec::new();
                    match (at.min_items, at.max_items) {
                        (Some(a), Some(b)) => extra.push(format!("{a}–{b} items.")),
                        (None, Some(b)) => extra.push(format!("At most {b} items.")),
                        (Some(a), None) => extra.push(format!("At least {a} items.")),
                        (None, None) => {}
                    }
                    (TypeRef::Vec(Box::new(item.ty)), extra)
                }
                Type::Object(ot) => {
                    if ot.properties.is_empty() {
                        match &ot.additional_properties {
                            // `type: object` alone: an empty struct (named after the schema;
                            // like every struct it ignores members it does not know).
                            None | Some(AdditionalProperties::Any(false)) => {
                                self.object_type(schema, pointer, name)?;
                                (TypeRef::Named(name.to_owned()), vec![])
                            }
                            ap => {
                                let v = self.map_value(ap.as_ref(), pointer, name)?;
                                (TypeRef::Map(Box::new(v)), vec![])
                            }
                        }
                    } else {
                        self.object_type(schema, pointer, name)?;
                        (TypeRef::Named(name.to_owned()), vec![])
                    }
                }
            },
        };
        self.check_default(pointer, data, &ty, data.nullable);
        let mut n = extra;
        n.extend(notes);
        Some(Lowered { ty, nullable: data.nullable, docs, notes: n, region_default })
    }

    /// Value type of a map (`additionalProperties`): free-form JSON when absent or `true`.
    fn map_value(&mut self, ap: Option<&'a AdditionalProperties>, pointer: &str, name: &str) -> Option<TypeRef> {
        match ap {
            None | Some(AdditionalProperties::Any(_)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(s)) => {
                self.containers += 1;
                let v = self.lower_schema(sref(s), &join(pointer, "additionalProperties"), &format!("{name}Value"));
                self.containers -= 1;
                Some(v?.ty)
            }
        }
    }

    /// Explains why an untyped-looking schema was not understood.
    fn diagnose_any(&mut self, a: &AnySchema, pointer: &str) {
        const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];
        let keys = raw::keys(self.raw, pointer);
        match a.typ.as_deref() {
            Some("null") => {
                self.err(&join(pointer, "type"), "`type: null` is OpenAPI 3.1: use `nullable: true` on the schema");
                return;
            }
            Some(t) if !TYPES.contains(&t) => {
                self.err(
                    &join(pointer, "type"),
                    format!(
                        "unknown type `{t}`: OpenAPI 3.0 types are string, number, integer, boolean, array, object"
                    ),
                );
                return;
            }
            _ => {}
        }
        let allowed: &[&str] = match a.typ.as_deref() {
            Some("string") => &["format", "pattern", "minLength", "maxLength", "enum"],
            Some("number") => {
                &["format", "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
            }
            Some("integer") => {
                &["format", "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
            }
            Some("boolean") => &["enum"],
            Some("array") => &["items", "minItems", "maxItems", "uniqueItems"],
            Some("object") => {
                &["properties", "required", "additionalProperties", "minProperties", "maxProperties", "allOf"]
            }
            _ => &[],
        };
        const TYPED: &[&str] = &[
            "format",
            "pattern",
            "minLength",
            "maxLength",
            "enum",
            "multipleOf",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
        ];
        let foreign: Vec<&String> =
            keys.iter().filter(|k| TYPED.contains(&k.as_str()) && !allowed.contains(&k.as_str())).collect();
        if let Some(t) = a.typ.as_deref() {
            if let Some(k) = foreign.first() {
                self.err(&join(pointer, k), format!("`{k}` does not apply to `type: {t}`: remove it, or fix `type`"));
                return;
            }
            // Right keywords, wrong values: enum members or bounds of the wrong type.
            for (i, v) in a.enumeration.iter().enumerate() {
                let ok = match t {
                    "string" => v.is_string() || v.is_null(),
                    "integer" => v.is_i64() || v.is_null(),
                    "number" => v.is_number() || v.is_null(),
                    "boolean" => v.is_boolean() || v.is_null(),
                    _ => false,
                };
                if !ok {
                    self.err(
                        &join(&join(pointer, "enum"), i),
                        format!("enum value `{}` is not a {t}: quote it, or fix `type`", compact(v)),
                    );
                    return;
                }
            }
            if t == "integer" {
                for (k, v) in [("minimum", a.minimum), ("maximum", a.maximum), ("multipleOf", a.multiple_of)] {
                    if v.is_some_and(|x| x.fract() != 0.0) {
                        self.err(&join(pointer, k), format!("`{k}` of an integer must be an integer"));
                        return;
                    }
                }
            }
            self.err(
                pointer,
                format!("a schema of `type: {t}` that could not be understood: check its keywords against `type`"),
            );
            return;
        }
        // No `type`.
        let combinators: Vec<&String> =
            keys.iter().filter(|k| ["oneOf", "anyOf", "not", "allOf"].contains(&k.as_str())).collect();
        if combinators.len() > 1
            || (!combinators.is_empty()
                && keys.iter().any(|k| TYPED.contains(&k.as_str()) && !combinators.contains(&k)))
        {
            let k = combinators[0];
            self.err(&join(pointer, k), format!("`{k}` combined with other type keywords is not supported"));
            return;
        }
        match keys.iter().find(|k| TYPED.contains(&k.as_str())) {
            Some(k) => {
                self.err(&join(pointer, k), format!("a schema with `{k}` needs a `type`: add the `type` it constrains"))
            }
            None => self.err(pointer, "a schema that could not be understood: give it a `type`"),
        }
    }

    /// Checks `default` against the schema's type.
    fn check_default(&mut self, pointer: &str, data: &openapiv3::SchemaData, ty: &TypeRef, nullable: bool) {
        let Some(d) = &data.default else { return };
        let ok = match (ty, d) {
            (_, Value::Null) => nullable,
            (TypeRef::String, v) => v.is_string(),
            (TypeRef::I32, v) => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            (TypeRef::I64, v) => v.is_i64(),
            (TypeRef::F64, v) => v.is_number(),
            (TypeRef::Bool, v) => v.is_boolean(),
            (TypeRef::Scalar, v) => v.is_string() || v.is_number() || v.is_boolean(),
            (TypeRef::Json, _) => true,
            (TypeRef::Vec(_), v) => v.is_array(),
            (TypeRef::Map(_), v) => v.is_object(),
            (TypeRef::Named(n), v) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(vs)) => v.as_str().is_some_and(|s| vs.iter().any(|x| x.value == s)),
                Some(TypeKind::IntEnum(vs)) => v.as_i64().is_some_and(|s| vs.iter().any(|x| x.value == s)),
                Some(TypeKind::Struct(_)) => v.is_object(),
                None => true,
            },
        };
        if !ok {
            let what = match ty {
                TypeRef::String => "a string".to_owned(),
                TypeRef::I32 => "an int32 integer".to_owned(),
                TypeRef::I64 => "an integer".to_owned(),
                TypeRef::F64 => "a number".to_owned(),
                TypeRef::Bool => "a boolean".to_owned(),
                TypeRef::Named(n) => format!("a value of `{n}`"),
                TypeRef::Vec(_) => "an array".to_owned(),
                _ => "an object".to_owned(),
            };
            self.err(
                &join(pointer, "default"),
                format!("`default: {}` is not {what}: fix the default or the type", compact(d)),
            );
        }
    }

    fn register(&mut self, def: TypeDef) -> Option<()> {
        if PRELUDE_TYPES.contains(&def.name.as_str()) {
            let msg = format!(
                "the type name `{}` would shadow Rust's prelude `{}` in the generated module: name the type \
                 differently (`x-rust-name` on a component schema, `title` on an inline one)",
                def.name, def.name
            );
            self.err(&def.pointer, msg);
            return None;
        }
        if let Some(prev) = self.types.get(&def.name) {
            if prev.pointer != def.pointer {
                let msg = format!(
                    "type name `{}` is produced both here and at {}: give one of them a distinct `title` \
                     (inline schema) or `x-rust-name` (component schema)",
                    def.name, prev.pointer
                );
                self.err(&def.pointer, msg);
                return None;
            }
            return Some(());
        }
        self.types.insert(def.name.clone(), def);
        Some(())
    }

    fn type_docs(&self, schema: &Schema) -> Vec<String> {
        let mut docs = Vec::new();
        match (&schema.schema_data.description, &schema.schema_data.title) {
            (Some(d), _) => docs.push(d.trim().to_owned()),
            (None, Some(t)) if t.contains(' ') => docs.push(t.trim().to_owned()),
            _ => {}
        }
        if let Some(Value::String(why)) = schema.schema_data.extensions.get("x-unverified") {
            docs.push(format!("**Unverified:** {why}"));
        }
        if schema.schema_data.deprecated {
            docs.push("**Deprecated.**".to_owned());
        }
        docs
    }

    fn varnames(&mut self, schema: &Schema, pointer: &str, count: usize) -> (Option<Vec<String>>, Vec<String>) {
        let ext = &schema.schema_data.extensions;
        let names = match ext.get("x-enum-varnames") {
            None => None,
            Some(Value::Array(a)) => {
                Some(a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>())
            }
            Some(_) => {
                self.err(&join(pointer, "x-enum-varnames"), "`x-enum-varnames` must be a list of names");
                Some(Vec::new())
            }
        };
        if let Some(n) = &names {
            if n.len() != count {
                self.err(
                    &join(pointer, "x-enum-varnames"),
                    format!("`x-enum-varnames` has {} names for {count} enum values", n.len()),
                );
            }
            for (i, v) in n.iter().enumerate() {
                if !is_pascal_ident(v) {
                    self.err(
                        &join(&join(pointer, "x-enum-varnames"), i),
                        format!("`{v}` is not an UpperCamelCase Rust identifier (e.g. `Gib1`, not `gib_1` or `Gib_1`)"),
                    );
                }
            }
        }
        let descs = match ext.get("x-enum-descriptions") {
            None => Vec::new(),
            Some(Value::Array(a)) => a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect(),
            Some(_) => {
                self.err(&join(pointer, "x-enum-descriptions"), "`x-enum-descriptions` must be a list of strings");
                Vec::new()
            }
        };
        (names, descs)
    }

    fn string_enum(&mut self, schema: &Schema, pointer: &str, name: &str, values: &[Option<String>]) -> Option<()> {
        let (names, descs) = self.varnames(schema, pointer, values.len());
        let mut variants: Vec<Variant<String>> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut values_seen: BTreeSet<&str> = BTreeSet::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else {
                // `null` in an enum list: the field is nullable; nothing to generate.
                continue;
            };
            let vp = join(&join(pointer, "enum"), i);
            if !values_seen.insert(v) {
                self.err(&vp, format!("enum value `{v}` is listed twice"));
                ok = false;
                continue;
            }
            let rust = match names.as_ref().and_then(|n| n.get(i)) {
                Some(n) => n.clone(),
                None => pascal(v).unwrap_or_else(|| format!("Value{i}")),
            };
            if rust == "Unknown" || rust == "KNOWN" {
                self.err(&vp, format!("enum value `{v}` becomes the variant `{rust}`, reserved by the generated enum (the `Unknown(String)` fallback, the `KNOWN` list): add `x-enum-varnames`"));
                ok = false;
                continue;
            }
            if let Some(prev) = seen.insert(rust.clone(), v.clone()) {
                self.err(
                    &vp,
                    format!("enum values `{prev}` and `{v}` both become the variant `{rust}`: add `x-enum-varnames`"),
                );
                ok = false;
                continue;
            }
            let docs = variant_docs(&descs, i, v);
            variants.push(Variant { rust_name: rust, value: v.clone(), docs });
        }
        if !ok {
            return None;
        }
        let empty = variants.is_empty();
        self.register_enum(schema, pointer, name, empty, TypeKind::StringEnum(variants))
    }

    fn int_enum(&mut self, schema: &Schema, pointer: &str, name: &str, values: &[Option<i64>]) -> Option<()> {
        let (names, descs) = self.varnames(schema, pointer, values.len());
        let mut variants = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut values_seen: BTreeSet<i64> = BTreeSet::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let vp = join(&join(pointer, "enum"), i);
            if !values_seen.insert(*v) {
                self.err(&vp, format!("enum value `{v}` is listed twice"));
                ok = false;
                continue;
            }
            let rust = match names.as_ref().and_then(|n| n.get(i)) {
                Some(n) => n.clone(),
                None => {
                    if *v < 0 {
                        format!("Minus{}", v.unsigned_abs())
                    } else {
                        format!("V{v}")
                    }
                }
            };
            if rust == "Unknown" || !seen.insert(rust.clone()) {
                self.err(&vp, format!("enum value `{v}` gives a duplicate or reserved variant `{rust}`"));
                ok = false;
                continue;
            }
            let docs = variant_docs(&descs, i, v);
            variants.push(Variant { rust_name: rust, value: *v, docs });
        }
        if !ok {
            return None;
        }
        let empty = variants.is_empty();
        self.register_enum(schema, pointer, name, empty, TypeKind::IntEnum(variants))
    }

    /// Registers a lowered enum type; an enum left without any non-null value is an error.
    fn register_enum(&mut self, schema: &Schema, pointer: &str, name: &str, empty: bool, kind: TypeKind) -> Option<()> {
        if empty {
            self.err(
                &join(pointer, "enum"),
                "an enum needs at least one non-null value: list the values, or remove `enum`",
            );
            return None;
        }
        let docs = self.type_docs(schema);
        self.register(TypeDef {
            name: name.to_owned(),
            docs,
            kind,
            pointer: pointer.to_owned(),
            module: module_for(pointer),
            request_side: false,
        })
    }

    /// The properties of an object schema: `type: object`, an `allOf` of objects (merged), or
    /// `properties`/`allOf` without `type`. `None` (without a diagnostic) when it is not one.
    fn object_shape(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        owner: &str,
        chain: &mut Vec<String>,
    ) -> Option<Shape<'a>> {
        let own = |props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, required: &[String]| {
            let props = props
                .iter()
                .map(|(n, p)| Prop {
                    name: n.clone(),
                    schema: sref_box(p),
                    pointer: join(&join(pointer, "properties"), n),
                    owner: owner.to_owned(),
                })
                .collect();
            let required = required.iter().map(|r| (r.clone(), join(pointer, "required"))).collect();
            Shape { props, required }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                if !o.properties.is_empty() && matches!(o.additional_properties, Some(AdditionalProperties::Schema(_)))
                {
                    self.err(
                        &join(pointer, "additionalProperties"),
                        "an object with both `properties` and an `additionalProperties` schema is not supported: \
                         use one or the other",
                    );
                    return None;
                }
                Some(own(&o.properties, &o.required))
            }
            SchemaKind::AllOf { all_of } => Some(self.merge_all_of(all_of, pointer, owner, chain, Shape::default())),
            SchemaKind::Any(a) if is_object_like(a) => {
                if matches!(a.additional_properties, Some(AdditionalProperties::Schema(_))) {
                    self.err(
                        &join(pointer, "additionalProperties"),
                        "an object with both `properties` and an `additionalProperties` schema is not supported: \
                         use one or the other",
                    );
                    return None;
                }
                // Members first (the "base" they usually are), then the schema's own properties.
                let merged = self.merge_all_of(&a.all_of, pointer, owner, chain, Shape::default());
                let own = own(&a.properties, &a.required);
                Some(self.merge_into(merged, own))
            }
            _ => None,
        }
    }

    /// Merges the members of an `allOf` into `acc`: properties in member order, `required` united.
    fn merge_all_of(
        &mut self,
        all_of: &'a [ReferenceOr<Schema>],
        pointer: &str,
        owner: &str,
        chain: &mut Vec<String>,
        mut acc: Shape<'a>,
    ) -> Shape<'a> {
        for (i, m) in all_of.iter().enumerate() {
            let mp = join(&join(pointer, "allOf"), i);
            self.keys(&mp, Kind::Schema);
            let (ms, mptr, mowner, pushed) = match m {
                ReferenceOr::Reference { reference } => {
                    let Some((name, s, cp)) = self.deref_component(reference, &mp) else { continue };
                    if chain.contains(&name) {
                        self.err(&mp, format!("`allOf` cycle: `{name}` includes itself"));
                        continue;
                    }
                    let Some(owner) = self.component_type_name(&name, &cp) else { continue };
                    chain.push(name);
                    (s, cp, owner, true)
                }
                ReferenceOr::Item(s) => (s, mp.clone(), owner.to_owned(), false),
            };
            let shape = self.object_shape(ms, &mptr, &mowner, chain);
            if pushed {
                chain.pop();
            }
            let Some(shape) = shape else {
                self.err(&mp, "an `allOf` member must be an object (or a reference to one) to be merged");
                continue;
            };
            acc = self.merge_into(acc, shape);
        }
        acc
    }

    /// Adds `shape`'s properties and required names to `acc`; a property both define must have
    /// the same schema.
    fn merge_into(&mut self, mut acc: Shape<'a>, shape: Shape<'a>) -> Shape<'a> {
        for p in shape.props {
            match acc.props.iter().find(|q| q.name == p.name) {
                Some(q) if q.schema == p.schema => {}
                Some(q) => {
                    let msg = format!(
                        "property `{}` is also defined at {} with a different schema: `allOf` members must agree",
                        p.name, q.pointer
                    );
                    self.err(&p.pointer, msg);
                }
                None => acc.props.push(p),
            }
        }
        for r in shape.required {
            if !acc.required.iter().any(|(q, _)| *q == r.0) {
                acc.required.push(r);
            }
        }
        acc
    }

    fn check_required(&mut self, shape: &Shape<'_>) {
        for (r, rp) in &shape.required {
            if !shape.props.iter().any(|p| p.name == *r) {
                self.err(rp, format!("required property `{r}` is not defined in `properties`: define it, or remove it from `required`"));
            }
        }
    }

    /// Registers the struct `name` for the object schema at `pointer`.
    fn object_type(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> Option<()> {
        // `None` only after a reported problem (callers pass object schemas).
        let shape = self.object_shape(schema, pointer, name, &mut Vec::new())?;
        self.check_required(&shape);
        let mut fields = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for prop in &shape.props {
            let hint = format!("{}{}", prop.owner, pascal(&prop.name).unwrap_or_default());
            let Some(l) = self.lower_schema(prop.schema, &prop.pointer, &hint) else { continue };
            let Some(rust_name) = self.field_name(&prop.name, &prop.pointer) else { continue };
            if let Some(prev) = seen.insert(rust_name.clone(), prop.name.clone()) {
                self.err(
                    &prop.pointer,
                    format!(
                        "properties `{prev}` and `{}` both become the Rust field `{rust_name}`: give one of them `x-rust-name`",
                        prop.name
                    ),
                );
                continue;
            }
            let mut docs = l.docs.clone();
            docs.extend(l.notes.iter().cloned());
            fields.push(Field {
                wire_name: prop.name.clone(),
                rust_name,
                ty: l.ty,
                required: shape.required.iter().any(|(r, _)| *r == prop.name),
                nullable: l.nullable,
                region_default: false,
                location: Location::Body,
                docs,
            });
        }
        let docs = self.type_docs(schema);
        self.register(TypeDef {
            name: name.to_owned(),
            docs,
            kind: TypeKind::Struct(fields),
            pointer: pointer.to_owned(),
            module: module_for(pointer),
            request_side: false,
        })
    }

    /// Drops types no operation reaches (component schemas are all lowered, for validation).
    fn prune(&mut self, operations: &[Operation]) {
        let mut keep: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<String> = Vec::new();
        for o in operations {
            for f in &o.fields {
                push_named(&f.ty, &mut stack);
            }
            push_named(&o.output, &mut stack);
        }
        while let Some(n) = stack.pop() {
            if !keep.insert(n.clone()) {
                continue;
            }
            if let Some(TypeDef { kind: TypeKind::Struct(fields), .. }) = self.types.get(&n) {
                for f in fields {
                    push_named(&f.ty, &mut stack);
                }
            }
        }
        self.types.retain(|n, _| keep.contains(n));
    }

    /// Request-side structs get `new` plus one setter per optional field, named after the field:
    /// an optional field called `new` would collide with the constructor.
    fn check_setters(&mut self, operations: &[Operation]) {
        let mut bad: Vec<(String, String)> = Vec::new();
        let msg = |owner: &str, wire: &str| {
            format!(
                "`{wire}` of `{owner}` becomes the optional field `new`, whose setter would collide with the \
                 constructor `{owner}::new`: give it `x-rust-name`"
            )
        };
        let _ = operations; // request fields are checked in `make_field`
        for t in self.types.values().filter(|t| t.request_side) {
            if let TypeKind::Struct(fields) = &t.kind {
                for f in fields.iter().filter(|f| f.rust_name == "new" && f.optional_in_model()) {
                    bad.push((join(&join(&t.pointer, "properties"), &f.wire_name), msg(&t.name, &f.wire_name)));
                }
            }
        }
        for (p, m) in bad {
            self.err(&p, m);
        }
    }

    fn mark_request_side(&mut self, operations: &[Operation]) {
        let mut stack: Vec<String> = Vec::new();
        for o in operations {
            for f in &o.fields {
                push_named(&f.ty, &mut stack);
            }
        }
        while let Some(n) = stack.pop() {
            let Some(t) = self.types.get_mut(&n) else { continue };
            if t.request_side {
                continue;
            }
            t.request_side = true;
            if let TypeKind::Struct(fields) = &t.kind {
                for f in fields {
                    push_named(&f.ty, &mut stack);
                }
            }
        }
    }
}

fn push_named(t: &TypeRef, stack: &mut Vec<String>) {
    match t {
        TypeRef::Named(n) => stack.push(n.clone()),
        TypeRef::Vec(i) | TypeRef::Map(i) => push_named(i, stack),
        _ => {}
    }
}

/// `properties`/`required`/`additionalProperties`/`allOf` and nothing of another type.
fn is_object_like(a: &AnySchema) -> bool {
    matches!(a.typ.as_deref(), None | Some("object"))
        && (!a.properties.is_empty()
            || !a.required.is_empty()
            || !a.all_of.is_empty()
            || a.additional_properties.is_some())
        && a.pattern.is_none()
        && a.multiple_of.is_none()
        && a.exclusive_minimum.is_none()
        && a.exclusive_maximum.is_none()
        && a.minimum.is_none()
        && a.maximum.is_none()
        && a.items.is_none()
        && a.min_items.is_none()
        && a.max_items.is_none()
        && a.unique_items.is_none()
        && a.enumeration.is_empty()
        && a.format.is_none()
        && a.min_length.is_none()
        && a.max_length.is_none()
        && a.one_of.is_empty()
        && a.any_of.is_empty()
        && a.not.is_none()
}

fn is_empty_any(a: &AnySchema) -> bool {
    a.typ.is_none()
        && a.properties.is_empty()
        && a.items.is_none()
        && a.enumeration.is_empty()
        && a.one_of.is_empty()
        && a.all_of.is_empty()
        && a.any_of.is_empty()
        && a.not.is_none()
        && a.additional_properties.is_none()
        && a.required.is_empty()
        && a.format.is_none()
        && a.pattern.is_none()
        && a.minimum.is_none()
        && a.maximum.is_none()
        && a.multiple_of.is_none()
        && a.min_length.is_none()
        && a.max_length.is_none()
        && a.min_items.is_none()
        && a.max_items.is_none()
        && a.unique_items.is_none()
        && a.exclusive_minimum.is_none()
        && a.exclusive_maximum.is_none()
        && a.min_properties.is_none()
        && a.max_properties.is_none()
}

fn param_location(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// `a`, `a[0]`, `a[0].b`, `a.b[1][2]`.
fn valid_path(p: &str) -> bool {
    !p.is_empty()
        && p.split('.').all(|seg| {
            let (name, mut rest) = match seg.find('[') {
                Some(i) => (&seg[..i], &seg[i..]),
                None => (seg, ""),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return false;
            }
            while let Some(r) = rest.strip_prefix('[') {
                let Some(end) = r.find(']') else { return false };
                if r[..end].parse::<usize>().is_err() {
                    return false;
                }
                rest = &r[end + 1..];
            }
            rest.is_empty()
        })
}

/// Rustdoc of an enum variant: its wire value, with its `x-enum-descriptions` entry if any.
fn variant_docs(descs: &[String], i: usize, value: impl std::fmt::Display) -> Vec<String> {
    match descs.get(i).filter(|d| !d.is_empty()) {
        Some(d) => vec![format!("`{value}`: {d}")],
        None => vec![format!("`{value}`")],
    }
}

fn is_json(ct: &str) -> bool {
    let base = ct.split(';').next().unwrap_or("").trim();
    base.eq_ignore_ascii_case("application/json")
}

fn ext_is(ext: &indexmap::IndexMap<String, Value>, key: &str, value: &str) -> bool {
    ext.get(key).and_then(Value::as_str) == Some(value)
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Lowerer<'_> {
    /// Reads `x-waiter` of each operation: `{waiter: <x-waiters name>, fromResponse: {<polled
    /// request field>: <path in this operation's payload>}}`. Every required field of the polled
    /// request must come from the response map or from this operation's request (same wire
    /// name), or be filled from the client's region.
    fn read_operation_waiters(&mut self, operations: &mut [Operation], waiters: &[Waiter]) {
        let polled: Vec<(String, Vec<Field>)> =
            operations.iter().map(|o| (o.operation_id.clone(), o.fields.clone())).collect();
        for op in operations.iter_mut() {
            let pointer = join(&op.pointer, "x-waiter");
            let Some(v) = raw::at(self.raw, &pointer).cloned() else { continue };
            let name = v.get("waiter").and_then(serde_yaml::Value::as_str);
            let from = v.get("fromResponse");
            let shape_ok =
                v.as_mapping().is_some_and(|m| m.keys().all(|k| matches!(k.as_str(), Some("waiter" | "fromResponse"))))
                    && from.is_none_or(|f| {
                        f.as_mapping().is_some_and(|m| m.iter().all(|(k, v)| k.is_string() && v.is_string()))
                    });
            let Some(name) = name.filter(|_| shape_ok) else {
                self.err(
                    &pointer,
                    "`x-waiter` must be `{waiter: <name in x-waiters>, fromResponse: {<field>: <path>}}`",
                );
                continue;
            };
            let Some(w) = waiters.iter().find(|w| w.name == name) else {
                self.err(&join(&pointer, "waiter"), format!("`{name}` is not a waiter of the top-level `x-waiters`"));
                continue;
            };
            let from_response: Vec<(String, String)> = from
                .and_then(serde_yaml::Value::as_mapping)
                .map(|m| m.iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned()))).collect())
                .unwrap_or_default();
            let polled_fields = polled.iter().find(|(id, _)| *id == w.operation_id).map(|(_, f)| f.as_slice());
            let own = &op.fields;
            for f in polled_fields.unwrap_or_default() {
                let mapped = from_response.iter().any(|(k, _)| *k == f.wire_name);
                let from_request = own.iter().any(|o| o.wire_name == f.wire_name);
                if f.required && !f.region_default && !mapped && !from_request {
                    self.err(
                        &pointer,
                        format!(
                            "the waiter `{name}` polls `{}`, whose required `{}` is neither a field of this request \
                             nor mapped in `fromResponse`: add `fromResponse: {{{}: <path in returnObj>}}`",
                            w.operation_id, f.wire_name, f.wire_name
                        ),
                    );
                }
            }
            for (k, path) in &from_response {
                if !self.path_in_type(&op.output, path) {
                    self.err(
                        &join(&join(&pointer, "fromResponse"), k),
                        format!(
                            "`{path}` is not a path of this operation's `returnObj` (wire names, `[n]` for list \
                             items, e.g. `images[0].imageID`)"
                        ),
                    );
                }
                if !polled_fields.unwrap_or_default().iter().any(|f| f.wire_name == *k) {
                    self.err(
                        &join(&join(&pointer, "fromResponse"), k),
                        format!("`{k}` is not a field of `{}`, which the waiter `{name}` polls", w.operation_id),
                    );
                }
            }
            op.waiter = Some(WaiterUse { waiter: name.to_owned(), from_response });
        }
    }

    /// Whether `path` (`a.b[0].c`, wire names) leads somewhere in a value of type `t`.
    fn path_in_type(&self, t: &TypeRef, path: &str) -> bool {
        let mut cur = t.clone();
        for segment in path.split('.') {
            let (name, mut rest) = match segment.find('[') {
                Some(i) => (&segment[..i], &segment[i..]),
                None => (segment, ""),
            };
            if !name.is_empty() {
                let TypeRef::Named(n) = &cur else { return false };
                let Some(TypeKind::Struct(fields)) = self.types.get(n).map(|t| &t.kind) else { return false };
                let Some(f) = fields.iter().find(|f| f.wire_name == name) else { return false };
                cur = f.ty.clone();
            }
            while let Some(r) = rest.strip_prefix('[') {
                let Some(end) = r.find(']') else { return false };
                let TypeRef::Vec(inner) = &cur else { return false };
                if r[..end].parse::<usize>().is_err() {
                    return false;
                }
                cur = (**inner).clone();
                rest = &r[end + 1..];
            }
            if !rest.is_empty() {
                return false;
            }
        }
        true
    }
}
