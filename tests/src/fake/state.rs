//! In-memory state of the fake: accounts, images (per region), share records, import/export
//! tasks, pending faults and a log of every request received.
//!
//! Transitional statuses (`queued`, `deleting`, `deactivating`, `reactivating`, running
//! tasks) complete according to [`Transition`]: after a number of *polls* (reads of the image
//! through `detail`/`list`, or of the task through `list-tasks`/`list-import-tasks`) or after an
//! elapsed time. Any request touching an object first completes the transitions that are due,
//! so with `Transition::Polls(0)` every transition is complete by the next request.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::fault::FaultQueue;

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

/// When transitional statuses complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// After this many polls of the object (`0`: by the next request of any kind).
    Polls(u32),
    /// After this much time since the transition began.
    Elapsed(Duration),
}

impl Default for Transition {
    fn default() -> Self {
        Transition::Polls(2)
    }
}

/// What a pending transition ends in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    /// The object takes this status.
    Status(&'static str),
    /// The image disappears (deleted).
    Remove,
}

/// A transition in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Where it ends.
    pub then: Then,
    /// Polls seen so far.
    pub seen: u32,
    /// When it began.
    pub started: Instant,
}

impl Pending {
    /// A transition starting now.
    pub fn new(then: Then) -> Pending {
        Pending { then, seen: 0, started: Instant::now() }
    }

    fn done(&self, t: Transition) -> bool {
        match t {
            Transition::Polls(n) => self.seen >= n,
            Transition::Elapsed(d) => self.started.elapsed() >= d,
        }
    }

    fn percent(&self, t: Transition) -> i64 {
        let p = match t {
            Transition::Polls(n) => i64::from(self.seen) * 100 / (i64::from(n) + 1),
            Transition::Elapsed(d) if d.is_zero() => 99,
            Transition::Elapsed(d) => (self.started.elapsed().as_secs_f64() / d.as_secs_f64() * 100.0) as i64,
        };
        p.clamp(0, 99)
    }
}

/// One share of a private image with another account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// Recipient account id.
    pub account: String,
    /// `waiting`, `accepted` or `rejected`.
    pub status: String,
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
    pub status: String,
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
    pub pending: Option<Pending>,
}

fn epoch_str(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn iso_millis(t: SystemTime) -> String {
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
            status: "queued".into(),
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
            "hasAcceptedSharedImages": self.shares.iter().any(|s| s.status == "accepted"),
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
    /// `import` or `export`.
    pub action: &'static str,
    /// `importing`, `imported`, `imported_failed`, `exporting`, `exported`, `exported_failed`,
    /// `cancelling`, `cancelled`.
    pub status: String,
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
    pub pending: Option<Pending>,
}

impl Task {
    /// Whether the task still runs (and may be cancelled).
    pub fn running(&self) -> bool {
        matches!(self.status.as_str(), "importing" | "exporting")
    }

    /// A `list-tasks` result item.
    pub fn to_json(&self) -> Value {
        json!({
            "taskID": self.id,
            "action": self.action,
            "taskProgress": self.progress,
            "taskStatus": self.status,
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
            "taskStatus": self.status,
            "taskProgress": self.progress,
            "imageID": self.image_id,
            "imageName": self.image_name,
            "osType": self.os_type,
            "createdTime": iso_millis(self.created),
        })
    }
}

/// One request as received (every request to the API paths, verified or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Arrival number, from 1.
    pub seq: u64,
    /// Access key named in `Eop-Authorization` (empty when absent or unparsable).
    pub access_key: String,
    /// `ctyun-eop-request-id` (empty when absent).
    pub request_id: String,
    /// `Eop-date` (empty when absent).
    pub eop_date: String,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Raw query string as received.
    pub raw_query: String,
    /// `User-Agent` header (empty when absent).
    pub user_agent: String,
    /// Lower-case hex SHA-256 of the body.
    pub body_sha256: String,
    /// Body length in bytes.
    pub body_len: usize,
    /// The `Eop.Auth.*` code when the signature check rejected it.
    pub auth_error: Option<String>,
    /// The fault spec applied to it, if any.
    pub fault: Option<String>,
    /// When it arrived.
    pub received_at: SystemTime,
}

impl RecordedRequest {
    /// Whether the signature check passed.
    pub fn verified(&self) -> bool {
        self.auth_error.is_none()
    }

    /// The record as JSON (what `GET /__fake/requests` shows).
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "accessKey": self.access_key,
            "requestID": self.request_id,
            "eopDate": self.eop_date,
            "method": self.method,
            "path": self.path,
            "rawQuery": self.raw_query,
            "bodySha256": self.body_sha256,
            "bodyLen": self.body_len,
            "verified": self.verified(),
            "authError": self.auth_error,
            "fault": self.fault,
            "receivedAt": iso_millis(self.received_at),
        })
    }
}

struct Account {
    secret_key: String,
    account_id: String,
}

/// At most this many requests are kept in [`State::requests`] (oldest dropped first).
pub const MAX_RECORDED_REQUESTS: usize = 200_000;

/// Everything the fake knows.
pub struct State {
    accounts: BTreeMap<String, Account>,
    /// When transitions complete.
    pub transition: Transition,
    /// Regions offered as cross-region copy destinations.
    pub regions: Vec<String>,
    /// Images by id.
    pub images: BTreeMap<String, Image>,
    /// Import/export tasks by id.
    pub tasks: BTreeMap<String, Task>,
    seeded_regions: BTreeSet<String>,
    /// Every request received on the API paths, in arrival order.
    pub requests: VecDeque<RecordedRequest>,
    /// Queued fault rules.
    pub faults: FaultQueue,
    next_seq: u64,
    next_request: u64,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("accounts", &self.accounts.keys().collect::<Vec<_>>())
            .field("images", &self.images.len())
            .field("tasks", &self.tasks.len())
            .field("requests", &self.requests.len())
            .finish()
    }
}

/// Catalogue images present in every region: (name, distro, version, os, visibility, scene,
/// subcategory). The four `public` ones are what `list` shows by default.
type CatalogueEntry =
    (&'static str, &'static str, &'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>);
const CATALOGUE: &[CatalogueEntry] = &[
    ("CTyunOS 2.0.1 64bit", "CTyunOS", "2.0.1", "linux", "public", None, None),
    ("Ubuntu 22.04 64bit", "Ubuntu", "22.04", "linux", "public", None, None),
    ("CentOS 7.9 64bit", "CentOS", "7.9", "linux", "public", None, None),
    ("Windows 2019 64bit", "Windows", "2019", "windows", "public", None, None),
    ("CTyunOS-Security-Hardened", "CTyunOS", "2.0.1", "linux", "safe", None, None),
    ("CTyunOS-Curated-Base", "CTyunOS", "23.01", "linux", "community", None, None),
    ("WordPress-6-CTyunOS", "CTyunOS", "2.0.1", "linux", "app", Some("website"), Some("app")),
    ("Docker-CE-Ubuntu", "Ubuntu", "22.04", "linux", "app", Some("dev"), Some("thin_app")),
];

impl State {
    /// A state with these `(access key, secret key)` accounts and no images.
    pub fn new(accounts: &[(String, String)]) -> State {
        State {
            accounts: accounts
                .iter()
                .map(|(ak, sk)| (ak.clone(), Account { secret_key: sk.clone(), account_id: account_id_for(ak) }))
                .collect(),
            transition: Transition::default(),
            regions: Vec::new(),
            images: BTreeMap::new(),
            tasks: BTreeMap::new(),
            seeded_regions: BTreeSet::new(),
            requests: VecDeque::new(),
            faults: FaultQueue::default(),
            next_seq: 0,
            next_request: 0,
        }
    }

    /// Adds (or replaces) an account.
    pub fn add_account(&mut self, ak: &str, sk: &str) {
        self.accounts.insert(ak.to_owned(), Account { secret_key: sk.to_owned(), account_id: account_id_for(ak) });
    }

    /// The secret key of an access key.
    pub fn secret_for(&self, ak: &str) -> Option<String> {
        self.accounts.get(ak).map(|a| a.secret_key.clone())
    }

    /// The account id of an access key.
    pub fn account_of(&self, ak: &str) -> String {
        self.accounts.get(ak).map(|a| a.account_id.clone()).unwrap_or_else(|| account_id_for(ak))
    }

    /// Appends a request record (assigning its `seq`), keeping at most
    /// [`MAX_RECORDED_REQUESTS`].
    pub fn record(&mut self, mut r: RecordedRequest) {
        self.next_request += 1;
        r.seq = self.next_request;
        if self.requests.len() >= MAX_RECORDED_REQUESTS {
            self.requests.pop_front();
        }
        self.requests.push_back(r);
    }

    /// A fresh insertion sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Makes sure a region has its catalogue images.
    pub fn seed_region(&mut self, region: &str) {
        if !self.seeded_regions.insert(region.to_owned()) {
            return;
        }
        for (i, (name, distro, version, os, visibility, scene, sub)) in CATALOGUE.iter().enumerate() {
            let seq = self.next_seq();
            let mut img = Image::private("", region, name, seq);
            img.id = stable_uuid(&format!("public/{region}/{i}"));
            img.owner = None;
            img.status = "active".into();
            img.visibility = (*visibility).into();
            img.source = None;
            img.description = Some(format!("{distro} {version} {visibility} image"));
            img.os_distro = (*distro).into();
            img.os_version = (*version).into();
            img.os_type = (*os).into();
            img.image_scene = scene.map(str::to_owned);
            img.image_subcategory = sub.map(str::to_owned);
            img.created = 1_700_000_000;
            img.updated = 1_700_000_000;
            self.images.insert(img.id.clone(), img);
        }
    }

    /// Adds `count` active private images named `{prefix}-{n}` (n from 1) to `account` in
    /// `region`, for paging and load tests. Returns their ids in listing order.
    pub fn seed_private_images(&mut self, account: &str, region: &str, prefix: &str, count: usize) -> Vec<String> {
        self.seed_region(region);
        (1..=count)
            .map(|n| {
                let seq = self.next_seq();
                let mut img = Image::private(account, region, &format!("{prefix}-{n}"), seq);
                img.status = "active".into();
                let id = img.id.clone();
                self.images.insert(id.clone(), img);
                id
            })
            .collect()
    }

    /// Completes the image's transition (and its running import task's) when due. Returns
    /// whether the image still exists.
    pub fn settle_image(&mut self, id: &str) -> bool {
        let t = self.transition;
        let Some(img) = self.images.get_mut(id) else { return false };
        let task_id = img.task_id.clone();
        if img.pending.as_ref().is_some_and(|p| p.done(t)) {
            let p = img.pending.take().expect("checked");
            match p.then {
                Then::Status(s) => {
                    img.status = s.into();
                    img.updated = now_epoch();
                }
                Then::Remove => {
                    self.images.remove(id);
                    return false;
                }
            }
        }
        if let Some(task_id) = task_id {
            self.settle_task(&task_id);
        }
        self.images.contains_key(id)
    }

    /// Counts one poll of the image (and of its running task).
    pub fn tick_image(&mut self, id: &str) {
        let Some(img) = self.images.get_mut(id) else { return };
        if let Some(p) = img.pending.as_mut() {
            p.seen += 1;
        }
        if let Some(task_id) = img.task_id.clone() {
            self.tick_task(&task_id);
        }
    }

    /// Completes a task's transition when due, applying its effect on the image.
    pub fn settle_task(&mut self, id: &str) {
        let t = self.transition;
        let Some(task) = self.tasks.get_mut(id) else { return };
        let Some(p) = task.pending.as_ref() else { return };
        if !p.done(t) {
            task.progress = task.progress.max(p.percent(t));
            return;
        }
        let Then::Status(status) = task.pending.take().expect("checked").then else { return };
        task.status = status.into();
        task.finished = Some(SystemTime::now());
        if matches!(status, "imported" | "exported") {
            task.progress = 100;
        }
        let (action, image_id) = (task.action, task.image_id.clone());
        if let Some(img) = self.images.get_mut(&image_id) {
            if action == "import" && img.status == "queued" {
                img.status = if status == "imported" { "active" } else { "error" }.into();
                img.updated = now_epoch();
            }
        }
    }

    /// Counts one poll of a task.
    pub fn tick_task(&mut self, id: &str) {
        let t = self.transition;
        if let Some(task) = self.tasks.get_mut(id) {
            if let Some(p) = task.pending.as_mut() {
                p.seen += 1;
                task.progress = task.progress.max(p.percent(t));
            }
        }
    }

    /// The progress to show on an image with a running task.
    pub fn task_progress_of(&self, img: &Image) -> Option<i64> {
        img.task_id.as_ref().and_then(|t| self.tasks.get(t)).map(|t| t.progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_complete_a_transition() {
        let mut s = State::new(&[]);
        s.transition = Transition::Polls(2);
        let ids = s.seed_private_images("acct", "r", "img", 1);
        let id = &ids[0];
        s.images.get_mut(id).unwrap().pending = Some(Pending::new(Then::Status("deactivated")));
        s.images.get_mut(id).unwrap().status = "deactivating".into();
        for _ in 0..2 {
            assert!(s.settle_image(id));
            assert_eq!(s.images[id].status, "deactivating");
            s.tick_image(id);
        }
        assert!(s.settle_image(id));
        assert_eq!(s.images[id].status, "deactivated");
    }

    #[test]
    fn elapsed_time_completes_a_transition() {
        let mut s = State::new(&[]);
        s.transition = Transition::Elapsed(Duration::from_millis(30));
        let ids = s.seed_private_images("acct", "r", "img", 1);
        let id = &ids[0];
        s.images.get_mut(id).unwrap().pending = Some(Pending::new(Then::Remove));
        assert!(s.settle_image(id));
        std::thread::sleep(Duration::from_millis(40));
        assert!(!s.settle_image(id));
        assert!(!s.images.contains_key(id));
    }
}
