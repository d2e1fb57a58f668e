//! Every one of the 27 operations through the GENERATED client (typed requests, typed outputs),
//! in the order a user automating an image lifecycle would call them. Each method is called at
//! least once; the test fails naming the method if one is missing from the list below.

use std::collections::BTreeSet;
use std::time::Duration;

use ctyun_image::model::{
    ImageProperties, ImageStatus, ImageVisibility, ImageVisibilityCode, Label, LabelOperation, TaskOperation,
};
use ctyun_image::operations::*;
use ctyun_image::Client;

use ctyun_image_tests::{FakeServer, Fault, FaultRule};

use crate::support::{rt, server, slow_server, REGION};

fn client_for(name: &str) -> (Client, String) {
    client_on(server(), name)
}

fn client_on(server: &FakeServer, name: &str) -> (Client, String) {
    let ak = format!("ak-ops-{name}");
    (server.client_builder(&ak).region(REGION).build().unwrap(), ak)
}

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn every_generated_operation_round_trips() {
    let mut ops = Lifecycle::new();
    rt().block_on(async {
        let id = ops.create_and_wait().await;
        ops.other_creation_paths().await;
        ops.import_from_file().await;
        ops.attributes_and_labels(&id).await;
        ops.copies(&id).await;
        ops.export_and_cancel().await;
        ops.sharing(&id).await;
        ops.deprecate_and_restore(&id).await;
        ops.delete(&id).await;
    });
    ops.every_operation_was_called_and_signed();
}

/// The clients of [`every_generated_operation_round_trips`] and the operations it has called,
/// one method per step of the lifecycle.
struct Lifecycle {
    /// On the server whose tasks take two reads to finish.
    slow: Client,
    owner: Client,
    owner_ak: String,
    friend: Client,
    friend_ak: String,
    friend_account: String,
    called: BTreeSet<&'static str>,
}

impl Lifecycle {
    fn new() -> Lifecycle {
        let (slow, _) = client_on(slow_server(), "exporter");
        let (owner, owner_ak) = client_for("owner");
        let (friend, friend_ak) = client_for("friend");
        let friend_account = server().account_id(&friend_ak);
        Lifecycle { slow, owner, owner_ak, friend, friend_ak, friend_account, called: BTreeSet::new() }
    }

    /// Create from a server's system disk, then wait until active. The image's id.
    async fn create_and_wait(&mut self) -> String {
        let owner = &self.owner;
        let created = owner
            .create_image(
                CreateImageRequest::new("ecs-ops-1", "ops-golden")
                    .description("lifecycle")
                    .labels(vec![Label::new("env", "test")]),
            )
            .await
            .unwrap();
        self.called.insert("create_image");
        let image = created.images.unwrap().remove(0);
        assert_eq!(image.image_status, Some(ImageStatus::Queued));
        let id = image.image_id;
        let active = owner.wait_until_image_active(GetImageRequest::new(&id), WAIT).await.unwrap();
        assert_eq!(active.output.unwrap().images.unwrap()[0].image_status, Some(ImageStatus::Active));
        let detail = owner.get_image(GetImageRequest::new(&id).error_free(false)).await.unwrap();
        self.called.insert("get_image");
        assert_eq!(detail.images.unwrap()[0].image_name.as_deref(), Some("ops-golden"));
        id
    }

    /// The other creation paths.
    async fn other_creation_paths(&mut self) {
        let owner = &self.owner;
        let from_disk = owner
            .create_image_from_data_disk(CreateImageFromDataDiskRequest::new("ecs-ops-1", "disk-1", "ops-disk"))
            .await
            .unwrap();
        self.called.insert("create_image_from_data_disk");
        assert_eq!(from_disk.images.unwrap()[0].image_name.as_deref(), Some("ops-disk"));
        let from_snap = owner
            .create_image_from_ecs_snapshot(CreateImageFromEcsSnapshotRequest::new("snap-1", "ops-snap"))
            .await
            .unwrap();
        self.called.insert("create_image_from_ecs_snapshot");
        assert_eq!(from_snap.images.unwrap().len(), 1);
        let whole =
            owner.create_image_from_ecs(CreateImageFromEcsRequest::new("ecs-ops-1", "ops-whole")).await.unwrap();
        self.called.insert("create_image_from_ecs");
        assert_eq!(whole.images.unwrap().len(), 1);
    }

    /// Import from an image file, after validating its URL; then the import-task list.
    async fn import_from_file(&mut self) {
        let owner = &self.owner;
        let url = "https://jiangsu-10.zos.ctyun.cn/ims-openapi/ImportSystemDiskImage.qcow2";
        let check = owner.validate_image_file_source(ValidateImageFileSourceRequest::new(url)).await.unwrap();
        self.called.insert("validate_image_file_source");
        assert_eq!(check.valid_url, Some(true));
        let imported = owner
            .import_image(ImportImageRequest::new(
                url,
                ImageProperties::new("ops-imported", "CTyunOS").os_version("2.0.1").disk_size(40),
            ))
            .await
            .unwrap();
        self.called.insert("import_image");
        let imported = imported.images.unwrap().remove(0);
        let tasks = owner.list_import_tasks(ListImportTasksRequest::new()).await.unwrap();
        self.called.insert("list_import_tasks");
        let task_id = imported
            .task_id
            .clone()
            .or_else(|| tasks.image_import_tasks.unwrap_or_default().into_iter().find_map(|t| t.task_id))
            .expect("an import task id");
        // Deleting an import task is accepted whatever the task's state (it only acts on failed ones).
        owner.delete_import_task(DeleteImportTaskRequest::new(task_id)).await.unwrap();
        self.called.insert("delete_import_task");
    }

    /// Attributes and labels.
    async fn attributes_and_labels(&mut self, id: &str) {
        let owner = &self.owner;
        owner.update_image(UpdateImageRequest::new(id).description("renamed by ops")).await.unwrap();
        self.called.insert("update_image");
        let detail = owner.get_image(GetImageRequest::new(id)).await.unwrap();
        assert_eq!(detail.images.unwrap()[0].description.as_deref(), Some("renamed by ops"));
        owner
            .update_image_labels(UpdateImageLabelsRequest::new(
                [id],
                vec![Label::new("team", "img")],
                LabelOperation::Bind,
            ))
            .await
            .unwrap();
        self.called.insert("update_image_labels");
    }

    /// Copies: across regions (to an advertised destination) and in place.
    async fn copies(&mut self, id: &str) {
        let owner = &self.owner;
        let dests =
            owner.list_supported_destination_regions(ListSupportedDestinationRegionsRequest::new()).await.unwrap();
        self.called.insert("list_supported_destination_regions");
        let dest = dests.regions.unwrap_or_default().into_iter().next().expect("a destination region");
        owner.copy_image_across_regions(CopyImageAcrossRegionsRequest::new(&dest, id, "ops-copy-far")).await.unwrap();
        self.called.insert("copy_image_across_regions");
        let far = owner
            .list_images(
                ListImagesRequest::new()
                    .region_id(&dest)
                    .image_visibility_code(ImageVisibilityCode::Private)
                    .image_name("ops-copy-far"),
            )
            .await
            .unwrap();
        self.called.insert("list_images");
        assert_eq!(far.total_count, Some(1), "the copy appears in the destination region");
        owner.copy_image(CopyImageRequest::new(id, "ops-copy-near")).await.unwrap();
        self.called.insert("copy_image");
    }

    /// Export, then the task list and cancelling the export (on the server whose tasks take
    /// two reads to finish, so there is a running export to cancel).
    async fn export_and_cancel(&mut self) {
        let slow = &self.slow;
        let created = slow.create_image(CreateImageRequest::new("ecs-ops-2", "ops-export-src")).await.unwrap();
        let src = created.images.unwrap().remove(0).image_id;
        slow.wait_until_image_active(GetImageRequest::new(&src), WAIT).await.unwrap();
        slow.export_image(ExportImageRequest::new(&src, "my-bucket", "ops-export")).await.unwrap();
        self.called.insert("export_image");
        let tasks = slow.list_image_tasks(ListImageTasksRequest::new(&src)).await.unwrap();
        self.called.insert("list_image_tasks");
        let export = tasks.results.unwrap_or_default().into_iter().next().expect("the export task");
        let done = slow.operate_image_task(OperateImageTaskRequest::new(export.task_id, TaskOperation::Cancel)).await;
        self.called.insert("operate_image_task");
        assert_eq!(done.unwrap().success, Some(true));
    }

    /// Sharing with another account: it sees the share waiting, accepts, copies it, rejects.
    async fn sharing(&mut self, id: &str) {
        let (owner, friend) = (&self.owner, &self.friend);
        owner.share_image(ShareImageRequest::new(id, &self.friend_account)).await.unwrap();
        self.called.insert("share_image");
        let shares = owner.list_image_shares(ListImageSharesRequest::new(id)).await.unwrap();
        self.called.insert("list_image_shares");
        assert_eq!(shares.total_count, Some(1));
        assert_eq!((shares.page_no, shares.page_size), (Some(1), Some(10)), "echoed as integers");
        let seen = friend
            .list_images(ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Shared))
            .await
            .unwrap()
            .images
            .unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].image_visibility, Some(ImageVisibility::Shared));
        assert_eq!(seen[0].image_status, Some(ImageStatus::Waiting));
        friend.accept_shared_image(AcceptSharedImageRequest::new(id)).await.unwrap();
        self.called.insert("accept_shared_image");
        friend.create_image_from_shared_image(CreateImageFromSharedImageRequest::new(id, "friend-copy")).await.unwrap();
        self.called.insert("create_image_from_shared_image");
        friend.reject_shared_image(RejectSharedImageRequest::new(id)).await.unwrap();
        self.called.insert("reject_shared_image");
        owner.unshare_image(UnshareImageRequest::new(id).cancel_all_shared_account(true)).await.unwrap();
        self.called.insert("unshare_image");
    }

    /// Deprecate and restore, with the waiters.
    async fn deprecate_and_restore(&mut self, id: &str) {
        let owner = &self.owner;
        owner.deactivate_image(DeactivateImageRequest::new(id)).await.unwrap();
        self.called.insert("deactivate_image");
        let w = owner.wait_until_image_deactivated(GetImageRequest::new(id), WAIT).await.unwrap();
        assert_eq!(w.output.unwrap().images.unwrap()[0].image_status, Some(ImageStatus::Deactivated));
        owner.reactivate_image(ReactivateImageRequest::new(id)).await.unwrap();
        self.called.insert("reactivate_image");
        owner.wait_until_image_active(GetImageRequest::new(id), WAIT).await.unwrap();
    }

    /// Delete, and wait until it is gone.
    async fn delete(&mut self, id: &str) {
        let owner = &self.owner;
        owner.delete_image(DeleteImageRequest::new(id)).await.unwrap();
        self.called.insert("delete_image");
        owner.wait_until_image_deleted(GetImageRequest::new(id), WAIT).await.unwrap();
        let gone = owner.get_image(GetImageRequest::new(id).error_free(false)).await.unwrap_err();
        assert_eq!(gone.api_code(), Some("Image.ImageCheck.NotFound"));
    }

    /// Every generated operation method was exercised (the list comes from the generated code),
    /// and every call was signed correctly (none rejected by the verifier).
    fn every_operation_was_called_and_signed(&self) {
        let generated = include_str!("../../../client/src/generated/mod.rs");
        let all: BTreeSet<&str> = generated
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub async fn "))
            .map(|l| l.split('(').next().unwrap())
            .filter(|m| !m.starts_with("wait_until_"))
            .collect();
        assert_eq!(all.len(), 27, "{all:?}");
        let missing: Vec<_> = all.difference(&self.called).collect();
        assert!(missing.is_empty(), "operations not exercised end to end: {missing:?}");
        for ak in [&self.owner_ak, &self.friend_ak] {
            assert!(server().requests_by(ak).iter().all(|r| r.verified()), "{ak}");
        }
    }
}

#[test]
fn get_image_of_a_missing_image_is_a_typed_not_found_by_default() {
    let (c, ak) = client_for("not-found");
    let missing = "00000000-0000-4000-8000-000000000000";
    // Not setting `errorFree`: the client sends `false`, as CTyun's doc recommends
    // (`x-sent-default` in the spec), so a missing image is an error, not an empty list.
    let e = rt().block_on(c.get_image(GetImageRequest::new(missing))).unwrap_err();
    assert!(matches!(e, ctyun_image::Error::Api(_)), "{e:?}");
    assert!(e.is_not_found(), "{e:?}");
    assert_eq!(e.api_code(), Some("Image.ImageCheck.NotFound"));
    assert_eq!(e.error_code(), Some(ctyun_image::ErrorCode::ImageNotFound), "typed from `x-error-codes`");
    assert_eq!(e.http_status(), Some(200), "a business failure: HTTP 200, statusCode 900");
    assert_eq!(e.operation(), Some("getImage"));
    assert!(e.as_api_error().is_some_and(|a| a.message.contains(missing)), "{e:?}");
    let sent = server().requests_by(&ak);
    let last = sent.last().expect("a request was logged");
    assert!(last.raw_query.contains("errorFree=false"), "sent: {}", last.raw_query);
    // Explicit values are sent as given; `true` keeps the server's old answer.
    let e = rt().block_on(c.get_image(GetImageRequest::new(missing).error_free(false))).unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    let old = rt().block_on(c.get_image(GetImageRequest::new(missing).error_free(true))).unwrap();
    assert!(old.images.unwrap_or_default().is_empty());
}

#[test]
fn an_error_code_the_spec_does_not_declare_is_unknown_and_kept_verbatim() {
    let (c, _) = client_for("unknown-code");
    let req = OperateImageTaskRequest::new("no-such-task", TaskOperation::Cancel);
    let e = rt().block_on(c.operate_image_task(req)).unwrap_err();
    let code = e.error_code().expect("an API error has a code");
    assert_eq!(code, ctyun_image::ErrorCode::Unknown("Image.Task.NotFound".into()), "{e:?}");
    assert_eq!((code.as_str(), e.api_code()), ("Image.Task.NotFound", Some("Image.Task.NotFound")));
    assert!(e.is_not_found(), "an undeclared `...NotFound` code still counts: {e:?}");
    assert_eq!(ctyun_image::ErrorCode::IamNoPrivilege.to_string(), "CTIAM_1044");
}

#[test]
fn iam_error_codes_from_any_operation_are_typed() {
    use ctyun_image::ErrorCode;
    let (c, ak) = client_for("iam-codes");
    for (wire, typed) in [("CTIAM_0005", ErrorCode::IamNoPermission), ("CTIAM_1044", ErrorCode::IamNoPrivilege)] {
        server().inject_rule(FaultRule::new(Fault::ApiError(wire.to_owned())).times(1).access_key(&ak));
        let e = rt().block_on(c.list_images(ListImagesRequest::new())).unwrap_err();
        assert_eq!(e.error_code(), Some(typed), "{e:?}");
        assert_eq!((e.api_code(), e.http_status()), (Some(wire), Some(200)), "{e:?}");
        assert!(!e.is_not_found() && !e.is_throttled(), "{e:?}");
    }
    // The fault was used up: the next call is answered normally.
    rt().block_on(c.list_images(ListImagesRequest::new())).unwrap();
}

#[test]
fn comma_separated_values_are_vecs_in_rust_and_one_joined_string_on_the_wire() {
    let (c, ak) = client_for("comma");
    let ids = server().seed_private_images(&ak, REGION, "comma", 2);
    let req = UpdateImageLabelsRequest::new(&ids, vec![Label::new("team", "comma")], LabelOperation::Bind);
    // The body field is one string (`x-comma-separated`), exactly as CTyun's doc types it.
    let body = serde_json::to_value(&req).unwrap();
    assert_eq!(body["imageIDList"], serde_json::json!(format!("{},{}", ids[0], ids[1])));
    rt().block_on(c.update_image_labels(req)).unwrap();
    // The fake splits the wire string itself: both images got the label.
    for id in &ids {
        let labels = server().state().images[id].labels.clone();
        assert_eq!(labels, [("team".to_owned(), "comma".to_owned())], "{id}");
    }
    // Unshare takes a list of accounts; one entry is sent without a trailing comma.
    let unshare = UnshareImageRequest::new(&ids[0]).destination_account_id(["a1", "b2"]);
    assert_eq!(serde_json::to_value(&unshare).unwrap()["destinationAccountID"], "a1,b2");
    // Responses: a comma-separated `imageScene` decodes into its values.
    let apps = rt()
        .block_on(c.list_images(ListImagesRequest::new().image_visibility_code(ImageVisibilityCode::Application)))
        .unwrap()
        .images
        .unwrap();
    let scenes: Vec<Vec<String>> = apps.iter().filter_map(|i| i.image_scene.clone()).collect();
    assert!(scenes.contains(&vec!["website".to_owned()]), "{scenes:?}");
    let image: ctyun_image::model::Image =
        serde_json::from_value(serde_json::json!({"imageID": "i", "imageScene": "dev, gaming", "cwaiType": ""}))
            .unwrap();
    assert_eq!(image.image_scene, Some(vec!["dev".to_owned(), "gaming".to_owned()]));
    assert_eq!(image.cwai_type, Some(vec![]), "an empty string is an empty list");
    let back = serde_json::to_value(&image).unwrap();
    assert_eq!(back["imageScene"], "dev,gaming", "serialized joined again");
}
