//! The `fake-ctimage` binary: flags, `--help`, and the unsigned control endpoints.

use std::time::Duration;

use ctyun_image::operations::ListImagesRequest;
use ctyun_image::{Client, Credentials, RetryConfig};
use serde_json::{json, Value};

use crate::support::{exclusive, rt, Binary, Raw, REGION};

fn control(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    rt().block_on(async {
        ctyun_image::tls::install_crypto_provider();
        let http = reqwest::Client::new();
        let mut r = http.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
        if let Some(b) = body {
            r = r.header("content-type", "application/json").body(b.to_string());
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, serde_json::from_str(&resp.text().await.unwrap()).unwrap())
    })
}

#[test]
fn control_endpoints_script_faults_and_show_requests() {
    let bin =
        Binary::start(&["--account", "BINAK:BINSK", "--transition-polls", "1", "--region", "r-a", "--region", "r-b"]);
    let u = |p: &str| format!("{}{p}", bin.url);
    assert_eq!(control("GET", &u("/__fake/health"), None), (200, json!({"ok": true})));

    let (s, v) = control(
        "POST",
        &u("/__fake/faults"),
        Some(json!({"fault": "503", "times": 2, "path": "/v4/image/list", "accessKey": "BINAK"})),
    );
    assert_eq!((s, v["queued"]["fault"].as_str(), v["queued"]["times"].as_u64()), (200, Some("503"), Some(2)));
    assert_eq!(control("GET", &u("/__fake/faults"), None).1["faults"].as_array().unwrap().len(), 1);
    let client = Client::builder()
        .credentials(Credentials::new("BINAK", "BINSK"))
        .endpoint(&bin.url)
        .region(REGION)
        .retry(RetryConfig::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .unwrap();
    assert_eq!(rt().block_on(client.list_images(ListImagesRequest::new())).unwrap().total_count, Some(4));
    let (_, v) = control("GET", &u("/__fake/requests?path=/v4/image/list&accessKey=BINAK"), None);
    let recs = v["requests"].as_array().unwrap();
    assert_eq!(recs.len(), 3);
    let faults: Vec<&Value> = recs.iter().map(|r| &r["fault"]).collect();
    assert_eq!(faults, [&json!("503"), &json!("503"), &Value::Null]);
    assert!(recs.iter().all(|r| r["verified"] == true && r["eopDate"].as_str().is_some_and(|d| d.len() == 16)));
    assert_eq!(
        recs.iter().map(|r| r["requestID"].as_str().unwrap()).collect::<std::collections::HashSet<_>>().len(),
        3
    );
    assert!(recs[0]["bodySha256"].as_str().unwrap().starts_with("e3b0c442"));
    assert!(control("GET", &u("/__fake/faults"), None).1["faults"].as_array().unwrap().is_empty());

    // Bad rules are refused; DELETE drops queued rules and recorded requests.
    assert_eq!(control("POST", &u("/__fake/faults"), Some(json!({"fault": "boom"}))).0, 400);
    assert_eq!(control("POST", &u("/__fake/faults"), Some(json!({"fault": "503", "times": 0}))).0, 400);
    assert_eq!(control("POST", &u("/__fake/faults"), Some(json!({"times": 1}))).0, 400);
    control("POST", &u("/__fake/faults"), Some(json!({"fault": "reset"})));
    assert_eq!(control("DELETE", &u("/__fake/faults"), None).0, 200);
    rt().block_on(client.list_images(ListImagesRequest::new())).unwrap();
    assert_eq!(control("DELETE", &u("/__fake/requests"), None).0, 200);
    assert!(control("GET", &u("/__fake/requests"), None).1["requests"].as_array().unwrap().is_empty());
    assert_eq!(control("GET", &u("/__fake/nothing"), None).0, 404);

    // --region and --transition-polls took effect.
    let raw = Raw::with_keys(&bin.url, "BINAK", "BINSK");
    assert_eq!(
        raw.get("/v4/image/list-supported-dest-crr-regions", &[("regionID", "r-a")]).ok(),
        json!({"regions": ["r-b"]})
    );
    let id = raw.create("r-a", "bin-1");
    assert_eq!([raw.status("r-a", &id), raw.status("r-a", &id)], ["queued", "active"]);
}

#[test]
fn transition_by_elapsed_time() {
    let _exclusive = exclusive();
    let bin = Binary::start(&["--account", "T:S", "--transition-ms", "300"]);
    let raw = Raw::with_keys(&bin.url, "T", "S");
    let id = raw.create("r", "timed-1");
    assert_eq!([raw.status("r", &id), raw.status("r", &id)], ["queued", "queued"]);
    std::thread::sleep(Duration::from_millis(350));
    assert_eq!(raw.status("r", &id), "active");
}

#[test]
fn help_documents_flags_faults_and_control_endpoints() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fake-ctimage")).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--listen",
        "--account",
        "--max-skew",
        "--transition-polls",
        "--transition-ms",
        "--region",
        "--header-read-timeout-ms",
        "--help",
        "x-fake-fault",
        "delay=MS",
        "plain=NNN",
        "html[=NNN]",
        "reset",
        "truncated",
        "string-status",
        "error=CODE",
        "POST   /__fake/faults",
        "GET    /__fake/faults",
        "DELETE /__fake/faults",
        "GET    /__fake/requests",
        "DELETE /__fake/requests",
        "/__fake/health",
        "CTYUN_ENDPOINT",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}");
    }
    for bad in [
        &["--account", "no-colon"][..],
        &["--bogus"],
        &[],
        &["--account", "A:B", "--transition-polls", "x"],
        &["--account", "A:B", "--listen"],
        &["--account", "A:B", "--region", ""],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fake-ctimage")).args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}
