//! `cargo xtask bench`: runs the criterion benches of `ctyun-image-tests` (feature `bench`) and
//! prints every figure as a ratio against a baseline measured in the same run, with its budget.

use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;

/// Median estimate, in nanoseconds, of one criterion benchmark id (`group/function[/param]`).
fn median_ns(root: &Path, id: &str) -> Option<f64> {
    let path = criterion_dir(root).join(id).join("new/estimates.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

/// Where criterion writes: `$CARGO_TARGET_DIR/criterion`, else `target/criterion`.
fn criterion_dir(root: &Path) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("criterion")
}

/// What the report found: a budget missed, a result missing.
struct Tally {
    all_ok: bool,
    missing: bool,
}

impl Tally {
    /// Records a budget check; returns its verdict word.
    fn check(&mut self, ok: bool) -> &'static str {
        self.all_ok &= ok;
        verdict(ok)
    }

    fn no_results(&mut self) {
        println!("  no results");
        self.missing = true;
    }
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    if let Some(bad) = args.iter().find(|a| !matches!(a.as_str(), "--quick" | "--no-run")) {
        eprintln!("bench: unknown argument `{bad}` (expected --quick and/or --no-run)");
        return ExitCode::from(2);
    }
    if !args.iter().any(|a| a == "--no-run") {
        if let Err(e) = run_benches(root, args.iter().any(|a| a == "--quick")) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    let mut tally = Tally { all_ok: true, missing: false };
    println!("\n== ratios (same run; budgets from issue #8)");
    report_signer(root, &mut tally);
    report_client(root, &mut tally);
    report_codegen(root, &mut tally);
    if tally.missing {
        println!("\nsome results are missing: run `cargo xtask bench` (without --no-run) first");
        return ExitCode::from(2);
    }
    if tally.all_ok {
        ExitCode::SUCCESS
    } else {
        println!("\nsome budgets were missed (see MISSED above)");
        ExitCode::from(1)
    }
}

/// `cargo bench` of the three benches (shorter with `quick`).
fn run_benches(root: &Path, quick: bool) -> Result<(), String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root).args(["bench", "-p", "ctyun-image-tests", "--features", "bench"]);
    for b in ["signer", "client", "codegen"] {
        cmd.args(["--bench", b]);
    }
    cmd.arg("--");
    if quick {
        cmd.args(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("cargo bench failed ({s})")),
        Err(e) => Err(format!("cannot run cargo bench: {e}")),
    }
}

/// A JSON file the benches write next to criterion's results.
fn read_json(root: &Path, name: &str) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(criterion_dir(root).join(name)).ok()?).ok()
}

fn report_signer(root: &Path, tally: &mut Tally) {
    println!("signer vs crypto floor (SHA-256(body) + 4×HMAC-SHA256 + base64); criterion medians, then");
    println!("paired ratios (median of 301 alternating rounds, robust to drift) checked against the budget:");
    let paired = read_json(root, "signer_paired.json");
    for (case, budget) in [("get_3_params", 1.2), ("post_1kib", 1.2), ("post_1mib", 1.05)] {
        let m = |f: &str| median_ns(root, &format!("sign/{f}/{case}"));
        let (Some(full), Some(sign), Some(floor)) = (m("signer"), m("sign"), m("floor")) else {
            println!("  {case:<13} no results");
            tally.missing = true;
            continue;
        };
        println!(
            "  {case:<13} canonicalize+sign {:>10}  sign {:>10}  floor {:>10}",
            fmt_ns(full),
            fmt_ns(sign),
            fmt_ns(floor)
        );
        let ratio = |k: &str, fallback: f64| paired.as_ref().and_then(|p| p[case][k].as_f64()).unwrap_or(fallback);
        for (label, r) in
            [("sign (per attempt)", ratio("sign", sign / floor)), ("canonicalize+sign", ratio("signer", full / floor))]
        {
            println!("      {label:<20} ratio {r:.3}  (budget ≤ {budget})  {}", tally.check(r <= budget));
        }
    }
}

fn report_client(root: &Path, tally: &mut Tally) {
    println!("client overhead (generated vs hand-written reqwest, same pool, concurrency 8, batches of 64):");
    let latency = read_json(root, "client_latency.json");
    match (median_ns(root, "client_overhead/generated"), median_ns(root, "client_overhead/hand_written")) {
        (Some(g), Some(h)) => {
            // Throughput ratio = generated req/s ÷ hand-written req/s; the paired (interleaved)
            // measurement when present, else criterion's medians.
            let ratio = latency.as_ref().and_then(|v| v["paired_throughput_ratio"].as_f64()).unwrap_or(h / g);
            println!(
                "  generated {:.0} req/s, hand-written {:.0} req/s (criterion); paired throughput ratio {ratio:.3}  (budget ≥ 0.9)  {}",
                64.0 / (g / 1e9),
                64.0 / (h / 1e9),
                tally.check(ratio >= 0.9)
            );
        }
        _ => tally.no_results(),
    }
    if let Some(v) = &latency {
        println!(
            "  latency (sequential, interleaved, {} each): generated p50 {} µs p99 {} µs; hand-written p50 {} µs p99 {} µs",
            v["requests"],
            v["generated"]["p50_us"],
            v["generated"]["p99_us"],
            v["hand_written"]["p50_us"],
            v["hand_written"]["p99_us"]
        );
    }
}

fn report_codegen(root: &Path, tally: &mut Tally) {
    println!("codegen (load + validate + emit + format the full spec, release):");
    match median_ns(root, "codegen/full_spec") {
        Some(ns) => println!("  {}  (budget ≤ 200 ms)  {}", fmt_ns(ns), tally.check(ns <= 200e6)),
        None => tally.no_results(),
    }
}
