//! A fake CTyun image server: verifies the EOP signature of every request, keeps images,
//! shares and import/export tasks in memory per account and region, implements all 27
//! operations of the image API v4, and answers with the CTyun envelope. Faults can be
//! scripted per request for retry and error-handling tests.
//!
//! Start it in-process with [`FakeServer::builder`] (or [`FakeServer::start`]) or as the
//! `fake-ctimage` binary (package `ctyun-image-tests`). Point a client at it with
//! [`FakeServer::client_builder`]; put images in it with [`FakeConfig::image`] /
//! [`FakeServer::seed_image`]; queue faults with [`FakeConfig::fault`] /
//! [`FakeServer::inject_rule`]; inspect what your code sent with [`FakeServer::requests`].
//!
//! ```
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ctyun_image_fake::{FakeServer, Fault, FaultRule, SeedImage};
//!
//! let server = FakeServer::builder()
//!     .account("MY-AK", "MY-SK")
//!     .image(SeedImage::new("MY-AK", "region-1", "golden"))
//!     .fault(FaultRule::new(Fault::Status(503)).times(1))
//!     .start()
//!     .await?;
//! let client = server.client_builder("MY-AK").region("region-1").build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! * Signature: [`auth`] (independent of the client's signer). Rejections are HTTP 401 with
//!   `statusCode` 900 and `errorCode` `Eop.Auth.MissingHeader`, `Eop.Auth.Malformed`,
//!   `Eop.Auth.UnknownAccessKey`, `Eop.Auth.DateExpired` or `Eop.Auth.SignatureMismatch`.
//! * Operations and their error codes: see `tests/README.md` (section "Error codes").
//! * Faults: [`fault`] (the `x-fake-fault` header, [`FakeServer::inject`],
//!   `POST /__fake/faults`).
//! * Control endpoints (unsigned, under `/__fake/`): `GET|POST|DELETE /__fake/faults`,
//!   `GET|DELETE /__fake/requests`, `GET /__fake/health`.
//! * Where the fake knowingly differs from the real service: `tests/README.md`.

pub mod auth;
mod control;
pub mod fault;
pub mod log;
pub mod model;
mod ops;
pub mod store;
pub mod transitions;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{watch, Notify};

pub use ctyun_image;
pub use fault::{Fault, FaultRule};
pub use log::{RecordedRequest, RequestLog, MAX_RECORDED_REQUESTS};
pub use model::{account_id_for, stable_uuid, Image, ImageStatus, Share, ShareStatus, Task, TaskAction, TaskStatus};
pub use ops::valid_image_name;
pub use store::SeedImage;
pub use store::State;
pub use transitions::{Pending, Transition};

/// Regions the fake offers as cross-region copy destinations unless configured otherwise
/// (region ids seen in CTyun's documentation examples).
pub const DEFAULT_REGIONS: &[&str] = &[
    "bb9fdb42056f11eda1610242ac110002",
    "81f7728662dd11ec810800155d307d5b",
    "41f64827f25f468595ffa3a5deb5d15d",
    "100054c0416811e9a6690242ac110002",
];

/// How long a connection may take to send a request's headers unless configured otherwise;
/// also how long an idle keep-alive connection stays open.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How to run a fake server.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// `(access key, secret key)` pairs accepted; each account id is derived from the access
    /// key ([`account_id_for`]).
    pub accounts: Vec<(String, String)>,
    /// Largest accepted distance between `Eop-date` and the server clock (default 15 min).
    pub max_skew: Duration,
    /// When transitional statuses complete (default: after 2 polls).
    pub transition: Transition,
    /// Regions offered by `list-supported-dest-crr-regions` and accepted as cross-region copy
    /// destinations (default [`DEFAULT_REGIONS`]). Any region id is accepted elsewhere.
    pub regions: Vec<String>,
    /// A connection that has not sent a complete request head (request line and headers) this
    /// long after it opened, or after its previous response, is closed (default
    /// [`DEFAULT_HEADER_READ_TIMEOUT`]; `None`: never, so a slow client holds its connection
    /// and a task forever).
    pub header_read_timeout: Option<Duration>,
    /// Images present when the server starts.
    pub images: Vec<SeedImage>,
    /// Fault rules queued when the server starts.
    pub faults: Vec<FaultRule>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            accounts: Vec::new(),
            max_skew: Duration::from_secs(15 * 60),
            transition: Transition::default(),
            regions: DEFAULT_REGIONS.iter().map(|s| (*s).to_owned()).collect(),
            header_read_timeout: Some(DEFAULT_HEADER_READ_TIMEOUT),
            images: Vec::new(),
            faults: Vec::new(),
        }
    }
}

impl FakeConfig {
    /// Adds an account.
    pub fn account(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.accounts.push((ak.into(), sk.into()));
        self
    }

    /// Sets when transitional statuses complete.
    pub fn transition(mut self, t: Transition) -> Self {
        self.transition = t;
        self
    }

    /// Adds an image present when the server starts.
    pub fn image(mut self, image: SeedImage) -> Self {
        self.images.push(image);
        self
    }

    /// Queues a fault rule when the server starts.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Starts a server with this configuration ([`FakeServer::start`]).
    pub async fn start(self) -> std::io::Result<FakeServer> {
        FakeServer::start(self).await
    }

    /// Sets the header-read timeout (`None`: connections may stay silent forever).
    pub fn header_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets the cross-region copy destinations.
    pub fn regions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, regions: I) -> Self {
        self.regions = regions.into_iter().map(Into::into).collect();
        self
    }
}

/// A running fake server. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    max_skew: Duration,
    header_read_timeout: Option<Duration>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FakeServer {
    /// A configuration to start a server from: `FakeServer::builder().account(..).start().await`.
    pub fn builder() -> FakeConfig {
        FakeConfig::default()
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeServer> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let mut state = State::new(&config.accounts);
        state.transition = config.transition;
        state.regions = config.regions.clone();
        for image in &config.images {
            state.seed_image(image);
        }
        for rule in &config.faults {
            state.faults.push(rule.clone());
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            max_skew: config.max_skew,
            header_read_timeout: config.header_read_timeout,
        });
        let (shutdown, mut stop) = watch::channel(false);
        let accept_shared = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            tokio::spawn(serve_connection(accept_shared.clone(), stream, stop.clone()));
                        }
                        // Out of file descriptors and the like: back off briefly, keep serving.
                        Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                    },
                    _ = stop.changed() => break,
                }
            }
        });
        Ok(FakeServer { addr, shared, shutdown })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, to use as the client's endpoint (`CTYUN_ENDPOINT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Direct access to the server state (for assertions and setup). Do not hold the guard
    /// across an `.await` on requests to this server.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }

    /// Applies `fault` to the next `times` requests (any path, any account).
    pub fn inject(&self, fault: Fault, times: u32) {
        self.inject_rule(FaultRule::new(fault).times(times));
    }

    /// Queues a fault rule (steps, count, optional path and access-key filters).
    pub fn inject_rule(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    /// Drops every queued fault rule.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The queued fault rules, with their remaining counts.
    pub fn pending_faults(&self) -> Vec<FaultRule> {
        self.shared.lock().faults.pending()
    }

    /// A copy of every request received so far (verified or not), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.iter().cloned().collect()
    }

    /// The requests signed with `access_key`.
    pub fn requests_by(&self, access_key: &str) -> Vec<RecordedRequest> {
        self.shared.lock().requests.iter().filter(|r| r.access_key == access_key).cloned().collect()
    }

    /// Adds (or replaces) an accepted access key / secret key pair while running.
    pub fn add_account(&self, access_key: &str, secret_key: &str) {
        self.shared.lock().add_account(access_key, secret_key);
    }

    /// The account id of an access key.
    pub fn account_id(&self, access_key: &str) -> String {
        self.shared.lock().account_of(access_key)
    }

    /// A client builder aimed at this server as `access_key`: credentials (the account's secret
    /// key; an unknown access key is registered with the secret key `{access_key}-secret`),
    /// endpoint, and 1–5 ms retry backoff and waiter delays so tests run fast. Set the region
    /// (and anything else) yourself.
    pub fn client_builder(&self, access_key: &str) -> ctyun_image::ClientBuilder {
        let secret = {
            let mut st = self.shared.lock();
            st.secret_for(access_key).unwrap_or_else(|| {
                let secret = format!("{access_key}-secret");
                st.add_account(access_key, &secret);
                secret
            })
        };
        let fast = (Duration::from_millis(1), Duration::from_millis(5));
        ctyun_image::Client::builder()
            .credentials(ctyun_image::Credentials::new(access_key, secret))
            .endpoint(self.url())
            .waiter_delays(fast.0, fast.1)
            .retry(ctyun_image::RetryConfig::default().with_backoff(fast.0, fast.1))
    }

    /// Adds an image (see [`SeedImage`]); returns its id.
    #[allow(clippy::needless_pass_by_value, reason = "taken by value like a builder: callers build it inline")]
    pub fn seed_image(&self, image: SeedImage) -> String {
        self.shared.lock().seed_image(&image)
    }

    /// Adds `count` active private images named `{prefix}-{n}` to the account of `access_key`
    /// in `region`; returns their ids in listing order.
    pub fn seed_private_images(&self, access_key: &str, region: &str, prefix: &str, count: usize) -> Vec<String> {
        let mut st = self.shared.lock();
        let account = st.account_of(access_key);
        st.seed_private_images(&account, region, prefix, count)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// The TCP stream of one connection; closes with a reset (RST) once `reset` is set.
struct ConnIo {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ConnIo {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for ConnIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Lets a request handler abort its connection.
#[derive(Clone)]
struct ConnControl {
    reset: Arc<AtomicBool>,
    abort: Arc<Notify>,
}

impl ConnControl {
    /// Closes the connection with a reset, never answering; does not return.
    async fn reset(&self) -> Response<Body> {
        self.reset.store(true, Ordering::SeqCst);
        self.abort.notify_one();
        std::future::pending().await
    }
}

async fn serve_connection(shared: Arc<Shared>, stream: TcpStream, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let ctl = ConnControl { reset: Arc::new(AtomicBool::new(false)), abort: Arc::new(Notify::new()) };
    let io = hyper_util::rt::TokioIo::new(ConnIo { stream, reset: ctl.reset.clone() });
    let abort = ctl.abort.clone();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.keep_alive(true).timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(shared.header_read_timeout);
    let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let shared = shared.clone();
        let ctl = ctl.clone();
        async move { Ok::<_, Infallible>(handle(shared, ctl, req).await) }
    });
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = abort.notified() => {} // dropping the connection closes the socket (RST)
        _ = stop.changed() => {}
    }
}

/// A success envelope as JSON.
pub fn ok_envelope(return_obj: Value) -> Value {
    let mut envelope = json!({
        "statusCode": 800,
        "errorCode": "",
        "message": "SUCCESS",
        "description": "成功",
    });
    envelope["returnObj"] = return_obj;
    envelope
}

/// A failure envelope (`statusCode` 900) as JSON.
pub fn fail_envelope(code: &str, message: &str, description: &str) -> Value {
    json!({
        "statusCode": 900,
        "error": code,
        "errorCode": code,
        "message": message,
        "description": description,
    })
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert("content-type", v);
    }
    r
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    respond(status, "application/json;charset=UTF-8", body.to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The error code an injected HTTP status carries in its envelope.
fn gateway_code(status: u16) -> (&'static str, &'static str) {
    match status {
        429 => ("Eop.Gateway.TooManyRequests", "请求过于频繁"),
        500 => ("Eop.Gateway.InternalError", "服务内部错误"),
        502 => ("Eop.Gateway.BadGateway", "网关错误"),
        503 => ("Eop.Gateway.ServiceUnavailable", "服务暂不可用"),
        504 => ("Eop.Gateway.Timeout", "网关超时"),
        _ => ("Eop.Gateway.Error", "网关错误"),
    }
}

fn reason(status: u16) -> String {
    let s = StatusCode::from_u16(status).ok();
    format!("{status} {}", s.and_then(|s| s.canonical_reason()).unwrap_or("Error"))
}

async fn handle(shared: Arc<Shared>, ctl: ConnControl, req: Request<hyper::body::Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body: Bytes = match http_body_util::Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => {
            return json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &fail_envelope("Openapi.Request.TooLarge", "the request body is too large", "请求体过大"),
            )
        }
    };
    let path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    if path.starts_with("/__fake/") {
        return control::handle(&shared, &parts.method, &path, &raw_query, &body);
    }
    api(&shared, &ctl, &parts.method, &parts.headers, &path, &raw_query, &body).await
}

async fn api(
    shared: &Shared,
    ctl: &ConnControl,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    raw_query: &str,
    body: &[u8],
) -> Response<Body> {
    let header_faults = headers.get("x-fake-fault").and_then(|v| v.to_str().ok()).map(Fault::parse_spec);
    let (verified, faults) = verify_and_record(shared, method, headers, path, raw_query, body, header_faults.as_ref());
    let verified = match verified {
        Ok(v) => v,
        Err(f) => {
            return json_response(StatusCode::UNAUTHORIZED, &fail_envelope(f.code, &f.message, "鉴权失败"));
        }
    };
    if let Some(Err(e)) = header_faults {
        return json_response(
            StatusCode::BAD_REQUEST,
            &fail_envelope("Fake.Fault.Invalid", &format!("x-fake-fault: {e}"), "故障注入参数错误"),
        );
    }
    let mangle = match apply_faults(ctl, faults.unwrap_or_default()).await {
        ControlFlow::Break(response) => return response,
        ControlFlow::Continue(mangle) => mangle,
    };
    let (status, envelope) = run_operation(shared, &verified.access_key, method, path, raw_query, body);
    mangled(status, envelope, mangle.as_ref())
}

/// Verifies the signature and logs the request; the faults to apply (from the `x-fake-fault`
/// header, else the scripted ones), only when the signature holds.
fn verify_and_record(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    raw_query: &str,
    body: &[u8],
    header_faults: Option<&Result<Vec<Fault>, String>>,
) -> (Result<auth::Verified, auth::AuthFailure>, Option<Vec<Fault>>) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let received = auth::Received {
        authorization: header("eop-authorization"),
        eop_date: header("eop-date"),
        request_id: header("ctyun-eop-request-id"),
        raw_query,
        body,
    };
    let mut st = shared.lock();
    let verified = auth::verify(&received, |ak| st.secret_for(ak), SystemTime::now(), shared.max_skew);
    let access_key = match &verified {
        Ok(v) => v.access_key.clone(),
        Err(_) => header("eop-authorization").and_then(|a| a.split(' ').next()).unwrap_or("").to_owned(),
    };
    let faults = match (&verified, header_faults) {
        (Ok(_), Some(Ok(steps))) => Some(steps.clone()),
        (Ok(_), None) => st.faults.take(path, &access_key),
        _ => None,
    };
    st.record(RecordedRequest {
        seq: 0,
        access_key,
        request_id: header("ctyun-eop-request-id").unwrap_or("").to_owned(),
        eop_date: header("eop-date").unwrap_or("").to_owned(),
        method: method.as_str().to_owned(),
        path: path.to_owned(),
        raw_query: raw_query.to_owned(),
        user_agent: header("user-agent").unwrap_or("").to_owned(),
        body_sha256: hex(&Sha256::digest(body)),
        body_len: body.len(),
        auth_error: verified.as_ref().err().map(|f| f.code.to_owned()),
        fault: faults.as_deref().map(Fault::spec_text),
        received_at: SystemTime::now(),
    });
    (verified, faults)
}

/// Applies fault steps in order: delays and `Retry-After` accumulate; a status, page or reset
/// answers instead of the operation (`Break`); a body mangling is returned for later.
async fn apply_faults(ctl: &ConnControl, faults: Vec<Fault>) -> ControlFlow<Response<Body>, Option<Fault>> {
    let mut mangle = None;
    let mut retry_after = None;
    for step in faults {
        match step {
            Fault::Delay(d) => tokio::time::sleep(d).await,
            Fault::RetryAfter(secs) => retry_after = Some(secs),
            Fault::Status(s) => {
                let status = StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let (code, description) = gateway_code(s);
                let message = format!("injected fault: HTTP {}", reason(s));
                let mut r = json_response(status, &fail_envelope(code, &message, description));
                if let Some(secs) = retry_after {
                    r.headers_mut().insert("retry-after", secs.into());
                }
                return ControlFlow::Break(r);
            }
            Fault::ApiError(code) => {
                let message = format!("injected fault: CTyun error {code}");
                return ControlFlow::Break(json_response(
                    StatusCode::OK,
                    &fail_envelope(&code, &message, "注入的错误"),
                ));
            }
            Fault::PlainStatus(s) => {
                let status = StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return ControlFlow::Break(respond(status, "text/plain; charset=utf-8", format!("{}\n", reason(s))));
            }
            Fault::Html(s) => {
                let status = StatusCode::from_u16(s).unwrap_or(StatusCode::BAD_GATEWAY);
                let r = reason(s);
                let page = format!(
                    "<html>\r\n<head><title>{r}</title></head>\r\n<body>\r\n<center><h1>{r}</h1></center>\r\n\
                     <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                );
                return ControlFlow::Break(respond(status, "text/html", page));
            }
            Fault::Reset => return ControlFlow::Break(ctl.reset().await),
            Fault::TruncatedJson | Fault::StringStatusCode => mangle = Some(step),
        }
    }
    ControlFlow::Continue(mangle)
}

/// The operation's answer, with a body fault (`statusCode` as a string, truncated JSON) applied.
fn mangled(status: StatusCode, mut envelope: Value, mangle: Option<&Fault>) -> Response<Body> {
    match mangle {
        Some(Fault::StringStatusCode) => {
            if let Some(code) = envelope.get("statusCode").and_then(Value::as_i64) {
                envelope["statusCode"] = Value::String(code.to_string());
            }
            json_response(status, &envelope)
        }
        Some(_) => {
            let text = envelope.to_string();
            let mut cut = text.len() / 2;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            respond(status, "application/json;charset=UTF-8", text[..cut].to_owned())
        }
        None => json_response(status, &envelope),
    }
}

/// Runs one verified API request; returns the HTTP status and the envelope.
fn run_operation(
    shared: &Shared,
    access_key: &str,
    method: &Method,
    path: &str,
    raw_query: &str,
    body: &[u8],
) -> (StatusCode, Value) {
    let body: Option<Map<String, Value>> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Some(m),
            _ => {
                return (
                    StatusCode::OK,
                    fail_envelope("Image.Parameter.Invalid", "the request body must be a JSON object", "参数错误"),
                )
            }
        }
    };
    let query: Vec<(String, String)> =
        form_urlencoded::parse(raw_query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let params = ops::Params { query: &query, body };
    let mut st = shared.lock();
    let account = st.account_of(access_key);
    match ops::dispatch(&mut st, &account, method.as_str(), path, &params) {
        Ok(v) => (StatusCode::OK, ok_envelope(v)),
        Err(f) => (f.status, fail_envelope(f.code, &f.message, f.description)),
    }
}
