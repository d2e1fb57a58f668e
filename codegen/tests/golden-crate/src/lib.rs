//! The code generator's golden outputs (`codegen/tests/fixtures/*/expected/`), generated with
//! `Runtime::EXTERNAL` and compiled (and linted by `cargo clippy --all-targets`) as a crate of
//! their own against the public API of `ctyun-image`, so the client crate carries no test-only
//! code. Not published.
//!
//! Hand-written; `codegen/tests/golden.rs` checks that every fixture is listed here. Fixture
//! operationIds carry the fixture's name, so the fixtures' `Client` methods never clash.

#![warn(missing_docs)]

use std::ops::Deref;

/// A `ctyun_image::Client` that receives the fixtures' operation methods: generated code adds
/// inherent methods to `crate::Client`, which only a local type can take.
#[derive(Clone, Debug)]
pub struct Client(pub ctyun_image::Client);

impl Deref for Client {
    type Target = ctyun_image::Client;

    fn deref(&self) -> &ctyun_image::Client {
        &self.0
    }
}

#[rustfmt::skip]
#[path = "../../fixtures/minimal/expected/mod.rs"]
pub mod minimal;
#[rustfmt::skip]
#[path = "../../fixtures/paging/expected/mod.rs"]
pub mod paging;
#[rustfmt::skip]
#[path = "../../fixtures/shapes/expected/mod.rs"]
pub mod shapes;
