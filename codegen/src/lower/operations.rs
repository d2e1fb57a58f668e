//! Operations: parameters, request bodies and the enveloped success response.

use std::collections::HashMap;

use openapiv3::{
    AdditionalProperties, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema, SchemaKind,
    StatusCode, Type,
};
use serde_json::Value;

use super::{ext_is, is_json, sref, sref_box, unescape, Lowerer, SRef};
use crate::diag::join;
use crate::ir::{Field, Location, Method, Operation, TypeKind, TypeRef};
use crate::names::{is_snake_ident, pascal, snake, CLIENT_METHODS};
use crate::raw::Kind;

/// What a request field is besides its name, type and docs.
#[derive(Clone, Copy)]
pub(super) struct FieldSpec {
    pub(super) required: bool,
    pub(super) nullable: bool,
    pub(super) region_default: bool,
    pub(super) location: Location,
}

impl<'a> Lowerer<'a> {
    /// One GET or POST operation: its names, docs, request fields, body, output and paging.
    pub(super) fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        path_params: &'a [ReferenceOr<Parameter>],
        pointer: &str,
    ) -> Option<Operation> {
        self.keys(pointer, Kind::Operation);
        let (operation_id, method_name, type_prefix) = self.operation_names(op, pointer)?;
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
        let method = if method == "get" { Method::Get } else { Method::Post };
        let docs = self.operation_docs(op, pointer);
        let idempotent = self.idempotent(op, pointer, method);

        let mut fields: Vec<Field> = Vec::new();
        for (p, pp, component) in self.parameters(op, path_params, pointer) {
            fields.extend(self.lower_parameter(p, &pp, component.as_deref(), &type_prefix));
        }
        let has_body = self.lower_request_body(op, pointer, &type_prefix, &mut fields);
        self.check_field_names(&fields, pointer);

        let output = self.lower_response(op, pointer, &type_prefix)?;
        let pagination = self.read_pagination(op, pointer, &fields, &output);
        Some(Operation {
            operation_id,
            method_name,
            request_type: format!("{type_prefix}Request"),
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

    /// The operationId, the client method it becomes and the prefix of its type names.
    fn operation_names(&mut self, op: &openapiv3::Operation, pointer: &str) -> Option<(String, String, String)> {
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
        Some((operation_id, method_name, type_prefix))
    }

    /// Doc paragraphs of an operation: summary, description, `x-unverified`.
    fn operation_docs(&mut self, op: &openapiv3::Operation, pointer: &str) -> Vec<String> {
        let mut docs = Vec::new();
        if let Some(s) = &op.summary {
            docs.push(s.trim().to_owned());
        }
        if let Some(d) = &op.description {
            docs.push(d.trim().to_owned());
        }
        docs.extend(self.unverified(&op.extensions, pointer));
        docs
    }

    /// `x-idempotent`, by default true for GET only.
    fn idempotent(&mut self, op: &openapiv3::Operation, pointer: &str, method: Method) -> bool {
        match op.extensions.get("x-idempotent") {
            None => method == Method::Get,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.err(&join(pointer, "x-idempotent"), "`x-idempotent` must be true or false");
                method == Method::Get
            }
        }
    }

    /// The parameters of an operation: path-level ones first, overridden by operation-level ones
    /// of the same name and location. Each is (parameter, pointer of its definition, component
    /// name if a `$ref`).
    fn parameters(
        &mut self,
        op: &'a openapiv3::Operation,
        path_params: &'a [ReferenceOr<Parameter>],
        pointer: &str,
    ) -> Vec<(&'a Parameter, String, Option<String>)> {
        let mut params: Vec<(&'a Parameter, String, Option<String>)> = Vec::new();
        let item_pointer = pointer.rsplit_once('/').map(|x| x.0).unwrap_or(pointer).to_owned();
        for (list, list_pointer) in
            [(path_params, join(&item_pointer, "parameters")), (&op.parameters[..], join(pointer, "parameters"))]
        {
            let mut seen: HashMap<(String, &'static str), String> = HashMap::new();
            for (i, p) in list.iter().enumerate() {
                let use_pointer = join(&list_pointer, i);
                let Some((p, def_pointer, component)) = self.resolve_param(p, &use_pointer) else { continue };
                let key = (p.parameter_data_ref().name.clone(), param_location(p));
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
        params
    }

    /// A query parameter as a request field (`pp`: its definition's pointer).
    fn lower_parameter(
        &mut self,
        p: &'a Parameter,
        pp: &str,
        component: Option<&str>,
        type_prefix: &str,
    ) -> Option<Field> {
        let data = p.parameter_data_ref();
        let schema = self.query_schema(p, pp)?;
        let prefix = component.and_then(pascal).unwrap_or_else(|| type_prefix.to_owned());
        let hint = format!(
            "{prefix}{}",
            if component.is_some() { String::new() } else { pascal(&data.name).unwrap_or_default() }
        );
        let l = self.lower_schema(schema, &join(pp, "schema"), &hint)?;
        if !self.is_query_scalar(&l.ty) {
            self.err(
                &join(pp, "schema"),
                format!(
                    "query parameter `{}` must be a string, number, integer, boolean or enum: arrays, objects, \
                     maps and `oneOf` have no agreed query encoding",
                    data.name
                ),
            );
            return None;
        }
        let region_default = l.region_default || ext_is(&data.extensions, "x-client-default", "region");
        let mut docs = Vec::new();
        match &data.description {
            Some(d) => docs.push(d.trim().to_owned()),
            None => docs.extend(l.docs.iter().cloned()),
        }
        docs.extend(l.notes.iter().cloned());
        docs.extend(self.unverified(&data.extensions, pp));
        if data.deprecated == Some(true) {
            docs.push("**Deprecated.**".to_owned());
        }
        let sent_default = self.sent_default(&data.extensions, &l.ty, data.required, &join(pp, "x-sent-default"));
        let field =
            FieldSpec { required: data.required, nullable: l.nullable, region_default, location: Location::Query };
        let mut field = self.make_field(&data.name, l.ty, field, docs, pp)?;
        field.sent_default = sent_default;
        Some(field)
    }

    /// The schema of a query parameter; other locations and `content` are reported.
    fn query_schema(&mut self, p: &'a Parameter, pp: &str) -> Option<SRef<'a>> {
        let data = p.parameter_data_ref();
        let refused = match p {
            Parameter::Query { .. } => None,
            Parameter::Header { .. } => Some(format!(
                "header parameter `{}` is not supported: the runtime owns all headers (signing); \
                 pass the value in the query or body",
                data.name
            )),
            Parameter::Path { .. } => {
                Some(format!("path parameter `{}` is not supported: path templating is not supported", data.name))
            }
            Parameter::Cookie { .. } => {
                Some(format!("cookie parameter `{}` is not supported: pass the value in the query or body", data.name))
            }
        };
        if let Some(msg) = refused {
            self.err(&join(pp, "in"), msg);
            return None;
        }
        match &data.format {
            ParameterSchemaOrContent::Schema(s) => Some(sref(s)),
            ParameterSchemaOrContent::Content(_) => {
                self.err(
                    &join(pp, "content"),
                    format!("parameter `{}` uses `content`: only `schema` is supported", data.name),
                );
                None
            }
        }
    }

    /// Whether a query parameter of this type has an agreed encoding (scalars and enums).
    fn is_query_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => true,
            TypeRef::Named(n) => !matches!(self.types.get(n).map(|t| &t.kind), Some(TypeKind::Struct(_))),
            _ => false,
        }
    }

    /// Lowers the JSON request body, if any, into `fields`; returns whether there is one.
    fn lower_request_body(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &str,
        type_prefix: &str,
        fields: &mut Vec<Field>,
    ) -> bool {
        let Some(rb) = &op.request_body else { return false };
        let Some((body, rbp)) = self.resolve_body(rb, &join(pointer, "requestBody")) else { return false };
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
        match body.content.iter().filter(|(ct, _)| is_json(ct)).min_by(|a, b| a.0.cmp(b.0)) {
            None if body.content.is_empty() => {
                self.err(&rbp, "request body needs `content: application/json: schema: ...`");
            }
            None => {}
            Some((ct, mt)) => {
                let mp = join(&content, ct);
                self.keys(&mp, Kind::MediaType);
                match &mt.schema {
                    None => self.err(&mp, "request body needs `content: application/json: schema: ...`"),
                    Some(s) => self.lower_body(sref(s), &join(&mp, "schema"), type_prefix, fields),
                }
            }
        }
        true
    }

    /// Field names must be unique after case conversion.
    fn check_field_names(&mut self, fields: &[Field], pointer: &str) {
        let location = |l: Location| if l == Location::Query { "query" } else { "body" };
        let mut seen: HashMap<&str, (&str, Location)> = HashMap::new();
        for f in fields {
            let Some((prev, loc)) = seen.insert(&f.rust_name, (&f.wire_name, f.location)) else { continue };
            let msg = if prev == f.wire_name {
                format!(
                    "`{}` is both a {} parameter and a {} property: both would be the Rust field `{}`; give one `x-rust-name`",
                    f.wire_name,
                    location(loc),
                    location(f.location),
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

    /// The Rust field name of a parameter or property: `x-rust-name` at `pointer`, else the
    /// snake-cased wire name.
    pub(super) fn field_name(&mut self, wire: &str, pointer: &str) -> Option<String> {
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

    /// A request field, after the checks that apply to request fields only.
    pub(super) fn make_field(
        &mut self,
        wire: &str,
        ty: TypeRef,
        spec: FieldSpec,
        docs: Vec<String>,
        pointer: &str,
    ) -> Option<Field> {
        let FieldSpec { required, nullable, region_default, location } = spec;
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
        Some(Field {
            wire_name: wire.to_owned(),
            rust_name,
            ty,
            required,
            nullable,
            region_default,
            sent_default: None,
            location,
            docs,
        })
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
        let start = fields.len();
        for prop in &shape.props {
            let hint = format!("{}{}", prop.owner, pascal(&prop.name).unwrap_or_default());
            let Some(l) = self.lower_schema(prop.schema, &prop.pointer, &hint) else {
                continue;
            };
            let mut docs = l.docs.clone();
            docs.extend(l.notes.iter().cloned());
            let required = shape.required.iter().any(|(r, _)| *r == prop.name);
            let spec = FieldSpec {
                required,
                nullable: l.nullable,
                region_default: l.region_default,
                location: Location::Body,
            };
            if let Some(f) = self.make_field(&prop.name, l.ty, spec, docs, &prop.pointer) {
                fields.push(f);
            }
        }
        super::structs::order_by_required(&mut fields[start..], &shape.required);
    }

    /// The output type: the payload of the enveloped success response.
    fn lower_response(&mut self, op: &'a openapiv3::Operation, pointer: &str, type_prefix: &str) -> Option<TypeRef> {
        let (resp, rp, component) = self.success_response(op, pointer)?;
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
        let (ps, pp) = self.envelope_payload(schema, &sp)?;
        let hint = match component.as_deref().and_then(pascal) {
            Some(c) => c,
            None => format!("{type_prefix}Response"),
        };
        let l = self.lower_schema(ps, &pp, &hint)?;
        Some(l.ty)
    }

    /// The one 2xx response: (response, pointer of its definition, component name if a `$ref`).
    fn success_response(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Option<(&'a Response, String, Option<String>)> {
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
        let use_pointer = join(&rp, code);
        let reference = match resp {
            ReferenceOr::Item(r) => return Some((r, use_pointer, None)),
            ReferenceOr::Reference { reference } => reference,
        };
        self.keys(&use_pointer, Kind::Response);
        let name = reference.strip_prefix("#/components/responses/").map(unescape);
        match (name.as_deref().and_then(|n| self.spec.components.as_ref()?.responses.get(n)), name.clone()) {
            (Some(ReferenceOr::Item(r)), Some(n)) => Some((r, join("/components/responses", &n), Some(n))),
            _ => {
                self.err(
                    &join(&use_pointer, "$ref"),
                    format!("`$ref: {reference}` does not resolve to a response in `#/components/responses`"),
                );
                None
            }
        }
    }

    /// The payload schema inside the success schema `allOf: [{$ref: <envelope>}, {properties:
    /// {<payload>: ...}}]`, with its pointer.
    fn envelope_payload(&mut self, schema: &'a ReferenceOr<Schema>, sp: &str) -> Option<(SRef<'a>, String)> {
        let (envelope_ref, payload) = self.envelope.clone()?;
        let pattern_msg = format!(
            "the success schema must be `allOf: [{{$ref: \"{envelope_ref}\"}}, {{type: object, properties: {{{payload}: <payload schema>}}}}]`"
        );
        let ReferenceOr::Item(Schema { schema_kind: SchemaKind::AllOf { all_of }, .. }) = schema else {
            self.err(sp, pattern_msg);
            return None;
        };
        let mut has_envelope = false;
        let mut payload_schema = None;
        for (i, member) in all_of.iter().enumerate() {
            let memp = join(&join(sp, "allOf"), i);
            self.keys(&memp, Kind::Schema);
            match member {
                ReferenceOr::Reference { reference } if *reference == envelope_ref => has_envelope = true,
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. })
                    if payload_schema.is_none() =>
                {
                    let Some(p) = o.properties.get(&payload) else {
                        self.err(&memp, format!("missing property `{payload}`: {pattern_msg}"));
                        return None;
                    };
                    payload_schema = Some((sref_box(p), join(&join(&memp, "properties"), &payload)));
                }
                _ => {
                    self.err(&memp, pattern_msg);
                    return None;
                }
            }
        }
        match (payload_schema, has_envelope) {
            (Some(found), true) => Some(found),
            _ => {
                self.err(sp, pattern_msg);
                None
            }
        }
    }
}

/// `in` of a parameter.
fn param_location(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}
