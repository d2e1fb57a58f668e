//! Paged walks over more than a thousand images, raw and through the generated client.

use std::collections::HashSet;

use ctyun_image::model::ImageVisibilityCode;
use ctyun_image::operations::ListImagesRequest;

use crate::support::{rt, server, Raw};

const COUNT: usize = 1234;

#[test]
fn paged_walk_over_1234_images_has_no_duplicates_or_gaps() {
    let a = Raw::new(server(), "paging");
    let region = "region-paging";
    let seeded = server().seed_private_images(&a.ak, region, "bulk", COUNT);
    assert_eq!(seeded.len(), COUNT);
    let expected: HashSet<&str> = seeded.iter().map(String::as_str).collect();

    // Raw walk, page size 50.
    let mut ids: Vec<String> = Vec::new();
    let mut page_no = 1;
    loop {
        let no = page_no.to_string();
        let r = a
            .get(
                "/v4/image/list",
                &[("regionID", region), ("imageVisibilityCode", "0"), ("pageNo", &no), ("pageSize", "50")],
            )
            .ok();
        assert_eq!(r["totalCount"].as_u64(), Some(COUNT as u64));
        assert_eq!(r["totalPage"].as_u64(), Some(COUNT.div_ceil(50) as u64));
        assert_eq!(r["currentPage"].as_u64(), Some(page_no));
        let page = r["images"].as_array().unwrap();
        assert_eq!(r["currentCount"].as_u64(), Some(page.len() as u64));
        ids.extend(page.iter().map(|i| i["imageID"].as_str().unwrap().to_owned()));
        if page_no == r["totalPage"].as_u64().unwrap() {
            assert_eq!(page.len(), COUNT % 50);
            break;
        }
        assert_eq!(page.len(), 50);
        page_no += 1;
    }
    assert_eq!(ids.len(), COUNT, "missing or extra images");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), COUNT, "duplicates");
    assert_eq!(ids.iter().map(String::as_str).collect::<HashSet<_>>(), expected);
    assert_eq!(ids, seeded, "stable order");
    // Past the end: an empty page with the totals.
    let r = a
        .get(
            "/v4/image/list",
            &[("regionID", region), ("imageVisibilityCode", "0"), ("pageNo", "99"), ("pageSize", "50")],
        )
        .ok();
    assert_eq!((r["currentCount"].as_u64(), r["totalCount"].as_u64()), (Some(0), Some(COUNT as u64)));

    // The same walk through the generated client at the maximum page size (200).
    let client = server().client_builder(&a.ak).region(region).build().unwrap();
    let mut typed: Vec<String> = Vec::new();
    let mut page_no = 1;
    loop {
        let req = ListImagesRequest::new()
            .image_visibility_code(ImageVisibilityCode::Private)
            .page_no(page_no)
            .page_size(200);
        let page = rt().block_on(client.list_images(req)).unwrap();
        typed.extend(page.images.unwrap_or_default().into_iter().map(|i| i.image_id));
        if page_no >= page.total_page.unwrap() {
            break;
        }
        page_no += 1;
    }
    assert_eq!(page_no, COUNT.div_ceil(200) as i32);
    assert_eq!(typed, seeded);
}
