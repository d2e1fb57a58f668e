//! Test support for `ctyun-image`: a fake CTyun image server usable in-process
//! ([`fake::FakeServer`]) or as the `fake-ctimage` binary.

pub mod fake;

pub use fake::{FakeConfig, FakeServer, Fault, FaultRule, Transition};
