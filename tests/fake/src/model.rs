//! What the fake stores: images, shares and import/export tasks, their statuses as enums, and
//! how each is shown in API responses. How statuses change is in [`super::transitions`].

use std::time::SystemTime;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::transitions::Pending;

/// An enum with a fixed set of API spellings.
pub trait WireEnum: Copy + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// The value as the API spells it.
    fn wire(self) -> &'static str;
}

/// Declares a status enum with its wire spelling.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vm])* $v,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            /// The value as the API spells it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)+
                }
            }

            /// The value of an API spelling.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl WireEnum for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn wire(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

wire_enum! {
    /// `imageStatus` of an image.
    ImageStatus {
        /// Being created, copied or imported.
        Queued = "queued",
        /// Usable.
        Active = "active",
        /// Being deactivated.
        Deactivating = "deactivating",
        /// Deactivated (cannot create servers).
        Deactivated = "deactivated",
        /// Being reactivated.
        Reactivating = "reactivating",
        /// Being deleted.
        Deleting = "deleting",
        /// Failed (e.g. an import whose file was unreadable).
        Error = "error",
    }
}

wire_enum! {
    /// Status of a share (`imageStatus` in the recipient's view).
    ShareStatus {
        /// Not yet answered by the recipient.
        Waiting = "waiting",
        /// Accepted by the recipient.
        Accepted = "accepted",
        /// Rejected by the recipient.
        Rejected = "rejected",
    }
}

wire_enum! {
    /// `taskStatus` of an import or export task.
    TaskStatus {
        /// Import running.
        Importing = "importing",
        /// Import finished.
        Imported = "imported",
        /// Import failed.
        ImportedFailed = "imported_failed",
        /// Export running.
        Exporting = "exporting",
        /// Export finished.
        Exported = "exported",
        /// Export failed.
        ExportedFailed = "exported_failed",
        /// Being cancelled.
        Cancelling = "cancelling",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

wire_enum! {
    /// `action` of a task.
    TaskAction {
        /// Importing an image file.
        Import = "import",
        /// Exporting an image to object storage.
        Export = "export",
    }
}

impl TaskStatus {
    /// Whether a task in this status still runs (and may be cancelled).
    pub const fn running(self) -> bool {
        matches!(self, TaskStatus::Importing | TaskStatus::Exporting)
    }
}

/// The CTyun account id the fake derives from an access key (32 hex chars, like real ids).
pub fn account_id_for(access_key: &str) -> String {
    let d = Sha256::digest(format!("account:{access_key}").as_bytes());
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A UUID derived from a string (the same string gives the same id).
pub fn stable_uuid(seed: &str) -> String {
    let d = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// One share of a private image with another account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// Recipient account id.
    pub account: String,
    /// Whether the recipient answered.
    pub status: ShareStatus,
    /// When it was shared (epoch seconds).
    pub created: i64,
}

/// An image held by the fake.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// `imageID`.
    pub id: String,
    /// Owning account id; `None` for the catalogue images (public, security, curated, app).
    pub owner: Option<String>,
    /// `regionID`.
    pub region: String,
    /// `imageName`.
    pub name: String,
    /// `imageStatus`.
    pub status: ImageStatus,
    /// `imageVisibility` as the owner sees it (`private`, `public`, `safe`, `community`, `app`).
    pub visibility: String,
    /// `imageSource`.
    pub source: Option<String>,
    /// `imageType` (`None` = system disk).
    pub image_type: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `osDistro`.
    pub os_distro: String,
    /// `osVersion`.
    pub os_version: String,
    /// `osType`.
    pub os_type: String,
    /// `architecture`.
    pub architecture: String,
    /// `bootMode`.
    pub boot_mode: String,
    /// `diskFormat`.
    pub disk_format: String,
    /// `diskSize` (GiB).
    pub disk_size: i64,
    /// `imageSize` (bytes).
    pub image_size: i64,
    /// `minimumRAM` (GiB, 0 = unlimited).
    pub minimum_ram: i64,
    /// `maximumRAM` (GiB, 0 = unlimited).
    pub maximum_ram: i64,
    /// `supportXSSD`.
    pub support_xssd: bool,
    /// `projectID`.
    pub project_id: String,
    /// `sourceServerID` (ECS, snapshot).
    pub source_server_id: Option<String>,
    /// `diskID`.
    pub disk_id: Option<String>,
    /// `isEncrypt`.
    pub is_encrypt: bool,
    /// `cmkID`.
    pub cmk_id: Option<String>,
    /// `enableImageIntegrityCheck`.
    pub integrity_check: bool,
    /// `imageScene` (app images).
    pub image_scene: Option<String>,
    /// `imageSubcategory` (app images).
    pub image_subcategory: Option<String>,
    /// Labels bound to the image, in binding order (not part of any documented response).
    pub labels: Vec<(String, String)>,
    /// Shares with other accounts.
    pub shares: Vec<Share>,
    /// `taskID`: the image's latest import/export task.
    pub task_id: Option<String>,
    /// For copies: `(source image id, source region)`.
    pub copied_from: Option<(String, String)>,
    /// `createdTime` (epoch seconds).
    pub created: i64,
    /// `updatedTime` (epoch seconds).
    pub updated: i64,
    /// Insertion order, for stable listing.
    pub seq: u64,
    /// A transition in progress.
    pub pending: Option<Pending<ImageStatus>>,
}

fn epoch_str(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

pub(crate) fn iso_millis(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The current time in epoch seconds.
pub fn now_epoch() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The e-mail-like user name the fake shows for an account id.
pub fn user_for(account: &str) -> String {
    format!("{}@users.fake-ctyun.invalid", &account[..account.len().min(8)])
}

/// How an image is being shown.
#[derive(Clone, Copy, Debug)]
pub enum View<'a> {
    /// As its owner (or anyone, for catalogue images) sees it.
    Owner,
    /// As one share: the recipient's `list`/`detail` view, or a record of `show-shared-list`.
    Share(&'a Share),
}

impl Image {
    /// A new private image of `owner` in `region`, status `queued`, with neutral defaults.
    pub fn private(owner: &str, region: &str, name: &str, seq: u64) -> Image {
        let now = now_epoch();
        Image {
            id: uuid::Uuid::new_v4().to_string(),
            owner: Some(owner.to_owned()),
            region: region.to_owned(),
            name: name.to_owned(),
            status: ImageStatus::Queued,
            visibility: "private".into(),
            source: Some("cloud_server".into()),
            image_type: None,
            description: None,
            os_distro: "CTyunOS".into(),
            os_version: "2.0.1".into(),
            os_type: "linux".into(),
            architecture: "x86_64".into(),
            boot_mode: "bios".into(),
            disk_format: "qcow2".into(),
            disk_size: 40,
            image_size: 3 * 1024 * 1024 * 1024,
            minimum_ram: 0,
            maximum_ram: 0,
            support_xssd: false,
            project_id: "0".into(),
            source_server_id: None,
            disk_id: None,
            is_encrypt: false,
            cmk_id: None,
            integrity_check: false,
            image_scene: None,
            image_subcategory: None,
            labels: Vec::new(),
            shares: Vec::new(),
            task_id: None,
            copied_from: None,
            created: now,
            updated: now,
            seq,
            pending: None,
        }
    }

    /// Whether `account` owns this image.
    pub fn owned_by(&self, account: &str) -> bool {
        self.owner.as_deref() == Some(account)
    }

    /// The share with `account`, if any.
    pub fn share_with(&self, account: &str) -> Option<&Share> {
        self.shares.iter().find(|s| s.account == account)
    }

    /// The image as the API shows it (all documented fields of `list`).
    pub fn to_json(&self, view: View<'_>, task_progress: Option<i64>) -> Value {
        let (visibility, status, source_account, dest_account) = match view {
            View::Owner => (self.visibility.as_str(), self.status.as_str(), None, None),
            View::Share(s) => ("shared", s.status.as_str(), self.owner.clone(), Some(s.account.clone())),
        };
        let full_ecs = self.image_type.as_deref() == Some("full_ecs_image");
        let source_disks = full_ecs.then(|| {
            json!([
                {"isSystemVolume": true, "diskName": "system", "diskID": stable_uuid(&format!("{}/sys", self.id)),
                 "diskSize": self.disk_size, "cmkID": null, "isEncrypt": false, "diskType": "SATA"},
                {"isSystemVolume": false, "diskName": "data-1", "diskID": stable_uuid(&format!("{}/data", self.id)),
                 "diskSize": 100, "cmkID": null, "isEncrypt": false, "diskType": "SATA"},
            ])
        });
        let mut out = json!({
            "imageID": self.id,
            "imageName": self.name,
            "imageDisplayName": self.name,
            "imageStatus": status,
            "imageVisibility": visibility,
            "imageSource": self.source,
            "imageType": self.image_type,
            "imageClass": "ECS",
            "imageCategory": if self.owner.is_none() { Some("basic") } else { None },
            "imageSubcategory": self.image_subcategory,
            "imageScene": self.image_scene,
            "imageProvider": if self.owner.is_none() { Some("CN_CTCLOUD_001") } else { None },
            "description": self.description.clone().unwrap_or_default(),
            "osDistro": self.os_distro,
            "osVersion": self.os_version,
            "osType": self.os_type,
            "architecture": self.architecture,
            "bootMode": self.boot_mode,
            "containerFormat": "bare",
            "diskFormat": self.disk_format,
            "diskSize": self.disk_size,
            "diskID": self.disk_id,
            "fullECSDiskSize": if full_ecs { Some(self.disk_size + 100) } else { None },
            "sourceDisks": source_disks,
            "imageSize": self.image_size,
        });
        let more = json!({
            "sourceServerID": self.source_server_id,
            "projectID": self.project_id,
            "imageShareCount": self.shares.len(),
            "hasAcceptedSharedImages": self.shares.iter().any(|s| s.status == ShareStatus::Accepted),
            "sourceAccountID": source_account,
            "sourceUser": source_account.as_deref().map(user_for),
            "destinationAccountID": dest_account,
            "destinationUser": dest_account.as_deref().map(user_for),
            "chargeableImage": false,
            "isEncrypt": self.is_encrypt,
            "cmkID": self.cmk_id,
            "enableImageIntegrityCheck": self.integrity_check,
            "imageIntegrityCheckStatus": if self.integrity_check { Some("check_success") } else { None },
            "maximumRAM": self.maximum_ram,
            "minimumRAM": self.minimum_ram,
            "maximumCPUCoreCount": 0,
            "minimumCPUCoreCount": 0,
            "supportXSSD": self.support_xssd,
            "supportOneClickSFSMount": false,
            "trustedImage": false,
            "visibleImage": true,
            "taskID": self.task_id,
            "taskProgress": task_progress,
            "createdTime": self.created,
            "createdTimeStr": epoch_str(self.created),
            "updatedTime": self.updated,
            "updatedTimeStr": epoch_str(self.updated),
        });
        if let (Value::Object(a), Value::Object(b)) = (&mut out, more) {
            a.extend(b);
        }
        out
    }
}

/// An import or export task.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// `taskID`.
    pub id: String,
    /// Owning account id.
    pub owner: String,
    /// Region id.
    pub region: String,
    /// The image imported into or exported from.
    pub image_id: String,
    /// The image's name when the task began.
    pub image_name: String,
    /// The image's `osType`.
    pub os_type: String,
    /// Import or export.
    pub action: TaskAction,
    /// `taskStatus`.
    pub status: TaskStatus,
    /// Last known progress (0–100).
    pub progress: i64,
    /// Bucket (export target, import source).
    pub bucket: Option<String>,
    /// Object name (export target, import source).
    pub filename: Option<String>,
    /// Export file format.
    pub format: Option<String>,
    /// When it began.
    pub created: SystemTime,
    /// When it ended.
    pub finished: Option<SystemTime>,
    /// Insertion order.
    pub seq: u64,
    /// A transition in progress.
    pub pending: Option<Pending<TaskStatus>>,
}

impl Task {
    /// Whether the task still runs (and may be cancelled).
    pub fn running(&self) -> bool {
        self.status.running()
    }

    /// A `list-tasks` result item.
    pub fn to_json(&self) -> Value {
        json!({
            "taskID": self.id,
            "action": self.action.as_str(),
            "taskProgress": self.progress,
            "taskStatus": self.status.as_str(),
            "filename": self.filename,
            "bucket": self.bucket,
            "imageID": self.image_id,
            "createdTime": iso_millis(self.created),
            "finishedTime": self.finished.map(iso_millis),
        })
    }

    /// A `list-import-tasks` item.
    pub fn to_import_json(&self) -> Value {
        json!({
            "taskID": self.id,
            "taskStatus": self.status.as_str(),
            "taskProgress": self.progress,
            "imageID": self.image_id,
            "imageName": self.image_name,
            "osType": self.os_type,
            "createdTime": iso_millis(self.created),
        })
    }
}
