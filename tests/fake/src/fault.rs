//! Fault injection: scripted misbehaviour for the client's retry and error-handling tests.
//!
//! A fault *spec* is a comma-separated list of steps, e.g. `503`, `delay=1500`, `reset`,
//! `delay=200,html=502`, `string-status`. The same text is accepted by
//!
//! * the `x-fake-fault` request header (applies to that one request),
//! * [`FaultRule`]s queued with [`crate::FakeServer::inject`] / [`crate::FakeServer::inject_rule`]
//!   (apply to the next N matching requests — the way to script a client you cannot add headers
//!   to), and
//! * the unsigned control endpoint `POST /__fake/faults` of the `fake-ctimage` binary.
//!
//! | step | effect |
//! |---|---|
//! | `delay=MS` | wait MS milliseconds before answering (then go on with the next step, or answer normally) |
//! | `retry-after=S` | add `Retry-After: S` (seconds) to the `NNN` answer that follows |
//! | `500`, `502`, `503`, `429`, any `NNN` | answer HTTP NNN with a CTyun failure envelope (`statusCode` 900, `errorCode` `Eop.Gateway.*`); the operation is not run |
//! | `error=CODE` | answer HTTP 200 with a CTyun business failure (`statusCode` 900, `errorCode` CODE, e.g. `CTIAM_0005`); the operation is not run |
//! | `plain=NNN` | answer HTTP NNN with a `text/plain` body (no envelope); the operation is not run |
//! | `html` / `html=NNN` | answer HTTP NNN (default 502) with an nginx-style HTML error page; the operation is not run |
//! | `reset` | close the connection without any response (TCP RST); the operation is not run |
//! | `truncated` | run the operation, then send only the first half of its JSON body (valid HTTP, invalid JSON) |
//! | `string-status` | run the operation, then send its envelope with `statusCode` as a JSON string (`"800"` / `"900"`) |
//!
//! At most one of the answering steps (`NNN`, `error`, `plain`, `html`, `reset`, `truncated`,
//! `string-status`) may appear, after any delays.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// One step of a fault spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Wait before answering (`delay=MS`).
    Delay(Duration),
    /// `Retry-After` seconds on the following `NNN` answer (`retry-after=S`).
    RetryAfter(u32),
    /// HTTP status with a CTyun failure envelope (`503`).
    Status(u16),
    /// A CTyun business failure with this error code, as CTyun sends one: HTTP 200, `statusCode`
    /// 900 (`error=CTIAM_0005`). For testing how your code handles a given error code.
    ApiError(String),
    /// HTTP status with a plain-text body (`plain=503`).
    PlainStatus(u16),
    /// HTTP status with an HTML error page (`html=502`).
    Html(u16),
    /// Close the connection without answering (`reset`).
    Reset,
    /// Run the operation, send half of its JSON body (`truncated`).
    TruncatedJson,
    /// Run the operation, send `statusCode` as a string (`string-status`).
    StringStatusCode,
}

impl Fault {
    /// Parses a whole spec (`"delay=200,503"`) into its steps.
    pub fn parse_spec(spec: &str) -> Result<Vec<Fault>, String> {
        let steps: Vec<Fault> =
            spec.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::parse).collect::<Result<_, _>>()?;
        if steps.is_empty() {
            return Err("empty fault spec".into());
        }
        let modifier = |f: &Fault| matches!(f, Fault::Delay(_) | Fault::RetryAfter(_));
        let answering = steps.iter().filter(|f| !modifier(f)).count();
        if answering > 1 {
            return Err(format!("fault spec {spec:?} has {answering} answering steps; at most one is allowed"));
        }
        if let Some(pos) = steps.iter().position(|f| !modifier(f)) {
            if pos != steps.len() - 1 {
                return Err(format!("fault spec {spec:?}: delays must come before the answering step"));
            }
        }
        Ok(steps)
    }

    /// Renders steps back into spec text.
    pub fn spec_text(steps: &[Fault]) -> String {
        steps.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(",")
    }
}

fn status(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(n) if (100..=599).contains(&n) => Ok(n),
        _ => Err(format!("{s:?} is not an HTTP status (100-599)")),
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Fault, String> {
        let (name, value) = match s.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (s.trim(), None),
        };
        match (name, value) {
            ("delay", Some(ms)) => ms
                .parse::<u64>()
                .map(|ms| Fault::Delay(Duration::from_millis(ms)))
                .map_err(|_| format!("delay={ms:?}: milliseconds expected")),
            ("retry-after", Some(secs)) => {
                secs.parse::<u32>().map(Fault::RetryAfter).map_err(|_| format!("retry-after={secs:?}: seconds expected"))
            }
            ("error", Some(code)) if !code.is_empty() && !code.contains(char::is_whitespace) => {
                Ok(Fault::ApiError(code.to_owned()))
            }
            ("error", _) => Err(format!("{s:?}: error=CODE expects a CTyun error code such as CTIAM_0005")),
            ("plain", Some(code)) => status(code).map(Fault::PlainStatus),
            ("html", None) => Ok(Fault::Html(502)),
            ("html", Some(code)) => status(code).map(Fault::Html),
            ("reset", None) => Ok(Fault::Reset),
            ("truncated", None) => Ok(Fault::TruncatedJson),
            ("string-status", None) => Ok(Fault::StringStatusCode),
            (code, None) if code.bytes().all(|b| b.is_ascii_digit()) => status(code).map(Fault::Status),
            _ => Err(format!(
                "unknown fault step {s:?} (expected NNN, error=CODE, plain=NNN, html[=NNN], delay=MS, reset, truncated, string-status)"
            )),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Delay(d) => write!(f, "delay={}", d.as_millis()),
            Fault::RetryAfter(s) => write!(f, "retry-after={s}"),
            Fault::Status(s) => write!(f, "{s}"),
            Fault::ApiError(code) => write!(f, "error={code}"),
            Fault::PlainStatus(s) => write!(f, "plain={s}"),
            Fault::Html(s) => write!(f, "html={s}"),
            Fault::Reset => f.write_str("reset"),
            Fault::TruncatedJson => f.write_str("truncated"),
            Fault::StringStatusCode => f.write_str("string-status"),
        }
    }
}

/// Faults for the next `times` requests that match the optional filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// The steps applied to each matching request.
    pub faults: Vec<Fault>,
    /// How many more requests this rule applies to.
    pub times: u32,
    /// Only requests to this path (e.g. `/v4/image/list`).
    pub path: Option<String>,
    /// Only requests signed with this access key.
    pub access_key: Option<String>,
}

impl FaultRule {
    /// A rule applying `fault` to the next matching request.
    pub fn new(fault: Fault) -> FaultRule {
        FaultRule { faults: vec![fault], times: 1, path: None, access_key: None }
    }

    /// A rule from spec text (`"delay=100,503"`).
    pub fn parse(spec: &str) -> Result<FaultRule, String> {
        Ok(FaultRule { faults: Fault::parse_spec(spec)?, times: 1, path: None, access_key: None })
    }

    /// Adds a step (e.g. a delay before the answering step).
    pub fn then(mut self, fault: Fault) -> FaultRule {
        self.faults.push(fault);
        self
    }

    /// Applies to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.times = n;
        self
    }

    /// Only for requests to `path`.
    pub fn path(mut self, path: impl Into<String>) -> FaultRule {
        self.path = Some(path.into());
        self
    }

    /// Only for requests signed by `access_key`.
    pub fn access_key(mut self, access_key: impl Into<String>) -> FaultRule {
        self.access_key = Some(access_key.into());
        self
    }

    fn matches(&self, path: &str, access_key: &str) -> bool {
        self.times > 0
            && self.path.as_deref().is_none_or(|p| p == path)
            && self.access_key.as_deref().is_none_or(|a| a == access_key)
    }

    /// The rule as JSON (what `GET /__fake/faults` shows).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "fault": Fault::spec_text(&self.faults),
            "times": self.times,
            "path": self.path,
            "accessKey": self.access_key,
        })
    }
}

/// The queue of pending rules, consulted in insertion order.
#[derive(Debug, Default)]
pub struct FaultQueue {
    rules: Vec<FaultRule>,
}

impl FaultQueue {
    /// Queues a rule.
    pub fn push(&mut self, rule: FaultRule) {
        if rule.times > 0 {
            self.rules.push(rule);
        }
    }

    /// Takes one use of the first rule matching this request.
    pub fn take(&mut self, path: &str, access_key: &str) -> Option<Vec<Fault>> {
        let i = self.rules.iter().position(|r| r.matches(path, access_key))?;
        let rule = &mut self.rules[i];
        rule.times -= 1;
        let faults = rule.faults.clone();
        if rule.times == 0 {
            self.rules.remove(i);
        }
        Some(faults)
    }

    /// Drops every pending rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The pending rules.
    pub fn pending(&self) -> Vec<FaultRule> {
        self.rules.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_round_trip() {
        let steps = Fault::parse_spec("delay=250, 503").unwrap();
        assert_eq!(steps, vec![Fault::Delay(Duration::from_millis(250)), Fault::Status(503)]);
        assert_eq!(Fault::spec_text(&steps), "delay=250,503");
        for s in ["reset", "html=500", "plain=429", "truncated", "string-status", "delay=1", "error=CTIAM_0005"] {
            assert_eq!(Fault::spec_text(&Fault::parse_spec(s).unwrap()), s);
        }
        assert_eq!(Fault::parse_spec("html").unwrap(), vec![Fault::Html(502)]);
        assert!(Fault::parse_spec("503,reset").is_err());
        assert!(Fault::parse_spec("503,delay=5").is_err());
        assert!(Fault::parse_spec("42").is_err());
        assert!(Fault::parse_spec("boom").is_err());
        assert!(Fault::parse_spec("error=").is_err());
        assert!(Fault::parse_spec("error=503,reset").is_err());
        assert!(Fault::parse_spec("").is_err());
    }

    #[test]
    fn queue_consumes_matching_rules_in_order() {
        let mut q = FaultQueue::default();
        q.push(FaultRule::new(Fault::Status(500)).times(2).path("/a").access_key("AK"));
        q.push(FaultRule::new(Fault::Reset));
        assert_eq!(q.take("/a", "other"), Some(vec![Fault::Reset]));
        assert_eq!(q.take("/b", "AK"), None);
        assert_eq!(q.take("/a", "AK"), Some(vec![Fault::Status(500)]));
        assert_eq!(q.take("/a", "AK"), Some(vec![Fault::Status(500)]));
        assert_eq!(q.take("/a", "AK"), None);
        assert!(q.pending().is_empty());
    }
}
