//! The store: accounts, images (per region), import/export tasks, pending faults and the
//! request log, and the completion of due transitions (the rules are in
//! [`super::transitions`]).

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use super::fault::FaultQueue;
use super::log::{RecordedRequest, RequestLog};
use super::model::{
    account_id_for, now_epoch, stable_uuid, Image, ImageStatus, Share, ShareStatus, Task, TaskAction, TaskStatus,
};
use super::transitions::{image_after_import, rule_of, Action, Transition, IMAGE_TRANSITIONS};

/// A private image to put in the fake before a test runs ([`crate::FakeConfig::image`],
/// [`crate::FakeServer::seed_image`]): by default an `active` system-disk image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedImage {
    access_key: String,
    region: String,
    name: String,
    status: ImageStatus,
    image_type: Option<String>,
    shares: Vec<(String, ShareStatus)>,
}

impl SeedImage {
    /// An active private image `name` of the account of `access_key` in `region`.
    pub fn new(access_key: impl Into<String>, region: impl Into<String>, name: impl Into<String>) -> SeedImage {
        SeedImage {
            access_key: access_key.into(),
            region: region.into(),
            name: name.into(),
            status: ImageStatus::Active,
            image_type: None,
            shares: Vec::new(),
        }
    }

    /// Its status (e.g. [`ImageStatus::Deactivated`] or [`ImageStatus::Error`]).
    pub fn status(mut self, status: ImageStatus) -> SeedImage {
        self.status = status;
        self
    }

    /// Its `imageType`: `data_disk_image`, `iso_image` or `full_ecs_image` (default: system
    /// disk).
    pub fn image_type(mut self, image_type: impl Into<String>) -> SeedImage {
        self.image_type = Some(image_type.into());
        self
    }

    /// Shares it with the account of `access_key`, in this share status.
    pub fn shared_with(mut self, access_key: impl Into<String>, status: ShareStatus) -> SeedImage {
        self.shares.push((access_key.into(), status));
        self
    }
}

struct Account {
    secret_key: String,
    account_id: String,
}

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
    pub requests: RequestLog,
    /// Queued fault rules.
    pub faults: FaultQueue,
    next_seq: u64,
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
            requests: RequestLog::default(),
            faults: FaultQueue::default(),
            next_seq: 0,
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

    /// Appends a request record (see [`RequestLog::record`]).
    pub fn record(&mut self, r: RecordedRequest) {
        self.requests.record(r);
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
            img.status = ImageStatus::Active;
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
                img.status = ImageStatus::Active;
                let id = img.id.clone();
                self.images.insert(id.clone(), img);
                id
            })
            .collect()
    }

    /// Starts `action`'s transition of image `id` (see [`IMAGE_TRANSITIONS`]). A transition
    /// already heading where `action` leads is left running. Errors with the image's current
    /// status and the statuses `action` needs.
    pub fn begin_image(&mut self, id: &str, action: Action) -> Result<(), (ImageStatus, String)> {
        let rule = rule_of(IMAGE_TRANSITIONS, action);
        let Some(img) = self.images.get_mut(id) else { return Ok(()) };
        if !rule.allows(img.status) {
            return Err((img.status, rule.wanted()));
        }
        if img.status != rule.via {
            img.status = rule.via;
            img.pending = rule.pending();
            img.updated = now_epoch();
        }
        Ok(())
    }

    /// Adds a [`SeedImage`]; returns its id.
    pub fn seed_image(&mut self, seed: &SeedImage) -> String {
        self.seed_region(&seed.region);
        let account = self.account_of(&seed.access_key);
        let seq = self.next_seq();
        let mut img = Image::private(&account, &seed.region, &seed.name, seq);
        img.status = seed.status;
        img.image_type.clone_from(&seed.image_type);
        if img.image_type.is_some() {
            img.disk_size = 100;
        }
        img.shares = seed
            .shares
            .iter()
            .map(|(ak, status)| Share { account: self.account_of(ak), status: *status, created: now_epoch() })
            .collect();
        let id = img.id.clone();
        self.images.insert(id.clone(), img);
        id
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
                Some(s) => {
                    img.status = s;
                    img.updated = now_epoch();
                }
                None => {
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
        let Some(status) = task.pending.take().expect("checked").then else { return };
        task.status = status;
        task.finished = Some(SystemTime::now());
        if matches!(status, TaskStatus::Imported | TaskStatus::Exported) {
            task.progress = 100;
        }
        let (action, image_id) = (task.action, task.image_id.clone());
        if let Some(img) = self.images.get_mut(&image_id) {
            if action == TaskAction::Import && img.status == ImageStatus::Queued {
                img.status = image_after_import(status);
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
    use std::time::Duration;

    use super::*;

    #[test]
    fn polls_complete_a_transition() {
        let mut s = State::new(&[]);
        s.transition = Transition::Polls(2);
        let ids = s.seed_private_images("acct", "r", "img", 1);
        let id = &ids[0];
        s.begin_image(id, Action::Deactivate).unwrap();
        for _ in 0..2 {
            assert!(s.settle_image(id));
            assert_eq!(s.images[id].status, ImageStatus::Deactivating);
            s.tick_image(id);
        }
        assert!(s.settle_image(id));
        assert_eq!(s.images[id].status, ImageStatus::Deactivated);
    }

    #[test]
    fn elapsed_time_completes_a_transition() {
        let mut s = State::new(&[]);
        s.transition = Transition::Elapsed(Duration::from_millis(30));
        let ids = s.seed_private_images("acct", "r", "img", 1);
        let id = &ids[0];
        s.begin_image(id, Action::Delete).unwrap();
        assert!(s.settle_image(id));
        std::thread::sleep(Duration::from_millis(40));
        assert!(!s.settle_image(id));
        assert!(!s.images.contains_key(id));
    }
}
