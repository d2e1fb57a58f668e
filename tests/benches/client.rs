//! Client overhead: the generated client vs a hand-written, equally signed reqwest call of the
//! same request (`GET /v4/image/list`, decoded into the same typed page), against the same fake
//! server, sharing one reqwest connection pool, at the same concurrency. Prints p50/p99 latency
//! of both after the criterion run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use ctyun_image::clock::format_eop_date;
use ctyun_image::model::ImagePage;
use ctyun_image::operations::ListImagesRequest;
use ctyun_image::signer::{sign, CanonicalQuery, Credentials, SigningParams};
use ctyun_image::Client;
use ctyun_image_tests::{FakeConfig, FakeServer};

const AK: &str = "bench-ak";
const SK: &str = "bench-sk";
const REGION: &str = "bb9fdb42056f11eda1610242ac110002";
/// Requests per measured batch and how many run at once.
const BATCH: usize = 64;
const CONCURRENCY: usize = 8;

/// What a careful user would write by hand with reqwest and the signer.
struct Hand {
    http: reqwest::Client,
    base: String,
    creds: Credentials,
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "statusCode")]
    status_code: i64,
    #[serde(rename = "returnObj")]
    return_obj: ImagePage,
}

impl Hand {
    async fn list(&self) -> ImagePage {
        let query = CanonicalQuery::from_pairs([("regionID", REGION)]);
        let date = format_eop_date(std::time::SystemTime::now());
        let id = uuid::Uuid::new_v4().to_string();
        let auth = sign(&SigningParams {
            credentials: &self.creds,
            eop_date: &date,
            request_id: &id,
            query: &query,
            body: b"",
        });
        let bytes = self
            .http
            .get(format!("{}/v4/image/list?{}", self.base, query))
            .header("ctyun-eop-request-id", &id)
            .header("Eop-date", &date)
            .header("Eop-Authorization", auth)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let env: Envelope = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(env.status_code, 800);
        env.return_obj
    }
}

async fn generated(client: &Client) -> ImagePage {
    client.list_images(ListImagesRequest::new()).await.unwrap()
}

/// Runs `BATCH` calls with `CONCURRENCY` tasks; returns the elapsed time.
async fn batch<F, Fut>(f: Arc<F>) -> Duration
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ImagePage> + Send,
{
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(CONCURRENCY);
    for _ in 0..CONCURRENCY {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..BATCH / CONCURRENCY {
                std::hint::black_box(f().await);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed()
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 99 / 100])
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(FakeServer::start(FakeConfig::default().account(AK, SK))).unwrap();
    ctyun_image::tls::install_crypto_provider();
    let http = reqwest::Client::new();
    let client = Client::builder()
        .credentials(Credentials::new(AK, SK))
        .endpoint(server.url())
        .region(REGION)
        .http_client(http.clone())
        .build()
        .unwrap();
    let hand = Arc::new(Hand { http, base: server.url(), creds: Credentials::new(AK, SK) });
    let gen_client = Arc::new(client);

    let gen_fn = {
        let c = gen_client.clone();
        Arc::new(move || {
            let c = c.clone();
            async move { generated(&c).await }
        })
    };
    let hand_fn = {
        let h = hand.clone();
        Arc::new(move || {
            let h = h.clone();
            async move { h.list().await }
        })
    };

    let mut c = Criterion::default().configure_from_args().measurement_time(Duration::from_secs(5));
    {
        let mut group = c.benchmark_group("client_overhead");
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_function("generated", |b| {
            b.iter_custom(|iters| rt.block_on(async { futures_sum(iters, gen_fn.clone()).await }));
        });
        group.bench_function("hand_written", |b| {
            b.iter_custom(|iters| rt.block_on(async { futures_sum(iters, hand_fn.clone()).await }));
        });
        group.finish();
    }
    c.final_summary();

    // Paired throughput: alternate batches of the two, median of per-round ratios (robust to
    // the drift of a noisy machine).
    let mut ratios: Vec<f64> = (0..101)
        .map(|_| {
            let g = rt.block_on(batch(gen_fn.clone()));
            let h = rt.block_on(batch(hand_fn.clone()));
            h.as_secs_f64() / g.as_secs_f64()
        })
        .collect();
    ratios.sort_by(|a, b| a.total_cmp(b));
    let paired = ratios[ratios.len() / 2];
    println!("paired throughput ratio generated/hand-written (median of 101 rounds of {BATCH}): {paired:.3}");

    // Latency, sequential, interleaved so both see the same machine conditions.
    let n = 2000;
    let (mut lg, mut lh) = (Vec::with_capacity(n), Vec::with_capacity(n));
    rt.block_on(async {
        for _ in 0..n {
            let t = Instant::now();
            std::hint::black_box(generated(&gen_client).await);
            lg.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(hand.list().await);
            lh.push(t.elapsed());
        }
    });
    let (g50, g99) = percentiles(lg);
    let (h50, h99) = percentiles(lh);
    println!("latency generated:    p50 {g50:?} p99 {g99:?}");
    println!("latency hand_written: p50 {h50:?} p99 {h99:?}");
    let out = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion/client_latency.json");
    let _ = std::fs::write(
        out,
        format!(
            "{{\"generated\":{{\"p50_us\":{},\"p99_us\":{}}},\"hand_written\":{{\"p50_us\":{},\"p99_us\":{}}},\"requests\":{n},\"paired_throughput_ratio\":{paired:.4}}}\n",
            g50.as_micros(),
            g99.as_micros(),
            h50.as_micros(),
            h99.as_micros()
        ),
    );
    drop(server);
}

async fn futures_sum<F, Fut>(iters: u64, f: Arc<F>) -> Duration
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ImagePage> + Send,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        total += batch(f.clone()).await;
    }
    total
}
