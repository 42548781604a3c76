//! The checked-in `protocol.schema.json` and the harness's typed messages
//! agree: every message shape the harness and the reference adapter write
//! passes the schema, and lines that break the protocol are caught with the
//! rule they broke.

use serde_json::json;
use sync_core::{Caller, ClientId, EventId, Explanation, Input, RegistrationKey, SwRegId};
use sync_policy::{
    Blocker, Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
    Timestamp, WaitReason,
};
use wpt_harness::protocol::messages::{
    AdapterMessage, Capabilities, Constructed, HarnessMessage, Implementation, WireObservation, WireRefusal, WireReply,
    WireShape,
};
use wpt_harness::protocol::schema::{Side, check};

fn every_input() -> Vec<Input> {
    let sw = SwRegId(1);
    let origin = "https://a.test".to_string();
    vec![
        Input::Register { caller: Caller::Client(ClientId(2)), sw, tag: "outbox".into() },
        Input::GetTags { caller: Caller::Embedder, sw, kind: SyncKind::OneOff },
        Input::RegisterPeriodic { caller: Caller::Worker(sw), sw, tag: "news".into(), min_interval: 43_200_000 },
        Input::UnregisterPeriodic { caller: Caller::Worker(sw), sw, tag: "news".into() },
        Input::Network(NetworkState { online: true, metered: false }),
        Input::Power(PowerState { battery_saver: true, charging: false, battery_percent: Some(15) }),
        Input::Power(PowerState { battery_saver: false, charging: true, battery_percent: None }),
        Input::Permission {
            origin: origin.clone(),
            name: PermissionName::PeriodicBackgroundSync,
            state: PermissionState::Denied,
        },
        Input::Engagement { origin: origin.clone(), level: Engagement::Minimal },
        Input::ClientOpened { client: ClientId(2), origin: origin.clone(), frame: FrameType::Auxiliary },
        Input::ClientClosed(ClientId(2)),
        Input::AddWorker { sw, origin: origin.clone(), active: false },
        Input::WorkerActivated(sw),
        Input::WorkerUnregistered(sw),
        Input::OriginCleared(origin),
        Input::StorageFailed { reason: "disk full".into() },
        Input::EventFinished { event: EventId(3), outcome: EventOutcome::TimedOut },
        Input::EmulateOffline { sw, offline: true },
        Input::DispatchNow(RegistrationKey::new(sw, SyncKind::Periodic, "news")),
        Input::StorageWiped {},
        Input::Switch { enabled: false },
        Input::DispatchSynthetic { sw, kind: SyncKind::OneOff, tag: "ghost".into(), last_chance: true },
    ]
}

fn value<T: serde::Serialize>(message: &T) -> serde_json::Value {
    serde_json::to_value(message).expect("a message serializes")
}

#[test]
fn every_harness_message_passes_the_schema() {
    let now = Timestamp(1_800_000_000_000);
    let mut messages = vec![
        HarnessMessage::Hello { protocol: 1 },
        HarnessMessage::Begin {
            subtest: "a.yaml: one".into(),
            start: now,
            policy: serde_json::to_value(sync_policy::PolicyConfig::chromium()).expect("a policy serializes"),
        },
        HarnessMessage::NextWakeup,
        HarnessMessage::Advance { to: now },
        HarnessMessage::Restart { at: now },
        HarnessMessage::StoreFault { fault: wpt_harness::protocol::messages::WireStoreFault::FailNextRead },
        HarnessMessage::Explain { key: RegistrationKey::new(SwRegId(1), SyncKind::OneOff, "a") },
        HarnessMessage::QueryPermission { origin: "https://a.test".into(), name: PermissionName::BackgroundSync },
        HarnessMessage::ApiSurface { interface: "SyncManager".into() },
        HarnessMessage::ConstructEvent { interface: "SyncEvent".into(), args: vec![json!("tag"), json!({})] },
        HarnessMessage::CheckInvariants,
        HarnessMessage::Bye,
    ];
    messages.extend(every_input().into_iter().map(|input| HarnessMessage::Input { now, input }));
    for message in &messages {
        let v = value(message);
        check(Side::Harness, &v).unwrap_or_else(|e| panic!("{v} breaks the schema: {e}"));
        let back: HarnessMessage = serde_json::from_value(v).expect("and reads back");
        assert_eq!(&back, message);
    }
}

#[test]
fn every_adapter_message_passes_the_schema() {
    let at = Timestamp(1_800_000_000_000);
    let dispatch = WireObservation::Dispatch {
        event: 1,
        sw: 1,
        kind: SyncKind::OneOff,
        tag: "a".into(),
        last_chance: Some(false),
        at,
        deadline: Some(at),
    };
    let log = WireObservation::Log {
        at,
        sw: 1,
        kind: SyncKind::Periodic,
        name: "Registered".into(),
        tag: "a".into(),
        metadata: vec![("minInterval".into(), "0".into())],
    };
    let explanations = [
        Explanation::NotRegistered,
        Explanation::Disabled,
        Explanation::Ready,
        Explanation::Blocked(Blocker::BatterySaver),
        Explanation::WaitingUntil { at, reason: WaitReason::BackOff },
        Explanation::Firing { event: EventId(4), deadline: at, reregistered: true },
    ];
    let mut messages = vec![
        AdapterMessage::Hello {
            protocol: 1,
            implementation: Implementation { name: "x".into(), version: "1".into() },
            capabilities: Capabilities::all(),
        },
        AdapterMessage::Ready,
        AdapterMessage::Result {
            error: None,
            reply: Some(WireReply::Resolved),
            observations: vec![dispatch.clone(), log.clone()],
        },
        AdapterMessage::Result { error: None, reply: Some(WireReply::Tags(vec!["a".into()])), observations: vec![] },
        AdapterMessage::Result {
            error: None,
            reply: Some(WireReply::Rejected { name: "InvalidStateError".into(), message: "no".into() }),
            observations: vec![],
        },
        AdapterMessage::Result { error: None, reply: None, observations: vec![dispatch.clone()] },
        AdapterMessage::Result {
            error: Some(WireRefusal { kind: "unknown-worker".into(), message: "sw 9".into() }),
            reply: None,
            observations: vec![],
        },
        AdapterMessage::Wakeup { at: Some(at) },
        AdapterMessage::Wakeup { at: None },
        AdapterMessage::Advanced { observations: vec![dispatch, log] },
        AdapterMessage::Restarted { observations: vec![] },
        AdapterMessage::Permission { state: PermissionState::Prompt },
        AdapterMessage::Invariants { violations: vec![] },
        AdapterMessage::Invariants { violations: vec!["two registrations for one key".into()] },
        AdapterMessage::ApiSurface {
            shape: WireShape { exposed: vec!["Window".into()], ops: vec![("register".into(), 1)], attrs: vec![] },
        },
        AdapterMessage::Constructed { result: Constructed::Ok(vec![("tag".into(), json!("a"))]) },
        AdapterMessage::Constructed { result: Constructed::Thrown("TypeError".into()) },
        AdapterMessage::Unsupported { message: "no".into() },
    ];
    messages.extend(explanations.into_iter().map(|explanation| AdapterMessage::Explanation { explanation }));
    for message in &messages {
        let v = value(message);
        check(Side::Adapter, &v).unwrap_or_else(|e| panic!("{v} breaks the schema: {e}"));
        let back: AdapterMessage = serde_json::from_value(v).expect("and reads back");
        assert_eq!(&back, message);
    }
}

#[test]
fn lines_that_break_the_protocol_are_caught_with_the_rule() {
    let bad = [
        json!({"op": "result"}),
        json!({"op": "teleport"}),
        json!({"op": "wakeup", "at": "soon"}),
        json!({"op": "result", "observations": [{"dispatch": {"event": 1}}]}),
        json!({"op": "result", "reply": "resolved", "error": {"kind": "other", "message": ""}, "observations": []}),
        json!({"op": "hello", "protocol": 1}),
        json!({"op": "ready", "extra": true}),
        json!(["op", "ready"]),
    ];
    for line in bad {
        let error = check(Side::Adapter, &line).expect_err(&format!("{line} is refused"));
        assert!(!error.is_empty());
    }
    // An input the engine does not know is a harness-side violation too.
    let unknown_input = json!({"op": "input", "now": 1, "input": {"teleport": {}}});
    assert!(check(Side::Harness, &unknown_input).is_err());
}
