//! Waiters: poll an operation until the resource reaches a state, with back-off and a bound.
//!
//! A waiter is data (from the spec's `x-waiters`): the operation to poll and a list of
//! acceptors, each a matcher on the poll's `returnObj` JSON (or on the API error code) and the
//! state it means. The first matching acceptor wins; no match means "keep polling". An API error
//! no acceptor matches ends the wait with that error.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::attempt::RawReturn;
use crate::error::{WaiterError, WaiterErrorKind};
use crate::retry::{ceiling, equal_jitter};
use crate::runtime::Operation;
use crate::{Client, Error};

/// What a matching acceptor means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AcceptorState {
    /// The wait is over: done.
    Success,
    /// The wait is over: the resource will never get there.
    Failure,
    /// Keep polling.
    Retry,
}

/// How an acceptor matches a poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Matcher {
    /// The value at `path` in `returnObj` (e.g. `images[0].imageStatus`), as a string, is one of
    /// these.
    PathEquals(&'static str, &'static [&'static str]),
    /// The value at `path` is missing, `null`, or an empty array/object/string.
    PathEmpty(&'static str),
    /// The poll failed with this CTyun error code.
    ErrorCode(&'static str),
}

/// One acceptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Not `#[non_exhaustive]`: generated code builds it, also outside this crate.
pub struct Acceptor {
    /// What a match means.
    pub state: AcceptorState,
    /// When it matches.
    pub matcher: Matcher,
}

/// A waiter definition (generated from the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Not `#[non_exhaustive]`: generated code builds it, also outside this crate.
pub struct WaiterDef {
    /// Waiter name from the spec, e.g. `imageActive`.
    pub name: &'static str,
    /// Delay before the second poll; later delays grow exponentially up to `max_delay`.
    pub min_delay: Duration,
    /// Longest delay between polls.
    pub max_delay: Duration,
    /// Acceptors, in order.
    pub acceptors: &'static [Acceptor],
}

/// A finished wait.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Waited<T> {
    /// The last poll's output; `None` when success was an error code (e.g. not found after a
    /// delete).
    pub output: Option<T>,
    /// Polls made.
    pub polls: u32,
    /// Time spent.
    pub elapsed: Duration,
}

/// Looks up a dotted path with `[n]` indexes (`images[0].imageStatus`) in a JSON value.
pub fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = value;
    for segment in path.split('.') {
        let (name, mut rest) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let index: usize = r[..end].parse().ok()?;
            cur = cur.get(index)?;
            rest = &r[end + 1..];
        }
    }
    Some(cur)
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// The first acceptor a poll matches (its `returnObj`, or the API error code it failed with),
/// with a description of what was observed.
fn matching(def: &WaiterDef, poll: Result<&Value, &str>) -> Option<(AcceptorState, String)> {
    def.acceptors.iter().find_map(|a| match (a.matcher, poll) {
        (Matcher::PathEquals(path, values), Ok(value)) => {
            let text = as_text(lookup(value, path)?);
            values.contains(&text.as_str()).then(|| (a.state, format!("{path} = {text}")))
        }
        (Matcher::PathEmpty(path), Ok(value)) => {
            is_empty(lookup(value, path)).then(|| (a.state, format!("{path} is empty")))
        }
        (Matcher::ErrorCode(c), Err(code)) if c == code => Some((a.state, format!("error code {code}"))),
        _ => None,
    })
}

fn describe(def: &WaiterDef, value: &Value) -> Option<String> {
    def.acceptors.iter().find_map(|a| match a.matcher {
        Matcher::PathEquals(path, _) => lookup(value, path).map(|v| format!("{path} = {}", as_text(v))),
        _ => None,
    })
}

impl Client {
    /// Polls `request` until one of `waiter`'s acceptors says success (→ `Ok`) or failure
    /// (→ [`Error::Waiter`]), or `max_wait` runs out (→ [`Error::Waiter`] with
    /// [`WaiterErrorKind::MaxWaitExceeded`]). Generated `wait_until_*` methods call this.
    pub async fn wait<O: Operation + Clone>(
        &self,
        request: O,
        waiter: &'static WaiterDef,
        max_wait: Duration,
    ) -> Result<Waited<O::Output>, Error> {
        let started = Instant::now();
        let (min_delay, max_delay) = self.inner.waiter_delays.unwrap_or((waiter.min_delay, waiter.max_delay));
        let (mut polls, mut last_seen, mut last_request_id) = (0, None, None);
        let stop = |kind, polls, observed, last_request_id| {
            let operation = O::DESCRIPTOR.operation_id;
            let elapsed = started.elapsed();
            Error::Waiter(Box::new(WaiterError {
                waiter: waiter.name,
                operation,
                last_request_id,
                kind,
                polls,
                elapsed,
                observed,
            }))
        };
        loop {
            // `max_wait` is a hard bound: no poll starts after it, and a poll (with its own
            // retries) is cut off at it.
            let remaining = max_wait.saturating_sub(started.elapsed());
            if polls > 0 && remaining.is_zero() {
                return Err(stop(WaiterErrorKind::MaxWaitExceeded, polls, last_seen, last_request_id));
            }
            polls += 1;
            let Ok(outcome) = tokio::time::timeout(remaining, self.send_raw(request.clone())).await else {
                return Err(stop(WaiterErrorKind::MaxWaitExceeded, polls, last_seen, last_request_id));
            };
            let (matched, raw) = match outcome {
                Ok(raw) => {
                    last_request_id = Some(raw.context.request_id.clone());
                    let value: Value = serde_json::from_str(&raw.return_obj).unwrap_or(Value::Null);
                    last_seen = describe(waiter, &value).or(last_seen);
                    (matching(waiter, Ok(&value)), Some(raw))
                }
                Err(e) => {
                    last_request_id = e.request_id().map(str::to_owned);
                    match e.api_code().and_then(|c| matching(waiter, Err(c))) {
                        Some(m) => (Some(m), None),
                        // Retried already by the pipeline where that is safe; anything else ends the wait.
                        None => return Err(e),
                    }
                }
            };
            tracing::debug!(waiter = waiter.name, polls, matched = ?matched, "waiter poll");
            match matched {
                Some((AcceptorState::Success, _)) => {
                    let output = raw.map(RawReturn::decode).transpose()?;
                    return Ok(Waited { output, polls, elapsed: started.elapsed() });
                }
                Some((AcceptorState::Failure, observed)) => {
                    return Err(stop(WaiterErrorKind::FailureState, polls, Some(observed), last_request_id));
                }
                Some((AcceptorState::Retry, _)) | None => {}
            }
            let delay = equal_jitter(ceiling(min_delay, max_delay, polls));
            tokio::time::sleep(delay.min(max_wait.saturating_sub(started.elapsed()))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static DEF: WaiterDef = WaiterDef {
        name: "imageActive",
        min_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(2),
        acceptors: &[
            Acceptor {
                state: AcceptorState::Success,
                matcher: Matcher::PathEquals("images[0].imageStatus", &["active"]),
            },
            Acceptor {
                state: AcceptorState::Failure,
                matcher: Matcher::PathEquals("images[0].imageStatus", &["error", "killed"]),
            },
            Acceptor { state: AcceptorState::Success, matcher: Matcher::PathEmpty("images") },
            Acceptor { state: AcceptorState::Success, matcher: Matcher::ErrorCode("Image.ImageCheck.NotFound") },
        ],
    };

    #[test]
    fn paths_and_matchers() {
        let v = json!({"images": [{"imageStatus": "active", "n": 3}]});
        assert_eq!(lookup(&v, "images[0].imageStatus"), Some(&json!("active")));
        assert_eq!(lookup(&v, "images[0].n"), Some(&json!(3)));
        assert_eq!(lookup(&v, "images[1].imageStatus"), None);
        assert_eq!(matching(&DEF, Ok(&v)).map(|m| m.0), Some(AcceptorState::Success));
        let v = json!({"images": [{"imageStatus": "killed"}]});
        assert_eq!(matching(&DEF, Ok(&v)).map(|m| m.0), Some(AcceptorState::Failure));
        let v = json!({"images": [{"imageStatus": "queued"}]});
        assert_eq!(matching(&DEF, Ok(&v)), None);
        assert_eq!(describe(&DEF, &v).as_deref(), Some("images[0].imageStatus = queued"));
        assert_eq!(matching(&DEF, Ok(&json!({"images": []}))).map(|m| m.0), Some(AcceptorState::Success));
        assert_eq!(matching(&DEF, Err("Image.ImageCheck.NotFound")).map(|m| m.0), Some(AcceptorState::Success));
        assert_eq!(matching(&DEF, Err("Other")), None);
    }
}
