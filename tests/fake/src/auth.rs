//! EOP signature verification, written from CTyun's reference Python sample and deliberately
//! independent of the client's signer (no code shared), so the two check each other.
//!
//! What the server sees is the URL query as sent; it decodes it (`+` and `%20` both mean a
//! space), re-canonicalizes it the way the reference does (sort the raw `k=v` strings, then
//! `quote(v, safe="/")`), hashes the raw body, derives the key chain and compares signatures in
//! constant time.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Why a request was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthFailure {
    /// CTyun-style error code (`Eop.Auth.*`, invented by the fake: the real codes are not
    /// documented).
    pub code: &'static str,
    /// English message.
    pub message: String,
}

fn fail(code: &'static str, message: impl Into<String>) -> AuthFailure {
    AuthFailure { code, message: message.into() }
}

/// `urllib.parse.quote(s, safe="/")`: UTF-8, upper-case hex, keeps `A-Za-z0-9_.-~/`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Re-canonicalizes a received raw query string the way the reference signs it.
pub fn canonical_from_wire(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(raw_query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.sort_by(|a, b| format!("{}={}", a.0, a.1).cmp(&format!("{}={}", b.0, b.1)));
    pairs.iter().map(|(k, v)| format!("{k}={}", quote(v))).collect::<Vec<_>>().join("&")
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// `Eop-date` → the instant it denotes, reading it as Beijing wall-clock time (UTC+8).
pub fn parse_eop_date(date: &str) -> Option<SystemTime> {
    let naive = chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ").ok()?;
    let offset = chrono::FixedOffset::east_opt(8 * 3600)?;
    let t = naive.and_local_timezone(offset).single()?;
    Some(SystemTime::from(t.with_timezone(&chrono::Utc)))
}

/// What a verified request proved.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The access key that signed it.
    pub access_key: String,
    /// Its `ctyun-eop-request-id`.
    pub request_id: String,
}

/// Inputs of a verification, as received.
#[derive(Debug)]
pub struct Received<'a> {
    /// `Eop-Authorization` header.
    pub authorization: Option<&'a str>,
    /// `Eop-date` header.
    pub eop_date: Option<&'a str>,
    /// `ctyun-eop-request-id` header.
    pub request_id: Option<&'a str>,
    /// The raw query string (after `?`, before `#`), possibly empty.
    pub raw_query: &'a str,
    /// The raw body.
    pub body: &'a [u8],
}

/// Verifies a request. `secret_for` maps an access key to its secret key; `now` and `max_skew`
/// bound the `Eop-date` (the reference gateway allows 15 minutes).
pub fn verify(
    r: &Received<'_>,
    secret_for: impl Fn(&str) -> Option<String>,
    now: SystemTime,
    max_skew: Duration,
) -> Result<Verified, AuthFailure> {
    let auth = r.authorization.ok_or_else(|| fail("Eop.Auth.MissingHeader", "missing Eop-Authorization header"))?;
    let date = r.eop_date.ok_or_else(|| fail("Eop.Auth.MissingHeader", "missing Eop-date header"))?;
    let request_id = r
        .request_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| fail("Eop.Auth.MissingHeader", "missing ctyun-eop-request-id header"))?;

    let parts: Vec<&str> = auth.split(' ').collect();
    let [ak, headers, signature] = parts.as_slice() else {
        return Err(fail("Eop.Auth.Malformed", "Eop-Authorization must be `<ak> Headers=<list> Signature=<base64>`"));
    };
    if *headers != "Headers=ctyun-eop-request-id;eop-date" {
        return Err(fail("Eop.Auth.Malformed", format!("unsupported signed-header list `{headers}`")));
    }
    let signature = signature
        .strip_prefix("Signature=")
        .ok_or_else(|| fail("Eop.Auth.Malformed", "Eop-Authorization lacks `Signature=`"))?;
    let provided = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .map_err(|_| fail("Eop.Auth.Malformed", "signature is not valid base64"))?;

    let sk = secret_for(ak).ok_or_else(|| fail("Eop.Auth.UnknownAccessKey", format!("unknown access key `{ak}`")))?;

    let when = parse_eop_date(date)
        .ok_or_else(|| fail("Eop.Auth.Malformed", format!("Eop-date `{date}` is not yyyyMMddTHHmmssZ")))?;
    let skew = now.duration_since(when).unwrap_or_else(|e| e.duration());
    if skew > max_skew {
        return Err(fail(
            "Eop.Auth.DateExpired",
            format!(
                "Eop-date `{date}` (Beijing time) is {}s away from the server clock; allowed {}s",
                skew.as_secs(),
                max_skew.as_secs()
            ),
        ));
    }

    let canonical = canonical_from_wire(r.raw_query);
    let body_hash = hex(&Sha256::digest(r.body));
    let string_to_sign = format!("ctyun-eop-request-id:{request_id}\neop-date:{date}\n\n{canonical}\n{body_hash}");
    let k_time = hmac(sk.as_bytes(), date.as_bytes());
    let k_ak = hmac(&k_time, ak.as_bytes());
    let day = date.split('T').next().unwrap_or(date);
    let k_date = hmac(&k_ak, day.as_bytes());
    let mut mac = HmacSha256::new_from_slice(&k_date).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&provided).map_err(|_| {
        fail(
            "Eop.Auth.SignatureMismatch",
            "signature does not match the request (check the secret key, the canonical query and the exact body bytes)",
        )
    })?;
    Ok(Verified { access_key: ak.to_string(), request_id: request_id.to_owned() })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_query_is_decoded_and_recanonicalized() {
        // `+` and `%20` are both spaces; `%2F` decodes to `/`, which the reference keeps raw.
        assert_eq!(canonical_from_wire("b=x+y&a=https%3A%2F%2Fh%2Fk"), "a=https%3A//h/k&b=x%20y");
        assert_eq!(canonical_from_wire("page=1&page2=x&pag=z"), "pag=z&page2=x&page=1");
        assert_eq!(canonical_from_wire(""), "");
    }

    #[test]
    fn beijing_date_parses() {
        let t = parse_eop_date("20230323T170217Z").unwrap();
        assert_eq!(t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(), 1_679_562_137);
        assert!(parse_eop_date("2023-03-23").is_none());
    }
}
