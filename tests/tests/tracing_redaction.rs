//! Observability without leaks: every span and event of full calls (success, API error,
//! transport error) is captured at TRACE level; the operation, attempt, request id and status
//! are there, the secret key and the signature never are.

use std::io::Write;
use std::sync::{Arc, Mutex};

use ctyun_image::clock::RequestIdGenerator;
use ctyun_image::operations::{CreateImageRequest, ListImagesRequest};
use ctyun_image::{Client, Credentials, RetryConfig};
use ctyun_image_tests::{FakeConfig, FakeServer};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Debug)]
struct Ids;
impl RequestIdGenerator for Ids {
    fn next_id(&self) -> String {
        "trace-request-id-0001".into()
    }
}

const SECRET: &str = "SK-very-secret-0123456789";

#[test]
fn logs_carry_context_but_no_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(FakeServer::start(FakeConfig::default().account("TRACE-AK", SECRET))).unwrap();
    let client = |sk: &str| {
        Client::builder()
            .credentials(Credentials::new("TRACE-AK", sk))
            .endpoint(server.url())
            .region("r1")
            .request_ids(Arc::new(Ids))
            .build()
            .unwrap()
    };
    rt.block_on(async {
        let ok = client(SECRET);
        ok.list_images(ListImagesRequest::new()).await.unwrap();
        ok.create_image(CreateImageRequest::new("ecs-1", "trace-image")).await.unwrap();
        // An API error (bad signature) and a transport error (nothing listening).
        client("wrong-secret").list_images(ListImagesRequest::new()).await.unwrap_err();
        let dead = Client::builder()
            .credentials(Credentials::new("TRACE-AK", SECRET))
            .endpoint("http://127.0.0.1:9")
            .region("r1")
            .retry(
                RetryConfig::default()
                    .with_backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(2)),
            )
            .build()
            .unwrap();
        dead.list_images(ListImagesRequest::new()).await.unwrap_err();
    });
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("listImages") && text.contains("createImage"), "operation ids missing:\n{text}");
    assert!(text.contains("trace-request-id-0001"), "request id missing:\n{text}");
    assert!(text.contains("attempt=1") && text.contains("attempt=3"), "attempt numbers missing:\n{text}");
    assert!(text.contains("status=200") && text.contains("status=401"), "statuses missing:\n{text}");
    assert!(text.contains("latency_ms"), "latency missing:\n{text}");
    for secret in [SECRET, "wrong-secret", "Signature=", "Eop-Authorization", "eop-authorization"] {
        assert!(!text.contains(secret), "`{secret}` leaked into the logs:\n{text}");
    }
}
