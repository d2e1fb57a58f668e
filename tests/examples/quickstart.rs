//! Offline quickstart: starts the fake CTyun image server in-process, then uses the real client
//! (signed requests over HTTP on loopback) to list public images, create a private image and
//! list it back.
//!
//!     cargo run -p ctyun-image-tests --example quickstart

use ctyun_image::model::ImageVisibilityCode;
use ctyun_image::operations::{CreateImageRequest, ListImagesRequest};
use ctyun_image::{Client, Credentials};
use ctyun_image_tests::{FakeConfig, FakeServer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeConfig::default().account("DEMO-AK", "DEMO-SK")).await?;
    println!("fake CTyun image API at {}", server.url());

    let client = Client::builder()
        .credentials(Credentials::new("DEMO-AK", "DEMO-SK"))
        .endpoint(server.url()) // in production: leave out (https://ctimage-global.ctapi.ctyun.cn)
        .region("bb9fdb42056f11eda1610242ac110002")
        .build()?;

    let public = client.list_images(ListImagesRequest::new()).await?;
    println!("{} public images:", public.total_count.unwrap_or_default());
    for image in public.images.unwrap_or_default() {
        println!("  {}  {}", image.image_id, image.image_name.unwrap_or_default());
    }

    let created = client
        .create_image(CreateImageRequest::new("ecs-demo-1", "my-golden-image").description("made by the quickstart"))
        .await?;
    let image = &created.images.unwrap_or_default()[0];
    println!("created {} ({:?})", image.image_id, image.image_status);

    let private =
        client.list_images(ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private)).await?;
    for image in private.images.unwrap_or_default() {
        println!("private: {}  {}", image.image_id, image.image_name.unwrap_or_default());
    }

    // A wrong secret key is rejected by the server's signature check, as a typed error.
    let bad = Client::builder()
        .credentials(Credentials::new("DEMO-AK", "wrong"))
        .endpoint(server.url())
        .region("bb9fdb42056f11eda1610242ac110002")
        .build()?;
    let err = bad.list_images(ListImagesRequest::new()).await.unwrap_err();
    println!("wrong secret key → {err}");
    Ok(())
}
