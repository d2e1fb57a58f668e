//! `fake-ctimage`: a signature-verifying fake of CTyun's image API, for offline tests.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use ctyun_image_tests::{FakeConfig, FakeServer, Transition};

const HELP: &str = "fake-ctimage: an offline fake of the CTyun image API (v4)

Verifies the EOP signature of every request exactly as CTyun's reference does, implements
all 27 operations under /v4/image/ with in-memory state per account and region, and answers
with the CTyun envelope (statusCode 800 / 900). Nothing is persisted.

USAGE:
    fake-ctimage --account AK:SK [--account AK:SK ...] [OPTIONS]

OPTIONS:
    --listen ADDR           address to listen on (default 127.0.0.1:8080; port 0 picks a free
                            one). Prints `listening on http://ADDR` once ready.
    --account AK:SK         an accepted access key / secret key pair; repeatable, at least one.
                            The account id (used by sharing) is derived from the access key:
                            the first 32 hex digits of sha256(\"account:\" + AK).
    --max-skew SECS         accepted distance between Eop-date (read as Beijing time, UTC+8)
                            and the server clock, in seconds (default 900 = 15 minutes)
    --transition-polls N    transitional statuses (queued, deleting, deactivating,
                            reactivating, running import/export tasks) complete after N polls
                            of the image or task (detail/list, list-tasks/list-import-tasks);
                            0 = by the next request. Default 2.
    --transition-ms MS      instead, complete them MS milliseconds after they begin
    --region ID             a region offered as cross-region copy destination (repeatable;
                            replaces the default list of four documented region ids). Any
                            region id is accepted by the other operations.
    --header-read-timeout-ms MS
                            close a connection that has not sent a complete request head
                            MS ms after it opened or after its last response (default 30000;
                            0 = never)
    -h, --help              this text

CLIENT SETUP:
    CTYUN_ENDPOINT=http://ADDR CTYUN_AK=AK CTYUN_SK=SK CTYUN_REGION_ID=<any id> your-program

FAULT INJECTION:
    A fault spec is a comma-separated list of steps (delays first, at most one answering step):
      delay=MS        wait MS milliseconds, then go on (with the next step or normally)
      NNN             answer HTTP NNN (e.g. 500, 502, 503, 429) with a CTyun failure
                      envelope (statusCode 900, errorCode Eop.Gateway.*); operation not run
      error=CODE      answer HTTP 200 with a CTyun failure envelope (statusCode 900, errorCode
                      CODE, e.g. CTIAM_0005); operation not run
      plain=NNN       answer HTTP NNN with a text/plain body; operation not run
      html[=NNN]      answer HTTP NNN (default 502) with an HTML error page; operation not run
      reset           close the connection without answering (TCP RST); operation not run
      truncated       run the operation, send only the first half of its JSON body
      string-status   run the operation, send statusCode as a JSON string (\"800\"/\"900\")
    Apply one to a single request with the header `x-fake-fault: SPEC`, or queue it for the next
    N matching requests through the control endpoint. Faults apply only to requests whose
    signature verifies; each request is recorded with the fault it got.

CONTROL ENDPOINTS (unsigned, JSON):
    POST   /__fake/faults     queue a rule: {\"fault\": \"delay=200,503\", \"times\": 2,
                              \"path\": \"/v4/image/list\", \"accessKey\": \"AK\"}
                              (times default 1; path and accessKey are optional filters)
    GET    /__fake/faults     queued rules with their remaining counts
    DELETE /__fake/faults     drop every queued rule
    GET    /__fake/requests   recorded requests (?path=P&accessKey=AK filters): method, path,
                              rawQuery, requestID, eopDate, bodySha256, verified, authError,
                              fault
    DELETE /__fake/requests   forget recorded requests
    GET    /__fake/health     {\"ok\": true}

EXAMPLE:
    curl -X POST http://127.0.0.1:8080/__fake/faults \\
         -d '{\"fault\":\"503\",\"times\":2,\"path\":\"/v4/image/list\"}'
";

/// The flags that take a value (all of them but `--help`).
const FLAGS: &[&str] = &[
    "--listen",
    "--account",
    "--max-skew",
    "--transition-polls",
    "--transition-ms",
    "--header-read-timeout-ms",
    "--region",
];

/// `flag`'s value parsed as a `T`, or a message naming the flag and the value.
fn parse<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    v.parse().map_err(|e| format!("{flag} {v:?}: {e}"))
}

/// The configuration the arguments ask for; `None` after `--help` was printed.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<FakeConfig>, String> {
    let mut config = FakeConfig { listen: SocketAddr::from(([127, 0, 0, 1], 8080)), ..FakeConfig::default() };
    let mut regions: Vec<String> = Vec::new();
    while let Some(flag) = args.next() {
        if matches!(flag.as_str(), "-h" | "--help") {
            print!("{HELP}");
            return Ok(None);
        }
        if !FLAGS.contains(&flag.as_str()) {
            return Err(format!("unknown argument {flag:?}"));
        }
        let v = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => config.listen = parse(&flag, &v)?,
            "--account" => {
                let (ak, sk) = v
                    .split_once(':')
                    .filter(|(a, s)| !a.is_empty() && !s.is_empty())
                    .ok_or_else(|| format!("--account expects AK:SK, got {v:?}"))?;
                config.accounts.push((ak.to_owned(), sk.to_owned()));
            }
            "--max-skew" => config.max_skew = Duration::from_secs(parse(&flag, &v)?),
            "--transition-polls" => config.transition = Transition::Polls(parse(&flag, &v)?),
            "--transition-ms" => config.transition = Transition::Elapsed(Duration::from_millis(parse(&flag, &v)?)),
            "--header-read-timeout-ms" => {
                let ms: u64 = parse(&flag, &v)?;
                config.header_read_timeout = (ms > 0).then(|| Duration::from_millis(ms));
            }
            "--region" if v.is_empty() => return Err("--region needs a non-empty region id".into()),
            "--region" => regions.push(v),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    if config.accounts.is_empty() {
        return Err("at least one --account AK:SK is required".into());
    }
    if !regions.is_empty() {
        config.regions = regions;
    }
    Ok(Some(config))
}

/// Serves until Ctrl-C.
fn serve(config: FakeConfig) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake-ctimage: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let server = match FakeServer::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("fake-ctimage: cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on {}", server.url());
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        drop(server);
        ExitCode::SUCCESS
    })
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => serve(config),
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake-ctimage: {e}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}
