//! Malformed specs (`corpus/*.yaml`), each with the exact diagnostics the generator must give:
//! JSON pointer, YAML line and message. `CORPUS_PRINT=1` prints the actual diagnostics in the
//! table's syntax (for adding a case; review the output before pasting it).

use std::path::Path;

/// (case, [(pointer, line, message)]).
type Case = (&'static str, &'static [(&'static str, usize, &'static str)]);

#[rustfmt::skip]
const CASES: &[Case] = &[
    (
        "allof_conflict",
        &[
            ("/components/schemas/Merged/allOf/1/properties/thingID", 51, "property `thingID` is also defined at /components/schemas/Thing/properties/thingID with a different schema: `allOf` members must agree"),
        ],
    ),
    (
        "any_of",
        &[
            ("/components/schemas/Thing/properties/thingID/anyOf", 45, "`anyOf` is not supported: use `oneOf` of scalars, or one object with optional properties"),
        ],
    ),
    (
        "bad_default",
        &[
            ("/components/schemas/Thing/properties/size/default", 49, "`default: large` is not an int32 integer: fix the default or the type"),
        ],
    ),
    (
        "bad_enum",
        &[
            ("/components/schemas/Thing/properties/state/enum/1", 48, "enum values `in-use` and `in_use` both become the variant `InUse`: add `x-enum-varnames`"),
        ],
    ),
    (
        "bad_varnames",
        &[
            ("/components/schemas/Thing/properties/state/x-enum-varnames/1", 49, "`beta_2` is not an UpperCamelCase Rust identifier (e.g. `Gib1`, not `gib_1` or `Gib_1`)"),
        ],
    ),
    (
        "bad_x_waiter",
        &[
            ("/paths/~1v1~1thing~1a/post/x-waiter/waiter", 42, "`thingGone` is not a waiter of the top-level `x-waiters`"),
            ("/paths/~1v1~1thing~1b/post/x-waiter/fromResponse/thingID", 66, "`things[0].thingID` is not a path of this operation's `returnObj` (wire names, `[n]` for list items, e.g. `images[0].imageID`)"),
            ("/paths/~1v1~1thing~1c/post/x-waiter", 90, "the waiter `thingReady` polls `getThing`, whose required `thingID` is neither a field of this request nor mapped in `fromResponse`: add `fromResponse: {thingID: <path in returnObj>}`"),
            ("/paths/~1v1~1thing~1d/post/x-waiter", 114, "`x-waiter` must be `{waiter: <name in x-waiters>, fromResponse: {<field>: <path>}}`"),
        ],
    ),
    (
        "control_character",
        &[
            ("", 4, "control character U+0007 at column 21 is not allowed in YAML: remove it, or write it as an escape in a double-quoted string"),
        ],
    ),
    (
        "discriminator",
        &[
            ("/components/schemas/Thing/discriminator", 42, "`discriminator` (polymorphism) is not supported: model the variants as one object with optional properties"),
        ],
    ),
    (
        "bad_x_primary",
        &[
            ("/components/schemas/BadItems/x-primary/items", 37, "`count` must name an array-of-objects property of this schema"),
            ("/components/schemas/BadName/x-primary/name", 47, "`things` must be a snake_case method name that no property of this schema already takes"),
            ("/components/schemas/BadId/x-primary/id", 55, "`label` must name a required, non-nullable string property of the item whose Rust name is not taken (by a property or `name`)"),
            ("/components/schemas/BadKey/x-primary/method", 63, "`x-primary` must be `{items: <array property>, name: <method name>, id?: <required string property of the item>, description?: <text>}`: unknown field `method`, expected one of `items`, `name`, `id`, `description`"),
        ],
    ),
    (
        "bad_x_comma_separated",
        &[
            ("/components/schemas/Thing/properties/sizes/x-comma-separated", 48, "`x-comma-separated: true` needs `items: {type: string}`"),
            ("/components/schemas/Thing/properties/zones/x-comma-separated", 53, "`x-comma-separated: \"yes\"` must be `true` or `false`"),
        ],
    ),
    (
        "bad_x_error_codes",
        &[
            ("/x-error-codes/0/operations/0", 13, "no operation has operationId `getThng` (did you mean `getThing`?)"),
            ("/x-error-codes/2/code", 17, "duplicate error code `Thing.Busy` (also /x-error-codes/1)"),
            ("/x-error-codes/3/name", 21, "duplicate name `ThingBusy` (also /x-error-codes/1)"),
            ("/x-error-codes/4/name", 24, "`thing_gone` is not usable as a variant name: write PascalCase, not `Unknown`"),
            ("/x-error-codes/5/operation", 29, "`x-error-codes` is a list of `{code, name: <PascalCase>, description, operations?: [<operationId>]}` (no `operations`: any operation may return the code): unknown field `operation`, expected one of `code`, `name`, `description`, `operations`"),
        ],
    ),
    (
        "bad_x_sent_default",
        &[
            ("/paths/~1v1~1thing/get/parameters/0/x-sent-default", 18, "`x-sent-default` is for optional parameters: a required one is always set by the caller"),
            ("/paths/~1v1~1thing/get/parameters/1/x-sent-default", 23, "`x-sent-default: \"no\"` must be a value of the parameter's type, which must be a boolean or an integer"),
            ("/components/schemas/Thing/properties/thingID/x-sent-default", 53, "`x-sent-default` belongs on a query parameter, not on a schema"),
        ],
    ),
    (
        "duplicate_operation_id",
        &[
            ("/paths/~1v1~1thing~1other/get/operationId", 33, "duplicate operationId `getThing` (also at /paths/~1v1~1thing/get): operationIds must be unique; rename one"),
        ],
    ),
    (
        "duplicate_param",
        &[
            ("/paths/~1v1~1thing/get/parameters/1", 19, "parameter `thingID` in query is listed twice (also at /paths/~1v1~1thing/get/parameters/0): a parameter is identified by name and location"),
        ],
    ),
    (
        "duplicate_key",
        &[
            ("/components/schemas/Thing/properties/thingID/type", 47, "duplicate key `type` (first at line 45): the keys of a YAML mapping must be unique; remove or rename one"),
        ],
    ),
    (
        "header_param",
        &[
            ("/paths/~1v1~1thing/get/parameters/0/in", 15, "header parameter `thingID` is not supported: the runtime owns all headers (signing); pass the value in the query or body"),
        ],
    ),
    (
        "invalid_yaml",
        &[
            ("", 43, "invalid YAML: did not find expected ',' or ']' at line 43 column 17, while parsing a flow sequence at line 42 column 17"),
        ],
    ),
    (
        "missing_envelope",
        &[
            ("", 2, "missing `x-envelope: {schema: \"#/components/schemas/<Envelope>\", payload: returnObj}` at the top level: the runtime unwraps every response from that envelope"),
        ],
    ),
    (
        "missing_responses",
        &[
            ("/paths/~1v1~1thing/get/responses", 19, "no 2xx response: document the `200` envelope response"),
        ],
    ),
    (
        "multipart_body",
        &[
            ("/paths/~1v1~1thing/post/requestBody/content/multipart~1form-data", 35, "request content type `multipart/form-data` is not supported: only application/json (no multipart or form uploads)"),
        ],
    ),
    (
        "non_finite_number",
        &[
            ("/components/schemas/Thing/properties/size/maximum", 48, "`.inf` is not a finite number, which OpenAPI (JSON) cannot represent: write a finite number, or remove the keyword [the OpenAPI parser panicked here: somehow this parsed successfully the second time (at openapiv3-2.2.0/src/reference.rs:56; a bug in the dependency, please report)]"),
        ],
    ),
    (
        "one_cause_one_diagnostic",
        &[
            ("/components/schemas/Owner/properties/group/$ref", 73, "`$ref` does not resolve: there is no schema `Group` in `#/components/schemas`"),
        ],
    ),
    (
        "openapi_31",
        &[
            ("/openapi", 2, "OpenAPI version `3.1.0` is not supported: this generator reads OpenAPI 3.0.x"),
        ],
    ),
    (
        "path_templating",
        &[
            ("/paths/~1v1~1thing~1{thingID}", 10, "path templating (`{param}`) is not supported: the generated client sends a fixed path (CTyun passes IDs in the query or body); write the path without `{...}`"),
        ],
    ),
    (
        "prelude_name",
        &[
            ("/components/schemas/Result", 46, "the type name `Result` would shadow Rust's prelude `Result` in the generated module: name the type differently (`x-rust-name` on a component schema, `title` on an inline one)"),
        ],
    ),
    (
        "put_method",
        &[
            ("/paths/~1v1~1thing/put", 31, "HTTP method `PUT` is not supported: the runtime sends GET and POST only (`runtime::HttpMethod`; CTyun uses no other verb)"),
        ],
    ),
    (
        "query_array",
        &[
            ("/paths/~1v1~1thing/get/parameters/0/schema", 17, "query parameter `thingID` must be a string, number, integer, boolean or enum: arrays, objects, maps and `oneOf` have no agreed query encoding"),
        ],
    ),
    (
        "recursive_schema",
        &[
            ("/components/schemas/Thing/properties/parent", 46, "schema `Thing` contains itself with no array or map in between: the Rust type would have infinite size and the generator does not box fields; make the recursive property an array, or break the cycle"),
        ],
    ),
    (
        "ref_cycle",
        &[
            ("/components/schemas/B", 48, "`$ref` cycle: `B` refers to `A`, which refers back to `B` without ever reaching a schema"),
        ],
    ),
    (
        "ref_sibling",
        &[
            ("/paths/~1v1~1thing/get/responses/200/content/application~1json/schema/allOf/1/properties/returnObj/nullable", 31, "`nullable` next to `$ref` is ignored by OpenAPI 3.0 (a `$ref` replaces its siblings): write `allOf: [{$ref: ...}]` with `nullable` beside the `allOf`"),
        ],
    ),
    (
        "required_not_defined",
        &[
            ("/components/schemas/Thing/required", 42, "required property `name` is not defined in `properties`: define it, or remove it from `required`"),
        ],
    ),
    (
        "reserved_method",
        &[
            ("/paths/~1v1~1thing/get/operationId", 12, "operationId `send` becomes the method `send`, which `Client` already has (hand-written): rename the operation"),
        ],
    ),
    (
        "setter_collides_with_new",
        &[
            ("/paths/~1v1~1thing/post/requestBody/content/application~1json/schema/properties/new", 39, "`new` becomes the optional request field `new`, whose setter would collide with the constructor `new`: give it `x-rust-name`"),
        ],
    ),
    (
        "shape_operation_list",
        &[
            ("/paths/~1v1~1other/get", 32, "not a valid OpenAPI 3.0 document: expected a mapping (key: value) for an operation, found a list"),
        ],
    ),
    (
        "shape_required_text",
        &[
            ("/paths/~1v1~1thing/get/parameters/0/required", 16, "not a valid OpenAPI 3.0 document: expected `true` or `false`, found the text `yes please`"),
        ],
    ),
    (
        "snake_collision",
        &[
            ("/components/schemas/Thing/properties/thing_id", 46, "properties `thingID` and `thing_id` both become the Rust field `thing_id`: give one of them `x-rust-name`"),
        ],
    ),
    (
        "type_list_31",
        &[
            ("/components/schemas/Thing/properties/thingID/type", 45, "not a valid OpenAPI 3.0 document: expected text, found a list (`type` lists several types, as OpenAPI 3.1 allows: use one `type` plus `nullable: true`)"),
        ],
    ),
    (
        "type_name_collision",
        &[
            ("/components/schemas/ThingDetail", 51, "type name `ThingDetail` is produced both here and at /components/schemas/Thing/properties/detail: give one of them a distinct `title` (inline schema) or `x-rust-name` (component schema)"),
        ],
    ),
    (
        "unknown_key",
        &[
            ("/components/schemas/Thing/requried", 42, "unknown key `requried` in a schema (did you mean `required`?): OpenAPI 3.0 ignores it, so the generator would drop it silently; fix it, or prefix a vendor extension with `x-`"),
        ],
    ),
    (
        "unknown_ref",
        &[
            ("/paths/~1v1~1thing/get/responses/200/content/application~1json/schema/allOf/1/properties/returnObj/$ref", 30, "`$ref` does not resolve: there is no schema `Thingy` in `#/components/schemas`"),
        ],
    ),
    (
        "unknown_variant",
        &[
            ("/components/schemas/Thing/properties/state/enum/1", 48, "enum value `unknown` becomes the variant `Unknown`, reserved by the generated enum (the `Unknown(String)` fallback, the `KNOWN` list): add `x-enum-varnames`"),
        ],
    ),
    (
        "unsupported_type",
        &[
            ("/components/schemas/Thing/properties/data/type", 47, "unknown type `file`: OpenAPI 3.0 types are string, number, integer, boolean, array, object"),
        ],
    ),
];

fn run(name: &str) -> Vec<(String, usize, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(format!("{name}.yaml"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let label = format!("corpus/{name}.yaml");
    match ctyun_image_codegen::check_str(&source, &label) {
        Ok(_) => panic!("{name}: accepted"),
        Err(ctyun_image_codegen::Error::Spec(d)) => d
            .into_iter()
            .map(|d| {
                assert_eq!(d.file, label);
                (d.pointer, d.line.unwrap_or_else(|| panic!("{name}: no line")), d.message)
            })
            .collect(),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    v.sort();
    v
}

#[test]
fn every_case_gives_its_exact_diagnostics() {
    if std::env::var_os("CORPUS_PRINT").is_some() {
        for name in names() {
            println!("    (\n        {name:?},\n        &[");
            for (p, l, m) in run(&name) {
                println!("            ({p:?}, {l}, {m:?}),");
            }
            println!("        ],\n    ),");
        }
        return;
    }
    let mut failures = Vec::new();
    for (name, expected) in CASES {
        let actual = run(name);
        let expected: Vec<(String, usize, String)> =
            expected.iter().map(|(p, l, m)| (p.to_string(), *l, m.to_string())).collect();
        if actual != expected {
            failures.push(format!("{name}:\n  expected {expected:#?}\n  actual   {actual:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_has_a_case_and_there_are_enough() {
    let listed: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    for name in names() {
        assert!(listed.contains(&name.as_str()), "corpus/{name}.yaml has no entry in CASES");
    }
    assert!(CASES.len() >= 12);
}
