//! OpenAPI → IR, validating as it goes. Problems are collected as located diagnostics (never
//! panics); the caller gets either a complete IR or every problem found.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    Schema, SchemaKind, StatusCode, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diag::{join, Diagnostic};
use crate::ir::*;
use crate::names::{is_ident, pascal, snake};

/// Client methods written by hand; an operation must not take their names.
const RESERVED_METHODS: &[&str] = &["builder", "from_env", "endpoint", "default_region", "send", "clone"];

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A schema reference or an inline schema, borrowed from the spec.
#[derive(Clone, Copy)]
enum SRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
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

enum ComponentState {
    InProgress(TypeRef),
    Done(Lowered),
}

pub(crate) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    source: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
    types: BTreeMap<String, TypeDef>,
    components: HashMap<String, ComponentState>,
    envelope: Option<(String, String)>,
}

impl<'a> Lowerer<'a> {
    pub(crate) fn new(spec: &'a OpenAPI, file: &'a str, source: &'a str) -> Self {
        Lowerer {
            spec,
            file,
            source,
            diags: Vec::new(),
            types: BTreeMap::new(),
            components: HashMap::new(),
            envelope: None,
        }
    }

    fn err(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            line: crate::diag::locate(self.source, pointer),
            message: message.into(),
        });
    }

    pub(crate) fn lower(mut self) -> Result<Api, Vec<Diagnostic>> {
        let spec = self.spec;
        if !spec.openapi.starts_with("3.0") {
            self.err("/openapi", format!("OpenAPI version {:?} is not supported: use 3.0.x", spec.openapi));
        }
        self.envelope = self.read_envelope();

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
            if path.contains('{') {
                self.err(
                    &pointer,
                    "path templating (`{param}`) is not supported: CTyun passes IDs in the query or body",
                );
                continue;
            }
            if !path.starts_with('/') {
                self.err(&pointer, "a path must start with `/`");
                continue;
            }
            for (m, op) in [
                ("get", &item.get),
                ("post", &item.post),
                ("put", &item.put),
                ("delete", &item.delete),
                ("patch", &item.patch),
            ] {
                if let Some(op) = op {
                    let op_pointer = join(&pointer, m);
                    if let Some(o) = self.lower_operation(path, m, op, &item.parameters, &op_pointer) {
                        operations.push(o);
                    }
                }
            }
            for (m, op) in [("head", &item.head), ("options", &item.options), ("trace", &item.trace)] {
                if op.is_some() {
                    self.err(
                        &join(&pointer, m),
                        format!("method `{m}` is not supported (GET, POST, PUT, DELETE, PATCH are)"),
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
                    o.pointer.clone(),
                    format!("duplicate operationId `{}` (also at {prev}): operationIds must be unique", o.operation_id),
                ));
            } else if let Some((prev_id, prev)) = by_method.insert(&o.method_name, (&o.operation_id, &o.pointer)) {
                dup.push((
                    o.pointer.clone(),
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
        // Request/response type names must not collide with schema-derived names.
        for o in &operations {
            if let Some(t) = self.types.get(&o.request_type) {
                let msg = format!(
                    "operation `{}` needs the type name `{}`, already used by the schema at {}: rename the schema or give it a `title`",
                    o.operation_id, o.request_type, t.pointer
                );
                let p = o.pointer.clone();
                self.err(&p, msg);
            }
        }
        operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        let waiters = self.read_waiters(&operations);

        self.mark_request_side(&operations);
        if !self.diags.is_empty() {
            return Err(self.diags);
        }
        Ok(Api {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            operations,
            types: self.types,
            waiters,
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
                if self.component(name).is_none() {
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
        if RESERVED_METHODS.contains(&method_name.as_str()) {
            self.err(&join(pointer, "operationId"), format!("operationId `{operation_id}` becomes `{method_name}`, which is a hand-written Client method: rename it"));
            return None;
        }
        let request_type = format!("{type_prefix}Request");
        let method = match method {
            "get" => Method::Get,
            "post" => Method::Post,
            "put" => Method::Put,
            "delete" => Method::Delete,
            _ => Method::Patch,
        };
        let mut docs = Vec::new();
        if let Some(s) = &op.summary {
            docs.push(s.trim().to_owned());
        }
        if let Some(d) = &op.description {
            docs.push(d.trim().to_owned());
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
        // Path-level parameters first, overridden by operation-level ones of the same name.
        let mut params: Vec<(&Parameter, String)> = Vec::new();
        for (i, p) in path_params.iter().enumerate() {
            let pp = join(&join(pointer.rsplit_once('/').map(|x| x.0).unwrap_or(pointer), "parameters"), i);
            if let Some(p) = self.resolve_param(p, &pp) {
                params.push((p, pp));
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let pp = join(&join(pointer, "parameters"), i);
            if let Some(p) = self.resolve_param(p, &pp) {
                let name = &p.parameter_data_ref().name;
                params.retain(|(q, _)| &q.parameter_data_ref().name != name);
                params.push((p, pp));
            }
        }
        for (p, pp) in params {
            let data = p.parameter_data_ref();
            match p {
                Parameter::Query { .. } => {}
                Parameter::Header { .. } => {
                    self.err(
                        &pp,
                        format!("header parameter `{}` is not supported: the runtime owns all headers", data.name),
                    );
                    continue;
                }
                Parameter::Path { .. } => {
                    self.err(
                        &pp,
                        format!("path parameter `{}` is not supported: path templating is not supported", data.name),
                    );
                    continue;
                }
                Parameter::Cookie { .. } => {
                    self.err(&pp, format!("cookie parameter `{}` is not supported", data.name));
                    continue;
                }
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => sref(s),
                ParameterSchemaOrContent::Content(_) => {
                    self.err(&pp, format!("parameter `{}` uses `content`: only `schema` is supported", data.name));
                    continue;
                }
            };
            let hint = format!("{type_prefix}{}", pascal(&data.name).unwrap_or_default());
            let Some(l) = self.lower_schema(schema, &join(&pp, "schema"), &hint, Module::Operations) else {
                continue;
            };
            if !matches!(
                l.ty,
                TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool | TypeRef::Named(_)
            ) {
                self.err(&pp, format!("query parameter `{}` must be a scalar or an enum (arrays and objects in the query are not supported)", data.name));
                continue;
            }
            if let TypeRef::Named(n) = &l.ty {
                if matches!(self.types.get(n).map(|t| &t.kind), Some(TypeKind::Struct(_))) {
                    self.err(
                        &pp,
                        format!("query parameter `{}` must be a scalar or an enum, not an object", data.name),
                    );
                    continue;
                }
            }
            let region_default = l.region_default || ext_is(&data.extensions, "x-client-default", "region");
            let mut field_docs = Vec::new();
            if let Some(d) = &data.description {
                field_docs.push(d.trim().to_owned());
            } else {
                field_docs.extend(l.docs.iter().cloned());
            }
            field_docs.extend(l.notes.iter().cloned());
            if let Some(Value::String(why)) = data.extensions.get("x-unverified") {
                field_docs.push(format!("**Unverified:** {why}"));
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
            let rbp = join(pointer, "requestBody");
            if let Some(body) = self.resolve_body(rb, &rbp) {
                has_body = true;
                let json = body.content.iter().find(|(ct, _)| is_json(ct));
                for (ct, _) in &body.content {
                    if !is_json(ct) {
                        self.err(&join(&join(&rbp, "content"), ct), format!("request content type `{ct}` is not supported: only application/json (no multipart or form uploads)"));
                    }
                }
                match json.and_then(|(ct, mt)| mt.schema.as_ref().map(|s| (ct, s))) {
                    None => self.err(&rbp, "request body needs `content: application/json: schema: ...`"),
                    Some((ct, s)) => {
                        let sp = join(&join(&join(&rbp, "content"), ct), "schema");
                        self.lower_body(sref(s), &sp, &type_prefix, &mut fields);
                    }
                }
            }
        }

        // Field names must be unique after case conversion.
        let mut seen: HashMap<String, String> = HashMap::new();
        for f in &fields {
            if let Some(prev) = seen.insert(f.rust_name.clone(), f.wire_name.clone()) {
                let msg = if prev == f.wire_name {
                    format!(
                        "parameter `{}` appears twice (query and body?): names must be unique per operation",
                        f.wire_name
                    )
                } else {
                    format!("`{}` and `{prev}` both become the Rust field `{}`: rename one", f.wire_name, f.rust_name)
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
        })
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
        let Some(rust_name) = snake(wire) else {
            self.err(pointer, format!("name `{wire}` has no characters usable in a Rust identifier"));
            return None;
        };
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
        Some(Field { wire_name: wire.to_owned(), rust_name, ty, required, nullable, region_default, location, docs })
    }

    fn resolve_param(&mut self, p: &'a ReferenceOr<Parameter>, pointer: &str) -> Option<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                let found = name.and_then(|n| self.spec.components.as_ref()?.parameters.get(n));
                match found {
                    Some(ReferenceOr::Item(p)) => Some(p),
                    Some(ReferenceOr::Reference { .. }) => {
                        self.err(
                            pointer,
                            format!("`{reference}` points to another reference: chains are not supported"),
                        );
                        None
                    }
                    None => {
                        self.err(pointer, format!("`$ref: {reference}` does not resolve: expected `#/components/parameters/<name>` of an existing parameter"));
                        None
                    }
                }
            }
        }
    }

    fn resolve_body(&mut self, rb: &'a ReferenceOr<RequestBody>, pointer: &str) -> Option<&'a RequestBody> {
        match rb {
            ReferenceOr::Item(b) => Some(b),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/");
                let found = name.and_then(|n| self.spec.components.as_ref()?.request_bodies.get(n));
                match found {
                    Some(ReferenceOr::Item(b)) => Some(b),
                    _ => {
                        self.err(pointer, format!("`$ref: {reference}` does not resolve to a request body in `#/components/requestBodies`"));
                        None
                    }
                }
            }
        }
    }

    /// Flattens the body object's properties into request fields.
    fn lower_body(&mut self, s: SRef<'a>, pointer: &str, type_prefix: &str, fields: &mut Vec<Field>) {
        let (schema, sp) = match s {
            SRef::Inline(schema) => (schema, pointer.to_owned()),
            SRef::Ref(r) => match self.deref_schema(r, pointer) {
                Some((schema, p)) => (schema, p),
                None => return,
            },
        };
        let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
            self.err(&sp, "a request body must be an object with `properties`");
            return;
        };
        if obj.additional_properties.is_some() {
            self.err(&sp, "`additionalProperties` on a request body is not supported: list the properties");
        }
        for r in &obj.required {
            if !obj.properties.contains_key(r) {
                self.err(&join(&sp, "required"), format!("required property `{r}` is not defined in `properties`"));
            }
        }
        for (name, prop) in &obj.properties {
            let pp = join(&join(&sp, "properties"), name);
            let hint = format!("{type_prefix}{}", pascal(name).unwrap_or_default());
            let Some(l) = self.lower_schema(sref_box(prop), &pp, &hint, Module::Operations) else {
                continue;
            };
            let mut docs = l.docs.clone();
            docs.extend(l.notes.iter().cloned());
            let required = obj.required.contains(name);
            if let Some(f) =
                self.make_field(name, l.ty, required, l.nullable, l.region_default, Location::Body, docs, &pp)
            {
                fields.push(f);
            }
        }
    }

    fn deref_schema(&mut self, reference: &str, pointer: &str) -> Option<(&'a Schema, String)> {
        let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) else {
            self.err(
                pointer,
                format!(
                    "`$ref: {reference}` is not supported: only local `#/components/schemas/<name>` references are"
                ),
            );
            return None;
        };
        match self.component(name) {
            Some(ReferenceOr::Item(s)) => Some((s, join("/components/schemas", name))),
            Some(ReferenceOr::Reference { reference: r2 }) => {
                let r2 = r2.clone();
                self.deref_schema(&r2, &join("/components/schemas", name))
            }
            None => {
                self.err(
                    pointer,
                    format!("`$ref: {reference}` does not resolve: there is no schema `{name}` in components"),
                );
                None
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
        let rp = join(&rp, code);
        let resp = match resp {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/");
                match name.and_then(|n| self.spec.components.as_ref()?.responses.get(n)) {
                    Some(ReferenceOr::Item(r)) => r,
                    _ => {
                        self.err(
                            &rp,
                            format!("`$ref: {reference}` does not resolve to a response in `#/components/responses`"),
                        );
                        return None;
                    }
                }
            }
        };
        let Some((ct, mt)) = resp.content.iter().find(|(ct, _)| is_json(ct)) else {
            self.err(&rp, "the success response needs `content: application/json: schema: ...`");
            return None;
        };
        let sp = join(&join(&join(&rp, "content"), ct), "schema");
        let Some(schema) = &mt.schema else {
            self.err(&sp, "missing schema");
            return None;
        };
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
            match member {
                ReferenceOr::Reference { reference } if *reference == envelope_ref => has_envelope = true,
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. })
                    if payload_schema.is_none() =>
                {
                    match o.properties.get(&payload) {
                        Some(p) => {
                            payload_schema =
                                Some((sref_box(p), join(&join(&join(&join(&sp, "allOf"), i), "properties"), &payload)))
                        }
                        None => {
                            self.err(
                                &join(&join(&sp, "allOf"), i),
                                format!("missing property `{payload}`: {pattern_msg}"),
                            );
                            return None;
                        }
                    }
                }
                _ => {
                    self.err(&join(&join(&sp, "allOf"), i), pattern_msg);
                    return None;
                }
            }
        }
        let (Some((ps, pp)), true) = (payload_schema, has_envelope) else {
            self.err(&sp, pattern_msg);
            return None;
        };
        let l = self.lower_schema(ps, &pp, &format!("{type_prefix}Response"), Module::Operations)?;
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
    fn lower_schema(&mut self, s: SRef<'a>, pointer: &str, hint: &str, module: Module) -> Option<Lowered> {
        match s {
            SRef::Ref(r) => self.lower_component_ref(r, pointer),
            SRef::Inline(schema) => self.lower_inline(schema, pointer, hint, module),
        }
    }

    fn lower_component_ref(&mut self, reference: &str, pointer: &str) -> Option<Lowered> {
        let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) else {
            self.err(
                pointer,
                format!(
                    "`$ref: {reference}` is not supported: only local `#/components/schemas/<name>` references are"
                ),
            );
            return None;
        };
        match self.components.get(name) {
            Some(ComponentState::Done(l)) => return Some(l.clone()),
            Some(ComponentState::InProgress(ty)) => {
                return Some(Lowered {
                    ty: ty.clone(),
                    nullable: false,
                    docs: vec![],
                    notes: vec![],
                    region_default: false,
                })
            }
            None => {}
        }
        let Some(schema) = self.component(name) else {
            self.err(
                pointer,
                format!("`$ref: {reference}` does not resolve: there is no schema `{name}` in components"),
            );
            return None;
        };
        let cp = join("/components/schemas", name);
        let Some(type_name) = pascal(name) else {
            self.err(&cp, format!("schema name `{name}` has no characters usable in a Rust type name"));
            return None;
        };
        self.components.insert(name.to_owned(), ComponentState::InProgress(TypeRef::Named(type_name.clone())));
        let result = match sref(schema) {
            SRef::Ref(r) => self.lower_component_ref(r, &cp),
            SRef::Inline(s) => self.lower_inline_named(s, &cp, &type_name, Module::Model),
        };
        match &result {
            Some(l) => {
                self.components.insert(name.to_owned(), ComponentState::Done(l.clone()));
            }
            None => {
                self.components.remove(name);
            }
        }
        result
    }

    fn lower_inline(&mut self, schema: &'a Schema, pointer: &str, hint: &str, module: Module) -> Option<Lowered> {
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
        self.lower_inline_named(schema, pointer, &name, module)
    }

    /// Lowers a schema; enums and objects become a named type called `name`.
    fn lower_inline_named(&mut self, schema: &'a Schema, pointer: &str, name: &str, module: Module) -> Option<Lowered> {
        let data = &schema.schema_data;
        let mut docs: Vec<String> = Vec::new();
        if let Some(d) = &data.description {
            docs.push(d.trim().to_owned());
        }
        let mut notes = Vec::new();
        if let Some(v) = data.extensions.get("x-unverified") {
            match v.as_str() {
                Some(why) => notes.push(format!("**Unverified:** {why}")),
                None => self.err(&join(pointer, "x-unverified"), "`x-unverified` must be a string saying why"),
            }
        }
        let region_default = ext_is(&data.extensions, "x-client-default", "region");
        if let Some(d) = &data.default {
            notes.push(format!("Default: `{}`.", compact(d)));
        }
        let out = |ty: TypeRef, extra: Vec<String>| {
            let mut n = extra;
            n.extend(notes.iter().cloned());
            Some(Lowered { ty, nullable: data.nullable, docs: docs.clone(), notes: n, region_default })
        };
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                if let [only] = all_of.as_slice() {
                    // The OpenAPI 3.0 idiom for annotating a `$ref`: `allOf: [$ref]` + siblings.
                    let inner = self.lower_schema(sref(only), &join(&join(pointer, "allOf"), 0), name, module)?;
                    let mut l = inner;
                    l.nullable |= data.nullable;
                    if !docs.is_empty() {
                        l.docs = docs;
                    }
                    l.notes.extend(notes);
                    l.region_default |= region_default;
                    Some(l)
                } else {
                    self.err(pointer, "`allOf` with several members is only supported as the response envelope pattern; merge the objects by hand");
                    None
                }
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
                if all_scalar {
                    out(TypeRef::Scalar, vec!["Sent by the server as a string or a number; kept as text.".into()])
                } else {
                    self.err(
                        pointer,
                        "`oneOf` is only supported over inline scalar types (string/integer/number/boolean)",
                    );
                    None
                }
            }
            SchemaKind::AnyOf { .. } => {
                self.err(pointer, "`anyOf` is not supported");
                None
            }
            SchemaKind::Not { .. } => {
                self.err(pointer, "`not` is not supported");
                None
            }
            SchemaKind::Any(a) => {
                let empty = a.typ.is_none()
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.enumeration.is_empty()
                    && a.one_of.is_empty()
                    && a.all_of.is_empty()
                    && a.any_of.is_empty()
                    && a.not.is_none()
                    && a.additional_properties.is_none();
                if empty {
                    out(TypeRef::Json, vec![])
                } else {
                    let what = a
                        .typ
                        .as_deref()
                        .map(|t| format!("type `{t}`"))
                        .unwrap_or_else(|| "a schema without `type`".into());
                    self.err(pointer, format!("{what} combined with keywords that do not belong to it (check `type` against `properties`/`items`/`minimum`/`enum`...): unsupported or invalid schema"));
                    None
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
                    if let VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) = st.format {
                        self.err(pointer, "`format: binary` (file upload) is not supported");
                        return None;
                    }
                    if st.enumeration.is_empty() {
                        out(TypeRef::String, extra)
                    } else {
                        let values: Vec<Option<String>> = st.enumeration.clone();
                        self.string_enum(schema, pointer, name, module, &values)?;
                        out(TypeRef::Named(name.to_owned()), extra)
                    }
                }
                Type::Integer(it) => {
                    let ty = match it.format {
                        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => {
                            TypeRef::I64
                        }
                        VariantOrUnknownOrEmpty::Unknown(ref f) => {
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
                        out(ty, extra)
                    } else {
                        let values = it.enumeration.clone();
                        self.int_enum(schema, pointer, name, module, &values)?;
                        out(TypeRef::Named(name.to_owned()), extra)
                    }
                }
                Type::Number(nt) => {
                    if !nt.enumeration.is_empty() {
                        self.err(pointer, "`enum` on a number is not supported: use an integer or string enum");
                        return None;
                    }
                    out(TypeRef::F64, vec![])
                }
                Type::Boolean(_) => out(TypeRef::Bool, vec![]),
                Type::Array(at) => {
                    let Some(items) = &at.items else {
                        self.err(pointer, "an array needs `items`");
                        return None;
                    };
                    let item =
                        self.lower_schema(sref_box(items), &join(pointer, "items"), &format!("{name}Item"), module)?;
                    let mut extra = Vec::new();
                    match (at.min_items, at.max_items) {
                        (Some(a), Some(b)) => extra.push(format!("{a}–{b} items.")),
                        (None, Some(b)) => extra.push(format!("At most {b} items.")),
                        (Some(a), None) => extra.push(format!("At least {a} items.")),
                        (None, None) => {}
                    }
                    out(TypeRef::Vec(Box::new(item.ty)), extra)
                }
                Type::Object(ot) => {
                    if ot.properties.is_empty() {
                        if let Some(ap) = &ot.additional_properties {
                            let value = match ap {
                                AdditionalProperties::Any(true) => TypeRef::Json,
                                AdditionalProperties::Any(false) => {
                                    self.struct_type(schema, pointer, name, module)?;
                                    return out(TypeRef::Named(name.to_owned()), vec![]);
                                }
                                AdditionalProperties::Schema(s) => {
                                    self.lower_schema(
                                        sref(s),
                                        &join(pointer, "additionalProperties"),
                                        &format!("{name}Value"),
                                        module,
                                    )?
                                    .ty
                                }
                            };
                            return out(TypeRef::Map(Box::new(value)), vec![]);
                        }
                    } else if matches!(ot.additional_properties, Some(AdditionalProperties::Schema(_))) {
                        self.err(
                            pointer,
                            "an object with both `properties` and an `additionalProperties` schema is not supported",
                        );
                        return None;
                    }
                    self.struct_type(schema, pointer, name, module)?;
                    out(TypeRef::Named(name.to_owned()), vec![])
                }
            },
        }
    }

    fn register(&mut self, def: TypeDef) -> Option<()> {
        if let Some(prev) = self.types.get(&def.name) {
            if prev.pointer != def.pointer {
                let msg = format!(
                    "type name `{}` is produced both here and at {}: give one of them a distinct `title` or rename the schema",
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
        if let Some(d) = &schema.schema_data.description {
            docs.push(d.trim().to_owned());
        }
        if let Some(Value::String(why)) = schema.schema_data.extensions.get("x-unverified") {
            docs.push(format!("**Unverified:** {why}"));
        }
        docs
    }

    fn varnames(&mut self, schema: &Schema, pointer: &str, count: usize) -> (Option<Vec<String>>, Vec<String>) {
        let ext = &schema.schema_data.extensions;
        let names = ext.get("x-enum-varnames").map(|v| {
            v.as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>())
                .unwrap_or_default()
        });
        if let Some(n) = &names {
            if n.len() != count {
                self.err(
                    &join(pointer, "x-enum-varnames"),
                    format!("`x-enum-varnames` has {} names for {count} enum values", n.len()),
                );
            }
            for (i, v) in n.iter().enumerate() {
                if !is_ident(v) || !v.starts_with(|c: char| c.is_ascii_uppercase()) {
                    self.err(
                        &join(&join(pointer, "x-enum-varnames"), i),
                        format!("`{v}` is not an UpperCamelCase Rust identifier"),
                    );
                }
            }
        }
        let descs = ext
            .get("x-enum-descriptions")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default();
        (names, descs)
    }

    fn string_enum(
        &mut self,
        schema: &Schema,
        pointer: &str,
        name: &str,
        module: Module,
        values: &[Option<String>],
    ) -> Option<()> {
        let (names, descs) = self.varnames(schema, pointer, values.len());
        let mut variants: Vec<Variant<String>> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else {
                // `null` in an enum list: the field is nullable; nothing to generate.
                continue;
            };
            let rust = match names.as_ref().and_then(|n| n.get(i)) {
                Some(n) => n.clone(),
                None => pascal(v).unwrap_or_else(|| format!("Value{i}")),
            };
            if rust == "Unknown" {
                self.err(&join(&join(pointer, "enum"), i), format!("enum value `{v}` becomes the variant `Unknown`, reserved for unknown values: add `x-enum-varnames`"));
                ok = false;
                continue;
            }
            if let Some(prev) = seen.insert(rust.clone(), v.clone()) {
                self.err(
                    &join(&join(pointer, "enum"), i),
                    format!("enum values `{prev}` and `{v}` both become the variant `{rust}`: add `x-enum-varnames`"),
                );
                ok = false;
                continue;
            }
            let docs = descs
                .get(i)
                .filter(|d| !d.is_empty())
                .map(|d| vec![format!("`{v}`: {d}")])
                .unwrap_or_else(|| vec![format!("`{v}`")]);
            variants.push(Variant { rust_name: rust, value: v.clone(), docs });
        }
        if !ok {
            return None;
        }
        if variants.is_empty() {
            self.err(&join(pointer, "enum"), "an enum needs at least one non-null value");
            return None;
        }
        let docs = self.type_docs(schema);
        self.register(TypeDef {
            name: name.to_owned(),
            docs,
            kind: TypeKind::StringEnum(variants),
            pointer: pointer.to_owned(),
            module,
            request_side: false,
        })
    }

    fn int_enum(
        &mut self,
        schema: &Schema,
        pointer: &str,
        name: &str,
        module: Module,
        values: &[Option<i64>],
    ) -> Option<()> {
        let (names, descs) = self.varnames(schema, pointer, values.len());
        let mut variants = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
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
                self.err(
                    &join(&join(pointer, "enum"), i),
                    format!("enum value `{v}` gives a duplicate or reserved variant `{rust}`"),
                );
                ok = false;
                continue;
            }
            let docs = descs
                .get(i)
                .filter(|d| !d.is_empty())
                .map(|d| vec![format!("`{v}`: {d}")])
                .unwrap_or_else(|| vec![format!("`{v}`")]);
            variants.push(Variant { rust_name: rust, value: *v, docs });
        }
        if !ok {
            return None;
        }
        let docs = self.type_docs(schema);
        self.register(TypeDef {
            name: name.to_owned(),
            docs,
            kind: TypeKind::IntEnum(variants),
            pointer: pointer.to_owned(),
            module,
            request_side: false,
        })
    }

    fn struct_type(&mut self, schema: &'a Schema, pointer: &str, name: &str, module: Module) -> Option<()> {
        let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
            return None;
        };
        if self.types.contains_key(name) {
            // Re-entrant reference (recursive schema) or the same inline schema lowered twice.
            return self.register(TypeDef {
                name: name.to_owned(),
                docs: vec![],
                kind: TypeKind::Struct(vec![]),
                pointer: pointer.to_owned(),
                module,
                request_side: false,
            });
        }
        // Register a placeholder first so recursive references terminate.
        self.register(TypeDef {
            name: name.to_owned(),
            docs: vec![],
            kind: TypeKind::Struct(vec![]),
            pointer: pointer.to_owned(),
            module,
            request_side: false,
        })?;
        for r in &obj.required {
            if !obj.properties.contains_key(r) {
                self.err(&join(pointer, "required"), format!("required property `{r}` is not defined in `properties`"));
            }
        }
        let mut fields = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for (pname, prop) in &obj.properties {
            let pp = join(&join(pointer, "properties"), pname);
            let hint = format!("{name}{}", pascal(pname).unwrap_or_default());
            let Some(l) = self.lower_schema(sref_box(prop), &pp, &hint, module) else { continue };
            let Some(rust_name) = snake(pname) else {
                self.err(&pp, format!("property `{pname}` has no characters usable in a Rust identifier"));
                continue;
            };
            if let Some(prev) = seen.insert(rust_name.clone(), pname.clone()) {
                self.err(
                    &pp,
                    format!("properties `{prev}` and `{pname}` both become the Rust field `{rust_name}`: rename one"),
                );
                continue;
            }
            let mut docs = l.docs.clone();
            docs.extend(l.notes.iter().cloned());
            fields.push(Field {
                wire_name: pname.clone(),
                rust_name,
                ty: l.ty,
                required: obj.required.contains(pname),
                nullable: l.nullable,
                region_default: false,
                location: Location::Body,
                docs,
            });
        }
        let docs = self.type_docs(schema);
        if let Some(t) = self.types.get_mut(name) {
            t.docs = docs;
            t.kind = TypeKind::Struct(fields);
        }
        Some(())
    }

    fn mark_request_side(&mut self, operations: &[Operation]) {
        let mut stack: Vec<String> = Vec::new();
        fn push_named(t: &TypeRef, stack: &mut Vec<String>) {
            match t {
                TypeRef::Named(n) => stack.push(n.clone()),
                TypeRef::Vec(i) | TypeRef::Map(i) => push_named(i, stack),
                _ => {}
            }
        }
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
