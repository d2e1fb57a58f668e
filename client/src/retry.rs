//! Retry policy: which failures are retried ([`FailureClass::retryable`]), bounded attempts,
//! bounded total time, exponential back-off with jitter (the same formula paces waiters).
//!
//! Retried: idempotent operations after connect errors, transport errors, timeouts, HTTP
//! 429/500/502/503/504; non-idempotent ones only after a connect error (nothing was sent).

use std::sync::{Mutex, PoisonError};
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
    /// Capacity of the retry quota shared by all calls of one client (AWS standard retry
    /// mode): a retry takes 5 tokens (10 after a timeout), a success gives back what its retries
    /// took (1 when it needed none), and an empty bucket means no retry. Default `Some(500)`;
    /// `None` lets every call retry on its own.
    pub quota: Option<u32>,
    /// Opt-in client-side rate limiter: after a throttling answer (HTTP 429) the client sends at
    /// most half the rate it was sending, and raises it by 10 % per success until it is no
    /// longer needed. Default off.
    pub adaptive_rate_limit: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(90),
            quota: Some(DEFAULT_QUOTA),
            adaptive_rate_limit: false,
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

    /// The same policy with another retry quota capacity (`None`: no shared quota).
    pub fn with_quota(mut self, capacity: Option<u32>) -> Self {
        self.quota = capacity;
        self
    }

    /// The same policy with the adaptive client-side rate limiter on or off.
    pub fn with_adaptive_rate_limit(mut self, on: bool) -> Self {
        self.adaptive_rate_limit = on;
        self
    }

    /// The same policy with another total retry budget.
    pub fn with_max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }
}

/// "Equal jitter": uniform in `[d/2, d]`, which keeps a floor so a retry is not instant while
/// still spreading many clients apart. Random bits from the OS (getrandom, already used for
/// request ids); should that fail, the floor.
pub(crate) fn equal_jitter(d: Duration) -> Duration {
    let half = d / 2;
    let span = (d - half).as_nanos() as u64;
    half + Duration::from_nanos(getrandom::u64().unwrap_or(0) % span.saturating_add(1))
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

/// What to do after a retryable failure.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Attempts or budget used up: report the failure.
    Stop,
    /// The server's `Retry-After` would cross the retry budget or the deadline: fail now.
    RetryAfterTooLong(Duration),
}

/// Back-off state of one call.
pub(crate) struct Backoff<'a> {
    config: &'a RetryConfig,
    started: Instant,
    deadline: Option<Duration>,
}

impl<'a> Backoff<'a> {
    /// `deadline`: the operation timeout, if any, counted from `started`.
    pub(crate) fn new(config: &'a RetryConfig, started: Instant, deadline: Option<Duration>) -> Self {
        Backoff { config, started, deadline }
    }

    /// What to do after attempt `attempt` failed; `retry_after` is the server's `Retry-After`
    /// (honoured on 429/503), used instead of the computed back-off.
    pub(crate) fn next(&self, attempt: u32, retry_after: Option<Duration>) -> Next {
        if attempt >= self.config.max_attempts {
            return Next::Stop;
        }
        let delay = retry_after
            .unwrap_or_else(|| equal_jitter(ceiling(self.config.initial_backoff, self.config.max_backoff, attempt)));
        let resume = self.started.elapsed() + delay;
        let over = resume > self.config.max_elapsed || self.deadline.is_some_and(|total| resume >= total);
        match (over, retry_after) {
            (false, _) => Next::Retry(delay),
            (true, Some(d)) => Next::RetryAfterTooLong(d),
            (true, None) => Next::Stop,
        }
    }
}

/// Default retry quota capacity (AWS standard mode).
pub const DEFAULT_QUOTA: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// The retry quota shared by all calls of one client (see [`RetryConfig::quota`]).
#[derive(Debug)]
pub(crate) struct RetryQuota {
    capacity: u32,
    tokens: Mutex<u32>,
}

impl RetryQuota {
    pub(crate) fn new(capacity: u32) -> Self {
        RetryQuota { capacity, tokens: Mutex::new(capacity) }
    }

    /// Takes the cost of one retry; `None` (no retry) when the bucket cannot pay it.
    pub(crate) fn acquire(&self, after_timeout: bool) -> Option<u32> {
        let cost = if after_timeout { TIMEOUT_RETRY_COST } else { RETRY_COST };
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        *tokens = tokens.checked_sub(cost)?;
        Some(cost)
    }

    /// A call succeeded after its retries took `spent` tokens.
    pub(crate) fn refund(&self, spent: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        *tokens = (*tokens + spent.max(1)).min(self.capacity);
    }
}

const MIN_RATE: f64 = 0.5;
const MAX_RATE: f64 = 2000.0;

/// The opt-in adaptive rate limiter (see [`RetryConfig::adaptive_rate_limit`]): inactive until
/// the first throttling answer, then spaces attempts at `1 / rate`.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug)]
struct LimiterState {
    /// Attempts per second allowed; `None` while not throttled.
    rate: Option<f64>,
    /// When the next attempt may start.
    next_free: Instant,
    /// Attempts sent since `window_start` (to learn the rate being sent).
    sent: u32,
    window_start: Instant,
}

impl RateLimiter {
    pub(crate) fn new() -> Self {
        let now = Instant::now();
        RateLimiter { state: Mutex::new(LimiterState { rate: None, next_free: now, sent: 0, window_start: now }) }
    }

    /// Reserves the next send slot; returns how long to wait for it.
    pub(crate) fn reserve(&self) -> Duration {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if now.duration_since(st.window_start) > Duration::from_secs(1) {
            (st.sent, st.window_start) = (0, now);
        }
        st.sent += 1;
        let Some(rate) = st.rate else { return Duration::ZERO };
        let slot = st.next_free.max(now);
        st.next_free = slot + Duration::from_secs_f64(1.0 / rate);
        slot - now
    }

    /// A throttling answer: halve the rate (first time: half the rate being sent).
    pub(crate) fn on_throttle(&self) {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let sending = f64::from(st.sent) / st.window_start.elapsed().as_secs_f64().max(1.0);
        let rate = st.rate.unwrap_or(sending);
        st.rate = Some((rate / 2.0).max(MIN_RATE));
    }

    /// A success: raise the rate by 10 %; stop limiting once it is high.
    pub(crate) fn on_success(&self) {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        st.rate = st.rate.map(|r| r * 1.1).filter(|r| *r < MAX_RATE);
    }

    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).rate
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
        let b = Backoff::new(&cfg, Instant::now(), None);
        for attempt in 1..10 {
            let Next::Retry(d) = b.next(attempt, None) else { panic!("attempt {attempt}") };
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(1000));
            assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
        }
        assert_eq!(b.next(10, None), Next::Stop);
    }

    #[test]
    fn elapsed_budget_stops_retries() {
        let cfg = RetryConfig::default().with_max_elapsed(Duration::from_millis(0));
        let b = Backoff::new(&cfg, Instant::now(), None);
        assert_eq!(b.next(1, None), Next::Stop);
        assert_eq!(Backoff::new(&RetryConfig::disabled(), Instant::now(), None).next(1, None), Next::Stop);
    }

    #[test]
    fn retry_after_is_honoured_within_budget_and_deadline() {
        let cfg = RetryConfig::default();
        let b = Backoff::new(&cfg, Instant::now(), Some(Duration::from_secs(10)));
        let s = Duration::from_secs;
        assert_eq!(b.next(1, Some(s(2))), Next::Retry(s(2)));
        assert_eq!(b.next(1, Some(s(11))), Next::RetryAfterTooLong(s(11)));
        let b = Backoff::new(&cfg, Instant::now(), None);
        assert_eq!(b.next(1, Some(s(91))), Next::RetryAfterTooLong(s(91)));
    }

    #[test]
    fn quota_and_limiter() {
        let q = RetryQuota::new(12);
        assert_eq!((q.acquire(false), q.acquire(false), q.acquire(false)), (Some(5), Some(5), None));
        q.refund(5);
        assert_eq!(q.acquire(true), None);
        assert_eq!(q.acquire(false), Some(5));
        let l = RateLimiter::new();
        assert_eq!((l.reserve(), l.rate()), (Duration::ZERO, None));
        l.on_throttle();
        assert_eq!(l.rate(), Some(MIN_RATE));
        l.reserve();
        assert!(l.reserve() > Duration::from_millis(1500), "spaced at 1/rate");
        l.on_success();
        assert!(l.rate().unwrap() > MIN_RATE);
    }
}
