//! `cargo xtask diff`: what changed between two versions of the spec **for users of the generated
//! client**, with a breaking-change verdict.
//!
//! Both specs go through [`crate::load`] and [`crate::lower`], and the two [`crate::ir::Api`]s
//! are compared. Because the IR is resolved (no `$ref`), named (Rust identifiers) and carries the
//! docs, reformatting, key order and YAML style are no change, and every finding can be
//! phrased in Rust terms ("`ListImagesRequest::page_size` is now `Option<i64>` (was
//! `Option<i32>`)").
//!
//! Every finding is a [`Change`] produced by one rule of [`RULES`]: a stable kebab-case id in
//! oasdiff's style, a fixed [`Level`] and the [`Direction`] it applies to. Named types are
//! classified by where they are used: a type reachable from a request field is request-side, one
//! reachable from an operation's output is response-side, and a type used on both sides gets the
//! stricter of the two verdicts.
//!
//! Deliberate differences from oasdiff, because "breaking" here means "a program using the
//! generated client stops compiling or stops working":
//! - an operationId change is breaking (it is the Rust method name);
//! - a request field that stops being required is breaking when it was an argument of `new`;
//! - a response field that becomes required or non-nullable is breaking when its Rust type goes
//!   from `Option<T>` to `T`, and removing a response enum value is breaking (the variant is gone);
//! - constraints (`minimum`, `maxLength`, `pattern`, `default`) are not enforced by the client and
//!   only appear in its rustdoc, so changing them is `docs-changed`.
//!
//! # JSON output (`--format json`), version 1
//!
//! ```json
//! {
//!   "format": "ctyun-image-diff/1",
//!   "old": "spec/ctimage.yaml@main",
//!   "new": "spec/ctimage.yaml",
//!   "verdict": "breaking",
//!   "counts": { "breaking": 1, "non-breaking": 0, "info": 0 },
//!   "changes": [
//!     {
//!       "id": "request-parameter-type-changed",
//!       "level": "breaking",
//!       "direction": "request",
//!       "operation": "list_images",
//!       "type": null,
//!       "message": "`ListImagesRequest::page_size` is now `Option<i64>` (was `Option<i32>`)",
//!       "spec": "new",
//!       "pointer": "/paths/~1v4~1image~1list/get"
//!     }
//!   ]
//! }
//! ```
//!
//! - `versions` (only when both crate versions are known, e.g. `cargo xtask diff --since REV`):
//!   `{"old": "0.1.0", "new": "0.2.0", "required-step": "minor", "required": "0.2.0",
//!   "actual-step": "minor", "ok": true}`, see [`version`].
//! - `verdict`: `no-changes`, `documentation-only` (only `docs-changed`), `compatible` (nothing
//!   breaking) or `breaking`.
//! - `level`: `breaking`, `non-breaking` or `info`; `direction`: `request`, `response`, `both` or
//!   `none`.
//! - `operation`: the Rust method name of the operation the change belongs to (the new name when
//!   it still exists), or `null`; `type`: the Rust type name for changes inside a named type (the
//!   new name when it still exists), or `null`. Both `null`: the API as a whole (title, version).
//! - `pointer`: JSON pointer of the enclosing operation or schema in the spec named by `spec`
//!   (`new` when the item still exists, else `old`).
//! - `changes` are in report order: operations by method name, then types by name; within one,
//!   breaking first. New fields may be added to objects; ids and meanings never change.

mod compare;
mod github;
mod render;
pub mod version;

use serde::Serialize;

use crate::diag::Error;
use crate::ir::Api;

/// How a change affects users of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Documentation or behaviour notes; nothing to adapt.
    Info,
    /// Additions: existing code keeps compiling and working.
    NonBreaking,
    /// Existing code stops compiling, or requests an old client sends stop working.
    Breaking,
}

impl Level {
    /// `breaking`, `non-breaking`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::NonBreaking => "non-breaking",
            Level::Breaking => "breaking",
        }
    }
}

/// Which side of the exchange a change concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Something the client sends (request struct, request-side type).
    Request,
    /// Something the client receives (output type, response-side type).
    Response,
    /// A type used in requests and responses (the stricter verdict applies).
    Both,
    /// The operation or type as a whole.
    None,
}

impl Direction {
    /// `request`, `response`, `both`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "both",
            Direction::None => "none",
        }
    }
}

/// One rule of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id (`api-removed`).
    pub id: &'static str,
    /// Fixed level.
    pub level: Level,
    /// The direction the rule is about (`Both` for rules whose direction comes from the type).
    pub direction: Direction,
    /// What it means for the generated client.
    pub meaning: &'static str,
}

macro_rules! rules {
    ($($id:literal, $level:ident, $dir:ident, $meaning:literal;)*) => {
        /// Every rule, grouped: operations, request fields, response fields, enums, types, docs.
        /// A new rule goes here (id, level, direction, meaning), is produced in `diff/compare.rs`
        /// and gets a fixture pair in `codegen/tests/diff/` (a test checks every id is covered).
        pub const RULES: &[Rule] = &[
            $(Rule { id: $id, level: Level::$level, direction: Direction::$dir, meaning: $meaning },)*
        ];
    };
}

rules! {
    "api-added", NonBreaking, None, "An operation was added: a new `Client` method and request type.";
    "api-removed", Breaking, None, "An operation was removed: its `Client` method and request type are gone.";
    "api-operation-id-changed", Breaking, None, "Same method and path, different operationId: the Rust method and request type are renamed.";
    "api-operation-id-case-changed", Info, None, "The operationId changed but maps to the same Rust names; only the descriptor string differs.";
    "api-method-changed", Breaking, None, "Same operationId, different HTTP method: old clients call an endpoint that no longer exists.";
    "api-path-changed", Breaking, None, "Same operationId, different path: old clients call an endpoint that no longer exists.";
    "api-deprecated", Info, None, "The operation became `deprecated`: the method gets `#[deprecated]` (a warning).";
    "api-reactivated", Info, None, "The operation is no longer deprecated.";
    "api-idempotency-changed", Info, None, "`x-idempotent` changed: whether failures after sending are retried.";
    "waiter-added", NonBreaking, None, "A waiter was added (`x-waiters`): a new `Client::wait_until_*` method.";
    "waiter-removed", Breaking, None, "A waiter was removed: its `Client::wait_until_*` method is gone.";
    "waiter-changed", Info, None, "A waiter's polled operation, delays or acceptors changed: its `wait_until_*` method behaves differently.";
    "error-code-added", NonBreaking, None, "An error code was declared (`x-error-codes`): a new `ErrorCode` variant.";
    "error-code-removed", Breaking, None, "A declared error code was removed: its `ErrorCode` variant is gone (the code now decodes as `Unknown`).";
    "error-code-renamed", Breaking, None, "A declared error code got another `name`: its `ErrorCode` variant is renamed.";
    "error-code-changed", Info, None, "A declared error code's description or operations changed (docs only).";
    "response-body-type-changed", Breaking, Response, "The method's return type (the envelope payload) changed.";
    "new-required-request-parameter", Breaking, Request, "A required query parameter was added: `new` gains an argument (or the request fails without it).";
    "new-optional-request-parameter", NonBreaking, Request, "An optional query parameter was added: a new setter.";
    "request-parameter-removed", Breaking, Request, "A query parameter was removed: its field, setter or `new` argument is gone.";
    "request-parameter-became-required", Breaking, Request, "A query parameter became required: it becomes an argument of `new` (or must be set).";
    "request-parameter-became-optional", Breaking, Request, "A query parameter stopped being an argument of `new`: the field becomes `Option<T>` with a setter.";
    "request-parameter-type-changed", Breaking, Request, "A query parameter's Rust type changed (type, format, enum type).";
    "request-parameter-location-changed", Breaking, Request, "A request field moved between query and body: old clients send it in the wrong place.";
    "new-required-request-property", Breaking, Request, "A required body property (or request-side struct field) was added: `new` gains an argument.";
    "new-optional-request-property", NonBreaking, Request, "An optional body property (or request-side struct field) was added: a new setter.";
    "request-property-removed", Breaking, Request, "A body property (or request-side struct field) was removed.";
    "request-property-became-required", Breaking, Request, "A body property (or request-side struct field) became required or non-nullable: it becomes an argument of `new`.";
    "request-property-became-optional", Breaking, Request, "A body property (or request-side struct field) stopped being an argument of `new`: it becomes `Option<T>` with a setter.";
    "request-property-type-changed", Breaking, Request, "A body property's (or request-side struct field's) Rust type changed.";
    "request-client-default-changed", Breaking, Request, "`x-client-default: region` was added or removed: the field moves in or out of `new`, or the region is no longer filled in.";
    "request-sent-default-changed", Breaking, Request, "`x-sent-default` was added, removed or changed: a request that leaves the field unset now sends something else, and the server may answer differently.";
    "request-required-fields-reordered", Breaking, Request, "The required fields kept their names but changed order: the arguments of `new` are reordered.";
    "wire-name-changed", Breaking, Both, "A field keeps its Rust name but has a different name on the wire: old clients send or read the wrong key.";
    "response-property-added", NonBreaking, Response, "A response-side struct gained a field.";
    "response-property-removed", Breaking, Response, "A response-side struct lost a field.";
    "response-property-became-optional", Breaking, Response, "A response field is no longer required: its Rust type becomes `Option<T>`.";
    "response-property-became-nullable", Breaking, Response, "A response field became nullable: its Rust type becomes `Option<T>`.";
    "response-property-became-required", Breaking, Response, "A response field became required: its Rust type changes from `Option<T>` to `T`.";
    "response-property-became-non-nullable", Breaking, Response, "A required response field is no longer nullable: its Rust type changes from `Option<T>` to `T`.";
    "response-property-type-changed", Breaking, Response, "A response field's Rust type changed (type, format, enum type).";
    "field-annotation-changed", Info, Both, "`required` or `nullable` changed without changing the Rust type or the `new` arguments.";
    "request-enum-value-added", NonBreaking, Request, "A request-side enum gained a value (a new variant; enums are `#[non_exhaustive]`).";
    "request-enum-value-removed", Breaking, Request, "A request-side enum lost a value: its variant is gone and the server no longer accepts it.";
    "response-enum-value-added", NonBreaking, Response, "A response-side enum gained a value: old clients decode it as `Unknown`.";
    "response-enum-value-removed", Breaking, Response, "A response-side enum lost a value: code naming its variant no longer compiles.";
    "enum-variant-renamed", Breaking, Both, "Same enum value, different Rust variant name (`x-enum-varnames`).";
    "primary-added", NonBreaking, Response, "`x-primary` was added to a response type: new convenience methods (`image()`, `image_id()`).";
    "primary-removed", Breaking, Response, "`x-primary` was removed from a response type: its convenience methods are gone.";
    "primary-changed", Breaking, Response, "`x-primary` changed its method names or the array it reads: the convenience methods are renamed or return another value.";
    "type-added", NonBreaking, Both, "A named type was added.";
    "type-removed", Breaking, Both, "A named type was removed.";
    "type-renamed", Breaking, Both, "A named type was renamed (schema name or `title`), same location or same shape.";
    "type-moved", Breaking, Both, "A named type moved between the `model` and `operations` modules: its path changes.";
    "type-changed", Breaking, Both, "A named type changed kind (struct, string enum, integer enum).";
    "docs-changed", Info, None, "Documentation changed (descriptions, summaries, constraints and defaults shown in rustdoc, API title or version).";
}

/// The rule with this id.
///
/// # Panics
/// On an unknown id: rule ids are constants of this module.
pub fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("unknown diff rule `{id}`"))
}

/// What part of the API a change belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The API as a whole (title, version).
    Api,
    /// An operation, by Rust method name (the new name when it still exists).
    Operation(String),
    /// A named type, by Rust name (the new name when it still exists).
    Type(String),
}

/// Which spec a pointer points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The old spec.
    Old,
    /// The new spec.
    New,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Rule id (see [`RULES`]).
    pub id: &'static str,
    /// The rule's level.
    pub level: Level,
    /// Request, response, both (a type used on both sides) or none.
    pub direction: Direction,
    /// Operation, type or the whole API.
    pub scope: Scope,
    /// The effect in Rust terms.
    pub message: String,
    /// The spec `pointer` points into.
    pub spec: Side,
    /// JSON pointer of the enclosing operation or schema.
    pub pointer: String,
}

/// Overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Nothing changed for the generated client.
    NoChanges,
    /// Only documentation changed.
    DocumentationOnly,
    /// Changes, none of them breaking.
    Compatible,
    /// At least one breaking change.
    Breaking,
}

impl Verdict {
    /// `no-changes`, `documentation-only`, `compatible`, `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NoChanges => "no-changes",
            Verdict::DocumentationOnly => "documentation-only",
            Verdict::Compatible => "compatible",
            Verdict::Breaking => "breaking",
        }
    }
}

/// How operations and types are used, for section headings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Methods whose request reaches the type.
    pub request: Vec<String>,
    /// Methods whose output reaches the type.
    pub response: Vec<String>,
}

/// Heading information of an operation section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationHeading {
    /// Rust method name (new name when it still exists).
    pub method_name: String,
    /// Old method name when it was renamed.
    pub renamed_from: Option<String>,
    /// `GET /v4/image/list` (new when it still exists).
    pub endpoint: String,
}

/// Heading information of a type section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeHeading {
    /// Rust name (new name when it still exists).
    pub name: String,
    /// `model::Image` or `operations::Foo`.
    pub path: String,
    /// Where it is used (union of old and new).
    pub usage: Usage,
}

/// The result of comparing two specs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Label of the old spec.
    pub old_label: String,
    /// Label of the new spec.
    pub new_label: String,
    /// Every change, in report order.
    pub changes: Vec<Change>,
    /// Section headings of the operations that have changes.
    pub operations: Vec<OperationHeading>,
    /// Section headings of the types that have changes.
    pub types: Vec<TypeHeading>,
}

impl Report {
    /// Number of changes at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    /// True when at least one change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.count(Level::Breaking) > 0
    }

    /// The overall verdict.
    pub fn verdict(&self) -> Verdict {
        if self.changes.is_empty() {
            Verdict::NoChanges
        } else if self.has_breaking() {
            Verdict::Breaking
        } else if self.changes.iter().all(|c| c.id == "docs-changed") {
            Verdict::DocumentationOnly
        } else {
            Verdict::Compatible
        }
    }

    /// Process exit code: 1 when `fail_on_breaking` and a change is breaking, else 0. (Errors,
    /// such as an invalid spec, are exit code 2; they never produce a report.)
    pub fn exit_code(&self, fail_on_breaking: bool) -> u8 {
        u8::from(fail_on_breaking && self.has_breaking())
    }

    /// The Markdown changelog: a section per operation, one for types, then the verdict line.
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// The JSON document described in the module docs (pretty-printed, trailing newline).
    pub fn to_json(&self) -> String {
        render::json(self, None)
    }

    /// A pull-request review comment in GitHub Markdown, verdict (and version gate) first, the
    /// full report folded (`cargo xtask diff --format github`).
    pub fn to_github(&self, versions: Option<&version::VersionCheck>) -> String {
        github::github(self, versions)
    }

    /// [`Report::to_json`] with a `"versions"` object (the crate versions at both ends and the
    /// version gate's outcome, see [`version::VersionCheck`]) after `"new"`.
    pub fn to_json_with_versions(&self, versions: &version::VersionCheck) -> String {
        render::json(self, Some(versions))
    }
}

/// Compares two lowered APIs.
pub fn diff_apis(old: &Api, new: &Api, old_label: &str, new_label: &str) -> Report {
    compare::run(old, new, old_label, new_label)
}

/// Loads, validates and compares two spec texts. Spec problems in either are reported together,
/// each located by file label, JSON pointer and YAML line.
pub fn diff_sources(old: &str, old_label: &str, new: &str, new_label: &str) -> Result<Report, Error> {
    let parse = |src: &str, label: &str| crate::load(src, label).and_then(|spec| crate::lower(&spec));
    match (parse(old, old_label), parse(new, new_label)) {
        (Ok(a), Ok(b)) => Ok(diff_apis(&a, &b, old_label, new_label)),
        (Err(Error::Spec(mut a)), Err(Error::Spec(b))) => {
            a.extend(b);
            Err(Error::Spec(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}
