//! Happy paths and main validation errors of every operation (raw signed HTTP), on the server
//! whose transitions complete by the next request.

use serde_json::json;

use crate::support::{names, server, Raw, REGION};

#[test]
fn create_operations_return_queued_images_of_the_right_kind() {
    let a = Raw::new(server(), "ops-create");
    let region = "region-ops-create";
    let cases = [
        (
            "/v4/image/create",
            json!({"instanceID": "ecs-1", "imageName": "sys-1", "maximumRAM": 8, "minimumRAM": 2}),
            None,
            "cloud_server",
        ),
        (
            "/v4/image/create-from-data-disk",
            json!({"instanceID": "ecs-1", "dataDiskID": "disk-9", "imageName": "data-1"}),
            Some("data_disk_image"),
            "cloud_server",
        ),
        (
            "/v4/image/create-from-ecs-snapshot",
            json!({"snapshotID": "snap-1", "imageName": "snap-1"}),
            None,
            "snapshot",
        ),
        (
            "/v4/image/create-from-ecs",
            json!({"instanceID": "ecs-2", "imageName": "whole-1", "repositoryID": "repo-1"}),
            Some("full_ecs_image"),
            "full_ecs",
        ),
    ];
    for (path, mut body, ty, source) in cases {
        body["regionID"] = json!(region);
        body["description"] = json!("made by a test");
        body["labels"] = json!([{"labelKey": "env", "labelValue": "test"}]);
        let r = a.post(path, body.clone()).ok();
        let img = &r["images"][0];
        assert_eq!(img["imageStatus"], "queued", "{path}");
        assert_eq!(img["imageVisibility"], "private", "{path}");
        assert_eq!(img["imageType"], json!(ty), "{path}");
        assert_eq!(img["imageSource"], source, "{path}");
        assert_eq!(img["imageName"], body["imageName"], "{path}");
        assert_eq!(img["description"], "made by a test");
        assert!(uuid::Uuid::parse_str(img["imageID"].as_str().unwrap()).is_ok());
        // The same name again is a duplicate; the required fields are checked.
        assert_eq!(a.post(path, body.clone()).err(), "Image.ImageName.Duplicate", "{path}");
        let mut no_name = body.clone();
        no_name.as_object_mut().unwrap().remove("imageName");
        assert_eq!(a.post(path, no_name).err(), "Image.Parameter.Missing", "{path}");
        let mut bad_name = body.clone();
        bad_name["imageName"] = json!("1-starts-with-digit");
        assert_eq!(a.post(path, bad_name).err(), "Image.ImageName.Invalid", "{path}");
    }
    let sys = a.list(region, &[("imageVisibilityCode", "0"), ("imageName", "sys-1")]);
    let img = a.detail(region, sys[0]["imageID"].as_str().unwrap());
    assert_eq!((img["maximumRAM"].as_i64(), img["minimumRAM"].as_i64()), (Some(8), Some(2)));
    // Polls(0): active by the next request.
    let private = a.list(region, &[("imageVisibilityCode", "0")]);
    assert_eq!(names(&private), ["data-1", "snap-1", "sys-1", "whole-1"]);
    assert!(private.iter().all(|i| i["imageStatus"] == "active"));
    let whole = private.iter().find(|i| i["imageName"] == "whole-1").unwrap();
    assert_eq!(whole["sourceDisks"].as_array().map(Vec::len), Some(2));
    // imageType filter (only with code 0).
    assert_eq!(names(&a.list(region, &[("imageVisibilityCode", "0"), ("imageType", "data_disk_image")])), ["data-1"]);
    assert_eq!(a.list(region, &[("imageVisibilityCode", "0"), ("imageType", "others")]).len(), 3);
    assert_eq!(names(&a.list(region, &[("imageVisibilityCode", "0"), ("imageName", "whole")])), ["whole-1"]);

    // Field validation.
    let base = json!({"regionID": region, "instanceID": "ecs-1", "imageName": "valid-name"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    assert_eq!(a.post("/v4/image/create", with("imageName", json!("ends-with-"))).err(), "Image.ImageName.Invalid");
    assert_eq!(a.post("/v4/image/create", with("imageName", json!("a"))).err(), "Image.ImageName.Invalid");
    assert_eq!(a.post("/v4/image/create", with("imageName", json!("x".repeat(33)))).err(), "Image.ImageName.Invalid");
    assert_eq!(a.post("/v4/image/create", with("description", json!(" padded"))).err(), "Image.Description.Invalid");
    assert_eq!(a.post("/v4/image/create", with("maximumRAM", json!(3))).err(), "Image.Parameter.Invalid");
    assert_eq!(
        a.post(
            "/v4/image/create",
            with("maximumRAM", json!(2))
                .as_object()
                .cloned()
                .map(|mut m| {
                    m.insert("minimumRAM".into(), json!(4));
                    serde_json::Value::Object(m)
                })
                .unwrap()
        )
        .err(),
        "Image.Parameter.Invalid"
    );
    assert_eq!(a.post("/v4/image/create", with("labels", json!([{"labelKey": "k"}]))).err(), "Image.Label.Invalid");
    assert_eq!(
        a.post(
            "/v4/image/create",
            with("labels", json!([{"labelKey": "k", "labelValue": "1"}, {"labelKey": "k", "labelValue": "2"}]))
        )
        .err(),
        "Image.Label.Invalid"
    );
    let many: Vec<_> = (0..51).map(|i| json!({"labelKey": format!("k{i}"), "labelValue": "v"})).collect();
    assert_eq!(a.post("/v4/image/create", with("labels", json!(many))).err(), "Image.Label.Invalid");
    assert_eq!(
        a.post("/v4/image/create", with("enableImageIntegrityCheck", json!("maybe"))).err(),
        "Image.Parameter.Invalid"
    );
    assert_eq!(
        a.post("/v4/image/create", json!({"instanceID": "ecs-1", "imageName": "no-region"})).err(),
        "Image.Parameter.Missing"
    );
    assert_eq!(
        a.post(
            "/v4/image/create-from-data-disk",
            json!({"regionID": region, "instanceID": "e", "imageName": "no-disk"})
        )
        .err(),
        "Image.Parameter.Missing"
    );
    // `labels: null` (what the official SDK sends when unset) is accepted.
    a.post("/v4/image/create", with("labels", json!(null))).ok();
}

#[test]
fn detail_honours_error_free_and_visibility() {
    let a = Raw::new(server(), "ops-detail");
    let b = Raw::new(server(), "ops-detail-other");
    let region = "region-ops-detail";
    let id = a.create(region, "detail-1");
    let img = a.detail(region, &id);
    assert_eq!(img["imageID"], id.as_str());
    assert_eq!(img["imageStatus"], "active");
    // Unknown image: errorFree defaults to true → success with an empty list...
    let unknown = "8d8e8888-8ed8-88b8-88cb-888f8b8cf8fa";
    let r = a.get("/v4/image/detail", &[("regionID", region), ("imageID", unknown)]).ok();
    assert_eq!(r["images"], json!([]));
    // ...errorFree=false → the documented failure code.
    let r = a.get("/v4/image/detail", &[("regionID", region), ("imageID", unknown), ("errorFree", "false")]);
    assert_eq!((r.status, r.err()), (200, "Image.ImageCheck.NotFound".to_owned()));
    // Another account's private image, or the right image in another region, is not visible.
    let r = b.get("/v4/image/detail", &[("regionID", region), ("imageID", &id), ("errorFree", "false")]);
    assert_eq!(r.err(), "Image.ImageCheck.NotFound");
    let r = a.get("/v4/image/detail", &[("regionID", "elsewhere"), ("imageID", &id), ("errorFree", "false")]);
    assert_eq!(r.err(), "Image.ImageCheck.NotFound");
    // Public images are visible to everyone.
    let public = b.list(region, &[]);
    let pid = public[0]["imageID"].as_str().unwrap();
    assert_eq!(b.detail(region, pid)["imageVisibility"], "public");
    assert_eq!(a.get("/v4/image/detail", &[("regionID", region)]).err(), "Image.Parameter.Missing");
    assert_eq!(
        a.get("/v4/image/detail", &[("regionID", region), ("imageID", &id), ("errorFree", "perhaps")]).err(),
        "Image.Parameter.Invalid"
    );
}

#[test]
fn list_visibility_codes_and_filters() {
    let a = Raw::new(server(), "ops-list");
    let region = "region-ops-list";
    let public = a.list(region, &[]);
    assert_eq!(public.len(), 4);
    assert!(public.iter().all(|i| i["imageVisibility"] == "public" && i["imageStatus"] == "active"));
    assert_eq!(names(&a.list(region, &[("imageVisibilityCode", "1"), ("osTypeCode", "2")])), ["Windows 2019 64bit"]);
    assert_eq!(a.list(region, &[("osTypeCode", "1")]).len(), 3);
    assert_eq!(names(&a.list(region, &[("queryContent", "ubuntu")])), ["Ubuntu 22.04 64bit"]);
    let safe = a.list(region, &[("imageVisibilityCode", "3")]);
    assert_eq!(safe.len(), 1);
    assert_eq!(safe[0]["imageVisibility"], "safe");
    assert_eq!(a.list(region, &[("imageVisibilityCode", "4")])[0]["imageVisibility"], "community");
    let apps = a.list(region, &[("imageVisibilityCode", "5")]);
    assert_eq!(apps.len(), 2);
    assert!(apps.iter().all(|i| i["imageVisibility"] == "app"));
    assert_eq!(
        names(&a.list(region, &[("imageVisibilityCode", "5"), ("imageScene", "website")])),
        ["WordPress-6-CTyunOS"]
    );
    assert_eq!(
        names(&a.list(region, &[("imageVisibilityCode", "5"), ("imageSubcategory", "thin_app")])),
        ["Docker-CE-Ubuntu"]
    );
    assert!(a.list(region, &[("imageVisibilityCode", "6")]).is_empty());
    assert!(a.list(region, &[("imageVisibilityCode", "0")]).is_empty());
    assert!(a.list(region, &[("imageVisibilityCode", "2")]).is_empty());
    // Filters that only apply with another code are ignored, as documented.
    assert_eq!(a.list(region, &[("imageName", "nothing-like-this")]).len(), 4);

    for (k, v) in [
        ("imageVisibilityCode", "7"),
        ("pageSize", "201"),
        ("pageSize", "0"),
        ("pageNo", "0"),
        ("osTypeCode", "3"),
        ("imageStatus", "gone"),
        ("imageType", "iso"),
    ] {
        assert_eq!(
            a.get("/v4/image/list", &[("regionID", region), (k, v)]).err(),
            "Image.Parameter.Invalid",
            "{k}={v}"
        );
    }
    assert_eq!(a.get("/v4/image/list", &[]).err(), "Image.Parameter.Missing");
    // Paging fields.
    let r = a.get("/v4/image/list", &[("regionID", region), ("pageNo", "2"), ("pageSize", "3")]).ok();
    assert_eq!(
        (r["currentPage"].as_i64(), r["currentCount"].as_i64(), r["totalPage"].as_i64(), r["totalCount"].as_i64()),
        (Some(2), Some(1), Some(2), Some(4))
    );
}

#[test]
fn update_changes_the_image() {
    let a = Raw::new(server(), "ops-update");
    let region = "region-ops-update";
    let id = a.create(region, "upd-1");
    let other = a.create(region, "upd-taken");
    let r = a.post(
        "/v4/image/update",
        json!({"regionID": region, "imageID": id, "imageName": "upd-renamed", "description": "new text",
               "bootMode": "uefi", "maximumRAM": 16, "minimumRAM": 4, "supportXSSD": true}),
    );
    assert_eq!(r.ok(), json!({}));
    let img = a.detail(region, &id);
    assert_eq!(img["imageName"], "upd-renamed");
    assert_eq!(img["description"], "new text");
    assert_eq!(img["bootMode"], "uefi");
    assert_eq!((img["maximumRAM"].as_i64(), img["minimumRAM"].as_i64()), (Some(16), Some(4)));
    assert_eq!(img["supportXSSD"], true);
    // Only what is given changes; an empty description clears it.
    a.post("/v4/image/update", json!({"regionID": region, "imageID": id, "description": ""})).ok();
    let img = a.detail(region, &id);
    assert_eq!((img["description"].as_str(), img["imageName"].as_str()), (Some(""), Some("upd-renamed")));
    // Renaming to its own name is fine; to another image's name is not.
    a.post("/v4/image/update", json!({"regionID": region, "imageID": id, "imageName": "upd-renamed"})).ok();
    let dup = a.post("/v4/image/update", json!({"regionID": region, "imageID": id, "imageName": "upd-taken"}));
    assert_eq!(dup.err(), "Image.ImageName.Duplicate");
    let e = |body: serde_json::Value| a.post("/v4/image/update", body).err();
    assert_eq!(e(json!({"regionID": region, "imageID": id, "imageName": "-bad"})), "Image.ImageName.Invalid");
    assert_eq!(e(json!({"regionID": region, "imageID": id, "bootMode": "legacy"})), "Image.Parameter.Invalid");
    assert_eq!(
        e(json!({"regionID": region, "imageID": id, "maximumRAM": 2, "minimumRAM": 8})),
        "Image.Parameter.Invalid"
    );
    assert_eq!(e(json!({"regionID": region, "imageID": "nope"})), "Image.ImageCheck.NotFound");
    assert_eq!(e(json!({"regionID": region})), "Image.Parameter.Missing");
    let data = a
        .post(
            "/v4/image/create-from-data-disk",
            json!({"regionID": region, "instanceID": "e", "dataDiskID": "d", "imageName": "upd-data"}),
        )
        .ok()["images"][0]["imageID"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(e(json!({"regionID": region, "imageID": data, "bootMode": "uefi"})), "Image.ImageType.Unsupported");
    assert_eq!(e(json!({"regionID": region, "imageID": data, "maximumRAM": 4})), "Image.ImageType.Unsupported");
    let _ = other;
}

#[test]
fn update_labels_binds_and_unbinds() {
    let a = Raw::new(server(), "ops-labels");
    let region = "region-ops-labels";
    let one = a.create(region, "lab-1");
    let two = a.create(region, "lab-2");
    let list = format!("{one},{two}");
    let bind = json!({"regionID": region, "imageIDList": list, "operateType": "BIND",
                      "labels": [{"labelKey": "env", "labelValue": "prod"}, {"labelKey": "team", "labelValue": "img"}]});
    assert_eq!(a.post("/v4/image/update-labels", bind).ok(), json!({}));
    // BIND overwrites an existing key.
    a.post("/v4/image/update-labels", json!({"regionID": region, "imageIDList": one, "operateType": "BIND", "labels": [{"labelKey": "env", "labelValue": "dev"}]})).ok();
    let labels = |id: &str| server().state().images[id].labels.clone();
    assert_eq!(labels(&one), [("env".into(), "dev".into()), ("team".into(), "img".into())]);
    assert_eq!(labels(&two), [("env".into(), "prod".into()), ("team".into(), "img".into())]);
    // UNBIND removes matching labels and ignores missing ones.
    a.post(
        "/v4/image/update-labels",
        json!({"regionID": region, "imageIDList": list, "operateType": "UNBIND",
        "labels": [{"labelKey": "team", "labelValue": "img"}, {"labelKey": "absent", "labelValue": "x"}]}),
    )
    .ok();
    assert_eq!(labels(&one), [("env".to_owned(), "dev".to_owned())]);
    assert_eq!(labels(&two), [("env".to_owned(), "prod".to_owned())]);
    let e = |body: serde_json::Value| a.post("/v4/image/update-labels", body).err();
    let l = json!([{"labelKey": "k", "labelValue": "v"}]);
    assert_eq!(e(json!({"regionID": region, "imageIDList": one, "labels": l})), "Image.Parameter.Missing");
    assert_eq!(
        e(json!({"regionID": region, "imageIDList": one, "operateType": "SWAP", "labels": l})),
        "Image.Parameter.Invalid"
    );
    assert_eq!(e(json!({"regionID": region, "imageIDList": one, "operateType": "BIND"})), "Image.Parameter.Missing");
    assert_eq!(
        e(json!({"regionID": region, "imageIDList": format!("{one},nope"), "operateType": "BIND", "labels": l})),
        "Image.ImageCheck.NotFound"
    );
    let eleven: Vec<_> = (0..11).map(|i| json!({"labelKey": format!("k{i}"), "labelValue": "v"})).collect();
    assert_eq!(
        e(json!({"regionID": region, "imageIDList": one, "operateType": "BIND", "labels": eleven})),
        "Image.Label.Invalid"
    );
}

#[test]
fn delete_deactivate_reactivate() {
    let a = Raw::new(server(), "ops-lifecycle");
    let region = "region-ops-lifecycle";
    let id = a.create(region, "life-1");
    // deactivate / reactivate take their parameters in the query and have no body.
    let q = [("imageID", id.as_str()), ("regionID", region)];
    assert_eq!(a.post_query("/v4/image/deactivate", &q).ok(), json!({}));
    assert_eq!(a.status(region, &id), "deactivated");
    assert_eq!(a.post_query("/v4/image/deactivate", &q).err(), "Image.ImageState.Invalid");
    assert_eq!(a.post_query("/v4/image/reactivate", &q).ok(), json!({}));
    assert_eq!(a.status(region, &id), "active");
    assert_eq!(a.post_query("/v4/image/reactivate", &q).err(), "Image.ImageState.Invalid");
    assert_eq!(a.post_query("/v4/image/deactivate", &[("regionID", region)]).err(), "Image.Parameter.Missing");
    assert_eq!(
        a.post_query("/v4/image/reactivate", &[("regionID", region), ("imageID", "nope")]).err(),
        "Image.ImageCheck.NotFound"
    );
    // A deactivated image can be deleted.
    a.post_query("/v4/image/deactivate", &q).ok();
    assert_eq!(a.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).ok(), json!({}));
    let r = a.get("/v4/image/detail", &[("regionID", region), ("imageID", &id), ("errorFree", "false")]);
    assert_eq!(r.err(), "Image.ImageCheck.NotFound");
    assert_eq!(a.get("/v4/image/detail", &[("regionID", region), ("imageID", &id)]).ok()["images"], json!([]));
    assert!(a.list(region, &[("imageVisibilityCode", "0")]).is_empty());
    assert_eq!(
        a.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).err(),
        "Image.ImageCheck.NotFound"
    );
    // Public images are not the caller's to delete.
    let public = a.list(region, &[])[0]["imageID"].as_str().unwrap().to_owned();
    assert_eq!(
        a.post("/v4/image/delete", json!({"regionID": region, "imageID": public})).err(),
        "Image.ImageCheck.NotFound"
    );
    // The name is free again.
    a.create(region, "life-1");
}

#[test]
fn copies_within_and_across_regions() {
    let a = Raw::new(server(), "ops-copy");
    let regions = a.get("/v4/image/list-supported-dest-crr-regions", &[("regionID", REGION)]).ok();
    let dests: Vec<String> =
        regions["regions"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
    assert_eq!(dests.len(), 3);
    assert!(!dests.contains(&REGION.to_owned()));
    assert_eq!(a.get("/v4/image/list-supported-dest-crr-regions", &[]).err(), "Image.Parameter.Missing");

    let src = a.create(REGION, "copy-src");
    let dest = dests[0].as_str();
    let body = json!({"regionID": REGION, "destinationRegionID": dest, "imageID": src, "imageName": "copy-far",
                      "labels": [{"labelKey": "k", "labelValue": "v"}]});
    assert_eq!(a.post("/v4/image/cross-region-copy", body.clone()).ok(), json!({}));
    let far = a.list(dest, &[("imageVisibilityCode", "0"), ("imageName", "copy-far")]);
    assert_eq!(far.len(), 1);
    assert_eq!(far[0]["imageStatus"], "active");
    assert!(a.list(REGION, &[("imageVisibilityCode", "0"), ("imageName", "copy-far")]).is_empty());
    // Same name in the destination again → duplicate.
    assert_eq!(a.post("/v4/image/cross-region-copy", body.clone()).err(), "Image.ImageName.Duplicate");
    let with = |k: &str, v: serde_json::Value| {
        let mut b = body.clone();
        b[k] = v;
        b["imageName"] = json!("copy-other");
        b
    };
    assert_eq!(
        a.post("/v4/image/cross-region-copy", with("destinationRegionID", json!(REGION))).err(),
        "Image.Region.Unsupported"
    );
    assert_eq!(
        a.post("/v4/image/cross-region-copy", with("destinationRegionID", json!("nowhere"))).err(),
        "Image.Region.Unsupported"
    );
    let long_label = json!([{"labelKey": "k", "labelValue": "x".repeat(33)}]);
    assert_eq!(a.post("/v4/image/cross-region-copy", with("labels", long_label)).err(), "Image.Label.Invalid");
    assert_eq!(
        a.post("/v4/image/cross-region-copy", with("imageID", json!("nope"))).err(),
        "Image.ImageCheck.NotFound"
    );
    let whole = a
        .post("/v4/image/create-from-ecs", json!({"regionID": REGION, "instanceID": "e", "imageName": "copy-whole"}))
        .ok()["images"][0]["imageID"]
        .as_str()
        .unwrap()
        .to_owned();
    a.status(REGION, &whole);
    assert_eq!(
        a.post("/v4/image/cross-region-copy", with("imageID", json!(whole))).err(),
        "Image.ImageType.Unsupported"
    );

    // Same-region copy: encrypted, with the given or a default key.
    let r = a.post(
        "/v4/image/copy",
        json!({"regionID": REGION, "imageID": src, "imageName": "copy-near", "cmkID": "my-key"}),
    );
    assert_eq!(r.ok(), json!({}));
    let near = &a.list(REGION, &[("imageVisibilityCode", "0"), ("imageName", "copy-near")])[0];
    assert_eq!((near["isEncrypt"].as_bool(), near["cmkID"].as_str()), (Some(true), Some("my-key")));
    a.post("/v4/image/copy", json!({"regionID": REGION, "imageID": src, "imageName": "copy-near-2"})).ok();
    let near2 = &a.list(REGION, &[("imageVisibilityCode", "0"), ("imageName", "copy-near-2")])[0];
    assert_eq!(near2["isEncrypt"], true);
    assert_eq!(a.post("/v4/image/copy", json!({"regionID": REGION, "imageID": src})).err(), "Image.Parameter.Missing");
    assert_eq!(
        a.post("/v4/image/copy", json!({"regionID": REGION, "imageID": whole, "imageName": "copy-w"})).err(),
        "Image.ImageType.Unsupported"
    );
    assert_eq!(
        a.post("/v4/image/copy", json!({"regionID": REGION, "imageID": src, "imageName": "copy-near"})).err(),
        "Image.ImageName.Duplicate"
    );
}

#[test]
fn export_and_task_actions() {
    let a = Raw::new(server(), "ops-export");
    let region = "region-ops-export";
    let id = a.create(region, "exp-1");
    a.status(region, &id);
    let body = json!({"regionID": region, "imageID": id, "bucket": "my-bucket", "filename": "exp-file-1", "imageFileFormat": "qcow2"});
    assert_eq!(a.post("/v4/image/export", body.clone()).ok(), json!({}));
    let tasks = a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id})).ok();
    assert_eq!(
        (tasks["totalCount"].as_i64(), tasks["currentCount"].as_i64(), tasks["totalPage"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    let t = &tasks["results"][0];
    assert_eq!(
        (t["action"].as_str(), t["taskStatus"].as_str(), t["taskProgress"].as_i64()),
        (Some("export"), Some("exported"), Some(100))
    );
    assert_eq!((t["bucket"].as_str(), t["filename"].as_str()), (Some("my-bucket"), Some("exp-file-1")));
    assert!(t["createdTime"].as_str().unwrap().ends_with('Z') && t["finishedTime"].is_string());
    // Finished tasks cannot be cancelled; unknown tasks do not exist.
    let task_id = t["taskID"].as_str().unwrap().to_owned();
    let cancel = |task: &str, action: &str| {
        a.post("/v4/image/action-task", json!({"regionID": region, "taskID": task, "action": action}))
    };
    assert_eq!(cancel(&task_id, "cancel").err(), "Image.Task.StateInvalid");
    assert_eq!(cancel("no-such-task", "cancel").err(), "Image.Task.NotFound");
    assert_eq!(cancel(&task_id, "pause").err(), "Image.Parameter.Invalid");
    // Filters of list-tasks.
    let filtered = |k: &str, v: &str| {
        a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id, k: v})).ok()["totalCount"].as_i64()
    };
    assert_eq!(filtered("action", "import"), Some(0));
    assert_eq!(filtered("taskStatus", "exported"), Some(1));
    assert_eq!(
        a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id, "pageSize": 51})).err(),
        "Image.Parameter.Invalid"
    );
    assert_eq!(
        a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id, "taskStatus": "paused"})).err(),
        "Image.Parameter.Invalid"
    );
    assert_eq!(a.post("/v4/image/list-tasks", json!({"regionID": region})).err(), "Image.Parameter.Missing");
    // Export validation.
    let with = |k: &str, v: serde_json::Value| {
        let mut b = body.clone();
        b[k] = v;
        a.post("/v4/image/export", b).err()
    };
    assert_eq!(with("filename", json!("9starts-with-digit")), "Image.Parameter.Invalid");
    assert_eq!(with("imageFileFormat", json!("iso")), "Image.Parameter.Invalid");
    assert_eq!(with("bucket", json!("")), "Image.Parameter.Missing");
    assert_eq!(with("imageID", json!("nope")), "Image.ImageCheck.NotFound");
    let whole = a
        .post("/v4/image/create-from-ecs", json!({"regionID": region, "instanceID": "e", "imageName": "exp-whole"}))
        .ok()["images"][0]["imageID"]
        .as_str()
        .unwrap()
        .to_owned();
    a.status(region, &whole);
    assert_eq!(with("imageID", json!(whole)), "Image.ImageType.Unsupported");
}

#[test]
fn import_validate_and_import_tasks() {
    let a = Raw::new(server(), "ops-import");
    let region = "region-ops-import";
    let good = "https://jiangsu-10.zos.ctyun.cn/ims-openapi/ImportSystemDiskImage.qcow2";
    let v = a.get("/v4/image/validate-file-source", &[("regionID", region), ("imageFileSource", good)]).ok();
    for k in ["validURL", "validEndpoint", "reachableBucket", "reachableObject", "publiclyReadableObject"] {
        assert_eq!(v[k], true, "{k}: {v}");
    }
    assert_eq!((v["archivedObject"].as_bool(), v["encryptedObject"].as_bool()), (Some(false), Some(false)));
    assert!(v["objectSize"].as_i64().unwrap() > 0);
    let check =
        |url: &str| a.get("/v4/image/validate-file-source", &[("regionID", region), ("imageFileSource", url)]).ok();
    assert_eq!(check("not a url")["validURL"], false);
    let other = check("https://example.com/bucket/file.qcow2");
    assert_eq!((other["validURL"].as_bool(), other["validEndpoint"].as_bool()), (Some(true), Some(false)));
    assert_eq!(check("https://a.zos.ctyun.cn/missing-bucket/f.qcow2")["reachableBucket"], false);
    assert_eq!(check("https://a.zos.ctyun.cn/b/missing.qcow2")["reachableObject"], false);
    assert_eq!(check("https://a.zos.ctyun.cn/b/archived.qcow2")["archivedObject"], true);
    assert_eq!(check("https://a.zos.ctyun.cn/b/encrypted.qcow2")["encryptedObject"], true);
    assert_eq!(check("https://a.zos.ctyun.cn/b/private.qcow2")["publiclyReadableObject"], false);
    assert_eq!(a.get("/v4/image/validate-file-source", &[("regionID", region)]).err(), "Image.Parameter.Missing");

    let import = |url: &str, props: serde_json::Value| {
        a.post("/v4/image/import", json!({"regionID": region, "imageFileSource": url, "imageProperties": props}))
    };
    let r = import(
        good,
        json!({"imageName": "imp-1", "osDistro": "windows", "osVersion": "2019", "diskSize": 5, "imageType": null}),
    )
    .ok();
    let img = &r["images"][0];
    assert_eq!(
        (img["imageStatus"].as_str(), img["imageSource"].as_str(), img["diskFormat"].as_str()),
        (Some("queued"), Some("image_file"), Some("qcow2"))
    );
    assert_eq!((img["osType"].as_str(), img["diskSize"].as_i64()), (Some("windows"), Some(40)));
    assert!(img["taskID"].is_string());
    let id = img["imageID"].as_str().unwrap().to_owned();
    let tasks = a.get("/v4/image/list-import-tasks", &[("regionID", region)]).ok();
    assert_eq!(tasks["totalCount"], 1);
    let t = &tasks["imageImportTasks"][0];
    assert_eq!(
        (t["imageName"].as_str(), t["osType"].as_str(), t["taskStatus"].as_str()),
        (Some("imp-1"), Some("windows"), Some("imported"))
    );
    assert_eq!(a.status(region, &id), "active");
    // Deleting the task of a successful import deletes nothing (as documented).
    let task_id = t["taskID"].as_str().unwrap().to_owned();
    a.post_query("/v4/image/delete-import-task", &[("regionID", region), ("taskID", &task_id)]).ok();
    assert_eq!(a.status(region, &id), "active");
    // An unreadable file ends in `error`; then delete-import-task removes task and image.
    let bad = import(
        "https://a.zos.ctyun.cn/b/corrupt-disk.raw",
        json!({"imageName": "imp-bad", "imageType": "data_disk_image"}),
    )
    .ok();
    let bad_id = bad["images"][0]["imageID"].as_str().unwrap().to_owned();
    let bad_task = bad["images"][0]["taskID"].as_str().unwrap().to_owned();
    assert_eq!(a.status(region, &bad_id), "error");
    let tasks = a.get("/v4/image/list-import-tasks", &[("regionID", region), ("pageSize", "1"), ("pageNo", "2")]).ok();
    assert_eq!(
        (tasks["totalCount"].as_i64(), tasks["totalPage"].as_i64(), tasks["currentCount"].as_i64()),
        (Some(2), Some(2), Some(1))
    );
    assert_eq!(tasks["imageImportTasks"][0]["taskStatus"], "imported_failed");
    assert_eq!(
        a.post_query("/v4/image/delete-import-task", &[("regionID", region), ("taskID", &bad_task)]).ok(),
        json!({})
    );
    assert_eq!(a.get("/v4/image/list-import-tasks", &[("regionID", region)]).ok()["totalCount"], 1);
    assert_eq!(
        a.get("/v4/image/detail", &[("regionID", region), ("imageID", &bad_id), ("errorFree", "false")]).err(),
        "Image.ImageCheck.NotFound"
    );
    a.post_query("/v4/image/delete-import-task", &[("regionID", region), ("taskID", "unknown")]).ok();
    assert_eq!(a.post_query("/v4/image/delete-import-task", &[("regionID", region)]).err(), "Image.Parameter.Missing");
    assert_eq!(
        a.get("/v4/image/list-import-tasks", &[("regionID", region), ("pageSize", "51")]).err(),
        "Image.Parameter.Invalid"
    );

    // Import validation.
    assert_eq!(
        import("https://a.zos.ctyun.cn/b/missing.qcow2", json!({"imageName": "imp-2"})).err(),
        "Image.FileSource.Invalid"
    );
    assert_eq!(
        import("https://example.com/b/k.qcow2", json!({"imageName": "imp-2"})).err(),
        "Image.FileSource.Invalid"
    );
    assert_eq!(import(good, json!({"osDistro": "ubuntu"})).err(), "Image.Parameter.Missing");
    assert_eq!(import(good, json!({"imageName": "imp-1"})).err(), "Image.ImageName.Duplicate");
    assert_eq!(import(good, json!({"imageName": "imp-3", "imageType": "floppy"})).err(), "Image.Parameter.Invalid");
    assert_eq!(import(good, json!({"imageName": "imp-3", "architecture": "mips"})).err(), "Image.Parameter.Invalid");
    assert_eq!(import(good, json!("not an object")).err(), "Image.Parameter.Invalid");
    assert_eq!(
        a.post("/v4/image/import", json!({"regionID": region, "imageFileSource": good})).err(),
        "Image.Parameter.Missing"
    );
}

#[test]
fn unknown_paths_methods_and_bodies() {
    let a = Raw::new(server(), "ops-misc");
    let r = a.get("/v4/image/create", &[("regionID", REGION)]);
    assert_eq!((r.status, r.err()), (405, "Openapi.Api.MethodNotAllowed".to_owned()));
    let r = a.get("/v4/image/nope", &[]);
    assert_eq!((r.status, r.err()), (404, "Openapi.Api.NotFound".to_owned()));
    let r =
        crate::support::rt().block_on(a.send(a.request("POST", "/v4/image/create", &[], b"not json", None))).unwrap();
    assert_eq!(r.err(), "Image.Parameter.Invalid");
    // Numbers as strings and strings as numbers are tolerated where the doc types differ.
    let r = a.get("/v4/image/list", &[("regionID", REGION), ("pageNo", "1"), ("pageSize", "2")]).ok();
    assert_eq!(r["currentCount"], 2);
}
