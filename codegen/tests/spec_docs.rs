//! Every schema property and parameter of `spec/ctimage.yaml` says what it means (issue #11):
//! its description, or for a bare `$ref` (or `allOf: [$ref]`) the referenced schema's, is not
//! missing, not a restatement of the field's name ("Name.", "ID." for `imageName`, `imageID`),
//! and its first sentence, which the generated setters and CLI use alone, has at least
//! [`MIN_WORDS`] words. Descriptions never carry a JSON pointer.
//!
//! [`lint_docs`] returns the problems, so the `seeded_*` tests can plant a terse doc and check
//! that it is reported.

use std::path::Path;

use serde_json::Value;

/// The least number of words of a field's first sentence.
const MIN_WORDS: usize = 4;

/// Fields allowed to break the rule, by location (`Schema.property`, `operationId.property`,
/// `operationId?parameter`, `#parameter ComponentName`), each with its reason. Empty: every field
/// of the spec is documented.
const EXCEPTIONS: &[(&str, &str)] = &[];

fn load_spec() -> Value {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ctimage.yaml"));
    let text = std::fs::read_to_string(path).expect("read spec/ctimage.yaml");
    serde_yaml::from_str(&text).expect("spec/ctimage.yaml is YAML")
}

/// The schema a local `$ref` points to.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// A schema's own description, else that of the schema it only wraps (`$ref`, `allOf: [one]`).
fn effective_description<'a>(doc: &'a Value, schema: &'a Value, depth: usize) -> Option<&'a str> {
    if depth > 8 {
        return None;
    }
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        return Some(d);
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return effective_description(doc, resolve(doc, r)?, depth + 1);
    }
    match schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) => effective_description(doc, only, depth + 1),
        _ => None,
    }
}

/// The first sentence, by the generator's own rule (the one setters and accessors show).
fn first_sentence(text: &str) -> String {
    ctyun_image_codegen::emit::first_sentence(&[text.to_owned()])
}

fn normalized(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// One documented field: where it is, its wire name, its effective description.
struct Field<'a> {
    at: String,
    name: String,
    description: Option<&'a str>,
}

/// The properties of an inline schema (not followed through `$ref`: components are walked once).
fn walk_schema<'a>(doc: &'a Value, schema: &'a Value, at: &str, out: &mut Vec<Field<'a>>) {
    if schema.get("$ref").is_some() {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            out.push(Field {
                at: format!("{at}.{name}"),
                name: name.clone(),
                description: effective_description(doc, prop, 0),
            });
            walk_schema(doc, prop, &format!("{at}.{name}"), out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for sub in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            walk_schema(doc, sub, at, out);
        }
    }
    if let Some(items) = schema.get("items") {
        walk_schema(doc, items, &format!("{at}[]"), out);
    }
}

fn parameter<'a>(doc: &'a Value, p: &'a Value, at: String) -> Field<'a> {
    let description = p
        .get("description")
        .and_then(Value::as_str)
        .or_else(|| p.get("schema").and_then(|s| effective_description(doc, s, 0)));
    Field { at, name: p.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(), description }
}

/// Every schema property and parameter of the document.
fn fields(doc: &Value) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    for (name, schema) in doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        walk_schema(doc, schema, name, &mut out);
    }
    for (name, p) in doc.pointer("/components/parameters").and_then(Value::as_object).into_iter().flatten() {
        out.push(parameter(doc, p, format!("#parameter {name}")));
    }
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|m| m.values()) {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
            for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                if p.get("$ref").is_none() {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                    out.push(parameter(doc, p, format!("{id}?{name}")));
                }
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                walk_schema(doc, schema, id, &mut out);
            }
        }
    }
    out
}

/// The problems of the document's field docs, one line each.
fn lint_docs(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for f in fields(doc) {
        if EXCEPTIONS.iter().any(|(at, _)| *at == f.at) {
            continue;
        }
        let Some(d) = f.description.map(str::trim).filter(|d| !d.is_empty()) else {
            problems.push(format!("{}: no description", f.at));
            continue;
        };
        let first = first_sentence(d);
        let words = first.split_whitespace().count();
        if normalized(&first) == normalized(&f.name) || normalized(d) == normalized(&f.name) {
            problems.push(format!("{}: the description only repeats the name `{}`: {d:?}", f.at, f.name));
        } else if words < MIN_WORDS {
            problems.push(format!(
                "{}: the first sentence has {words} word(s), fewer than {MIN_WORDS}; say what the field means, \
                 its unit and its values: {first:?}",
                f.at
            ));
        }
        if d.contains("#/") {
            problems.push(format!("{}: the description contains a JSON pointer: {d:?}", f.at));
        }
    }
    problems
}

#[test]
fn every_field_of_the_spec_says_what_it_means() {
    let doc = load_spec();
    assert!(fields(&doc).len() > 200, "the walk found too few fields; is the spec's layout still understood?");
    let problems = lint_docs(&doc);
    assert!(problems.is_empty(), "{} terse field doc(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn exceptions_name_fields_that_exist() {
    let doc = load_spec();
    let all: Vec<String> = fields(&doc).into_iter().map(|f| f.at).collect();
    for (at, why) in EXCEPTIONS {
        assert!(all.iter().any(|a| a == at), "exception `{at}` ({why}) names no field of the spec");
    }
}

fn seeded(yaml: &str) -> Vec<String> {
    lint_docs(&serde_yaml::from_str(yaml).expect("seed is YAML"))
}

const SEED: &str = r##"
paths:
  /x:
    get:
      operationId: getX
      parameters:
        - {name: imageID, in: query, description: Image ID., schema: {type: string}}
        - {name: pageNo, in: query, description: "Number of the page to return, counted from 1.", schema: {type: integer}}
        - {name: bare, in: query, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                size: {type: integer, description: Size. In GiB.}
                kind: {$ref: "#/components/schemas/Kind"}
                mode: {allOf: [{$ref: "#/components/schemas/Kind"}], description: "Boot mode of the image, `bios` or `uefi`."}
                link: {type: string, description: "Where the image lives; see #/components/schemas/Kind for details."}
components:
  schemas:
    Kind: {type: string, description: Kind.}
    Image:
      type: object
      properties:
        imageName: {type: string, description: Name.}
        diskSize: {type: integer, description: "Disk capacity of the image, in GiB."}
        nested:
          type: object
          description: A nested object with one property.
          properties:
            deep: {type: string, description: Deep.}
"##;

#[test]
fn seeded_terse_docs_are_reported() {
    let problems = seeded(SEED);
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(has("getX?imageID: the description only repeats the name"), "{problems:#?}");
    assert!(has("getX?bare: no description"), "{problems:#?}");
    assert!(has("getX.size: the description only repeats the name"), "{problems:#?}");
    assert!(has("getX.kind: the description only repeats the name"), "{problems:#?}");
    assert!(has("Image.imageName: the first sentence has 1 word(s)"), "{problems:#?}");
    assert!(has("Image.nested.deep: the description only repeats the name"), "{problems:#?}");
    assert!(has("getX.link: the description contains a JSON pointer"), "{problems:#?}");
    assert_eq!(problems.len(), 7, "only the seeded problems: {problems:#?}");
}

#[test]
fn first_sentence_follows_the_generator() {
    assert_eq!(first_sentence("Size of the image (e.g. `1.5`). More."), "Size of the image (e.g. `1.5`).");
    assert_eq!(
        first_sentence("OS version (e.g. `2.0.1`, `20.03`); more. Rest."),
        "OS version (e.g. `2.0.1`, `20.03`); more."
    );
    assert_eq!(first_sentence("No full stop"), "No full stop");
}
