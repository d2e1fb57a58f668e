//! The spec as plain YAML. The typed model (`openapiv3`) silently drops what it does not know:
//! misspelt keys, OpenAPI 3.1 keywords, siblings of `$ref`. Those are checked here against the
//! raw document, so nothing in a spec is ignored without being reported.

use serde_yaml::Value;

use crate::names::suggest;

/// The node a JSON pointer designates.
pub(crate) fn at<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut cur = root;
    if pointer.is_empty() {
        return Some(cur);
    }
    for tok in pointer.split('/').skip(1) {
        let tok: std::borrow::Cow<'_, str> =
            if tok.contains('~') { tok.replace("~1", "/").replace("~0", "~").into() } else { tok.into() };
        while let Value::Tagged(t) = cur {
            cur = &t.value;
        }
        cur = match cur {
            Value::Mapping(m) => match m.get(&*tok) {
                Some(v) => v,
                None => m.iter().find(|(k, _)| key_text(k).as_deref() == Some(&*tok))?.1,
            },
            Value::Sequence(s) => s.get(tok.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A mapping key as text (`200` and `"200"` alike).
pub(crate) fn key_text(k: &Value) -> Option<String> {
    match k {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".into()),
        _ => None,
    }
}

/// The keys of the mapping at `pointer` (empty when it is not a mapping).
pub(crate) fn keys(root: &Value, pointer: &str) -> Vec<String> {
    match at(root, pointer) {
        Some(Value::Mapping(m)) => m.keys().filter_map(key_text).collect(),
        _ => Vec::new(),
    }
}

/// Kinds of OpenAPI objects whose keys are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Info,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    MediaType,
    Response,
    Schema,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Root => "the top-level object",
            Kind::Info => "`info`",
            Kind::Components => "`components`",
            Kind::PathItem => "a path item",
            Kind::Operation => "an operation",
            Kind::Parameter => "a parameter",
            Kind::RequestBody => "a request body",
            Kind::MediaType => "a media type object",
            Kind::Response => "a response",
            Kind::Schema => "a schema",
        }
    }

    /// Fixed fields of the OpenAPI 3.0.3 object.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Root => &["openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"],
            Kind::Info => &["title", "description", "termsOfService", "contact", "license", "version"],
            Kind::Components => &[
                "schemas",
                "responses",
                "parameters",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
            ],
            Kind::PathItem => &[
                "$ref",
                "summary",
                "description",
                "get",
                "put",
                "post",
                "delete",
                "options",
                "head",
                "patch",
                "trace",
                "servers",
                "parameters",
            ],
            Kind::Operation => &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "parameters",
                "requestBody",
                "responses",
                "callbacks",
                "deprecated",
                "security",
                "servers",
            ],
            Kind::Parameter => &[
                "name",
                "in",
                "description",
                "required",
                "deprecated",
                "allowEmptyValue",
                "style",
                "explode",
                "allowReserved",
                "schema",
                "example",
                "examples",
                "content",
            ],
            Kind::RequestBody => &["description", "content", "required"],
            Kind::MediaType => &["schema", "example", "examples", "encoding"],
            Kind::Response => &["description", "headers", "content", "links"],
            Kind::Schema => SCHEMA_KEYS,
        }
    }
}

/// OpenAPI 3.0.3 Schema Object fields.
pub(crate) const SCHEMA_KEYS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// JSON Schema 2020-12 keywords that OpenAPI 3.1 allows and 3.0 does not.
const JSON_SCHEMA_2020: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$defs",
    "$dynamicRef",
    "$dynamicAnchor",
    "$comment",
    "const",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "dependentRequired",
    "dependentSchemas",
    "else",
    "examples",
    "if",
    "maxContains",
    "minContains",
    "patternProperties",
    "prefixItems",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// Vendor extensions this generator reads; a near miss (`x-idempotant`) is reported.
pub(crate) const EXTENSIONS: &[&str] = &[
    "x-client-default",
    "x-comma-separated",
    "x-enum-descriptions",
    "x-enum-varnames",
    "x-envelope",
    "x-error-codes",
    "x-idempotent",
    "x-pagination",
    "x-primary",
    "x-rust-name",
    "x-sent-default",
    "x-unverified",
    "x-waiter",
    "x-waiters",
];

/// Keys allowed next to `$ref` (OpenAPI 3.0 ignores every sibling of `$ref`; these carry no
/// meaning anyway, or are read by this generator from the raw node).
const REF_SIBLINGS: &[&str] = &["description", "summary", "title", "x-rust-name"];

/// Problems with the keys of the object at `pointer`: `(pointer of the key, message)`.
pub(crate) fn check_keys(root: &Value, pointer: &str, kind: Kind) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(Value::Mapping(m)) = at(root, pointer) else { return out };
    let is_ref = m.contains_key("$ref") && kind != Kind::PathItem;
    for k in m.keys() {
        let key = match k {
            Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
            other => match key_text(other) {
                Some(t) => t.into(),
                None => {
                    out.push((pointer.to_owned(), format!("a key of {} is not a string", kind.what())));
                    continue;
                }
            },
        };
        let key = &*key;
        if key == "$ref" || (!key.starts_with("x-") && !is_ref && kind.keys().contains(&key)) {
            continue;
        }
        let kp = crate::diag::join(pointer, key);
        if key.starts_with("x-") {
            if key == "x-sent-default" && kind != Kind::Parameter {
                out.push((kp, format!("`x-sent-default` belongs on a query parameter, not on {}", kind.what())));
                continue;
            }
            if !EXTENSIONS.contains(&key) {
                if let Some(s) = suggest(key, EXTENSIONS) {
                    out.push((kp, format!("unknown extension `{key}`: did you mean `{s}`?")));
                }
            }
            continue;
        }
        if is_ref {
            if !REF_SIBLINGS.contains(&key) {
                out.push((
                    kp,
                    format!(
                        "`{key}` next to `$ref` is ignored by OpenAPI 3.0 (a `$ref` replaces its siblings): \
                         write `allOf: [{{$ref: ...}}]` with `{key}` beside the `allOf`"
                    ),
                ));
            }
            continue;
        }
        if key == "<<" {
            out.push((kp, "YAML merge keys (`<<`) are not supported: write the keys out".to_owned()));
        } else if kind == Kind::Schema && JSON_SCHEMA_2020.contains(&key) {
            out.push((
                kp,
                format!("`{key}` is a JSON Schema 2020-12 (OpenAPI 3.1) keyword: not supported in OpenAPI 3.0"),
            ));
        } else if kind == Kind::Root && key == "webhooks" {
            out.push((kp, "`webhooks` is OpenAPI 3.1: not supported".to_owned()));
        } else {
            let hint = match suggest(key, kind.keys()) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => String::new(),
            };
            out.push((
                kp,
                format!(
                    "unknown key `{key}` in {}{hint}: OpenAPI 3.0 ignores it, so the generator would drop it silently; \
                     fix it, or prefix a vendor extension with `x-`",
                    kind.what()
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_and_keys() {
        let v: Value = serde_yaml::from_str("a:\n  b/c: [1, {d: 2}]\n  200: x\n").unwrap();
        assert_eq!(at(&v, "/a/b~1c/1/d"), Some(&Value::from(2)));
        assert_eq!(at(&v, "/a/200"), Some(&Value::from("x")));
        assert_eq!(at(&v, "/a/b~1c/9"), None);
        assert_eq!(at(&v, ""), Some(&v));
        let s: Value =
            serde_yaml::from_str("type: string\nrequried: [a]\nconst: 1\nx-idempotant: true\nx-ok: 1\n").unwrap();
        let p = check_keys(&s, "", Kind::Schema);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].1.contains("did you mean `required`"));
        assert!(p[1].1.contains("OpenAPI 3.1"));
        assert!(p[2].1.contains("did you mean `x-idempotent`"));
        let r: Value = serde_yaml::from_str("$ref: '#/x'\nnullable: true\ndescription: d\n").unwrap();
        let p = check_keys(&r, "", Kind::Schema);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "/nullable");
    }
}
