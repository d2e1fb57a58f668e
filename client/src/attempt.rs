//! One attempt of a call: sign → send with a timeout → read the body with a cap → classify the
//! response. The call loop (retries, back-off) is in [`crate::client`].

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, DATE, RETRY_AFTER};
use tracing::Instrument as _;

use crate::client::{Client, Inner};
use crate::clock::{parse_http_date, parse_retry_after, try_format_eop_date};
use crate::error::{
    snippet, ApiError, CallContext, DecodeError, Error, HttpError, TimeoutError, TimeoutKind, TransportError,
};
use crate::retry::FailureClass;
use crate::runtime::{Envelope, HttpMethod, OperationDescriptor};
use crate::signer::{sign, CanonicalQuery, SigningParams};

/// Largest response body read (16 MiB); a larger one is a decode error.
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;

/// What one call sends on every attempt (encoded once).
pub(crate) struct Prepared<'a> {
    pub(crate) desc: &'static OperationDescriptor,
    pub(crate) url: &'a reqwest::Url,
    pub(crate) query: &'a CanonicalQuery,
    pub(crate) body: &'a [u8],
    /// When the call began (for the operation deadline).
    pub(crate) started: Instant,
}

/// A successful response's undecoded `returnObj`.
pub(crate) struct RawReturn {
    pub(crate) context: CallContext,
    pub(crate) http_status: u16,
    pub(crate) return_obj: String,
}

impl RawReturn {
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let RawReturn { context, http_status, return_obj } = self;
        serde_json::from_str(&return_obj)
            .map_err(|e| decode_failure(context, http_status, format!("returnObj: {e}"), return_obj.as_bytes()).error)
    }
}

/// A failed attempt: the error to report and what the retry policy needs to know.
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) class: FailureClass,
    /// The server's `Retry-After`, on a 429 or 503.
    pub(crate) retry_after: Option<Duration>,
    /// The response was a rejection whose `Date` shows a clock skew beyond the `Eop-date`
    /// window: worth re-signing once with the corrected time.
    pub(crate) skewed: bool,
}

impl Failure {
    fn new(error: Error, class: FailureClass) -> Self {
        Failure { error, class, retry_after: None, skewed: false }
    }
}

/// The raw exchange of one attempt.
struct Exchange {
    status: u16,
    body: Vec<u8>,
    truncated: bool,
    retry_after: Option<String>,
    date: Option<SystemTime>,
}

impl Client {
    /// One signed attempt.
    pub(crate) async fn attempt(&self, call: &Prepared<'_>, attempt: u32) -> Result<RawReturn, Failure> {
        let request_id = self.inner.request_ids.next_id();
        let ctx = CallContext::new(call.desc.operation_id, &request_id, attempt);
        let signed_at = self.inner.skew.corrected(self.inner.clock.now());
        let headers = sign_headers(&self.inner, call, &request_id, signed_at)?;
        let span = tracing::debug_span!(
            "ctyun_image.attempt",
            operation = call.desc.operation_id,
            attempt,
            request_id = %request_id,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let t0 = Instant::now();
        let result = async {
            let ex = exchange(&self.inner, call, headers, &ctx).await?;
            tracing::Span::current().record("status", ex.status);
            if ex.truncated {
                let message = format!("the response body exceeds {MAX_BODY} bytes");
                return Err(decode_failure(ctx, ex.status, message, &ex.body));
            }
            let now = self.inner.clock.now();
            if let Some(date) = ex.date {
                self.inner.skew.observe(now, date);
            }
            classify(ctx, ex.status, &ex.body).map_err(|mut f| {
                if let FailureClass::Status(status) = f.class {
                    f.skewed = ex.date.is_some_and(|date| self.inner.skew.rejects(signed_at, date));
                    if matches!(status, 429 | 503) {
                        f.retry_after =
                            ex.retry_after.as_deref().and_then(|v| parse_retry_after(v, ex.date.unwrap_or(now)));
                    }
                }
                f
            })
        }
        .instrument(span.clone())
        .await;
        span.record("latency_ms", t0.elapsed().as_millis() as u64);
        result
    }
}

/// The request id, `Eop-date` and `Eop-Authorization` headers of one attempt.
fn sign_headers(inner: &Inner, call: &Prepared<'_>, request_id: &str, at: SystemTime) -> Result<HeaderMap, Failure> {
    let op = call.desc.operation_id;
    let invalid = |message: String| Failure::new(Error::InvalidInput { operation: op, message }, FailureClass::Decode);
    let Ok(id_header) = HeaderValue::from_str(request_id) else {
        return Err(invalid(format!(
            "the request id generator produced {request_id:?}, which is not a valid header value"
        )));
    };
    let Some(eop_date) = try_format_eop_date(at) else {
        return Err(invalid("the clock returned a time outside the range Eop-date can express".into()));
    };
    let authorization = sign(&SigningParams {
        credentials: &inner.credentials,
        eop_date: &eop_date,
        request_id,
        query: call.query,
        body: call.body,
    });
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert("ctyun-eop-request-id", id_header);
    headers.insert("Eop-date", header_value(&eop_date));
    let mut auth = header_value(&authorization);
    auth.set_sensitive(true);
    headers.insert("Eop-Authorization", auth);
    Ok(headers)
}

/// Sends the request and reads the body (capped at [`MAX_BODY`]) within the attempt's time
/// limit (the per-attempt timeout, or what is left of the operation deadline if less).
async fn exchange(
    inner: &Inner,
    call: &Prepared<'_>,
    headers: HeaderMap,
    ctx: &CallContext,
) -> Result<Exchange, Failure> {
    let method = match call.desc.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
    };
    let mut req = inner.http.request(method, call.url.clone()).headers(headers);
    if call.desc.has_body {
        req = req.header(CONTENT_TYPE, "application/json").body(call.body.to_vec());
    }
    let (mut limit, mut kind) = (inner.attempt_timeout, TimeoutKind::Attempt);
    if let Some(total) = inner.operation_timeout {
        let left = total.saturating_sub(call.started.elapsed());
        if left < limit {
            (limit, kind) = (left, TimeoutKind::Operation);
        }
    }
    let exchange = async {
        let mut resp = req.send().await?;
        let status = resp.status().as_u16();
        let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok());
        let retry_after = header(RETRY_AFTER).map(str::to_owned);
        let date = header(DATE).and_then(parse_http_date);
        // Read the body with a cap, so a misbehaving proxy cannot exhaust memory.
        let cap = resp.content_length().map_or(8 * 1024, |n| n.min(MAX_BODY as u64) as usize);
        let mut body = Vec::with_capacity(cap);
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await? {
            if body.len() + chunk.len() > MAX_BODY {
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok::<_, reqwest::Error>(Exchange { status, body, truncated, retry_after, date })
    };
    let timeout = |kind: TimeoutKind, limit: Duration| {
        let (limit, class) = match kind {
            // The operation deadline is final; an attempt timeout may be retried.
            TimeoutKind::Operation => (inner.operation_timeout.unwrap_or(limit), FailureClass::Deadline),
            // A connect timeout: nothing was sent, so even a non-idempotent call may retry.
            TimeoutKind::Connect => (inner.connect_timeout, FailureClass::Connect),
            _ => (limit, FailureClass::Timeout),
        };
        Failure::new(Error::Timeout(Box::new(TimeoutError { context: ctx.clone(), kind, limit })), class)
    };
    match tokio::time::timeout(limit, exchange).await {
        Err(_) => Err(timeout(kind, limit)),
        Ok(Err(e)) if e.is_connect() && e.is_timeout() => Err(timeout(TimeoutKind::Connect, limit)),
        Ok(Err(e)) if e.is_timeout() => Err(timeout(TimeoutKind::Attempt, limit)),
        Ok(Err(e)) => {
            let connect = e.is_connect();
            let error = TransportError { context: ctx.clone(), connect, message: error_chain(&e), source: Some(e) };
            let class = if connect { FailureClass::Connect } else { FailureClass::Transport };
            Err(Failure::new(Error::Transport(Box::new(error)), class))
        }
        Ok(Ok(x)) => Ok(x),
    }
}

/// Interprets one HTTP response: a success envelope, a failure envelope, a bare HTTP error, or
/// something undecodable.
pub(crate) fn classify(context: CallContext, status: u16, body: &[u8]) -> Result<RawReturn, Failure> {
    let envelope: Result<Envelope<'_>, _> = serde_json::from_slice(body);
    let success_http = (200..300).contains(&status);
    match envelope {
        Ok(env) if env.status_code.is_some() => {
            let status_code = env.status_code.map(|s| s.0.trim().to_owned()).unwrap_or_default();
            if success_http && status_code == "800" {
                let return_obj = match env.return_obj {
                    Some(raw) if raw.get() != "null" => raw.get().to_owned(),
                    _ => "{}".to_owned(),
                };
                return Ok(RawReturn { context, http_status: status, return_obj });
            }
            let code =
                env.error.filter(|s| !s.is_empty()).or(env.error_code.filter(|s| !s.is_empty())).unwrap_or_default();
            let error = ApiError {
                context,
                http_status: status,
                status_code,
                code,
                message: env.message.unwrap_or_default(),
                description: env.description.unwrap_or_default(),
            };
            Err(Failure::new(Error::Api(Box::new(error)), FailureClass::Status(status)))
        }
        _ if !success_http => {
            let error = HttpError { context, http_status: status, body_snippet: snippet(body) };
            Err(Failure::new(Error::Http(Box::new(error)), FailureClass::Status(status)))
        }
        Ok(_) => {
            Err(decode_failure(context, status, "the JSON has no `statusCode`: not a CTyun envelope".into(), body))
        }
        Err(e) => Err(decode_failure(context, status, e.to_string(), body)),
    }
}

fn decode_failure(context: CallContext, http_status: u16, message: String, body: &[u8]) -> Failure {
    let error = DecodeError { context, http_status, message, body_snippet: snippet(body) };
    Failure::new(Error::Decode(Box::new(error)), FailureClass::Decode)
}

fn header_value(s: &str) -> HeaderValue {
    // Only for values built here from validated parts (dates, base64, the access key checked
    // in `build`); never panics.
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// An error's message followed by each distinct cause.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        cur = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &[u8]) -> Result<RawReturn, Failure> {
        super::classify(CallContext::new("op", "rid", 1), status, body)
    }

    #[test]
    fn classify_envelopes() {
        let ok = classify(200, br#"{"statusCode":800,"returnObj":{"a":1}}"#).ok().unwrap();
        assert_eq!(ok.return_obj, r#"{"a":1}"#);
        let ok = classify(200, br#"{"statusCode":"800"}"#).ok().unwrap();
        assert_eq!(ok.return_obj, "{}");
        let err =
            classify(200, br#"{"statusCode":900,"errorCode":"Image.X.Y","message":"bad","description":"bad-cn"}"#)
                .err()
                .unwrap();
        let api = err.error.as_api().unwrap();
        assert_eq!((api.code.as_str(), api.status_code.as_str(), api.http_status), ("Image.X.Y", "900", 200));
        let err = classify(200, br#"{"statusCode":900,"errorCode":4001,"message":{"en":"bad"}}"#).err().unwrap();
        let api = err.error.as_api().unwrap();
        assert_eq!((api.code.as_str(), api.message.as_str()), ("4001", r#"{"en":"bad"}"#));
        let err = classify(502, b"<html>bad gateway</html>").err().unwrap();
        assert!(
            matches!(err.error, Error::Http(ref h) if h.http_status == 502 && h.body_snippet.contains("bad gateway"))
        );
        let err = classify(200, br#"{"statusCode":800,"retu"#).err().unwrap();
        assert!(matches!(err.error, Error::Decode(_)));
    }

    #[test]
    fn error_accessors() {
        let e = classify(200, br#"{"statusCode":900,"error":"Image.ImageCheck.NotFound"}"#).err().unwrap().error;
        assert!(e.is_not_found() && !e.is_throttled());
        assert_eq!((e.api_code(), e.request_id(), e.attempts()), (Some("Image.ImageCheck.NotFound"), Some("rid"), 1));
        let e = classify(429, br#"{"statusCode":900,"error":"Eop.Gateway.TooManyRequests"}"#).err().unwrap().error;
        assert!(e.is_throttled() && !e.is_not_found());
        let e = classify(429, b"slow down").err().unwrap().error;
        assert!(e.is_throttled() && e.as_api().is_none());
    }
}
