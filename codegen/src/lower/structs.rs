//! Object schemas become structs: properties, `required`, and the merge of `allOf` members.

use std::collections::HashMap;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::diagnose::is_object_like;
use super::{module_for, sref_box, Lowerer, SRef};
use crate::diag::join;
use crate::ir::{Field, Location, TypeDef, TypeKind};
use crate::names::{pascal, PRELUDE_TYPES};
use crate::raw::Kind;

/// One property of an object (or of the merge of an `allOf`).
#[derive(Clone, Debug)]
pub(super) struct Prop<'a> {
    pub(super) name: String,
    pub(super) schema: SRef<'a>,
    pub(super) pointer: String,
    /// Type name that prefixes the names of inline types inside the property.
    pub(super) owner: String,
}

/// The properties of an object schema, `allOf` members merged.
#[derive(Default)]
pub(super) struct Shape<'a> {
    pub(super) props: Vec<Prop<'a>>,
    /// Required names, each with the pointer of the `required` list naming it.
    pub(super) required: Vec<(String, String)>,
}

impl<'a> Lowerer<'a> {
    /// The properties of an object schema: `type: object`, an `allOf` of objects (merged), or
    /// `properties`/`allOf` without `type`. `None` (without a diagnostic) when it is not one.
    pub(super) fn object_shape(
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

    /// Every `required` name must be a property.
    pub(super) fn check_required(&mut self, shape: &Shape<'_>) {
        for (r, rp) in &shape.required {
            if !shape.props.iter().any(|p| p.name == *r) {
                self.err(rp, format!("required property `{r}` is not defined in `properties`: define it, or remove it from `required`"));
            }
        }
    }

    /// Registers the struct `name` for the object schema at `pointer`.
    pub(super) fn object_type(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> Option<()> {
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
                sent_default: None,
                location: Location::Body,
                docs,
            });
        }
        order_by_required(&mut fields, &shape.required);
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

    /// Adds a named type; its name must be free (or taken by the same definition) and not
    /// shadow the prelude.
    pub(super) fn register(&mut self, def: TypeDef) -> Option<()> {
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

    /// Doc paragraphs of a named type: description (or a sentence-like title), notes.
    pub(super) fn type_docs(&self, schema: &Schema) -> Vec<String> {
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
}

/// Puts the required fields (the arguments of `new`) in the order of the `required` list,
/// leaving optional fields where `properties` put them: the generated API must not depend on
/// map key order, and `required` is a list.
pub(super) fn order_by_required(fields: &mut [Field], required: &[(String, String)]) {
    let rank = |f: &Field| required.iter().position(|(r, _)| *r == f.wire_name).unwrap_or(usize::MAX);
    let slots: Vec<usize> = (0..fields.len()).filter(|&i| fields[i].required).collect();
    let mut ordered: Vec<Field> = slots.iter().map(|&i| fields[i].clone()).collect();
    ordered.sort_by_key(|f| rank(f));
    for (slot, f) in slots.into_iter().zip(ordered) {
        fields[slot] = f;
    }
}
