//! Lint of `spec/ctimage.yaml` beyond what the generator needs: every operation is documented
//! (operationId, summary, tags, the envelope success response), every `$ref` resolves, no
//! component is unused, idempotency and paging are marked as the runtime expects, waiters are
//! well formed, and every operation's method, path and parameters (location and required flag)
//! match the facts, transcribed independently of the spec in `tests/data/operations.csv`.
//!
//! [`lint`] returns the list of problems instead of panicking, so the `seeded_*` tests can plant a
//! mistake in the parsed spec and check that it is reported.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Schema, SchemaKind, StatusCode, Type};
use serde_json::{json, Value};

const ENVELOPE: &str = "#/components/schemas/Envelope";
const PAYLOAD: &str = "returnObj";
/// Reads sent as POST (everything else that is a POST mutates).
const READ_POSTS: &[&str] = &["listImageTasks"];
/// Operations that must carry `x-pagination`.
const PAGED: &[&str] = &["listImages", "listImageShares", "listImportTasks", "listImageTasks"];
/// Waiters the runtime relies on.
const WAITERS: &[&str] = &["imageActive", "imageDeleted", "imageDeactivated"];

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn load_spec() -> OpenAPI {
    let text = std::fs::read_to_string(root().join("spec/ctimage.yaml")).expect("read spec/ctimage.yaml");
    serde_yaml::from_str(&text).expect("spec/ctimage.yaml is a valid OpenAPI 3.0 document")
}

/// One row of `tests/data/operations.csv`.
#[derive(Clone, Debug)]
struct Row {
    op: String,
    method: String,
    path: String,
    param: String,
    location: String,
    required: bool,
}

fn load_table() -> Vec<Row> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/operations.csv"))
        .expect("read tests/data/operations.csv");
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("operationId,") {
            continue;
        }
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        assert_eq!(cols.len(), 6, "operations.csv line {}: expected 6 columns: {line}", i + 1);
        assert!(matches!(cols[4], "query" | "body"), "operations.csv line {}: location `{}`", i + 1, cols[4]);
        assert!(matches!(cols[5], "Y" | "N"), "operations.csv line {}: required `{}`", i + 1, cols[5]);
        rows.push(Row {
            op: cols[0].into(),
            method: cols[1].into(),
            path: cols[2].into(),
            param: cols[3].into(),
            location: cols[4].into(),
            required: cols[5] == "Y",
        });
    }
    rows
}

/// An operation's shape as the spec declares it.
struct SpecOp<'a> {
    method: String,
    path: String,
    op: &'a Operation,
    /// name → (location, required)
    params: BTreeMap<String, (String, bool)>,
    has_body: bool,
}

fn operations(spec: &OpenAPI) -> Vec<(String, String, &Operation)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        if let ReferenceOr::Item(item) = item {
            for (m, op) in item.iter() {
                out.push((m.to_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

fn resolve_param<'a>(spec: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match spec.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn resolve_schema<'a>(spec: &'a OpenAPI, s: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match s {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            resolve_schema(spec, spec.components.as_ref()?.schemas.get(name)?)
        }
    }
}

fn request_body<'a>(spec: &'a OpenAPI, op: &'a Operation) -> Option<&'a RequestBody> {
    match op.request_body.as_ref()? {
        ReferenceOr::Item(b) => Some(b),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            match spec.components.as_ref()?.request_bodies.get(name)? {
                ReferenceOr::Item(b) => Some(b),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// Reads the operations of the spec, reporting unnamed or duplicate ones.
fn spec_ops<'a>(spec: &'a OpenAPI, problems: &mut Vec<String>) -> BTreeMap<String, SpecOp<'a>> {
    let mut ops = BTreeMap::new();
    for (method, path, op) in operations(spec) {
        let Some(id) = op.operation_id.clone() else {
            problems.push(format!("{method} {path}: missing operationId"));
            continue;
        };
        let mut params = BTreeMap::new();
        for p in &op.parameters {
            let Some(p) = resolve_param(spec, p) else { continue };
            let loc = match p {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            let d = p.parameter_data_ref();
            params.insert(d.name.clone(), (loc.to_owned(), d.required));
        }
        let body = request_body(spec, op);
        if let Some(b) = body {
            let schema = b.content.get("application/json").and_then(|mt| mt.schema.as_ref());
            match schema.and_then(|s| resolve_schema(spec, s)).map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::Object(obj))) => {
                    for name in obj.properties.keys() {
                        if let Some((loc, _)) = params.get(name) {
                            problems.push(format!("{id}: parameter `{name}` is both in the {loc} and in the body"));
                        }
                        params.insert(name.clone(), ("body".to_owned(), obj.required.contains(name)));
                    }
                }
                _ => problems.push(format!("{id}: the request body must be an application/json object schema")),
            }
        }
        let has_body = op.request_body.is_some();
        let entry = SpecOp { method: method.clone(), path: path.clone(), op, params, has_body };
        if let Some(prev) = ops.insert(id.clone(), entry) {
            problems.push(format!("{id}: duplicate operationId (also {} {})", prev.method, prev.path));
        }
    }
    ops
}

/// Every problem found in `spec` against the facts `table`. Empty means clean.
fn lint(spec: &OpenAPI, table: &[Row]) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = serde_json::to_value(spec).expect("the spec serializes to JSON");
    let ops = spec_ops(spec, &mut problems);
    let declared_tags: BTreeSet<&str> = spec.tags.iter().map(|t| t.name.as_str()).collect();

    // Documentation, response, idempotency, paging.
    for (id, o) in &ops {
        let op = o.op;
        if op.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
            problems.push(format!("{id}: missing summary"));
        }
        if op.tags.is_empty() {
            problems.push(format!("{id}: missing tags"));
        }
        for t in &op.tags {
            if !declared_tags.contains(t.as_str()) {
                problems.push(format!("{id}: tag `{t}` is not declared in the top-level `tags`"));
            }
        }
        check_envelope_response(id, op, &mut problems);
        let read = o.method == "GET" || READ_POSTS.contains(&id.as_str());
        match (read, op.extensions.get("x-idempotent")) {
            (true, Some(Value::Bool(true))) => {}
            (true, _) => problems.push(format!("{id}: a read must say `x-idempotent: true` explicitly")),
            (false, Some(Value::Bool(true))) => {
                problems.push(format!("{id}: a mutation must not be marked `x-idempotent: true`"));
            }
            (false, None | Some(Value::Bool(false))) => {}
            (false, Some(v)) => problems.push(format!("{id}: `x-idempotent` must be a boolean, got {v}")),
        }
        match (PAGED.contains(&id.as_str()), op.extensions.get("x-pagination")) {
            (true, None) => problems.push(format!("{id}: a paged operation needs `x-pagination`")),
            (false, Some(_)) => problems.push(format!("{id}: `x-pagination` on an operation that is not paged")),
            (true, Some(p)) => {
                for key in ["pageParam", "sizeParam", "items"] {
                    if !p.get(key).is_some_and(Value::is_string) {
                        problems.push(format!("{id}: `x-pagination.{key}` must be a string"));
                    }
                }
                for key in ["pageParam", "sizeParam"] {
                    if let Some(name) = p.get(key).and_then(Value::as_str) {
                        if !o.params.contains_key(name) {
                            problems.push(format!("{id}: `x-pagination.{key}` names `{name}`, not a parameter"));
                        }
                    }
                }
            }
            (false, None) => {}
        }
        // Every parameter and body property says what it is.
        for (i, p) in op.parameters.iter().enumerate() {
            if let Some(p) = resolve_param(spec, p) {
                let d = p.parameter_data_ref();
                let schema_doc = match &d.format {
                    openapiv3::ParameterSchemaOrContent::Schema(s) => {
                        described(&doc, &serde_json::to_value(s).unwrap_or_default())
                    }
                    _ => false,
                };
                if d.description.as_deref().is_none_or(|s| s.trim().is_empty()) && !schema_doc {
                    problems.push(format!("{id}: parameter {i} `{}` has no description", d.name));
                }
            }
        }
        if let Some(schema) = request_body(spec, op)
            .and_then(|b| b.content.get("application/json"))
            .and_then(|mt| mt.schema.as_ref())
            .and_then(|s| resolve_schema(spec, s))
        {
            if let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind {
                for (name, prop) in &obj.properties {
                    if !described(&doc, &serde_json::to_value(prop).unwrap_or_default()) {
                        problems.push(format!("{id}: body property `{name}` has no description"));
                    }
                }
            }
        }
    }

    // Method, path and parameters against the facts.
    let mut facts: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in table {
        facts.entry(r.op.as_str()).or_default().push(r);
    }
    for (id, rows) in &facts {
        let Some(o) = ops.get(*id) else {
            problems.push(format!("{id}: missing operation ({} {})", rows[0].method, rows[0].path));
            continue;
        };
        if o.method != rows[0].method || o.path != rows[0].path {
            problems.push(format!(
                "{id}: is {} {} in the spec, the facts say {} {}",
                o.method, o.path, rows[0].method, rows[0].path
            ));
        }
        for r in rows {
            match o.params.get(&r.param) {
                None => problems.push(format!("{id}: missing parameter `{}` ({})", r.param, r.location)),
                Some((loc, _)) if *loc != r.location => problems
                    .push(format!("{id}: parameter `{}` is in the {loc}, the facts say {}", r.param, r.location)),
                Some((_, req)) if *req != r.required => problems
                    .push(format!("{id}: parameter `{}` has required = {req}, the facts say {}", r.param, r.required)),
                Some(_) => {}
            }
        }
        for name in o.params.keys() {
            if !rows.iter().any(|r| &r.param == name) {
                problems.push(format!("{id}: parameter `{name}` is not in the facts"));
            }
        }
        let facts_body = rows.iter().any(|r| r.location == "body");
        if facts_body != o.has_body {
            problems.push(if o.has_body {
                format!("{id}: has a request body, but the facts put no parameter in the body")
            } else {
                format!("{id}: has no request body, but the facts put parameters in the body")
            });
        }
        if o.has_body && !request_body(spec, o.op).is_some_and(|b| b.required) {
            problems.push(format!("{id}: the request body must be `required: true`"));
        }
    }
    for (id, o) in &ops {
        if !facts.contains_key(id.as_str()) {
            problems.push(format!("{id}: operation {} {} is not in the facts table", o.method, o.path));
        }
    }

    check_refs(&doc, &mut problems);
    check_unused(&doc, &mut problems);
    check_unverified(&doc, "", &mut problems);
    check_waiters(spec, &ops, &mut problems);
    problems
}

/// A schema (as JSON) documents itself, through its `$ref`, or through `allOf: [$ref]`.
fn described(doc: &Value, s: &Value) -> bool {
    if s.get("description").and_then(Value::as_str).is_some_and(|d| !d.trim().is_empty()) {
        return true;
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.strip_prefix('#').and_then(|p| doc.pointer(p)).is_some_and(|t| described(doc, t));
    }
    if let Some([only]) = s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return described(doc, only);
    }
    false
}

fn check_envelope_response(id: &str, op: &Operation, problems: &mut Vec<String>) {
    let Some(resp) = op.responses.responses.get(&StatusCode::Code(200)) else {
        problems.push(format!("{id}: missing the `200` envelope response"));
        return;
    };
    let ReferenceOr::Item(resp) = resp else {
        problems.push(format!("{id}: the `200` response must be written inline"));
        return;
    };
    if resp.description.trim().is_empty() {
        problems.push(format!("{id}: the `200` response has no description"));
    }
    let schema = resp.content.get("application/json").and_then(|mt| mt.schema.as_ref());
    let ok = match schema {
        Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::AllOf { all_of }, .. })) => {
            let envelope =
                all_of.iter().any(|m| matches!(m, ReferenceOr::Reference { reference } if reference == ENVELOPE));
            let payload = all_of.iter().find_map(|m| match m {
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. }) => {
                    o.properties.get(PAYLOAD)
                }
                _ => None,
            });
            envelope && payload.is_some()
        }
        _ => false,
    };
    if !ok {
        problems.push(format!(
            "{id}: the `200` response must be `allOf: [{{$ref: {ENVELOPE}}}, {{type: object, properties: {{{PAYLOAD}: ...}}}}]`"
        ));
    }
}

/// Every `$ref` string, with the JSON pointer where it occurs.
fn refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    if let Value::String(r) = x {
                        out.push((r.clone(), at.to_owned()));
                    }
                } else {
                    refs(x, &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                refs(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn check_refs(doc: &Value, problems: &mut Vec<String>) {
    let mut all = Vec::new();
    refs(doc, "", &mut all);
    if let Some(s) = doc.pointer("/x-envelope/schema").and_then(Value::as_str) {
        all.push((s.to_owned(), "/x-envelope/schema".into()));
    }
    for (r, at) in all {
        let target = r.strip_prefix('#').and_then(|p| doc.pointer(p));
        if target.is_none() {
            problems.push(format!("`$ref: {r}` at {at} does not resolve"));
        }
    }
}

/// Components not reachable from the paths (or the envelope) are dead weight.
fn check_unused(doc: &Value, problems: &mut Vec<String>) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut start = Vec::new();
    refs(doc.get("paths").unwrap_or(&Value::Null), "/paths", &mut start);
    if let Some(s) = doc.pointer("/x-envelope/schema").and_then(Value::as_str) {
        start.push((s.to_owned(), String::new()));
    }
    queue.extend(start.into_iter().map(|(r, _)| r));
    while let Some(r) = queue.pop_front() {
        if !seen.insert(r.clone()) {
            continue;
        }
        if let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            let mut more = Vec::new();
            refs(target, "", &mut more);
            queue.extend(more.into_iter().map(|(r, _)| r));
        }
    }
    for kind in ["schemas", "parameters"] {
        if let Some(Value::Object(m)) = doc.pointer(&format!("/components/{kind}")) {
            for name in m.keys() {
                let r = format!("#/components/{kind}/{name}");
                if !seen.contains(&r) {
                    problems.push(format!("unused component `{r}`: nothing references it"));
                }
            }
        }
    }
}

/// `x-unverified` is always a non-empty string saying why.
fn check_unverified(v: &Value, at: &str, problems: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                if k == "x-unverified" && x.as_str().is_none_or(|s| s.trim().is_empty()) {
                    problems.push(format!("`x-unverified` at {here} must be a non-empty string saying why"));
                }
                check_unverified(x, &here, problems);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_unverified(x, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// `x-waiters`: each names an existing operation, a delay and acceptors with a valid state and
/// exactly one matcher.
fn check_waiters(spec: &OpenAPI, ops: &BTreeMap<String, SpecOp<'_>>, problems: &mut Vec<String>) {
    let Some(waiters) = spec.extensions.get("x-waiters").and_then(Value::as_object) else {
        problems.push("missing top-level `x-waiters`".into());
        return;
    };
    for w in WAITERS {
        if !waiters.contains_key(*w) {
            problems.push(format!("x-waiters: missing waiter `{w}`"));
        }
    }
    for (name, w) in waiters {
        if w.get("summary").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            problems.push(format!("x-waiters.{name}: missing summary"));
        }
        match w.get("operation").and_then(Value::as_str) {
            Some(op) if ops.contains_key(op) => {}
            other => {
                problems.push(format!("x-waiters.{name}: `operation` {other:?} is not an operationId of the spec"));
            }
        }
        let (min, max) =
            (w.pointer("/delay/min").and_then(Value::as_u64), w.pointer("/delay/max").and_then(Value::as_u64));
        if !matches!((min, max), (Some(a), Some(b)) if a >= 1 && a <= b) {
            problems.push(format!("x-waiters.{name}: `delay` must be {{min, max}} seconds with 1 ≤ min ≤ max"));
        }
        let Some(acceptors) = w.get("acceptors").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
            problems.push(format!("x-waiters.{name}: needs a non-empty `acceptors` list"));
            continue;
        };
        for (i, a) in acceptors.iter().enumerate() {
            let at = format!("x-waiters.{name}.acceptors[{i}]");
            if !matches!(a.get("state").and_then(Value::as_str), Some("success" | "failure" | "retry")) {
                problems.push(format!("{at}: `state` must be success, failure or retry"));
            }
            let path = a.get("path").map(|p| p.as_str().is_some_and(|s| !s.is_empty()));
            let equals =
                a.get("equals").map(|e| e.as_array().is_some_and(|l| !l.is_empty() && l.iter().all(Value::is_string)));
            let empty = a.get("empty").map(|e| *e == json!(true));
            let code = a.get("errorCode").map(|c| c.as_str().is_some_and(|s| !s.is_empty()));
            let matchers = [
                path == Some(true) && equals == Some(true) && empty.is_none() && code.is_none(),
                path == Some(true) && empty == Some(true) && equals.is_none() && code.is_none(),
                code == Some(true) && path.is_none() && equals.is_none() && empty.is_none(),
            ];
            if matchers.iter().filter(|m| **m).count() != 1 {
                problems.push(format!(
                    "{at}: needs exactly one matcher: `path` + `equals` (non-empty list of strings), `path` + `empty: true`, or `errorCode`"
                ));
            }
            if let Some(k) = a.as_object().and_then(|m| {
                m.keys().find(|k| !["state", "path", "equals", "empty", "errorCode"].contains(&k.as_str())).cloned()
            }) {
                problems.push(format!("{at}: unknown key `{k}`"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[test]
fn spec_passes_lint() {
    let problems = lint(&load_spec(), &load_table());
    assert!(problems.is_empty(), "spec/ctimage.yaml has {} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn facts_table_lists_the_27_operations() {
    let table = load_table();
    let mut by_op: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut seen_params = BTreeSet::new();
    for r in &table {
        let prev = by_op.insert(&r.op, (&r.method, &r.path));
        if let Some(prev) = prev {
            assert_eq!(prev, (r.method.as_str(), r.path.as_str()), "{}: rows disagree on method/path", r.op);
        }
        assert!(seen_params.insert((&r.op, &r.param)), "{}: parameter `{}` listed twice", r.op, r.param);
        assert!(r.path.starts_with("/v4/image/"), "{}: {}", r.op, r.path);
        assert!(matches!(r.method.as_str(), "GET" | "POST"), "{}: {}", r.op, r.method);
    }
    assert_eq!(by_op.len(), 27, "{:?}", by_op.keys());
    let paths: BTreeSet<_> = by_op.values().collect();
    assert_eq!(paths.len(), 27, "two operations share a method and path");
    // Every operation takes the region.
    for op in by_op.keys() {
        assert!(table.iter().any(|r| r.op == *op && r.param == "regionID" && r.required), "{op}: no regionID");
    }
}

// Seeded mistakes: each must be reported.

fn op_mut<'a>(spec: &'a mut OpenAPI, id: &str) -> &'a mut Operation {
    for item in spec.paths.paths.values_mut() {
        if let ReferenceOr::Item(item) = item {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ]
            .into_iter()
            .flatten()
            {
                if op.operation_id.as_deref() == Some(id) {
                    return op;
                }
            }
        }
    }
    panic!("no operation {id}")
}

/// Parses a YAML fragment into the type the assignment expects.
macro_rules! from_yaml {
    ($yaml:expr $(,)?) => {
        serde_yaml::from_str($yaml).unwrap()
    };
}

fn assert_reported(problems: &[String], needles: &[&str]) {
    assert!(
        problems.iter().any(|p| needles.iter().all(|n| p.contains(n))),
        "expected a problem mentioning {needles:?}, got:\n{}",
        problems.join("\n")
    );
}

#[test]
fn seeded_param_moved_from_query_to_body() {
    let mut spec = load_spec();
    let op = op_mut(&mut spec, "deactivateImage");
    op.parameters.retain(|p| !matches!(p, ReferenceOr::Item(p) if p.parameter_data_ref().name == "imageID"));
    op.request_body = Some(from_yaml!(
        r#"
required: true
content:
  application/json:
    schema:
      type: object
      required: [imageID]
      properties:
        imageID: {type: string, description: The image.}
"#,
    ));
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["deactivateImage", "`imageID`", "in the body", "facts say query"]);
    assert_reported(&problems, &["deactivateImage", "has a request body"]);
}

#[test]
fn seeded_param_moved_from_body_to_query() {
    let mut spec = load_spec();
    let op = op_mut(&mut spec, "deleteImage");
    op.request_body = None;
    op.parameters
        .push(from_yaml!("{name: imageID, in: query, required: true, description: x, schema: {type: string}}"));
    op.parameters.push(from_yaml!("{$ref: '#/components/parameters/RegionIdQuery'}"));
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["deleteImage", "`imageID`", "in the query", "facts say body"]);
    assert_reported(&problems, &["deleteImage", "has no request body"]);
}

#[test]
fn seeded_missing_summary() {
    let mut spec = load_spec();
    op_mut(&mut spec, "getImage").summary = None;
    assert_reported(&lint(&spec, &load_table()), &["getImage", "missing summary"]);
}

#[test]
fn seeded_missing_tags_and_bad_response() {
    let mut spec = load_spec();
    let op = op_mut(&mut spec, "shareImage");
    op.tags.clear();
    op.responses = from_yaml!(
        r##"
"200":
  description: bare
  content:
    application/json:
      schema: {$ref: "#/components/schemas/EmptyResult"}
"##,
    );
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["shareImage", "missing tags"]);
    assert_reported(&problems, &["shareImage", "`200` response must be `allOf"]);
}

#[test]
fn seeded_unused_component() {
    let mut spec = load_spec();
    spec.components.as_mut().unwrap().schemas.insert("Orphan".into(), from_yaml!("{type: string, description: x}"));
    spec.components
        .as_mut()
        .unwrap()
        .parameters
        .insert("OrphanParam".into(), from_yaml!("{name: x, in: query, schema: {type: string}}"));
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["unused component", "#/components/schemas/Orphan`"]);
    assert_reported(&problems, &["unused component", "#/components/parameters/OrphanParam`"]);
}

#[test]
fn seeded_component_used_only_by_an_unused_component() {
    let mut spec = load_spec();
    let schemas = &mut spec.components.as_mut().unwrap().schemas;
    // A component referenced only from an unreachable component is unused too.
    schemas.insert("Leaf".into(), from_yaml!("{type: string, description: x}"));
    schemas.insert(
        "Orphan".into(),
        from_yaml!("{type: object, description: x, properties: {leaf: {$ref: '#/components/schemas/Leaf'}}}"),
    );
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["unused component", "#/components/schemas/Leaf`"]);
}

#[test]
fn seeded_broken_ref() {
    let mut spec = load_spec();
    op_mut(&mut spec, "listImages").parameters[0] = from_yaml!("{$ref: '#/components/parameters/Nope'}");
    op_mut(&mut spec, "getImage").responses = from_yaml!(
        r##"
"200":
  description: x
  content:
    application/json:
      schema:
        allOf:
          - $ref: "#/components/schemas/Envelope"
          - type: object
            properties:
              returnObj: {$ref: "#/components/schemas/ImageListTypo"}
"##,
    );
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["#/components/parameters/Nope", "does not resolve"]);
    assert_reported(&problems, &["#/components/schemas/ImageListTypo", "does not resolve"]);
    // ...and the parameter it hid is missing.
    assert_reported(&problems, &["listImages", "missing parameter `regionID`"]);
}

#[test]
fn seeded_wrong_path_and_method() {
    let mut spec = load_spec();
    let item = spec.paths.paths.shift_remove("/v4/image/detail").unwrap();
    spec.paths.paths.insert("/v4/image/details".into(), item);
    let ReferenceOr::Item(item) = spec.paths.paths.get_mut("/v4/image/list-tasks").unwrap() else { panic!() };
    item.get = item.post.take();
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["getImage", "GET /v4/image/details", "facts say GET /v4/image/detail"]);
    assert_reported(&problems, &["listImageTasks", "GET /v4/image/list-tasks", "facts say POST"]);
}

#[test]
fn seeded_required_flag_and_extra_param() {
    let mut spec = load_spec();
    let op = op_mut(&mut spec, "listImportTasks");
    op.parameters.push(from_yaml!("{name: imageID, in: query, description: x, schema: {type: string}}"));
    let op = op_mut(&mut spec, "listImageShares");
    op.parameters[1] =
        from_yaml!("{name: imageID, in: query, required: false, description: x, schema: {type: string}}");
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["listImportTasks", "`imageID` is not in the facts"]);
    assert_reported(&problems, &["listImageShares", "`imageID` has required = false"]);
}

#[test]
fn seeded_missing_and_unknown_operation() {
    let mut spec = load_spec();
    op_mut(&mut spec, "rejectSharedImage").operation_id = Some("declineSharedImage".into());
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["rejectSharedImage", "missing operation"]);
    assert_reported(&problems, &["declineSharedImage", "not in the facts table"]);
}

#[test]
fn seeded_idempotency_and_paging_marks() {
    let mut spec = load_spec();
    op_mut(&mut spec, "deleteImage").extensions.insert("x-idempotent".into(), json!(true));
    op_mut(&mut spec, "listImageTasks").extensions.shift_remove("x-idempotent");
    op_mut(&mut spec, "listImportTasks").extensions.shift_remove("x-pagination");
    op_mut(&mut spec, "listImageShares")
        .extensions
        .insert("x-pagination".into(), json!({"pageParam": "page", "sizeParam": "pageSize", "items": "images"}));
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["deleteImage", "mutation must not be marked"]);
    assert_reported(&problems, &["listImageTasks", "read must say `x-idempotent: true`"]);
    assert_reported(&problems, &["listImportTasks", "needs `x-pagination`"]);
    assert_reported(&problems, &["listImageShares", "`x-pagination.pageParam` names `page`"]);
}

#[test]
fn seeded_undocumented_parameter_and_bad_unverified() {
    let mut spec = load_spec();
    let op = op_mut(&mut spec, "getImage");
    op.parameters[1] =
        from_yaml!("{name: imageID, in: query, required: true, schema: {type: string}, x-unverified: true}");
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["getImage", "`imageID` has no description"]);
    assert_reported(&problems, &["`x-unverified`", "must be a non-empty string"]);
}

#[test]
fn seeded_bad_waiters() {
    let mut spec = load_spec();
    let w = spec.extensions.get_mut("x-waiters").unwrap().as_object_mut().unwrap();
    w.remove("imageDeleted");
    w.insert(
        "broken".into(),
        json!({
            "summary": "x",
            "operation": "describeImage",
            "delay": {"min": 30, "max": 5},
            "acceptors": [
                {"state": "done", "errorCode": "X"},
                {"state": "success", "path": "images", "equals": ["a"], "errorCode": "Y"},
                {"state": "failure", "path": "images"}
            ]
        }),
    );
    let problems = lint(&spec, &load_table());
    assert_reported(&problems, &["missing waiter `imageDeleted`"]);
    assert_reported(&problems, &["x-waiters.broken", "describeImage"]);
    assert_reported(&problems, &["x-waiters.broken", "delay"]);
    assert_reported(&problems, &["x-waiters.broken.acceptors[0]", "state"]);
    assert_reported(&problems, &["x-waiters.broken.acceptors[1]", "exactly one matcher"]);
    assert_reported(&problems, &["x-waiters.broken.acceptors[2]", "exactly one matcher"]);
}
