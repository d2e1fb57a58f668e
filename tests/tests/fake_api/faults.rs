//! Fault injection: every fault kind seen from a raw request, queued rules, and what the
//! generated client makes of each (retries with a fresh request id and `Eop-date` per attempt).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ctyun_image::clock::Clock;
use ctyun_image::operations::{CreateImageRequest, ListImagesRequest};
use ctyun_image::{Error, RetryConfig};
use ctyun_image_tests::{FakeConfig, FakeServer, Fault, FaultRule};

use crate::support::{exclusive, rt, server, timed, Raw, REGION};

const LIST: &str = "/v4/image/list";

#[test]
fn every_fault_kind_seen_from_a_raw_request() {
    let a = Raw::new(server(), "fault-raw");
    let q = [("regionID", REGION)];
    let f = |spec: &str| a.get_with_fault(LIST, &q, spec);

    for (status, code) in [
        (500, "Eop.Gateway.InternalError"),
        (502, "Eop.Gateway.BadGateway"),
        (503, "Eop.Gateway.ServiceUnavailable"),
        (429, "Eop.Gateway.TooManyRequests"),
    ] {
        let r = f(&status.to_string()).unwrap();
        assert_eq!((r.status, r.err()), (status, code.to_owned()));
        assert!(r.content_type.starts_with("application/json"));
    }
    let r = f("plain=503").unwrap();
    assert_eq!(
        (r.status, r.content_type.as_str(), r.text.as_str()),
        (503, "text/plain; charset=utf-8", "503 Service Unavailable\n")
    );
    let r = f("html").unwrap();
    assert_eq!((r.status, r.content_type.as_str()), (502, "text/html"));
    assert!(r.text.starts_with("<html>") && r.text.contains("502 Bad Gateway"), "{}", r.text);
    assert_eq!(f("html=500").unwrap().status, 500);

    let (r, took) = timed(|| f("delay=300").unwrap());
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert_eq!(r.ok()["totalCount"], 4);
    let (r, took) = timed(|| f("delay=150,503").unwrap());
    assert!(took >= Duration::from_millis(150) && r.status == 503, "{took:?} {}", r.status);

    let e = f("reset").expect_err("a reset connection gives no response");
    assert!(!e.is_timeout() && !e.is_status(), "{e:?}");

    let r = f("truncated").unwrap();
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err(), "{}", r.text);
    assert!(r.text.starts_with('{') && r.text.len() > 20, "{}", r.text);

    let r = f("string-status").unwrap();
    assert_eq!(r.json()["statusCode"], "800");
    assert_eq!(r.json()["returnObj"]["totalCount"], 4);
    let r = a.get_with_fault(LIST, &[], "string-status").unwrap();
    assert_eq!(
        (r.json()["statusCode"].as_str(), r.json()["errorCode"].as_str()),
        (Some("900"), Some("Image.Parameter.Missing"))
    );

    let r = f("explode").unwrap();
    assert_eq!((r.status, r.err()), (400, "Fake.Fault.Invalid".to_owned()));

    // Every attempt is recorded with the fault it got.
    let faults: Vec<Option<String>> = server().requests_by(&a.ak).into_iter().map(|r| r.fault).collect();
    let expected = [
        "500",
        "502",
        "503",
        "429",
        "plain=503",
        "html=502",
        "html=500",
        "delay=300",
        "delay=150,503",
        "reset",
        "truncated",
        "string-status",
        "string-status",
    ];
    let got: Vec<&str> = faults.iter().take(expected.len()).map(|f| f.as_deref().unwrap_or("-")).collect();
    assert_eq!(got, expected);
}

#[test]
fn queued_rules_apply_to_the_next_matching_requests() {
    let a = Raw::new(server(), "fault-queue");
    let q = [("regionID", REGION)];
    server().inject_rule(FaultRule::new(Fault::Status(500)).times(2).path(LIST).access_key(&a.ak));
    assert!(server().pending_faults().iter().any(|r| r.access_key.as_deref() == Some(&a.ak) && r.times == 2));
    // Another path, and a request that fails the signature check, do not consume the rule.
    a.get("/v4/image/list-supported-dest-crr-regions", &q).ok();
    let bad = Raw::with_keys(&server().url(), &a.ak, "wrong-secret");
    assert_eq!(bad.get(LIST, &q).err(), "Eop.Auth.SignatureMismatch");
    assert_eq!(a.get(LIST, &q).status, 500);
    assert_eq!(a.get(LIST, &q).status, 500);
    a.get(LIST, &q).ok();
    assert!(!server().pending_faults().iter().any(|r| r.access_key.as_deref() == Some(&a.ak)));
    // Spec text works as well, and the header wins over the queue.
    server().inject_rule(FaultRule::parse("delay=20,reset").unwrap().access_key(&a.ak));
    assert_eq!(a.get_with_fault(LIST, &q, "429").unwrap().status, 429);
    assert!(a.get_with_fault(LIST, &[], "reset").is_err());
    assert!(rt().block_on(a.send(a.request("GET", LIST, &q, b"", None))).is_err(), "queued reset applies");
    let recs = server().requests_by(&a.ak);
    let rejected: Vec<_> = recs.iter().filter(|r| !r.verified()).collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].auth_error.as_deref(), Some("Eop.Auth.SignatureMismatch"));
    assert_eq!(recs.last().unwrap().fault.as_deref(), Some("delay=20,reset"));
}

#[test]
fn unfiltered_inject_hits_the_next_requests_of_any_kind() {
    let s = rt().block_on(FakeServer::start(FakeConfig::default().account("ak-any", "sk-any"))).unwrap();
    let a = Raw::with_keys(&s.url(), "ak-any", "sk-any");
    s.inject(Fault::Status(502), 2);
    assert_eq!(a.get("/v4/image/list-supported-dest-crr-regions", &[("regionID", REGION)]).status, 502);
    assert_eq!(a.post("/v4/image/create", serde_json::json!({})).status, 502);
    assert_eq!(a.post("/v4/image/create", serde_json::json!({})).err(), "Image.Parameter.Missing");
    s.inject(Fault::Reset, 1);
    s.clear_faults();
    assert!(s.pending_faults().is_empty());
    a.get(LIST, &[("regionID", REGION)]).ok();
}

/// A clock one second further ahead at each reading, so every attempt's `Eop-date` differs.
#[derive(Debug, Default)]
struct SteppingClock(AtomicU64);

impl Clock for SteppingClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.0.fetch_add(1, Ordering::SeqCst))
    }
}

#[test]
fn generated_client_against_each_queued_fault() {
    let _exclusive = exclusive();
    let a = Raw::new(server(), "fault-client");
    let client = server()
        .client_builder(&a.ak)
        .region(REGION)
        .clock(Arc::new(SteppingClock::default()))
        .attempt_timeout(Duration::from_millis(300))
        .retry(
            RetryConfig::default()
                .with_max_attempts(4)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let inject = |spec: &str, times: u32, path: &str| {
        server().inject_rule(FaultRule::parse(spec).unwrap().times(times).path(path).access_key(&a.ak));
    };
    let list = || rt().block_on(client.list_images(ListImagesRequest::new()));
    // Attempts of the last call: the records since `before`.
    let attempts = |before: usize| server().requests_by(&a.ak)[before..].to_vec();

    // Retryable failures of an idempotent call: it succeeds in the end, and each attempt has
    // its own request id and Eop-date.
    for (spec, times) in
        [("503", 2), ("500", 1), ("502", 1), ("429", 3), ("html", 1), ("plain=503", 1), ("reset", 2), ("delay=1000", 1)]
    {
        let before = server().requests_by(&a.ak).len();
        inject(spec, times, LIST);
        let page = list().unwrap_or_else(|e| panic!("{spec}: {e:?}"));
        assert_eq!(page.total_count, Some(4), "{spec}");
        let recs = attempts(before);
        let text = Fault::spec_text(&Fault::parse_spec(spec).unwrap());
        let mut expected: Vec<Option<&str>> = vec![Some(text.as_str()); times as usize];
        expected.push(None);
        assert_eq!(recs.iter().map(|r| r.fault.as_deref()).collect::<Vec<_>>(), expected, "{spec}");
        assert!(recs.iter().all(|r| r.verified()), "{spec}: every attempt freshly signed");
        let ids: HashSet<_> = recs.iter().map(|r| &r.request_id).collect();
        let dates: HashSet<_> = recs.iter().map(|r| &r.eop_date).collect();
        assert_eq!(
            (ids.len(), dates.len()),
            (recs.len(), recs.len()),
            "{spec}: fresh request id and Eop-date per attempt"
        );
    }

    // `statusCode` as a string is still a success.
    let before = server().requests_by(&a.ak).len();
    inject("string-status", 1, LIST);
    assert_eq!(list().unwrap().total_count, Some(4));
    assert_eq!(attempts(before).len(), 1);

    // Truncated JSON is a decode error and is not retried.
    let before = server().requests_by(&a.ak).len();
    inject("truncated", 1, LIST);
    let e = list().unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e:?}");
    assert_eq!(attempts(before).len(), 1);

    // Out of attempts: the last failure is reported.
    let before = server().requests_by(&a.ak).len();
    inject("plain=503", 4, LIST);
    match list().unwrap_err() {
        Error::Http(h) => assert_eq!((h.http_status, h.context.attempts), (503, 4)),
        other => panic!("{other:?}"),
    }
    assert_eq!(attempts(before).len(), 4);
    let before = server().requests_by(&a.ak).len();
    inject("503", 4, LIST);
    let e = list().unwrap_err();
    let api = e.as_api_error().expect("an envelope is an API error");
    assert_eq!((api.http_status, api.code.as_str()), (503, "Eop.Gateway.ServiceUnavailable"));
    assert_eq!(attempts(before).len(), 4);
    let before = server().requests_by(&a.ak).len();
    inject("delay=1000", 4, LIST);
    assert!(list().unwrap_err().is_timeout());
    assert_eq!(attempts(before).len(), 4);

    // A non-idempotent call is not re-sent once it may have reached the server.
    let create = |name: &str| rt().block_on(client.create_image(CreateImageRequest::new("ecs-1", name)));
    for (spec, check) in [
        ("503", (|e: &Error| e.as_api_error().is_some_and(|a| a.http_status == 503)) as fn(&Error) -> bool),
        ("reset", |e: &Error| matches!(e, Error::Transport(_))),
        ("html=502", |e: &Error| matches!(e, Error::Http(h) if h.http_status == 502)),
        ("delay=1000", |e: &Error| e.is_timeout()),
    ] {
        if spec.starts_with("delay") {
            // The answering faults above do not run the operation: nothing was created.
            assert!(a.list(REGION, &[("imageVisibilityCode", "0")]).is_empty());
        }
        let before = server().requests_by(&a.ak).len();
        inject(spec, 1, "/v4/image/create");
        let e = create("fault-create").unwrap_err();
        assert!(check(&e), "{spec}: {e:?}");
        assert_eq!(attempts(before).len(), 1, "{spec}: not retried");
    }
    create("fault-create-2").unwrap();
}
