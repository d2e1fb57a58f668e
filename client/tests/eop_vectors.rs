//! Every golden vector computed by CTyun's reference Python sample must match: first the string
//! to sign, then the `Eop-Authorization` value. A mismatch names the vector.

use ctyun_image::signer::{sign, string_to_sign, CanonicalQuery, Credentials, SigningParams};
use serde_json::Value;

fn load() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/eop_vectors.json");
    let text = std::fs::read_to_string(path).expect("read tests/data/eop_vectors.json");
    serde_json::from_str(&text).expect("parse tests/data/eop_vectors.json")
}

/// Checks vectors; returns one message per mismatching vector.
fn check(vectors: &[Value]) -> Vec<String> {
    let mut failures = Vec::new();
    for v in vectors {
        let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("vector field {k} missing: {v}"));
        let name = s("name");
        let pairs: Vec<(String, String)> = v["query"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: query is not an array"))
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
            .collect();
        let creds = Credentials::new(s("ak"), s("sk"));
        let query = CanonicalQuery::from_pairs(pairs);
        let params = SigningParams {
            credentials: &creds,
            eop_date: s("eop_date"),
            request_id: s("request_id"),
            query: &query,
            body: s("body").as_bytes(),
        };
        let sts = string_to_sign(&params);
        if sts != s("string_to_sign") {
            failures.push(format!(
                "vector `{name}`: string_to_sign differs\n  expected {:?}\n  actual   {:?}",
                s("string_to_sign"),
                sts
            ));
            continue;
        }
        let auth = sign(&params);
        if auth != s("authorization") {
            failures.push(format!(
                "vector `{name}`: authorization differs\n  expected {:?}\n  actual   {:?}",
                s("authorization"),
                auth
            ));
        }
    }
    failures
}

#[test]
fn every_vector_matches_the_reference() {
    let vectors = load();
    assert!(vectors.len() >= 11, "expected the full vector set, got {}", vectors.len());
    let failures = check(&vectors);
    assert!(failures.is_empty(), "{} of {} vectors fail:\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

/// The check is not vacuous: altering any one expected value of any vector is caught and the
/// vector is named.
#[test]
fn altering_any_expected_value_is_caught() {
    let vectors = load();
    for i in 0..vectors.len() {
        for field in ["string_to_sign", "authorization"] {
            let mut altered = vectors.clone();
            let old = altered[i][field].as_str().unwrap().to_owned();
            // Flip the last character.
            let mut new = old[..old.len() - 1].to_owned();
            new.push(if old.ends_with('A') { 'B' } else { 'A' });
            altered[i][field] = Value::String(new);
            let failures = check(&altered);
            let name = vectors[i]["name"].as_str().unwrap();
            assert_eq!(failures.len(), 1, "altering {field} of `{name}` gave {failures:?}");
            assert!(failures[0].contains(&format!("`{name}`")) && failures[0].contains(field));
        }
    }
}
