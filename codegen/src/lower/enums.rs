//! String and integer enums (`x-enum-varnames`, `x-enum-descriptions`).

use std::collections::{BTreeSet, HashMap};

use openapiv3::Schema;
use serde_json::Value;

use super::{module_for, Lowerer};
use crate::diag::join;
use crate::ir::{TypeDef, TypeKind, Variant};
use crate::names::{is_pascal_ident, pascal};

impl<'a> Lowerer<'a> {
    /// `x-enum-varnames` (checked: count, identifiers) and `x-enum-descriptions`.
    fn varnames(&mut self, schema: &Schema, pointer: &str, count: usize) -> (Option<Vec<String>>, Vec<String>) {
        let ext = &schema.schema_data.extensions;
        let names = match ext.get("x-enum-varnames") {
            None => None,
            Some(Value::Array(a)) => {
                Some(a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>())
            }
            Some(_) => {
                self.err(&join(pointer, "x-enum-varnames"), "`x-enum-varnames` must be a list of names");
                Some(Vec::new())
            }
        };
        if let Some(n) = &names {
            if n.len() != count {
                self.err(
                    &join(pointer, "x-enum-varnames"),
                    format!("`x-enum-varnames` has {} names for {count} enum values", n.len()),
                );
            }
            for (i, v) in n.iter().enumerate() {
                if !is_pascal_ident(v) {
                    self.err(
                        &join(&join(pointer, "x-enum-varnames"), i),
                        format!("`{v}` is not an UpperCamelCase Rust identifier (e.g. `Gib1`, not `gib_1` or `Gib_1`)"),
                    );
                }
            }
        }
        let descs = match ext.get("x-enum-descriptions") {
            None => Vec::new(),
            Some(Value::Array(a)) => a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect(),
            Some(_) => {
                self.err(&join(pointer, "x-enum-descriptions"), "`x-enum-descriptions` must be a list of strings");
                Vec::new()
            }
        };
        (names, descs)
    }

    /// Registers the string enum `name`; values and variant names must be unique.
    pub(super) fn string_enum(
        &mut self,
        schema: &Schema,
        pointer: &str,
        name: &str,
        values: &[Option<String>],
    ) -> Option<()> {
        let (names, descs) = self.varnames(schema, pointer, values.len());
        let mut variants: Vec<Variant<String>> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut values_seen: BTreeSet<&str> = BTreeSet::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else {
                // `null` in an enum list: the field is nullable; nothing to generate.
                continue;
            };
            let vp = join(&join(pointer, "enum"), i);
            if !values_seen.insert(v) {
                self.err(&vp, format!("enum value `{v}` is listed twice"));
                ok = false;
                continue;
            }
            let rust = match names.as_ref().and_then(|n| n.get(i)) {
                Some(n) => n.clone(),
                None => pascal(v).unwrap_or_else(|| format!("Value{i}")),
            };
            if rust == "Unknown" || rust == "KNOWN" {
                self.err(&vp, format!("enum value `{v}` becomes the variant `{rust}`, reserved by the generated enum (the `Unknown(String)` fallback, the `KNOWN` list): add `x-enum-varnames`"));
                ok = false;
                continue;
            }
            if let Some(prev) = seen.insert(rust.clone(), v.clone()) {
                self.err(
                    &vp,
                    format!("enum values `{prev}` and `{v}` both become the variant `{rust}`: add `x-enum-varnames`"),
                );
                ok = false;
                continue;
            }
            let docs = variant_docs(&descs, i, v);
            variants.push(Variant { rust_name: rust, value: v.clone(), docs });
        }
        if !ok {
            return None;
        }
        let empty = variants.is_empty();
        self.register_enum(schema, pointer, name, empty, TypeKind::StringEnum(variants))
    }

    /// Registers the integer enum `name` (variants `V1`, `Minus1`, or `x-enum-varnames`).
    pub(super) fn int_enum(
        &mut self,
        schema: &Schema,
        pointer: &str,
        name: &str,
        values: &[Option<i64>],
    ) -> Option<()> {
        let (names, descs) = self.varnames(schema, pointer, values.len());
        let mut variants = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut values_seen: BTreeSet<i64> = BTreeSet::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let vp = join(&join(pointer, "enum"), i);
            if !values_seen.insert(*v) {
                self.err(&vp, format!("enum value `{v}` is listed twice"));
                ok = false;
                continue;
            }
            let rust = match names.as_ref().and_then(|n| n.get(i)) {
                Some(n) => n.clone(),
                None => {
                    if *v < 0 {
                        format!("Minus{}", v.unsigned_abs())
                    } else {
                        format!("V{v}")
                    }
                }
            };
            if rust == "Unknown" || !seen.insert(rust.clone()) {
                self.err(&vp, format!("enum value `{v}` gives a duplicate or reserved variant `{rust}`"));
                ok = false;
                continue;
            }
            let docs = variant_docs(&descs, i, v);
            variants.push(Variant { rust_name: rust, value: *v, docs });
        }
        if !ok {
            return None;
        }
        let empty = variants.is_empty();
        self.register_enum(schema, pointer, name, empty, TypeKind::IntEnum(variants))
    }

    /// Registers a lowered enum type; an enum left without any non-null value is an error.
    fn register_enum(&mut self, schema: &Schema, pointer: &str, name: &str, empty: bool, kind: TypeKind) -> Option<()> {
        if empty {
            self.err(
                &join(pointer, "enum"),
                "an enum needs at least one non-null value: list the values, or remove `enum`",
            );
            return None;
        }
        let docs = self.type_docs(schema);
        self.register(TypeDef {
            name: name.to_owned(),
            docs,
            kind,
            pointer: pointer.to_owned(),
            module: module_for(pointer),
            request_side: false,
        })
    }
}

/// Rustdoc of an enum variant: its wire value, with its `x-enum-descriptions` entry if any.
fn variant_docs(descs: &[String], i: usize, value: impl std::fmt::Display) -> Vec<String> {
    match descs.get(i).filter(|d| !d.is_empty()) {
        Some(d) => vec![format!("`{value}`: {d}")],
        None => vec![format!("`{value}`")],
    }
}
