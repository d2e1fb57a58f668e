//! Configuration from the environment: `CTYUN_AK`, `CTYUN_SK`, `CTYUN_REGION_ID`,
//! `CTYUN_ENDPOINT`. Here the variables point at an in-process fake; in production only the
//! first three are set and the endpoint defaults to `https://ctimage-global.ctapi.ctyun.cn`.
//!
//!     cargo run -p ctyun-image-tests --example from_env

use ctyun_image::operations::ListImagesRequest;
use ctyun_image::Client;
use ctyun_image_tests::{FakeConfig, FakeServer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeConfig::default().account("ENV-AK", "ENV-SK")).await?;

    // What a missing variable looks like.
    std::env::remove_var("CTYUN_AK");
    std::env::remove_var("CTYUN_SK");
    println!("without credentials: {}", Client::from_env().unwrap_err());

    std::env::set_var("CTYUN_AK", "ENV-AK");
    std::env::set_var("CTYUN_SK", "ENV-SK");
    std::env::set_var("CTYUN_REGION_ID", "bb9fdb42056f11eda1610242ac110002");
    std::env::set_var("CTYUN_ENDPOINT", server.url());
    let client = Client::from_env()?;
    println!("endpoint {}, default region {:?}", client.endpoint(), client.default_region());
    println!("{:?}", client); // the secret key is redacted
    let page = client.list_images(ListImagesRequest::new()).await?;
    println!("{} public images in the default region", page.total_count.unwrap_or_default());
    Ok(())
}
