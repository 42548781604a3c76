//! Origins and tags are browsing history: `tracing` output redacts them by
//! default, full values need an explicit opt-in, and the DevTools-style
//! records given to the embedder keep full values.
mod common;
use common::*;
use std::io::Write;
use std::sync::{Arc, Mutex};
use sync_core::privacy::LogPrivacy;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn traced(privacy: Option<LogPrivacy>) -> (String, Vec<sync_core::LogRecord>) {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let records = tracing::subscriber::with_default(subscriber, || {
        let mut k = Kit::chromium();
        if let Some(p) = privacy {
            k.engine.set_log_privacy(p);
        }
        let (_, d) = k.register("secret-tag");
        k.settle(&d.dispatches()[0], sync_policy::EventOutcome::Rejected);
        d.logs()
    });
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    (text, records)
}

#[test]
fn tracing_output_redacts_origins_and_tags_by_default() {
    let (text, records) = traced(None);
    assert!(text.contains("background sync"), "the engine traced its decisions: {text}");
    assert!(!text.contains("secret-tag"), "tag leaked: {text}");
    assert!(!text.contains("a.test"), "origin leaked: {text}");
    assert!(text.contains("h:"), "redacted values are shown as keyed hashes");
    assert!(records.iter().any(|r| &*r.tag == "secret-tag" && r.origin.as_str() == A), "records keep full values");
}

#[test]
fn full_values_need_an_explicit_opt_in() {
    let (text, _) = traced(Some(LogPrivacy::Full));
    assert!(text.contains("secret-tag") && text.contains("a.test"));
}
