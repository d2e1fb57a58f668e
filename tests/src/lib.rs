//! Test support for `ctyun-image`: a fake CTyun image server usable in-process
//! ([`fake::FakeServer`]) or as the `fake-ctimage` binary.

pub mod fake;

pub use fake::{FakeConfig, FakeServer, Fault, FaultRule, Transition};

/// The workspace README's Rust examples are compiled as doctests here (this crate has
/// `ctyun-image` as a dev-dependency); the client crate doctests its own, packaged README.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct WorkspaceReadmeDoctests;
