//! The whole generator on the real spec: load + validate + lower + emit + prettyplease.

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/ctimage.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let mut group = c.benchmark_group("codegen");
    group.sample_size(20);
    group.bench_function("full_spec", |b| {
        b.iter(|| ctyun_image_codegen::generate_from_str(std::hint::black_box(&source), "spec/ctimage.yaml").unwrap());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
