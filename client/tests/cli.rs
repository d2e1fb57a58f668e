//! `ctimage` run as a process (the binary cargo built for this test, `CARGO_BIN_EXE_ctimage`)
//! against the fake CTyun server started in this process (`ctyun_image_tests::FakeServer`).
//!
//! Layout: this test lives in the client crate because only there cargo builds the binary and
//! hands its path to tests; the fake is a dev-dependency. `cargo test --workspace` runs it because
//! the tests package enables the `cli` feature of this crate (feature unification).
//!
//! `SCRIPT` exercises every command; `every_command_is_in_the_script` compares it with the
//! generated command list (`ctyun_image::cli::COMMANDS`), so a new operation without a CLI case
//! fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use ctyun_image_tests::{FakeConfig, FakeServer, Fault};

const BIN: &str = env!("CARGO_BIN_EXE_ctimage");

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap())
}

/// Accounts: each test has its own, so tests running in parallel do not see each other.
const ACCOUNTS: &[(&str, &str)] = &[
    ("ak-script", "sk-script"),
    ("ak-friend", "sk-friend"),
    ("ak-codes", "sk-codes"),
    ("ak-wait", "sk-wait"),
    ("ak-all", "sk-all"),
    ("ak-input", "sk-input"),
    ("ak-verbose", "sk-verbose-secret"),
];

/// The shared fake: transitional statuses complete after 2 polls (so `--wait` really polls).
fn server() -> &'static FakeServer {
    static S: OnceLock<FakeServer> = OnceLock::new();
    S.get_or_init(|| {
        let mut cfg = FakeConfig::default();
        for (ak, sk) in ACCOUNTS {
            cfg = cfg.account(*ak, *sk);
        }
        rt().block_on(FakeServer::start(cfg)).unwrap()
    })
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

fn secret(ak: &str) -> &'static str {
    ACCOUNTS.iter().find(|(a, _)| *a == ak).map(|(_, s)| *s).unwrap_or("unknown")
}

/// Runs `ctimage` as account `ak` against `endpoint`, in region `region`, with `stdin`.
fn run_at(endpoint: &str, ak: &str, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("CTYUN_ENDPOINT")
        .env("CTYUN_ENDPOINT", endpoint)
        .env("CTYUN_AK", ak)
        .env("CTYUN_SK", secret(ak))
        .env("CTYUN_REGION_ID", "region-cli")
        .env("CTIMAGE_WAITER_DELAY_MS", "10")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ctimage");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(ak: &str, args: &[&str]) -> Out {
    run_at(&server().url(), ak, args, None)
}

fn ok(ak: &str, args: &[&str]) -> Out {
    let out = run(ak, args);
    assert_eq!(out.code, 0, "ctimage {args:?} failed:\n{}{}", out.stdout, out.stderr);
    out
}

/// A step of the script: who runs it, the arguments (`{name}` replaced by captured values), the
/// expected exit code, and the name to capture stdout under (trimmed; use `-o text --query`).
type Step = (&'static str, &'static [&'static str], i32, Option<&'static str>);

const OWNER: &str = "ak-script";
const FRIEND: &str = "ak-friend";
const URL: &str = "https://jiangsu-10.zos.ctyun.cn/ims-openapi/ImportSystemDiskImage.qcow2";

/// Every command once (at least), in an order that makes each one meaningful: create, share
/// across accounts, copy, export, import, deprecate, delete.
const SCRIPT: &[Step] = &[
    (OWNER, &["query", "list-images", "--query", "totalCount", "-o", "text"], 0, Some("public")),
    (OWNER, &["query", "list-supported-destination-regions", "--query", "regions[0]", "-o", "text"], 0, Some("dest")),
    (OWNER, &["query", "validate-image-file-source", "--image-file-source", URL, "--query", "validURL"], 0, None),
    (
        OWNER,
        &[
            "lifecycle",
            "create-image",
            "--instance-id",
            "ecs-1",
            "--image-name",
            "cli-sys",
            "--labels",
            r#"[{"labelKey":"env","labelValue":"test"}]"#,
            "--maximum-ram",
            "8",
            "--wait",
            "--query",
            "images[0].imageID",
            "-o",
            "text",
        ],
        0,
        Some("sys"),
    ),
    (
        OWNER,
        &[
            "lifecycle",
            "create-image-from-data-disk",
            "--instance-id",
            "ecs-1",
            "--data-disk-id",
            "disk-9",
            "--image-name",
            "cli-data",
            "--wait",
            "--query",
            "images[0].imageID",
            "-o",
            "text",
        ],
        0,
        Some("data"),
    ),
    (
        OWNER,
        &[
            "lifecycle",
            "create-image-from-ecs",
            "--instance-id",
            "ecs-2",
            "--image-name",
            "cli-whole",
            "--query",
            "images[0].imageStatus",
            "-o",
            "text",
        ],
        0,
        Some("queued"),
    ),
    (
        OWNER,
        &[
            "lifecycle",
            "create-image-from-ecs-snapshot",
            "--snapshot-id",
            "snap-1",
            "--image-name",
            "cli-snap",
            "--query",
            "images[0].imageID",
            "-o",
            "text",
        ],
        0,
        Some("snap"),
    ),
    (
        OWNER,
        &["wait", "image-active", "--image-id", "{snap}", "--query", "images[0].imageStatus", "-o", "text"],
        0,
        Some("active"),
    ),
    (
        OWNER,
        &["query", "get-image", "--image-id", "{sys}", "--query", "images[0].maximumRAM", "-o", "text"],
        0,
        Some("ram"),
    ),
    (OWNER, &["lifecycle", "update-image", "--image-id", "{sys}", "--description", "updated by ctimage"], 0, None),
    (
        OWNER,
        &[
            "lifecycle",
            "update-image-labels",
            "--image-id-list",
            "{sys}",
            "--operate-type",
            "BIND",
            "--labels",
            r#"[{"labelKey":"team","labelValue":"img"}]"#,
        ],
        0,
        None,
    ),
    (OWNER, &["share", "share-image", "--image-id", "{sys}", "--destination-account-id", "{friend_id}"], 0, None),
    (
        OWNER,
        &[
            "share",
            "list-image-shares",
            "--image-id",
            "{sys}",
            "--all",
            "--query",
            "images[0].imageStatus",
            "-o",
            "text",
        ],
        0,
        Some("waiting"),
    ),
    (FRIEND, &["share", "accept-shared-image", "--image-id", "{sys}"], 0, None),
    (
        FRIEND,
        &["share", "create-image-from-shared-image", "--image-id", "{sys}", "--image-name", "cli-from-shared"],
        0,
        None,
    ),
    (FRIEND, &["share", "reject-shared-image", "--image-id", "{sys}"], 0, None),
    (OWNER, &["share", "unshare-image", "--image-id", "{sys}", "--destination-account-id", "{friend_id}"], 0, None),
    (OWNER, &["lifecycle", "copy-image", "--image-id", "{sys}", "--image-name", "cli-copy"], 0, None),
    (
        OWNER,
        &[
            "lifecycle",
            "copy-image-across-regions",
            "--image-id",
            "{sys}",
            "--image-name",
            "cli-far",
            "--destination-region-id",
            "{dest}",
        ],
        0,
        None,
    ),
    (
        OWNER,
        &[
            "query",
            "list-images",
            "--region",
            "{dest}",
            "--image-visibility-code",
            "0",
            "--query",
            "images[].imageName",
            "-o",
            "text",
        ],
        0,
        Some("far"),
    ),
    (
        OWNER,
        &["lifecycle", "export-image", "--image-id", "{sys}", "--bucket", "b", "--filename", "cli-export"],
        0,
        None,
    ),
    (
        OWNER,
        &["task", "list-image-tasks", "--image-id", "{sys}", "--query", "results[0].taskID", "-o", "text"],
        0,
        Some("task"),
    ),
    // The export is still running (the fake finishes it after 2 polls): cancel it.
    (
        OWNER,
        &["task", "operate-image-task", "--task-id", "{task}", "--action", "cancel", "--query", "success"],
        0,
        Some("cancelled"),
    ),
    (
        OWNER,
        &[
            "lifecycle",
            "import-image",
            "--image-file-source",
            URL,
            "--image-properties",
            r#"{"imageName":"cli-imp","osDistro":"ubuntu","osVersion":"22.04"}"#,
            "--wait",
            "--query",
            "images[0].imageStatus",
            "-o",
            "text",
        ],
        0,
        Some("imported"),
    ),
    (
        OWNER,
        &["task", "list-import-tasks", "--all", "--query", "imageImportTasks[0].taskID", "-o", "text"],
        0,
        Some("itask"),
    ),
    (OWNER, &["task", "delete-import-task", "--task-id", "{itask}"], 0, None),
    (
        OWNER,
        &[
            "lifecycle",
            "deactivate-image",
            "--image-id",
            "{data}",
            "--wait",
            "--query",
            "images[0].imageStatus",
            "-o",
            "text",
        ],
        0,
        Some("deactivated"),
    ),
    (OWNER, &["wait", "image-deactivated", "--image-id", "{data}"], 0, None),
    (
        OWNER,
        &[
            "lifecycle",
            "reactivate-image",
            "--image-id",
            "{data}",
            "--wait",
            "--query",
            "images[0].imageStatus",
            "-o",
            "text",
        ],
        0,
        Some("reactivated"),
    ),
    (OWNER, &["lifecycle", "delete-image", "--image-id", "{snap}", "--wait"], 0, None),
    (OWNER, &["wait", "image-deleted", "--image-id", "{snap}"], 0, None),
];

/// `group name` of a script step.
fn step_command(args: &[&str]) -> String {
    format!("{} {}", args[0], args[1])
}

#[test]
fn every_command_is_in_the_script() {
    let generated: BTreeSet<String> = ctyun_image::cli::COMMANDS.iter().map(|c| c.path()).collect();
    let scripted: BTreeSet<String> = SCRIPT.iter().map(|(_, args, _, _)| step_command(args)).collect();
    let missing: Vec<&String> = generated.difference(&scripted).collect();
    let unknown: Vec<&String> = scripted.difference(&generated).collect();
    assert!(missing.is_empty(), "commands without a step in SCRIPT (add one): {missing:?}");
    assert!(unknown.is_empty(), "SCRIPT steps for commands that do not exist: {unknown:?}");
    // 27 operations and 3 waiters, in 4 tag groups plus `wait`.
    assert_eq!(generated.len(), 30);
}

#[test]
fn script_runs_every_command_against_the_fake() {
    let mut vars: BTreeMap<&str, String> = BTreeMap::new();
    vars.insert("friend_id", server().account_id(FRIEND));
    for (ak, args, code, capture) in SCRIPT {
        let args: Vec<String> = args
            .iter()
            .map(|a| vars.iter().fold((*a).to_owned(), |s, (k, v)| s.replace(&format!("{{{k}}}"), v)))
            .collect();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(ak, &argv);
        assert_eq!(out.code, *code, "ctimage {argv:?}:\nstdout: {}\nstderr: {}", out.stdout, out.stderr);
        if let Some(name) = capture {
            vars.insert(name, out.stdout.trim().to_owned());
        }
    }
    // What the captured values say about each step.
    assert_eq!(vars["public"], "4");
    assert_eq!(vars["queued"], "queued");
    assert_eq!(vars["active"], "active");
    assert_eq!(vars["ram"], "8");
    assert_eq!(vars["cancelled"], "true");
    assert_eq!(vars["waiting"], "waiting");
    assert_eq!(vars["far"], "cli-far");
    assert_eq!(vars["imported"], "active");
    assert_eq!(vars["deactivated"], "deactivated");
    assert_eq!(vars["reactivated"], "active");
    assert!(vars["sys"].len() == 36 && vars["task"].len() > 8 && vars["itask"].len() > 8, "{vars:?}");
    // The copy from the shared image landed in the friend's account.
    let friend = ok(FRIEND, &["query", "list-images", "--image-visibility-code", "0", "--query", "images[].imageName"]);
    assert_eq!(friend.json(), serde_json::json!(["cli-from-shared"]));
    // The deleted image is gone: `getImage` sends `errorFree=false` by default, so that is an
    // API error (exit 1) with CTyun's code; `--error-free true` keeps the old empty answer.
    let gone = run(OWNER, &["query", "get-image", "--image-id", &vars["snap"]]);
    assert_eq!(gone.code, 1, "{}{}", gone.stdout, gone.stderr);
    assert!(gone.stderr.contains("Image.ImageCheck.NotFound"), "{}", gone.stderr);
    let old =
        ok(OWNER, &["query", "get-image", "--image-id", &vars["snap"], "--error-free", "true", "--query", "images"]);
    assert_eq!(old.json(), serde_json::json!([]));
}

#[test]
fn exit_codes_and_error_reports() {
    let ak = "ak-codes";
    // 2: usage errors, caught before anything is sent.
    for args in [
        &["query", "get-image"][..],                                  // missing required flag
        &["query", "get-image", "--image-id", "x", "--no-such-flag"], // unknown flag
        &["query", "list-images", "--os-type-code", "99"],            // not a possible value
        &["query", "list-images", "--page-size", "ten"],              // not an integer
        &["lifecycle", "update-image-labels", "--image-id-list", "a", "--operate-type", "BIND", "--labels", "[{"],
        &["query", "get-image", "--image-id", "x", "--query", "images[1x]"],
        &["nope"],
        &[],
    ] {
        let out = run(ak, args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.is_empty(), "{args:?} printed on stdout: {}", out.stdout);
    }
    let before = server().requests_by(ak).len();
    assert_eq!(before, 0, "usage errors must not send anything");
    // 2: missing credentials name the variables.
    let out = Command::new(BIN)
        .args(["query", "list-images"])
        .env_remove("CTYUN_AK")
        .env_remove("CTYUN_SK")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CTYUN_AK and CTYUN_SK"));

    // 1: an API error, reported on stderr with code, message and request id.
    let out = run(ak, &["lifecycle", "delete-image", "--image-id", "no-such-image"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("code:       Image.ImageCheck.NotFound"), "{}", out.stderr);
    let rid = out.stderr.lines().find_map(|l| l.trim().strip_prefix("request id: ")).expect("request id line");
    assert!(server().requests_by(ak).iter().any(|r| r.request_id == rid), "request id {rid} not seen by the server");

    // 3: nothing listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let out = run_at(&dead, ak, &["query", "list-images", "--max-attempts", "1"], None);
    assert_eq!(out.code, 3, "{}", out.stderr);

    // 3: a timeout (own server, so the injected delay cannot hit other tests).
    let slow = rt().block_on(FakeServer::start(FakeConfig::default().account(ak, secret(ak)))).unwrap();
    slow.inject(Fault::Delay(Duration::from_millis(2000)), 1);
    let out =
        run_at(&slow.url(), ak, &["query", "list-images", "--attempt-timeout", "200ms", "--max-attempts", "1"], None);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("request id: "), "{}", out.stderr);
}

#[test]
fn wait_polls_until_the_waiter_says_so() {
    let ak = "ak-wait";
    let out = ok(ak, &["lifecycle", "create-image", "--instance-id", "e", "--image-name", "waited", "--wait"]);
    let image = &out.json()["images"][0];
    assert_eq!(image["imageStatus"], "active");
    // The fake turns an image active after 2 polls: the waiter polled getImage until then.
    let polls = server().requests_by(ak).iter().filter(|r| r.path == "/v4/image/detail").count();
    assert!(polls >= 2, "{polls} polls");
    let id = image["imageID"].as_str().unwrap().to_owned();
    // Without --wait the image comes back queued.
    let out = ok(ak, &["lifecycle", "create-image", "--instance-id", "e", "--image-name", "not-waited"]);
    assert_eq!(out.json()["images"][0]["imageStatus"], "queued");
    // 4: a failure state (an import of a corrupt file ends in `error`).
    let out = run(
        ak,
        &[
            "lifecycle",
            "import-image",
            "--image-file-source",
            "https://a.zos.ctyun.cn/b/corrupt-disk.raw",
            "--image-properties",
            r#"{"imageName":"imp-bad","osDistro":"ubuntu","imageType":"data_disk_image"}"#,
            "--wait",
        ],
    );
    assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("failure state") && out.stderr.contains("error"), "{}", out.stderr);
    // 3: --wait-timeout runs out (an active image never becomes deactivated by itself).
    let out = run(ak, &["wait", "image-deactivated", "--image-id", &id, "--wait-timeout", "300ms"]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("ran out of time"), "{}", out.stderr);
}

#[test]
fn all_walks_every_page() {
    let ak = "ak-all";
    server().seed_private_images(ak, "region-cli", "paged", 25);
    let page = ok(ak, &["query", "list-images", "--image-visibility-code", "0", "--page-size", "10"]);
    assert_eq!(page.json()["images"].as_array().map(Vec::len), Some(10));
    let before = server().requests_by(ak).len();
    let all = ok(ak, &["query", "list-images", "--image-visibility-code", "0", "--page-size", "10", "--all"]);
    let names: Vec<String> =
        all.json()["images"].as_array().unwrap().iter().map(|i| i["imageName"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names.len(), 25);
    assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), 25, "no duplicates across pages");
    assert_eq!(server().requests_by(ak).len() - before, 3, "3 pages of 10");
    // --all and --query compose; table output has a header and one row per image.
    let ids = ok(
        ak,
        &["query", "list-images", "--image-visibility-code", "0", "--all", "--query", "images[].imageID", "-o", "text"],
    );
    assert_eq!(ids.stdout.lines().count(), 25);
    let table = ok(ak, &["query", "list-images", "--image-visibility-code", "0", "--all", "-o", "table"]);
    assert_eq!(table.stdout.lines().count(), 26);
    assert!(table.stdout.lines().next().unwrap().contains("imageName"));
}

#[test]
fn json_input_from_file_and_stdin_with_flag_overrides() {
    let ak = "ak-input";
    let dir = std::env::temp_dir().join(format!("ctimage-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("create.json");
    std::fs::write(&file, r#"{"instanceID": "ecs-9", "imageName": "from-file", "description": "file"}"#).unwrap();
    let out = ok(ak, &["lifecycle", "create-image", "--json-input", file.to_str().unwrap(), "--description", "flag"]);
    let image = &out.json()["images"][0];
    assert_eq!((image["imageName"].as_str(), image["description"].as_str()), (Some("from-file"), Some("flag")));
    let out = run_at(
        &server().url(),
        ak,
        &["lifecycle", "create-image", "--json-input", "-", "--query", "images[0].imageName"],
        Some(r#"{"instanceID": "ecs-9", "imageName": "from-stdin"}"#),
    );
    assert_eq!((out.code, out.stdout.trim()), (0, "\"from-stdin\""), "{}", out.stderr);
    // A typo in the file is an error naming the known fields, not a silently dropped field.
    std::fs::write(&file, r#"{"instanceID": "ecs-9", "imageName": "typo", "imageNmae": "x"}"#).unwrap();
    let out = run(ak, &["lifecycle", "create-image", "--json-input", file.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("imageNmae") && out.stderr.contains("instanceID"), "{}", out.stderr);
    std::fs::write(&file, "[1, 2]").unwrap();
    assert_eq!(run(ak, &["lifecycle", "create-image", "--json-input", file.to_str().unwrap()]).code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verbose_logs_the_client_spans_without_secrets() {
    let ak = "ak-verbose";
    let out = ok(ak, &["-v", "query", "list-images", "--page-size", "1", "--query", "totalCount"]);
    assert!(out.stderr.contains("ctyun_image.attempt") && out.stderr.contains("request_id="), "{}", out.stderr);
    assert!(!out.stderr.contains(secret(ak)) && !out.stderr.contains("Signature="), "{}", out.stderr);
    // Without -v, stderr stays empty (for scripts).
    assert_eq!(ok(ak, &["query", "list-images", "--page-size", "1"]).stderr, "");
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef ctimage"), ("fish", "complete -c ctimage")] {
        let out = Command::new(BIN).args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(marker) && text.contains("create-image"), "{shell}: {}", &text[..200.min(text.len())]);
    }
}

#[test]
fn clap_command_is_consistent() {
    // Clap's own checks: unique ids and flags, valid defaults, required/conflict references.
    ctyun_image::cli::command().debug_assert();
}

#[test]
fn man_pages() {
    let out = Command::new(BIN).arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH ctimage") && page.contains("lifecycle"), "{}", &page[..200.min(page.len())]);
    let dir = std::env::temp_dir().join(format!("ctimage-man-{}", std::process::id()));
    let out = Command::new(BIN).args(["man", "--dir", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(dir.join("ctimage-lifecycle-create-image.1")).unwrap();
    assert!(page.contains("image\\-name") || page.contains("image-name"), "{page}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--help` output is golden: `client/tests/cli-help/*.txt` (`UPDATE_GOLDEN=1` accepts changes).
#[test]
fn help_is_golden() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cli-help");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let cases: &[(&str, &[&str])] = &[
        ("ctimage.txt", &["--help"]),
        ("lifecycle.txt", &["lifecycle", "--help"]),
        ("lifecycle-create-image.txt", &["lifecycle", "create-image", "--help"]),
        ("query-list-images-short.txt", &["query", "list-images", "-h"]),
        ("wait-image-active.txt", &["wait", "image-active", "--help"]),
    ];
    let mut failures = Vec::new();
    for (file, args) in cases {
        let out = Command::new(BIN).args(*args).env("COLUMNS", "100").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let actual = String::from_utf8(out.stdout).unwrap();
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
        if expected != actual {
            failures.push(format!("{file} (ctimage {}):\n{actual}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "help changed; UPDATE_GOLDEN=1 to accept:\n{}", failures.join("\n"));
}
