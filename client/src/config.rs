//! Configuration: [`ClientBuilder`] (explicit settings or the environment), defaults, and the
//! checks that make a bad setting an [`Error::Config`] at build time rather than at the first
//! call.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};

use crate::attempt::error_chain;
use crate::client::{Client, Inner};
use crate::clock::{Clock, RequestIdGenerator, SkewCorrection, SystemClock, UuidRequestIds};
use crate::error::Error;
use crate::retry::{RateLimiter, RetryConfig, RetryQuota};
use crate::runtime::RequestDefaults;
use crate::signer::Credentials;

/// The public production endpoint of the image API.
pub const DEFAULT_ENDPOINT: &str = "https://ctimage-global.ctapi.ctyun.cn";
/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "CTYUN_AK";
/// Environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "CTYUN_SK";
/// Environment variable holding the default region id.
pub const ENV_REGION_ID: &str = "CTYUN_REGION_ID";
/// Environment variable overriding the endpoint.
pub const ENV_ENDPOINT: &str = "CTYUN_ENDPOINT";

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-attempt timeout (request sent → full response body read).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a [`Client`]. Start from [`Client::builder`] or [`ClientBuilder::from_env`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    endpoint: Option<String>,
    region: Option<String>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    clock: Option<Arc<dyn Clock>>,
    request_ids: Option<Arc<dyn RequestIdGenerator>>,
    waiter_delays: Option<(Duration, Duration)>,
    allow_http: bool,
    no_skew_correction: bool,
    proxy: Option<reqwest::Proxy>,
    no_proxy: bool,
    pool_idle_timeout: Option<Duration>,
}

/// Builder setters that store their argument (through `Into`) in the field of the same name.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
        self.$name = Some(value.into());
        self
        }
    )*};
}

/// `http://` is accepted without opt-in only for loopback hosts (local fakes).
fn is_loopback(url: &reqwest::Url) -> bool {
    url.host_str().is_some_and(|h| {
        h.eq_ignore_ascii_case("localhost")
            || h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

/// The endpoint (default [`DEFAULT_ENDPOINT`]) without a trailing `/`, once it is an
/// `https://host[:port]` URL (or `http://` to loopback, or anywhere with `allow_http`).
fn checked_endpoint(endpoint: Option<&str>, allow_http: bool) -> Result<String, Error> {
    let endpoint = endpoint.unwrap_or(DEFAULT_ENDPOINT).trim().trim_end_matches('/').to_owned();
    let invalid = |why: String| Err(Error::Config(format!("invalid endpoint {endpoint:?}: {why}")));
    let parsed = match reqwest::Url::parse(&endpoint) {
        Ok(p) => p,
        Err(e) => return invalid(e.to_string()),
    };
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
        return invalid("expected https://host[:port]".into());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return invalid("must not contain a query or fragment".into());
    }
    if parsed.scheme() == "http" && !allow_http && !is_loopback(&parsed) {
        return Err(Error::Config(format!(
            "endpoint {endpoint:?} is plain http to a non-loopback host: signed requests would travel in clear \
             text; use https, or ClientBuilder::allow_insecure_http for a test server"
        )));
    }
    Ok(endpoint)
}

impl ClientBuilder {
    /// A builder preloaded from the environment: `CTYUN_AK` and `CTYUN_SK` (both required and
    /// non-empty), `CTYUN_REGION_ID` and `CTYUN_ENDPOINT` (optional).
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`] with a custom variable lookup (for tests).
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let (Some(ak), Some(sk)) = (get(ENV_ACCESS_KEY), get(ENV_SECRET_KEY)) else {
            let missing: Vec<&str> =
                [ENV_ACCESS_KEY, ENV_SECRET_KEY].into_iter().filter(|n| get(n).is_none()).collect();
            return Err(Error::Config(format!(
                "missing credentials: set {} (the access key and secret key from the CTyun \
             console, 账号中心 → 安全设置 → 用户AccessKey)",
                missing.join(" and ")
            )));
        };
        let mut b = ClientBuilder::default().credentials(Credentials::new(ak, sk));
        if let Some(region) = get(ENV_REGION_ID) {
            b = b.region(region);
        }
        if let Some(endpoint) = get(ENV_ENDPOINT) {
            b = b.endpoint(endpoint);
        }
        Ok(b)
    }

    setters! {
        /// Credentials to sign with (required).
        credentials: Credentials;
        /// Endpoint base URL; default [`DEFAULT_ENDPOINT`]. `http://` is accepted for local fakes.
        endpoint: impl Into<String>;
        /// Default `regionID` for requests that leave it out.
        region: impl Into<String>;
        /// Connect timeout (default 10 s). Ignored when [`ClientBuilder::http_client`] is given.
        connect_timeout: Duration;
        /// Per-attempt timeout, from sending to the last body byte (default 30 s).
        attempt_timeout: Duration;
        /// Limit for a whole call including retries and back-off (default: none beyond the retry
        /// budget).
        operation_timeout: Duration;
        /// Retry policy (default [`RetryConfig::default`]).
        retry: RetryConfig;
        /// `User-Agent` header (default `ctyun-image-rust/<version>`). CTyun's own samples send a
        /// browser User-Agent because the gateway's risk control has been seen to reject unknown
        /// agents; set one here if you meet that.
        user_agent: impl Into<String>;
        /// Use this `reqwest::Client` (connection pool, proxy, TLS settings) instead of building one.
        /// Then `connect_timeout` and `user_agent` are not applied (set them on your client), and
        /// you should disable redirects on it (`redirect(Policy::none())`): a redirect would carry
        /// the signature headers to another host.
        http_client: reqwest::Client;
        /// Clock for `Eop-date` (default: system clock).
        clock: Arc<dyn Clock>;
        /// Source of `ctyun-eop-request-id` values (default: random UUIDv4).
        request_ids: Arc<dyn RequestIdGenerator>;
        /// Send every request through this proxy (e.g. `reqwest::Proxy::https("http://proxy:3128")`).
        /// Without it, `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY` from the environment are
        /// honoured (reqwest's default). Ignored when [`ClientBuilder::http_client`] is given.
        proxy: reqwest::Proxy;
        /// How long an idle pooled connection is kept (reqwest's default: 90 s). Set it below the
        /// idle timeout of a NAT or proxy on the way, so a dead connection is not reused.
        pool_idle_timeout: Duration;
    }

    /// Poll delays for every waiter (first delay, longest delay), instead of each waiter's own
    /// (`delay` in the spec's `x-waiters`, e.g. 5 s growing to 30 s).
    pub fn waiter_delays(mut self, min: Duration, max: Duration) -> Self {
        self.waiter_delays = Some((min, max.max(min)));
        self
    }

    /// Learn the offset to the server's clock from `Date` response headers and sign with the
    /// corrected time (default on). CTyun rejects an `Eop-date` more than 15 minutes from its
    /// clock; with this on, a host clock that drifted costs one extra attempt, once per client.
    pub fn clock_skew_correction(mut self, on: bool) -> Self {
        self.no_skew_correction = !on;
        self
    }

    /// Ignore proxies, including the environment's `HTTPS_PROXY` and friends.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Accept a plain `http://` endpoint on a non-loopback host (e.g. `fake-ctimage` in another
    /// container). Loopback `http://` endpoints are always accepted; production uses https.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The HTTP client given, or one built from the settings (never following redirects).
    fn take_http_client(&mut self) -> Result<reqwest::Client, Error> {
        if let Some(http) = self.http_client.take() {
            return Ok(http);
        }
        let ua = self
            .user_agent
            .take()
            .unwrap_or_else(|| concat!("ctyun-image-rust/", env!("CARGO_PKG_VERSION")).to_owned());
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&ua).map_err(|_| Error::Config(format!("invalid User-Agent {ua:?}")))?,
        );
        let mut b = reqwest::Client::builder()
            // Never follow redirects: they would carry the signature headers to another
            // host and could re-send a POST.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .default_headers(headers);
        if let Some(t) = self.pool_idle_timeout {
            b = b.pool_idle_timeout(t);
        }
        if self.no_proxy {
            b = b.no_proxy();
        } else if let Some(p) = self.proxy.take() {
            b = b.proxy(p);
        }
        b.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", error_chain(&e))))
    }

    /// Builds the client.
    pub fn build(mut self) -> Result<Client, Error> {
        let credentials = self.credentials.take().ok_or_else(|| {
            Error::Config(format!(
                "no credentials: call ClientBuilder::credentials or set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY}"
            ))
        })?;
        if credentials.access_key().is_empty() || credentials.secret_is_empty() {
            return Err(Error::Config(format!(
                "empty access key or secret key: set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY}"
            )));
        }
        let endpoint = checked_endpoint(self.endpoint.as_deref(), self.allow_http)?;
        if !credentials.access_key().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::Config("the access key must be printable ASCII without spaces (check CTYUN_AK)".into()));
        }
        crate::tls::install_crypto_provider();
        let http = self.take_http_client()?;
        let retry = self.retry.unwrap_or_default();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                credentials,
                defaults: RequestDefaults { region_id: self.region },
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                request_ids: self.request_ids.unwrap_or_else(|| Arc::new(UuidRequestIds)),
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                operation_timeout: self.operation_timeout,
                waiter_delays: self.waiter_delays,
                skew: SkewCorrection::new(!self.no_skew_correction),
                quota: retry.quota.map(RetryQuota::new),
                limiter: retry.adaptive_rate_limit.then(RateLimiter::new),
                retry,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn from_env_names_missing_vars() {
        let err = ClientBuilder::from_env_with(env(&[])).unwrap_err().to_string();
        assert!(err.contains("CTYUN_AK and CTYUN_SK"), "{err}");
        let err = ClientBuilder::from_env_with(env(&[("CTYUN_AK", "a"), ("CTYUN_SK", "  ")])).unwrap_err().to_string();
        assert!(err.contains("CTYUN_SK") && !err.contains("CTYUN_AK and"), "{err}");
    }

    #[test]
    fn from_env_reads_region_and_endpoint() {
        let c = ClientBuilder::from_env_with(env(&[
            ("CTYUN_AK", "ak"),
            ("CTYUN_SK", "sk-secret"),
            ("CTYUN_REGION_ID", "r1"),
            ("CTYUN_ENDPOINT", "http://127.0.0.1:9/"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9");
        assert_eq!(c.default_region(), Some("r1"));
        assert!(!format!("{c:?}").contains("sk-secret"));
    }

    #[test]
    fn bad_endpoints_are_config_errors() {
        for e in ["", "ftp://x", "not a url", "https://h/?q=1", "http://ctimage-global.ctapi.ctyun.cn"] {
            let r = Client::builder().credentials(Credentials::new("a", "b")).endpoint(e).build();
            assert!(matches!(r, Err(Error::Config(_))), "{e}");
        }
    }

    #[test]
    fn http_only_for_loopback_unless_allowed() {
        let b = || Client::builder().credentials(Credentials::new("a", "b"));
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "https://example.com"] {
            assert!(b().endpoint(ok).build().is_ok(), "{ok}");
        }
        assert!(b().endpoint("http://10.0.0.5:8080").allow_insecure_http(true).build().is_ok());
        let bad_ak = Client::builder().credentials(Credentials::new("a k\n", "b")).build();
        assert!(matches!(bad_ak, Err(Error::Config(_))));
    }
}
