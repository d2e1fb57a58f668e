//! The client runtime against the fake: paginators, waiters, retries of a POST whose connection
//! never opened, the operation timeout, the User-Agent.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use ctyun_image::error::{TimeoutKind, WaiterErrorKind};
use ctyun_image::model::ImageVisibilityCode;
use ctyun_image::operations::{CreateImageRequest, GetImageRequest, ListImagesRequest};
use ctyun_image::{Client, Credentials, Error, RetryConfig};
use ctyun_image_tests::{FakeServer, FaultRule};

use crate::support::{exclusive, rt, server, slow_server, REGION};

fn client(server: &FakeServer, name: &str) -> (Client, String) {
    let ak = format!("ak-rt-{name}");
    (server.client_builder(&ak).region(REGION).build().unwrap(), ak)
}

fn private() -> ListImagesRequest {
    ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private)
}

#[test]
fn paginator_walks_1234_images_exactly_once() {
    let (c, ak) = client(server(), "pager");
    let seeded: BTreeSet<String> = server().seed_private_images(&ak, REGION, "page", 1234).into_iter().collect();
    let before = server().requests_by(&ak).len();
    let items = rt().block_on(c.paginate(private()).page_size(200).items().try_collect()).unwrap();
    let ids: Vec<String> = items.into_iter().map(|i| i.image_id).collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), 1234, "no duplicates, nothing missing");
    assert_eq!(unique, seeded);
    // ceil(1234 / 200) = 7 pages, one request each, pageNo 1..=7.
    let recs = server().requests_by(&ak)[before..].to_vec();
    assert_eq!(recs.len(), 7);
    for (i, r) in recs.iter().enumerate() {
        assert!(r.raw_query.contains(&format!("pageNo={}&", i + 1)), "{}", r.raw_query);
        assert!(r.raw_query.contains("pageSize=200"), "{}", r.raw_query);
    }

    // Pages, starting from the request's own page number.
    let mut pages = c.paginate(private().page_no(6)).page_size(200).pages();
    let counts = rt().block_on(async {
        let mut v = Vec::new();
        while let Some(p) = pages.next().await {
            v.push(p.unwrap().current_count.unwrap());
        }
        v
    });
    assert_eq!(counts, vec![200, 34]);
}

#[test]
fn paginator_stops_at_the_first_error() {
    let (c, ak) = client(server(), "pager-err");
    server().seed_private_images(&ak, REGION, "perr", 25);
    // Page 2 comes back truncated (a decode error, not retried): the stream yields it, then ends.
    server().inject_rule(FaultRule::parse("truncated").unwrap().path("/v4/image/list").access_key(&ak).times(1));
    let mut pages = c.paginate(private()).page_size(10).pages();
    // The first request takes the fault, so page 1 fails.
    let results = rt().block_on(async {
        let mut v = Vec::new();
        while let Some(p) = pages.next().await {
            v.push(p.map(|p| p.current_count));
        }
        v
    });
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::Decode(_))), "{results:?}");
    // A transient 503 on a page is retried inside the call; the walk completes.
    server().inject_rule(FaultRule::parse("503").unwrap().path("/v4/image/list").access_key(&ak).times(1));
    let all = rt().block_on(c.paginate(private()).page_size(10).items().try_collect()).unwrap();
    assert_eq!(all.len(), 25);
}

#[test]
fn waiter_fails_fast_on_a_failure_state_and_is_bounded_by_max_wait() {
    let (c, _) = client(slow_server(), "waiter");
    let created = rt().block_on(c.create_image(CreateImageRequest::new("ecs-w", "waiter-img"))).unwrap();
    let id = created.images.unwrap().remove(0).image_id;

    // Still queued after one poll (transitions take two reads here); the next poll would start
    // after the 100 ms budget, so the wait gives up after one poll, reporting what it saw.
    let patient = slow_server()
        .client_builder("ak-rt-waiter")
        .region(REGION)
        .waiter_delays(Duration::from_millis(500), Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = rt()
        .block_on(patient.wait_until_image_active(GetImageRequest::new(&id), Duration::from_millis(100)))
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(400), "{:?}", started.elapsed());
    match &e {
        Error::Waiter(w) => {
            assert_eq!((w.kind, w.polls), (WaiterErrorKind::MaxWaitExceeded, 1));
            assert_eq!(w.observed.as_deref(), Some("images[0].imageStatus = queued"));
            assert!(w.last_request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_timeout());

    // An image that went to `error` ends the wait at once.
    slow_server().state().images.get_mut(&id).unwrap().status = ctyun_image_tests::fake::ImageStatus::Error;
    let started = Instant::now();
    let e = rt().block_on(c.wait_until_image_active(GetImageRequest::new(&id), Duration::from_secs(60))).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match e {
        Error::Waiter(w) => {
            assert_eq!((w.kind, w.polls, w.waiter), (WaiterErrorKind::FailureState, 1, "imageActive"));
            assert_eq!(w.observed.as_deref(), Some("images[0].imageStatus = error"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_post_whose_connection_never_opened_is_retried() {
    // A port nobody listens on: every attempt fails to connect, so nothing reached a server and
    // even a non-idempotent create may be tried again.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Client::builder()
        .credentials(Credentials::new("ak", "sk"))
        .endpoint(format!("http://127.0.0.1:{port}"))
        .region(REGION)
        .retry(RetryConfig::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap();
    match rt().block_on(c.create_image(CreateImageRequest::new("ecs", "never-sent"))).unwrap_err() {
        Error::Transport(t) => assert!(t.connect && t.context.attempts == 3, "{t:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn operation_timeout_bounds_the_whole_call() {
    let _exclusive = exclusive();
    let (_, ak) = client(server(), "op-timeout");
    let c = server()
        .client_builder(&ak)
        .region(REGION)
        .attempt_timeout(Duration::from_millis(300))
        .operation_timeout(Duration::from_millis(450))
        .retry(
            RetryConfig::default()
                .with_max_attempts(10)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    server().inject_rule(FaultRule::parse("delay=2000").unwrap().path("/v4/image/list").access_key(&ak).times(10));
    let started = Instant::now();
    let e = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
    let took = started.elapsed();
    server().clear_faults();
    match e {
        Error::Timeout(t) => {
            assert_eq!(t.kind, TimeoutKind::Operation);
            assert_eq!(t.context.attempts, 2, "the second attempt gets only what is left of the 450 ms");
        }
        other => panic!("{other:?}"),
    }
    assert!(took >= Duration::from_millis(440) && took < Duration::from_millis(1500), "{took:?}");
}

#[test]
fn user_agent_is_honest_by_default_and_overridable() {
    let (c, ak) = client(server(), "ua");
    rt().block_on(c.list_images(ListImagesRequest::new())).unwrap();
    let ua = server().requests_by(&ak).last().unwrap().user_agent.clone();
    let version = ua.strip_prefix("ctyun-image-rust/").unwrap_or_else(|| panic!("{ua}"));
    assert!(version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()), "{ua}");
    let c = server().client_builder(&ak).region(REGION).user_agent("Mozilla/5.0 (X11; Linux x86_64)").build().unwrap();
    rt().block_on(c.list_images(ListImagesRequest::new())).unwrap();
    assert_eq!(server().requests_by(&ak).last().unwrap().user_agent, "Mozilla/5.0 (X11; Linux x86_64)");
}
