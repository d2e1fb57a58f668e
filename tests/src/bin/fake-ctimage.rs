//! `fake-ctimage`: a signature-verifying fake of CTyun's image API, for offline tests.

use std::net::SocketAddr;
use std::process::ExitCode;

use ctyun_image_tests::{FakeConfig, FakeServer};

const HELP: &str = "fake-ctimage: an offline fake of the CTyun image API (v4)

Verifies the EOP signature of every request exactly as CTyun's reference does and answers
with the CTyun envelope (statusCode 800 / 900). State is in memory.

USAGE:
    fake-ctimage --listen ADDR --account AK:SK [--account AK:SK ...]

OPTIONS:
    --listen ADDR       address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
    --account AK:SK     an accepted access key / secret key pair; repeatable. The account id
                        is derived from the access key.
    --max-skew SECS     accepted distance between Eop-date (Beijing time) and the server
                        clock, in seconds (default 900 = 15 minutes)
    -h, --help          this text

Prints `listening on http://ADDR` once ready. Point a client at it with
CTYUN_ENDPOINT=http://ADDR and the same AK/SK in CTYUN_AK / CTYUN_SK.
";

fn main() -> ExitCode {
    let mut config = FakeConfig { listen: SocketAddr::from(([127, 0, 0, 1], 8080)), ..FakeConfig::default() };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        let r: Result<(), String> = (|| {
            match a.as_str() {
                "-h" | "--help" => {
                    print!("{HELP}");
                    std::process::exit(0);
                }
                "--listen" => {
                    let v = value("--listen")?;
                    config.listen = v.parse().map_err(|e| format!("--listen {v:?}: {e}"))?;
                }
                "--account" => {
                    let v = value("--account")?;
                    let (ak, sk) = v
                        .split_once(':')
                        .filter(|(a, s)| !a.is_empty() && !s.is_empty())
                        .ok_or_else(|| format!("--account expects AK:SK, got {v:?}"))?;
                    config.accounts.push((ak.to_owned(), sk.to_owned()));
                }
                "--max-skew" => {
                    let v = value("--max-skew")?;
                    let secs: u64 = v.parse().map_err(|e| format!("--max-skew {v:?}: {e}"))?;
                    config.max_skew = std::time::Duration::from_secs(secs);
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
            Ok(())
        })();
        if let Err(e) = r {
            eprintln!("fake-ctimage: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    }
    if config.accounts.is_empty() {
        eprintln!("fake-ctimage: at least one --account AK:SK is required\n\n{HELP}");
        return ExitCode::from(2);
    }
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
