//! The clock is injected; an input whose time is earlier than one already seen
//! is treated as happening at the latest time seen.
mod common;
use common::*;
use sync_policy::{EventOutcome, Timestamp};

#[test]
fn a_backwards_time_is_clamped_and_delays_are_not_shortened() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    let retry_at = k.now.saturating_add(mins(5));
    // An input from the past.
    k.engine.handle_timeout(Timestamp(k.now.0 - 3_600_000));
    assert_eq!(k.engine.now(), k.now);
    assert!(k.drain().dispatches().is_empty());
    assert_eq!(k.engine.poll_timeout().unwrap().at, retry_at);
    k.engine.handle_timeout(Timestamp(retry_at.0 - 1));
    assert!(k.drain().dispatches().is_empty());
    k.engine.handle_timeout(retry_at);
    assert_eq!(k.drain().dispatches().len(), 1);
}
