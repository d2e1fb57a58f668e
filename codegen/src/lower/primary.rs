//! `x-primary` on a component schema: the one obvious value of a response, for a convenience
//! accessor (`ImageList::image()`, the first of `images`, and `image_id()`, its ID).

use serde::Deserialize;

use super::{ComponentState, Lowerer};
use crate::diag::join;
use crate::ir::{Primary, TypeRef};
use crate::names::is_snake_ident;

/// `x-primary: {items: <array property>, name: <method>, id?: <property of the item>, description?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrimaryExt {
    items: String,
    name: String,
    id: Option<String>,
    description: Option<String>,
}

const PRIMARY_SHAPE: &str =
    "`x-primary` must be `{items: <array property>, name: <method name>, id?: <required string \
                             property of the item>, description?: <text>}`";

impl Lowerer<'_> {
    /// Every component's `x-primary`, by Rust type name, once components are lowered.
    pub(super) fn read_primaries(&mut self) -> Vec<(String, Primary)> {
        let Some(c) = &self.spec.components else { return Vec::new() };
        let mut names: Vec<&String> = c.schemas.keys().collect();
        names.sort();
        let mut out = Vec::new();
        for name in names {
            let Some(openapiv3::ReferenceOr::Item(schema)) = c.schemas.get(name) else { continue };
            let Some(v) = schema.schema_data.extensions.get("x-primary") else { continue };
            let pp = join(&join("/components/schemas", name), "x-primary");
            let Some(ext) = self.read_ext::<_, PrimaryExt>(v, &pp, PRIMARY_SHAPE) else { continue };
            let ty = match self.components.get(name.as_str()) {
                Some(ComponentState::Done(l)) => l.ty.clone(),
                _ => continue, // the schema's own problems are reported already
            };
            if let Some(p) = self.lower_primary(&ty, ext, &pp) {
                if let TypeRef::Named(n) = ty {
                    out.push((n, p));
                }
            }
        }
        out
    }

    fn lower_primary(&mut self, ty: &TypeRef, ext: PrimaryExt, pp: &str) -> Option<Primary> {
        let fields = self.struct_fields(ty).to_vec();
        if fields.is_empty() {
            self.err(pp, "`x-primary` belongs on an object schema with properties");
            return None;
        }
        let taken = |n: &str| n == "new" || fields.iter().any(|f| f.rust_name == n);
        let items = fields.iter().find(|f| f.wire_name == ext.items);
        let item_type = match items.map(|f| &f.ty) {
            Some(TypeRef::Vec(i)) if !self.struct_fields(i).is_empty() => (**i).clone(),
            _ => {
                let msg = format!("`{}` must name an array-of-objects property of this schema", ext.items);
                self.err(&join(pp, "items"), msg);
                return None;
            }
        };
        let items_optional = items?.optional_in_model();
        let items = items?.rust_name.clone();
        if !is_snake_ident(&ext.name) || taken(&ext.name) {
            let msg = format!(
                "`{}` must be a snake_case method name that no property of this schema already takes",
                ext.name
            );
            self.err(&join(pp, "name"), msg);
            return None;
        }
        let id = match &ext.id {
            None => None,
            Some(wire) => {
                let item_fields = self.struct_fields(&item_type);
                match item_fields.iter().find(|f| &f.wire_name == wire) {
                    Some(f)
                        if f.ty == TypeRef::String
                            && !f.optional_in_model()
                            && !taken(&f.rust_name)
                            && f.rust_name != ext.name =>
                    {
                        Some(f.rust_name.clone())
                    }
                    _ => {
                        let msg = format!(
                            "`{wire}` must name a required, non-nullable string property of the item whose Rust \
                             name is not taken (by a property or `name`)"
                        );
                        self.err(&join(pp, "id"), msg);
                        return None;
                    }
                }
            }
        };
        let TypeRef::Named(item_type) = item_type else { return None };
        Some(Primary { method: ext.name, items, items_optional, item_type, id, docs: ext.description })
    }
}
