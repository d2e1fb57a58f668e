//! CTyun's own Python signing sample, run verbatim against the `fake-ctimage` binary.
//!
//! `tests/data/ctyun_python_sample.py` is the sample's code copied unchanged from the "Python调用示例"
//! page of the image-service API reference; `tests/data/run_ctyun_python_sample.py` cuts off its
//! `if __name__ == "__main__":` block, sets its `ak`/`sk` globals and calls its `get`/`post`.

use std::io::Write as _;
use std::process::Command;

use serde_json::Value;

use crate::support::{rt, Binary, REGION};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[test]
fn ctyun_python_sample_is_accepted_by_the_fake() {
    let has_requests =
        Command::new("python3").args(["-c", "import requests"]).output().is_ok_and(|o| o.status.success());
    if !has_requests {
        assert!(!in_ci(), "CI: python3 with the `requests` package is required (.ci/run installs it)");
        let msg = "\n**********************************************************************\n\
                   SKIPPED ctyun_python_sample_is_accepted_by_the_fake: python3 or its `requests`\n\
                   package is missing. Install it with `python3 -m pip install requests`.\n\
                   **********************************************************************\n";
        let _ = std::io::stderr().write_all(msg.as_bytes());
        return;
    }
    let bin = Binary::start(&["--account", "PYAK:PY/sk+=", "--transition-polls", "0"]);
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/data/run_ctyun_python_sample.py");
    // The sample takes Eop-date from the local clock: make it Beijing time (POSIX TZ, no tzdata).
    let out = Command::new("python3")
        .arg(driver)
        .args([&bin.url, "PYAK", "PY/sk+=", REGION])
        .env("TZ", "CST-8")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "python failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let result: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .map(|j| serde_json::from_str(j).unwrap())
        .unwrap_or_else(|| panic!("no RESULT line:\n{stdout}"));
    for call in ["list", "create", "listWithEncodedQuery", "detail", "deactivate"] {
        assert_eq!(result[call]["statusCode"], 800, "{call}: {result}");
    }
    assert_eq!(result["publicImages"], 4);
    assert_eq!(result["createdStatus"], "queued");
    assert_eq!(result["detailName"], "py-sample-1");
    assert_eq!(
        (result["wrongKey"]["http"].as_u64(), result["wrongKey"]["errorCode"].as_str()),
        (Some(401), Some("Eop.Auth.SignatureMismatch"))
    );

    // What the fake saw: the sample's GETs carry `+`-encoded spaces (requests' encoding), its
    // POST bodies json.dumps() text with spaces, the deactivate POST a query and a `{}` body.
    let recs: Value = rt().block_on(async {
        let r = reqwest::get(format!("{}/__fake/requests?accessKey=PYAK", bin.url)).await.unwrap();
        serde_json::from_str(&r.text().await.unwrap()).unwrap()
    });
    let recs = recs["requests"].as_array().unwrap();
    assert_eq!(recs.len(), 6);
    assert_eq!(recs.iter().filter(|r| r["verified"] == true).count(), 5);
    let encoded = &recs[2];
    assert!(encoded["rawQuery"].as_str().unwrap().contains("queryContent=py+sample%2F1%3Ax"), "{encoded}");
    let deactivate = &recs[4];
    assert_eq!(
        (deactivate["method"].as_str(), deactivate["path"].as_str()),
        (Some("POST"), Some("/v4/image/deactivate"))
    );
    assert_eq!(
        deactivate["bodySha256"], "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        "sha256 of `{{}}`"
    );
}
