//! Origins and tags are browsing history: `tracing` output hides them by
//! default (without reading OS randomness: the engine is sans-IO), shows a
//! keyed hash with a key the embedder or the driver supplies, full values need
//! an explicit opt-in, and the DevTools-style records given to the embedder
//! keep full values.
mod common;
mod log_capture;
use common::*;
use log_capture::Capture;
use sync_core::{LogPrivacy, RedactionKey};

fn traced(privacy: Option<LogPrivacy>) -> (String, Vec<sync_core::LogRecord>) {
    let capture = Capture::default();
    let subscriber = capture.subscriber();
    let records = tracing::subscriber::with_default(subscriber, || {
        let mut k = Kit::chromium();
        if let Some(p) = privacy {
            k.engine.set_log_privacy(p);
        }
        let (_, d) = k.register("secret-tag");
        k.settle(&d.dispatches()[0], sync_policy::EventOutcome::Rejected);
        d.logs()
    });
    let text = capture.text();
    (text, records)
}

#[test]
fn tracing_output_hides_origins_and_tags_by_default() {
    let (text, records) = traced(None);
    assert!(text.contains("background sync"), "the engine traced its decisions: {text}");
    assert!(!text.contains("secret-tag"), "tag leaked: {text}");
    assert!(!text.contains("a.test"), "origin leaked: {text}");
    assert!(text.contains("origin=h:hidden") && text.contains("tag=h:hidden"), "hidden values: {text}");
    assert!(hashes(&text).is_empty(), "no key was given, so no value is hashed: {text}");
    assert!(records.iter().any(|r| &*r.tag == "secret-tag" && r.origin.as_str() == A), "records keep full values");
}

#[test]
fn full_values_need_an_explicit_opt_in() {
    let (text, _) = traced(Some(LogPrivacy::Full));
    assert!(text.contains("secret-tag") && text.contains("a.test"));
}

/// The redacted forms (`h:` + 12 hex digits) in a captured text.
fn hashes(text: &str) -> std::collections::BTreeSet<String> {
    text.match_indices("h:")
        .filter_map(|(i, _)| text.get(i..i + 14))
        .filter(|h| h[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
        .collect()
}

#[test]
fn two_engines_started_at_the_same_instant_with_random_keys_redact_the_same_origin_differently() {
    // Both kits start their engine at the same T0 with the same inputs; the keys come
    // from the OS's random source, as the driver draws them (driver_log_privacy.rs).
    let (one, _) = traced(Some(LogPrivacy::random()));
    let (two, _) = traced(Some(LogPrivacy::random()));
    let (one, two) = (hashes(&one), hashes(&two));
    assert!(!one.is_empty(), "redacted values were traced");
    assert!(one.is_disjoint(&two), "a guessable key (e.g. derived from the start time) would repeat: {one:?} {two:?}");
}

/// The key the SipHash paper's test vectors use: bytes 00..0f.
const PAPER_KEY: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

#[test]
fn a_fixed_key_gives_a_fixed_documented_value() {
    let privacy = LogPrivacy::Redacted { key: RedactionKey::from_bytes(PAPER_KEY) };
    // SipHash-2-4 of bytes 00..0e under that key is 0xa129ca6149be45e5 (Aumasson and
    // Bernstein, "SipHash: a fast short-input PRF", appendix A); the low 48 bits are shown.
    let paper_input: String = (0u8..15).map(char::from).collect();
    assert_eq!(privacy.show(&paper_input).to_string(), "h:ca6149be45e5");
    // The value an embedder with this key finds in its logs for origin A, on every Rust release.
    assert_eq!(privacy.show(A).to_string(), "h:8f3b3ad6de51");
    let (text, _) = traced(Some(privacy));
    assert!(text.contains("h:8f3b3ad6de51"), "the engine traces origin A with the supplied key: {text}");
}
