//! Test support for `ctyun-image`: re-exports the fake CTyun image server of the
//! `ctyun-image-fake` crate (as [`fake`], so `ctyun_image_tests::fake::...` paths keep working);
//! the `fake-ctimage` binary, the end-to-end tests, examples and benches live in this package.

pub use ctyun_image_fake as fake;

pub use ctyun_image_fake::{FakeConfig, FakeServer, Fault, FaultRule, SeedImage, Transition};

/// The workspace README's Rust examples are compiled as doctests here (this crate has
/// `ctyun-image` as a dev-dependency); the client crate doctests its own, packaged README.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct WorkspaceReadmeDoctests;
