//! The generated public API does not depend on the order of YAML mapping keys, including
//! `properties`: sorting every mapping of the real spec alphabetically (recursively) gives the
//! same public API. Rule: `new` takes the required query parameters in `parameters` order, then
//! the required body properties in `required` order. Struct field order (not API: fields are
//! named) follows `properties`.

use std::path::Path;

use serde_yaml::{Mapping, Value};
use syn::{ImplItem, Item};

fn sort_keys(v: &mut Value) {
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(Value, Value)> = std::mem::take(m).into_iter().collect();
            entries.sort_by_key(|(k, _)| serde_yaml::to_string(k).unwrap());
            let mut out = Mapping::new();
            for (k, mut x) in entries {
                sort_keys(&mut x);
                out.insert(k, x);
            }
            *m = out;
        }
        Value::Sequence(s) => s.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

fn strip_docs(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
}

/// The public API of one generated file, docs and private order left out: one string per item,
/// `impl` functions reduced to their signatures, struct fields as a sorted set, statics (the
/// CLI's help tables, in `properties` order like the docs) and private functions left out.
fn api(contents: &str) -> Vec<String> {
    let file = syn::parse_file(contents).unwrap();
    let mut out = Vec::new();
    for mut item in file.items {
        match &mut item {
            Item::Struct(s) => {
                strip_docs(&mut s.attrs);
                let mut fields: Vec<String> = s
                    .fields
                    .iter_mut()
                    .map(|f| {
                        strip_docs(&mut f.attrs);
                        quote::quote!(#f).to_string()
                    })
                    .collect();
                fields.sort();
                let (attrs, ident) = (&s.attrs, &s.ident);
                out.push(format!("{} struct {ident} {{ {} }}", quote::quote!(#(#attrs)*), fields.join(", ")));
            }
            Item::Impl(i) => {
                let self_ty = &i.self_ty;
                let tr = i.trait_.as_ref().map(|(p, _)| quote::quote!(#p).to_string()).unwrap_or_default();
                for it in &i.items {
                    if let ImplItem::Fn(f) = it {
                        let sig = &f.sig;
                        let vis = &f.vis;
                        out.push(format!(
                            "impl {tr} for {} {{ {} }}",
                            quote::quote!(#self_ty),
                            quote::quote!(#vis #sig)
                        ));
                    }
                }
            }
            // Help tables (CLI arguments): listed in `properties` order, like the docs.
            Item::Static(_) => {}
            // Private helpers are no API.
            Item::Fn(f) if matches!(f.vis, syn::Visibility::Inherited) => {}
            other => {
                if let Item::Enum(e) = other {
                    strip_docs(&mut e.attrs);
                    e.variants.iter_mut().for_each(|v| strip_docs(&mut v.attrs));
                }
                out.push(quote::quote!(#other).to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn sorting_every_mapping_key_keeps_the_public_api_of_the_real_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let source = std::fs::read_to_string(root.join("spec/ctimage.yaml")).unwrap();
    let expected = ctyun_image_codegen::generate_from_str(&source, "spec/ctimage.yaml").unwrap();
    let mut doc: Value = serde_yaml::from_str(&source).unwrap();
    sort_keys(&mut doc);
    let sorted = serde_yaml::to_string(&doc).unwrap();
    let actual = ctyun_image_codegen::generate_from_str(&sorted, "spec/ctimage.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(&expected) {
        assert_eq!(a.path, e.path);
        if !a.path.ends_with(".rs") {
            continue;
        }
        let (a_api, e_api) = (api(&a.contents), api(&e.contents));
        let missing: Vec<_> = e_api.iter().filter(|x| !a_api.contains(x)).collect();
        let extra: Vec<_> = a_api.iter().filter(|x| !e_api.contains(x)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{}: API changed\n- {missing:#?}\n+ {extra:#?}", a.path);
    }
}
