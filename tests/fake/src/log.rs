//! The log of every request the fake received (what `GET /__fake/requests` and
//! [`super::FakeServer::requests`] show).

use std::collections::VecDeque;
use std::time::SystemTime;

use serde_json::{json, Value};

use super::model::iso_millis;

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

/// At most this many requests are kept in a [`RequestLog`] (oldest dropped first).
pub const MAX_RECORDED_REQUESTS: usize = 200_000;

/// Received requests in arrival order, at most [`MAX_RECORDED_REQUESTS`].
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    next: u64,
}

impl RequestLog {
    /// Appends a record, assigning its `seq`.
    pub fn record(&mut self, mut r: RecordedRequest) {
        self.next += 1;
        r.seq = self.next;
        if self.entries.len() >= MAX_RECORDED_REQUESTS {
            self.entries.pop_front();
        }
        self.entries.push_back(r);
    }

    /// The records, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &RecordedRequest> + '_ {
        self.entries.iter()
    }

    /// How many records are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no request is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every record (numbering continues).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
