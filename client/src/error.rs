//! The one error type of the client.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong calling the image API.
///
/// Match on the variant for the broad class; every variant that concerns a request carries a
/// [`CallContext`] (operation id, the `ctyun-eop-request-id` of the last attempt, attempts).
/// [`Error::as_api`], [`Error::api_code`], [`Error::error_code`], [`Error::is_not_found`] and [`Error::is_throttled`]
/// answer the common questions without matching through a `Box`.
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
    /// The call this error is about (operation, last request id, attempts), when a request was
    /// made.
    pub fn context(&self) -> Option<&CallContext> {
        match self {
            Error::Transport(e) => Some(&e.context),
            Error::Timeout(e) => Some(&e.context),
            Error::Http(e) => Some(&e.context),
            Error::Api(e) => Some(&e.context),
            Error::Decode(e) => Some(&e.context),
            Error::Config(_) | Error::InvalidInput { .. } | Error::Waiter(_) => None,
        }
    }

    pub(crate) fn context_mut(&mut self) -> Option<&mut CallContext> {
        match self {
            Error::Transport(e) => Some(&mut e.context),
            Error::Timeout(e) => Some(&mut e.context),
            Error::Http(e) => Some(&mut e.context),
            Error::Api(e) => Some(&mut e.context),
            Error::Decode(e) => Some(&mut e.context),
            Error::Config(_) | Error::InvalidInput { .. } | Error::Waiter(_) => None,
        }
    }

    /// The `ctyun-eop-request-id` of the last attempt, when a request was made.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Waiter(e) => e.last_request_id.as_deref(),
            _ => self.context().map(|c| c.request_id.as_str()),
        }
    }

    /// The operation id (`listImages`...), for errors about a call; the polled operation for
    /// waiter errors.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { operation, .. } => Some(operation),
            Error::Waiter(e) => Some(e.operation),
            _ => self.context().map(|c| c.operation),
        }
    }

    /// Attempts made by the failed call (0 when nothing was sent; polls for waiter errors).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Waiter(e) => e.polls,
            _ => self.context().map_or(0, |c| c.attempts),
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

    /// The CTyun error envelope, for API errors: `if let Some(api) = err.as_api()` instead of
    /// matching through the `Box`.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Same as [`Error::as_api`] (the older name).
    pub fn as_api_error(&self) -> Option<&ApiError> {
        self.as_api()
    }

    /// The CTyun error code (`error` / `errorCode`), e.g. `Image.ImageCheck.NotFound`.
    pub fn api_code(&self) -> Option<&str> {
        self.as_api().map(|e| e.code.as_str())
    }

    /// The CTyun error code as a [`ErrorCode`](crate::errors::ErrorCode): match the codes the
    /// spec declares (`x-error-codes`); others are [`ErrorCode::Unknown`](crate::errors::ErrorCode::Unknown).
    pub fn error_code(&self) -> Option<crate::errors::ErrorCode> {
        self.api_code().map(crate::errors::ErrorCode::from_wire)
    }

    /// True when the resource does not exist: [`ErrorCode::ImageNotFound`](crate::errors::ErrorCode::ImageNotFound)
    /// (`Image.ImageCheck.NotFound`), another code ending in `NotFound`, or HTTP 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self.error_code(), Some(crate::errors::ErrorCode::ImageNotFound))
            || self.api_code().is_some_and(|c| c.ends_with("NotFound"))
            || self.http_status() == Some(404)
    }

    /// True when the service asked the client to slow down: HTTP 429 or an error code naming
    /// throttling (`...TooManyRequests`, `...Throttl...`).
    pub fn is_throttled(&self) -> bool {
        self.http_status() == Some(429)
            || self.api_code().is_some_and(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("toomanyrequests") || c.contains("throttl")
            })
    }

    /// True for timeouts of any kind (an attempt, the operation, or a waiter's `max_wait`).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
            || matches!(self, Error::Waiter(w) if w.kind == WaiterErrorKind::MaxWaitExceeded)
    }
}

/// The call an error is about; one value shared by every error variant that concerns a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallContext {
    /// The operation id, e.g. `listImages`.
    pub operation: &'static str,
    /// The `ctyun-eop-request-id` of the last attempt (quote it to CTyun support).
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// Set when the last response asked (`Retry-After`) for a wait that would cross the retry
    /// budget or the operation deadline, so the call failed at once instead of waiting.
    pub retry_after_refused: Option<Duration>,
}

impl CallContext {
    pub(crate) fn new(operation: &'static str, request_id: &str, attempts: u32) -> Self {
        CallContext { operation, request_id: request_id.to_owned(), attempts, retry_after_refused: None }
    }
}

impl fmt::Display for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` (request id {}, attempt {})", self.operation, self.request_id, self.attempts)?;
        if let Some(d) = self.retry_after_refused {
            write!(f, " [not retried: the server's Retry-After of {d:?} exceeds the retry budget or deadline]")?;
        }
        Ok(())
    }
}

/// A failure below HTTP: DNS, connect, TLS, connection reset.
#[derive(Debug, thiserror::Error)]
#[error("transport error in {context}: {message}")]
#[non_exhaustive]
pub struct TransportError {
    /// Which call, last request id, attempts made.
    pub context: CallContext,
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
#[error("timeout in {context}: {kind:?} limit of {limit:?} exceeded")]
#[non_exhaustive]
pub struct TimeoutError {
    /// Which call, last request id, attempts made.
    pub context: CallContext,
    /// Which limit fired.
    pub kind: TimeoutKind,
    /// The configured limit.
    pub limit: Duration,
}

/// A non-success HTTP status whose body is not a CTyun error envelope.
#[derive(Debug, thiserror::Error)]
#[error("HTTP {http_status} from {context}: {body_snippet:?}")]
#[non_exhaustive]
pub struct HttpError {
    /// Which call, last request id, attempts made.
    pub context: CallContext,
    /// HTTP status code.
    pub http_status: u16,
    /// The first bytes of the body (lossy UTF-8).
    pub body_snippet: String,
}

/// A CTyun failure envelope: `{"statusCode": 900, "error": "...", "message": "...", ...}`.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub struct ApiError {
    /// Which call, last request id, attempts made.
    pub context: CallContext,
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
        f.write_str("CTyun API error: ")?;
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
        write!(f, " [statusCode {}, HTTP {}, {}]", self.status_code, self.http_status, self.context)
    }
}

/// A response that could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode response of {context} (HTTP {http_status}): {message}; body starts with {body_snippet:?}")]
#[non_exhaustive]
pub struct DecodeError {
    /// Which call, last request id, attempts made.
    pub context: CallContext,
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
