//! Typed async client for the China Telecom Cloud (CTyun, 天翼云) Image Service API v4.
//!
//! Every operation of the API is a generated request type (see [`operations`]) sent through one
//! shared pipeline: defaults → canonical query → EOP signature (per attempt) → HTTP → envelope.
//!
//! ```no_run
//! # async fn run() -> Result<(), ctyun_image::Error> {
//! use ctyun_image::{model::ImageVisibilityCode, operations::ListImagesRequest, Client};
//!
//! // CTYUN_AK / CTYUN_SK, optional CTYUN_REGION_ID and CTYUN_ENDPOINT.
//! let client = Client::from_env()?;
//! let page = client.list_images(ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private)).await?;
//! for image in page.images() {
//!     println!("{} {:?}", image.image_id(), image.image_name());
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod attempt;
#[cfg(feature = "cli")]
pub mod cli;
mod client;
pub mod clock;
mod config;
pub mod error;
#[rustfmt::skip]
mod generated;
pub mod paginate;
pub mod retry;
pub mod runtime;
pub mod signer;
pub mod tls;
pub mod waiter;

pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_ENDPOINT, ENV_ACCESS_KEY, ENV_ENDPOINT,
    ENV_REGION_ID, ENV_SECRET_KEY,
};
pub use error::{CallContext, Error};
pub use generated::errors::ErrorCode;
pub use generated::{errors, model, operations};
/// The `reqwest` this crate is built with, so a client passed to
/// [`ClientBuilder::http_client`] (or a [`reqwest::Proxy`]) matches its version.
pub use reqwest;
pub use retry::RetryConfig;
pub use signer::Credentials;

/// The crate README's Rust examples are compiled as doctests (the workspace README's are
/// doctested by `ctyun-image-tests`, which is not packaged).
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
