//! F10: one origin cannot make the engine hold unbounded tag bytes. Under the
//! spec profile (no per-tag cap) a new tag that would take the origin past
//! `register.max_tag_bytes_per_origin` is refused with `QuotaExceededError`;
//! other origins are unaffected, and the budget frees as tags go.

mod common;

use common::{A, B, Kit, R1, R2, W2, config_with};
use sync_core::Input;
use sync_core::{Caller, DomErrorName, Engine};
use sync_policy::config::DEFAULT_MAX_TAG_BYTES_PER_ORIGIN;
use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, Profile, SyncKind};

const MIB: usize = 1 << 20;

/// A tag of `bytes` UTF-8 bytes, distinct per `name`.
fn tag(name: &str, bytes: usize) -> String {
    format!("{name}{}", "x".repeat(bytes - name.len()))
}

fn spec_kit_offline() -> Kit {
    let mut k = Kit::spec();
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: B.to_string(), active: true }).unwrap();
    k.engine
        .handle(k.now, Input::ClientOpened { client: W2, origin: B.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    k.offline();
    k
}

#[test]
fn the_spec_profile_refuses_tags_past_the_origin_budget() {
    assert_eq!(DEFAULT_MAX_TAG_BYTES_PER_ORIGIN, 4 * MIB);
    let mut k = spec_kit_offline();
    // A 25 MiB tag: no per-tag cap in the spec profile, but past the budget.
    let (r, d) = k.register(&tag("huge", 25 * MIB));
    assert_eq!(d.rejected(r), DomErrorName::QuotaExceededError);
    let (r, d) = k.register(&tag("a", 3 * MIB));
    assert!(d.resolved(r), "within the budget");
    let (r, d) = k.register(&tag("b", 2 * MIB));
    assert_eq!(d.rejected(r), DomErrorName::QuotaExceededError, "3 + 2 MiB is past 4 MiB");
    let message = d.reply(r).and_then(Result::err).map(|e| e.message.into_owned()).unwrap_or_default();
    assert!(message.contains("budget"), "{message}");
    let (r, d) = k.register(&tag("a", 3 * MIB));
    assert!(d.resolved(r), "re-registering an existing tag adds nothing");
    let (r, d) = k.register(&tag("c", MIB - 16));
    assert!(d.resolved(r), "what fits under the budget is still accepted");
    assert_eq!(k.tags(SyncKind::OneOff).len(), 2);
}

#[test]
fn other_origins_are_unaffected() {
    let mut k = spec_kit_offline();
    let (r, d) = k.register(&tag("a", 4 * MIB));
    assert!(d.resolved(r));
    let (r, d) = k.register("small");
    assert_eq!(d.rejected(r), DomErrorName::QuotaExceededError, "origin A is full");
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W2), sw: R2, tag: tag("b", 4 * MIB).into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r), "origin B has its own budget");
}

#[test]
fn the_budget_frees_when_tags_go() {
    let mut k = spec_kit_offline();
    let (r, d) = k.register(&tag("a", 3 * MIB));
    assert!(d.resolved(r));
    let (r, d) = k.register(&tag("b", 3 * MIB));
    assert_eq!(d.rejected(r), DomErrorName::QuotaExceededError);
    // "a" fires and succeeds: it is removed, and its bytes with it.
    let online = k.online();
    let fired = online.dispatches();
    assert_eq!(fired.len(), 1);
    k.settle(&fired[0], EventOutcome::Fulfilled);
    let (r, d) = k.register(&tag("b", 3 * MIB));
    assert!(d.resolved(r), "the bytes of the removed tag were released");
    // Unregistering the worker drops "b" (still firing) and frees the budget too.
    k.engine.handle(k.now, Input::WorkerUnregistered(R1)).unwrap();
    k.engine.handle(k.now, Input::AddWorker { sw: R1, origin: A.to_string(), active: true }).unwrap();
    let (r, d) = k.register(&tag("c", 4 * MIB));
    assert!(d.resolved(r), "a dropped worker's tags no longer count");
}

#[test]
fn a_restored_engine_counts_what_it_restored() {
    let mut k = spec_kit_offline();
    let (r, d) = k.register(&tag("a", 3 * MIB));
    assert!(d.resolved(r));
    let snapshot = sync_core::store::Store::load(&mut k.store).unwrap();
    let mut engine =
        Engine::restore(ConfigurablePolicy::new(config_with(Profile::Spec, |_| {})), k.now, snapshot).expect("restore");
    engine.handle(k.now, Input::Network(sync_policy::NetworkState { online: false, metered: false })).unwrap();
    engine
        .handle(k.now, Input::ClientOpened { client: common::W1, origin: A.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    let r = engine
        .handle(k.now, Input::Register { caller: Caller::Client(common::W1), sw: R1, tag: tag("b", 3 * MIB).into() })
        .unwrap()
        .request()
        .unwrap();
    let mut refused = None;
    while let Some(action) = engine.poll_action() {
        if let sync_core::Action::Reply { request, result: Err(e) } = action
            && request == r
        {
            refused = Some(e.name);
        }
    }
    assert_eq!(refused, Some(DomErrorName::QuotaExceededError), "the restored tag's bytes count");
}

#[test]
fn the_budget_is_configurable_and_can_be_lifted() {
    let mut k = Kit::with_config(config_with(Profile::Spec, |c| c.register.max_tag_bytes_per_origin = Some(10)));
    k.offline();
    let (r, d) = k.register("0123456789");
    assert!(d.resolved(r), "exactly the budget");
    let (r, d) = k.register("x");
    assert_eq!(d.rejected(r), DomErrorName::QuotaExceededError);
    let mut k = Kit::with_config(config_with(Profile::Spec, |c| c.register.max_tag_bytes_per_origin = None));
    k.offline();
    let (r, d) = k.register(&tag("big", 5 * MIB));
    assert!(d.resolved(r), "\"none\" lifts the budget");
}
