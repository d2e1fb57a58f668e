//! Names the generator must not take, and limits it must not crash on.

use std::path::Path;

use ctyun_image_codegen::names::CLIENT_METHODS;

/// Every method of `impl Client` in the hand-written client sources is in `CLIENT_METHODS`,
/// so no operation can become a method that already exists (which would not compile).
#[test]
fn client_methods_list_matches_the_client_sources() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for item in file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let syn::Type::Path(tp) = &*imp.self_ty else { continue };
            if imp.trait_.is_some() || tp.path.segments.last().is_none_or(|s| s.ident != "Client") {
                continue;
            }
            for it in imp.items {
                if let syn::ImplItem::Fn(f) = it {
                    found.push((f.sig.ident.to_string(), path.file_name().unwrap().to_string_lossy().into_owned()));
                }
            }
        }
    }
    assert!(found.iter().any(|(m, _)| m == "send"), "no `impl Client` found in {}", src.display());
    for (m, file) in found {
        assert!(
            CLIENT_METHODS.contains(&m.as_str()),
            "`Client::{m}` (client/src/{file}) is missing from codegen's names::CLIENT_METHODS"
        );
    }
}

fn spec_with_nested_schema(depth: usize) -> String {
    let mut schema = String::from("{type: string}");
    for _ in 0..depth {
        schema = format!("{{type: object, properties: {{inner: {schema}}}}}");
    }
    format!(
        r##"openapi: 3.0.3
info: {{title: deep, version: "1"}}
x-envelope: {{schema: "#/components/schemas/Envelope", payload: returnObj}}
paths:
  /v1/deep:
    get:
      operationId: deep
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Envelope"
                  - type: object
                    properties:
                      returnObj: {schema}
components:
  schemas:
    Envelope: {{type: object}}
"##
    )
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let ok = ctyun_image_codegen::check_str(&spec_with_nested_schema(20), "deep.yaml");
    assert!(ok.is_ok(), "{:?}", ok.err());
    // The YAML parser's own limit (128) or the generator's (32 levels), whichever comes first.
    for depth in [40, 120, 500] {
        let err = ctyun_image_codegen::check_str(&spec_with_nested_schema(depth), "deep.yaml").unwrap_err();
        let d = err.diagnostics();
        assert!(!d.is_empty() && d.iter().all(|d| d.line.is_some()), "{depth}: {err}");
    }
}

#[test]
fn long_reference_chains_terminate() {
    let mut schemas = String::new();
    for i in 0..200 {
        schemas.push_str(&format!("    S{i}: {{$ref: \"#/components/schemas/S{}\"}}\n", i + 1));
    }
    schemas.push_str("    S200: {type: object, properties: {a: {type: string}}}\n");
    let spec = spec_with_nested_schema(0).replace("{type: string}", "{$ref: \"#/components/schemas/S0\"}") + &schemas;
    // Accepted or rejected, but answered.
    let _ = ctyun_image_codegen::check_str(&spec, "chain.yaml");
}

/// IR built or edited outside `lower` (e.g. by a tool) is checked before emission: a bad
/// identifier, an undefined type, a hand-written method name or a self-containing struct is an
/// `Error::Internal`, never a panic in `Ident::new` or code that does not compile.
#[test]
fn emit_validates_the_ir_it_is_given() {
    use ctyun_image_codegen::ir::{TypeKind, TypeRef};
    let source = include_str!("fixtures/shapes/spec.yaml");
    let api = ctyun_image_codegen::check_str(source, "shapes.yaml").unwrap();
    ctyun_image_codegen::emit::emit(&api, "shapes.yaml").unwrap();
    type Breakage = Box<dyn Fn(&mut ctyun_image_codegen::ir::Api)>;
    let breakages: Vec<(&str, Breakage)> = vec![
        ("keyword field", Box::new(|a| a.operations[0].fields[0].rust_name = "type".into())),
        ("not an identifier", Box::new(|a| a.operations[0].method_name = "get-widget".into())),
        ("empty name", Box::new(|a| a.operations[0].request_type = String::new())),
        ("undefined type", Box::new(|a| a.operations[0].output = TypeRef::Named("Nope".into()))),
        ("hand-written method", Box::new(|a| a.operations[0].method_name = "send".into())),
        (
            "self-containing struct",
            Box::new(|a| {
                if let Some(TypeKind::Struct(f)) = a.types.get_mut("Label").map(|t| &mut t.kind) {
                    f[0].ty = TypeRef::Named("Label".into());
                }
            }),
        ),
        (
            "variant",
            Box::new(|a| {
                if let Some(TypeKind::StringEnum(v)) = a.types.get_mut("Color").map(|t| &mut t.kind) {
                    v[0].rust_name = "9lives".into();
                }
            }),
        ),
    ];
    for (what, breakage) in breakages {
        let mut bad = api.clone();
        breakage(&mut bad);
        match ctyun_image_codegen::emit::emit(&bad, "shapes.yaml") {
            Err(ctyun_image_codegen::Error::Internal(m)) => assert!(m.contains("cannot be emitted"), "{what}: {m}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}
