//! Unsigned control endpoints under `/__fake/`, for driving the `fake-ctimage` binary from
//! tests in any language.
//!
//! | request | effect |
//! |---|---|
//! | `POST /__fake/faults` with `{"fault": "delay=200,503", "times": 2, "path": "/v4/image/list", "accessKey": "AK"}` | queue a fault rule (`times` default 1; `path`, `accessKey` optional filters) |
//! | `GET /__fake/faults` | the queued rules with their remaining counts |
//! | `DELETE /__fake/faults` | drop every queued rule |
//! | `GET /__fake/requests[?path=P][&accessKey=AK]` | the recorded requests (method, path, raw query, request id, `Eop-date`, body SHA-256, verified/auth error, fault applied) |
//! | `DELETE /__fake/requests` | forget the recorded requests |
//! | `GET /__fake/health` | `{"ok": true}` |

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};
use serde_json::{json, Value};

use super::fault::FaultRule;
use super::{json_response, Shared};

fn error(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    json_response(status, &json!({ "error": message.into() }))
}

pub(super) fn handle(shared: &Shared, method: &Method, path: &str, raw_query: &str, body: &[u8]) -> Response<Body> {
    let query: Vec<(String, String)> =
        form_urlencoded::parse(raw_query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let q = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match (method.as_str(), path) {
        ("GET", "/__fake/health") => json_response(StatusCode::OK, &json!({ "ok": true })),
        ("GET", "/__fake/faults") => {
            let rules: Vec<Value> = shared.lock().faults.pending().iter().map(FaultRule::to_json).collect();
            json_response(StatusCode::OK, &json!({ "faults": rules }))
        }
        ("DELETE", "/__fake/faults") => {
            shared.lock().faults.clear();
            json_response(StatusCode::OK, &json!({ "cleared": true }))
        }
        ("POST", "/__fake/faults") => match parse_rule(body) {
            Ok(rule) => {
                let shown = rule.to_json();
                shared.lock().faults.push(rule);
                json_response(StatusCode::OK, &json!({ "queued": shown }))
            }
            Err(e) => error(StatusCode::BAD_REQUEST, e),
        },
        ("GET", "/__fake/requests") => {
            let st = shared.lock();
            let items: Vec<Value> = st
                .requests
                .iter()
                .filter(|r| q("path").is_none_or(|p| r.path == p))
                .filter(|r| q("accessKey").is_none_or(|a| r.access_key == a))
                .map(|r| r.to_json())
                .collect();
            json_response(StatusCode::OK, &json!({ "requests": items }))
        }
        ("DELETE", "/__fake/requests") => {
            shared.lock().requests.clear();
            json_response(StatusCode::OK, &json!({ "cleared": true }))
        }
        _ => error(
            StatusCode::NOT_FOUND,
            format!(
                "no control endpoint {method} {path}; see `fake-ctimage --help` \
                 (GET|POST|DELETE /__fake/faults, GET|DELETE /__fake/requests, GET /__fake/health)"
            ),
        ),
    }
}

fn parse_rule(body: &[u8]) -> Result<FaultRule, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("body must be a JSON object: {e}"))?;
    let spec = v.get("fault").and_then(Value::as_str).ok_or("`fault` (string spec, e.g. \"503\") is required")?;
    let mut rule = FaultRule::parse(spec)?;
    if let Some(t) = v.get("times").filter(|t| !t.is_null()) {
        let n = t.as_u64().filter(|n| *n >= 1 && *n <= u64::from(u32::MAX)).ok_or("`times` must be an integer >= 1")?;
        rule = rule.times(n as u32);
    }
    if let Some(p) = v.get("path").and_then(Value::as_str) {
        rule = rule.path(p);
    }
    if let Some(a) = v.get("accessKey").and_then(Value::as_str) {
        rule = rule.access_key(a);
    }
    Ok(rule)
}
