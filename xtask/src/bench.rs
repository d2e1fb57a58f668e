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

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    if let Some(bad) = args.iter().find(|a| !matches!(a.as_str(), "--quick" | "--no-run")) {
        eprintln!("bench: unknown argument `{bad}` (expected --quick and/or --no-run)");
        return ExitCode::from(2);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let no_run = args.iter().any(|a| a == "--no-run");
    if !no_run {
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
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!("cargo bench failed ({s})");
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("cannot run cargo bench: {e}");
                return ExitCode::from(2);
            }
        }
    }

    let mut all_ok = true;
    let mut missing = false;
    println!("\n== ratios (same run; budgets from issue #8)");
    println!("signer vs crypto floor (SHA-256(body) + 4×HMAC-SHA256 + base64); criterion medians, then");
    println!("paired ratios (median of 301 alternating rounds, robust to drift) checked against the budget:");
    let paired: Option<Value> = std::fs::read_to_string(criterion_dir(root).join("signer_paired.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    for (case, budget) in [("get_3_params", 1.2), ("post_1kib", 1.2), ("post_1mib", 1.05)] {
        let m = |f: &str| median_ns(root, &format!("sign/{f}/{case}"));
        let (Some(full), Some(sign), Some(floor)) = (m("signer"), m("sign"), m("floor")) else {
            println!("  {case:<13} no results");
            missing = true;
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
            all_ok &= r <= budget;
            println!("      {label:<20} ratio {r:.3}  (budget ≤ {budget})  {}", verdict(r <= budget));
        }
    }
    println!("client overhead (generated vs hand-written reqwest, same pool, concurrency 8, batches of 64):");
    let latency: Option<Value> = std::fs::read_to_string(criterion_dir(root).join("client_latency.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    match (median_ns(root, "client_overhead/generated"), median_ns(root, "client_overhead/hand_written")) {
        (Some(g), Some(h)) => {
            // Throughput ratio = generated req/s ÷ hand-written req/s; the paired (interleaved)
            // measurement when present, else criterion's medians.
            let ratio = latency.as_ref().and_then(|v| v["paired_throughput_ratio"].as_f64()).unwrap_or(h / g);
            all_ok &= ratio >= 0.9;
            println!(
                "  generated {:.0} req/s, hand-written {:.0} req/s (criterion); paired throughput ratio {ratio:.3}  (budget ≥ 0.9)  {}",
                64.0 / (g / 1e9),
                64.0 / (h / 1e9),
                verdict(ratio >= 0.9)
            );
        }
        _ => {
            println!("  no results");
            missing = true;
        }
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
    println!("codegen (load + validate + emit + format the full spec, release):");
    match median_ns(root, "codegen/full_spec") {
        Some(ns) => {
            let ok = ns <= 200e6;
            all_ok &= ok;
            println!("  {}  (budget ≤ 200 ms)  {}", fmt_ns(ns), verdict(ok));
        }
        None => {
            println!("  no results");
            missing = true;
        }
    }
    if missing {
        println!("\nsome results are missing: run `cargo xtask bench` (without --no-run) first");
        return ExitCode::from(2);
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        println!("\nsome budgets were missed (see MISSED above)");
        ExitCode::from(1)
    }
}
