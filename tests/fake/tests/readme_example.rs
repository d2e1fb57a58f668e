use ctyun_image::model::ImageVisibilityCode;
use ctyun_image::operations::{GetImageRequest, ListImagesRequest};
use ctyun_image::Client;
use ctyun_image_fake::{FakeServer, Fault, FaultRule, SeedImage};

/// The code under test: the ids of the account's private images, all pages.
async fn private_image_ids(client: &Client) -> Result<Vec<String>, ctyun_image::Error> {
    let request = ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Private);
    let images = client.paginate(request).items().try_collect().await?;
    Ok(images.into_iter().map(|image| image.image_id).collect())
}

#[tokio::test]
async fn lists_private_images_through_a_503() -> Result<(), Box<dyn std::error::Error>> {
    // A fake with one account, one private image, and a 503 for the first request.
    let server = FakeServer::builder()
        .account("TEST-AK", "TEST-SK")
        .image(SeedImage::new("TEST-AK", "region-1", "golden-image"))
        .fault(FaultRule::new(Fault::Status(503)).times(1))
        .start()
        .await?;
    // Credentials, endpoint and millisecond retry delays for this server.
    let client = server.client_builder("TEST-AK").region("region-1").build()?;

    let ids = private_image_ids(&client).await?;
    assert_eq!(ids.len(), 1);

    // What the code sent: the 503'd attempt, then its retry (both signed, verified).
    let attempts = server.requests_by("TEST-AK");
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].fault.as_deref(), Some("503"));
    assert!(attempts.iter().all(|a| a.verified()));

    // A missing image is a typed error when `errorFree` is false.
    let missing = GetImageRequest::new("no-such-image").error_free(false);
    let err = client.get_image(missing).await.unwrap_err();
    assert_eq!(err.api_code(), Some("Image.ImageCheck.NotFound"));
    Ok(())
}
