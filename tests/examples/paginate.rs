//! Paginators: every private image across pages, as a stream of items or of pages.
//!
//!     cargo run -p ctyun-image-tests --example paginate

use ctyun_image::model::ImageVisibilityCode;
use ctyun_image::operations::ListImagesRequest;
use ctyun_image::{Client, Credentials};
use ctyun_image_tests::{FakeConfig, FakeServer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let region = "bb9fdb42056f11eda1610242ac110002";
    let server = FakeServer::start(FakeConfig::default().account("PAGE-AK", "PAGE-SK")).await?;
    server.seed_private_images("PAGE-AK", region, "golden", 250);
    let client = Client::builder()
        .credentials(Credentials::new("PAGE-AK", "PAGE-SK"))
        .endpoint(server.url())
        .region(region)
        .build()?;
    let private = || ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private);

    // Item by item (pages of 100 are fetched as needed).
    let mut items = client.paginate(private()).page_size(100).items();
    let mut n = 0;
    while let Some(image) = items.next().await {
        let image = image?;
        if n < 3 {
            println!("{} {}", image.image_id, image.image_name.unwrap_or_default());
        }
        n += 1;
    }
    println!("… {n} images in all");

    // Page by page.
    let mut pages = client.paginate(private()).page_size(100).pages();
    while let Some(page) = pages.next().await {
        let page = page?;
        println!("page {:?}/{:?}: {:?} images", page.current_page, page.total_page, page.current_count);
    }

    // Or everything at once.
    let all = client.paginate(private()).page_size(200).items().try_collect().await?;
    println!("collected {}", all.len());
    Ok(())
}
