//! The vendor extensions that describe more than a type: `x-envelope`, `x-pagination`,
//! `x-waiters`, `x-waiter` and `x-error-codes`. Each is read into a derived `Deserialize` shape (an unknown key
//! or a value of the wrong type is a located error), then checked against the lowered IR.

use indexmap::IndexMap;
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;

use super::{unescape, Lowerer, SCHEMA_PREFIX};
use crate::diag::join;
use crate::ir::{
    Acceptor, AcceptorState, ErrorCodeDef, Field, FieldRef, Matcher, Operation, Pagination, SentDefault, TypeKind,
    TypeRef, Waiter, WaiterUse,
};
use crate::names::snake;
use crate::raw;

/// `x-envelope: {schema: <$ref>, payload: <member name>}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvelopeExt {
    schema: String,
    payload: String,
}

/// `x-pagination` of an operation (wire names).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PaginationExt {
    page_param: String,
    size_param: String,
    items: String,
    total_pages: Option<String>,
    total_count: Option<String>,
}

/// One entry of the top-level `x-waiters`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiterExt {
    summary: Option<String>,
    description: Option<String>,
    operation: String,
    #[serde(default)]
    delay: DelayExt,
    acceptors: Vec<AcceptorExt>,
}

/// `delay: {min, max}` in seconds.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DelayExt {
    min: Option<f64>,
    max: Option<f64>,
}

/// One acceptor of a waiter: a state and exactly one matcher.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AcceptorExt {
    state: StateExt,
    path: Option<String>,
    equals: Option<Vec<String>>,
    empty: Option<bool>,
    error_code: Option<String>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum StateExt {
    Success,
    Failure,
    Retry,
}

/// `x-waiter` of an operation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct WaiterUseExt {
    waiter: String,
    #[serde(default)]
    from_response: IndexMap<String, String>,
}

/// One entry of the top-level `x-error-codes` list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorCodeExt {
    code: String,
    name: String,
    description: String,
    /// operationIds known to return it; absent = any operation.
    #[serde(default)]
    operations: Vec<String>,
}

const ERROR_CODES_SHAPE: &str = "`x-error-codes` is a list of `{code, name: <PascalCase>, description, \
     operations?: [<operationId>]}` (no `operations`: any operation may return the code)";
const ENVELOPE_SHAPE: &str = "`x-envelope` needs string fields `schema` and `payload`";
const PAGINATION_SHAPE: &str =
    "`x-pagination` needs `pageParam`, `sizeParam` and `items` (plus optional `totalPages`, `totalCount`)";
const WAITER_SHAPE: &str =
    "a waiter is `{summary?, description?, operation: <operationId>, delay?: {min, max}, acceptors: [..]}`";
const WAITER_USE_SHAPE: &str = "`x-waiter` must be `{waiter: <name in x-waiters>, fromResponse: {<field>: <path>}}`";

impl Lowerer<'_> {
    /// `x-sent-default` on a query parameter: the value the client sends when the caller leaves
    /// the (optional) field unset. A boolean or an integer of the parameter's type.
    pub(super) fn sent_default(
        &mut self,
        extensions: &IndexMap<String, serde_json::Value>,
        ty: &TypeRef,
        required: bool,
        pointer: &str,
    ) -> Option<SentDefault> {
        let value = extensions.get("x-sent-default")?;
        if required {
            self.err(
                pointer,
                "`x-sent-default` is for optional parameters: a required one is always set by the caller",
            );
            return None;
        }
        let fits = |n: i64| *ty == TypeRef::I64 || i32::try_from(n).is_ok();
        match (ty, value) {
            (TypeRef::Bool, serde_json::Value::Bool(b)) => Some(SentDefault::Bool(*b)),
            (TypeRef::I32 | TypeRef::I64, serde_json::Value::Number(n)) if n.as_i64().is_some_and(fits) => {
                n.as_i64().map(SentDefault::Int)
            }
            _ => {
                self.err(
                    pointer,
                    format!(
                        "`x-sent-default: {value}` must be a value of the parameter's type, which must be a \
                         boolean or an integer"
                    ),
                );
                None
            }
        }
    }

    /// Deserializes the extension at `pointer`. A problem is reported where serde found it: at
    /// `pointer` itself with `shape`, deeper with `shape` and serde's explanation.
    pub(super) fn read_ext<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        &mut self,
        value: D,
        pointer: &str,
        shape: &str,
    ) -> Option<T> {
        match serde_path_to_error::deserialize::<D, T>(value) {
            Ok(t) => Some(t),
            Err(e) => {
                let at = crate::spec::path_to_pointer(pointer, e.path());
                let msg = if at == pointer {
                    shape.to_owned()
                } else {
                    format!("{shape}: {}", crate::diag::humanize_serde(&e.inner().to_string()))
                };
                self.err(&at, msg);
                None
            }
        }
    }

    /// The fields of the struct `t` names, if it is one.
    pub(super) fn struct_fields(&self, t: &TypeRef) -> &[Field] {
        match t {
            TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(f)) => f,
                _ => &[],
            },
            _ => &[],
        }
    }

    /// Top-level `x-envelope`: (schema reference, payload member name).
    pub(super) fn read_envelope(&mut self) -> Option<(String, String)> {
        let Some(v) = self.spec.extensions.get("x-envelope") else {
            self.err("", "missing `x-envelope: {schema: \"#/components/schemas/<Envelope>\", payload: returnObj}` at the top level: the runtime unwraps every response from that envelope");
            return None;
        };
        let EnvelopeExt { schema: s, payload } = self.read_ext(v, "/x-envelope", ENVELOPE_SHAPE)?;
        let Some(name) = s.strip_prefix(SCHEMA_PREFIX) else {
            self.err("/x-envelope/schema", format!("`{s}` must be a `#/components/schemas/...` reference"));
            return None;
        };
        if self.component(&unescape(name)).is_none() {
            self.err("/x-envelope/schema", format!("`{s}` does not resolve: no schema `{name}` in components"));
            return None;
        }
        Some((s, payload))
    }

    /// `x-pagination` of an operation, checked against its request `fields` and `output`.
    pub(super) fn read_pagination(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
        fields: &[Field],
        output: &TypeRef,
    ) -> Option<Pagination> {
        let v = op.extensions.get("x-pagination")?;
        let pp = join(pointer, "x-pagination");
        let ext: PaginationExt = self.read_ext(v, &pp, PAGINATION_SHAPE)?;
        let is_int = |t: &TypeRef| matches!(t, TypeRef::I32 | TypeRef::I64);
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut request = |key: &str, wire: &str| match fields.iter().find(|f| f.wire_name == wire) {
            Some(f) if is_int(&f.ty) => {
                Some(FieldRef { rust_name: f.rust_name.clone(), ty: f.ty.clone(), optional: f.optional_in_request() })
            }
            _ => {
                let msg = format!("`{wire}` must name an integer request parameter of the operation");
                problems.push((join(&pp, key), msg));
                None
            }
        };
        let page = request("pageParam", &ext.page_param);
        let size = request("sizeParam", &ext.size_param);
        let out_fields = self.struct_fields(output);
        let mut response = |key: &str, wire: &str, ok: &dyn Fn(&TypeRef) -> bool, what: &str| match out_fields
            .iter()
            .find(|f| f.wire_name == wire)
        {
            Some(f) if ok(&f.ty) => {
                Some(FieldRef { rust_name: f.rust_name.clone(), ty: f.ty.clone(), optional: f.optional_in_model() })
            }
            _ => {
                problems.push((join(&pp, key), format!("`{wire}` must name {what} field of the response payload")));
                None
            }
        };
        let items = response("items", &ext.items, &|t| matches!(t, TypeRef::Vec(_)), "an array");
        let total = |t: &TypeRef| is_int(t) || *t == TypeRef::Scalar;
        let total_pages = ext.total_pages.as_deref().map(|w| response("totalPages", w, &total, "an integer"));
        let total_count = ext.total_count.as_deref().map(|w| response("totalCount", w, &total, "an integer"));
        let failed = !problems.is_empty();
        for (p, m) in problems {
            self.err(&p, m);
        }
        if failed {
            return None;
        }
        let items = items?;
        let TypeRef::Vec(item_type) = &items.ty else { return None };
        let item_type = (**item_type).clone();
        Some(Pagination {
            page: page?,
            size: size?,
            items,
            item_type,
            total_pages: total_pages.flatten(),
            total_count: total_count.flatten(),
        })
    }

    /// Reads top-level `x-waiters` once operations are known; sorted by name.
    /// `x-error-codes` (top level): the CTyun error codes the generated `ErrorCode` enum names,
    /// each with the operations known to return it (by operationId, checked).
    pub(super) fn read_error_codes(&mut self, operations: &[Operation]) -> Vec<ErrorCodeDef> {
        let Some(v) = self.spec.extensions.get("x-error-codes") else { return Vec::new() };
        let Some(list) = v.as_array() else {
            self.err("/x-error-codes", ERROR_CODES_SHAPE);
            return Vec::new();
        };
        let mut out: Vec<(usize, ErrorCodeDef)> = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let ep = join("/x-error-codes", i.to_string());
            let Some(ext) = self.read_ext::<_, ErrorCodeExt>(entry, &ep, ERROR_CODES_SHAPE) else { continue };
            if let Some(def) = self.lower_error_code(ext, &ep, operations, &out) {
                out.push((i, def));
            }
        }
        out.into_iter().map(|(_, d)| d).collect()
    }

    fn lower_error_code(
        &mut self,
        ext: ErrorCodeExt,
        ep: &str,
        operations: &[Operation],
        earlier: &[(usize, ErrorCodeDef)],
    ) -> Option<ErrorCodeDef> {
        let code = ext.code.trim();
        if code.is_empty() || code.chars().any(char::is_whitespace) {
            self.err(&join(ep, "code"), format!("error code `{code}` must be non-empty, without spaces"));
            return None;
        }
        if let Some((prev, _)) = earlier.iter().find(|(_, d)| d.code == code) {
            self.err(&join(ep, "code"), format!("duplicate error code `{code}` (also /x-error-codes/{prev})"));
            return None;
        }
        if !crate::names::is_pascal_ident(&ext.name) || ext.name == "Unknown" || ext.name == "Self" {
            self.err(
                &join(ep, "name"),
                format!("`{}` is not usable as a variant name: write PascalCase, not `Unknown`", ext.name),
            );
            return None;
        }
        if let Some((prev, _)) = earlier.iter().find(|(_, d)| d.rust_name == ext.name) {
            self.err(&join(ep, "name"), format!("duplicate name `{}` (also /x-error-codes/{prev})", ext.name));
            return None;
        }
        let mut methods = Vec::new();
        for (j, id) in ext.operations.iter().enumerate() {
            let Some(op) = operations.iter().find(|o| o.operation_id == *id) else {
                let at = join(&join(ep, "operations"), j.to_string());
                let ids: Vec<&str> = operations.iter().map(|o| o.operation_id.as_str()).collect();
                let hint =
                    crate::names::suggest(id, &ids).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                self.err(&at, format!("no operation has operationId `{id}`{hint}"));
                return None;
            };
            if !methods.contains(&op.method_name) {
                methods.push(op.method_name.clone());
            }
        }
        Some(ErrorCodeDef {
            code: code.to_owned(),
            rust_name: ext.name,
            docs: vec![ext.description.trim().to_owned()],
            operations: methods,
        })
    }

    pub(super) fn read_waiters(&mut self, operations: &[Operation]) -> Vec<Waiter> {
        let Some(v) = self.spec.extensions.get("x-waiters") else { return Vec::new() };
        let Some(map) = v.as_object() else {
            self.err("/x-waiters", "`x-waiters` must be a map of waiter name → definition");
            return Vec::new();
        };
        let mut out: Vec<Waiter> = Vec::new();
        for (name, def) in map {
            let wp = join("/x-waiters", name);
            let Some(snake_name) = self.waiter_name(name, &wp, operations, &out) else { continue };
            let Some(ext) = self.read_ext::<_, WaiterExt>(def, &wp, WAITER_SHAPE) else { continue };
            if let Some(w) = self.lower_waiter(name, &snake_name, ext, &wp, operations) {
                out.push(w);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The snake_case name of the waiter `name`, unless it is unusable or its method
    /// (`wait_until_<name>`) taken.
    fn waiter_name(&mut self, name: &str, wp: &str, operations: &[Operation], earlier: &[Waiter]) -> Option<String> {
        let Some(snake_name) = snake(name) else {
            self.err(wp, format!("waiter name `{name}` has no characters usable in a Rust name"));
            return None;
        };
        let method_name = format!("wait_until_{snake_name}");
        if let Some(prev) = earlier.iter().find(|w| w.method_name == method_name) {
            self.err(wp, format!("waiters `{}` and `{name}` both become `{method_name}`: rename one", prev.name));
            return None;
        }
        if operations.iter().any(|o| o.method_name == method_name) {
            self.err(wp, format!("waiter `{name}` becomes `{method_name}`, which an operation already uses"));
            return None;
        }
        Some(snake_name)
    }

    /// One waiter, checked against the operation it polls.
    fn lower_waiter(
        &mut self,
        name: &str,
        snake_name: &str,
        ext: WaiterExt,
        wp: &str,
        operations: &[Operation],
    ) -> Option<Waiter> {
        let op_id = &ext.operation;
        let Some(op) = operations.iter().find(|o| o.operation_id == *op_id) else {
            self.err(&join(wp, "operation"), format!("no operation has operationId `{op_id}`"));
            return None;
        };
        if !op.idempotent {
            self.err(&join(wp, "operation"), format!("`{op_id}` is not idempotent: a waiter may only poll a read"));
            return None;
        }
        let (min_delay_ms, max_delay_ms) = self.delays(&ext.delay, wp)?;
        if ext.acceptors.is_empty() {
            self.err(wp, "a waiter needs a non-empty `acceptors` list");
            return None;
        }
        let root_fields: Vec<&str> = self.struct_fields(&op.output).iter().map(|f| f.wire_name.as_str()).collect();
        let mut problems = Vec::new();
        let mut acceptors = Vec::new();
        for (i, a) in ext.acceptors.into_iter().enumerate() {
            let ap = join(&join(wp, "acceptors"), i);
            match acceptor(a, &root_fields, op_id) {
                Ok(a) => acceptors.push(a),
                Err((key, msg)) => problems.push((key.map_or(ap.clone(), |k| join(&ap, k)), msg)),
            }
        }
        if !problems.is_empty() {
            for (p, m) in problems {
                self.err(&p, m);
            }
            return None;
        }
        Some(Waiter {
            name: name.to_owned(),
            method_name: format!("wait_until_{snake_name}"),
            const_name: snake_name.to_uppercase(),
            docs: [ext.summary, ext.description].into_iter().flatten().map(|s| s.trim().to_owned()).collect(),
            operation_id: op.operation_id.clone(),
            request_type: op.request_type.clone(),
            output: op.output.clone(),
            min_delay_ms,
            max_delay_ms,
            acceptors,
        })
    }

    /// `delay` in milliseconds (defaults 5 and 30 seconds), each in (0, 3600] s, min ≤ max.
    fn delays(&mut self, delay: &DelayExt, wp: &str) -> Option<(u64, u64)> {
        let ms = |k: &str, v: Option<f64>, default: f64| match v.unwrap_or(default) {
            f if f > 0.0 && f <= 3600.0 => Ok((f * 1000.0) as u64),
            _ => Err(format!("`delay.{k}` must be a number of seconds in (0, 3600]")),
        };
        match (ms("min", delay.min, 5.0), ms("max", delay.max, 30.0)) {
            (Ok(a), Ok(b)) if a <= b => Some((a, b)),
            (Ok(_), Ok(_)) => {
                self.err(&join(wp, "delay"), "`delay.min` must not exceed `delay.max`");
                None
            }
            (Err(e), _) | (_, Err(e)) => {
                self.err(&join(wp, "delay"), e);
                None
            }
        }
    }

    /// Reads `x-waiter` of each operation: `{waiter: <x-waiters name>, fromResponse: {<polled
    /// request field>: <path in this operation's payload>}}`. Every required field of the polled
    /// request must come from the response map or from this operation's request (same wire
    /// name), or be filled from the client's region.
    pub(super) fn read_operation_waiters(&mut self, operations: &mut [Operation], waiters: &[Waiter]) {
        let polled: Vec<(String, Vec<Field>)> =
            operations.iter().map(|o| (o.operation_id.clone(), o.fields.clone())).collect();
        for op in operations.iter_mut() {
            let pointer = join(&op.pointer, "x-waiter");
            let Some(v) = raw::at(self.raw, &pointer) else { continue };
            let Some(ext) = self.read_ext::<_, WaiterUseExt>(v, &pointer, WAITER_USE_SHAPE) else { continue };
            let name = ext.waiter;
            let Some(w) = waiters.iter().find(|w| w.name == name) else {
                self.err(&join(&pointer, "waiter"), format!("`{name}` is not a waiter of the top-level `x-waiters`"));
                continue;
            };
            let polled_fields = polled.iter().find(|(id, _)| *id == w.operation_id).map(|(_, f)| f.as_slice());
            let from_response: Vec<(String, String)> = ext.from_response.into_iter().collect();
            self.check_waiter_inputs(op, w, polled_fields.unwrap_or_default(), &from_response, &pointer);
            op.waiter = Some(WaiterUse { waiter: name, from_response });
        }
    }

    /// Every required polled field is mapped or shared; every mapping is a polled field and a
    /// path of `op`'s payload.
    fn check_waiter_inputs(
        &mut self,
        op: &Operation,
        w: &Waiter,
        polled: &[Field],
        from_response: &[(String, String)],
        pointer: &str,
    ) {
        let name = &w.name;
        for f in polled {
            let mapped = from_response.iter().any(|(k, _)| *k == f.wire_name);
            let from_request = op.fields.iter().any(|o| o.wire_name == f.wire_name);
            if f.required && !f.region_default && !mapped && !from_request {
                self.err(
                    pointer,
                    format!(
                        "the waiter `{name}` polls `{}`, whose required `{}` is neither a field of this request \
                         nor mapped in `fromResponse`: add `fromResponse: {{{}: <path in returnObj>}}`",
                        w.operation_id, f.wire_name, f.wire_name
                    ),
                );
            }
        }
        for (k, path) in from_response {
            let kp = join(&join(pointer, "fromResponse"), k);
            if !self.path_in_type(&op.output, path) {
                self.err(
                    &kp,
                    format!(
                        "`{path}` is not a path of this operation's `returnObj` (wire names, `[n]` for list \
                         items, e.g. `images[0].imageID`)"
                    ),
                );
            }
            if !polled.iter().any(|f| f.wire_name == *k) {
                self.err(&kp, format!("`{k}` is not a field of `{}`, which the waiter `{name}` polls", w.operation_id));
            }
        }
    }

    /// Whether `path` (`a.b[0].c`, wire names) leads somewhere in a value of type `t`.
    fn path_in_type(&self, t: &TypeRef, path: &str) -> bool {
        let mut cur = t;
        for segment in path.split('.') {
            let Some((name, indexes)) = split_segment(segment) else { return false };
            if !name.is_empty() {
                let Some(f) = self.struct_fields(cur).iter().find(|f| f.wire_name == name) else { return false };
                cur = &f.ty;
            }
            for _ in 0..indexes {
                let TypeRef::Vec(inner) = cur else { return false };
                cur = inner;
            }
        }
        true
    }
}

/// An acceptor, or the key (none: the acceptor itself) and message of its problem.
fn acceptor(a: AcceptorExt, root_fields: &[&str], op_id: &str) -> Result<Acceptor, (Option<&'static str>, String)> {
    let state = match a.state {
        StateExt::Success => AcceptorState::Success,
        StateExt::Failure => AcceptorState::Failure,
        StateExt::Retry => AcceptorState::Retry,
    };
    let matcher = match (a.path, a.equals, a.empty, a.error_code) {
        (Some(_), Some(eq), None, None) if eq.is_empty() => {
            return Err((Some("equals"), "`equals` must be a non-empty list of strings".into()))
        }
        (Some(p), Some(eq), None, None) => Matcher::PathEquals(p, eq),
        (Some(p), None, Some(true), None) => Matcher::PathEmpty(p),
        (None, None, None, Some(code)) => Matcher::ErrorCode(code),
        _ => {
            let msg = "an acceptor needs exactly one of: `path` + `equals: [..]`, `path` + `empty: true`, `errorCode`";
            return Err((None, msg.into()));
        }
    };
    if let Matcher::PathEquals(p, _) | Matcher::PathEmpty(p) = &matcher {
        if !valid_path(p) {
            return Err((Some("path"), format!("path `{p}` must look like `field`, `field[0]` or `a[0].b`")));
        }
        let root = p.split(['.', '[']).next().unwrap_or("");
        if !root_fields.contains(&root) {
            return Err((Some("path"), format!("`{root}` is not a field of `{op_id}`'s payload")));
        }
    }
    Ok(Acceptor { state, matcher })
}

/// `name[0][1]` → (`name`, 2); `None` unless every index is a number in brackets.
fn split_segment(segment: &str) -> Option<(&str, usize)> {
    let (name, mut rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
    let mut indexes = 0;
    while let Some(r) = rest.strip_prefix('[') {
        let end = r.find(']')?;
        r[..end].parse::<usize>().ok()?;
        rest = &r[end + 1..];
        indexes += 1;
    }
    rest.is_empty().then_some((name, indexes))
}

/// `a`, `a[0]`, `a[0].b`, `a.b[1][2]`.
fn valid_path(p: &str) -> bool {
    !p.is_empty()
        && p.split('.').all(|seg| {
            split_segment(seg).is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
}
