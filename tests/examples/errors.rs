//! The error type: what each kind carries and how to get at it.
//!
//!     cargo run -p ctyun-image-tests --example errors

use ctyun_image::operations::{GetImageRequest, ListImagesRequest};
use ctyun_image::{Client, Credentials, Error};
use ctyun_image_tests::{FakeConfig, FakeServer, Fault};

fn show(what: &str, err: &Error) {
    println!("{what}:\n  {err}");
    println!(
        "  request id {:?}, HTTP {:?}, CTyun code {:?}, timeout {}",
        err.request_id(),
        err.http_status(),
        err.api_code(),
        err.is_timeout()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeConfig::default().account("ERR-AK", "ERR-SK")).await?;
    let client = Client::builder()
        .credentials(Credentials::new("ERR-AK", "ERR-SK"))
        .endpoint(server.url())
        .region("bb9fdb42056f11eda1610242ac110002")
        .retry(ctyun_image::RetryConfig::disabled())
        .build()?;

    // A CTyun failure envelope (statusCode 900).
    let e = client.get_image(GetImageRequest::new("no-such-image").error_free(false)).await.unwrap_err();
    if let Some(api) = e.as_api_error() {
        println!("API error fields: code {} message {:?} description {:?}", api.code, api.message, api.description);
    }
    show("unknown image", &e);

    // An HTML error page from a gateway, and a truncated body.
    server.inject(Fault::Html(502), 1);
    show("HTML 502", &client.list_images(ListImagesRequest::new()).await.unwrap_err());
    server.inject(Fault::TruncatedJson, 1);
    show("truncated JSON", &client.list_images(ListImagesRequest::new()).await.unwrap_err());

    // Caught before sending: no region anywhere.
    let no_region =
        Client::builder().credentials(Credentials::new("ERR-AK", "ERR-SK")).endpoint(server.url()).build()?;
    show("invalid input", &no_region.list_images(ListImagesRequest::new()).await.unwrap_err());

    // A match on the kind.
    match client.get_image(GetImageRequest::new("no-such-image").error_free(false)).await {
        Err(Error::Api(api)) if api.code == "Image.ImageCheck.NotFound" => println!("not found, as expected"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
