//! The output depends on what the spec says, not on how it is laid out: shuffling the order of
//! every YAML mapping (paths, components, schema keywords, responses, media types, extensions...)
//! and reformatting the file changes nothing.
//!
//! The one mapping whose order shows in the text is `properties`: it is the order of the Rust
//! fields and of the docs, so it is kept here. It is not API: `new` takes its arguments in
//! `parameters` then `required` order (lists), see `key_order.rs`.

use std::path::Path;

use serde_yaml::{Mapping, Value};

/// xorshift64*: a tiny deterministic generator, so a failure is reproducible by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn shuffle(v: &mut Value, rng: &mut Rng, parent_key: Option<&str>) {
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(Value, Value)> = std::mem::take(m).into_iter().collect();
            if parent_key != Some("properties") {
                for i in (1..entries.len()).rev() {
                    let j = (rng.next() % (i as u64 + 1)) as usize;
                    entries.swap(i, j);
                }
            }
            let mut out = Mapping::new();
            for (k, mut x) in entries {
                let key = k.as_str().map(str::to_owned);
                shuffle(&mut x, rng, key.as_deref());
                out.insert(k, x);
            }
            *m = out;
        }
        Value::Sequence(s) => s.iter_mut().for_each(|x| shuffle(x, rng, None)),
        _ => {}
    }
}

fn check(label: &str, source: &str) {
    let expected = ctyun_image_codegen::generate_from_str(source, label).unwrap_or_else(|e| panic!("{e}"));
    let doc: Value = serde_yaml::from_str(source).unwrap();
    let mut changed_layout = false;
    for seed in 1..=8u64 {
        let mut shuffled = doc.clone();
        shuffle(&mut shuffled, &mut Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)), None);
        let text = serde_yaml::to_string(&shuffled).unwrap();
        changed_layout |= text != source;
        let actual =
            ctyun_image_codegen::generate_from_str(&text, label).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        for (a, e) in actual.iter().zip(&expected) {
            assert_eq!(a.path, e.path);
            assert!(a.contents == e.contents, "{label}: seed {seed} changes {}", a.path);
        }
        assert_eq!(actual.len(), expected.len());
    }
    assert!(changed_layout);
}

#[test]
fn shuffled_map_order_gives_identical_output_for_the_real_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    check("spec/ctimage.yaml", &std::fs::read_to_string(root.join("spec/ctimage.yaml")).unwrap());
}

#[test]
fn shuffled_map_order_gives_identical_output_for_the_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["minimal", "paging", "shapes"] {
        let label = format!("codegen/tests/fixtures/{name}/spec.yaml");
        check(&label, &std::fs::read_to_string(dir.join(name).join("spec.yaml")).unwrap());
    }
}
