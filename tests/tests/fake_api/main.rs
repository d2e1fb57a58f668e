//! End to end against the fake server: every operation of the image API, sharing across
//! accounts, paging, status transitions, fault injection, load, the `fake-ctimage` binary and
//! CTyun's own Python signing sample.
//!
//! One test binary, one tokio runtime, two in-process servers (transitions after 0 and after 2
//! polls); each test uses its own accounts or regions so tests do not see each other's images.

mod binary;
mod client_ops;
mod connections;
mod faults;
mod load;
mod operations;
mod paging;
mod python_sample;
mod runtime;
mod sharing;
mod support;
mod transitions;
