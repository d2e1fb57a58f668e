//! Sharing across accounts: each account signs with its own AK/SK.

use serde_json::json;

use crate::support::{names, server, Raw};

#[test]
fn share_accept_reject_unshare_across_accounts() {
    let owner = Raw::new(server(), "share-owner");
    let bob = Raw::new(server(), "share-bob");
    let carol = Raw::new(server(), "share-carol");
    let region = "region-share";
    let id = owner.create(region, "shared-golden");
    owner.status(region, &id);
    let share = |to: &Raw| {
        owner.post(
            "/v4/image/shared-image/create",
            json!({"regionID": region, "imageID": id, "destinationAccountID": to.account_id()}),
        )
    };
    assert_eq!(share(&bob).ok(), json!({}));
    share(&carol).ok();
    assert_eq!(share(&bob).err(), "Image.Share.Duplicate");
    assert_eq!(share(&owner).err(), "Image.Share.SelfShare");
    let bad = owner.post(
        "/v4/image/shared-image/create",
        json!({"regionID": region, "imageID": id, "destinationAccountID": "bob@example.com"}),
    );
    assert_eq!(bad.err(), "Image.Parameter.Invalid");
    assert_eq!(
        owner.post("/v4/image/shared-image/create", json!({"regionID": region, "imageID": id})).err(),
        "Image.Parameter.Missing"
    );
    // Only the owner can share it.
    let r = bob.post(
        "/v4/image/shared-image/create",
        json!({"regionID": region, "imageID": id, "destinationAccountID": carol.account_id()}),
    );
    assert_eq!(r.err(), "Image.ImageCheck.NotFound");

    // The recipient sees it among shared images (code 2), waiting.
    let seen = bob.list(region, &[("imageVisibilityCode", "2")]);
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(
        (s["imageID"].as_str(), s["imageVisibility"].as_str(), s["imageStatus"].as_str()),
        (Some(id.as_str()), Some("shared"), Some("waiting"))
    );
    assert_eq!(s["sourceAccountID"].as_str(), Some(owner.account_id().as_str()));
    assert_eq!(s["destinationAccountID"].as_str(), Some(bob.account_id().as_str()));
    assert!(bob.list(region, &[("imageVisibilityCode", "0")]).is_empty(), "shared images are not private images");
    let d = bob.detail(region, &id);
    assert_eq!((d["imageVisibility"].as_str(), d["imageStatus"].as_str()), (Some("shared"), Some("waiting")));
    // The owner sees the share records and the count.
    let records = owner.get("/v4/image/show-shared-list", &[("regionID", region), ("imageID", &id)]).ok();
    assert_eq!(
        (records["totalCount"].as_i64(), records["pageNo"].as_i64(), records["pageSize"].as_i64()),
        (Some(2), Some(1), Some(10))
    );
    let dests: Vec<_> = records["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["destinationAccountID"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(dests, [bob.account_id(), carol.account_id()]);
    assert!(records["images"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["imageStatus"] == "waiting" && r["imageVisibility"] == "shared"));
    assert_eq!(owner.detail(region, &id)["imageShareCount"], 2);
    assert_eq!(
        bob.get("/v4/image/show-shared-list", &[("regionID", region), ("imageID", &id)]).err(),
        "Image.ImageCheck.NotFound"
    );
    // A shared image cannot be deactivated.
    assert_eq!(
        owner.post_query("/v4/image/deactivate", &[("regionID", region), ("imageID", &id)]).err(),
        "Image.Share.Exists"
    );

    // Bob accepts with his own keys.
    let accept = |who: &Raw| who.post("/v4/image/shared-image/accept", json!({"regionID": region, "imageID": id}));
    let reject = |who: &Raw| who.post("/v4/image/shared-image/reject", json!({"regionID": region, "imageID": id}));
    assert_eq!(accept(&bob).ok(), json!({}));
    assert_eq!(accept(&bob).err(), "Image.Share.StateInvalid");
    assert_eq!(accept(&owner).err(), "Image.Share.NotFound");
    assert_eq!(bob.list(region, &[("imageVisibilityCode", "2")])[0]["imageStatus"], "accepted");
    assert_eq!(owner.detail(region, &id)["hasAcceptedSharedImages"], true);
    // An accepted share cannot be cancelled, and blocks deletion.
    let unshare = |body: serde_json::Value| owner.post("/v4/image/shared-image/delete", body);
    assert_eq!(
        unshare(json!({"regionID": region, "imageID": id, "destinationAccountID": bob.account_id()})).err(),
        "Image.Share.Accepted"
    );
    assert_eq!(
        unshare(json!({"regionID": region, "imageID": id, "cancelAllSharedAccount": true})).err(),
        "Image.Share.Accepted"
    );
    assert_eq!(
        owner.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).err(),
        "Image.Share.Accepted"
    );

    // Bob copies the accepted shared image into his own private image.
    let copy = |who: &Raw, name: &str| {
        who.post("/v4/image/create-from-shared", json!({"regionID": region, "imageID": id, "imageName": name}))
    };
    assert_eq!(copy(&bob, "bob-copy").ok(), json!({}));
    let mine = bob.list(region, &[("imageVisibilityCode", "0")]);
    assert_eq!(names(&mine), ["bob-copy"]);
    assert_eq!(mine[0]["imageVisibility"], "private");
    assert_eq!(copy(&carol, "carol-copy").err(), "Image.Share.StateInvalid", "waiting shares cannot be copied");
    assert_eq!(copy(&owner, "own-copy").err(), "Image.Share.NotFound");
    assert_eq!(copy(&bob, "bob-copy").err(), "Image.ImageName.Duplicate");

    // Bob rejects; the default list hides rejected shares, imageStatus=rejected shows them.
    assert_eq!(reject(&bob).ok(), json!({}));
    assert_eq!(reject(&bob).err(), "Image.Share.StateInvalid");
    assert!(bob.list(region, &[("imageVisibilityCode", "2")]).is_empty());
    assert_eq!(bob.list(region, &[("imageVisibilityCode", "2"), ("imageStatus", "rejected")]).len(), 1);
    assert_eq!(carol.list(region, &[("imageVisibilityCode", "2"), ("imageStatus", "waiting")]).len(), 1);
    // A rejected share can be accepted again, and rejected again.
    accept(&bob).ok();
    reject(&bob).ok();
    // Carol can reject a waiting share too.
    reject(&carol).ok();

    // Unshare one, then all.
    assert_eq!(unshare(json!({"regionID": region, "imageID": id})).err(), "Image.Parameter.Missing");
    let stranger = "0123456789abcdef0123456789abcdef";
    assert_eq!(
        unshare(json!({"regionID": region, "imageID": id, "destinationAccountID": stranger})).err(),
        "Image.Share.NotFound"
    );
    assert_eq!(
        unshare(json!({"regionID": region, "imageID": id, "destinationAccountID": bob.account_id()})).ok(),
        json!({})
    );
    assert!(bob.list(region, &[("imageVisibilityCode", "2"), ("imageStatus", "rejected")]).is_empty());
    assert_eq!(
        unshare(
            json!({"regionID": region, "imageID": id, "cancelAllSharedAccount": true, "destinationAccountID": stranger})
        )
        .ok(),
        json!({})
    );
    assert_eq!(owner.detail(region, &id)["imageShareCount"], 0);
    assert_eq!(carol.get("/v4/image/detail", &[("regionID", region), ("imageID", &id)]).ok()["images"], json!([]));
    // With no share left it can be deactivated and deleted.
    owner.post_query("/v4/image/deactivate", &[("regionID", region), ("imageID", &id)]).ok();
    owner.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).ok();
    // Bob's copy lives on.
    assert_eq!(bob.list(region, &[("imageVisibilityCode", "0")]).len(), 1);
}

#[test]
fn show_shared_list_pages_share_records() {
    let owner = Raw::new(server(), "share-pages");
    let region = "region-share-pages";
    let id = owner.create(region, "many-shares");
    let accounts: Vec<String> =
        (0..5).map(|i| ctyun_image_tests::fake::account_id_for(&format!("recipient-{i}"))).collect();
    for a in &accounts {
        owner
            .post(
                "/v4/image/shared-image/create",
                json!({"regionID": region, "imageID": id, "destinationAccountID": a}),
            )
            .ok();
    }
    let page = |no: &str| {
        owner
            .get(
                "/v4/image/show-shared-list",
                &[("regionID", region), ("imageID", &id), ("pageNo", no), ("pageSize", "2")],
            )
            .ok()
    };
    let mut seen = Vec::new();
    for no in ["1", "2", "3"] {
        let p = page(no);
        assert_eq!(
            (p["totalCount"].as_i64(), p["totalPage"].as_i64(), p["currentPage"].as_i64()),
            (Some(5), Some(3), Some(no.parse().unwrap()))
        );
        for r in p["images"].as_array().unwrap() {
            seen.push(r["destinationAccountID"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(seen, accounts);
    assert_eq!(page("4")["currentCount"], 0);
    let r = owner.get("/v4/image/show-shared-list", &[("regionID", region), ("imageID", &id), ("pageSize", "51")]);
    assert_eq!(r.err(), "Image.Parameter.Invalid");
    // Unshare several at once (comma-separated).
    let two = format!("{},{}", accounts[0], accounts[1]);
    owner
        .post("/v4/image/shared-image/delete", json!({"regionID": region, "imageID": id, "destinationAccountID": two}))
        .ok();
    assert_eq!(page("1")["totalCount"], 3);
}
