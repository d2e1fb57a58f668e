//! Observability: the spans and events of a call with a retry, printed by `tracing-subscriber`
//! (operation, attempt, request id, status, latency; never the secret or the signature).
//!
//!     cargo run -p ctyun-image-tests --example tracing

use ctyun_image::operations::ListImagesRequest;
use ctyun_image::{Client, Credentials, RetryConfig};
use ctyun_image_tests::{FakeConfig, FakeServer, Fault};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .init();
    let server = FakeServer::start(FakeConfig::default().account("TRACE-AK", "TRACE-SK")).await?;
    let client = Client::builder()
        .credentials(Credentials::new("TRACE-AK", "TRACE-SK"))
        .endpoint(server.url())
        .region("bb9fdb42056f11eda1610242ac110002")
        .retry(
            RetryConfig::default()
                .with_backoff(std::time::Duration::from_millis(10), std::time::Duration::from_millis(20)),
        )
        .build()?;
    server.inject(Fault::Status(503), 1);
    client.list_images(ListImagesRequest::new()).await?;
    Ok(())
}
