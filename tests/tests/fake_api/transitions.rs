//! Status transitions, observed on the server whose transitions take two polls.

use serde_json::json;

use crate::support::{slow_server, Raw, REGION};

#[test]
fn create_then_delete_pass_through_queued_and_deleting() {
    let a = Raw::new(slow_server(), "tr-create");
    let region = "region-tr-create";
    let id = a.create(region, "tr-1");
    // While queued, state-changing operations are refused (detail polls do not count here).
    assert_eq!(
        a.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).err(),
        "Image.ImageState.Invalid"
    );
    let share = json!({"regionID": region, "imageID": id, "destinationAccountID": "0123456789abcdef0123456789abcdef"});
    assert_eq!(a.post("/v4/image/shared-image/create", share).err(), "Image.ImageState.Invalid");
    assert_eq!(
        a.post_query("/v4/image/deactivate", &[("regionID", region), ("imageID", &id)]).err(),
        "Image.ImageState.Invalid"
    );
    assert_eq!(
        a.post("/v4/image/update", json!({"regionID": region, "imageID": id, "description": "x"})).err(),
        "Image.ImageState.Invalid"
    );
    // Two polls show `queued` (a list counts as a poll too), the third `active`.
    assert_eq!(a.status(region, &id), "queued");
    assert_eq!(a.list(region, &[("imageVisibilityCode", "0")])[0]["imageStatus"], "queued");
    assert_eq!(a.status(region, &id), "active");

    a.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).ok();
    assert_eq!(a.status(region, &id), "deleting");
    // Deleting again while deleting is accepted.
    a.post("/v4/image/delete", json!({"regionID": region, "imageID": id})).ok();
    assert_eq!(a.status(region, &id), "deleting");
    let r = a.get("/v4/image/detail", &[("regionID", region), ("imageID", &id), ("errorFree", "false")]);
    assert_eq!(r.err(), "Image.ImageCheck.NotFound");
    assert!(a.list(region, &[("imageVisibilityCode", "0")]).is_empty());
}

#[test]
fn deactivate_and_reactivate_pass_through_transitional_statuses() {
    let a = Raw::new(slow_server(), "tr-deact");
    let region = "region-tr-deact";
    let id = a.create(region, "tr-2");
    for _ in 0..3 {
        a.status(region, &id);
    }
    let q = [("regionID", region), ("imageID", id.as_str())];
    a.post_query("/v4/image/deactivate", &q).ok();
    let seen: Vec<String> = (0..3).map(|_| a.status(region, &id)).collect();
    assert_eq!(seen, ["deactivating", "deactivating", "deactivated"]);
    a.post_query("/v4/image/reactivate", &q).ok();
    assert_eq!(a.post_query("/v4/image/reactivate", &q).err(), "Image.ImageState.Invalid");
    let seen: Vec<String> = (0..3).map(|_| a.status(region, &id)).collect();
    assert_eq!(seen, ["reactivating", "reactivating", "active"]);
}

#[test]
fn export_and_import_tasks_report_progress_and_can_be_cancelled() {
    let a = Raw::new(slow_server(), "tr-tasks");
    let region = "region-tr-tasks";
    let id = a.create(region, "tr-3");
    for _ in 0..3 {
        a.status(region, &id);
    }
    let export = json!({"regionID": region, "imageID": id, "bucket": "b", "filename": "tr-3-export"});
    a.post("/v4/image/export", export.clone()).ok();
    assert_eq!(a.post("/v4/image/export", export.clone()).err(), "Image.Export.InProgress");
    let poll = || {
        a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id, "action": "export"})).ok()["results"]
            [0]
        .clone()
    };
    let seen: Vec<(String, i64)> = (0..3)
        .map(|_| {
            let t = poll();
            (t["taskStatus"].as_str().unwrap().to_owned(), t["taskProgress"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(seen, [("exporting".into(), 0), ("exporting".into(), 33), ("exported".into(), 100)]);
    // A new export is possible once the first has finished; this one is cancelled.
    a.post("/v4/image/export", export).ok();
    let tasks =
        a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id, "taskStatus": "exporting"})).ok();
    let task = tasks["results"][0]["taskID"].as_str().unwrap().to_owned();
    let r = a.post("/v4/image/action-task", json!({"regionID": region, "taskID": task, "action": "cancel"}));
    assert_eq!(r.ok(), json!({"success": true}));
    let status = |t: &str| {
        let all = a.post("/v4/image/list-tasks", json!({"regionID": region, "imageID": id, "pageSize": 50})).ok();
        all["results"].as_array().unwrap().iter().find(|x| x["taskID"] == t).unwrap()["taskStatus"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status(&task), "cancelling");
    assert_eq!(
        a.post("/v4/image/action-task", json!({"regionID": region, "taskID": task, "action": "cancel"})).err(),
        "Image.Task.StateInvalid"
    );
    assert_eq!(status(&task), "cancelling");
    assert_eq!(status(&task), "cancelled");

    // Import: the image stays queued while its task runs, and becomes active with it.
    let url = "https://jiangsu-10.zos.ctyun.cn/ims/disk.qcow2";
    let import = |name: &str| {
        let r = a
            .post(
                "/v4/image/import",
                json!({"regionID": region, "imageFileSource": url, "imageProperties": {"imageName": name}}),
            )
            .ok();
        assert_eq!(r["images"][0]["taskProgress"], 0);
        (r["images"][0]["imageID"].as_str().unwrap().to_owned(), r["images"][0]["taskID"].as_str().unwrap().to_owned())
    };
    let import_task = |task: &str| {
        let all = a.get("/v4/image/list-import-tasks", &[("regionID", region), ("pageSize", "50")]).ok();
        let t = all["imageImportTasks"].as_array().unwrap().iter().find(|x| x["taskID"] == task).unwrap().clone();
        (t["taskStatus"].as_str().unwrap().to_owned(), t["taskProgress"].as_i64().unwrap())
    };
    let (img, task) = import("tr-imp");
    assert_eq!(import_task(&task), ("importing".to_owned(), 0));
    let d = a.detail(region, &img);
    assert_eq!(
        (d["imageStatus"].as_str(), d["taskID"].as_str(), d["taskProgress"].as_i64()),
        (Some("queued"), Some(task.as_str()), Some(33))
    );
    assert_eq!(a.status(region, &img), "active");
    assert_eq!(import_task(&task), ("imported".to_owned(), 100));

    // Cancelling an import leaves its image in `error`; delete-import-task then removes both.
    let (img, task) = import("tr-imp-cancel");
    // Not deletable while importing (the call succeeds, nothing is deleted).
    a.post_query("/v4/image/delete-import-task", &[("regionID", region), ("taskID", &task)]).ok();
    let r = a.post("/v4/image/action-task", json!({"regionID": region, "taskID": task, "action": "cancel"}));
    assert_eq!(r.ok(), json!({"success": true}));
    assert_eq!(import_task(&task).0, "cancelling");
    assert_eq!(import_task(&task).0, "cancelling");
    assert_eq!(import_task(&task).0, "cancelled");
    assert_eq!(a.status(region, &img), "error");
    a.post_query("/v4/image/delete-import-task", &[("regionID", region), ("taskID", &task)]).ok();
    assert_eq!(a.get("/v4/image/list-import-tasks", &[("regionID", region)]).ok()["totalCount"], 1);
    assert_eq!(a.get("/v4/image/detail", &[("regionID", region), ("imageID", &img)]).ok()["images"], json!([]));
}

#[test]
fn copies_appear_queued_and_one_copy_per_destination_runs_at_a_time() {
    let a = Raw::new(slow_server(), "tr-copy");
    let id = a.create(REGION, "tr-copy-src");
    for _ in 0..3 {
        a.status(REGION, &id);
    }
    let dest = "81f7728662dd11ec810800155d307d5b";
    let copy = |name: &str| {
        a.post(
            "/v4/image/cross-region-copy",
            json!({"regionID": REGION, "destinationRegionID": dest, "imageID": id, "imageName": name}),
        )
    };
    copy("tr-copy-far").ok();
    assert_eq!(copy("tr-copy-far-2").err(), "Image.Copy.InProgress");
    let status = || a.list(dest, &[("imageVisibilityCode", "0")])[0]["imageStatus"].as_str().unwrap().to_owned();
    assert_eq!([status(), status(), status()], ["queued", "queued", "active"]);
    copy("tr-copy-far-2").ok();
    // Same-region copies start queued as well.
    a.post("/v4/image/copy", json!({"regionID": REGION, "imageID": id, "imageName": "tr-copy-near"})).ok();
    assert_eq!(
        a.list(REGION, &[("imageVisibilityCode", "0"), ("imageName", "tr-copy-near")])[0]["imageStatus"],
        "queued"
    );
}
