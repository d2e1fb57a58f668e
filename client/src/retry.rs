//! Retry policy: which failures are retried ([`FailureClass::retryable`]), bounded attempts,
//! bounded total time, exponential back-off with jitter (the same formula paces waiters).
//!
//! Retried: idempotent operations after connect errors, transport errors, timeouts, HTTP
//! 429/500/502/503/504; non-idempotent ones only after a connect error (nothing was sent).

use std::time::{Duration, Instant};

/// How many times and how patiently to retry. Build it with [`RetryConfig::default`] and the
/// `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in total, the first one included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Back-off ceiling for the first retry. Default 200 ms.
    pub initial_backoff: Duration,
    /// Back-off ceiling for any retry. Default 5 s.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the call began. Default 90 s: with the
    /// default 30 s per-attempt timeout, three timed-out attempts still fit.
    pub max_elapsed: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(90),
        }
    }
}

impl RetryConfig {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1, ..RetryConfig::default() }
    }

    /// The same policy with `n` attempts in total.
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The same policy with another initial/max back-off.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The same policy with another total retry budget.
    pub fn with_max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }
}

/// A small jitter source (splitmix64 seeded from the clock); spread, not secrecy.
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Jitter(seed | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[d/2, d]`.
    pub(crate) fn equal(&mut self, d: Duration) -> Duration {
        let half = d / 2;
        let span = (d - half).as_nanos() as u64;
        if span == 0 {
            return d;
        }
        half + Duration::from_nanos(self.next_u64() % (span + 1))
    }
}

/// What kind of failure an attempt ended in, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureClass {
    /// The connection was never established: nothing was sent.
    Connect,
    /// The connection broke after the request may have been sent.
    Transport,
    /// The attempt timed out.
    Timeout,
    /// The whole call's deadline passed.
    Deadline,
    /// A response with this HTTP status and no success envelope.
    Status(u16),
    /// A response that cannot be understood; retrying would not help.
    Decode,
}

impl FailureClass {
    /// Whether another attempt is allowed. A non-idempotent call is re-sent only when the
    /// previous attempt certainly never reached the server.
    pub(crate) fn retryable(self, idempotent: bool) -> bool {
        match self {
            FailureClass::Connect => true,
            FailureClass::Transport | FailureClass::Timeout => idempotent,
            FailureClass::Status(s) => idempotent && matches!(s, 429 | 500 | 502 | 503 | 504),
            FailureClass::Decode | FailureClass::Deadline => false,
        }
    }
}

/// The back-off ceiling before try `n + 1`: `initial · 2^(n-1)`, capped at `max`. Shared by
/// retries and waiter polls.
pub(crate) fn ceiling(initial: Duration, max: Duration, n: u32) -> Duration {
    initial.saturating_mul(1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX)).min(max)
}

/// Back-off state of one call.
pub(crate) struct Backoff<'a> {
    config: &'a RetryConfig,
    started: Instant,
    jitter: Jitter,
}

impl<'a> Backoff<'a> {
    pub(crate) fn new(config: &'a RetryConfig, started: Instant) -> Self {
        Backoff { config, started, jitter: Jitter::new() }
    }

    /// The delay before attempt `attempt + 1`, or `None` when attempts or time are used up.
    pub(crate) fn next_delay(&mut self, attempt: u32) -> Option<Duration> {
        if attempt >= self.config.max_attempts {
            return None;
        }
        // "Equal jitter": uniform in [ceiling/2, ceiling], which keeps a floor so retries are not
        // instant while still spreading many clients apart.
        let delay = self.jitter.equal(ceiling(self.config.initial_backoff, self.config.max_backoff, attempt));
        if self.started.elapsed() + delay > self.config.max_elapsed {
            return None;
        }
        Some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_bounded() {
        let cfg = RetryConfig::default()
            .with_max_attempts(10)
            .with_backoff(Duration::from_millis(100), Duration::from_millis(1000))
            .with_max_elapsed(Duration::from_secs(3600));
        let mut b = Backoff::new(&cfg, Instant::now());
        for attempt in 1..10 {
            let d = b.next_delay(attempt).unwrap();
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(1000));
            assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
        }
        assert_eq!(b.next_delay(10), None);
    }

    #[test]
    fn elapsed_budget_stops_retries() {
        let cfg = RetryConfig::default().with_max_elapsed(Duration::from_millis(0));
        let mut b = Backoff::new(&cfg, Instant::now());
        assert_eq!(b.next_delay(1), None);
        assert_eq!(Backoff::new(&RetryConfig::disabled(), Instant::now()).next_delay(1), None);
    }
}
