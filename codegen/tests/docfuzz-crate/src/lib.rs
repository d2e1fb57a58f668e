//! Code generated from specs whose documentation positions hold arbitrary text, compiled
//! (and linted, and doc-tested) as a crate of its own by `codegen/tests/doc_compile.rs`, which
//! writes the samples and sets `CTYUN_DOC_FUZZ_DIR`. Without it this crate is empty. Not
//! published.

#![warn(missing_docs)]

use std::ops::Deref;

/// A `ctyun_image::Client` that receives the samples' operation methods (each sample's
/// operationId carries its number, so they never clash).
#[derive(Clone, Debug)]
pub struct Client(pub ctyun_image::Client);

impl Deref for Client {
    type Target = ctyun_image::Client;

    fn deref(&self) -> &ctyun_image::Client {
        &self.0
    }
}

include!(concat!(env!("OUT_DIR"), "/samples.rs"));
