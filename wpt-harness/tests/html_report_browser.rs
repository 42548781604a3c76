//! The HTML report in a real browser: headless Chromium loads a generated
//! report; the failures list links to the failing subtest, and choosing a
//! step shows the engine's state after it. Skips (and says why) only when
//! Chromium is not installed.
//!
//! With `WPT_HARNESS_SCREENSHOT=PATH` it also writes a screenshot of the
//! report to PATH (the README's `wpt-harness/docs/report.png`):
//!
//! ```text
//! WPT_HARNESS_SCREENSHOT=wpt-harness/docs/report.png \
//!     cargo test --release -p wpt-harness --test html_report_browser
//! ```

mod common;

use serde_json::Value;
use std::path::Path;
use wpt_harness::targets::chromium::DEFAULT_BINARY;
use wpt_harness::targets::chromium::page_view::PageView;

/// Offline from the start, a retry, then a long quiet stretch and a wrong check.
const FAILING_RETRY: &str = "source: extension
description: The retry comes 5 minutes after the failure; this check expects it too early.
initial: {network: offline}
steps:
  - sync.register: {reg: R1, tag: outbox}
    expect: resolve
  - clock.advance: 10m
  - network: online
  - events: [{id: e1, type: sync, tag: outbox, at: 10m}]
  - settle: {event: e1, outcome: reject}
  - clock.advance: 11h
  - events: [{type: sync, tag: outbox, at: 12m}]
";

fn eval(page: &PageView, expression: &str) -> Value {
    page.eval(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn the_failures_list_links_to_the_failure_and_a_step_shows_the_state_after_it() {
    if !Path::new(DEFAULT_BINARY).exists() {
        eprintln!("skipped: Chromium is not installed at {DEFAULT_BINARY} (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[("suite/a-passing.yaml", common::PASSING), ("suite/retry-too-early.yaml", FAILING_RETRY)],
    );
    let html = dir.path().join("report.html");
    let (code, stdout, _) =
        common::run(&[dir.path().join("suite").to_str().unwrap(), "--html", html.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    let url = format!("file://{}", html.display());
    let page = PageView::open(None, &url, 1400, 1000).expect("the report opens in Chromium");

    // The failures list comes first and links to the failing subtest.
    let failures = eval(
        &page,
        "[...document.querySelectorAll('#failures li a')].map(a => [a.textContent, a.getAttribute('href')])",
    );
    let failures = failures.as_array().expect("a list");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0][0].as_str().unwrap().contains("/retry-too-early"), "{failures:?}");
    let href = failures[0][1].as_str().unwrap().to_string();
    let target = eval(
        &page,
        &format!(
            "(() => {{ const t = document.querySelector('{href}'); return t ? t.querySelector('.badge').textContent + ' ' + (t.closest('details').open) : null; }})()"
        ),
    );
    assert_eq!(target, Value::String("FAIL true".into()), "the link leads to the open, failing subtest");
    let order =
        eval(&page, "[...document.querySelectorAll('section.test')].map(s => s.querySelector('summary').textContent)");
    assert!(order[0].as_str().unwrap().contains("retry-too-early"), "failing tests come first: {order:?}");
    let passing_open =
        eval(&page, "[...document.querySelectorAll('section.test:not(.bad) > details')].some(d => d.open)");
    assert_eq!(passing_open, Value::Bool(false), "passing sections are collapsed");

    // Step 1 (the register call, while offline): the registration waits for the network.
    let state = |step: u32| {
        eval(
            &page,
            &format!(
                "(() => {{ const b = document.querySelector('{href} .stepper button[data-step=\"{step}\"]'); b.click(); return b.closest('.stepper').querySelector('.state').innerText; }})()"
            ),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    };
    let after_register = state(1);
    assert!(after_register.contains("sync.register"), "{after_register}");
    assert!(after_register.contains("\"outbox\""), "the registration is listed: {after_register}");
    assert!(after_register.contains("blocked: offline"), "with its explain reason: {after_register}");
    assert!(after_register.contains("pending"), "and its phase: {after_register}");
    // Step 5 (the rejected event): waiting for the retry, one attempt used, due at 15m.
    let after_reject = state(5);
    assert!(after_reject.contains("waiting until 15m (back-off)"), "{after_reject}");
    assert!(after_reject.contains("1/3"), "attempts: {after_reject}");
    assert!(after_reject.contains("t=15m"), "due time: {after_reject}");
    // The last step stopped the subtest, and says so.
    let last = state(7);
    assert!(last.contains("stopped here"), "{last}");
    let cursor = eval(&page, &format!("document.querySelector('{href} line.cursor').getAttribute('visibility')"));
    assert_eq!(cursor, Value::String("visible".into()), "the timeline shows the chosen step");

    if let Ok(out) = std::env::var("WPT_HARNESS_SCREENSHOT") {
        eval(
            &page,
            &format!(
                "(() => {{ document.querySelector('{href} .stepper button[data-step=\"5\"]').click(); return true; }})()"
            ),
        );
        let png = decode_base64(&page.screenshot_base64().expect("a screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let out = Path::new(&out);
        let out = if out.is_relative() {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(out)
        } else {
            out.to_path_buf()
        };
        std::fs::write(&out, png).unwrap();
        eprintln!("screenshot written to {}", out.display());
    }
}
