//! End to end: generated client → HTTP on loopback → fake server (independent signature check).
//!
//! All tests share one tokio runtime and one fake server; each test uses its own account or
//! region so they do not see each other's images.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use ctyun_image::clock::{FixedClock, RequestIdGenerator};
use ctyun_image::model::{ImageStatus, ImageVisibility, ImageVisibilityCode, Label};
use ctyun_image::operations::{CreateImageRequest, ListImagesRequest};
use ctyun_image::{Client, Credentials, Error};
use ctyun_image_tests::{FakeConfig, FakeServer};

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

const ACCOUNTS: &[(&str, &str)] = &[
    ("ak-list", "sk-list-0123456789"),
    ("ak-create", "sk-create-0123456789"),
    ("ak-misc", "sk/with+special=chars"),
    ("ak-noregion", "sk-noregion"),
    ("ak-accessors", "sk-accessors-0123456789"),
];

fn server() -> &'static FakeServer {
    static S: OnceLock<FakeServer> = OnceLock::new();
    S.get_or_init(|| {
        let mut cfg = FakeConfig::default();
        for (ak, sk) in ACCOUNTS {
            cfg = cfg.account(*ak, *sk);
        }
        rt().block_on(FakeServer::start(cfg)).unwrap()
    })
}

fn client(ak: &str, sk: &str) -> ctyun_image::ClientBuilder {
    Client::builder().credentials(Credentials::new(ak, sk)).endpoint(server().url())
}

const REGION: &str = "bb9fdb42056f11eda1610242ac110002";

#[test]
fn list_public_images() {
    let c = client("ak-list", "sk-list-0123456789").region(REGION).build().unwrap();
    let page = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap();
    let images = page.images.unwrap();
    assert_eq!(images.len(), 4);
    assert_eq!(page.total_count, Some(4));
    assert!(images.iter().all(|i| i.image_visibility == Some(ImageVisibility::Public)));
    assert!(images.iter().all(|i| i.image_status == Some(ImageStatus::Active)));
    // Paging parameters travel and are honoured.
    let page = rt().block_on(c.list_images(ListImagesRequest::new().page_no(2).page_size(3))).unwrap();
    assert_eq!((page.current_page, page.current_count, page.total_page), (Some(2), Some(1), Some(2)));
}

#[test]
fn create_then_list_private() {
    let c = client("ak-create", "sk-create-0123456789").region(REGION).build().unwrap();
    let created = rt()
        .block_on(
            c.create_image(
                CreateImageRequest::new("ecs-123", "web-golden-1")
                    .description("built by e2e")
                    .labels(vec![Label::new("env", "test")]),
            ),
        )
        .unwrap();
    let image = &created.images.unwrap()[0];
    assert_eq!(image.image_name.as_deref(), Some("web-golden-1"));
    assert_eq!(image.image_status, Some(ImageStatus::Queued));
    assert_eq!(image.source_server_id.as_deref(), Some("ecs-123"));

    let private = rt()
        .block_on(c.list_images(ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private)))
        .unwrap();
    let ids: Vec<_> = private.images.unwrap().into_iter().map(|i| i.image_id).collect();
    assert_eq!(ids, vec![image.image_id.clone()]);

    // A server-side validation failure is a typed API error with the envelope's fields.
    let err = rt().block_on(c.create_image(CreateImageRequest::new("ecs-123", "9-bad-name"))).unwrap_err();
    let api = err.as_api_error().expect("API error");
    assert_eq!(api.code, "Image.ImageName.Invalid");
    assert_eq!(api.status_code, "900");
    assert_eq!(api.http_status, 200);
    assert!(!api.context.request_id.is_empty());
    assert!(err.to_string().contains("Image.ImageName.Invalid"), "{err}");
}

#[test]
fn wrong_secret_key_is_a_typed_error() {
    let c = client("ak-misc", "not-the-secret").region(REGION).build().unwrap();
    let err = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
    match &err {
        Error::Api(api) => {
            assert_eq!(api.code, "Eop.Auth.SignatureMismatch");
            assert_eq!(api.http_status, 401);
            assert_eq!(api.context.operation, "listImages");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let text = format!("{err} {err:?}");
    assert!(!text.contains("not-the-secret"), "secret leaked: {text}");

    let c = client("ak-nobody", "x").region(REGION).build().unwrap();
    let err = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
    assert_eq!(err.api_code(), Some("Eop.Auth.UnknownAccessKey"));
}

#[test]
fn eop_date_is_beijing_time_and_checked() {
    // A clock one hour off is rejected by the server's 15-minute window...
    let late = SystemTime::now() - Duration::from_secs(3600);
    let c = client("ak-misc", "sk/with+special=chars")
        .region(REGION)
        .clock(Arc::new(FixedClock(late)))
        .clock_skew_correction(false)
        .build()
        .unwrap();
    let err = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
    assert_eq!(err.api_code(), Some("Eop.Auth.DateExpired"));
    // ...while the real clock passes, which it only can if the client formats Beijing time (the
    // server reads Eop-date as UTC+8; UTC would be 8 hours off).
    let c = client("ak-misc", "sk/with+special=chars").region(REGION).build().unwrap();
    rt().block_on(c.list_images(ListImagesRequest::new())).unwrap();
}

#[derive(Debug)]
struct FixedIds(&'static str);
impl RequestIdGenerator for FixedIds {
    fn next_id(&self) -> String {
        self.0.to_owned()
    }
}

#[test]
fn wire_query_is_the_signed_canonical_query() {
    let c = client("ak-misc", "sk/with+special=chars")
        .request_ids(Arc::new(FixedIds("fixed-request-id-wire-query")))
        .build()
        .unwrap();
    let req = ListImagesRequest::new()
        .region_id("region-wire")
        .image_visibility_code(ImageVisibilityCode::Private)
        .image_name("a b+c/d:é")
        .page_size(5);
    rt().block_on(c.list_images(req)).unwrap();
    let state = server().state();
    let rec = state.requests.iter().find(|r| r.request_id == "fixed-request-id-wire-query").expect("request recorded");
    // Sorted by raw `k=v`, values encoded like Python's quote(safe="/"), `/` kept.
    assert_eq!(rec.raw_query, "imageName=a%20b%2Bc/d%3A%C3%A9&imageVisibilityCode=0&pageSize=5&regionID=region-wire");
    assert_eq!(rec.path, "/v4/image/list");
}

#[test]
fn missing_region_is_caught_before_sending() {
    let c = client("ak-noregion", "sk-noregion").build().unwrap();
    let err = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
    assert!(matches!(err, Error::InvalidInput { operation: "listImages", .. }), "{err:?}");
    assert!(err.to_string().contains("CTYUN_REGION_ID"), "{err}");
    assert!(err.request_id().is_none());
    assert!(!server().state().requests.iter().any(|r| r.access_key == "ak-noregion"), "a request was sent");
    // With the region on the request itself it goes through.
    rt().block_on(c.list_images(ListImagesRequest::new().region_id(REGION))).unwrap();
    assert!(server().state().requests.iter().any(|r| r.access_key == "ak-noregion"));
}

/// The standalone binary: starts, prints its address, serves signed requests.
#[test]
fn fake_ctimage_binary_serves_signed_requests() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-ctimage"))
        .args(["--listen", "127.0.0.1:0", "--account", "BINAK:BINSK", "--account", "OTHER:SK2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let c =
        Client::builder().credentials(Credentials::new("BINAK", "BINSK")).endpoint(url).region(REGION).build().unwrap();
    let result = rt().block_on(c.list_images(ListImagesRequest::new()));
    child.kill().ok();
    child.wait().ok();
    assert_eq!(result.unwrap().total_count, Some(4));
}

/// The generated accessors and `x-primary` conveniences, on real responses of the fake.
#[test]
fn responses_read_through_accessors() {
    use ctyun_image::model::ImageList;
    use ctyun_image::operations::GetImageRequest;

    let c = client("ak-accessors", "sk-accessors-0123456789").region(REGION).build().unwrap();
    let created = rt().block_on(c.create_image(CreateImageRequest::new("ecs-acc", "web-golden-acc"))).unwrap();
    let id = created.image_id().expect("the created image's id").to_owned();
    let image = created.image().expect("the created image");
    assert_eq!(image.image_id(), id);
    assert_eq!(image.image_name(), Some("web-golden-acc"));
    assert_eq!(image.image_status(), Some(&ImageStatus::Queued));
    assert_eq!(image.source_server_id(), Some("ecs-acc"));
    assert_eq!(created.images().len(), 1);

    let private = rt()
        .block_on(c.list_images(ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private)))
        .unwrap();
    let ids: Vec<&str> = private.images().iter().map(|i| i.image_id()).collect();
    assert_eq!(ids, vec![id.as_str()]);
    assert_eq!(private.total_count(), Some(1));
    assert_eq!(private.current_page(), Some(1));

    let found = rt().block_on(c.get_image(GetImageRequest::new(&id))).unwrap();
    assert_eq!(found.image_id(), Some(id.as_str()));
    assert_eq!(found.image().and_then(|i| i.image_name()), Some("web-golden-acc"));

    // Absent lists read as empty, absent values as `None`.
    let empty: ImageList = serde_json::from_str("{}").unwrap();
    assert!(empty.images().is_empty());
    assert_eq!((empty.image().is_none(), empty.image_id()), (true, None));
}
