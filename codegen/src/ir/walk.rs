//! The one walk over type references: which named types a type, a definition or a set of roots
//! reaches. Lowering prunes and marks request-side types with it; the diff classifies types by
//! the side (request, response) that reaches them.

use std::collections::{BTreeMap, BTreeSet};

use super::{Operation, TypeDef, TypeKind, TypeRef};

/// The named type inside `t` (through `Vec` and map values), if any.
pub fn named(t: &TypeRef) -> Option<&str> {
    match t {
        TypeRef::Named(n) => Some(n),
        TypeRef::Vec(i) | TypeRef::Map(i) => named(i),
        _ => None,
    }
}

/// The type references a definition holds: the types of a struct's fields (enums hold none).
pub fn refs_of(def: &TypeDef) -> impl Iterator<Item = &TypeRef> {
    let fields = match &def.kind {
        TypeKind::Struct(fields) => fields.as_slice(),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => &[],
    };
    fields.iter().map(|f| &f.ty)
}

/// The types of an operation's request fields.
pub fn request_refs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    op.fields.iter().map(|f| &f.ty)
}

/// Every type reference of an operation: its request fields, then its output.
pub fn operation_refs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    request_refs(op).chain(std::iter::once(&op.output))
}

/// Names of the types reachable from `roots` through struct fields, `Vec`s and maps. A name
/// with no definition in `types` is included but not followed.
pub fn reachable<'t>(
    types: &'t BTreeMap<String, TypeDef>,
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    stack.extend(roots.into_iter().filter_map(named));
    while let Some(n) = stack.pop() {
        if !seen.insert(n.to_owned()) {
            continue;
        }
        if let Some(def) = types.get(n) {
            stack.extend(refs_of(def).filter_map(named));
        }
    }
    seen
}
