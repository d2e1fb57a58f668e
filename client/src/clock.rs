//! Time and request-id sources, injectable for tests.
//!
//! CTyun's gateway expects `Eop-date` as the **Beijing wall clock (UTC+8)** formatted
//! `yyyyMMddTHHmmssZ`, where the trailing `Z` is a literal, not a time-zone designator
//! ("TZ仅为格式，非UTC时间"). [`format_eop_date`] produces exactly that from any instant,
//! whatever the host's time zone.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

const BEIJING_OFFSET_SECS: i32 = 8 * 3600;

/// `yyyyMMddTHHmmssZ` in Beijing wall-clock time (UTC+8, no daylight saving).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// // 2024-01-01T16:30:05Z is 2024-01-02 00:30:05 in Beijing.
/// let t = UNIX_EPOCH + Duration::from_secs(1_704_126_605);
/// assert_eq!(ctyun_image::clock::format_eop_date(t), "20240102T003005Z");
/// ```
pub fn format_eop_date(t: SystemTime) -> String {
    try_format_eop_date(t).unwrap_or_else(|| "19700101T080000Z".to_owned())
}

/// Like [`format_eop_date`], but `None` for an instant chrono cannot represent (hundreds of
/// thousands of years away) instead of a placeholder; never panics.
pub fn try_format_eop_date(t: SystemTime) -> Option<String> {
    let (secs, nanos) = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let secs = -i64::try_from(d.as_secs()).ok()?;
            if d.subsec_nanos() == 0 {
                (secs, 0)
            } else {
                (secs.checked_sub(1)?, 1_000_000_000 - d.subsec_nanos())
            }
        }
    };
    let beijing = FixedOffset::east_opt(BEIJING_OFFSET_SECS)?;
    let local = DateTime::<Utc>::from_timestamp(secs, nanos)?.with_timezone(&beijing);
    let mut out = String::with_capacity(16);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.second()
    );
    Some(out)
}

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock frozen at one instant (for tests and examples).
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A source of `ctyun-eop-request-id` values.
pub trait RequestIdGenerator: Send + Sync + fmt::Debug {
    /// A fresh id for one attempt of one request.
    fn next_id(&self) -> String;
}

/// Random UUIDv4 request ids (what the official SDKs send).
#[derive(Clone, Copy, Debug, Default)]
pub struct UuidRequestIds;

impl RequestIdGenerator for UuidRequestIds {
    fn next_id(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

impl<T: Clock + ?Sized> Clock for Arc<T> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

impl<T: RequestIdGenerator + ?Sized> RequestIdGenerator for Arc<T> {
    fn next_id(&self) -> String {
        (**self).next_id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn eop_date_is_beijing_wall_clock_with_literal_z() {
        // 2023-03-23T09:02:17Z (UTC) = 17:02:17 in Beijing.
        let t = UNIX_EPOCH + Duration::from_secs(1_679_562_137);
        assert_eq!(format_eop_date(t), "20230323T170217Z");
        // Crossing midnight and a year boundary: 2025-12-31T16:00:00Z = 2026-01-01 00:00:00 +08.
        let t = UNIX_EPOCH + Duration::from_secs(1_767_196_800);
        assert_eq!(format_eop_date(t), "20260101T000000Z");
        // One second earlier is still the old year in Beijing.
        let t = UNIX_EPOCH + Duration::from_secs(1_767_196_799);
        assert_eq!(format_eop_date(t), "20251231T235959Z");
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        let far = UNIX_EPOCH + Duration::from_secs(u64::MAX / 4);
        assert_eq!(try_format_eop_date(far), None);
        assert_eq!(format_eop_date(far), "19700101T080000Z");
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(try_format_eop_date(before).as_deref(), Some("19700101T075958Z"));
    }

    #[test]
    fn request_ids_are_uuids_and_fresh() {
        let g = UuidRequestIds;
        let a = g.next_id();
        let b = g.next_id();
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(&a).is_ok());
    }
}
