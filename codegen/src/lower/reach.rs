//! Reachability once everything is lowered (through [`crate::ir::walk`]): unused types are
//! pruned, request-side types marked (they get setters), and their setters checked.

use crate::diag::join;
use crate::ir::{walk, Operation, TypeKind};

use super::Lowerer;

impl Lowerer<'_> {
    /// Drops types no operation reaches (component schemas are all lowered, for validation).
    pub(super) fn prune(&mut self, operations: &[Operation]) {
        let keep = walk::reachable(&self.types, operations.iter().flat_map(walk::operation_refs));
        self.types.retain(|n, _| keep.contains(n));
    }

    /// Marks the types reachable from a request field: they get a constructor and setters.
    pub(super) fn mark_request_side(&mut self, operations: &[Operation]) {
        let request = walk::reachable(&self.types, operations.iter().flat_map(walk::request_refs));
        for name in request {
            if let Some(t) = self.types.get_mut(&name) {
                t.request_side = true;
            }
        }
    }

    /// Request-side structs get `new` plus one setter per optional field, named after the field:
    /// an optional field called `new` would collide with the constructor. (Request fields are
    /// checked in `make_field`.)
    pub(super) fn check_setters(&mut self) {
        let mut bad: Vec<(String, String)> = Vec::new();
        for t in self.types.values().filter(|t| t.request_side) {
            if let TypeKind::Struct(fields) = &t.kind {
                for f in fields.iter().filter(|f| f.rust_name == "new" && f.optional_in_model()) {
                    let msg = format!(
                        "`{}` of `{}` becomes the optional field `new`, whose setter would collide with the \
                         constructor `{}::new`: give it `x-rust-name`",
                        f.wire_name, t.name, t.name
                    );
                    bad.push((join(&join(&t.pointer, "properties"), &f.wire_name), msg));
                }
            }
        }
        for (p, m) in bad {
            self.err(&p, m);
        }
    }
}
