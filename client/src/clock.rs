//! Time and request-id sources, injectable for tests.
//!
//! CTyun's gateway expects `Eop-date` as the **Beijing wall clock (UTC+8)** formatted
//! `yyyyMMddTHHmmssZ`, where the trailing `Z` is a literal, not a time-zone designator
//! ("TZ仅为格式，非UTC时间"). [`format_eop_date`] produces exactly that from any instant,
//! whatever the host's time zone.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};

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
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    let utc = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => epoch.checked_add_signed(TimeDelta::from_std(d).ok()?)?,
        Err(e) => epoch.checked_sub_signed(TimeDelta::from_std(e.duration()).ok()?)?,
    };
    let beijing = utc.with_timezone(&FixedOffset::east_opt(BEIJING_OFFSET_SECS)?);
    Some(beijing.format("%Y%m%dT%H%M%SZ").to_string())
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

/// How far `Eop-date` may be from the gateway's clock (CTyun: 15 minutes).
pub const SKEW_WINDOW: Duration = Duration::from_secs(15 * 60);
/// A rejected call is re-signed once when the server's `Date` is this far from the `Eop-date`
/// sent: the window less a minute of margin for latency and the `Date` header's 1 s resolution.
pub(crate) const SKEW_RETRY: Duration = Duration::from_secs(14 * 60);
/// Offsets smaller than this are not applied: they are harmless, and `Date` is only to the second.
const SKEW_LEARN: Duration = Duration::from_secs(60);

/// `a - b` in milliseconds, negative when `a` is earlier.
pub(crate) fn diff_ms(a: SystemTime, b: SystemTime) -> i64 {
    match a.duration_since(b) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The offset between the local clock and the server's, learned from `Date` response headers
/// (what AWS SDKs do); applied to every later `Eop-date` of the client.
#[derive(Debug)]
pub(crate) struct SkewCorrection {
    enabled: bool,
    offset_ms: AtomicI64,
    warned: AtomicBool,
}

impl SkewCorrection {
    pub(crate) fn new(enabled: bool) -> Self {
        SkewCorrection { enabled, offset_ms: AtomicI64::new(0), warned: AtomicBool::new(false) }
    }

    /// `local` moved by the learned offset.
    pub(crate) fn corrected(&self, local: SystemTime) -> SystemTime {
        let ms = self.offset_ms.load(Ordering::Relaxed);
        let d = Duration::from_millis(ms.unsigned_abs());
        let t = if ms >= 0 { local.checked_add(d) } else { local.checked_sub(d) };
        t.unwrap_or(local)
    }

    /// Records the server's `Date` seen when the local clock said `local`; logs a large skew once
    /// at `warn`.
    pub(crate) fn observe(&self, local: SystemTime, server: SystemTime) {
        if !self.enabled {
            return;
        }
        let measured = diff_ms(server, local);
        let current = self.offset_ms.load(Ordering::Relaxed);
        if (measured - current).unsigned_abs() < SKEW_LEARN.as_millis() as u64 {
            return;
        }
        let applied = if measured.unsigned_abs() < SKEW_LEARN.as_millis() as u64 { 0 } else { measured };
        self.offset_ms.store(applied, Ordering::Relaxed);
        if applied != 0 && !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                skew_s = measured / 1000,
                "the local clock differs from the server's Date by {}s; signing with the server's time",
                measured / 1000
            );
        }
    }

    /// Whether the server's `Date` is beyond what the gateway accepts for an `Eop-date` of `sent`.
    pub(crate) fn rejects(&self, sent: SystemTime, server: SystemTime) -> bool {
        self.enabled && diff_ms(server, sent).unsigned_abs() > SKEW_RETRY.as_millis() as u64
    }
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) as an instant.
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    DateTime::parse_from_rfc2822(s.trim()).ok().map(SystemTime::from)
}

/// A `Retry-After` value (delta seconds or an HTTP date, relative to `now`) as a wait.
pub(crate) fn parse_retry_after(s: &str, now: SystemTime) -> Option<Duration> {
    match s.trim().parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => parse_http_date(s).map(|t| t.duration_since(now).unwrap_or(Duration::ZERO)),
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
    fn retry_after_and_skew() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(now));
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        let s = SkewCorrection::new(true);
        s.observe(now, now + Duration::from_secs(5)); // small: ignored
        assert_eq!(s.corrected(now), now);
        s.observe(now, now - Duration::from_secs(1200));
        assert_eq!(s.corrected(now), now - Duration::from_secs(1200));
        assert!(s.rejects(now, now + Duration::from_secs(1200)) && !s.rejects(now, now + Duration::from_secs(60)));
        let off = SkewCorrection::new(false);
        off.observe(now, now - Duration::from_secs(1200));
        assert_eq!(off.corrected(now), now);
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
