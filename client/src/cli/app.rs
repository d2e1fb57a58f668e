//! The clap command built from the generated tables, and the run loop of `ctimage`.

use std::ffi::OsString;
use std::io::{IsTerminal as _, Read as _};
use std::time::{Duration, Instant};

use clap::builder::{PossibleValue, PossibleValuesParser, ValueParser};
use clap::{Arg as ClapArg, ArgAction, ArgMatches, Command as ClapCommand};
use serde_json::{Map, Value};

use super::output::{self, Format};
use super::{ArgKind, CliError, Command, ExitCode, Input, COMMANDS, GROUPS};
use crate::{Client, ClientBuilder, RetryConfig};

const ABOUT: &str =
    "Command line for the CTyun (天翼云) Image Service API v4, generated from the same spec as the ctyun-image client";

const AFTER_HELP: &str = "\
Credentials and defaults come from the environment, like the library:
  CTYUN_AK, CTYUN_SK   access key and secret key (required)
  CTYUN_REGION_ID      default regionID (or --region)
  CTYUN_ENDPOINT       endpoint (or --endpoint; default https://ctimage-global.ctapi.ctyun.cn)

Output is JSON on stdout (stable, for jq); errors go to stderr with the CTyun error code,
message and request id.

Exit codes:
  0  done
  1  the API answered with an error (CTyun error envelope, HTTP error, undecodable response)
  2  usage: bad flags or --json-input, missing credentials, a request rejected before sending
  3  transport failure or timeout (including --wait-timeout)
  4  --wait: the resource reached a failure state (e.g. image `error`)";

/// Default `--wait-timeout`.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: f64 = num.parse().map_err(|_| format!("`{s}` is not a duration (e.g. 30, 30s, 500ms, 5m, 1h)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}`: unknown unit `{unit}` (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("`{s}` is out of range"))
}

/// Arguments `ctimage` defines itself have ids prefixed `ctimage-`, so they never clash with a
/// field's id (its wire name) whatever the spec adds.
fn global_args() -> Vec<ClapArg> {
    let g = |a: ClapArg| a.global(true).help_heading("Global options");
    vec![
        g(ClapArg::new("ctimage-output")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .value_parser(["json", "table", "text"])
            .default_value("json")
            .help("Output format: json (stable, for jq), table (for people), text (raw values for shell variables)")),
        g(ClapArg::new("ctimage-query")
            .long("query")
            .value_name("PATH")
            .help("Print only this part of the result, e.g. `images[0].imageID`, `images[].imageName`, `images[].[imageID,imageStatus]`")),
        g(ClapArg::new("ctimage-region")
            .long("region")
            .value_name("REGION_ID")
            .help("Default regionID for requests that leave it out [env: CTYUN_REGION_ID]")),
        g(ClapArg::new("ctimage-endpoint").long("endpoint").value_name("URL").help("API endpoint [env: CTYUN_ENDPOINT]")),
        g(ClapArg::new("ctimage-connect-timeout")
            .long("connect-timeout")
            .value_name("DURATION")
            .value_parser(ValueParser::new(parse_duration))
            .help("Connect timeout, e.g. 10s [default: 10s]")),
        g(ClapArg::new("ctimage-attempt-timeout")
            .long("attempt-timeout")
            .value_name("DURATION")
            .value_parser(ValueParser::new(parse_duration))
            .help("Timeout of one attempt, send to last byte [default: 30s]")),
        g(ClapArg::new("ctimage-timeout")
            .long("timeout")
            .value_name("DURATION")
            .value_parser(ValueParser::new(parse_duration))
            .help("Timeout of a whole call, retries included [default: none]")),
        g(ClapArg::new("ctimage-max-attempts")
            .long("max-attempts")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..=20))
            .help("Attempts per call, the first included; only safe calls are retried [default: 3]")),
        g(ClapArg::new("ctimage-verbose")
            .long("verbose")
            .short('v')
            .action(ArgAction::Count)
            .help("Log the client's tracing spans on stderr (-v this client, -vv everything)")),
        g(ClapArg::new("ctimage-quiet").long("quiet").action(ArgAction::SetTrue).help("No progress on stderr while waiting")),
    ]
}

fn value_arg(a: &'static super::Arg) -> ClapArg {
    let mut arg = ClapArg::new(a.wire).long(a.flag).help(a.help).long_help(a.long_help);
    if a.required {
        arg = arg.required_unless_present("ctimage-json-input");
    }
    match a.kind {
        ArgKind::Str => arg.value_name("TEXT"),
        ArgKind::I32 => arg.value_name("INT").value_parser(clap::value_parser!(i32)),
        ArgKind::I64 => arg.value_name("INT").value_parser(clap::value_parser!(i64)),
        ArgKind::F64 => arg.value_name("NUMBER").value_parser(clap::value_parser!(f64)),
        ArgKind::Bool => arg
            .value_name("BOOL")
            .value_parser(clap::value_parser!(bool))
            .num_args(0..=1)
            .require_equals(false)
            .default_missing_value("true"),
        ArgKind::Enum(values) => arg.value_name("VALUE").value_parser(PossibleValuesParser::new(
            values.iter().map(|(v, h)| PossibleValue::new(*v).help(*h)).collect::<Vec<_>>(),
        )),
        ArgKind::IntEnum(values) => arg.value_name("VALUE").value_parser(PossibleValuesParser::new(
            values.iter().map(|(v, h)| PossibleValue::new(*v).help(*h)).collect::<Vec<_>>(),
        )),
        ArgKind::StrList => arg.value_name("TEXT").action(ArgAction::Append).value_delimiter(','),
        ArgKind::Json => arg.value_name("JSON"),
    }
}

fn subcommand(c: &'static Command) -> ClapCommand {
    let mut cmd = ClapCommand::new(c.name).about(c.about).long_about(c.long_about);
    for a in c.args {
        cmd = cmd.arg(value_arg(a));
    }
    cmd = cmd.arg(
        ClapArg::new("ctimage-json-input")
            .long("json-input")
            .value_name("FILE|-")
            .help("The whole request as a JSON object keyed by wire name (`-`: stdin); flags override its fields"),
    );
    if c.items.is_some() {
        cmd = cmd.arg(
            ClapArg::new("ctimage-all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Walk every page (from --page-no or 1) and print all items"),
        );
    }
    if let Some(w) = &c.wait {
        cmd = cmd.arg(
            ClapArg::new("ctimage-wait")
                .long("wait")
                .action(ArgAction::SetTrue)
                .help(format!("Then wait (waiter `{}`) and print the final state", w.waiter)),
        );
    }
    if c.wait.is_some() || c.waiter.is_some() {
        cmd = cmd.arg(
            ClapArg::new("ctimage-wait-timeout")
                .long("wait-timeout")
                .value_name("DURATION")
                .value_parser(ValueParser::new(parse_duration))
                .help("Longest wait [default: 30m]"),
        );
    }
    cmd
}

/// The whole `ctimage` command.
pub fn command() -> ClapCommand {
    let mut root = ClapCommand::new("ctimage")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    let mut groups: Vec<(&str, &str)> = GROUPS.iter().map(|g| (g.name, g.about)).collect();
    if COMMANDS.iter().any(|c| c.group == "wait") {
        groups.push(("wait", "Wait until an image reaches a state (the spec's waiters)"));
    }
    for (name, about) in groups {
        let mut g = ClapCommand::new(name).about(about).subcommand_required(true).arg_required_else_help(true);
        for c in COMMANDS.iter().filter(|c| c.group == name) {
            g = g.subcommand(subcommand(c));
        }
        root = root.subcommand(g);
    }
    for c in COMMANDS.iter().filter(|c| c.group.is_empty()) {
        root = root.subcommand(subcommand(c));
    }
    root.subcommand(
        ClapCommand::new("man")
            .about("Print the man page of ctimage, or write one per command into a directory")
            .arg(
                ClapArg::new("dir")
                    .long("dir")
                    .value_name("DIR")
                    .help("Write ctimage.1, ctimage-lifecycle.1, ctimage-lifecycle-create-image.1... into DIR"),
            ),
    )
    .subcommand(
        ClapCommand::new("completions")
            .about("Print a shell completion script (bash, zsh, fish)")
            .long_about(
                "Print a shell completion script.\n\n  bash: ctimage completions bash > /etc/bash_completion.d/ctimage\n  \
                 zsh:  ctimage completions zsh > \"${fpath[1]}/_ctimage\"\n  fish: ctimage completions fish > \
                 ~/.config/fish/completions/ctimage.fish",
            )
            .arg(ClapArg::new("shell").required(true).value_parser(["bash", "zsh", "fish"])),
    )
}

/// Runs `ctimage` as a process does: parses `std::env::args_os()`, prints, exits.
pub fn main() -> std::process::ExitCode {
    let code = run(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::ExitCode::from(code as u8)
}

/// Runs `ctimage` with these arguments (the first is the program name), writing results to
/// `out` and messages to `err`. Returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let text = e.render().to_string();
            return if e.exit_code() == 0 {
                let _ = write!(out, "{text}");
                ExitCode::Ok
            } else {
                let _ = write!(err, "{text}");
                ExitCode::Usage
            };
        }
    };
    match execute(&matches, out, err) {
        Ok(()) => ExitCode::Ok,
        Err(e) => {
            report(&e, err);
            e.exit_code()
        }
    }
}

/// Prints an error: its message, then the CTyun code, message and request id on their own lines.
fn report(e: &CliError, err: &mut dyn std::io::Write) {
    let _ = writeln!(err, "ctimage: error: {e}");
    if let CliError::Client(c) = e {
        if let Some(api) = c.as_api_error() {
            let _ = writeln!(err, "  code:       {}", api.code);
            let _ = writeln!(err, "  message:    {}", api.message);
            if !api.description.is_empty() && api.description != api.message {
                let _ = writeln!(err, "  description: {}", api.description);
            }
            let _ = writeln!(err, "  statusCode: {} (HTTP {})", api.status_code, api.http_status);
        } else if let Some(status) = c.http_status() {
            let _ = writeln!(err, "  HTTP status: {status}");
        }
        if let Some(id) = c.request_id() {
            let _ = writeln!(err, "  request id: {id}");
        }
    }
}

fn execute(m: &ArgMatches, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Some((first, sub)) = m.subcommand() else { return Err(CliError::Usage("no command given".into())) };
    match first {
        "completions" => return completions(sub, out),
        "man" => return man(sub, out),
        _ => {}
    }
    let (cmd, cm) = find_command(first, sub)?;
    init_tracing(m.get_count("ctimage-verbose"));
    let format = match m.get_one::<String>("ctimage-output").map(String::as_str) {
        Some("table") => Format::Table,
        Some("text") => Format::Text,
        _ => Format::Json,
    };
    if let Some(q) = m.get_one::<String>("ctimage-query") {
        // Check the path before anything is sent.
        output::query(&Value::Null, q).map_err(CliError::Usage)?;
    }
    let input = collect_input(cmd, cm)?;
    let client = build_client(m)?;
    let flag = |name: &str| cm.try_get_one::<bool>(name).ok().flatten().copied().unwrap_or(false);
    let run = Run {
        client: &client,
        wait_timeout: cm
            .try_get_one::<Duration>("ctimage-wait-timeout")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(DEFAULT_WAIT_TIMEOUT),
        progress: !m.get_flag("ctimage-quiet") && std::io::stderr().is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))?;
    let result = runtime.block_on(run.command(cmd, input, flag("ctimage-all"), flag("ctimage-wait")));
    let _ = err.flush();
    let value = result?;
    let value = match m.get_one::<String>("ctimage-query") {
        Some(q) => output::query(&value, q).map_err(CliError::Usage)?,
        None => value,
    };
    let columns = m.get_one::<String>("ctimage-query").and_then(|q| output::picked_fields(q));
    out.write_all(output::render_columns(&value, format, columns.as_deref()).as_bytes())
        .map_err(|e| CliError::Usage(format!("cannot write the output: {e}")))?;
    Ok(())
}

/// `ctimage completions [SHELL]`.
fn completions(sub: &ArgMatches, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let shell = match sub.get_one::<String>("shell").map(String::as_str) {
        Some("zsh") => clap_complete::Shell::Zsh,
        Some("fish") => clap_complete::Shell::Fish,
        _ => clap_complete::Shell::Bash,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "ctimage", &mut buf);
    out.write_all(&buf).map_err(|e| CliError::Usage(format!("cannot write: {e}")))
}

/// `ctimage man [--dir DIR]`.
fn man(sub: &ArgMatches, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let io = |e: std::io::Error| CliError::Usage(format!("cannot write the man page: {e}"));
    match sub.get_one::<String>("dir") {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(io)?;
            clap_mangen::generate_to(command(), dir).map_err(io)?;
            writeln!(out, "wrote man pages into {dir}").map_err(io)
        }
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(command()).render(&mut buf).map_err(io)?;
            out.write_all(&buf).map_err(io)
        }
    }
}

/// The command a top-level name (`wait-...`, or a group then a command) selects, with its matches.
fn find_command<'m>(first: &str, sub: &'m ArgMatches) -> Result<(&'static Command, &'m ArgMatches), CliError> {
    if let Some(c) = COMMANDS.iter().find(|c| c.group.is_empty() && c.name == first) {
        return Ok((c, sub));
    }
    let Some((name, cm)) = sub.subcommand() else { return Err(CliError::Usage("no command given".into())) };
    let cmd = COMMANDS
        .iter()
        .find(|c| c.group == first && c.name == name)
        .ok_or_else(|| CliError::unknown("command", name))?;
    Ok((cmd, cm))
}

/// What running one command needs besides its input.
struct Run<'a> {
    client: &'a Client,
    wait_timeout: Duration,
    progress: bool,
}

impl Run<'_> {
    /// Runs a command: a waiter, or an operation (all pages with `all`), then its waiter with `wait`.
    async fn command(
        &self,
        cmd: &Command,
        input: Map<String, Value>,
        all: bool,
        wait: bool,
    ) -> Result<Value, CliError> {
        if let Some(waiter) = cmd.waiter {
            return self.wait(waiter, cmd.args, input).await;
        }
        let request = input.clone();
        let output =
            crate::generated::cli::call(self.client, cmd.operation_id, Input::new(input, cmd.args), all).await?;
        let (true, Some(w)) = (wait, cmd.wait) else { return Ok(output) };
        let polled = COMMANDS
            .iter()
            .find(|c| c.waiter == Some(w.waiter))
            .ok_or_else(|| CliError::unknown("waiter", w.waiter))?;
        let poll = poll_input(w, polled, &output, &request)?;
        let waited = self.wait(w.waiter, polled.args, poll).await?;
        // A waiter that succeeded on an error code (e.g. not found after a delete) has no final
        // state: print the operation's own output then.
        Ok(if waited.is_null() { output } else { waited })
    }

    /// Runs `waiter` on `input`, with a progress line when wanted.
    async fn wait(
        &self,
        waiter: &'static str,
        args: &'static [super::Arg],
        input: Map<String, Value>,
    ) -> Result<Value, CliError> {
        let describe = describe_target(&input);
        with_progress(self.progress, waiter, &describe, self.wait_timeout, async {
            crate::generated::cli::wait(self.client, waiter, Input::new(input, args), self.wait_timeout).await
        })
        .await
    }
}

/// The polled request of `--wait`: each field from the operation's response (`fromResponse`
/// paths) or else from the request sent, by wire name.
fn poll_input(
    w: super::WaitUse,
    polled: &Command,
    output: &Value,
    request: &Map<String, Value>,
) -> Result<Map<String, Value>, CliError> {
    let mut poll = Map::new();
    for a in polled.args {
        let value = match w.from_response.iter().find(|(k, _)| *k == a.wire) {
            Some((_, path)) => match crate::waiter::lookup(output, path) {
                Some(v) if !v.is_null() => Some(v.clone()),
                _ => {
                    return Err(CliError::Response(format!(
                        "cannot --wait: the response has no `{path}` (for `{}` of `{}`); the request was sent, its \
                         response was:\n{}",
                        a.wire,
                        polled.operation_id,
                        output::render(output, Format::Json)
                    )))
                }
            },
            None => request.get(a.wire).cloned(),
        };
        if let Some(v) = value {
            poll.insert(a.wire.to_owned(), v);
        }
    }
    Ok(poll)
}

/// `imageID=...` of a polled request, for progress lines.
fn describe_target(input: &Map<String, Value>) -> String {
    input
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("regionID"))
        .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs a wait, showing elapsed time on stderr every second when it is a terminal.
async fn with_progress<F: std::future::Future<Output = Result<Value, CliError>>>(
    progress: bool,
    waiter: &str,
    target: &str,
    limit: Duration,
    fut: F,
) -> Result<Value, CliError> {
    if !progress {
        return fut.await;
    }
    let started = Instant::now();
    let label = format!("waiting for {waiter} ({target})");
    let line = label.clone();
    let ticker = tokio::spawn(async move {
        loop {
            eprint!("\r{line}: {} s (up to {} s)  ", started.elapsed().as_secs(), limit.as_secs());
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let result = fut.await;
    ticker.abort();
    eprintln!(
        "\r{label}: {} after {:.1} s          ",
        if result.is_ok() { "done" } else { "stopped" },
        started.elapsed().as_secs_f64()
    );
    result
}

/// Flags and `--json-input` as one JSON object keyed by wire name (flags win).
fn collect_input(cmd: &'static Command, m: &ArgMatches) -> Result<Map<String, Value>, CliError> {
    let mut map = match m.get_one::<String>("ctimage-json-input") {
        None => Map::new(),
        Some(path) => {
            let text = if path == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| CliError::Usage(format!("cannot read --json-input from stdin: {e}")))?;
                s
            } else {
                std::fs::read_to_string(path)
                    .map_err(|e| CliError::Usage(format!("cannot read --json-input {path}: {e}")))?
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(o)) => o,
                Ok(_) => return Err(CliError::Usage("--json-input must be a JSON object keyed by wire name".into())),
                Err(e) => return Err(CliError::Usage(format!("--json-input is not valid JSON: {e}"))),
            }
        }
    };
    for a in cmd.args {
        if m.value_source(a.wire) != Some(clap::parser::ValueSource::CommandLine) {
            continue;
        }
        let value = match a.kind {
            ArgKind::I32 => m.get_one::<i32>(a.wire).map(|n| Value::from(*n)),
            ArgKind::I64 => m.get_one::<i64>(a.wire).map(|n| Value::from(*n)),
            ArgKind::F64 => m.get_one::<f64>(a.wire).map(|n| Value::from(*n)),
            ArgKind::Bool => m.get_one::<bool>(a.wire).map(|b| Value::Bool(*b)),
            ArgKind::IntEnum(_) => m.get_one::<String>(a.wire).and_then(|s| s.parse::<i64>().ok()).map(Value::from),
            ArgKind::StrList => {
                m.get_many::<String>(a.wire).map(|vs| Value::Array(vs.map(|s| Value::String(s.clone())).collect()))
            }
            ArgKind::Json => match m.get_one::<String>(a.wire) {
                Some(s) => Some(
                    serde_json::from_str(s)
                        .map_err(|e| CliError::Usage(format!("invalid value for --{}: not valid JSON: {e}", a.flag)))?,
                ),
                None => None,
            },
            ArgKind::Str | ArgKind::Enum(_) => m.get_one::<String>(a.wire).map(|s| Value::String(s.clone())),
        };
        if let Some(v) = value {
            map.insert(a.wire.to_owned(), v);
        }
    }
    Ok(map)
}

fn build_client(m: &ArgMatches) -> Result<Client, CliError> {
    let mut b = ClientBuilder::from_env()?;
    if let Some(r) = m.get_one::<String>("ctimage-region") {
        b = b.region(r.clone());
    }
    if let Some(e) = m.get_one::<String>("ctimage-endpoint") {
        b = b.endpoint(e.clone());
    }
    if let Some(t) = m.get_one::<Duration>("ctimage-connect-timeout") {
        b = b.connect_timeout(*t);
    }
    if let Some(t) = m.get_one::<Duration>("ctimage-attempt-timeout") {
        b = b.attempt_timeout(*t);
    }
    if let Some(t) = m.get_one::<Duration>("ctimage-timeout") {
        b = b.operation_timeout(*t);
    }
    if let Some(n) = m.get_one::<u32>("ctimage-max-attempts") {
        b = b.retry(RetryConfig::default().with_max_attempts(*n));
    }
    if let Some(delays) = std::env::var("CTIMAGE_WAITER_DELAY_MS").ok().and_then(|v| v.trim().parse::<u64>().ok()) {
        // For tests against a fake server: poll fast instead of the spec's 5–30 s.
        let d = Duration::from_millis(delays);
        b = b.waiter_delays(d, d);
    }
    Ok(b.build()?)
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::layer::SubscriberExt as _;
    // -v: this client's spans and events; -vv: everything, HTTP internals included.
    let filter = match verbose {
        0 => return,
        1 => tracing_subscriber::filter::Targets::new().with_target("ctyun_image", tracing::Level::DEBUG),
        _ => tracing_subscriber::filter::Targets::new().with_default(tracing::Level::TRACE),
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish()
        .with(filter);
    let _ = tracing::subscriber::set_global_default(subscriber);
}
