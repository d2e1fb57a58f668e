//! The intermediate representation: what the emitter needs, nothing about OpenAPI syntax.
//!
//! Everything here is resolved (no `$ref`), named (Rust identifiers chosen and checked for
//! collisions) and ordered deterministically.

use std::collections::BTreeMap;

mod validate;
pub mod walk;

pub use validate::validate;

/// The whole API.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations sorted by method name.
    pub operations: Vec<Operation>,
    /// Named types by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Waiters (`x-waiters`), sorted by name.
    pub waiters: Vec<Waiter>,
    /// Top-level `tags` (how the doc groups operations), in spec order.
    pub tags: Vec<Tag>,
    /// `x-primary` of response types, by Rust type name.
    pub primaries: BTreeMap<String, Primary>,
    /// Known CTyun error codes (`x-error-codes`), in spec order.
    pub error_codes: Vec<ErrorCodeDef>,
}

/// `x-primary` on a response type: its one obvious value, the first item of an array field,
/// reachable through a convenience method (and the item's ID through a second one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Primary {
    /// Method returning the first item (`image`).
    pub method: String,
    /// Rust name of the array field (`images`).
    pub items: String,
    /// Whether that field is an `Option<Vec<_>>`.
    pub items_optional: bool,
    /// Item type (a struct in `Api::types`).
    pub item_type: String,
    /// Rust name of the item's required string field also offered directly (`image_id`).
    pub id: Option<String>,
    /// What the value is, in the API's terms (`description`).
    pub docs: Option<String>,
}

/// One entry of `x-error-codes`: a CTyun error code the generated `ErrorCode` enum names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCodeDef {
    /// The code on the wire (`Image.ImageCheck.NotFound`).
    pub code: String,
    /// Rust variant name (`ImageNotFound`).
    pub rust_name: String,
    /// Doc paragraphs (its `description`).
    pub docs: Vec<String>,
    /// Method names of the operations known to return it; empty = any operation.
    pub operations: Vec<String>,
}

/// A top-level tag: a group of operations (a command group of the CLI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Name (`lifecycle`).
    pub name: String,
    /// Doc paragraphs (its `description`).
    pub docs: Vec<String>,
}

/// `x-waiter` on an operation: the waiter that usually follows it (the CLI's `--wait`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiterUse {
    /// Waiter name (a key of `x-waiters`).
    pub waiter: String,
    /// Fields of the polled request (wire name) taken from this operation's response, as a
    /// path into its payload (`images[0].imageId`); the others come from this operation's
    /// request by wire name.
    pub from_response: Vec<(String, String)>,
}

/// A waiter (`x-waiters` entry): poll an operation until acceptors say done.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiter {
    /// Name in the spec (`imageActive`).
    pub name: String,
    /// Client method (`wait_until_image_active`).
    pub method_name: String,
    /// Static holding the definition (`IMAGE_ACTIVE`).
    pub const_name: String,
    /// Doc paragraphs.
    pub docs: Vec<String>,
    /// operationId polled.
    pub operation_id: String,
    /// Its request type.
    pub request_type: String,
    /// Its output type.
    pub output: TypeRef,
    /// First delay between polls, in milliseconds.
    pub min_delay_ms: u64,
    /// Longest delay between polls, in milliseconds.
    pub max_delay_ms: u64,
    /// Acceptors in order.
    pub acceptors: Vec<Acceptor>,
}

/// What a matching acceptor means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// Done.
    Success,
    /// Will never get there.
    Failure,
    /// Keep polling.
    Retry,
}

/// One waiter acceptor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acceptor {
    /// Meaning of a match.
    pub state: AcceptorState,
    /// The matcher.
    pub matcher: Matcher,
}

/// How an acceptor matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matcher {
    /// Value at a JSON path of the payload is one of these strings.
    PathEquals(String, Vec<String>),
    /// Value at a JSON path is missing, null or empty.
    PathEmpty(String),
    /// The poll failed with this CTyun error code.
    ErrorCode(String),
}

/// HTTP methods of the image API (the only ones `lower` accepts and the runtime has).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The spec's `operationId` (wire name, e.g. `listImages`).
    pub operation_id: String,
    /// Client method name (`list_images`).
    pub method_name: String,
    /// Request type name (`ListImagesRequest`).
    pub request_type: String,
    /// HTTP method.
    pub method: Method,
    /// Path (no templating).
    pub path: String,
    /// Doc paragraphs (summary first).
    pub docs: Vec<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Safe to repeat (`x-idempotent`, default: GET).
    pub idempotent: bool,
    /// Query parameters then body properties, in spec order.
    pub fields: Vec<Field>,
    /// True when there is a JSON request body.
    pub has_body: bool,
    /// Type of the envelope payload on success.
    pub output: TypeRef,
    /// Paging description (`x-pagination`), if any.
    pub pagination: Option<Pagination>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// Tags (`tags`), in spec order.
    pub tags: Vec<String>,
    /// The waiter that follows this operation (`x-waiter`), if any.
    pub waiter: Option<WaiterUse>,
}

/// `x-pagination`: how to walk pages of a list operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// Request field holding the page number.
    pub page: FieldRef,
    /// Request field holding the page size.
    pub size: FieldRef,
    /// Output field holding the items (its type is `Vec<item_type>`).
    pub items: FieldRef,
    /// Item type.
    pub item_type: TypeRef,
    /// Output field holding the number of pages, if any.
    pub total_pages: Option<FieldRef>,
    /// Output field holding the number of items, if any.
    pub total_count: Option<FieldRef>,
}

/// A field named from an extension, with what the emitter needs to access it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRef {
    /// Rust name.
    pub rust_name: String,
    /// Type without the `Option`.
    pub ty: TypeRef,
    /// Whether the Rust field is an `Option`.
    pub optional: bool,
}

/// Where a request field travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Query string.
    Query,
    /// JSON body (also used for fields of model structs).
    Body,
}

/// A field of a request or a model struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust name.
    pub rust_name: String,
    /// Type (without the `Option` that optionality adds).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Filled from the client's default region when left out (`x-client-default: region`).
    pub region_default: bool,
    /// Sent by the client when the caller leaves this optional query field unset
    /// (`x-sent-default`).
    pub sent_default: Option<SentDefault>,
    /// Query or body.
    pub location: Location,
    /// Doc paragraphs.
    pub docs: Vec<String>,
}

impl Field {
    /// Whether the Rust type is `Option<T>` in a request.
    pub fn optional_in_request(&self) -> bool {
        !self.required || self.region_default
    }

    /// Whether the Rust type is `Option<T>` in a model struct.
    pub fn optional_in_model(&self) -> bool {
        !self.required || self.nullable
    }
}

/// The value a client sends for an unset optional query field (`x-sent-default`): what the
/// API's own documentation recommends where the server's default is unsafe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentDefault {
    /// A boolean field.
    Bool(bool),
    /// An integer field (within the field's type).
    Int(i64),
}

/// A type reference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`
    String,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f64`
    F64,
    /// `bool`
    Bool,
    /// A scalar the server sends as string or number (`oneOf` of primitives).
    Scalar,
    /// Any JSON.
    Json,
    /// A named type in `Api::types`.
    Named(String),
    /// `Vec<T>`
    Vec(Box<TypeRef>),
    /// `Vec<String>` in Rust, one comma-joined string on the wire (`x-comma-separated`).
    CommaList,
    /// `BTreeMap<String, T>`
    Map(Box<TypeRef>),
}

/// Which generated module a type lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    /// `model`: component schemas and their inline children.
    Model,
    /// `operations`: types defined inline in an operation.
    Operations,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Doc paragraphs.
    pub docs: Vec<String>,
    /// Shape.
    pub kind: TypeKind,
    /// Where it was defined.
    pub pointer: String,
    /// Module.
    pub module: Module,
    /// Reachable from a request (gets a constructor and setters).
    pub request_side: bool,
}

/// Shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A struct.
    Struct(Vec<Field>),
    /// A string enum with an `Unknown(String)` fallback.
    StringEnum(Vec<Variant<String>>),
    /// An integer enum with an `Unknown(i64)` fallback.
    IntEnum(Vec<Variant<i64>>),
}

/// An enum variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant<T> {
    /// Rust name.
    pub rust_name: String,
    /// Wire value.
    pub value: T,
    /// Doc text.
    pub docs: Vec<String>,
}
