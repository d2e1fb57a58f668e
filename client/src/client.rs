//! The client: configuration and the one request pipeline every operation goes through.
//!
//! Per call: apply defaults → validate → encode (canonical query + JSON body) once → then per
//! attempt: fresh `Eop-date` and request id → sign → send → classify → maybe back off and retry.
//! Signing sits inside the attempt loop, so every attempt carries its own timestamp and id.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, USER_AGENT};
use tracing::Instrument as _;

use crate::clock::{try_format_eop_date, Clock, RequestIdGenerator, SystemClock, UuidRequestIds};
use crate::error::{snippet, ApiError, DecodeError, Error, HttpError, TimeoutError, TimeoutKind, TransportError};
use crate::retry::{Backoff, RetryConfig};
use crate::runtime::{Envelope, Operation, OperationDescriptor, QueryWriter, RequestDefaults};
use crate::signer::{sign, CanonicalQuery, Credentials, SigningParams};

/// The public production endpoint of the image API.
pub const DEFAULT_ENDPOINT: &str = "https://ctimage-global.ctapi.ctyun.cn";
/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "CTYUN_AK";
/// Environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "CTYUN_SK";
/// Environment variable holding the default region id.
pub const ENV_REGION_ID: &str = "CTYUN_REGION_ID";
/// Environment variable overriding the endpoint.
pub const ENV_ENDPOINT: &str = "CTYUN_ENDPOINT";

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-attempt timeout (request sent → full response body read).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response body read (16 MiB); a larger one is a decode error.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// A client of the CTyun image API. Cheap to clone (an `Arc` inside); share one per process.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    endpoint: String,
    credentials: Credentials,
    defaults: RequestDefaults,
    clock: Arc<dyn Clock>,
    request_ids: Arc<dyn RequestIdGenerator>,
    retry: RetryConfig,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    operation_timeout: Option<Duration>,
    waiter_delays: Option<(Duration, Duration)>,
}

/// Builds a [`Client`]. Start from [`Client::builder`] or [`ClientBuilder::from_env`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    endpoint: Option<String>,
    region_id: Option<String>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    clock: Option<Arc<dyn Clock>>,
    request_ids: Option<Arc<dyn RequestIdGenerator>>,
    waiter_delays: Option<(Duration, Duration)>,
    allow_http: bool,
}

/// `http://` is accepted without opt-in only for loopback hosts (local fakes).
fn is_loopback(url: &reqwest::Url) -> bool {
    url.host_str().is_some_and(|h| {
        h.eq_ignore_ascii_case("localhost")
            || h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CTYUN_AK`, `CTYUN_SK` (required), `CTYUN_REGION_ID` and
    /// `CTYUN_ENDPOINT` (optional).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The endpoint requests go to, e.g. `https://ctimage-global.ctapi.ctyun.cn`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The default region applied to requests that leave `regionID` out.
    pub fn default_region(&self) -> Option<&str> {
        self.inner.defaults.region_id.as_deref()
    }

    /// Waiter poll delays overriding the spec's, if configured.
    pub(crate) fn waiter_delays(&self) -> Option<(Duration, Duration)> {
        self.inner.waiter_delays
    }

    /// Sends any operation. Every generated method is a thin wrapper over this.
    pub async fn send<O: Operation>(&self, request: O) -> Result<O::Output, Error> {
        self.send_raw(request).await?.decode()
    }

    /// Sends an operation and returns its undecoded `returnObj` (for waiters, which match on
    /// the JSON before decoding).
    pub(crate) async fn send_raw<O: Operation>(&self, mut request: O) -> Result<RawReturn, Error> {
        let desc = O::DESCRIPTOR;
        request
            .prepare(&self.inner.defaults)
            .map_err(|message| Error::InvalidInput { operation: desc.operation_id, message })?;
        let mut query = QueryWriter::default();
        request.write_query(&mut query);
        let body = if desc.has_body {
            Some(serde_json::to_vec(&request).map_err(|e| Error::InvalidInput {
                operation: desc.operation_id,
                message: format!("cannot serialize the request body: {e}"),
            })?)
        } else {
            None
        };
        self.execute(desc, query.into_pairs(), body).await
    }

    /// The non-generic part of every call: sign, send, retry, unwrap the envelope.
    async fn execute(
        &self,
        desc: &'static OperationDescriptor,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<RawReturn, Error> {
        let span = tracing::debug_span!(
            "ctyun_image.operation",
            operation = desc.operation_id,
            method = desc.method.as_str(),
            path = desc.path,
            attempts = tracing::field::Empty,
        );
        async move {
            let query = CanonicalQuery::from_pairs(query);
            let url = if query.is_empty() {
                format!("{}{}", self.inner.endpoint, desc.path)
            } else {
                format!("{}{}?{}", self.inner.endpoint, desc.path, query)
            };
            let url = reqwest::Url::parse(&url).map_err(|e| {
                Error::Config(format!("cannot build a URL from the endpoint and `{}`: {e}", desc.path))
            })?;
            let body = body.unwrap_or_default();
            let started = Instant::now();
            let mut backoff = Backoff::new(&self.inner.retry, started);
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let outcome = self.attempt(desc, &url, &query, &body, attempt, started).await;
                let retry_after = match &outcome {
                    Ok(_) => None,
                    Err(failure) => {
                        if failure.retryable(desc.idempotent) {
                            // No retry may start past the operation deadline.
                            backoff.next_delay(attempt).filter(|d| {
                                self.inner.operation_timeout.is_none_or(|total| started.elapsed() + *d < total)
                            })
                        } else {
                            None
                        }
                    }
                };
                match (outcome, retry_after) {
                    (Ok(raw), _) => {
                        tracing::Span::current().record("attempts", attempt);
                        return Ok(raw);
                    }
                    (Err(failure), Some(delay)) => {
                        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, reason = %failure.error, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                    (Err(failure), None) => {
                        tracing::Span::current().record("attempts", attempt);
                        return Err(failure.error);
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One signed attempt.
    async fn attempt(
        &self,
        desc: &'static OperationDescriptor,
        url: &reqwest::Url,
        query: &CanonicalQuery,
        body: &[u8],
        attempt: u32,
        started: Instant,
    ) -> Result<RawReturn, Failure> {
        let inner = &*self.inner;
        let request_id = inner.request_ids.next_id();
        let op = desc.operation_id;
        let invalid = |message: String| Failure {
            error: Error::InvalidInput { operation: op, message },
            class: FailureClass::Decode,
        };
        let Ok(id_header) = HeaderValue::from_str(&request_id) else {
            return Err(invalid(format!(
                "the request id generator produced {request_id:?}, which is not a valid header value"
            )));
        };
        let Some(eop_date) = try_format_eop_date(inner.clock.now()) else {
            return Err(invalid("the clock returned a time outside the range Eop-date can express".into()));
        };
        let authorization = sign(&SigningParams {
            credentials: &inner.credentials,
            eop_date: &eop_date,
            request_id: &request_id,
            query,
            body,
        });
        let span = tracing::debug_span!(
            "ctyun_image.attempt",
            operation = desc.operation_id,
            attempt,
            request_id = %request_id,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let t0 = Instant::now();
        let result = async {
            let mut headers = HeaderMap::with_capacity(4);
            headers.insert("ctyun-eop-request-id", id_header);
            headers.insert("Eop-date", header_value(&eop_date));
            let mut auth = header_value(&authorization);
            auth.set_sensitive(true);
            headers.insert("Eop-Authorization", auth);
            let method = match desc.method {
                crate::runtime::HttpMethod::Get => reqwest::Method::GET,
                crate::runtime::HttpMethod::Post => reqwest::Method::POST,
            };
            let mut req = inner.http.request(method, url.clone()).headers(headers);
            if desc.has_body {
                req = req.header(CONTENT_TYPE, "application/json").body(body.to_vec());
            }
            let mut limit = inner.attempt_timeout;
            let mut kind = TimeoutKind::Attempt;
            if let Some(total) = inner.operation_timeout {
                let left = total.saturating_sub(started.elapsed());
                if left < limit {
                    limit = left;
                    kind = TimeoutKind::Operation;
                }
            }
            let exchange = async {
                let mut resp = req.send().await?;
                let status = resp.status().as_u16();
                // Read the body with a cap, so a misbehaving proxy cannot exhaust memory.
                let mut bytes =
                    Vec::with_capacity(resp.content_length().map_or(8 * 1024, |n| n.min(MAX_BODY as u64) as usize));
                let mut truncated = false;
                while let Some(chunk) = resp.chunk().await? {
                    if bytes.len() + chunk.len() > MAX_BODY {
                        truncated = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok::<_, reqwest::Error>((status, bytes, truncated))
            };
            let timeout_error = |kind: TimeoutKind, limit| Failure {
                error: Error::Timeout(Box::new(TimeoutError {
                    operation: op,
                    request_id: request_id.clone(),
                    attempts: attempt,
                    kind,
                    limit: if kind == TimeoutKind::Operation {
                        inner.operation_timeout.unwrap_or(limit)
                    } else {
                        limit
                    },
                })),
                // The operation deadline is final; an attempt timeout may be retried.
                class: if kind == TimeoutKind::Operation { FailureClass::Deadline } else { FailureClass::Timeout },
            };
            let (status, bytes, truncated) = match tokio::time::timeout(limit, exchange).await {
                Err(_) => return Err(timeout_error(kind, limit)),
                // A connect timeout: nothing was sent, so even a non-idempotent call may retry.
                Ok(Err(e)) if e.is_connect() && e.is_timeout() => {
                    return Err(Failure {
                        error: Error::Timeout(Box::new(TimeoutError {
                            operation: op,
                            request_id: request_id.clone(),
                            attempts: attempt,
                            kind: TimeoutKind::Connect,
                            limit: inner.connect_timeout,
                        })),
                        class: FailureClass::Connect,
                    });
                }
                Ok(Err(e)) if e.is_timeout() => return Err(timeout_error(TimeoutKind::Attempt, limit)),
                Ok(Err(e)) => {
                    let connect = e.is_connect();
                    return Err(Failure {
                        error: Error::Transport(Box::new(TransportError {
                            operation: op,
                            request_id: request_id.clone(),
                            attempts: attempt,
                            connect,
                            message: error_chain(&e),
                            source: Some(e),
                        })),
                        class: if connect { FailureClass::Connect } else { FailureClass::Transport },
                    });
                }
                Ok(Ok(x)) => x,
            };
            tracing::Span::current().record("status", status);
            if truncated {
                return Err(decode_failure(
                    op,
                    &request_id,
                    attempt,
                    status,
                    format!("the response body exceeds {MAX_BODY} bytes"),
                    &bytes,
                ));
            }
            classify(op, &request_id, attempt, status, &bytes)
        }
        .instrument(span.clone())
        .await;
        span.record("latency_ms", t0.elapsed().as_millis() as u64);
        result
    }
}

/// Interprets one HTTP response.
fn classify(op: &'static str, request_id: &str, attempts: u32, status: u16, body: &[u8]) -> Result<RawReturn, Failure> {
    let envelope: Result<Envelope<'_>, _> = serde_json::from_slice(body);
    let success_http = (200..300).contains(&status);
    match envelope {
        Ok(env) if env.status_code.is_some() => {
            let status_code = env.status_code.as_ref().map(|s| s.0.clone()).unwrap_or_default();
            if success_http && env.status_code.as_ref().is_some_and(|s| s.is_success()) {
                let raw = match env.return_obj {
                    Some(raw) if raw.get() != "null" => raw.get().to_owned(),
                    _ => "{}".to_owned(),
                };
                return Ok(RawReturn {
                    operation: op,
                    request_id: request_id.to_owned(),
                    attempts,
                    http_status: status,
                    return_obj: raw,
                });
            }
            let code =
                env.error.filter(|s| !s.is_empty()).or(env.error_code.filter(|s| !s.is_empty())).unwrap_or_default();
            Err(Failure {
                error: Error::Api(Box::new(ApiError {
                    operation: op,
                    request_id: request_id.to_owned(),
                    attempts,
                    http_status: status,
                    status_code,
                    code,
                    message: env.message.unwrap_or_default(),
                    description: env.description.unwrap_or_default(),
                })),
                class: FailureClass::Status(status),
            })
        }
        _ if !success_http => Err(Failure {
            error: Error::Http(Box::new(HttpError {
                operation: op,
                request_id: request_id.to_owned(),
                attempts,
                http_status: status,
                body_snippet: snippet(body),
            })),
            class: FailureClass::Status(status),
        }),
        Ok(_) => Err(decode_failure(
            op,
            request_id,
            attempts,
            status,
            "the JSON has no `statusCode`: not a CTyun envelope".into(),
            body,
        )),
        Err(e) => Err(decode_failure(op, request_id, attempts, status, e.to_string(), body)),
    }
}

fn decode_failure(
    op: &'static str,
    request_id: &str,
    attempts: u32,
    status: u16,
    message: String,
    body: &[u8],
) -> Failure {
    Failure {
        error: Error::Decode(Box::new(DecodeError {
            operation: op,
            request_id: request_id.to_owned(),
            attempts,
            http_status: status,
            message,
            body_snippet: snippet(body),
        })),
        class: FailureClass::Decode,
    }
}

fn header_value(s: &str) -> HeaderValue {
    // Only for values built here from validated parts (dates, base64, the access key checked
    // in `build`); never panics.
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        cur = s.source();
    }
    msg
}

/// A successful response's undecoded `returnObj`.
pub(crate) struct RawReturn {
    pub(crate) operation: &'static str,
    pub(crate) request_id: String,
    pub(crate) attempts: u32,
    pub(crate) http_status: u16,
    pub(crate) return_obj: String,
}

impl RawReturn {
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        serde_json::from_str(&self.return_obj).map_err(|e| {
            Error::Decode(Box::new(DecodeError {
                operation: self.operation,
                request_id: self.request_id,
                attempts: self.attempts,
                http_status: self.http_status,
                message: format!("returnObj: {e}"),
                body_snippet: snippet(self.return_obj.as_bytes()),
            }))
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailureClass {
    /// The connection was never established: nothing was sent.
    Connect,
    /// The connection broke after the request may have been sent.
    Transport,
    Timeout,
    /// The whole call's deadline passed.
    Deadline,
    Status(u16),
    Decode,
}

struct Failure {
    error: Error,
    class: FailureClass,
}

impl Failure {
    /// Whether another attempt is allowed. A non-idempotent call is re-sent only when the
    /// previous attempt certainly never reached the server.
    fn retryable(&self, idempotent: bool) -> bool {
        match self.class {
            FailureClass::Connect => true,
            FailureClass::Transport | FailureClass::Timeout => idempotent,
            FailureClass::Status(s) => idempotent && matches!(s, 429 | 500 | 502 | 503 | 504),
            FailureClass::Decode | FailureClass::Deadline => false,
        }
    }
}

impl ClientBuilder {
    /// A builder preloaded from the environment: `CTYUN_AK` and `CTYUN_SK` (both required and
    /// non-empty), `CTYUN_REGION_ID` and `CTYUN_ENDPOINT` (optional).
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`] with a custom variable lookup (for tests).
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let ak = get(ENV_ACCESS_KEY);
        let sk = get(ENV_SECRET_KEY);
        let (ak, sk) = match (ak, sk) {
            (Some(ak), Some(sk)) => (ak, sk),
            (ak, sk) => {
                let missing: Vec<&str> = [(ak.is_none(), ENV_ACCESS_KEY), (sk.is_none(), ENV_SECRET_KEY)]
                    .into_iter()
                    .filter_map(|(m, n)| m.then_some(n))
                    .collect();
                return Err(Error::Config(format!(
                    "missing credentials: set {} (the access key and secret key from the CTyun \
                     console, 账号中心 → 安全设置 → 用户AccessKey)",
                    missing.join(" and ")
                )));
            }
        };
        let mut b = ClientBuilder::default().credentials(Credentials::new(ak, sk));
        if let Some(region) = get(ENV_REGION_ID) {
            b = b.region(region);
        }
        if let Some(endpoint) = get(ENV_ENDPOINT) {
            b = b.endpoint(endpoint);
        }
        Ok(b)
    }

    /// Credentials to sign with (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Endpoint base URL; default [`DEFAULT_ENDPOINT`]. `http://` is accepted for local fakes.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Default `regionID` for requests that leave it out.
    pub fn region(mut self, region_id: impl Into<String>) -> Self {
        self.region_id = Some(region_id.into());
        self
    }

    /// Connect timeout (default 10 s). Ignored when [`ClientBuilder::http_client`] is given.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = Some(t);
        self
    }

    /// Per-attempt timeout, from sending to the last body byte (default 30 s).
    pub fn attempt_timeout(mut self, t: Duration) -> Self {
        self.attempt_timeout = Some(t);
        self
    }

    /// Limit for a whole call including retries and back-off (default: none beyond the retry
    /// budget).
    pub fn operation_timeout(mut self, t: Duration) -> Self {
        self.operation_timeout = Some(t);
        self
    }

    /// Retry policy (default [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// `User-Agent` header (default `ctyun-image-rust/<version>`). CTyun's own samples send a
    /// browser User-Agent because the gateway's risk control has been seen to reject unknown
    /// agents; set one here if you meet that.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Use this `reqwest::Client` (connection pool, proxy, TLS settings) instead of building one.
    /// Then `connect_timeout` and `user_agent` are not applied (set them on your client), and
    /// you should disable redirects on it (`redirect(Policy::none())`): a redirect would carry
    /// the signature headers to another host.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Clock for `Eop-date` (default: system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Source of `ctyun-eop-request-id` values (default: random UUIDv4).
    pub fn request_ids(mut self, ids: Arc<dyn RequestIdGenerator>) -> Self {
        self.request_ids = Some(ids);
        self
    }

    /// Poll delays for every waiter (first delay, longest delay), instead of each waiter's own
    /// (`delay` in the spec's `x-waiters`, e.g. 5 s growing to 30 s).
    pub fn waiter_delays(mut self, min: Duration, max: Duration) -> Self {
        self.waiter_delays = Some((min, max.max(min)));
        self
    }

    /// Accept a plain `http://` endpoint on a non-loopback host (e.g. `fake-ctimage` in another
    /// container). Loopback `http://` endpoints are always accepted; production uses https.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(format!(
                "no credentials: call ClientBuilder::credentials or set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY}"
            ))
        })?;
        if credentials.access_key().is_empty() || credentials.secret_is_empty() {
            return Err(Error::Config(format!(
                "empty access key or secret key: set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY}"
            )));
        }
        let endpoint = self.endpoint.unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
        let endpoint = endpoint.trim().trim_end_matches('/').to_owned();
        let parsed =
            reqwest::Url::parse(&endpoint).map_err(|e| Error::Config(format!("invalid endpoint {endpoint:?}: {e}")))?;
        if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
            return Err(Error::Config(format!("invalid endpoint {endpoint:?}: expected https://host[:port]")));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!("invalid endpoint {endpoint:?}: must not contain a query or fragment")));
        }
        if parsed.scheme() == "http" && !self.allow_http && !is_loopback(&parsed) {
            return Err(Error::Config(format!(
                "endpoint {endpoint:?} is plain http to a non-loopback host: signed requests would travel in clear \
                 text; use https, or ClientBuilder::allow_insecure_http for a test server"
            )));
        }
        if !credentials.access_key().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::Config("the access key must be printable ASCII without spaces (check CTYUN_AK)".into()));
        }
        let http = match self.http {
            Some(h) => h,
            None => {
                let ua = self
                    .user_agent
                    .unwrap_or_else(|| concat!("ctyun-image-rust/", env!("CARGO_PKG_VERSION")).to_owned());
                let mut headers = HeaderMap::new();
                headers.insert(
                    USER_AGENT,
                    HeaderValue::from_str(&ua).map_err(|_| Error::Config(format!("invalid User-Agent {ua:?}")))?,
                );
                reqwest::Client::builder()
                    // Never follow redirects: they would carry the signature headers to another
                    // host and could re-send a POST.
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .default_headers(headers)
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", error_chain(&e))))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                credentials,
                defaults: RequestDefaults { region_id: self.region_id },
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                request_ids: self.request_ids.unwrap_or_else(|| Arc::new(UuidRequestIds)),
                retry: self.retry.unwrap_or_default(),
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                operation_timeout: self.operation_timeout,
                waiter_delays: self.waiter_delays,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn from_env_names_missing_vars() {
        let err = ClientBuilder::from_env_with(env(&[])).unwrap_err().to_string();
        assert!(err.contains("CTYUN_AK and CTYUN_SK"), "{err}");
        let err = ClientBuilder::from_env_with(env(&[("CTYUN_AK", "a"), ("CTYUN_SK", "  ")])).unwrap_err().to_string();
        assert!(err.contains("CTYUN_SK") && !err.contains("CTYUN_AK and"), "{err}");
    }

    #[test]
    fn from_env_reads_region_and_endpoint() {
        let c = ClientBuilder::from_env_with(env(&[
            ("CTYUN_AK", "ak"),
            ("CTYUN_SK", "sk-secret"),
            ("CTYUN_REGION_ID", "r1"),
            ("CTYUN_ENDPOINT", "http://127.0.0.1:9/"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9");
        assert_eq!(c.default_region(), Some("r1"));
        assert!(!format!("{c:?}").contains("sk-secret"));
    }

    #[test]
    fn bad_endpoints_are_config_errors() {
        for e in ["", "ftp://x", "not a url", "https://h/?q=1", "http://ctimage-global.ctapi.ctyun.cn"] {
            let r = Client::builder().credentials(Credentials::new("a", "b")).endpoint(e).build();
            assert!(matches!(r, Err(Error::Config(_))), "{e}");
        }
    }

    #[test]
    fn http_only_for_loopback_unless_allowed() {
        let b = || Client::builder().credentials(Credentials::new("a", "b"));
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "https://example.com"] {
            assert!(b().endpoint(ok).build().is_ok(), "{ok}");
        }
        assert!(b().endpoint("http://10.0.0.5:8080").allow_insecure_http(true).build().is_ok());
        let bad_ak = Client::builder().credentials(Credentials::new("a k\n", "b")).build();
        assert!(matches!(bad_ak, Err(Error::Config(_))));
    }

    #[test]
    fn classify_envelopes() {
        let ok = classify("op", "rid", 1, 200, br#"{"statusCode":800,"returnObj":{"a":1}}"#).ok().unwrap();
        assert_eq!(ok.return_obj, r#"{"a":1}"#);
        let ok = classify("op", "rid", 1, 200, br#"{"statusCode":"800"}"#).ok().unwrap();
        assert_eq!(ok.return_obj, "{}");
        let err = classify(
            "op",
            "rid",
            1,
            200,
            br#"{"statusCode":900,"errorCode":"Image.X.Y","message":"bad","description":"bad-cn"}"#,
        )
        .err()
        .unwrap();
        let api = err.error.as_api_error().unwrap();
        assert_eq!((api.code.as_str(), api.status_code.as_str(), api.http_status), ("Image.X.Y", "900", 200));
        let err = classify("op", "rid", 1, 200, br#"{"statusCode":900,"errorCode":4001,"message":{"en":"bad"}}"#)
            .err()
            .unwrap();
        let api = err.error.as_api_error().unwrap();
        assert_eq!((api.code.as_str(), api.message.as_str()), ("4001", r#"{"en":"bad"}"#));
        let err = classify("op", "rid", 1, 502, b"<html>bad gateway</html>").err().unwrap();
        assert!(
            matches!(err.error, Error::Http(ref h) if h.http_status == 502 && h.body_snippet.contains("bad gateway"))
        );
        let err = classify("op", "rid", 1, 200, br#"{"statusCode":800,"retu"#).err().unwrap();
        assert!(matches!(err.error, Error::Decode(_)));
    }
}
