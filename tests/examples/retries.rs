//! Retries and timeouts, shown with the fake's fault injection: an idempotent read survives two
//! 503s (each attempt freshly signed), a create is never re-sent after a 503, a stalled server
//! hits the per-attempt timeout.
//!
//!     cargo run -p ctyun-image-tests --example retries

use std::time::Duration;

use ctyun_image::operations::{CreateImageRequest, ListImagesRequest};
use ctyun_image::{Client, Credentials, RetryConfig};
use ctyun_image_tests::{FakeConfig, FakeServer, Fault, FaultRule};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeConfig::default().account("RETRY-AK", "RETRY-SK")).await?;
    let client = Client::builder()
        .credentials(Credentials::new("RETRY-AK", "RETRY-SK"))
        .endpoint(server.url())
        .region("bb9fdb42056f11eda1610242ac110002")
        .attempt_timeout(Duration::from_millis(500))
        .retry(
            RetryConfig::default().with_max_attempts(3).with_backoff(Duration::from_millis(50), Duration::from_secs(1)),
        )
        .build()?;

    server.inject(Fault::Status(503), 2);
    let page = client.list_images(ListImagesRequest::new()).await?;
    println!("list after two 503s: {} images", page.total_count.unwrap_or_default());
    for r in server.requests_by("RETRY-AK") {
        println!("  attempt: request id {} Eop-date {} fault {:?}", r.request_id, r.eop_date, r.fault);
    }

    server.inject(Fault::Status(503), 1);
    let err = client.create_image(CreateImageRequest::new("ecs-1", "retry-demo")).await.unwrap_err();
    println!("create after one 503 (not re-sent): {err}");

    server.inject_rule(FaultRule::parse("delay=2000")?.times(3));
    let err = client.list_images(ListImagesRequest::new()).await.unwrap_err();
    println!("stalled server: {err} (timeout: {})", err.is_timeout());
    Ok(())
}
