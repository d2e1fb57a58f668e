//! Signer vs the crypto floor, on the same inputs, in one run.
//!
//! floor = SHA-256(body) + the 4 HMAC-SHA256 of the key chain and signature + base64, done
//! directly with sha2/hmac/base64 over a prebuilt string to sign.
//! signer = canonicalize the query (sort, percent-encode), hash the body, stream the string to
//! sign into the HMAC, build the header value.
//! sign = the per-attempt part only (the client canonicalizes the query once per call and signs
//! every attempt afresh), i.e. `signer::sign` with a prebuilt `CanonicalQuery`.
//!
//! After criterion's absolute timings, a paired run alternates short batches of each variant and
//! the floor and reports the median of the per-round ratios (written to
//! `target/criterion/signer_paired.json`), which cancels the drift of a noisy machine.

use base64::Engine as _;
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use ctyun_image::signer::{sign, string_to_sign, CanonicalQuery, Credentials, SigningParams};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::time::Instant;

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

fn signer(creds: &Credentials, case: &Case) -> String {
    let query = CanonicalQuery::from_pairs(black_box(&case.query).iter().map(|(k, v)| (*k, v.as_str())));
    sign(&SigningParams {
        credentials: creds,
        eop_date: DATE,
        request_id: ID,
        query: &query,
        body: black_box(&case.body),
    })
}

fn sign_only(creds: &Credentials, query: &CanonicalQuery, case: &Case) -> String {
    sign(&SigningParams {
        credentials: creds,
        eop_date: DATE,
        request_id: ID,
        query: black_box(query),
        body: black_box(&case.body),
    })
}

fn floor(case: &Case, sts: &[u8]) -> ([u8; 32], String) {
    let hash: [u8; 32] = Sha256::digest(black_box(&case.body)).into();
    let k_time = hmac(SK.as_bytes(), DATE.as_bytes());
    let k_ak = hmac(&k_time, AK.as_bytes());
    let k_date = hmac(&k_ak, &DATE.as_bytes()[..8]);
    let sig = hmac(&k_date, black_box(sts));
    (hash, base64::engine::general_purpose::STANDARD.encode(sig))
}

fn string_to_sign_of(creds: &Credentials, case: &Case) -> (CanonicalQuery, Vec<u8>) {
    let query = CanonicalQuery::from_pairs(case.query.iter().map(|(k, v)| (*k, v.as_str())));
    let sts = string_to_sign(&SigningParams {
        credentials: creds,
        eop_date: DATE,
        request_id: ID,
        query: &query,
        body: &case.body,
    })
    .into_bytes();
    (query, sts)
}

fn bench(c: &mut Criterion) {
    let creds = Credentials::new(AK, SK);
    let mut group = c.benchmark_group("sign");
    for case in cases() {
        group.throughput(Throughput::Bytes(case.body.len() as u64));
        let (query, sts) = string_to_sign_of(&creds, &case);
        group.bench_with_input(BenchmarkId::new("signer", case.name), &case, |b, case| b.iter(|| signer(&creds, case)));
        group.bench_with_input(BenchmarkId::new("sign", case.name), &case, |b, case| {
            b.iter(|| sign_only(&creds, &query, case));
        });
        group.bench_with_input(BenchmarkId::new("floor", case.name), &case, |b, case| b.iter(|| floor(case, &sts)));
    }
    group.finish();
}

/// Median of per-round ratios `variant / floor`, alternating short batches.
fn paired(mut variant: impl FnMut(), mut floor: impl FnMut(), batch: usize, rounds: usize) -> f64 {
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..batch {
            variant();
        }
        let v = t.elapsed().as_secs_f64();
        let t = Instant::now();
        for _ in 0..batch {
            floor();
        }
        ratios.push(v / t.elapsed().as_secs_f64());
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    ratios[ratios.len() / 2]
}

fn paired_report() {
    let creds = Credentials::new(AK, SK);
    let mut json = Vec::new();
    println!("paired ratios (median of alternating rounds):");
    for case in cases() {
        let (query, sts) = string_to_sign_of(&creds, &case);
        let batch = if case.body.len() > 100_000 { 2 } else { 200 };
        let r_signer =
            paired(|| drop(black_box(signer(&creds, &case))), || drop(black_box(floor(&case, &sts))), batch, 301);
        let r_sign = paired(
            || drop(black_box(sign_only(&creds, &query, &case))),
            || drop(black_box(floor(&case, &sts))),
            batch,
            301,
        );
        println!("  {:<13} canonicalize+sign / floor {r_signer:.3}   sign / floor {r_sign:.3}", case.name);
        json.push(format!("\"{}\":{{\"signer\":{r_signer:.4},\"sign\":{r_sign:.4}}}", case.name));
    }
    let out = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion/signer_paired.json");
    let _ = std::fs::write(out, format!("{{{}}}\n", json.join(",")));
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    paired_report();
}
