//! Test support for `ctyun-image`: re-exports the fake CTyun image server of the
//! `ctyun-image-fake` crate (as [`fake`], so `ctyun_image_tests::fake::...` paths keep working);
//! the `fake-ctimage` binary, the end-to-end tests, examples and benches live in this package.

pub use ctyun_image_fake as fake;

pub use ctyun_image_fake::{FakeConfig, FakeServer, Fault, FaultRule, SeedImage, Transition};
