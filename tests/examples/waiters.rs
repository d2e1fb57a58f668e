//! Waiters: create an image and wait until it is active; deprecate it and wait; delete it and
//! wait until it is gone. The fake here finishes transitions after two reads; the real service
//! takes minutes, so leave the default poll delays (5 s growing to 30 s) in production.
//!
//!     cargo run -p ctyun-image-tests --example waiters

use std::time::Duration;

use ctyun_image::operations::{CreateImageRequest, DeactivateImageRequest, DeleteImageRequest, GetImageRequest};
use ctyun_image::{Client, Credentials};
use ctyun_image_tests::{FakeConfig, FakeServer, Transition};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server =
        FakeServer::start(FakeConfig::default().account("WAIT-AK", "WAIT-SK").transition(Transition::Polls(2))).await?;
    let client = Client::builder()
        .credentials(Credentials::new("WAIT-AK", "WAIT-SK"))
        .endpoint(server.url())
        .region("bb9fdb42056f11eda1610242ac110002")
        .waiter_delays(Duration::from_millis(50), Duration::from_millis(200))
        .build()?;
    let max_wait = Duration::from_secs(30 * 60);

    let created = client.create_image(CreateImageRequest::new("ecs-demo", "waiter-demo")).await?;
    let id = created.images.unwrap_or_default().remove(0).image_id;
    println!("created {id}");
    let done = client.wait_until_image_active(GetImageRequest::new(&id), max_wait).await?;
    let status = done.output.and_then(|o| o.images).and_then(|mut v| v.pop()).and_then(|i| i.image_status);
    println!("active after {} polls in {:?}: {status:?}", done.polls, done.elapsed);

    client.deactivate_image(DeactivateImageRequest::new(&id)).await?;
    let done = client.wait_until_image_deactivated(GetImageRequest::new(&id), max_wait).await?;
    println!("deactivated after {} polls", done.polls);

    client.delete_image(DeleteImageRequest::new(&id)).await?;
    let done = client.wait_until_image_deleted(GetImageRequest::new(&id), max_wait).await?;
    println!("gone after {} polls", done.polls);
    Ok(())
}
