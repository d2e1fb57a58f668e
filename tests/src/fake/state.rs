//! In-memory state of the fake: accounts, images, and a log of verified requests.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::auth::Verified;

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

/// An image held by the fake.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// `imageID`.
    pub id: String,
    /// Owning account id; `None` for public images.
    pub owner: Option<String>,
    /// `regionID`.
    pub region: String,
    /// `imageName`.
    pub name: String,
    /// `imageStatus`.
    pub status: String,
    /// `imageVisibility` as the owner sees it (`private` or `public`).
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
    /// `diskSize` (GiB).
    pub disk_size: i64,
    /// `sourceServerID`.
    pub source_server_id: Option<String>,
    /// `createdTime` (epoch seconds).
    pub created: i64,
    /// Insertion order, for stable listing.
    pub seq: u64,
}

impl Image {
    /// The image as the API shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "imageID": self.id,
            "imageName": self.name,
            "imageDisplayName": self.name,
            "imageStatus": self.status,
            "imageVisibility": self.visibility,
            "imageSource": self.source,
            "imageType": self.image_type,
            "imageClass": "ECS",
            "description": self.description.clone().unwrap_or_default(),
            "osDistro": self.os_distro,
            "osVersion": self.os_version,
            "osType": self.os_type,
            "architecture": self.architecture,
            "bootMode": "bios",
            "containerFormat": "bare",
            "diskFormat": "qcow2",
            "diskSize": self.disk_size,
            "imageSize": self.disk_size * 1024 * 1024 * 1024 / 8,
            "sourceServerID": self.source_server_id,
            "projectID": "0",
            "imageShareCount": 0,
            "chargeableImage": false,
            "createdTime": self.created,
            "createdTimeStr": chrono::DateTime::from_timestamp(self.created, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            "updatedTime": self.created,
            "maximumRAM": 0,
            "minimumRAM": 0,
        })
    }
}

/// One verified request, as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Signing access key.
    pub access_key: String,
    /// `ctyun-eop-request-id`.
    pub request_id: String,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Raw query string as received.
    pub raw_query: String,
}

struct Account {
    secret_key: String,
    account_id: String,
}

/// Everything the fake knows.
pub struct State {
    accounts: BTreeMap<String, Account>,
    /// Images by id.
    pub images: BTreeMap<String, Image>,
    seeded_regions: BTreeSet<String>,
    /// Every verified request, in arrival order.
    pub requests: Vec<RecordedRequest>,
    next_seq: u64,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("accounts", &self.accounts.keys().collect::<Vec<_>>())
            .field("images", &self.images.len())
            .field("requests", &self.requests.len())
            .finish()
    }
}

/// Public images present in every region.
const PUBLIC_IMAGES: &[(&str, &str, &str)] = &[
    ("CTyunOS", "2.0.1", "linux"),
    ("Ubuntu", "22.04", "linux"),
    ("CentOS", "7.9", "linux"),
    ("Windows", "2019", "windows"),
];

impl State {
    /// A state with these `(access key, secret key)` accounts and no images.
    pub fn new(accounts: &[(String, String)]) -> State {
        State {
            accounts: accounts
                .iter()
                .map(|(ak, sk)| (ak.clone(), Account { secret_key: sk.clone(), account_id: account_id_for(ak) }))
                .collect(),
            images: BTreeMap::new(),
            seeded_regions: BTreeSet::new(),
            requests: Vec::new(),
            next_seq: 0,
        }
    }

    /// The secret key of an access key.
    pub fn secret_for(&self, ak: &str) -> Option<String> {
        self.accounts.get(ak).map(|a| a.secret_key.clone())
    }

    /// The account id of an access key.
    pub fn account_of(&self, ak: &str) -> String {
        self.accounts.get(ak).map(|a| a.account_id.clone()).unwrap_or_else(|| account_id_for(ak))
    }

    pub(crate) fn record(&mut self, v: &Verified, method: &str, path: &str, raw_query: &str) {
        self.requests.push(RecordedRequest {
            access_key: v.access_key.clone(),
            request_id: v.request_id.clone(),
            method: method.to_owned(),
            path: path.to_owned(),
            raw_query: raw_query.to_owned(),
        });
    }

    /// A fresh insertion sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Makes sure a region has its public images.
    pub fn seed_region(&mut self, region: &str) {
        if !self.seeded_regions.insert(region.to_owned()) {
            return;
        }
        for (i, (distro, version, os)) in PUBLIC_IMAGES.iter().enumerate() {
            let seq = self.next_seq();
            let id = stable_uuid(&format!("public/{region}/{i}"));
            self.images.insert(
                id.clone(),
                Image {
                    id,
                    owner: None,
                    region: region.to_owned(),
                    name: format!("{distro} {version} 64bit"),
                    status: "active".into(),
                    visibility: "public".into(),
                    source: None,
                    image_type: None,
                    description: Some(format!("{distro} {version} public image")),
                    os_distro: (*distro).into(),
                    os_version: (*version).into(),
                    os_type: (*os).into(),
                    architecture: "x86_64".into(),
                    disk_size: 40,
                    source_server_id: None,
                    created: 1_700_000_000,
                    seq,
                },
            );
        }
    }
}
