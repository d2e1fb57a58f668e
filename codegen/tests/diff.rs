//! `cargo xtask diff`: fixture pairs per rule (both directions), the rule catalogue's coverage,
//! output formats, verdicts and exit codes, located errors, and "reformatting is no change".
//!
//! Fixtures live in `codegen/tests/diff/`: `base.yaml` plus one file per kind of change. Each
//! case is diffed base → case ("forward") and case → base ("reverse").

use std::collections::BTreeSet;
use std::path::Path;

use ctyun_image_codegen::diff::{self, Direction, Level, Report, Verdict, RULES};
use ctyun_image_codegen::Error;

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/diff"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(dir().join(format!("{name}.yaml"))).unwrap_or_else(|e| panic!("{name}.yaml: {e}"))
}

fn diff(old: &str, new: &str) -> Report {
    diff::diff_sources(&fixture(old), &format!("{old}.yaml"), &fixture(new), &format!("{new}.yaml"))
        .unwrap_or_else(|e| panic!("{old} → {new}: {e}"))
}

fn ids(r: &Report) -> Vec<&'static str> {
    let mut v: Vec<&str> = r.changes.iter().map(|c| c.id).collect();
    v.sort_unstable();
    v
}

/// (fixture, rules base → fixture, rules fixture → base). Ids are compared as sorted lists, so
/// every change must be expected: nothing more, nothing less.
const CASES: &[(&str, &[&str], &[&str])] = &[
    ("op-added", &["api-added"], &["api-removed"]),
    ("waiter-added", &["waiter-added"], &["waiter-removed"]),
    ("error-code-added", &["error-code-added"], &["error-code-removed"]),
    ("op-renamed", &["api-operation-id-changed"], &["api-operation-id-changed"]),
    ("op-id-case", &["api-operation-id-case-changed"], &["api-operation-id-case-changed"]),
    ("op-path", &["api-path-changed"], &["api-path-changed"]),
    ("op-method", &["api-method-changed"], &["api-method-changed"]),
    ("op-deprecated", &["api-deprecated"], &["api-reactivated"]),
    ("op-idempotent", &["api-idempotency-changed"], &["api-idempotency-changed"]),
    ("op-output", &["response-body-type-changed"], &["response-body-type-changed"]),
    (
        "param-added",
        &[
            "new-optional-request-parameter",
            "new-optional-request-property",
            "new-required-request-parameter",
            "new-required-request-property",
        ],
        &[
            "request-parameter-removed",
            "request-parameter-removed",
            "request-property-removed",
            "request-property-removed",
        ],
    ),
    (
        "param-required",
        &["request-parameter-became-required", "request-property-became-required"],
        &["request-parameter-became-optional", "request-property-became-optional"],
    ),
    (
        "param-type",
        &["request-parameter-type-changed", "request-property-type-changed"],
        &["request-parameter-type-changed", "request-property-type-changed"],
    ),
    (
        "param-location",
        &["request-parameter-location-changed", "request-required-fields-reordered"],
        &["request-parameter-location-changed", "request-required-fields-reordered"],
    ),
    ("client-default", &["request-client-default-changed"], &["request-client-default-changed"]),
    ("sent-default", &["request-sent-default-changed"], &["request-sent-default-changed"]),
    ("reordered", &["request-required-fields-reordered"], &["request-required-fields-reordered"]),
    ("wire-name", &["wire-name-changed"], &["wire-name-changed"]),
    ("request-struct", &["new-required-request-property"], &["request-property-removed"]),
    ("shared-struct", &["new-required-request-property"], &["request-property-removed"]),
    ("response-added", &["response-property-added"], &["response-property-removed"]),
    ("response-optional", &["response-property-became-optional"], &["response-property-became-required"]),
    ("response-nullable", &["response-property-became-nullable"], &["response-property-became-non-nullable"]),
    ("response-type", &["response-property-type-changed"], &["response-property-type-changed"]),
    ("annotation", &["field-annotation-changed"], &["field-annotation-changed"]),
    (
        "enum-values",
        &[
            "request-enum-value-added",
            "request-enum-value-removed",
            "response-enum-value-added",
            "response-enum-value-removed",
        ],
        &[
            "request-enum-value-added",
            "request-enum-value-removed",
            "response-enum-value-added",
            "response-enum-value-removed",
        ],
    ),
    ("enum-varname", &["enum-variant-renamed"], &["enum-variant-renamed"]),
    ("primary-added", &["primary-added"], &["primary-removed"]),
    ("type-added", &["response-property-added", "type-added"], &["response-property-removed", "type-removed"]),
    ("type-renamed", &["type-renamed"], &["type-renamed"]),
    ("type-moved", &["type-moved"], &["type-moved"]),
    ("type-changed", &["type-changed"], &["type-changed"]),
    ("docs", &["docs-changed"; 6], &["docs-changed"; 6]),
];

/// Cases that need a starting point other than `base.yaml`: (old, new, forward, reverse).
const PAIRS: &[(&str, &str, &[&str], &[&str])] = &[
    ("waiter-added", "waiter-changed", &["waiter-changed"], &["waiter-changed"]),
    ("primary-added", "primary-changed", &["primary-changed"], &["primary-changed"]),
    ("error-code-added", "error-code-renamed", &["error-code-renamed"], &["error-code-renamed"]),
    ("error-code-added", "error-code-changed", &["error-code-changed"], &["error-code-changed"]),
];

#[test]
fn fixture_pairs_classify_as_expected_in_both_directions() {
    let mut failures = Vec::new();
    let cases = CASES.iter().map(|(c, f, r)| ("base", *c, *f, *r)).chain(PAIRS.iter().copied());
    for (start, case, forward, reverse) in cases {
        for (old, new, want) in [(start, case, forward), (case, start, reverse)] {
            let r = diff(old, new);
            let mut want = want.to_vec();
            want.sort_unstable();
            if ids(&r) != want {
                failures.push(format!("{old} → {new}: got {:?}, want {want:?}\n{}", ids(&r), r.to_markdown()));
            }
            for c in &r.changes {
                assert_eq!(c.level, diff::rule(c.id).level, "{old} → {new}: {} has its catalogue level", c.id);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_fixture_and_ids_are_unique_kebab_case() {
    let covered: BTreeSet<&str> = CASES
        .iter()
        .flat_map(|(_, f, r)| f.iter().chain(r.iter()).copied())
        .chain(PAIRS.iter().flat_map(|(_, _, f, r)| f.iter().chain(r.iter()).copied()))
        .collect();
    let all: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(all.len(), RULES.len(), "duplicate rule ids");
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "rules without a fixture pair: {missing:?}");
    let unknown: Vec<_> = covered.difference(&all).collect();
    assert!(unknown.is_empty(), "fixtures expect unknown rules: {unknown:?}");
    for r in RULES {
        assert!(r.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", r.id);
        assert!(r.meaning.ends_with('.'), "{}", r.id);
    }
}

#[test]
fn messages_speak_rust() {
    let one = |old: &str, new: &str| {
        let r = diff(old, new);
        assert_eq!(r.changes.len(), 1, "{}", r.to_markdown());
        r.changes[0].clone()
    };
    let c = one("base", "op-renamed");
    assert!(c.message.starts_with("method `create_thing` renamed to `make_thing`"), "{}", c.message);
    assert_eq!(c.scope, diff::Scope::Operation("make_thing".into()));
    let r = diff("base", "param-type");
    let c = r.changes.iter().find(|c| c.id == "request-parameter-type-changed").unwrap();
    assert_eq!(c.message, "`ListThingsRequest::page_size` is now `Option<i64>` (was `Option<i32>`)");
    let r = diff("base", "param-required");
    assert!(r.changes.iter().all(|c| c.direction == Direction::Request));
    let r = diff("param-required", "base");
    assert!(r.changes.iter().any(|c| c.message.contains("`ListThingsRequest::new` no longer takes `page_size`")));
    let c = one("base", "response-optional");
    assert_eq!(c.message, "`Thing::thing_id` is no longer required: now `Option<String>` (was `String`)");
    let c = one("base", "type-renamed");
    assert_eq!(c.message, "type `model::Label` renamed to `model::Tag`");
}

#[test]
fn a_type_used_on_both_sides_gets_the_stricter_verdict() {
    // Dimensions is in createThing's request and in Thing (a response): a new required field
    // only matters to requests (`new` gains an argument), and that verdict wins.
    let r = diff("base", "shared-struct");
    let c = &r.changes[0];
    assert_eq!((c.id, c.level, c.direction), ("new-required-request-property", Level::Breaking, Direction::Both));
    assert_eq!(r.types[0].usage.request, ["create_thing"]);
    assert_eq!(r.types[0].usage.response, ["create_thing", "list_things"]);
    // Color is a query parameter and a Thing field: removing a value is a request-side break.
    let r = diff("base", "enum-values");
    let c = r.changes.iter().find(|c| c.message.contains("Color::Green")).unwrap();
    assert_eq!((c.id, c.direction), ("request-enum-value-removed", Direction::Both));
    // Status is response-only: a new value is non-breaking (old clients see `Unknown`).
    let c = r.changes.iter().find(|c| c.message.contains("Status::Deleting")).unwrap();
    assert_eq!((c.id, c.level, c.direction), ("response-enum-value-added", Level::NonBreaking, Direction::Response));
}

#[test]
fn verdicts_and_exit_codes() {
    let cases = [
        ("base", Verdict::NoChanges),
        ("docs", Verdict::DocumentationOnly),
        ("response-added", Verdict::Compatible),
        ("op-deprecated", Verdict::Compatible),
        ("param-type", Verdict::Breaking),
    ];
    for (case, verdict) in cases {
        let r = diff("base", case);
        assert_eq!(r.verdict(), verdict, "{case}");
        let breaking = verdict == Verdict::Breaking;
        assert_eq!(r.exit_code(false), 0, "{case}");
        assert_eq!(r.exit_code(true), u8::from(breaking), "{case}");
    }
}

#[test]
fn markdown_is_grouped_by_operation_and_type_and_ends_with_the_verdict() {
    let r = diff("base", "enum-values");
    let md = r.to_markdown();
    let want = "\
# API changes for the generated client

`base.yaml` → `enum-values.yaml`

## Types

### `model::Color` — used in requests of `list_things`; in responses of `create_thing`, `list_things`

- **breaking** `request-enum-value-removed`: `Color::Green` (\"green\") removed: code sending it no longer compiles _(type used in requests and responses)_
- non-breaking `request-enum-value-added`: `Color::Blue` (\"blue\") added _(type used in requests and responses)_

### `model::Status` — used in responses of `create_thing`, `list_things`

- **breaking** `response-enum-value-removed`: `Status::Deleted` (\"deleted\") removed: code naming it no longer compiles; the value now decodes as `Status::Unknown`
- non-breaking `response-enum-value-added`: `Status::Deleting` (\"deleting\") added; older clients decode it as `Status::Unknown`

**Verdict: BREAKING** — users of the generated client must adapt (2 breaking, 2 non-breaking, 0 info).
";
    assert_eq!(md, want);

    let md = diff("base", "param-added").to_markdown();
    let create = md.find("### `create_thing` — `POST /v1/thing/create`").expect(&md);
    let list = md.find("### `list_things` — `GET /v1/thing/list`").expect(&md);
    assert!(create < list, "operations in method-name order");
    let md = diff("base", "op-renamed").to_markdown();
    assert!(md.contains("### `make_thing` (was `create_thing`) — `POST /v1/thing/create`"), "{md}");
    let md = diff("base", "docs").to_markdown();
    assert!(md.contains("## API\n\n- info `docs-changed`: API version \"1\" → \"2\""), "{md}");
    assert!(md.ends_with("**Verdict: documentation only** (0 breaking, 0 non-breaking, 6 info).\n"), "{md}");
    let md = diff("base", "base").to_markdown();
    assert!(md.ends_with("**Verdict: no changes.**\n"), "{md}");
}

#[test]
fn json_has_the_documented_shape() {
    let r = diff("base", "param-type");
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["format"], "ctyun-image-diff/1");
    assert_eq!(v["old"], "base.yaml");
    assert_eq!(v["new"], "param-type.yaml");
    assert_eq!(v["verdict"], "breaking");
    assert_eq!(v["counts"], serde_json::json!({"breaking": 2, "non-breaking": 0, "info": 0}));
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    let c = changes.iter().find(|c| c["id"] == "request-parameter-type-changed").unwrap();
    assert_eq!(
        c,
        &serde_json::json!({
            "id": "request-parameter-type-changed",
            "level": "breaking",
            "direction": "request",
            "operation": "list_things",
            "type": null,
            "message": "`ListThingsRequest::page_size` is now `Option<i64>` (was `Option<i32>`)",
            "spec": "new",
            "pointer": "/paths/~1v1~1thing~1list/get",
        })
    );
    // Key order is part of the shape (declaration order, whatever serde_json's map features).
    let text = r.to_json();
    let keys = ["\"format\"", "\"old\"", "\"new\"", "\"verdict\"", "\"counts\"", "\"changes\""];
    let pos: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{text}");

    // A removed type points into the old spec; a type change names the type, not an operation.
    let v: serde_json::Value = serde_json::from_str(&diff("type-added", "base").to_json()).unwrap();
    let c = v["changes"].as_array().unwrap().iter().find(|c| c["id"] == "type-removed").unwrap().clone();
    assert_eq!(
        (&c["type"], &c["operation"], &c["spec"], &c["pointer"], &c["direction"]),
        (
            &serde_json::json!("Shape"),
            &serde_json::Value::Null,
            &serde_json::json!("old"),
            &serde_json::json!("/components/schemas/Shape"),
            &serde_json::json!("response")
        )
    );
}

#[test]
fn invalid_specs_are_errors_with_file_pointer_and_line() {
    let err = diff::diff_sources(&fixture("base"), "base.yaml", &fixture("invalid"), "invalid.yaml").unwrap_err();
    let Error::Spec(d) = &err else { panic!("{err}") };
    assert_eq!(d.len(), 1, "{err}");
    assert_eq!(d[0].file, "invalid.yaml");
    assert_eq!(d[0].pointer, "/paths/~1v1~1thing~1create/post");
    assert_eq!(d[0].line, Some(45));
    assert!(err.to_string().contains("invalid.yaml:45: at /paths/~1v1~1thing~1create/post: missing `operationId`"));
    // Problems in both specs are reported together.
    let err = diff::diff_sources(&fixture("invalid"), "old.yaml", "openapi: [", "new.yaml").unwrap_err();
    let files: Vec<&str> = err.diagnostics().iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["old.yaml", "new.yaml"], "{err}");
}

// ---- reformatting is no change ------------------------------------------------------------------

/// Reverses the key order of every mapping, `properties` included, and keeps every list: the
/// order of a `required` list is semantic (it is the order of the arguments of `new`, see the
/// `reordered` fixture), map key order never is.
fn reorder(v: &mut serde_yaml::Value) {
    use serde_yaml::Value;
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(Value, Value)> = std::mem::take(m).into_iter().collect();
            entries.reverse();
            for (k, mut child) in entries {
                reorder(&mut child);
                m.insert(k, child);
            }
        }
        Value::Sequence(s) => s.iter_mut().for_each(reorder),
        _ => {}
    }
}

#[test]
fn reformatted_spec_is_no_change() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ctimage.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let mut value: serde_yaml::Value = serde_yaml::from_str(&source).unwrap();
    reorder(&mut value);
    // Flow style with every string quoted (JSON is YAML), and serde_yaml's own block style.
    let as_json = serde_json::to_string_pretty(&value).unwrap();
    let as_yaml = serde_yaml::to_string(&value).unwrap();
    assert!(as_json.starts_with("{\n  \"components\""), "keys reversed: {}", &as_json[..40]);
    for (label, text) in [("reformatted.json", &as_json), ("reformatted.yaml", &as_yaml)] {
        assert_ne!(text, &source);
        let r = diff::diff_sources(&source, "spec/ctimage.yaml", text, label).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.verdict(), Verdict::NoChanges, "{label}:\n{}", r.to_markdown());
        let back = diff::diff_sources(text, label, &source, "spec/ctimage.yaml").unwrap();
        assert!(back.changes.is_empty(), "{}", back.to_markdown());
    }
}

#[test]
fn identical_spec_is_no_change_and_real_spec_edits_are_found() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ctimage.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let r = diff::diff_sources(&source, "a", &source, "b").unwrap();
    assert!(r.changes.is_empty());
    // A format change on the real spec: `pageSize` int32 → int64.
    let edited = source.replacen(
        "            type: integer\n            format: int32\n            minimum: 1\n            maximum: 200",
        "            type: integer\n            format: int64\n            minimum: 1\n            maximum: 200",
        1,
    );
    assert_ne!(edited, source);
    let r = diff::diff_sources(&source, "a", &edited, "b").unwrap();
    assert_eq!(ids(&r), ["request-parameter-type-changed"], "{}", r.to_markdown());
    assert_eq!(r.changes[0].message, "`ListImagesRequest::page_size` is now `Option<i64>` (was `Option<i32>`)");
}

#[test]
fn readme_lists_every_rule_with_its_level() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let missing: Vec<String> = RULES
        .iter()
        .map(|r| format!("| `{}` | {} |", r.id, r.level.as_str()))
        .filter(|row| !readme.contains(row.as_str()))
        .collect();
    assert!(missing.is_empty(), "README.md's rule table lacks or mislabels: {missing:?}");
}

#[test]
fn dropping_x_comma_separated_is_a_type_change_that_names_the_wire_form() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ctimage.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let marker = "                imageIDList:\n                  type: array\n                  items:\n                    type: string\n                  x-comma-separated: true\n";
    assert!(source.contains(marker), "the spec's imageIDList changed shape");
    let edited = source.replacen(marker, &marker.replace("                  x-comma-separated: true\n", ""), 1);
    let r = diff::diff_sources(&source, "a", &edited, "b").unwrap();
    assert_eq!(ids(&r), ["docs-changed", "request-property-type-changed"], "{}", r.to_markdown());
    let change = r.changes.iter().find(|c| c.id == "request-property-type-changed").unwrap();
    assert_eq!(
        change.message,
        "`UpdateImageLabelsRequest::image_id_list` is now `Vec<String>` (was `Vec<String>`): on the wire it is now a JSON array"
    );
}
