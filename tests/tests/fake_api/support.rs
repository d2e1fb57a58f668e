//! Shared runtime, servers, and a small raw signed-HTTP helper for the operations the generated
//! client does not have yet. The helper signs with the client's signer (test code may; the
//! fake's verifier is independent of it).

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use ctyun_image::clock::format_eop_date;
use ctyun_image::signer::{sign, CanonicalQuery, Credentials, SigningParams};
use ctyun_image_tests::{FakeConfig, FakeServer, Transition};
use serde_json::Value;

/// The one runtime every test of this binary shares.
pub fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

/// The main server: transitions complete by the next request.
pub fn server() -> &'static FakeServer {
    static S: OnceLock<FakeServer> = OnceLock::new();
    S.get_or_init(|| rt().block_on(FakeServer::start(FakeConfig::default().transition(Transition::Polls(0)))).unwrap())
}

/// A server whose transitions take two polls, for observing intermediate statuses.
pub fn slow_server() -> &'static FakeServer {
    static S: OnceLock<FakeServer> = OnceLock::new();
    S.get_or_init(|| rt().block_on(FakeServer::start(FakeConfig::default().transition(Transition::Polls(2)))).unwrap())
}

/// Held by the load test and by the tests whose timing matters, so they do not overlap (the
/// machine has two cores and the test runner runs tests in parallel).
pub fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static M: std::sync::Mutex<()> = std::sync::Mutex::new(());
    M.lock().unwrap_or_else(|e| e.into_inner())
}

/// A documented region id (also a cross-region copy source with three destinations).
pub const REGION: &str = "bb9fdb42056f11eda1610242ac110002";

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub text: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// Asserts HTTP 200 + `statusCode` 800; returns `returnObj`.
    #[track_caller]
    pub fn ok(&self) -> Value {
        let v = self.json();
        assert!(
            self.status == 200 && v["statusCode"] == 800,
            "expected success, got HTTP {}: {}",
            self.status,
            self.text
        );
        v["returnObj"].clone()
    }

    /// Asserts a `statusCode` 900 envelope; returns its `errorCode` (also checks `error`).
    #[track_caller]
    pub fn err(&self) -> String {
        let v = self.json();
        assert_eq!(v["statusCode"], 900, "expected failure, got HTTP {}: {}", self.status, self.text);
        assert_eq!(v["error"], v["errorCode"], "{}", self.text);
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", self.text);
        v["errorCode"].as_str().unwrap().to_owned()
    }
}

/// Signs and sends raw requests as one account.
#[derive(Clone)]
pub struct Raw {
    http: reqwest::Client,
    base: String,
    pub ak: String,
    creds: Credentials,
}

impl Raw {
    /// An account `ak-{name}` registered on `server`.
    pub fn new(server: &FakeServer, name: &str) -> Raw {
        let (ak, sk) = (format!("ak-{name}"), format!("sk-{name}/+="));
        server.add_account(&ak, &sk);
        Raw::with_keys(&server.url(), &ak, &sk)
    }

    /// Explicit keys (the account need not exist).
    pub fn with_keys(base: &str, ak: &str, sk: &str) -> Raw {
        Raw {
            http: {
                ctyun_image::tls::install_crypto_provider();
                reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
            },
            base: base.to_owned(),
            ak: ak.to_owned(),
            creds: Credentials::new(ak, sk),
        }
    }

    /// Builds a signed request. `date` overrides the `Eop-date` clock.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
        date: Option<SystemTime>,
    ) -> reqwest::RequestBuilder {
        let q = CanonicalQuery::from_pairs(query.iter().copied());
        let url = if q.is_empty() { format!("{}{path}", self.base) } else { format!("{}{path}?{q}", self.base) };
        let eop_date = format_eop_date(date.unwrap_or_else(SystemTime::now));
        let request_id = uuid::Uuid::new_v4().to_string();
        let auth = sign(&SigningParams {
            credentials: &self.creds,
            eop_date: &eop_date,
            request_id: &request_id,
            query: &q,
            body,
        });
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self
            .http
            .request(method, url)
            .header("ctyun-eop-request-id", request_id)
            .header("Eop-date", eop_date)
            .header("Eop-Authorization", auth);
        if !body.is_empty() {
            r = r.header("content-type", "application/json").body(body.to_vec());
        }
        r
    }

    /// Sends a request; returns the answer or the transport error.
    pub async fn send(&self, r: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
        let resp = r.send().await?;
        let status = resp.status().as_u16();
        let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let text = resp.text().await?;
        Ok(Answer { status, content_type, text })
    }

    /// GET with query parameters.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        rt().block_on(self.send(self.request("GET", path, query, b"", None))).unwrap()
    }

    /// POST with a JSON body.
    #[allow(clippy::needless_pass_by_value, reason = "callers pass `json!` literals")]
    pub fn post(&self, path: &str, body: Value) -> Answer {
        let bytes = serde_json::to_vec(&body).unwrap();
        rt().block_on(self.send(self.request("POST", path, &[], &bytes, None))).unwrap()
    }

    /// POST with query parameters and no body (delete-import-task, deactivate, reactivate).
    pub fn post_query(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        rt().block_on(self.send(self.request("POST", path, query, b"", None))).unwrap()
    }

    /// GET with an `x-fake-fault` header; the transport error when there is no answer.
    pub fn get_with_fault(&self, path: &str, query: &[(&str, &str)], fault: &str) -> Result<Answer, reqwest::Error> {
        rt().block_on(self.send(self.request("GET", path, query, b"", None).header("x-fake-fault", fault)))
    }

    /// The account id the fake gives this account.
    pub fn account_id(&self) -> String {
        ctyun_image_tests::fake::account_id_for(&self.ak)
    }

    // --- shorthands for frequent calls -------------------------------------------------------

    /// `create` (from an ECS system disk); returns the new image id.
    #[track_caller]
    pub fn create(&self, region: &str, name: &str) -> String {
        let r = self.post(
            "/v4/image/create",
            serde_json::json!({"regionID": region, "instanceID": "ecs-1", "imageName": name}),
        );
        r.ok()["images"][0]["imageID"].as_str().unwrap().to_owned()
    }

    /// `detail` with `errorFree=false`; the image object (panics on failure).
    #[track_caller]
    pub fn detail(&self, region: &str, id: &str) -> Value {
        self.get("/v4/image/detail", &[("regionID", region), ("imageID", id), ("errorFree", "false")]).ok()["images"][0]
            .clone()
    }

    /// The `imageStatus` seen by `detail` (one poll).
    #[track_caller]
    pub fn status(&self, region: &str, id: &str) -> String {
        self.detail(region, id)["imageStatus"].as_str().unwrap().to_owned()
    }

    /// All images of a `list` call with these extra parameters (first page of 200).
    #[track_caller]
    pub fn list(&self, region: &str, extra: &[(&str, &str)]) -> Vec<Value> {
        let mut q = vec![("regionID", region), ("pageSize", "200")];
        q.extend_from_slice(extra);
        self.get("/v4/image/list", &q).ok()["images"].as_array().unwrap().clone()
    }
}

/// Names of the images in a list.
pub fn names(images: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = images.iter().map(|i| i["imageName"].as_str().unwrap_or_default().to_owned()).collect();
    v.sort();
    v
}

/// A running `fake-ctimage` process, killed on drop.
pub struct Binary {
    child: std::process::Child,
    pub url: String,
}

impl Binary {
    /// Starts the binary on a free port with these extra arguments.
    pub fn start(args: &[&str]) -> Binary {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_fake-ctimage"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected {line:?}")).to_owned();
        Binary { child, url }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Measures a closure.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t0 = Instant::now();
    let out = f();
    (out, t0.elapsed())
}
