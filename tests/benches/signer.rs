//! Signer vs the crypto floor, on the same inputs, in one run.
//!
//! floor = SHA-256(body) + the 4 HMAC-SHA256 of the key chain and signature + base64, done
//! directly with sha2/hmac/base64 over a prebuilt string to sign. signer = what the client does
//! per attempt: canonicalize the query, hash the body, stream the string to sign into the HMAC,
//! build the header value.

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ctyun_image::signer::{sign, string_to_sign, CanonicalQuery, Credentials, SigningParams};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::hint::black_box;

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = HmacSha256::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().into()
}

const AK: &str = "4b3a1f0e9d8c7b6a5f4e3d2c1b0a9f8e";
const SK: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const DATE: &str = "20261201T120000Z";
const ID: &str = "1234abcd-0000-11ee-8000-abcdef000000";

struct Case {
    name: &'static str,
    query: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let json_body = |n: usize| {
        let mut s =
            String::from(r#"{"regionID":"bb9fdb42056f11eda1610242ac110002","imageName":"golden","description":""#);
        while s.len() < n - 2 {
            s.push('x');
        }
        s.push_str("\"}");
        s.into_bytes()
    };
    vec![
        Case {
            name: "get_3_params",
            query: vec![
                ("regionID", "bb9fdb42056f11eda1610242ac110002".into()),
                ("pageNo", "1".into()),
                ("pageSize", "50".into()),
            ],
            body: Vec::new(),
        },
        Case { name: "post_1kib", query: vec![], body: json_body(1024) },
        Case { name: "post_1mib", query: vec![], body: json_body(1024 * 1024) },
    ]
}

fn bench(c: &mut Criterion) {
    let creds = Credentials::new(AK, SK);
    let mut group = c.benchmark_group("sign");
    for case in cases() {
        group.throughput(Throughput::Bytes(case.body.len() as u64));
        group.bench_with_input(BenchmarkId::new("signer", case.name), &case, |b, case| {
            b.iter(|| {
                let query = CanonicalQuery::from_pairs(black_box(&case.query).iter().map(|(k, v)| (*k, v.as_str())));
                sign(&SigningParams {
                    credentials: &creds,
                    eop_date: DATE,
                    request_id: ID,
                    query: &query,
                    body: black_box(&case.body),
                })
            })
        });
        // The floor hashes the body and runs the 4 HMACs over the same bytes the signer signs.
        let query = CanonicalQuery::from_pairs(case.query.iter().map(|(k, v)| (*k, v.as_str())));
        let sts = string_to_sign(&SigningParams {
            credentials: &creds,
            eop_date: DATE,
            request_id: ID,
            query: &query,
            body: &case.body,
        })
        .into_bytes();
        group.bench_with_input(BenchmarkId::new("floor", case.name), &case, |b, case| {
            b.iter(|| {
                let hash = Sha256::digest(black_box(&case.body));
                let k_time = hmac(SK.as_bytes(), DATE.as_bytes());
                let k_ak = hmac(&k_time, AK.as_bytes());
                let k_date = hmac(&k_ak, &DATE.as_bytes()[..8]);
                let sig = hmac(&k_date, black_box(&sts));
                (hash, base64::engine::general_purpose::STANDARD.encode(sig))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
