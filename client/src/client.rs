//! The client and its call loop, the one pipeline every operation goes through.
//!
//! Per call: apply defaults → validate → encode (canonical query + JSON body) once → then per
//! attempt ([`crate::attempt`]): fresh `Eop-date` and request id → sign → send → classify →
//! maybe back off ([`crate::retry`]) and retry. Signing sits inside the attempt loop, so every
//! attempt carries its own timestamp and id.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::attempt::{Prepared, RawReturn};
use crate::clock::SkewCorrection;
use crate::clock::{Clock, RequestIdGenerator};
use crate::config::ClientBuilder;
use crate::error::Error;
use crate::retry::{Backoff, FailureClass, Next, RateLimiter, RetryConfig, RetryQuota};
use crate::runtime::{Operation, OperationDescriptor, QueryWriter, RequestDefaults};
use crate::signer::{CanonicalQuery, Credentials};

/// A client of the CTyun image API. Cheap to clone (an `Arc` inside); share one per process.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// Everything a client holds; built by [`ClientBuilder::build`].
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) endpoint: String,
    pub(crate) credentials: Credentials,
    pub(crate) defaults: RequestDefaults,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) request_ids: Arc<dyn RequestIdGenerator>,
    pub(crate) retry: RetryConfig,
    pub(crate) attempt_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) waiter_delays: Option<(Duration, Duration)>,
    pub(crate) skew: SkewCorrection,
    pub(crate) quota: Option<RetryQuota>,
    pub(crate) limiter: Option<RateLimiter>,
}

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CTYUN_AK`, `CTYUN_SK` (required), `CTYUN_REGION_ID` and
    /// `CTYUN_ENDPOINT` (optional).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The endpoint requests go to, e.g. `https://ctimage-global.ctapi.ctyun.cn`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The default region applied to requests that leave `regionID` out.
    pub fn default_region(&self) -> Option<&str> {
        self.inner.defaults.region_id.as_deref()
    }

    /// Sends any operation. Every generated method is a thin wrapper over this.
    pub async fn send<O: Operation>(&self, request: O) -> Result<O::Output, Error> {
        self.send_raw(request).await?.decode()
    }

    /// Sends an operation and returns its undecoded `returnObj` (for waiters, which match on
    /// the JSON before decoding).
    pub(crate) async fn send_raw<O: Operation>(&self, mut request: O) -> Result<RawReturn, Error> {
        let desc = O::DESCRIPTOR;
        request
            .prepare(&self.inner.defaults)
            .map_err(|message| Error::InvalidInput { operation: desc.operation_id, message })?;
        let mut query = QueryWriter::default();
        request.write_query(&mut query);
        let body = if desc.has_body {
            Some(serde_json::to_vec(&request).map_err(|e| Error::InvalidInput {
                operation: desc.operation_id,
                message: format!("cannot serialize the request body: {e}"),
            })?)
        } else {
            None
        };
        self.execute(desc, query.into_pairs(), body).await
    }

    /// The non-generic part of every call: build the URL once, then attempt and retry.
    async fn execute(
        &self,
        desc: &'static OperationDescriptor,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<RawReturn, Error> {
        let span = tracing::debug_span!(
            "ctyun_image.operation",
            operation = desc.operation_id,
            method = desc.method.as_str(),
            path = desc.path,
            attempts = tracing::field::Empty,
        );
        async move {
            let query = CanonicalQuery::from_pairs(query);
            let url = if query.is_empty() {
                format!("{}{}", self.inner.endpoint, desc.path)
            } else {
                format!("{}{}?{}", self.inner.endpoint, desc.path, query)
            };
            let url = reqwest::Url::parse(&url)
                .map_err(|e| Error::Config(format!("cannot build a URL from the endpoint and `{}`: {e}", desc.path)))?;
            let body = body.unwrap_or_default();
            let call = Prepared { desc, url: &url, query: &query, body: &body, started: Instant::now() };
            let result = call_loop(self, &call).await;
            tracing::Span::current()
                .record("attempts", result.as_ref().map_or_else(Error::attempts, |r| r.context.attempts));
            result
        }
        .instrument(span)
        .await
    }
}

/// Attempts until success, a final failure, or no retry left.
async fn call_loop(client: &Client, call: &Prepared<'_>) -> Result<RawReturn, Error> {
    let inner = &*client.inner;
    let backoff = Backoff::new(&inner.retry, call.started, inner.operation_timeout);
    let (mut attempt, mut spent, mut resigned) = (0u32, 0u32, false);
    loop {
        attempt += 1;
        if let Some(wait) = inner.limiter.as_ref().map(RateLimiter::reserve).filter(|d| !d.is_zero()) {
            tokio::time::sleep(wait).await;
        }
        let mut failure = match client.attempt(call, attempt).await {
            Ok(raw) => {
                inner.quota.as_ref().inspect(|q| q.refund(spent));
                inner.limiter.as_ref().inspect(|l| l.on_success());
                return Ok(raw);
            }
            Err(failure) => failure,
        };
        if failure.error.is_throttled() {
            inner.limiter.as_ref().inspect(|l| l.on_throttle());
        }
        // A clock skew beyond the window: the attempt was signed with the wrong time, and the
        // skew is now learned; re-sign once, whatever the error code says.
        if failure.skewed && !resigned {
            resigned = true;
            tracing::debug!(attempt, reason = %failure.error, "re-signing with the server's time");
            continue;
        }
        if !failure.class.retryable(call.desc.idempotent) {
            return Err(failure.error);
        }
        let delay = match backoff.next(attempt, failure.retry_after) {
            Next::Retry(delay) => delay,
            Next::Stop => return Err(failure.error),
            Next::RetryAfterTooLong(d) => {
                if let Some(ctx) = failure.error.context_mut() {
                    ctx.retry_after_refused = Some(d);
                }
                return Err(failure.error);
            }
        };
        match inner.quota.as_ref().map(|q| q.acquire(failure.class == FailureClass::Timeout)) {
            Some(Some(cost)) => spent += cost,
            Some(None) => {
                tracing::debug!(attempt, "retry quota exhausted; not retrying");
                return Err(failure.error);
            }
            None => {}
        }
        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, reason = %failure.error, "retrying");
        tokio::time::sleep(delay).await;
    }
}
