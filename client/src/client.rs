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
use crate::clock::{Clock, RequestIdGenerator};
use crate::config::ClientBuilder;
use crate::error::Error;
use crate::retry::{Backoff, RetryConfig};
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

    /// Waiter poll delays overriding the spec's, if configured.
    pub(crate) fn waiter_delays(&self) -> Option<(Duration, Duration)> {
        self.inner.waiter_delays
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
            let result = self.call_loop(&call).await;
            tracing::Span::current()
                .record("attempts", result.as_ref().map_or_else(Error::attempts, |r| r.context.attempts));
            result
        }
        .instrument(span)
        .await
    }

    /// Attempts until success, a final failure, or no retry left.
    async fn call_loop(&self, call: &Prepared<'_>) -> Result<RawReturn, Error> {
        let inner = &*self.inner;
        let mut backoff = Backoff::new(&inner.retry, call.started);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let failure = match self.attempt(call, attempt).await {
                Ok(raw) => return Ok(raw),
                Err(failure) => failure,
            };
            if !failure.class.retryable(call.desc.idempotent) {
                return Err(failure.error);
            }
            // No retry may start past the operation deadline.
            let delay = backoff
                .next_delay(attempt)
                .filter(|d| inner.operation_timeout.is_none_or(|total| call.started.elapsed() + *d < total));
            let Some(delay) = delay else {
                return Err(failure.error);
            };
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, reason = %failure.error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
}
