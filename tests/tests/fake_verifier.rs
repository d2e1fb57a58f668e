//! The fake's signature verifier (written independently of the client's signer) accepts every
//! golden vector computed by CTyun's reference Python, and rejects tampered requests.

use std::time::Duration;

use ctyun_image_tests::fake::auth::{parse_eop_date, quote, verify, Received};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../client/tests/data/eop_vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn wire_query(v: &Value) -> String {
    // Encode as a different client might: every reserved character percent-encoded (`/` too).
    v["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}={}", p[0].as_str().unwrap(), quote(p[1].as_str().unwrap()).replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn accepts_every_reference_vector_and_rejects_tampering() {
    let vs = vectors();
    assert!(vs.len() >= 11);
    for v in &vs {
        let s = |k: &str| v[k].as_str().unwrap();
        let name = s("name");
        let now = parse_eop_date(s("eop_date")).unwrap();
        let q = wire_query(v);
        let auth = s("authorization");
        let secret = |ak: &str| (ak == s("ak")).then(|| s("sk").to_owned());
        let r = Received {
            authorization: Some(auth),
            eop_date: Some(s("eop_date")),
            request_id: Some(s("request_id")),
            raw_query: &q,
            body: s("body").as_bytes(),
        };
        verify(&r, secret, now, Duration::from_secs(900)).unwrap_or_else(|e| panic!("vector {name}: {e:?}"));

        let tampered_body = format!("{} ", s("body"));
        let bad = Received { body: tampered_body.as_bytes(), ..r };
        let e = verify(&bad, secret, now, Duration::from_secs(900)).unwrap_err();
        assert_eq!(e.code, "Eop.Auth.SignatureMismatch", "vector {name}");

        let q2 = format!("{q}&extra=1");
        let bad = Received { raw_query: &q2, body: s("body").as_bytes(), ..r };
        assert!(
            verify(&bad, secret, now, Duration::from_secs(900)).is_err(),
            "vector {name}: extra query param accepted"
        );

        let late = now + Duration::from_secs(901);
        let e = verify(
            &Received { raw_query: &q, body: s("body").as_bytes(), ..r },
            secret,
            late,
            Duration::from_secs(900),
        )
        .unwrap_err();
        assert_eq!(e.code, "Eop.Auth.DateExpired", "vector {name}");
    }
}
