//! A panic inside a parser dependency never prints panic text and becomes one located
//! diagnostic; the process's panic hook is left as it was.
//!
//! The trigger is a real upstream bug: openapiv3 2.2.0 `ReferenceOr::deserialize` `expect`s a
//! second parse to fail, but a non-finite number (`.nan`, `.inf`) fails the typed schema and
//! then parses as `null` through `serde_json::Value`.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn spec(keyword: &str, value: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: nan, version: "1"}}
x-envelope: {{schema: "#/components/schemas/Envelope", payload: returnObj}}
paths:
  /v1/thing:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Envelope"
                  - type: object
                    properties:
                      returnObj:
                        $ref: "#/components/schemas/Thing"
components:
  schemas:
    Envelope:
      type: object
      properties:
        returnObj:
          type: object
    Thing:
      type: object
      properties:
        size:
          type: number
          {keyword}: {value}
"##
    )
}

const CHILD: &str = "CTYUN_CODEGEN_PANIC_CHILD";

/// Run in a child process (see `no_panic_text_on_stderr`): prints the diagnostics.
#[test]
fn child_checks_a_panicking_spec() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    for (k, v) in [("maximum", ".inf"), ("minimum", "-.inf"), ("multipleOf", ".nan")] {
        let e = ctyun_image_codegen::check_str(&spec(k, v), "spec/nan.yaml").unwrap_err();
        println!("DIAG {e}");
    }
}

#[test]
fn no_panic_text_on_stderr() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_checks_a_panicking_spec", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert_eq!(stdout.matches("DIAG ").count(), 3, "{stdout}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains("panicked at"), "panic text printed:\n{text}");
        assert!(!text.contains("stack backtrace"), "backtrace printed:\n{text}");
    }
}

#[test]
fn the_panic_is_one_located_diagnostic_and_the_hook_is_kept() {
    // A hook of the application's own: it must see panics outside the parser, and only those.
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let original = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    }));

    let results: Vec<_> =
        [("maximum", ".inf", "`.inf`"), ("minimum", "-.inf", "`-.inf`"), ("multipleOf", ".nan", "`.nan`")]
            .into_iter()
            .map(|(k, v, shown)| (k, shown, ctyun_image_codegen::check_str(&spec(k, v), "spec/nan.yaml")))
            .collect();
    let parser_panics = seen.load(Ordering::SeqCst);
    let _ = std::thread::spawn(|| panic!("the application's own panic")).join();
    let after = seen.load(Ordering::SeqCst);
    std::panic::set_hook(original);

    assert_eq!(parser_panics, 0, "the parser's panic reached the application's hook");
    assert_eq!(after, 1, "the application's hook was not restored");
    for (keyword, shown, result) in results {
        let d = result.expect_err(keyword).diagnostics().to_vec();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].file, "spec/nan.yaml");
        assert_eq!(d[0].pointer, format!("/components/schemas/Thing/properties/size/{keyword}"));
        assert_eq!(d[0].line, Some(32), "{}", d[0]);
        assert!(d[0].message.starts_with(&format!("{shown} is not a finite number")), "{}", d[0]);
        assert!(d[0].message.contains("openapiv3"), "{}", d[0]);
        assert!(!d[0].message.contains("/root/") && !d[0].message.contains("registry"), "{}", d[0]);
    }
}
