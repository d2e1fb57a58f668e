//! Load: a thousand concurrent `list_images` calls on one `ctyun_image::Client`, loopback only.

use std::collections::HashSet;
use std::io::Write as _;
use std::time::{Duration, Instant};

use ctyun_image::operations::ListImagesRequest;
use ctyun_image::RetryConfig;

use crate::support::{exclusive, rt, server, Raw};

const REQUESTS: usize = 1000;

#[test]
fn load_1000_concurrent_list_images_on_one_client() {
    let _exclusive = exclusive();
    let a = Raw::new(server(), "load");
    server().seed_private_images(&a.ak, "region-load", "load", 25);
    // Retries off: any failure counts.
    let client = server().client_builder(&a.ak).region("region-load").retry(RetryConfig::disabled()).build().unwrap();
    let (failures, wall) = rt().block_on(async {
        let t0 = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..REQUESTS {
            let c = client.clone();
            set.spawn(async move { c.list_images(ListImagesRequest::new()).await });
        }
        let mut failures: Vec<String> = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(Ok(page)) if page.total_count == Some(4) => {}
                Ok(Ok(page)) => failures.push(format!("unexpected page {page:?}")),
                Ok(Err(e)) => failures.push(e.to_string()),
                Err(e) => failures.push(e.to_string()),
            }
        }
        (failures, t0.elapsed())
    });
    let line = format!(
        "load test: {REQUESTS} requests, concurrency {REQUESTS} (one Client), {} failures, wall {:.3} s ({:.0} req/s)\n",
        failures.len(),
        wall.as_secs_f64(),
        REQUESTS as f64 / wall.as_secs_f64()
    );
    // Straight to the process's stderr, past the test harness's output capture.
    let _ = std::io::stderr().write_all(line.as_bytes());
    assert!(failures.is_empty(), "{line}first failures: {:?}", &failures[..failures.len().min(5)]);
    assert!(wall < Duration::from_secs(60), "{line}");
    // The server saw each request once, each verified, each with its own request id.
    let recs: Vec<_> = server().requests_by(&a.ak).into_iter().filter(|r| r.path == "/v4/image/list").collect();
    assert_eq!(recs.len(), REQUESTS);
    assert!(recs.iter().all(|r| r.verified()));
    assert_eq!(recs.iter().map(|r| &r.request_id).collect::<HashSet<_>>().len(), REQUESTS);
}
