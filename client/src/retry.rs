//! Retry policy: bounded attempts, bounded total time, exponential back-off with full jitter.
//!
//! What is retried is decided in [`crate::Client`]: idempotent operations after connect
//! errors, transport errors, timeouts, HTTP 429/500/502/503/504; non-idempotent ones only
//! after a connect error (nothing was sent). This module only says *when* and *whether there is
//! budget left*.

use std::time::{Duration, Instant};

/// How many times and how patiently to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in total, the first one included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Back-off ceiling for the first retry. Default 200 ms.
    pub initial_backoff: Duration,
    /// Back-off ceiling for any retry. Default 5 s.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the call began. Default 30 s.
    pub max_elapsed: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
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

/// Back-off state of one call.
pub(crate) struct Backoff<'a> {
    config: &'a RetryConfig,
    started: Instant,
    rng: u64,
}

impl<'a> Backoff<'a> {
    pub(crate) fn new(config: &'a RetryConfig, started: Instant) -> Self {
        // Seed the jitter from the clock and a stack address; jitter needs spread, not secrecy.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ (&started as *const Instant as u64).rotate_left(32);
        Backoff { config, started, rng: seed | 1 }
    }

    /// The delay before attempt `attempt + 1`, or `None` when attempts or time are used up.
    pub(crate) fn next_delay(&mut self, attempt: u32) -> Option<Duration> {
        if attempt >= self.config.max_attempts {
            return None;
        }
        let exp =
            self.config.initial_backoff.saturating_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX));
        let ceiling = exp.min(self.config.max_backoff);
        // Full jitter: uniform in [ceiling/2, ceiling] keeps a floor so retries are not instant.
        let half = ceiling / 2;
        let span = (ceiling - half).as_nanos() as u64;
        let jitter = if span == 0 { 0 } else { self.next_u64() % (span + 1) };
        let delay = half + Duration::from_nanos(jitter);
        if self.started.elapsed() + delay > self.config.max_elapsed {
            return None;
        }
        Some(delay)
    }

    fn next_u64(&mut self) -> u64 {
        // splitmix64
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
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
