//! The comparison: pairs operations, types, fields and enum values of two IRs and applies the
//! rules of [`super::RULES`]. A new rule is produced here with `self.push(...)` (or returned as a
//! [`Finding`] from a per-side check, so that types used on both sides get the stricter one).

use std::collections::{BTreeMap, BTreeSet};

use super::{rule, Change, Direction, OperationHeading, Report, Scope, Side, TypeHeading, Usage};
use crate::ir::{
    walk, Api, Field, Location, Module, Operation, Primary, SentDefault, TypeDef, TypeKind, TypeRef, Variant,
};

/// Where a named type is used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sides {
    request: bool,
    response: bool,
}

impl Sides {
    fn union(self, o: Sides) -> Sides {
        Sides { request: self.request || o.request, response: self.response || o.response }
    }

    fn direction(self) -> Direction {
        match (self.request, self.response) {
            (true, true) => Direction::Both,
            (true, false) => Direction::Request,
            (false, true) => Direction::Response,
            (false, false) => Direction::None,
        }
    }
}

/// Methods that reach each named type, per side.
#[derive(Default)]
struct Uses {
    request: BTreeMap<String, BTreeSet<String>>,
    response: BTreeMap<String, BTreeSet<String>>,
}

impl Uses {
    fn of(api: &Api) -> Uses {
        let mut u = Uses::default();
        for op in &api.operations {
            for t in walk::reachable(&api.types, walk::request_refs(op)) {
                u.request.entry(t).or_default().insert(op.method_name.clone());
            }
            for t in walk::reachable(&api.types, [&op.output]) {
                u.response.entry(t).or_default().insert(op.method_name.clone());
            }
        }
        u
    }

    fn sides(&self, name: &str) -> Sides {
        Sides { request: self.request.contains_key(name), response: self.response.contains_key(name) }
    }
}

/// The Rust spelling of a type, with bare type names.
fn rust(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Scalar => "Scalar".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Vec(i) => format!("Vec<{}>", rust(i)),
        TypeRef::CommaList => "Vec<String>".into(),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", rust(i)),
    }
}

fn rust_opt(t: &TypeRef, optional: bool) -> String {
    if optional {
        format!("Option<{}>", rust(t))
    } else {
        rust(t)
    }
}

fn module_path(t: &TypeDef) -> String {
    match t.module {
        Module::Model => format!("model::{}", t.name),
        Module::Operations => format!("operations::{}", t.name),
    }
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "a struct",
        TypeKind::StringEnum(_) => "a string enum",
        TypeKind::IntEnum(_) => "an integer enum",
    }
}

/// A finding of a per-side check, before it is pushed.
struct Finding {
    id: &'static str,
    message: String,
}

/// The stricter of a request-side and a response-side finding (ties: the request side).
fn stricter(req: Option<Finding>, resp: Option<Finding>) -> Option<Finding> {
    match (req, resp) {
        (Some(a), Some(b)) => Some(if rule(b.id).level > rule(a.id).level { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The struct a list of fields belongs to.
#[derive(Clone, Copy)]
enum Holder<'a> {
    /// An operation's request struct (`ListImagesRequest`); always has `new`.
    Request { name: &'a str },
    /// A named struct; it has `new` when request-side.
    Model { name: &'a str, old_ctor: bool, new_ctor: bool, sides: Sides },
}

impl Holder<'_> {
    fn name(&self) -> &str {
        match self {
            Holder::Request { name } | Holder::Model { name, .. } => name,
        }
    }

    fn optional(&self, f: &Field) -> bool {
        match self {
            Holder::Request { .. } => f.optional_in_request(),
            Holder::Model { .. } => f.optional_in_model(),
        }
    }

    fn sides(&self) -> Sides {
        match self {
            Holder::Request { .. } => Sides { request: true, response: false },
            Holder::Model { sides, .. } => *sides,
        }
    }

    /// `parameter` for query fields of a request struct, else `property`.
    fn noun(&self, f: &Field) -> &'static str {
        match (self, f.location) {
            (Holder::Request { .. }, Location::Query) => "parameter",
            _ => "property",
        }
    }

    fn what(&self, f: &Field) -> String {
        match (self, f.location) {
            (Holder::Request { .. }, Location::Query) => format!("query parameter `{}`", f.wire_name),
            (Holder::Request { .. }, Location::Body) => format!("body property `{}`", f.wire_name),
            (Holder::Model { .. }, _) => format!("property `{}`", f.wire_name),
        }
    }
}

fn req_id(noun: &str, suffix: &str) -> &'static str {
    let id = format!("request-{noun}-{suffix}");
    super::RULES.iter().find(|r| r.id == id).map(|r| r.id).unwrap_or_else(|| panic!("no rule `{id}`"))
}

fn new_req_id(required: bool, noun: &str) -> &'static str {
    match (required, noun) {
        (true, "parameter") => "new-required-request-parameter",
        (false, "parameter") => "new-optional-request-parameter",
        (true, _) => "new-required-request-property",
        (false, _) => "new-optional-request-property",
    }
}

struct Ctx<'a> {
    old: &'a Api,
    new: &'a Api,
    /// Old type name → new type name, for renamed types.
    renames: BTreeMap<String, String>,
    old_uses: Uses,
    new_uses: Uses,
    /// Old method name → new method name.
    op_renames: BTreeMap<String, String>,
    changes: Vec<Change>,
    op_headings: BTreeMap<String, OperationHeading>,
}

pub(super) fn run(old: &Api, new: &Api, old_label: &str, new_label: &str) -> Report {
    let mut cx = Ctx {
        old,
        new,
        renames: detect_renames(old, new),
        old_uses: Uses::of(old),
        new_uses: Uses::of(new),
        op_renames: BTreeMap::new(),
        changes: Vec::new(),
        op_headings: BTreeMap::new(),
    };
    cx.api_info();
    cx.waiters();
    cx.error_codes();
    cx.operations();
    cx.types();

    let mut changes = std::mem::take(&mut cx.changes);
    changes.sort_by(|a, b| a.scope.cmp(&b.scope).then(b.level.cmp(&a.level)));
    let mut operations = Vec::new();
    let mut types = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &changes {
        if !seen.insert(c.scope.clone()) {
            continue;
        }
        match &c.scope {
            Scope::Api => {}
            Scope::Operation(m) => operations.extend(cx.op_headings.get(m).cloned()),
            Scope::Type(t) => types.push(cx.type_heading(t)),
        }
    }
    Report { old_label: old_label.to_owned(), new_label: new_label.to_owned(), changes, operations, types }
}

/// Removed types that reappear under another name: same location in the spec (a new `title`, or
/// an inline type of a renamed operation), else the same shape (a renamed component schema).
fn detect_renames(old: &Api, new: &Api) -> BTreeMap<String, String> {
    let removed: Vec<&TypeDef> = old.types.values().filter(|t| !new.types.contains_key(&t.name)).collect();
    let mut added: Vec<&TypeDef> = new.types.values().filter(|t| !old.types.contains_key(&t.name)).collect();
    let mut map = BTreeMap::new();
    for r in &removed {
        if let Some(i) = added.iter().position(|a| a.pointer == r.pointer) {
            map.insert(r.name.clone(), added.remove(i).name.clone());
        }
    }
    // Shapes can depend on other renames (a struct holding a renamed enum): repeat to a fixpoint.
    loop {
        let mut progress = false;
        for r in &removed {
            if map.contains_key(&r.name) {
                continue;
            }
            if let Some(i) = added.iter().position(|a| same_shape(&r.kind, &a.kind, &map)) {
                map.insert(r.name.clone(), added.remove(i).name.clone());
                progress = true;
            }
        }
        if !progress {
            return map;
        }
    }
}

fn map_type(t: &TypeRef, renames: &BTreeMap<String, String>) -> TypeRef {
    match t {
        TypeRef::Named(n) => TypeRef::Named(renames.get(n).cloned().unwrap_or_else(|| n.clone())),
        TypeRef::Vec(i) => TypeRef::Vec(Box::new(map_type(i, renames))),
        TypeRef::Map(i) => TypeRef::Map(Box::new(map_type(i, renames))),
        other => other.clone(),
    }
}

fn same_shape(a: &TypeKind, b: &TypeKind, renames: &BTreeMap<String, String>) -> bool {
    fn same_variants<T: PartialEq>(a: &[Variant<T>], b: &[Variant<T>]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value && x.rust_name == y.rust_name)
    }
    match (a, b) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            !x.is_empty()
                && x.len() == y.len()
                && x.iter().zip(y).all(|(f, g)| {
                    f.wire_name == g.wire_name
                        && f.rust_name == g.rust_name
                        && map_type(&f.ty, renames) == g.ty
                        && f.required == g.required
                        && f.nullable == g.nullable
                })
        }
        (TypeKind::StringEnum(x), TypeKind::StringEnum(y)) => same_variants(x, y),
        (TypeKind::IntEnum(x), TypeKind::IntEnum(y)) => same_variants(x, y),
        _ => false,
    }
}

/// Paragraph-level summary of a docs change: the first paragraph that differs, clipped around
/// the first differing character.
fn docs_delta(old: &[String], new: &[String]) -> String {
    let n = old.len().max(new.len());
    let i = (0..n).find(|&i| old.get(i) != new.get(i)).unwrap_or(0);
    match (old.get(i), new.get(i)) {
        (Some(a), Some(b)) => {
            let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            format!("\"{}\" → \"{}\"", clip(a, common), clip(b, common))
        }
        (None, Some(b)) => format!("added \"{}\"", clip(b, 0)),
        (Some(a), None) => format!("removed \"{}\"", clip(a, 0)),
        (None, None) => String::new(),
    }
}

fn clip(s: &str, common: usize) -> String {
    const BEFORE: usize = 20;
    const WIDTH: usize = 72;
    let chars: Vec<char> = s.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    let start = common.saturating_sub(BEFORE);
    let start = if start < 8 { 0 } else { start };
    let end = (start + WIDTH).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn acceptor_text(a: &crate::ir::Acceptor) -> String {
    use crate::ir::{AcceptorState, Matcher};
    let state = match a.state {
        AcceptorState::Success => "success",
        AcceptorState::Failure => "failure",
        AcceptorState::Retry => "retry",
    };
    match &a.matcher {
        Matcher::PathEquals(p, v) => format!("{state} when `{p}` is {}", v.join("|")),
        Matcher::PathEmpty(p) => format!("{state} when `{p}` is empty"),
        Matcher::ErrorCode(c) => format!("{state} on `{c}`"),
    }
}

fn variant_value<T: std::fmt::Debug>(v: &Variant<T>) -> String {
    format!("{:?}", v.value)
}

/// A required/nullable change that leaves the Rust type as it was.
fn annotation_changed(h: Holder<'_>, f: &Field, g: &Field, fname: &str) -> Finding {
    let mut what = Vec::new();
    if f.required != g.required {
        what.push(if g.required { "required" } else { "optional" });
    }
    if f.nullable != g.nullable {
        what.push(if g.nullable { "nullable" } else { "non-nullable" });
    }
    Finding {
        id: "field-annotation-changed",
        message: format!(
            "{fname} is now {} in the spec; its Rust type is unchanged (`{}`)",
            what.join(" and "),
            rust_opt(&g.ty, h.optional(g))
        ),
    }
}

/// What a required/nullable change of a request field does to its request type.
fn request_requiredness(h: Holder<'_>, f: &Field, g: &Field, fname: &str) -> Finding {
    let (owner, ty) = (h.name(), rust(&g.ty));
    // The region default is reported on its own; judge the shape without it.
    let g2 = Field { region_default: f.region_default, ..g.clone() };
    let (was_opt, now_opt) = (h.optional(f), h.optional(&g2));
    let what = h.what(g);
    let noun = h.noun(g);
    if !f.required && g.required {
        let m = if was_opt && !now_opt {
            format!(
                "{what} is now required: `{owner}::new` takes `{}: {ty}`; the field is now `{ty}` (was `Option<{ty}>`)",
                g.rust_name
            )
        } else {
            format!("{what} is now required: {fname} must be set")
        };
        Finding { id: req_id(noun, "became-required"), message: m }
    } else if was_opt != now_opt {
        let why = if f.required != g.required {
            "no longer required"
        } else if g.nullable {
            "now nullable"
        } else {
            "no longer nullable"
        };
        if now_opt {
            let m = format!("{what} is {why}: `{owner}::new` no longer takes `{}`; set it with `.{}(..)`; the field is now `Option<{ty}>` (was `{ty}`)", g.rust_name, g.rust_name);
            Finding { id: req_id(noun, "became-optional"), message: m }
        } else {
            let m = format!(
                "{what} is {why}: `{owner}::new` takes `{}: {ty}`; the field is now `{ty}` (was `Option<{ty}>`)",
                g.rust_name
            );
            Finding { id: req_id(noun, "became-required"), message: m }
        }
    } else {
        annotation_changed(h, f, g, fname)
    }
}

/// What a required/nullable change of a response field does to its model type.
fn response_requiredness(h: Holder<'_>, f: &Field, g: &Field, fname: &str) -> Finding {
    let ty = rust(&g.ty);
    let (was_opt, now_opt) = (f.optional_in_model(), g.optional_in_model());
    if was_opt == now_opt {
        annotation_changed(h, f, g, fname)
    } else if now_opt {
        let (id, why) = if f.required && !g.required {
            ("response-property-became-optional", "no longer required")
        } else {
            ("response-property-became-nullable", "now nullable")
        };
        Finding { id, message: format!("{fname} is {why}: now `Option<{ty}>` (was `{ty}`)") }
    } else {
        let (id, why) = if !f.required && g.required {
            ("response-property-became-required", "now required")
        } else {
            ("response-property-became-non-nullable", "no longer nullable")
        };
        Finding { id, message: format!("{fname} is {why}: now `{ty}` (was `Option<{ty}>`)") }
    }
}

impl<'a> Ctx<'a> {
    fn push(&mut self, id: &'static str, direction: Direction, scope: Scope, message: String, at: (Side, &str)) {
        let r = rule(id);
        self.changes.push(Change {
            id: r.id,
            level: r.level,
            direction,
            scope,
            message,
            spec: at.0,
            pointer: at.1.to_owned(),
        });
    }

    fn map(&self, t: &TypeRef) -> TypeRef {
        map_type(t, &self.renames)
    }

    fn api_info(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.title != new.title {
            let m = format!("API title \"{}\" → \"{}\" (rustdoc of the generated module)", old.title, new.title);
            self.push("docs-changed", Direction::None, Scope::Api, m, (Side::New, "/info/title"));
        }
        if old.version != new.version {
            let m = format!("API version \"{}\" → \"{}\" (rustdoc of the generated module)", old.version, new.version);
            self.push("docs-changed", Direction::None, Scope::Api, m, (Side::New, "/info/version"));
        }
    }

    // ---- waiters -----------------------------------------------------------------------------

    fn waiters(&mut self) {
        let (old, new) = (self.old, self.new);
        let pointer = |name: &str| crate::diag::join("/x-waiters", name);
        for w in &new.waiters {
            let Some(o) = old.waiters.iter().find(|o| o.name == w.name) else {
                let m = format!("new waiter method `{}` (polls `{}`)", w.method_name, w.operation_id);
                self.push("waiter-added", Direction::None, Scope::Api, m, (Side::New, &pointer(&w.name)));
                continue;
            };
            let mut what = Vec::new();
            if o.operation_id != w.operation_id {
                what.push(format!("polls `{}` (was `{}`)", w.operation_id, o.operation_id));
            }
            if (o.min_delay_ms, o.max_delay_ms) != (w.min_delay_ms, w.max_delay_ms) {
                what.push(format!(
                    "delays {}–{} ms (were {}–{} ms)",
                    w.min_delay_ms, w.max_delay_ms, o.min_delay_ms, o.max_delay_ms
                ));
            }
            let old_acc: Vec<String> = o.acceptors.iter().map(acceptor_text).collect();
            let new_acc: Vec<String> = w.acceptors.iter().map(acceptor_text).collect();
            if old_acc != new_acc {
                let added: Vec<&String> = new_acc.iter().filter(|a| !old_acc.contains(a)).collect();
                let removed: Vec<&String> = old_acc.iter().filter(|a| !new_acc.contains(a)).collect();
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("added {}", added.iter().map(|a| a.as_str()).collect::<Vec<_>>().join("; ")));
                }
                if !removed.is_empty() {
                    parts
                        .push(format!("removed {}", removed.iter().map(|a| a.as_str()).collect::<Vec<_>>().join("; ")));
                }
                if parts.is_empty() {
                    parts.push("reordered (the first match wins)".to_owned());
                }
                what.push(format!("acceptors {}", parts.join(", ")));
            }
            if !what.is_empty() {
                let m = format!("`{}`: {}", w.method_name, what.join("; "));
                self.push("waiter-changed", Direction::None, Scope::Api, m, (Side::New, &pointer(&w.name)));
            }
        }
        for o in &old.waiters {
            if !new.waiters.iter().any(|w| w.name == o.name) {
                let m = format!("waiter method `{}` removed", o.method_name);
                self.push("waiter-removed", Direction::None, Scope::Api, m, (Side::Old, &pointer(&o.name)));
            }
        }
    }

    // ---- error codes -------------------------------------------------------------------------

    fn error_codes(&mut self) {
        let (old, new) = (self.old, self.new);
        let at = |list: &[crate::ir::ErrorCodeDef], code: &str| {
            let i = list.iter().position(|c| c.code == code).unwrap_or_default();
            crate::diag::join("/x-error-codes", i.to_string())
        };
        for c in &new.error_codes {
            let change = match old.error_codes.iter().find(|o| o.code == c.code) {
                None => Some(("error-code-added", format!("new `ErrorCode::{}` (`{}`)", c.rust_name, c.code))),
                Some(o) if o.rust_name != c.rust_name => Some((
                    "error-code-renamed",
                    format!("`{}` is now `ErrorCode::{}` (was `ErrorCode::{}`)", c.code, c.rust_name, o.rust_name),
                )),
                Some(o) if (&o.docs, &o.operations) != (&c.docs, &c.operations) => Some((
                    "error-code-changed",
                    format!("docs or operations of `ErrorCode::{}` (`{}`)", c.rust_name, c.code),
                )),
                Some(_) => None,
            };
            if let Some((rule, m)) = change {
                self.push(rule, Direction::None, Scope::Api, m, (Side::New, &at(&new.error_codes, &c.code)));
            }
        }
        for o in old.error_codes.iter().filter(|o| !new.error_codes.iter().any(|c| c.code == o.code)) {
            let m = format!("`ErrorCode::{}` removed (`{}` now decodes as `Unknown`)", o.rust_name, o.code);
            self.push(
                "error-code-removed",
                Direction::None,
                Scope::Api,
                m,
                (Side::Old, &at(&old.error_codes, &o.code)),
            );
        }
    }

    // ---- operations --------------------------------------------------------------------------

    fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut taken = vec![false; new.operations.len()];
        let mut pairs: Vec<(&Operation, Option<&Operation>)> = Vec::new();
        let mut unmatched = Vec::new();
        for o in &old.operations {
            let hit = new
                .operations
                .iter()
                .enumerate()
                .position(|(i, n)| !taken[i] && n.method == o.method && n.path == o.path);
            match hit {
                Some(i) => {
                    taken[i] = true;
                    pairs.push((o, Some(&new.operations[i])));
                }
                None => unmatched.push(o),
            }
        }
        for o in unmatched {
            let hit =
                new.operations.iter().enumerate().position(|(i, n)| !taken[i] && n.operation_id == o.operation_id);
            match hit {
                Some(i) => {
                    taken[i] = true;
                    pairs.push((o, Some(&new.operations[i])));
                }
                None => pairs.push((o, None)),
            }
        }
        for (o, n) in &pairs {
            if let Some(n) = n {
                self.op_renames.insert(o.method_name.clone(), n.method_name.clone());
            }
        }
        for (o, n) in pairs {
            match n {
                Some(n) => self.operation(o, n),
                None => {
                    self.heading(o, None);
                    let m = format!(
                        "method `{}` and `{}` removed (`{} {}`)",
                        o.method_name,
                        o.request_type,
                        o.method.as_str(),
                        o.path
                    );
                    self.push(
                        "api-removed",
                        Direction::None,
                        Scope::Operation(o.method_name.clone()),
                        m,
                        (Side::Old, &o.pointer),
                    );
                }
            }
        }
        for (i, n) in new.operations.iter().enumerate() {
            if !taken[i] {
                self.heading(n, None);
                let m = format!(
                    "new method `{}` (`{} {}`), request type `{}`",
                    n.method_name,
                    n.method.as_str(),
                    n.path,
                    n.request_type
                );
                self.push(
                    "api-added",
                    Direction::None,
                    Scope::Operation(n.method_name.clone()),
                    m,
                    (Side::New, &n.pointer),
                );
            }
        }
    }

    fn heading(&mut self, op: &Operation, renamed_from: Option<&Operation>) {
        self.op_headings.insert(
            op.method_name.clone(),
            OperationHeading {
                method_name: op.method_name.clone(),
                renamed_from: renamed_from.filter(|o| o.method_name != op.method_name).map(|o| o.method_name.clone()),
                endpoint: format!("{} {}", op.method.as_str(), op.path),
            },
        );
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        self.heading(n, Some(o));
        let scope = Scope::Operation(n.method_name.clone());
        let at = (Side::New, n.pointer.as_str());
        let name = &n.method_name;
        if o.operation_id != n.operation_id {
            if o.method_name != n.method_name || o.request_type != n.request_type {
                let m = format!(
                    "method `{}` renamed to `{}`, request type `{}` renamed to `{}` (operationId `{}` → `{}`)",
                    o.method_name, n.method_name, o.request_type, n.request_type, o.operation_id, n.operation_id
                );
                self.push("api-operation-id-changed", Direction::None, scope.clone(), m, at);
            } else {
                let m = format!(
                    "operationId `{}` → `{}`; the Rust names (`{}`, `{}`) are unchanged",
                    o.operation_id, n.operation_id, n.method_name, n.request_type
                );
                self.push("api-operation-id-case-changed", Direction::None, scope.clone(), m, at);
            }
        }
        if o.method != n.method {
            let m = format!(
                "`{name}` now sends `{}` (was `{}`) to `{}`: old clients call an endpoint that no longer exists",
                n.method.as_str(),
                o.method.as_str(),
                n.path
            );
            self.push("api-method-changed", Direction::None, scope.clone(), m, at);
        }
        if o.path != n.path {
            let m = format!(
                "`{name}` now calls `{}` (was `{}`): old clients call an endpoint that no longer exists",
                n.path, o.path
            );
            self.push("api-path-changed", Direction::None, scope.clone(), m, at);
        }
        if o.deprecated != n.deprecated {
            if n.deprecated {
                self.push(
                    "api-deprecated",
                    Direction::None,
                    scope.clone(),
                    format!("`{name}` is now `#[deprecated]`"),
                    at,
                );
            } else {
                self.push(
                    "api-reactivated",
                    Direction::None,
                    scope.clone(),
                    format!("`{name}` is no longer deprecated"),
                    at,
                );
            }
        }
        if o.idempotent != n.idempotent {
            let m = if n.idempotent {
                format!("`{name}` is now idempotent: retried on transient failures, even after sending")
            } else {
                format!("`{name}` is no longer idempotent: never re-sent once it may have reached the server")
            };
            self.push("api-idempotency-changed", Direction::None, scope.clone(), m, at);
        }
        if self.map(&o.output) != n.output {
            let m = format!("`{name}` now returns `{}` (was `{}`)", rust(&n.output), rust(&o.output));
            self.push("response-body-type-changed", Direction::Response, scope.clone(), m, at);
        }
        if o.docs != n.docs {
            let m = format!("docs of method `{name}`: {}", docs_delta(&o.docs, &n.docs));
            self.push("docs-changed", Direction::None, scope.clone(), m, at);
        }
        self.fields(Holder::Request { name: &n.request_type }, &o.fields, &n.fields, &scope, at);
    }

    // ---- fields ------------------------------------------------------------------------------

    fn fields(&mut self, h: Holder<'_>, old: &[Field], new: &[Field], scope: &Scope, at: (Side, &str)) {
        // Pair by wire name, then leftovers by Rust name (a field renamed on the wire only).
        let mut old_taken = vec![false; old.len()];
        let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
        for (j, g) in new.iter().enumerate() {
            let hit = old.iter().enumerate().position(|(i, f)| !old_taken[i] && f.wire_name == g.wire_name);
            if let Some(i) = hit {
                old_taken[i] = true;
            }
            pairs.push((hit, Some(j)));
        }
        for p in pairs.iter_mut().filter(|p| p.0.is_none()) {
            let g = &new[p.1.unwrap_or_default()];
            let hit = old.iter().enumerate().position(|(i, f)| !old_taken[i] && f.rust_name == g.rust_name);
            if let Some(i) = hit {
                old_taken[i] = true;
                p.0 = Some(i);
            }
        }
        pairs.extend(old_taken.iter().enumerate().filter(|(_, t)| !**t).map(|(i, _)| (Some(i), None)));

        for &(f, g) in &pairs {
            match (f.map(|i| &old[i]), g.map(|j| &new[j])) {
                (Some(f), Some(g)) => self.field(h, f, g, scope, at),
                (None, Some(g)) => self.field_added(h, g, scope, at),
                (Some(f), None) => self.field_removed(h, f, scope, at),
                (None, None) => {}
            }
        }

        // Order of the arguments of `new`.
        let (old_ctor, new_ctor) = match h {
            Holder::Request { .. } => (true, true),
            Holder::Model { old_ctor, new_ctor, .. } => (old_ctor, new_ctor),
        };
        if old_ctor && new_ctor {
            let old_args: Vec<&str> = old.iter().filter(|f| !h.optional(f)).map(|f| f.rust_name.as_str()).collect();
            let new_args: Vec<&str> = new.iter().filter(|f| !h.optional(f)).map(|f| f.rust_name.as_str()).collect();
            // Old arguments under their new names, restricted to the ones still arguments.
            let partner: BTreeMap<usize, usize> = pairs.iter().filter_map(|&(f, g)| Some((f?, g?))).collect();
            let renamed: Vec<&str> = partner
                .iter()
                .filter(|(&i, _)| !h.optional(&old[i]))
                .map(|(_, &j)| new[j].rust_name.as_str())
                .filter(|n| new_args.contains(n))
                .collect();
            let kept: Vec<&str> = new_args.iter().copied().filter(|n| renamed.contains(n)).collect();
            if renamed != kept {
                let m = format!(
                    "`{}::new` arguments are now `({})` (were `({})`): same names, different order",
                    h.name(),
                    new_args.join(", "),
                    old_args.join(", ")
                );
                self.push("request-required-fields-reordered", Direction::Request, scope.clone(), m, at);
            }
        }
    }

    fn field_added(&mut self, h: Holder<'_>, g: &Field, scope: &Scope, at: (Side, &str)) {
        let sides = h.sides();
        let owner = h.name();
        let ty = rust_opt(&g.ty, h.optional(g));
        let req = sides.request.then(|| {
            let noun = h.noun(g);
            let what = h.what(g);
            let m = if !h.optional(g) {
                format!("new required {what}: `{owner}::new` takes a new argument `{}: {}`", g.rust_name, rust(&g.ty))
            } else if g.required {
                let how = if g.region_default { " (or a default region on the client)" } else { "" };
                format!("new required {what}: `{owner}::{}: {ty}` must be set{how}", g.rust_name)
            } else {
                format!("new optional {what}: setter `{owner}::{}({})`", g.rust_name, rust(&g.ty))
            };
            Finding { id: new_req_id(g.required, noun), message: m }
        });
        let resp = sides.response.then(|| Finding {
            id: "response-property-added",
            message: format!("`{owner}::{}: {ty}` added", g.rust_name),
        });
        if let Some(f) = stricter(req, resp) {
            self.push(f.id, sides.direction(), scope.clone(), f.message, at);
        }
    }

    fn field_removed(&mut self, h: Holder<'_>, f: &Field, scope: &Scope, at: (Side, &str)) {
        let sides = h.sides();
        let owner = h.name();
        let req = sides.request.then(|| {
            let how = if h.optional(f) {
                format!("`{owner}::{}` and its setter are gone", f.rust_name)
            } else {
                format!("`{owner}::{}` is gone and `{owner}::new` no longer takes it", f.rust_name)
            };
            Finding { id: req_id(h.noun(f), "removed"), message: format!("{} removed: {how}", h.what(f)) }
        });
        let resp = sides.response.then(|| Finding {
            id: "response-property-removed",
            message: format!("`{owner}::{}` removed", f.rust_name),
        });
        if let Some(x) = stricter(req, resp) {
            self.push(x.id, sides.direction(), scope.clone(), x.message, at);
        }
    }

    fn field(&mut self, h: Holder<'_>, f: &Field, g: &Field, scope: &Scope, at: (Side, &str)) {
        let sides = h.sides();
        let dir = sides.direction();
        let fname = format!("`{}::{}`", h.name(), g.rust_name);

        if f.wire_name != g.wire_name {
            let m = format!("{fname} is `{}` on the wire (was `{}`)", g.wire_name, f.wire_name);
            self.push("wire-name-changed", dir, scope.clone(), m, at);
        }
        if matches!(h, Holder::Request { .. }) && f.location != g.location {
            let place = |l: Location| if l == Location::Query { "the query" } else { "the body" };
            let m = format!("{fname} is now sent in {} (was {})", place(g.location), place(f.location));
            self.push("request-parameter-location-changed", Direction::Request, scope.clone(), m, at);
        }
        if self.map(&f.ty) != g.ty {
            let (now, was) = (rust_opt(&g.ty, h.optional(g)), rust_opt(&f.ty, h.optional(f)));
            let mut m = format!("{fname} is now `{now}` (was `{was}`)");
            if now == was {
                // Same Rust type, other wire form: `x-comma-separated` added or removed.
                let form = if g.ty == TypeRef::CommaList { "one comma-joined string" } else { "a JSON array" };
                m.push_str(&format!(": on the wire it is now {form}"));
            }
            let req = sides.request.then(|| Finding { id: req_id(h.noun(g), "type-changed"), message: m.clone() });
            let resp = sides.response.then(|| Finding { id: "response-property-type-changed", message: m.clone() });
            if let Some(x) = stricter(req, resp) {
                self.push(x.id, dir, scope.clone(), x.message, at);
            }
        }
        if matches!(h, Holder::Request { .. }) {
            self.request_defaults(h, f, g, &fname, scope, at);
        }
        // Requiredness and nullability, judged by what they do to the Rust API.
        if f.required != g.required || f.nullable != g.nullable {
            let req = sides.request.then(|| request_requiredness(h, f, g, &fname));
            let resp = sides.response.then(|| response_requiredness(h, f, g, &fname));
            if let Some(x) = stricter(req, resp) {
                self.push(x.id, dir, scope.clone(), x.message, at);
            }
        }
        if f.docs != g.docs {
            let m = format!("docs of {fname}: {}", docs_delta(&f.docs, &g.docs));
            self.push("docs-changed", Direction::None, scope.clone(), m, at);
        }
    }

    /// A request field's `x-client-default` and `x-sent-default`.
    fn request_defaults(&mut self, h: Holder<'_>, f: &Field, g: &Field, fname: &str, scope: &Scope, at: (Side, &str)) {
        let owner = h.name();
        if f.region_default != g.region_default {
            let shape = h.optional(f) != h.optional(g);
            let m = if g.region_default {
                let tail = if shape { format!("; `{owner}::new` no longer takes it") } else { String::new() };
                format!("{fname} is now filled from the client's default region (`x-client-default: region`){tail}")
            } else {
                let tail = if shape { format!("; `{owner}::new` now takes it") } else { String::new() };
                format!("{fname} is no longer filled from the client's default region{tail}")
            };
            self.push("request-client-default-changed", Direction::Request, scope.clone(), m, at);
        }
        if f.sent_default != g.sent_default {
            let shown = |d: &Option<SentDefault>| match d {
                Some(SentDefault::Bool(b)) => format!("`{b}`"),
                Some(SentDefault::Int(n)) => format!("`{n}`"),
                None => "nothing".to_owned(),
            };
            let m = format!(
                "{fname} left unset now sends {} (was {}) (`x-sent-default`)",
                shown(&g.sent_default),
                shown(&f.sent_default)
            );
            self.push("request-sent-default-changed", Direction::Request, scope.clone(), m, at);
        }
    }

    // ---- types -------------------------------------------------------------------------------

    fn type_sides(&self, old_name: Option<&str>, new_name: Option<&str>) -> Sides {
        let a = old_name.map(|n| self.old_uses.sides(n)).unwrap_or_default();
        let b = new_name.map(|n| self.new_uses.sides(n)).unwrap_or_default();
        let s = a.union(b);
        // Unused types do not occur in the IR; judge one as a response type if it does.
        if s == Sides::default() {
            Sides { request: false, response: true }
        } else {
            s
        }
    }

    fn type_heading(&self, name: &str) -> TypeHeading {
        let new_def = self.new.types.get(name);
        let old_name = self
            .renames
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(o, _)| o.as_str())
            .or_else(|| self.old.types.contains_key(name).then_some(name));
        let def = new_def.or_else(|| old_name.and_then(|o| self.old.types.get(o)));
        let mut request = BTreeSet::new();
        let mut response = BTreeSet::new();
        let mapped = |m: &String| self.op_renames.get(m).cloned().unwrap_or_else(|| m.clone());
        if let Some(o) = old_name {
            request.extend(self.old_uses.request.get(o).into_iter().flatten().map(mapped));
            response.extend(self.old_uses.response.get(o).into_iter().flatten().map(mapped));
        }
        if new_def.is_some() {
            request.extend(self.new_uses.request.get(name).into_iter().flatten().cloned());
            response.extend(self.new_uses.response.get(name).into_iter().flatten().cloned());
        }
        TypeHeading {
            name: name.to_owned(),
            path: def.map(module_path).unwrap_or_else(|| name.to_owned()),
            usage: Usage { request: request.into_iter().collect(), response: response.into_iter().collect() },
        }
    }

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut matched_new = BTreeSet::new();
        for (name, t) in &old.types {
            let new_name = self.renames.get(name).cloned().unwrap_or_else(|| name.clone());
            match new.types.get(&new_name) {
                Some(u) => {
                    matched_new.insert(new_name.clone());
                    self.type_def(t, u);
                }
                None => {
                    let sides = self.type_sides(Some(name), None);
                    let m = format!("type `{}` removed", module_path(t));
                    self.push("type-removed", sides.direction(), Scope::Type(name.clone()), m, (Side::Old, &t.pointer));
                }
            }
        }
        for (name, u) in &new.types {
            if !matched_new.contains(name) {
                let sides = self.type_sides(None, Some(name));
                let m = format!("new type `{}`", module_path(u));
                self.push("type-added", sides.direction(), Scope::Type(name.clone()), m, (Side::New, &u.pointer));
            }
        }
    }

    fn type_def(&mut self, t: &TypeDef, u: &TypeDef) {
        let sides = self.type_sides(Some(&t.name), Some(&u.name));
        let dir = sides.direction();
        let scope = Scope::Type(u.name.clone());
        let at = (Side::New, u.pointer.as_str());
        if t.name != u.name {
            let m = format!("type `{}` renamed to `{}`", module_path(t), module_path(u));
            self.push("type-renamed", dir, scope.clone(), m, at);
        } else if t.module != u.module {
            let m = format!("type `{}` moved to `{}`", module_path(t), module_path(u));
            self.push("type-moved", dir, scope.clone(), m, at);
        }
        if t.docs != u.docs {
            let m = format!("docs of type `{}`: {}", u.name, docs_delta(&t.docs, &u.docs));
            self.push("docs-changed", Direction::None, scope.clone(), m, at);
        }
        self.primary(t, u, &scope);
        match (&t.kind, &u.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                let h = Holder::Model { name: &u.name, old_ctor: t.request_side, new_ctor: u.request_side, sides };
                self.fields(h, a, b, &scope, at);
            }
            (TypeKind::StringEnum(a), TypeKind::StringEnum(b)) => self.variants(&u.name, sides, a, b, &scope, at),
            (TypeKind::IntEnum(a), TypeKind::IntEnum(b)) => self.variants(&u.name, sides, a, b, &scope, at),
            (a, b) => {
                let m = format!("`{}` is now {} (was {})", u.name, kind_name(b), kind_name(a));
                self.push("type-changed", dir, scope.clone(), m, at);
            }
        }
    }

    /// `x-primary` of a type present on both sides.
    fn primary(&mut self, t: &TypeDef, u: &TypeDef, scope: &Scope) {
        let (o, n) = (self.old.primaries.get(&t.name), self.new.primaries.get(&u.name));
        let methods = |p: &Primary| {
            let id = p.id.as_deref().map(|i| format!(", `{}::{i}()`", u.name)).unwrap_or_default();
            format!("`{}::{}()`{id} (first of `{}`)", u.name, p.method, p.items)
        };
        let (id, side, message) = match (o, n) {
            (None, Some(n)) => ("primary-added", Side::New, format!("new {}", methods(n))),
            (Some(o), None) => ("primary-removed", Side::Old, format!("{} removed", methods(o))),
            (Some(o), Some(n)) if (&o.method, &o.items, &o.id) != (&n.method, &n.items, &n.id) => {
                ("primary-changed", Side::New, format!("{} (was {})", methods(n), methods(o)))
            }
            (Some(o), Some(n)) if o.docs != n.docs => {
                ("docs-changed", Side::New, format!("docs of `{}::{}()`", u.name, n.method))
            }
            _ => return,
        };
        let pointer = crate::diag::join(if side == Side::New { &u.pointer } else { &t.pointer }, "x-primary");
        let dir = if id == "docs-changed" { Direction::None } else { Direction::Response };
        self.push(id, dir, scope.clone(), message, (side, &pointer));
    }

    fn variants<T: PartialEq + std::fmt::Debug>(
        &mut self,
        name: &str,
        sides: Sides,
        old: &[Variant<T>],
        new: &[Variant<T>],
        scope: &Scope,
        at: (Side, &str),
    ) {
        let dir = sides.direction();
        for v in new {
            match old.iter().find(|o| o.value == v.value) {
                Some(o) => {
                    if o.rust_name != v.rust_name {
                        let m = format!(
                            "`{name}::{}` renamed to `{name}::{}` (value {})",
                            o.rust_name,
                            v.rust_name,
                            variant_value(v)
                        );
                        self.push("enum-variant-renamed", dir, scope.clone(), m, at);
                    }
                    if o.docs != v.docs {
                        let m = format!("docs of `{name}::{}`: {}", v.rust_name, docs_delta(&o.docs, &v.docs));
                        self.push("docs-changed", Direction::None, scope.clone(), m, at);
                    }
                }
                None => {
                    let val = variant_value(v);
                    let req = sides.request.then(|| Finding {
                        id: "request-enum-value-added",
                        message: format!("`{name}::{}` ({val}) added", v.rust_name),
                    });
                    let resp = sides.response.then(|| Finding {
                        id: "response-enum-value-added",
                        message: format!(
                            "`{name}::{}` ({val}) added; older clients decode it as `{name}::Unknown`",
                            v.rust_name
                        ),
                    });
                    if let Some(x) = stricter(req, resp) {
                        self.push(x.id, dir, scope.clone(), x.message, at);
                    }
                }
            }
        }
        for o in old {
            if !new.iter().any(|v| v.value == o.value) {
                let val = variant_value(o);
                let req = sides.request.then(|| Finding {
                    id: "request-enum-value-removed",
                    message: format!("`{name}::{}` ({val}) removed: code sending it no longer compiles", o.rust_name),
                });
                let resp = sides.response.then(|| Finding {
                    id: "response-enum-value-removed",
                    message: format!(
                        "`{name}::{}` ({val}) removed: code naming it no longer compiles; the value now decodes as `{name}::Unknown`",
                        o.rust_name
                    ),
                });
                if let Some(x) = stricter(req, resp) {
                    self.push(x.id, dir, scope.clone(), x.message, at);
                }
            }
        }
    }
}
