//! EOP request signing (CTyun's `Eop-Authorization` scheme, HMAC-SHA256).
//!
//! This module is pure: no clock, no randomness, no HTTP client. Every input is explicit, so
//! any HTTP stack can use it and the golden vectors in `tests/data/eop_vectors.json` pin it to
//! CTyun's reference Python sample byte for byte.
//!
//! The algorithm, exactly as the reference computes it:
//!
//! 1. **Canonical query**: the raw `key=value` strings sorted by byte order (the whole string,
//!    not just the key), each value percent-encoded as UTF-8 with upper-case hex, leaving
//!    `A-Z a-z 0-9 _ . - ~` and `/` as they are; keys are not encoded; pairs joined by `&`.
//!    The client sends this exact string as the URL query, so what is signed is what is sent.
//! 2. **Body hash**: lower-case hex SHA-256 of the exact body bytes (of `""` when there is none).
//! 3. **String to sign**:
//!    `"ctyun-eop-request-id:{id}\neop-date:{date}\n\n{query}\n{body_hash}"`.
//! 4. **Keys**: `kTime = HMAC(sk, date)`, `kAk = HMAC(kTime, ak)`,
//!    `kDate = HMAC(kAk, date-before-'T')`.
//! 5. **Header**: `"{ak} Headers=ctyun-eop-request-id;eop-date Signature={base64(HMAC(kDate, sts))}"`.
//!
//! ```
//! use ctyun_image::signer::{sign, CanonicalQuery, Credentials, SigningParams};
//!
//! let creds = Credentials::new("test-ak", "test-sk");
//! let query = CanonicalQuery::from_pairs([("b", "two"), ("a", "1")]);
//! assert_eq!(query.as_str(), "a=1&b=two");
//! let auth = sign(&SigningParams {
//!     credentials: &creds,
//!     eop_date: "20260613T010203Z",
//!     request_id: "request-123",
//!     query: &query,
//!     body: br#"{"regionID":"81f7728662dd11ec810800155d307d5b"}"#,
//! });
//! assert_eq!(
//!     auth,
//!     "test-ak Headers=ctyun-eop-request-id;eop-date \
//!      Signature=h+H8K5CbPz1DjnbVWA+FEPGbbcEJOzVsi2GQv4LroyM="
//! );
//! ```

use std::cmp::Ordering;
use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Characters the reference (`urllib.parse.quote` with its default `safe="/"`) leaves unencoded
/// besides ASCII letters and digits.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'.').remove(b'-').remove(b'~').remove(b'/');

/// The literal list of signed headers CTyun expects in `Eop-Authorization`.
pub const SIGNED_HEADERS: &str = "ctyun-eop-request-id;eop-date";

/// An access key / secret key pair.
///
/// `Debug` and `Display` show the access key only; the secret key never leaves this type except
/// into the HMAC.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key: String,
    secret_key: Box<str>,
}

impl Credentials {
    /// Credentials from an access key (AK) and a secret key (SK), as shown in the CTyun console
    /// (账号中心 → 安全设置 → 用户AccessKey).
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials { access_key: access_key.into(), secret_key: secret_key.into().into_boxed_str() }
    }

    /// The access key (public identifier, sent in every `Eop-Authorization` header).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    pub(crate) fn secret_is_empty(&self) -> bool {
        self.secret_key.is_empty()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"** redacted **")
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (secret key redacted)", self.access_key)
    }
}

/// The canonical query string: what is signed and, verbatim, what goes after `?` in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CanonicalQuery(String);

impl CanonicalQuery {
    /// Canonicalizes raw (not yet encoded) `key=value` pairs, in whatever order the caller has
    /// them. Repeated keys are kept. Keys are used as they are: they must be URL-safe
    /// (`A-Z a-z 0-9 _ . - ~`), which holds for every CTyun parameter name.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        pairs.sort_by(|(ka, va), (kb, vb)| raw_pair_cmp(ka.as_ref(), va.as_ref(), kb.as_ref(), vb.as_ref()));
        let mut out =
            String::with_capacity(pairs.iter().map(|(k, v)| k.as_ref().len() + v.as_ref().len() * 3 + 2).sum());
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(k.as_ref());
            out.push('=');
            // Unreserved runs come back borrowed: a plain value is copied, not re-encoded.
            out.extend(utf8_percent_encode(v.as_ref(), QUERY_VALUE));
        }
        CanonicalQuery(out)
    }

    /// The canonical string (empty when there are no parameters).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when there are no query parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for CanonicalQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Byte order of the raw strings `ka=va` and `kb=vb`, without building them.
fn raw_pair_cmp(ka: &str, va: &str, kb: &str, vb: &str) -> Ordering {
    ka.bytes().chain(*b"=").chain(va.bytes()).cmp(kb.bytes().chain(*b"=").chain(vb.bytes()))
}

/// Everything one signature depends on.
#[derive(Clone, Copy, Debug)]
pub struct SigningParams<'a> {
    /// Who signs.
    pub credentials: &'a Credentials,
    /// The `Eop-date` header value, `yyyyMMddTHHmmssZ` in Beijing wall-clock time
    /// (see [`crate::clock::format_eop_date`]).
    pub eop_date: &'a str,
    /// The `ctyun-eop-request-id` header value.
    pub request_id: &'a str,
    /// The canonical query, also sent verbatim on the wire.
    pub query: &'a CanonicalQuery,
    /// The exact body bytes sent (empty for none).
    pub body: &'a [u8],
}

/// Lower-case hex SHA-256 of `body`, on the stack.
pub fn body_hash_hex(body: &[u8]) -> [u8; 64] {
    let digest = Sha256::digest(body);
    let mut out = [0u8; 64];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 0x0f) as usize];
    }
    out
}

/// Feeds the string to sign, piece by piece, into `sink`.
fn feed_string_to_sign(p: &SigningParams<'_>, body_hash: &[u8; 64], mut sink: impl FnMut(&[u8])) {
    sink(b"ctyun-eop-request-id:");
    sink(p.request_id.as_bytes());
    sink(b"\neop-date:");
    sink(p.eop_date.as_bytes());
    sink(b"\n\n");
    sink(p.query.as_str().as_bytes());
    sink(b"\n");
    sink(body_hash);
}

/// The string to sign, for diagnostics and tests. [`sign`] streams the same bytes into the
/// HMAC without building this string.
pub fn string_to_sign(p: &SigningParams<'_>) -> String {
    let mut out = Vec::new();
    feed_string_to_sign(p, &body_hash_hex(p.body), |piece| out.extend_from_slice(piece));
    // Every piece is UTF-8: the inputs are `&str` and the hash is ASCII hex.
    String::from_utf8_lossy(&out).into_owned()
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The signing key for one `Eop-date`: `HMAC(HMAC(HMAC(sk, date), ak), date-before-'T')`.
pub fn signing_key(credentials: &Credentials, eop_date: &str) -> [u8; 32] {
    let k_time = hmac(credentials.secret_key.as_bytes(), eop_date.as_bytes());
    let k_ak = hmac(&k_time, credentials.access_key.as_bytes());
    // The reference takes `eop_date.split("T")[0]`.
    let day = eop_date.split('T').next().unwrap_or(eop_date);
    hmac(&k_ak, day.as_bytes())
}

/// The `Eop-Authorization` header value for one request.
pub fn sign(p: &SigningParams<'_>) -> String {
    let k_date = signing_key(p.credentials, p.eop_date);
    let hash = body_hash_hex(p.body);
    let mut mac = HmacSha256::new_from_slice(&k_date).unwrap_or_else(|_| unreachable!());
    feed_string_to_sign(p, &hash, |piece| mac.update(piece));
    let signature = mac.finalize().into_bytes();

    let ak = p.credentials.access_key();
    let mut out = String::with_capacity(ak.len() + SIGNED_HEADERS.len() + 64);
    out.push_str(ak);
    out.push_str(" Headers=");
    out.push_str(SIGNED_HEADERS);
    out.push_str(" Signature=");
    base64::engine::general_purpose::STANDARD.encode_string(signature, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_in_debug_or_display() {
        let c = Credentials::new("AKID", "super-secret-value");
        let dbg = format!("{c:?} {c:#?} {c}");
        assert!(!dbg.contains("super-secret-value"), "{dbg}");
        assert!(dbg.contains("AKID"));
        assert!(dbg.contains("redacted"));
    }

    #[test]
    fn canonical_query_sorts_whole_pairs_and_encodes_values_only() {
        let q = CanonicalQuery::from_pairs([("page", "1"), ("page2", "x"), ("pag", "z")]);
        assert_eq!(q.as_str(), "pag=z&page2=x&page=1");
        let q = CanonicalQuery::from_pairs([("u", "https://a.b/c d+é&=")]);
        assert_eq!(q.as_str(), "u=https%3A//a.b/c%20d%2B%C3%A9%26%3D");
        assert!(CanonicalQuery::from_pairs(Vec::<(&str, &str)>::new()).is_empty());
    }

    #[test]
    fn pair_order_matches_building_the_strings() {
        let words = ["", "a", "ab", "a=", "a=b", "page", "page2", "pag", "=", "b", "é", "z~"];
        for ka in words {
            for va in words {
                for kb in words {
                    for vb in words {
                        let expected = format!("{ka}={va}").cmp(&format!("{kb}={vb}"));
                        assert_eq!(raw_pair_cmp(ka, va, kb, vb), expected, "{ka}={va} vs {kb}={vb}");
                    }
                }
            }
        }
    }

    #[test]
    fn empty_body_hash() {
        assert_eq!(&body_hash_hex(b""), b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn malformed_date_does_not_panic() {
        let c = Credentials::new("a", "b");
        let q = CanonicalQuery::default();
        for date in ["", "T", "2024", "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"] {
            let _ = sign(&SigningParams { credentials: &c, eop_date: date, request_id: "", query: &q, body: b"" });
        }
    }
}
