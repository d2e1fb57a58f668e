//! The `ctimage` command line (feature `cli`): the hand-written runtime behind the generated
//! command tables.
//!
//! `client/src/generated/cli.rs` (generated from the spec) holds one [`Command`] per operation,
//! with its flags ([`Arg`]), and one request builder per operation that takes a JSON object keyed
//! by wire name ([`Input`]). This module turns the tables into a clap command ([`app`]), collects
//! flags and `--json-input` into that JSON object, sends the typed request through [`Client`]
//! (paginators for `--all`, waiters for `--wait`), prints the result ([`output`]) and maps errors
//! to exit codes ([`ExitCode`]).
//!
//! Library users never compile this: it exists only with the `cli` feature.

pub mod app;
pub mod output;

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::paginate::Paginated;
use crate::runtime::Operation;
use crate::waiter::WaiterDef;
use crate::{Client, Error};

pub use crate::generated::cli::{COMMANDS, GROUPS};
pub use app::{command, main, run};

/// A command group (a tag of the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Not `#[non_exhaustive]`: generated code builds it, also outside this crate.
pub struct Group {
    /// Name, e.g. `lifecycle`.
    pub name: &'static str,
    /// One line of help (the tag's description).
    pub about: &'static str,
}

/// One command: an operation, or a waiter (group `wait`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Not `#[non_exhaustive]`: generated code builds it, also outside this crate.
pub struct Command {
    /// Group (the operation's first tag; `wait` for waiters).
    pub group: &'static str,
    /// Command name: kebab case of the operation's Rust method (`list-images`).
    pub name: &'static str,
    /// The operation sent (for a waiter: the one it polls).
    pub operation_id: &'static str,
    /// One line of help (the spec's summary).
    pub about: &'static str,
    /// The whole description.
    pub long_about: &'static str,
    /// Flags, one per request field.
    pub args: &'static [Arg],
    /// For a paged operation, the wire name of the items (`--all` collects them).
    pub items: Option<&'static str>,
    /// The waiter `--wait` runs after the operation (`x-waiter`).
    pub wait: Option<WaitUse>,
    /// For a command of the `wait` group, the waiter it runs.
    pub waiter: Option<&'static str>,
}

impl Command {
    /// `group name`, or `name` for a command without a group.
    pub fn path(&self) -> String {
        if self.group.is_empty() {
            self.name.to_owned()
        } else {
            format!("{} {}", self.group, self.name)
        }
    }
}

/// `x-waiter` of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Not `#[non_exhaustive]`: generated code builds it, also outside this crate.
pub struct WaitUse {
    /// The waiter's name (`imageActive`).
    pub waiter: &'static str,
    /// Fields of the polled request taken from the operation's output: (wire name, path).
    /// Other fields come from the operation's request by wire name.
    pub from_response: &'static [(&'static str, &'static str)],
}

/// A flag: one request field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Not `#[non_exhaustive]`: generated code builds it, also outside this crate.
pub struct Arg {
    /// Wire name (`imageID`): the key in `--json-input`.
    pub wire: &'static str,
    /// Flag name without `--` (`image-id`).
    pub flag: &'static str,
    /// Value kind.
    pub kind: ArgKind,
    /// Required (unless given in `--json-input`).
    pub required: bool,
    /// One line of help.
    pub help: &'static str,
    /// The whole description.
    pub long_help: &'static str,
}

/// How a flag's text becomes JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgKind {
    /// A string.
    Str,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A number.
    F64,
    /// `true` or `false` (the flag alone means `true`).
    Bool,
    /// One of these strings (value, help).
    Enum(&'static [(&'static str, &'static str)]),
    /// One of these integers (value as text, help).
    IntEnum(&'static [(&'static str, &'static str)]),
    /// A list of strings: repeat the flag or separate with commas.
    StrList,
    /// JSON text (objects, lists of objects).
    Json,
}

/// Exit codes of `ctimage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExitCode {
    /// 0: done.
    Ok = 0,
    /// 1: the API answered with an error (CTyun failure envelope, HTTP error, undecodable body).
    Api = 1,
    /// 2: bad usage: unknown flag, missing or invalid value, bad `--json-input`, configuration
    /// (credentials, endpoint), a request the client rejects before sending.
    Usage = 2,
    /// 3: transport failure or timeout (including `--wait-timeout`).
    Transport = 3,
    /// 4: `--wait` (or `ctimage wait`) saw the resource reach a failure state.
    WaitFailed = 4,
}

/// An error of the command line: a message and its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad usage (exit 2).
    Usage(String),
    /// The API answered, but not as the command needs (exit 1), e.g. no image id to `--wait` on.
    Response(String),
    /// An error of the client.
    Client(Error),
}

impl CliError {
    /// A usage error: no `what` (operation, waiter) is called `name`. Used by generated code.
    #[doc(hidden)]
    pub fn unknown(what: &str, name: &str) -> CliError {
        CliError::Usage(format!("unknown {what} `{name}`"))
    }

    /// The exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::Usage,
            CliError::Response(_) => ExitCode::Api,
            // `_` arms: `Error` is non-exhaustive for users; new kinds count as API errors.
            #[allow(unreachable_patterns)]
            CliError::Client(e) => match e {
                Error::Api(_) | Error::Http(_) | Error::Decode(_) => ExitCode::Api,
                Error::Transport(_) | Error::Timeout(_) => ExitCode::Transport,
                Error::Waiter(w) => match w.kind {
                    crate::error::WaiterErrorKind::FailureState => ExitCode::WaitFailed,
                    _ => ExitCode::Transport,
                },
                Error::InvalidInput { .. } | Error::Config(_) => ExitCode::Usage,
                _ if e.is_timeout() => ExitCode::Transport,
                _ => ExitCode::Api,
            },
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Response(m) => f.write_str(m),
            CliError::Client(e) => std::fmt::Display::fmt(e, f),
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Client(e)
    }
}

/// A request as a JSON object keyed by wire name (from flags and `--json-input`), taken apart
/// field by field by the generated builders; keys left over are an error (a typo in a file).
#[derive(Debug)]
pub struct Input {
    map: Map<String, Value>,
    args: &'static [Arg],
}

impl Input {
    /// Wraps an object for a command with these flags.
    pub fn new(map: Map<String, Value>, args: &'static [Arg]) -> Input {
        Input { map, args }
    }

    fn flag(&self, wire: &str) -> String {
        self.args.iter().find(|a| a.wire == wire).map_or_else(|| wire.to_owned(), |a| format!("--{} ({wire})", a.flag))
    }

    fn take<T: DeserializeOwned>(&mut self, wire: &str) -> Result<Option<T>, CliError> {
        match self.map.remove(wire) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| CliError::Usage(format!("invalid value for {}: {e}", self.flag(wire)))),
        }
    }

    /// A required field.
    pub fn required<T: DeserializeOwned>(&mut self, wire: &str) -> Result<T, CliError> {
        self.take(wire)?.ok_or_else(|| CliError::Usage(format!("missing required {}", self.flag(wire))))
    }

    /// An optional field.
    pub fn optional<T: DeserializeOwned>(&mut self, wire: &str) -> Result<Option<T>, CliError> {
        self.take(wire)
    }

    /// Errors on keys no field took.
    pub fn finish(self) -> Result<(), CliError> {
        if self.map.is_empty() {
            return Ok(());
        }
        let known: Vec<&str> = self.args.iter().map(|a| a.wire).collect();
        let unknown: Vec<&str> = self.map.keys().map(String::as_str).collect();
        Err(CliError::Usage(format!(
            "unknown field(s) {} in the input; this command takes {}",
            unknown.join(", "),
            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
        )))
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::Usage(format!("cannot print the result as JSON: {e}")))
}

/// Sends one request; the output as JSON. Used by generated code.
#[doc(hidden)]
pub async fn send<O: Operation>(client: &Client, request: O) -> Result<Value, CliError>
where
    O::Output: Serialize,
{
    to_json(&client.send(request).await?)
}

/// Walks every page; `{items_key: [every item]}`. Used by generated code.
#[doc(hidden)]
pub async fn send_all<O: Paginated>(client: &Client, request: O, items_key: &str) -> Result<Value, CliError>
where
    O::Item: Serialize,
{
    let items = client.paginate(request).items().try_collect().await?;
    let mut map = Map::new();
    map.insert(items_key.to_owned(), to_json(&items)?);
    Ok(Value::Object(map))
}

/// Runs a waiter; the last poll's output (`null` when success was an error code, e.g. an
/// image not found after a delete). Used by generated code.
#[doc(hidden)]
pub async fn wait<O: Operation + Clone>(
    client: &Client,
    request: O,
    waiter: &'static WaiterDef,
    max_wait: Duration,
) -> Result<Value, CliError>
where
    O::Output: Serialize,
{
    let waited = client.wait(request, waiter, max_wait).await?;
    to_json(&waited.output)
}
