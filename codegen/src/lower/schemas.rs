//! Schemas used as field types: references and components (with recursion), inline scalars,
//! arrays, maps and `oneOf`; diagnoses of schemas that could not be understood.

use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, ArrayType, IntegerFormat, IntegerType, ReferenceOr, Schema, SchemaKind, StringFormat,
    StringType, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::diagnose::{is_empty_any, is_object_like};
use super::{
    compact, ext_is, sref, sref_box, unescape, ComponentState, Lowered, Lowerer, SRef, MAX_DEPTH, SCHEMA_PREFIX,
};
use crate::diag::join;
use crate::ir::{TypeDef, TypeKind, TypeRef};
use crate::names::{is_pascal_ident, pascal};
use crate::raw::Kind;

impl<'a> Lowerer<'a> {
    /// Lowers a schema used as a field type. `hint` names inline enums/objects without `title`.
    pub(super) fn lower_schema(&mut self, s: SRef<'a>, pointer: &str, hint: &str) -> Option<Lowered> {
        if self.depth >= MAX_DEPTH {
            self.err(
                pointer,
                format!("schemas nest more than {MAX_DEPTH} levels deep here: name the inner schemas as components"),
            );
            return None;
        }
        self.depth += 1;
        let r = match s {
            SRef::Ref(r) => {
                self.keys(pointer, Kind::Schema);
                match r.strip_prefix(SCHEMA_PREFIX) {
                    Some(name) => self.lower_component(&unescape(name), pointer),
                    None => {
                        self.err(
                            &join(pointer, "$ref"),
                            format!(
                                "`$ref: {r}` is not supported: only local `#/components/schemas/<name>` references are"
                            ),
                        );
                        None
                    }
                }
            }
            SRef::Inline(schema) => self.lower_inline(schema, pointer, hint),
        };
        self.depth -= 1;
        r
    }

    /// The Rust type name of a component schema: `x-rust-name`, else the PascalCase name.
    pub(super) fn component_type_name(&mut self, name: &str, cp: &str) -> Option<String> {
        if let Some(n) = self.rust_name_override(cp, is_pascal_ident, "UpperCamelCase type")? {
            return Some(n);
        }
        match pascal(name) {
            Some(n) => Some(n),
            None => {
                self.err(
                    cp,
                    format!("schema name `{name}` has no characters usable in a Rust type name: add `x-rust-name: <TypeName>`"),
                );
                None
            }
        }
    }

    /// Lowers the component schema `name`, used at `use_pointer`.
    pub(super) fn lower_component(&mut self, name: &str, use_pointer: &str) -> Option<Lowered> {
        if self.components.contains_key(name) {
            return self.revisit_component(name, use_pointer);
        }
        let Some(schema) = self.component(name) else {
            self.err(
                &join(use_pointer, "$ref"),
                format!("`$ref` does not resolve: there is no schema `{name}` in `#/components/schemas`"),
            );
            return None;
        };
        let cp = join("/components/schemas", name);
        let Some(type_name) = self.component_type_name(name, &cp) else {
            self.components.insert(name.to_owned(), ComponentState::Failed);
            return None;
        };
        let ty = TypeRef::Named(type_name.clone());
        let in_progress = ComponentState::InProgress { ty, containers: self.containers, hit: false };
        self.components.insert(name.to_owned(), in_progress);
        let result = match sref(schema) {
            SRef::Ref(r) => self.lower_schema(SRef::Ref(r), &cp, &type_name),
            SRef::Inline(s) => {
                self.keys(&cp, Kind::Schema);
                self.lower_inline_named(s, &cp, &type_name)
            }
        };
        let hit = matches!(self.components.get(name), Some(ComponentState::InProgress { hit: true, .. }));
        let is_own_struct = |l: &Lowered, types: &BTreeMap<String, TypeDef>| {
            l.ty == TypeRef::Named(type_name.clone())
                && matches!(types.get(&type_name).map(|t| &t.kind), Some(TypeKind::Struct(_)))
        };
        let result = match result {
            Some(l) if hit && !is_own_struct(&l, &self.types) => {
                self.err(
                    &cp,
                    format!("schema `{name}` contains itself but is not an object (or is an alias of one): only object schemas may be recursive, referenced by their own name"),
                );
                None
            }
            other => other,
        };
        let state = match &result {
            Some(l) => ComponentState::Done(l.clone()),
            None => ComponentState::Failed,
        };
        self.components.insert(name.to_owned(), state);
        result
    }

    /// A component met again: its result, or (while it is being lowered) a recursive use.
    fn revisit_component(&mut self, name: &str, use_pointer: &str) -> Option<Lowered> {
        let (ty, containers, hit) = match self.components.get_mut(name)? {
            ComponentState::Done(l) => return Some(l.clone()),
            ComponentState::Failed => return None,
            ComponentState::InProgress { ty, containers, hit } => (ty, containers, hit),
        };
        // Reached itself again. Through an array or a map (`children: [Node]`) the Rust type is
        // finite; directly (`parent: Node`) it would need a `Box`.
        if self.containers > *containers {
            *hit = true;
            return Some(Lowered::plain(ty.clone()));
        }
        if let Some(alias) = use_pointer.strip_prefix("/components/schemas/").filter(|a| !a.contains('/')) {
            let alias = unescape(alias);
            self.err(
                use_pointer,
                format!("`$ref` cycle: `{alias}` refers to `{name}`, which refers back to `{alias}` without ever reaching a schema"),
            );
            return None;
        }
        self.err(
            use_pointer,
            format!(
                "schema `{name}` contains itself with no array or map in between: the Rust type would have \
                 infinite size and the generator does not box fields; make the recursive property an array, \
                 or break the cycle"
            ),
        );
        None
    }

    /// Follows a `$ref` (and alias chains) to a component schema: (name, schema, pointer).
    pub(super) fn deref_component(&mut self, reference: &str, pointer: &str) -> Option<(String, &'a Schema, String)> {
        let mut reference = reference.to_owned();
        let mut use_pointer = pointer.to_owned();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let Some(name) = reference.strip_prefix(SCHEMA_PREFIX).map(unescape) else {
                self.err(
                    &use_pointer,
                    format!(
                        "`$ref: {reference}` is not supported: only local `#/components/schemas/<name>` references are"
                    ),
                );
                return None;
            };
            if seen.contains(&name) {
                self.err(&use_pointer, format!("`$ref` cycle: `{}` → `{name}`", seen.join("` → `")));
                return None;
            }
            let cp = join("/components/schemas", &name);
            match self.component(&name) {
                Some(ReferenceOr::Item(s)) => return Some((name, s, cp)),
                Some(ReferenceOr::Reference { reference: r2 }) => {
                    seen.push(name);
                    reference = r2.clone();
                    use_pointer = cp;
                }
                None => {
                    self.err(
                        &use_pointer,
                        format!("`$ref: {reference}` does not resolve: there is no schema `{name}` in components"),
                    );
                    return None;
                }
            }
        }
    }

    /// An inline schema, named by its `title` or else `hint`; lowered once per pointer.
    fn lower_inline(&mut self, schema: &'a Schema, pointer: &str, hint: &str) -> Option<Lowered> {
        if let Some(done) = self.inline.get(pointer) {
            return done.clone();
        }
        self.keys(pointer, Kind::Schema);
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
        let r = self.lower_inline_named(schema, pointer, &name);
        self.inline.insert(pointer.to_owned(), r.clone());
        r
    }

    /// Lowers a schema; enums and objects become a named type called `name`.
    fn lower_inline_named(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> Option<Lowered> {
        let data = &schema.schema_data;
        self.check_unsupported_flags(data, pointer)?;
        let mut docs: Vec<String> = Vec::new();
        match (&data.description, &data.title) {
            (Some(d), _) => docs.push(d.trim().to_owned()),
            (None, Some(t)) if t.contains(' ') => docs.push(t.trim().to_owned()),
            _ => {}
        }
        let mut notes: Vec<String> = self.unverified(&data.extensions, pointer).into_iter().collect();
        if data.deprecated {
            notes.push("**Deprecated.**".to_owned());
        }
        if let Some(d) = &data.default {
            notes.push(format!("Default: `{}`.", compact(d)));
        }
        let region_default = ext_is(&data.extensions, "x-client-default", "region");
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            if let [only] = all_of.as_slice() {
                // The OpenAPI 3.0 idiom for annotating a `$ref`: `allOf: [$ref]` + siblings.
                let mut l = self.lower_schema(sref(only), &join(&join(pointer, "allOf"), 0), name)?;
                l.nullable |= data.nullable;
                if !docs.is_empty() {
                    l.docs = docs;
                }
                l.notes.extend(notes);
                l.region_default |= region_default;
                self.check_default(pointer, data, &l.ty, l.nullable);
                return Some(l);
            }
        }
        let (ty, mut extra) = self.lower_kind(schema, pointer, name)?;
        self.check_default(pointer, data, &ty, data.nullable);
        extra.extend(notes);
        Some(Lowered { ty, nullable: data.nullable, docs, notes: extra, region_default })
    }

    /// `discriminator`, `readOnly` and `writeOnly` have no Rust counterpart here.
    fn check_unsupported_flags(&mut self, data: &openapiv3::SchemaData, pointer: &str) -> Option<()> {
        if data.discriminator.is_some() {
            self.err(
                &join(pointer, "discriminator"),
                "`discriminator` (polymorphism) is not supported: model the variants as one object with optional properties",
            );
            return None;
        }
        for (flag, key) in [(data.read_only, "readOnly"), (data.write_only, "writeOnly")] {
            if flag {
                self.err(
                    &join(pointer, key),
                    format!("`{key}` is not supported: the generator uses one type for requests and responses; remove it, or split the schema"),
                );
                return None;
            }
        }
        Some(())
    }

    /// The type of a schema by its kind, plus doc notes about its constraints.
    fn lower_kind(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> Option<(TypeRef, Vec<String>)> {
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                if all_of.is_empty() {
                    self.err(&join(pointer, "allOf"), "an empty `allOf`: list at least one schema, or remove it");
                    return None;
                }
                self.named_object(schema, pointer, name)
            }
            SchemaKind::OneOf { one_of } => self.lower_one_of(one_of, pointer),
            SchemaKind::AnyOf { .. } => {
                self.err(
                    &join(pointer, "anyOf"),
                    "`anyOf` is not supported: use `oneOf` of scalars, or one object with optional properties",
                );
                None
            }
            SchemaKind::Not { .. } => {
                self.err(
                    &join(pointer, "not"),
                    "`not` is not supported: describe the allowed values positively (`enum`, `pattern`, bounds)",
                );
                None
            }
            SchemaKind::Any(a) => {
                if is_object_like(a) {
                    if a.properties.is_empty() && a.all_of.is_empty() {
                        // `additionalProperties` without `type: object`.
                        let v = self.map_value(a.additional_properties.as_ref(), pointer, name)?;
                        Some((TypeRef::Map(Box::new(v)), vec![]))
                    } else {
                        self.named_object(schema, pointer, name)
                    }
                } else if is_empty_any(a) {
                    Some((TypeRef::Json, vec![]))
                } else {
                    self.diagnose_any(a, pointer);
                    None
                }
            }
            SchemaKind::Type(t) => self.lower_type(schema, t, pointer, name),
        }
    }

    /// Registers the struct `name` and refers to it.
    fn named_object(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> Option<(TypeRef, Vec<String>)> {
        self.object_type(schema, pointer, name)?;
        Some((TypeRef::Named(name.to_owned()), vec![]))
    }

    /// `oneOf` over inline scalars: a value the server sends either way, kept as text.
    fn lower_one_of(&mut self, one_of: &[ReferenceOr<Schema>], pointer: &str) -> Option<(TypeRef, Vec<String>)> {
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
        if !all_scalar {
            self.err(
                &join(pointer, "oneOf"),
                "`oneOf` is only supported over inline scalar types (string/integer/number/boolean), as a value \
                 the server sends either way; unions of objects are not supported",
            );
            return None;
        }
        for (i, m) in one_of.iter().enumerate() {
            let mp = join(&join(pointer, "oneOf"), i);
            self.keys(&mp, Kind::Schema);
            if let ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(st)), .. }) = m {
                if !st.enumeration.is_empty() {
                    self.err(&mp, "`enum` inside `oneOf` is not supported: use a string enum instead of the `oneOf`");
                    return None;
                }
            }
        }
        Some((TypeRef::Scalar, vec!["Sent by the server as a string or a number; kept as text.".into()]))
    }

    /// A schema with a `type`.
    fn lower_type(
        &mut self,
        schema: &'a Schema,
        t: &'a Type,
        pointer: &str,
        name: &str,
    ) -> Option<(TypeRef, Vec<String>)> {
        match t {
            Type::String(st) => self.lower_string(schema, st, pointer, name),
            Type::Integer(it) => self.lower_integer(schema, it, pointer, name),
            Type::Number(nt) => {
                if !nt.enumeration.is_empty() {
                    self.err(
                        &join(pointer, "enum"),
                        "`enum` on a number is not supported: use an integer or string enum",
                    );
                    return None;
                }
                if let VariantOrUnknownOrEmpty::Unknown(f) = &nt.format {
                    self.err(
                        &join(pointer, "format"),
                        format!("number format `{f}` is not supported (float, double; both become f64)"),
                    );
                    return None;
                }
                Some((TypeRef::F64, vec![]))
            }
            Type::Boolean(bt) => {
                if !bt.enumeration.is_empty() {
                    self.err(
                        &join(pointer, "enum"),
                        "`enum` on a boolean is not supported: remove it and say which value in `description`",
                    );
                    return None;
                }
                Some((TypeRef::Bool, vec![]))
            }
            Type::Array(at) => self.lower_array(at, &schema.schema_data.extensions, pointer, name),
            Type::Object(ot) => {
                if !ot.properties.is_empty() {
                    return self.named_object(schema, pointer, name);
                }
                match &ot.additional_properties {
                    // `type: object` alone: an empty struct (named after the schema; like every
                    // struct it ignores members it does not know).
                    None | Some(AdditionalProperties::Any(false)) => self.named_object(schema, pointer, name),
                    ap => {
                        let v = self.map_value(ap.as_ref(), pointer, name)?;
                        Some((TypeRef::Map(Box::new(v)), vec![]))
                    }
                }
            }
        }
    }

    /// `type: string`, a string enum when it has `enum`.
    fn lower_string(
        &mut self,
        schema: &'a Schema,
        st: &StringType,
        pointer: &str,
        name: &str,
    ) -> Option<(TypeRef, Vec<String>)> {
        let mut extra = Vec::new();
        extra.extend(bounds(
            st.min_length,
            st.max_length,
            "Length {a}–{b} characters.",
            "At least {a} characters.",
            "At most {b} characters.",
        ));
        if let Some(p) = &st.pattern {
            extra.push(format!("Pattern: `{p}`."));
        }
        match &st.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
                self.err(
                    &join(pointer, "format"),
                    "`format: binary` (file upload) is not supported: the client sends JSON only",
                );
                return None;
            }
            VariantOrUnknownOrEmpty::Item(f) => {
                let f = match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                };
                extra.push(format!("Format: `{f}`."));
            }
            VariantOrUnknownOrEmpty::Unknown(f) => extra.push(format!("Format: `{f}`.")),
            VariantOrUnknownOrEmpty::Empty => {}
        }
        if st.enumeration.is_empty() {
            return Some((TypeRef::String, extra));
        }
        self.string_enum(schema, pointer, name, &st.enumeration)?;
        Some((TypeRef::Named(name.to_owned()), extra))
    }

    /// `type: integer` (`int32` or `int64`), an integer enum when it has `enum`.
    fn lower_integer(
        &mut self,
        schema: &'a Schema,
        it: &IntegerType,
        pointer: &str,
        name: &str,
    ) -> Option<(TypeRef, Vec<String>)> {
        let ty = match &it.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => TypeRef::I64,
            VariantOrUnknownOrEmpty::Unknown(f) => {
                self.err(&join(pointer, "format"), format!("integer format `{f}` is not supported (int32, int64)"));
                return None;
            }
        };
        let extra: Vec<String> =
            bounds(it.minimum, it.maximum, "Range {a}–{b}.", "Minimum {a}.", "Maximum {b}.").into_iter().collect();
        if it.enumeration.is_empty() {
            return Some((ty, extra));
        }
        self.int_enum(schema, pointer, name, &it.enumeration)?;
        Some((TypeRef::Named(name.to_owned()), extra))
    }

    /// `type: array`: a `Vec` of the items' type; with `x-comma-separated: true` (string items
    /// only) a `Vec<String>` sent and received as one comma-joined string.
    fn lower_array(
        &mut self,
        at: &'a ArrayType,
        ext: &indexmap::IndexMap<String, Value>,
        pointer: &str,
        name: &str,
    ) -> Option<(TypeRef, Vec<String>)> {
        let Some(items) = &at.items else {
            self.err(pointer, "an array needs `items`: add `items: <schema>`");
            return None;
        };
        self.containers += 1;
        let item = self.lower_schema(sref_box(items), &join(pointer, "items"), &format!("{name}Item"));
        self.containers -= 1;
        let extra = bounds(at.min_items, at.max_items, "{a}–{b} items.", "At least {a} items.", "At most {b} items.");
        let item = item?.ty;
        if item == TypeRef::CommaList {
            self.err(&join(pointer, "items"), "an array of `x-comma-separated` arrays is not supported");
            return None;
        }
        let comma = match ext.get("x-comma-separated") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) if item == TypeRef::String => true,
            Some(Value::Bool(true)) => {
                self.err(
                    &join(pointer, "x-comma-separated"),
                    "`x-comma-separated: true` needs `items: {type: string}`",
                );
                return None;
            }
            Some(v) => {
                self.err(
                    &join(pointer, "x-comma-separated"),
                    format!("`x-comma-separated: {v}` must be `true` or `false`"),
                );
                return None;
            }
        };
        let mut extra: Vec<String> = extra.into_iter().collect();
        if comma {
            extra.push("On the wire: one string, the values joined with `,`.".to_owned());
            return Some((TypeRef::CommaList, extra));
        }
        Some((TypeRef::Vec(Box::new(item)), extra))
    }

    /// Value type of a map (`additionalProperties`): free-form JSON when absent or `true`.
    fn map_value(&mut self, ap: Option<&'a AdditionalProperties>, pointer: &str, name: &str) -> Option<TypeRef> {
        match ap {
            None | Some(AdditionalProperties::Any(_)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(s)) => {
                self.containers += 1;
                let v = self.lower_schema(sref(s), &join(pointer, "additionalProperties"), &format!("{name}Value"));
                self.containers -= 1;
                Some(v?.ty)
            }
        }
    }

    /// Checks `default` against the schema's type.
    fn check_default(&mut self, pointer: &str, data: &openapiv3::SchemaData, ty: &TypeRef, nullable: bool) {
        let Some(d) = &data.default else { return };
        let ok = match (ty, d) {
            (_, Value::Null) => nullable,
            (TypeRef::String, v) => v.is_string(),
            (TypeRef::I32, v) => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            (TypeRef::I64, v) => v.is_i64(),
            (TypeRef::F64, v) => v.is_number(),
            (TypeRef::Bool, v) => v.is_boolean(),
            (TypeRef::Scalar, v) => v.is_string() || v.is_number() || v.is_boolean(),
            (TypeRef::Json, _) => true,
            (TypeRef::Vec(_), v) => v.is_array(),
            (TypeRef::CommaList, v) => v.is_array(),
            (TypeRef::Map(_), v) => v.is_object(),
            (TypeRef::Named(n), v) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(vs)) => v.as_str().is_some_and(|s| vs.iter().any(|x| x.value == s)),
                Some(TypeKind::IntEnum(vs)) => v.as_i64().is_some_and(|s| vs.iter().any(|x| x.value == s)),
                Some(TypeKind::Struct(_)) => v.is_object(),
                None => true,
            },
        };
        if !ok {
            let what = match ty {
                TypeRef::String => "a string".to_owned(),
                TypeRef::I32 => "an int32 integer".to_owned(),
                TypeRef::I64 => "an integer".to_owned(),
                TypeRef::F64 => "a number".to_owned(),
                TypeRef::Bool => "a boolean".to_owned(),
                TypeRef::Named(n) => format!("a value of `{n}`"),
                TypeRef::Vec(_) => "an array".to_owned(),
                _ => "an object".to_owned(),
            };
            self.err(
                &join(pointer, "default"),
                format!("`default: {}` is not {what}: fix the default or the type", compact(d)),
            );
        }
    }
}

/// The doc note of a pair of bounds: `both`, `min` or `max` with `{a}` (the minimum) and `{b}`
/// (the maximum) filled in; `None` without bounds.
fn bounds<T: std::fmt::Display + Copy>(
    lo: Option<T>,
    hi: Option<T>,
    both: &str,
    min: &str,
    max: &str,
) -> Option<String> {
    let fill = |template: &str, a: &Option<T>, b: &Option<T>| {
        let text = |x: &Option<T>| x.as_ref().map(ToString::to_string).unwrap_or_default();
        template.replace("{a}", &text(a)).replace("{b}", &text(b))
    };
    match (&lo, &hi) {
        (Some(_), Some(_)) => Some(fill(both, &lo, &hi)),
        (Some(_), None) => Some(fill(min, &lo, &hi)),
        (None, Some(_)) => Some(fill(max, &lo, &hi)),
        (None, None) => None,
    }
}
