//! No silent drops: every path, operation, query parameter, body property and reachable
//! component schema a spec declares is in the IR (or the spec is an error). Counted on the
//! real spec and on every fixture spec that lowers.

use std::collections::BTreeSet;
use std::path::Path;

use ctyun_image_codegen::ir::{Location, Method};
use serde_yaml::Value;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn deref<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..64 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else { break };
        let mut at = root;
        for tok in r.trim_start_matches("#/").split('/') {
            at = &at[tok.replace("~1", "/").replace("~0", "~").as_str()];
        }
        v = at;
    }
    v
}

/// Property names of an object schema, `allOf` members merged.
fn properties(root: &Value, schema: &Value, out: &mut BTreeSet<String>) {
    let s = deref(root, schema);
    if let Some(m) = s.get("properties").and_then(Value::as_mapping) {
        out.extend(m.keys().filter_map(Value::as_str).map(str::to_owned));
    }
    for member in s.get("allOf").and_then(Value::as_sequence).into_iter().flatten() {
        properties(root, member, out);
    }
}

/// Component schema names referenced (transitively) from `v` as types; `$ref` members of an
/// `allOf` are merged into the enclosing struct (only their contents are followed).
fn refs(root: &Value, v: &Value, out: &mut BTreeSet<String>, depth: usize) {
    assert!(depth < 200, "reference cycle");
    match v {
        Value::Mapping(m) => {
            if let Some(name) =
                m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                if out.insert(name.to_owned()) {
                    refs(root, &root["components"]["schemas"][name], out, depth + 1);
                }
            }
            for (k, x) in m {
                match (k.as_str(), x) {
                    (Some("allOf"), Value::Sequence(members)) => {
                        for member in members {
                            if member.get("$ref").is_some() {
                                refs(root, deref(root, member), out, depth + 1);
                            } else {
                                refs(root, member, out, depth + 1);
                            }
                        }
                    }
                    _ => refs(root, x, out, depth + 1),
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|x| refs(root, x, out, depth + 1)),
        _ => {}
    }
}

fn check(label: &str, source: &str) -> (usize, usize, usize, usize, usize) {
    let api = ctyun_image_codegen::check_str(source, label).unwrap_or_else(|e| panic!("{e}"));
    let root: Value = serde_yaml::from_str(source).unwrap();
    let (mut n_paths, mut n_ops, mut n_params, mut n_props) = (0, 0, 0, 0);
    let mut declared_ops = BTreeSet::new();
    for (path, item) in root["paths"].as_mapping().unwrap() {
        let path = path.as_str().unwrap();
        n_paths += 1;
        let item = deref(&root, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            n_ops += 1;
            declared_ops.insert((path.to_owned(), method.to_owned()));
            let ir = api
                .operations
                .iter()
                .find(|o| o.path == path && format!("{:?}", o.method).to_lowercase() == method)
                .unwrap_or_else(|| panic!("{label}: {method} {path} is not in the IR"));
            let mut params = BTreeSet::new();
            for p in [item.get("parameters"), op.get("parameters")].into_iter().flatten() {
                for p in p.as_sequence().unwrap() {
                    params.insert(deref(&root, p)["name"].as_str().unwrap().to_owned());
                }
            }
            for p in &params {
                assert!(
                    ir.fields.iter().any(|f| f.wire_name == *p && f.location == Location::Query),
                    "{label}: parameter {p} of {method} {path} is not a query field"
                );
            }
            n_params += params.len();
            if let Some(body) = op.get("requestBody") {
                assert!(ir.has_body, "{label}: the body of {method} {path} is dropped");
                let body = deref(&root, body);
                let mut props = BTreeSet::new();
                for (_, mt) in body["content"].as_mapping().unwrap() {
                    properties(&root, &mt["schema"], &mut props);
                }
                for p in &props {
                    assert!(
                        ir.fields.iter().any(|f| f.wire_name == *p && f.location == Location::Body),
                        "{label}: body property {p} of {method} {path} is not a body field"
                    );
                }
                n_props += props.len();
            }
        }
    }
    let ir_ops: BTreeSet<(String, String)> = api
        .operations
        .iter()
        .map(|o| (o.path.clone(), if o.method == Method::Get { "get" } else { "post" }.to_owned()))
        .collect();
    assert_eq!(declared_ops, ir_ops, "{label}: operations");
    assert_eq!(api.operations.len(), n_ops, "{label}: operation count");
    // Component schemas an operation reaches: each is a named type, unless it is the envelope
    // (unwrapped by the runtime), a scalar alias or an `allOf: [$ref]`/`$ref` alias (the
    // referenced schema is then checked itself).
    let envelope =
        root["x-envelope"]["schema"].as_str().unwrap_or_default().trim_start_matches("#/components/schemas/");
    let mut reached = BTreeSet::new();
    refs(&root, &root["paths"], &mut reached, 0);
    let mut n_schemas = 0;
    for name in &reached {
        let s = &root["components"]["schemas"][name.as_str()];
        let named = s.get("properties").is_some() || s.get("enum").is_some() || s.get("additionalProperties").is_some();
        if name == envelope || !named {
            continue;
        }
        n_schemas += 1;
        let pointer = format!("/components/schemas/{name}");
        assert!(
            api.types.values().any(|t| t.pointer == pointer),
            "{label}: component schema {name} is reached but is no type"
        );
    }
    (n_paths, n_ops, n_params, n_props, n_schemas)
}

#[test]
fn the_real_spec_drops_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let counts = check("spec/ctimage.yaml", &std::fs::read_to_string(root.join("spec/ctimage.yaml")).unwrap());
    // paths, operations, query parameters, body properties, object/enum schemas reached.
    // (27, 27, 34, 98, 19) when written.
    assert!(counts.0 >= 20 && counts.1 >= counts.0 && counts.2 > 0 && counts.3 > 0 && counts.4 > 0, "{counts:?}");
}

#[test]
fn fixture_specs_drop_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut specs: Vec<std::path::PathBuf> =
        ["minimal", "paging", "shapes"].iter().map(|n| dir.join("fixtures").join(n).join("spec.yaml")).collect();
    for e in std::fs::read_dir(dir.join("diff")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") && !p.ends_with("invalid.yaml") {
            specs.push(p);
        }
    }
    for p in specs {
        check(&p.display().to_string(), &std::fs::read_to_string(&p).unwrap());
    }
}
