//! The engine is sans-IO and hides origins and tags in `tracing` output until
//! it is given a key; the driver does IO, so it gives every engine it restores
//! a fresh key from the OS's random source (or the embedder's own key).
mod driver_kit;
mod log_capture;
use driver_kit::*;
use log_capture::Capture;
use std::collections::BTreeSet;
use std::time::Duration;
use sync_core::driver::{Driver, Environment, TokioClock};
use sync_core::{LogPrivacy, RedactionKey};
use sync_policy::{ConfigurablePolicy, FrameType, NetworkState, PolicyConfig, PowerState};

/// Restores a driver (with `privacy`, if given, else the builder's default),
/// registers a tag of origin A through it, and returns the `tracing` text.
async fn traced_run(privacy: Option<LogPrivacy>) -> String {
    let capture = Capture::default();
    let subscriber = capture.subscriber();
    // A current-thread runtime: the driver task traces on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);
    let (dispatcher, _seen) = Scripted::new();
    let mut builder = Driver::builder(SharedStore::new(), dispatcher).clock(TokioClock::new(T0));
    if let Some(privacy) = privacy {
        builder = builder.log_privacy(privacy);
    }
    let online = Environment {
        network: NetworkState { online: true, metered: false },
        power: PowerState { battery_saver: false, charging: true, battery_percent: Some(80) },
    };
    let driver = builder.restore(ConfigurablePolicy::new(PolicyConfig::chromium()), online).await.unwrap();
    let sync = driver.handle();
    sync.add_worker(R1, A, true).await.unwrap();
    sync.client_opened(W1, A, FrameType::TopLevel).await.unwrap();
    sync.register(page(W1), R1, "secret-tag").await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    driver.shutdown().await.unwrap();
    let text = capture.text();
    assert!(!text.contains("secret-tag") && !text.contains("a.test"), "a value leaked: {text}");
    text
}

/// The keyed hashes (`h:` + 12 hex digits) in a captured text.
fn hashes(text: &str) -> BTreeSet<String> {
    text.match_indices("h:")
        .filter_map(|(i, _)| text.get(i..i + 14))
        .filter(|h| h[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn two_restored_drivers_redact_the_same_origin_with_different_random_keys() {
    let (one, two) = (traced_run(None).await, traced_run(None).await);
    let (one, two) = (hashes(&one), hashes(&two));
    assert!(!one.is_empty() && !two.is_empty(), "the driver gave its engine a key, so values are hashed");
    assert!(one.is_disjoint(&two), "each start draws a fresh key: {one:?} {two:?}");
}

#[tokio::test(start_paused = true)]
async fn the_embedders_key_replaces_the_random_one() {
    let key =
        LogPrivacy::Redacted { key: RedactionKey::from_bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]) };
    let text = traced_run(Some(key)).await;
    // Origin A under the key 00..0f (private_logs.rs documents the value).
    assert!(text.contains("h:8f3b3ad6de51"), "{text}");
}
