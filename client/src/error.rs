//! The one error type of the client.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong calling the image API.
///
/// Match on the variant for the broad class; every variant that concerns a request carries the
/// operation id and the `ctyun-eop-request-id` of the last attempt (quote it to CTyun support).
/// No variant ever contains credentials or signatures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built (missing credentials, bad endpoint...).
    #[error("configuration error: {0}")]
    Config(String),
    /// The request was rejected before anything was sent.
    #[error("invalid input for `{operation}`: {message}")]
    InvalidInput {
        /// The operation id, e.g. `listImages`.
        operation: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Connecting, TLS, or the connection broke before a full response arrived.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// An attempt (or the whole call) took longer than its configured limit.
    #[error(transparent)]
    Timeout(Box<TimeoutError>),
    /// A non-2xx HTTP status without a CTyun error envelope.
    #[error(transparent)]
    Http(Box<HttpError>),
    /// CTyun answered with a failure envelope (`statusCode` ≠ 800, usually 900).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The response could not be decoded (HTML error page, truncated JSON, unexpected shape).
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A waiter reached a failure state or ran out of time.
    #[error(transparent)]
    Waiter(Box<WaiterError>),
}

impl Error {
    /// The `ctyun-eop-request-id` of the last attempt, when a request was made.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Transport(e) => Some(&e.request_id),
            Error::Timeout(e) => Some(&e.request_id),
            Error::Http(e) => Some(&e.request_id),
            Error::Api(e) => Some(&e.request_id),
            Error::Decode(e) => Some(&e.request_id),
            Error::Waiter(e) => e.last_request_id.as_deref(),
            Error::Config(_) | Error::InvalidInput { .. } => None,
        }
    }

    /// The operation id (`listImages`...), for errors about a call; the polled operation for
    /// waiter errors.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { operation, .. } => Some(operation),
            Error::Transport(e) => Some(e.operation),
            Error::Timeout(e) => Some(e.operation),
            Error::Http(e) => Some(e.operation),
            Error::Api(e) => Some(e.operation),
            Error::Decode(e) => Some(e.operation),
            Error::Waiter(e) => Some(e.operation),
            Error::Config(_) => None,
        }
    }

    /// Attempts made by the failed call (0 when nothing was sent; polls for waiter errors).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport(e) => e.attempts,
            Error::Timeout(e) => e.attempts,
            Error::Http(e) => e.attempts,
            Error::Api(e) => e.attempts,
            Error::Decode(e) => e.attempts,
            Error::Waiter(e) => e.polls,
            Error::Config(_) | Error::InvalidInput { .. } => 0,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Http(e) => Some(e.http_status),
            Error::Api(e) => Some(e.http_status),
            Error::Decode(e) => Some(e.http_status),
            _ => None,
        }
    }

    /// The CTyun error envelope, for API errors.
    pub fn as_api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The CTyun error code (`error` / `errorCode`), e.g. `Image.ImageCheck.NotFound`.
    pub fn api_code(&self) -> Option<&str> {
        self.as_api_error().map(|e| e.code.as_str())
    }

    /// True for timeouts of any kind (an attempt, the operation, or a waiter's `max_wait`).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
            || matches!(self, Error::Waiter(w) if w.kind == WaiterErrorKind::MaxWaitExceeded)
    }
}

/// A failure below HTTP: DNS, connect, TLS, connection reset.
#[derive(Debug, thiserror::Error)]
#[error("transport error in `{operation}` (request id {request_id}, attempt {attempts}): {message}")]
#[non_exhaustive]
pub struct TransportError {
    /// Operation id.
    pub operation: &'static str,
    /// Request id of the last attempt.
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// True when the connection was never established, so the request was certainly not sent.
    pub connect: bool,
    /// Human-readable cause chain.
    pub message: String,
    #[source]
    pub(crate) source: Option<reqwest::Error>,
}

/// What timed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt exceeded the per-attempt timeout.
    Attempt,
    /// The call, retries included, exceeded the operation timeout.
    Operation,
    /// The TCP/TLS connection was not established in time (nothing was sent).
    Connect,
}

/// A timeout.
#[derive(Debug, thiserror::Error)]
#[error("timeout in `{operation}` (request id {request_id}, attempt {attempts}): {kind:?} limit of {limit:?} exceeded")]
#[non_exhaustive]
pub struct TimeoutError {
    /// Operation id.
    pub operation: &'static str,
    /// Request id of the last attempt.
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// Which limit fired.
    pub kind: TimeoutKind,
    /// The configured limit.
    pub limit: Duration,
}

/// A non-success HTTP status whose body is not a CTyun error envelope.
#[derive(Debug, thiserror::Error)]
#[error("HTTP {http_status} from `{operation}` (request id {request_id}, attempt {attempts}): {body_snippet:?}")]
#[non_exhaustive]
pub struct HttpError {
    /// Operation id.
    pub operation: &'static str,
    /// Request id of the last attempt.
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// HTTP status code.
    pub http_status: u16,
    /// The first bytes of the body (lossy UTF-8).
    pub body_snippet: String,
}

/// A CTyun failure envelope: `{"statusCode": 900, "error": "...", "message": "...", ...}`.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub struct ApiError {
    /// Operation id.
    pub operation: &'static str,
    /// Request id of the last attempt.
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// HTTP status the envelope came with (usually 200).
    pub http_status: u16,
    /// `statusCode` as sent (number or string on the wire), e.g. `"900"`.
    pub status_code: String,
    /// Error code from `error` (falling back to `errorCode`), e.g. `Image.ImageCheck.NotFound`.
    pub code: String,
    /// `message` (English).
    pub message: String,
    /// `description` (usually Chinese).
    pub description: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CTyun API error in `{}`: ", self.operation)?;
        if self.code.is_empty() {
            f.write_str("(no error code)")?;
        } else {
            f.write_str(&self.code)?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if !self.description.is_empty() && self.description != self.message {
            write!(f, " ({})", self.description)?;
        }
        write!(f, " [statusCode {}, HTTP {}, request id {}]", self.status_code, self.http_status, self.request_id)
    }
}

/// A response that could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode response of `{operation}` (HTTP {http_status}, request id {request_id}, attempt {attempts}): {message}; body starts with {body_snippet:?}")]
#[non_exhaustive]
pub struct DecodeError {
    /// Operation id.
    pub operation: &'static str,
    /// Request id of the last attempt.
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// HTTP status.
    pub http_status: u16,
    /// What the decoder said.
    pub message: String,
    /// The first bytes of the body (lossy UTF-8).
    pub body_snippet: String,
}

/// Maximum length of a body snippet kept in errors.
pub(crate) const SNIPPET_LEN: usize = 512;

/// The first [`SNIPPET_LEN`] bytes of `body` as lossy UTF-8, cut on a char boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    let mut end = body.len().min(SNIPPET_LEN);
    // Do not cut a UTF-8 sequence in two (continuation bytes are 0b10xxxxxx).
    while end < body.len() && end > 0 && (body[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let s = String::from_utf8_lossy(&body[..end]).into_owned();
    if body.len() > SNIPPET_LEN {
        format!("{s}…")
    } else {
        s
    }
}

/// Why a waiter stopped without success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaiterErrorKind {
    /// An acceptor with state `failure` matched (e.g. the image went to `error`).
    FailureState,
    /// `max_wait` elapsed before any success or failure acceptor matched.
    MaxWaitExceeded,
}

/// A waiter that ended without success.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
#[error("waiter `{waiter}` {}: after {polls} poll(s) in {elapsed:?}{}", match .kind { WaiterErrorKind::FailureState => "reached a failure state", WaiterErrorKind::MaxWaitExceeded => "ran out of time" }, .observed.as_deref().map(|o| format!(", last seen {o}")).unwrap_or_default())]
pub struct WaiterError {
    /// The waiter's name, e.g. `imageActive`.
    pub waiter: &'static str,
    /// The operation it polls, e.g. `getImage`.
    pub operation: &'static str,
    /// Request id of the last poll.
    pub last_request_id: Option<String>,
    /// Why it stopped.
    pub kind: WaiterErrorKind,
    /// Polls made.
    pub polls: u32,
    /// Time spent.
    pub elapsed: Duration,
    /// What the last poll showed (e.g. `images[0].imageStatus = error`).
    pub observed: Option<String>,
}
