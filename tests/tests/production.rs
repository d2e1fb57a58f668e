//! What a production team meets on the real cloud, against the fake: `Retry-After`, a skewed
//! host clock, retry storms under concurrency.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use ctyun_image::clock::Clock;
use ctyun_image::operations::ListImagesRequest;
use ctyun_image::reqwest::Proxy;
use ctyun_image::{Client, ClientBuilder, Credentials, RetryConfig};
use ctyun_image_tests::{FakeConfig, FakeServer, FaultRule};
use tracing_subscriber::util::SubscriberInitExt as _;

const REGION: &str = "bb9fdb42056f11eda1610242ac110002";
const LIST: &str = "/v4/image/list";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn start(rt: &tokio::runtime::Runtime, ak: &str) -> FakeServer {
    rt.block_on(FakeServer::start(FakeConfig::default().account(ak, "sk-prod"))).unwrap()
}

fn client(server: &FakeServer, ak: &str) -> ClientBuilder {
    Client::builder().credentials(Credentials::new(ak, "sk-prod")).endpoint(server.url()).region(REGION)
}

fn fast_retries() -> RetryConfig {
    RetryConfig::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

#[test]
fn retry_after_is_honoured_and_bounded() {
    let rt = rt();
    let s = start(&rt, "ak-ra");
    let c = client(&s, "ak-ra").retry(fast_retries()).operation_timeout(Duration::from_secs(5)).build().unwrap();

    // Retry-After: 1 on a 503 → the retry waits a second, not the 1-5 ms back-off.
    s.inject_rule(FaultRule::parse("retry-after=1,503").unwrap().path(LIST));
    let t0 = Instant::now();
    rt.block_on(c.list_images(ListImagesRequest::new())).unwrap();
    assert!(t0.elapsed() >= Duration::from_secs(1), "{:?}", t0.elapsed());
    assert_eq!(s.requests_by("ak-ra").len(), 2);

    // A Retry-After past the 5 s deadline fails at once, saying why.
    s.inject_rule(FaultRule::parse("retry-after=30,429").unwrap().path(LIST));
    let t0 = Instant::now();
    let e = rt.block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    assert!(e.is_throttled(), "{e:?}");
    let ctx = e.context().unwrap();
    assert_eq!((ctx.attempts, ctx.retry_after_refused), (1, Some(Duration::from_secs(30))));
    assert!(e.to_string().contains("Retry-After"), "{e}");
    assert_eq!(s.requests_by("ak-ra").len(), 3);
}

#[derive(Debug)]
struct Offset(Duration, bool);

impl Clock for Offset {
    fn now(&self) -> SystemTime {
        if self.1 {
            SystemTime::now() + self.0
        } else {
            SystemTime::now() - self.0
        }
    }
}

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn clock_skew_is_learned_from_date_and_costs_one_attempt() {
    let rt = rt();
    for fast in [true, false] {
        let ak = if fast { "ak-fast" } else { "ak-slow" };
        let s = start(&rt, ak);
        let logs = Logs::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        let _guard = subscriber.set_default();
        let c = client(&s, ak)
            .retry(RetryConfig::disabled())
            .clock(Arc::new(Offset(Duration::from_secs(20 * 60), fast)))
            .build()
            .unwrap();
        // Retries disabled: the one re-signed attempt is not a retry.
        rt.block_on(c.list_images(ListImagesRequest::new())).unwrap();
        let recs = s.requests_by(ak);
        assert_eq!(recs.len(), 2, "fast={fast}: one rejected attempt, one re-signed");
        assert!(!recs[0].verified() && recs[1].verified(), "fast={fast}");
        for _ in 0..3 {
            rt.block_on(c.list_images(ListImagesRequest::new())).unwrap();
        }
        assert_eq!(s.requests_by(ak).len(), 5, "fast={fast}: later calls need no extra attempt");
        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.matches("WARN").count(), 1, "fast={fast}: {text}");
        assert!(text.contains("clock differs"), "{text}");

        // Correction off: the server's 15-minute window rejects the call.
        let off = client(&s, ak)
            .clock(Arc::new(Offset(Duration::from_secs(20 * 60), fast)))
            .clock_skew_correction(false)
            .build()
            .unwrap();
        let e = rt.block_on(off.list_images(ListImagesRequest::new())).unwrap_err();
        assert_eq!((e.api_code(), e.attempts()), (Some("Eop.Auth.DateExpired"), 1));
    }
}

/// 200 concurrent calls against a service answering 503 to everything: attempts per call with
/// and without the shared retry quota.
fn storm(quota: Option<u32>) -> f64 {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let ak = "ak-storm";
    let s = start(&rt, ak);
    s.inject_rule(FaultRule::parse("503").unwrap().times(100_000).path(LIST));
    let c = client(&s, ak).retry(fast_retries().with_quota(quota)).build().unwrap();
    const CALLS: usize = 200;
    rt.block_on(async {
        let tasks: Vec<_> = (0..CALLS)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.list_images(ListImagesRequest::new()).await })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().is_err());
        }
    });
    let per_call = s.requests_by(ak).len() as f64 / CALLS as f64;
    println!("503 storm, quota {quota:?}: {per_call:.2} attempts per call");
    per_call
}

#[test]
fn retry_quota_bounds_attempts_in_a_503_storm() {
    let without = storm(None);
    let with = storm(Some(500));
    assert_eq!(without, 3.0, "every call retries on its own");
    // 500 tokens pay 100 retries of 5 tokens among 200 calls: 1.5 attempts per call.
    assert!(with <= 1.5, "{with}");
}

#[test]
fn adaptive_rate_limiter_spaces_attempts_after_429() {
    let rt = rt();
    let ak = "ak-adaptive";
    let s = start(&rt, ak);
    let c = client(&s, ak).retry(fast_retries().with_adaptive_rate_limit(true)).build().unwrap();
    rt.block_on(c.list_images(ListImagesRequest::new())).unwrap();
    s.inject_rule(FaultRule::parse("429").unwrap().times(2).path(LIST));
    // The first 429 halves the learned rate (≥ 0.5/s): the retries are spaced, not 1-5 ms apart.
    let t0 = Instant::now();
    rt.block_on(c.list_images(ListImagesRequest::new())).unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(500), "{:?}", t0.elapsed());
    assert_eq!(s.requests_by(ak).len(), 4);
}

#[test]
fn proxy_setting_sends_every_request_through_the_proxy() {
    let rt = rt();
    let server = start(&rt, "ak-proxy");
    // Nothing listens at the endpoint itself: only a proxy can answer. The fake plays the
    // proxy, serving the absolute-form requests (`GET http://127.0.0.1:1/v4/...`) a client sends
    // to an HTTP proxy.
    let endpoint = "http://127.0.0.1:1";
    let via = client(&server, "ak-proxy")
        .endpoint(endpoint)
        .retry(RetryConfig::disabled())
        .proxy(Proxy::http(server.url()).unwrap())
        .build()
        .unwrap();
    let page = rt.block_on(via.list_images(ListImagesRequest::new())).expect("answered through the proxy");
    assert!(page.images.is_some());
    assert_eq!(server.requests_by("ak-proxy").len(), 1, "the proxy (the fake) saw the request");
    // `no_proxy()`: the request goes straight to the endpoint, where nothing listens.
    let direct =
        client(&server, "ak-proxy").endpoint(endpoint).retry(RetryConfig::disabled()).no_proxy().build().unwrap();
    let e = rt.block_on(direct.list_images(ListImagesRequest::new())).unwrap_err();
    assert!(matches!(e, ctyun_image::Error::Transport(_)), "{e:?}");
    assert_eq!(server.requests_by("ak-proxy").len(), 1, "no request reached the proxy");
}
