//! A fake CTyun image server: verifies the EOP signature of every request, keeps images in
//! memory per account and region, and answers with the CTyun envelope.
//!
//! Start it in-process with [`FakeServer::start`] or as the `fake-ctimage` binary.

pub mod auth;
mod handlers;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

pub use state::{account_id_for, Image, State};

/// How to run a fake server.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// `(access key, secret key)` pairs accepted.
    pub accounts: Vec<(String, String)>,
    /// Largest accepted distance between `Eop-date` and the server clock (default 15 min).
    pub max_skew: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            accounts: Vec::new(),
            max_skew: Duration::from_secs(15 * 60),
        }
    }
}

impl FakeConfig {
    /// Adds an account.
    pub fn account(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.accounts.push((ak.into(), sk.into()));
        self
    }
}

/// A running fake server. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

struct Shared {
    state: Arc<Mutex<State>>,
    max_skew: Duration,
}

impl FakeServer {
    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeServer> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::new(&config.accounts)));
        let shared = Arc::new(Shared { state: state.clone(), max_skew: config.max_skew });
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let shared = shared.clone();
            async move { handle(&shared, method, uri, headers, body) }
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(FakeServer { addr, state, shutdown: Some(tx) })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, to use as the client's endpoint (`CTYUN_ENDPOINT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Direct access to the server state (for assertions and setup).
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A success envelope.
pub fn ok(return_obj: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json;charset=UTF-8")],
        json!({
            "statusCode": 800,
            "errorCode": "",
            "message": "SUCCESS",
            "description": "成功",
            "returnObj": return_obj,
        })
        .to_string(),
    )
        .into_response()
}

/// A failure envelope (`statusCode` 900) with the given HTTP status.
pub fn fail(status: StatusCode, code: &str, message: &str, description: &str) -> Response {
    (
        status,
        [("content-type", "application/json;charset=UTF-8")],
        json!({
            "statusCode": 900,
            "error": code,
            "errorCode": code,
            "message": message,
            "description": description,
        })
        .to_string(),
    )
        .into_response()
}

fn handle(shared: &Shared, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let raw_query = uri.query().unwrap_or("");
    let received = auth::Received {
        authorization: header("eop-authorization"),
        eop_date: header("eop-date"),
        request_id: header("ctyun-eop-request-id"),
        raw_query,
        body: &body,
    };
    let verified = {
        let state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        auth::verify(&received, |ak| state.secret_for(ak), SystemTime::now(), shared.max_skew)
    };
    let verified = match verified {
        Ok(v) => v,
        Err(f) => return fail(StatusCode::UNAUTHORIZED, f.code, &f.message, "鉴权失败"),
    };
    let query: Vec<(String, String)> =
        form_urlencoded::parse(raw_query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    state.record(&verified, method.as_str(), uri.path(), raw_query);
    handlers::dispatch(&mut state, &verified, &method, uri.path(), &query, &body)
}
