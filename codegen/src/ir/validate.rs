//! Checks that the IR can be emitted: every name is a Rust identifier, every named type exists,
//! no two items of one namespace share a name, no struct contains itself by value. `lower`
//! guarantees all of this for IR it builds; this guards IR built or edited elsewhere, and turns
//! a generator bug into an error instead of invalid code or a panic.

use std::collections::BTreeSet;

use super::{Api, Operation, TypeDef, TypeKind, TypeRef, Variant, Waiter};
use crate::diag::Error;
use crate::names::{is_ident, is_snake_ident, PRELUDE_TYPES};
use crate::runtime::CLIENT_METHODS;

/// Every problem that keeps `api` from being emitted, as one `Error::Internal`.
pub fn validate(api: &Api) -> Result<(), Error> {
    let mut v = Problems::default();
    let mut methods: BTreeSet<&str> = BTreeSet::new();
    let mut type_names: BTreeSet<&str> = api.types.keys().map(String::as_str).collect();
    for op in &api.operations {
        check_operation(api, op, &mut methods, &mut type_names, &mut v);
    }
    for w in &api.waiters {
        check_waiter(w, &mut methods, &mut v);
    }
    for (name, t) in &api.types {
        check_type(api, name, t, &mut v);
    }
    check_recursion(api, &mut v);
    if v.0.is_empty() {
        Ok(())
    } else {
        Err(Error::Internal(format!("the IR cannot be emitted: {}", v.0.join("; "))))
    }
}

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }
}

fn refs_ok(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(n) => api.types.contains_key(n),
        TypeRef::Vec(i) | TypeRef::Map(i) => refs_ok(api, i),
        _ => true,
    }
}

fn check_operation<'a>(
    api: &Api,
    op: &'a Operation,
    methods: &mut BTreeSet<&'a str>,
    type_names: &mut BTreeSet<&'a str>,
    v: &mut Problems,
) {
    v.check(is_snake_ident(&op.method_name), || format!("method name `{}`", op.method_name));
    v.check(is_ident(&op.request_type), || format!("request type `{}`", op.request_type));
    v.check(!CLIENT_METHODS.contains(&op.method_name.as_str()), || {
        format!("method `{}` is hand-written", op.method_name)
    });
    v.check(methods.insert(&op.method_name), || format!("method `{}` twice", op.method_name));
    v.check(type_names.insert(&op.request_type), || format!("type `{}` twice", op.request_type));
    v.check(refs_ok(api, &op.output), || format!("output of `{}` names an undefined type", op.operation_id));
    let mut fields = BTreeSet::new();
    for f in &op.fields {
        v.check(is_ident(&f.rust_name), || format!("field `{}`", f.rust_name));
        v.check(!(f.rust_name == "new" && f.optional_in_request()), || {
            format!("setter `new` of `{}` collides with the constructor", op.request_type)
        });
        v.check(fields.insert(&f.rust_name), || format!("field `{}` twice in `{}`", f.rust_name, op.request_type));
        v.check(refs_ok(api, &f.ty), || format!("field `{}` names an undefined type", f.rust_name));
    }
    if let Some(p) = &op.pagination {
        let named = [Some(&p.page), Some(&p.size), Some(&p.items), p.total_pages.as_ref(), p.total_count.as_ref()];
        for f in named.into_iter().flatten() {
            v.check(is_ident(&f.rust_name), || format!("pagination field `{}`", f.rust_name));
        }
    }
}

fn check_waiter<'a>(w: &'a Waiter, methods: &mut BTreeSet<&'a str>, v: &mut Problems) {
    v.check(is_snake_ident(&w.method_name), || format!("waiter method `{}`", w.method_name));
    v.check(methods.insert(&w.method_name), || format!("method `{}` twice", w.method_name));
    v.check(is_ident(&w.const_name), || format!("waiter static `{}`", w.const_name));
    v.check(is_ident(&w.request_type), || format!("waiter request type `{}`", w.request_type));
}

fn check_type(api: &Api, name: &str, t: &TypeDef, v: &mut Problems) {
    v.check(is_ident(name) && name == t.name, || format!("type name `{name}`"));
    v.check(!PRELUDE_TYPES.contains(&name), || format!("type `{name}` shadows the prelude"));
    match &t.kind {
        TypeKind::Struct(fields) => {
            let mut seen = BTreeSet::new();
            for f in fields {
                v.check(is_ident(&f.rust_name), || format!("field `{}` of `{name}`", f.rust_name));
                v.check(seen.insert(&f.rust_name), || format!("field `{}` twice in `{name}`", f.rust_name));
                v.check(refs_ok(api, &f.ty), || format!("field `{}` of `{name}` names an undefined type", f.rust_name));
                v.check(!(t.request_side && f.rust_name == "new" && f.optional_in_model()), || {
                    format!("setter `new` of `{name}` collides with the constructor")
                });
            }
        }
        TypeKind::StringEnum(vs) => check_variants(name, vs, v),
        TypeKind::IntEnum(vs) => check_variants(name, vs, v),
    }
}

fn check_variants<T>(name: &str, variants: &[Variant<T>], v: &mut Problems) {
    let mut seen = BTreeSet::new();
    for x in variants {
        v.check(is_ident(&x.rust_name) && x.rust_name != "Unknown", || format!("variant `{}`", x.rust_name));
        v.check(seen.insert(&x.rust_name), || format!("variant `{}` twice in `{name}`", x.rust_name));
    }
}

/// A struct may contain itself only through a `Vec` or a map (anything else has infinite size).
fn check_recursion(api: &Api, v: &mut Problems) {
    fn direct(api: &Api, name: &str) -> Vec<String> {
        match api.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    TypeRef::Named(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    for start in api.types.keys() {
        let mut seen = BTreeSet::new();
        let mut stack = direct(api, start);
        while let Some(n) = stack.pop() {
            if &n == start {
                v.0.push(format!("`{start}` contains itself without a `Vec` or map in between"));
                break;
            }
            if seen.insert(n.clone()) {
                stack.extend(direct(api, &n));
            }
        }
    }
}
