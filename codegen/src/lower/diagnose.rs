//! Why a schema the typed model left untyped (`SchemaKind::Any`) was not understood: a 3.1 or
//! unknown `type`, keywords of another type, wrongly typed values, or a missing `type`.

use openapiv3::AnySchema;
use serde_json::Value;

use super::{compact, Lowerer};
use crate::diag::join;
use crate::raw;

/// The types of OpenAPI 3.0.
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// Keywords that only apply to some types.
const TYPED: &[&str] = &[
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "enum",
    "multipleOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
];

/// The keywords of [`TYPED`] that apply to type `t`.
fn allowed(t: Option<&str>) -> &'static [&'static str] {
    match t {
        Some("string") => &["format", "pattern", "minLength", "maxLength", "enum"],
        Some("number" | "integer") => {
            &["format", "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
        }
        Some("boolean") => &["enum"],
        Some("array") => &["items", "minItems", "maxItems", "uniqueItems"],
        Some("object") => {
            &["properties", "required", "additionalProperties", "minProperties", "maxProperties", "allOf"]
        }
        _ => &[],
    }
}

impl Lowerer<'_> {
    /// Explains why an untyped-looking schema was not understood.
    pub(super) fn diagnose_any(&mut self, a: &AnySchema, pointer: &str) {
        let keys = raw::keys(self.raw, pointer);
        match a.typ.as_deref() {
            Some("null") => {
                self.err(&join(pointer, "type"), "`type: null` is OpenAPI 3.1: use `nullable: true` on the schema");
            }
            Some(t) if !TYPES.contains(&t) => self.err(
                &join(pointer, "type"),
                format!("unknown type `{t}`: OpenAPI 3.0 types are string, number, integer, boolean, array, object"),
            ),
            Some(t) => self.diagnose_typed(a, t, &keys, pointer),
            None => self.diagnose_untyped(&keys, pointer),
        }
    }

    /// A schema with a known `type` the typed model did not accept.
    fn diagnose_typed(&mut self, a: &AnySchema, t: &str, keys: &[String], pointer: &str) {
        let allowed = allowed(Some(t));
        if let Some(k) = keys.iter().find(|k| TYPED.contains(&k.as_str()) && !allowed.contains(&k.as_str())) {
            self.err(&join(pointer, k), format!("`{k}` does not apply to `type: {t}`: remove it, or fix `type`"));
            return;
        }
        // Right keywords, wrong values: enum members or bounds of the wrong type.
        for (i, v) in a.enumeration.iter().enumerate() {
            if !is_of_type(v, t) {
                self.err(
                    &join(&join(pointer, "enum"), i),
                    format!("enum value `{}` is not a {t}: quote it, or fix `type`", compact(v)),
                );
                return;
            }
        }
        if t == "integer" {
            for (k, v) in [("minimum", a.minimum), ("maximum", a.maximum), ("multipleOf", a.multiple_of)] {
                if v.is_some_and(|x| x.fract() != 0.0) {
                    self.err(&join(pointer, k), format!("`{k}` of an integer must be an integer"));
                    return;
                }
            }
        }
        self.err(
            pointer,
            format!("a schema of `type: {t}` that could not be understood: check its keywords against `type`"),
        );
    }

    /// A schema without `type`: combinators mixed with typed keywords, or keywords needing a type.
    fn diagnose_untyped(&mut self, keys: &[String], pointer: &str) {
        let combinators: Vec<&String> =
            keys.iter().filter(|k| ["oneOf", "anyOf", "not", "allOf"].contains(&k.as_str())).collect();
        if combinators.len() > 1
            || (!combinators.is_empty()
                && keys.iter().any(|k| TYPED.contains(&k.as_str()) && !combinators.contains(&k)))
        {
            let k = combinators[0];
            self.err(&join(pointer, k), format!("`{k}` combined with other type keywords is not supported"));
            return;
        }
        match keys.iter().find(|k| TYPED.contains(&k.as_str())) {
            Some(k) => {
                self.err(
                    &join(pointer, k),
                    format!("a schema with `{k}` needs a `type`: add the `type` it constrains"),
                );
            }
            None => self.err(pointer, "a schema that could not be understood: give it a `type`"),
        }
    }
}

/// Whether an enum member fits `type: t` (`null` fits all: it means nullable).
fn is_of_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string() || v.is_null(),
        "integer" => v.is_i64() || v.is_null(),
        "number" => v.is_number() || v.is_null(),
        "boolean" => v.is_boolean() || v.is_null(),
        _ => false,
    }
}

/// `properties`/`required`/`additionalProperties`/`allOf` and nothing of another type.
pub(super) fn is_object_like(a: &AnySchema) -> bool {
    matches!(a.typ.as_deref(), None | Some("object"))
        && (!a.properties.is_empty()
            || !a.required.is_empty()
            || !a.all_of.is_empty()
            || a.additional_properties.is_some())
        && a.pattern.is_none()
        && a.multiple_of.is_none()
        && a.exclusive_minimum.is_none()
        && a.exclusive_maximum.is_none()
        && a.minimum.is_none()
        && a.maximum.is_none()
        && a.items.is_none()
        && a.min_items.is_none()
        && a.max_items.is_none()
        && a.unique_items.is_none()
        && a.enumeration.is_empty()
        && a.format.is_none()
        && a.min_length.is_none()
        && a.max_length.is_none()
        && a.one_of.is_empty()
        && a.any_of.is_empty()
        && a.not.is_none()
}

/// A schema with no keyword at all: free-form JSON.
pub(super) fn is_empty_any(a: &AnySchema) -> bool {
    a.typ.is_none()
        && a.properties.is_empty()
        && a.items.is_none()
        && a.enumeration.is_empty()
        && a.one_of.is_empty()
        && a.all_of.is_empty()
        && a.any_of.is_empty()
        && a.not.is_none()
        && a.additional_properties.is_none()
        && a.required.is_empty()
        && a.format.is_none()
        && a.pattern.is_none()
        && a.minimum.is_none()
        && a.maximum.is_none()
        && a.multiple_of.is_none()
        && a.min_length.is_none()
        && a.max_length.is_none()
        && a.min_items.is_none()
        && a.max_items.is_none()
        && a.unique_items.is_none()
        && a.exclusive_minimum.is_none()
        && a.exclusive_maximum.is_none()
        && a.min_properties.is_none()
        && a.max_properties.is_none()
}
