//! Every `bgsync_input_kind` becomes the `sync_core::Input` variant it names,
//! with its fields carried over; unknown enum values are refused.

use sync_core::{Caller, ClientId, EventId, Input, RegistrationKey, SwRegId};
use sync_ffi::input::input_from_c;
use sync_ffi::result::{Failure, bgsync_result};
use sync_ffi::{bgsync_input, bgsync_str};
use sync_policy::{
    Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
};

const TAG: &str = "tag-1";
const ORIGIN: &str = "https://example.com";
const REASON: &str = "disk full";

fn view(s: &'static str) -> bgsync_str {
    bgsync_str { ptr: s.as_ptr(), len: s.len() }
}

/// An input with every field set to something recognisable.
fn full(kind: u32) -> bgsync_input {
    bgsync_input {
        kind,
        caller: 2,
        caller_id: 11,
        sw: 12,
        client: 13,
        event: 14,
        sync_kind: 2,
        permission: 2,
        permission_state: 1,
        engagement: 4,
        frame: 3,
        outcome: 3,
        tag: view(TAG),
        origin: view(ORIGIN),
        reason: view(REASON),
        min_interval_ms: 15,
        battery_percent: 40,
        online: 1,
        metered: 1,
        battery_saver: 1,
        charging: 0,
        active: 1,
        offline: 1,
        enabled: 1,
        last_chance: 1,
    }
}

fn convert(input: &bgsync_input) -> Result<Input, Failure> {
    // The test owns the strings; read them without the raw-pointer layer.
    input_from_c(input, &mut |s, _| {
        Ok([TAG, ORIGIN, REASON].into_iter().find(|t| t.as_ptr() == s.ptr).unwrap_or_default().to_string())
    })
}

#[test]
fn every_kind_maps_to_its_input() {
    let sw = SwRegId(12);
    let caller = Caller::Worker(SwRegId(11));
    let expected = [
        Input::Register { caller, sw, tag: TAG.into() },
        Input::GetTags { caller, sw, kind: SyncKind::Periodic },
        Input::RegisterPeriodic { caller, sw, tag: TAG.into(), min_interval: 15 },
        Input::UnregisterPeriodic { caller, sw, tag: TAG.into() },
        Input::Network(NetworkState { online: true, metered: true }),
        Input::Power(PowerState { battery_saver: true, charging: false, battery_percent: Some(40) }),
        Input::Permission {
            origin: ORIGIN.into(),
            name: PermissionName::PeriodicBackgroundSync,
            state: PermissionState::Granted,
        },
        Input::Engagement { origin: ORIGIN.into(), level: Engagement::Medium },
        Input::ClientOpened { client: ClientId(13), origin: ORIGIN.into(), frame: FrameType::Nested },
        Input::ClientClosed(ClientId(13)),
        Input::AddWorker { sw, origin: ORIGIN.into(), active: true },
        Input::WorkerActivated(sw),
        Input::WorkerUnregistered(sw),
        Input::OriginCleared(ORIGIN.into()),
        Input::StorageFailed { reason: REASON.into() },
        Input::EventFinished { event: EventId(14), outcome: EventOutcome::TimedOut },
        Input::EmulateOffline { sw, offline: true },
        Input::DispatchNow(RegistrationKey::new(sw, SyncKind::Periodic, TAG)),
        Input::StorageWiped {},
        Input::Switch { enabled: true },
        // `last_chance` is carried as given; the engine ignores it for `periodicsync`.
        Input::DispatchSynthetic { sw, kind: SyncKind::Periodic, tag: TAG.into(), last_chance: true },
    ];
    for (kind, want) in (1u32..).zip(expected) {
        assert_eq!(convert(&full(kind)), Ok(want), "kind {kind}");
    }
    assert!(convert(&full(22)).is_err());
}

#[test]
fn caller_kinds_map_to_callers() {
    let mut input = full(1);
    for (raw, want) in [(1, Caller::Client(ClientId(11))), (2, Caller::Worker(SwRegId(11))), (3, Caller::Embedder)] {
        input.caller = raw;
        let Ok(Input::Register { caller, .. }) = convert(&input) else { panic!("caller {raw} did not convert") };
        assert_eq!(caller, want);
    }
}

/// Puts one bad value into an input.
type Spoil = fn(&mut bgsync_input);

#[test]
fn unknown_enum_values_are_invalid_arguments() {
    let cases: [(u32, Spoil); 9] = [
        (0, |i| i.kind = 0),
        (1, |i| i.caller = 0),
        (2, |i| i.sync_kind = 3),
        (7, |i| i.permission = 9),
        (7, |i| i.permission_state = 0),
        (8, |i| i.engagement = 7),
        (9, |i| i.frame = 5),
        (16, |i| i.outcome = 0),
        (6, |i| i.battery_percent = -2),
    ];
    for (kind, spoil) in cases {
        let mut input = full(kind);
        spoil(&mut input);
        let err = convert(&input).expect_err("spoilt input converted");
        assert_eq!(err.code, bgsync_result::InvalidArgument, "{}", err.message);
    }
}

#[test]
fn fields_a_kind_does_not_use_are_not_read() {
    // A NETWORK input with garbage string pointers: never dereferenced.
    let mut input = full(5);
    input.tag = bgsync_str { ptr: std::ptr::dangling(), len: usize::MAX };
    input.caller = 999;
    let mut reads = 0;
    let got = input_from_c(&input, &mut |_, _| {
        reads += 1;
        Ok(String::new())
    });
    assert_eq!(got, Ok(Input::Network(NetworkState { online: true, metered: true })));
    assert_eq!(reads, 0);
}
