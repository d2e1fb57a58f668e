//! The contract between generated code and the hand-written runtime, declared once: every
//! runtime item the generated code names (`client/src/runtime.rs`, `paginate.rs`, `waiter.rs`,
//! `error.rs`, `cli/`), relative to a configurable root, and the hand-written `Client` methods
//! an operation must not become.
//!
//! Two roots exist: `crate` for the client crate itself (what `cargo xtask codegen` writes) and
//! `::ctyun_image` for code compiled in another crate (the golden fixtures). Inherent methods
//! can only be added to a local type, so the operation methods always go to `crate::Client`:
//! an external crate defines `Client` at its root as a newtype that dereferences to
//! `ctyun_image::Client` (see `codegen/tests/golden-crate/`).

use std::fmt;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

/// Methods of `ctyun_image::Client` written by hand (`client/src/*.rs`, any visibility, plus the
/// trait methods `clone` and `fmt`): an operation must not become one of them. A test parses the
/// client sources and fails when this list falls behind.
pub const CLIENT_METHODS: &[&str] = &[
    "attempt",
    "builder",
    "clone",
    "default_region",
    "endpoint",
    "execute",
    "fmt",
    "from_env",
    "paginate",
    "send",
    "send_raw",
    "wait",
    "waiter_delays",
];

/// Where the generated code finds the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runtime {
    root: &'static str,
}

impl Runtime {
    /// Generated code inside the client crate: `crate::runtime::Operation`, ...
    pub const IN_CLIENT: Runtime = Runtime { root: "crate" };
    /// Generated code in a crate that depends on `ctyun-image` (and on `serde`, `serde_json`),
    /// defining `Client` at its root: `::ctyun_image::runtime::Operation`, ...
    pub const EXTERNAL: Runtime = Runtime { root: "::ctyun_image" };

    fn item(&self, relative: &'static str) -> RuntimePath {
        RuntimePath(format!("{}::{relative}", self.root))
    }

    /// The type that receives the generated operation methods (always local: `crate::Client`).
    pub fn client(&self) -> RuntimePath {
        RuntimePath("crate::Client".to_owned())
    }
}

/// A path into the runtime: interpolates into `quote!` as a path and formats as text (for doc
/// links).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimePath(String);

impl fmt::Display for RuntimePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ToTokens for RuntimePath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        // The paths are the constants below; one that does not parse (a bug) yields a name
        // that fails to compile instead of a panic.
        tokens.extend(self.0.parse::<TokenStream>().unwrap_or_else(|_| quote!(__invalid_runtime_path_generator_bug)));
    }
}

macro_rules! runtime_items {
    ($($(#[$doc:meta])* $name:ident => $path:literal,)*) => {
        /// Every runtime item the generated code names, relative to the root.
        pub const ITEMS: &[&str] = &[$($path),*];

        impl Runtime {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> RuntimePath {
                    self.item($path)
                }
            )*
        }
    };
}

runtime_items! {
    /// The crate's error type.
    error => "Error",
    /// Doc link: the default-region setter.
    client_builder_region => "ClientBuilder::region",
    /// Doc link: the generic send.
    client_send => "Client::send",
    /// Doc link: the generic wait.
    client_wait => "Client::wait",
    /// Doc link: why a wait ended.
    waiter_max_wait_exceeded => "error::WaiterErrorKind::MaxWaitExceeded",
    /// The trait every request implements.
    operation => "runtime::Operation",
    /// Static facts of an operation.
    operation_descriptor => "runtime::OperationDescriptor",
    /// HTTP method of a descriptor.
    http_method => "runtime::HttpMethod",
    /// Client defaults passed to `prepare`.
    request_defaults => "runtime::RequestDefaults",
    /// Query-string collector.
    query_writer => "runtime::QueryWriter",
    /// Serde `with` module of a comma-joined `Vec<String>` (`x-comma-separated`).
    comma_list => "runtime::comma_list",
    /// The same for an `Option<Vec<String>>`.
    comma_list_option => "runtime::comma_list::option",
    /// String-or-number scalar.
    scalar => "runtime::Scalar",
    /// Trait impls of a string enum (macro).
    string_enum_impls => "runtime::string_enum_impls",
    /// Trait impls of an integer enum (macro).
    int_enum_impls => "runtime::int_enum_impls",
    /// Paged operations.
    paginated => "paginate::Paginated",
    /// Saturating `i64` → `i32` of page fields.
    to_i32 => "paginate::to_i32",
    /// Result of a wait.
    waited => "waiter::Waited",
    /// A waiter's definition.
    waiter_def => "waiter::WaiterDef",
    /// A waiter acceptor.
    acceptor => "waiter::Acceptor",
    /// What an acceptor match means.
    acceptor_state => "waiter::AcceptorState",
    /// How an acceptor matches.
    matcher => "waiter::Matcher",
    /// CLI: a flag.
    cli_arg => "cli::Arg",
    /// CLI: a flag's kind.
    cli_arg_kind => "cli::ArgKind",
    /// CLI: a command group.
    cli_group => "cli::Group",
    /// CLI: a command.
    cli_command => "cli::Command",
    /// CLI: the waiter that follows a command.
    cli_wait_use => "cli::WaitUse",
    /// CLI: request fields keyed by wire name.
    cli_input => "cli::Input",
    /// CLI: an error.
    cli_error => "cli::CliError",
    /// CLI: send one request.
    cli_send => "cli::send",
    /// CLI: send every page.
    cli_send_all => "cli::send_all",
    /// CLI: run a waiter.
    cli_wait => "cli::wait",
}
