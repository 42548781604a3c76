//! spec: register, steps 1-6, and the UA's tag-length cap and quota.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, ClientId, DomErrorName, SwRegId};
use sync_policy::{FrameType, PermissionName, PermissionState, Profile};

#[test]
fn no_active_worker_is_invalid_state_error() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: false }).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R2, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    let d = k.drain();
    assert_eq!(d.rejected(r), DomErrorName::InvalidStateError);
    assert!(d.persists().is_empty() && d.dispatches().is_empty());
}

#[test]
fn unknown_worker_is_invalid_state_error() {
    let mut k = Kit::chromium();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: SwRegId(99), tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError);
}

#[test]
fn activation_check_precedes_permission_check() {
    for profile in [Profile::Chromium, Profile::Spec] {
        let mut k = Kit::with_config(config_with(profile, |_| {}));
        k.set_permission(PermissionName::BackgroundSync, PermissionState::Denied);
        k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: false }).unwrap();
        let r = k
            .engine
            .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R2, tag: "a".into() })
            .unwrap()
            .request()
            .unwrap();
        assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError, "{profile}");
    }
}

#[test]
fn denied_permission_is_not_allowed_error() {
    let mut k = Kit::chromium();
    k.set_permission(PermissionName::BackgroundSync, PermissionState::Denied);
    let (r, d) = k.register("a");
    assert_eq!(d.rejected(r), DomErrorName::NotAllowedError);
    assert!(k.tags(sync_policy::SyncKind::OneOff).is_empty());
}

#[test]
fn prompt_permission_does_not_block_one_off() {
    let mut k = Kit::spec();
    k.set_permission(PermissionName::BackgroundSync, PermissionState::Prompt);
    let (r, d) = k.register("a");
    assert!(d.resolved(r));
}

#[test]
fn no_window_is_invalid_access_error() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::ClientClosed(W1)).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Worker(R1), sw: R1, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    let d = k.drain();
    assert_eq!(d.rejected(r), DomErrorName::InvalidAccessError);
    match d.reply(r) {
        Some(Err(e)) => {
            assert_eq!(e.message, "Attempted to register a sync event without a window or registration tag too long.")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nested_frame_alone_is_background() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::ClientClosed(W1)).unwrap();
    k.engine
        .handle(k.now, Input::ClientOpened { client: ClientId(5), origin: A.to_string(), frame: FrameType::Nested })
        .unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(ClientId(5)), sw: R1, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::InvalidAccessError);
}

#[test]
fn auxiliary_window_counts_as_window() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::ClientClosed(W1)).unwrap();
    k.engine
        .handle(k.now, Input::ClientOpened { client: ClientId(5), origin: A.to_string(), frame: FrameType::Auxiliary })
        .unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(ClientId(5)), sw: R1, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r));
}

#[test]
fn worker_may_register_while_any_same_origin_window_exists() {
    let mut k = Kit::chromium();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Worker(R1), sw: R1, tag: "from-sw".into() })
        .unwrap()
        .request()
        .unwrap();
    let d = k.drain();
    assert!(d.resolved(r));
    assert_eq!(d.dispatches().len(), 1);
}

#[test]
fn check_order_differs_between_profiles() {
    // Denied permission and no window: the spec checks permission first (step 3
    // before step 6), Chromium the window first.
    for (profile, expected) in
        [(Profile::Spec, DomErrorName::NotAllowedError), (Profile::Chromium, DomErrorName::InvalidAccessError)]
    {
        let mut k = Kit::with_config(config_with(profile, |_| {}));
        k.set_permission(PermissionName::BackgroundSync, PermissionState::Denied);
        k.engine.handle(k.now, Input::ClientClosed(W1)).unwrap();
        let r = k
            .engine
            .handle(k.now, Input::Register { caller: Caller::Worker(R1), sw: R1, tag: "a".into() })
            .unwrap()
            .request()
            .unwrap();
        assert_eq!(k.drain().rejected(r), expected, "{profile}");
    }
}

#[test]
fn tag_length_cap_is_a_policy_choice() {
    let long = "a".repeat(10_241);
    let max = "a".repeat(10_240);
    let mut k = Kit::chromium();
    let (r, d) = k.register(&max);
    assert!(d.resolved(r));
    let (r, d) = k.register(&long);
    assert_eq!(d.rejected(r), DomErrorName::InvalidAccessError);
    let mut k = Kit::spec();
    let (r, d) = k.register(&long);
    assert!(d.resolved(r), "the spec sets no tag limit");
}

#[test]
fn empty_and_non_ascii_tags_are_legal() {
    let mut k = Kit::spec();
    k.offline();
    for tag in ["", "über", "𝄞 astral"] {
        let (r, d) = k.register(tag);
        assert!(d.resolved(r), "{tag:?}");
    }
    let mut tags = k.tags(sync_policy::SyncKind::OneOff);
    tags.sort();
    assert_eq!(tags, vec!["", "über", "𝄞 astral"]);
}

#[test]
fn closed_client_is_a_detached_context() {
    let mut k = Kit::chromium();
    k.engine
        .handle(k.now, Input::ClientOpened { client: W2, origin: A.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    k.engine.handle(k.now, Input::ClientClosed(W2)).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W2), sw: R1, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError);
}

#[test]
fn caller_of_another_origin_is_refused() {
    let mut k = Kit::chromium();
    k.engine
        .handle(k.now, Input::ClientOpened { client: W2, origin: B.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W2), sw: R1, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::SecurityError);
    let r = k
        .engine
        .handle(k.now, Input::GetTags { caller: Caller::Client(W2), sw: R1, kind: sync_policy::SyncKind::OneOff })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::SecurityError);
}

#[test]
fn quota_caps_registrations_per_origin_without_touching_existing_ones() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| c.register.max_registrations_per_origin = Some(3)));
    k.offline();
    for t in ["a", "b", "c"] {
        let (r, d) = k.register(t);
        assert!(d.resolved(r));
    }
    let (r, d) = k.register("d");
    assert_eq!(d.rejected(r), DomErrorName::QuotaExceededError);
    let (r, d) = k.register("a");
    assert!(d.resolved(r), "re-registering an existing tag does not count against the quota");
    assert_eq!(k.tags(sync_policy::SyncKind::OneOff), vec!["a", "b", "c"]);
}
