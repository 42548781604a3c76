//! Turning a `bgsync_input` into a [`sync_core::Input`], and the engine's
//! small outputs into their C structs.

#![forbid(unsafe_code)]

use crate::result::{Failure, bgsync_result};
use crate::types::*;
use sync_core::{Caller, ClientId, EventId, Handled, Input, RegistrationKey, SwRegId, WakeReason, Wakeup};
use sync_policy::{
    Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
    WaitReason,
};

/// Reads one C string field into an owned `String` (checking NULL, length and UTF-8).
pub type ReadText<'a> = dyn FnMut(bgsync_str, &'static str) -> Result<String, Failure> + 'a;

/// Maps a raw `uint32_t` onto one of a C enum's values.
macro_rules! from_raw {
    ($name:ident, $ty:ty, [$($v:ident),+ $(,)?]) => {
        fn $name(raw: u32, field: &'static str) -> Result<$ty, Failure> {
            [$(<$ty>::$v),+].into_iter().find(|v| *v as u32 == raw).ok_or_else(|| {
                Failure::new(bgsync_result::InvalidArgument, format!("{field} = {raw} is not a known value"))
            })
        }
    };
}

from_raw!(
    input_kind,
    bgsync_input_kind,
    [
        Register,
        GetTags,
        RegisterPeriodic,
        UnregisterPeriodic,
        Network,
        Power,
        Permission,
        Engagement,
        ClientOpened,
        ClientClosed,
        AddWorker,
        WorkerActivated,
        WorkerUnregistered,
        OriginCleared,
        StorageFailed,
        EventFinished,
        EmulateOffline,
        DispatchNow,
        StorageWiped,
        Switch,
        DispatchSynthetic,
    ]
);
from_raw!(caller_kind, bgsync_caller_kind, [Client, Worker, Embedder]);
from_raw!(sync_kind_raw, bgsync_sync_kind, [OneOff, Periodic]);
from_raw!(permission_raw, bgsync_permission, [BackgroundSync, PeriodicBackgroundSync, Notifications]);
from_raw!(permission_state_raw, bgsync_permission_state, [Granted, Denied, Prompt, Unset]);
from_raw!(engagement_raw, bgsync_engagement, [None, Minimal, Low, Medium, High, Max]);
from_raw!(frame_raw, bgsync_frame_type, [TopLevel, Auxiliary, Nested, None]);
from_raw!(outcome_raw, bgsync_outcome, [Fulfilled, Rejected, TimedOut, WorkerFailed]);

/// The `SyncKind` of a raw `bgsync_sync_kind`.
pub fn sync_kind(raw: u32) -> Result<SyncKind, Failure> {
    Ok(match sync_kind_raw(raw, "sync_kind")? {
        bgsync_sync_kind::OneOff => SyncKind::OneOff,
        bgsync_sync_kind::Periodic => SyncKind::Periodic,
    })
}

/// The C value of a `SyncKind`.
pub fn sync_kind_out(kind: SyncKind) -> bgsync_sync_kind {
    match kind {
        SyncKind::OneOff => bgsync_sync_kind::OneOff,
        SyncKind::Periodic => bgsync_sync_kind::Periodic,
    }
}

fn caller(input: &bgsync_input) -> Result<Caller, Failure> {
    Ok(match caller_kind(input.caller, "caller")? {
        bgsync_caller_kind::Client => Caller::Client(ClientId(input.caller_id)),
        bgsync_caller_kind::Worker => Caller::Worker(SwRegId(input.caller_id)),
        bgsync_caller_kind::Embedder => Caller::Embedder,
    })
}

fn battery(raw: i32) -> Result<Option<u8>, Failure> {
    match raw {
        -1 => Ok(None),
        0..=100 => Ok(u8::try_from(raw).ok()),
        _ => Err(Failure::new(
            bgsync_result::InvalidArgument,
            format!("battery_percent = {raw} is neither -1 nor in 0..=100"),
        )),
    }
}

/// The engine input a C input describes. `text` reads the string fields the
/// kind uses (and only those: an unused field may hold anything).
pub fn input_from_c(input: &bgsync_input, text: &mut ReadText<'_>) -> Result<Input, Failure> {
    let sw = SwRegId(input.sw);
    Ok(match input_kind(input.kind, "kind")? {
        bgsync_input_kind::Register => {
            Input::Register { caller: caller(input)?, sw, tag: text(input.tag, "tag")?.into() }
        }
        bgsync_input_kind::GetTags => Input::GetTags { caller: caller(input)?, sw, kind: sync_kind(input.sync_kind)? },
        bgsync_input_kind::RegisterPeriodic => Input::RegisterPeriodic {
            caller: caller(input)?,
            sw,
            tag: text(input.tag, "tag")?.into(),
            min_interval: input.min_interval_ms,
        },
        bgsync_input_kind::UnregisterPeriodic => {
            Input::UnregisterPeriodic { caller: caller(input)?, sw, tag: text(input.tag, "tag")?.into() }
        }
        bgsync_input_kind::Network => {
            Input::Network(NetworkState { online: input.online != 0, metered: input.metered != 0 })
        }
        bgsync_input_kind::Power => Input::Power(PowerState {
            battery_saver: input.battery_saver != 0,
            charging: input.charging != 0,
            battery_percent: battery(input.battery_percent)?,
        }),
        bgsync_input_kind::Permission => Input::Permission {
            origin: text(input.origin, "origin")?,
            name: match permission_raw(input.permission, "permission")? {
                bgsync_permission::BackgroundSync => PermissionName::BackgroundSync,
                bgsync_permission::PeriodicBackgroundSync => PermissionName::PeriodicBackgroundSync,
                bgsync_permission::Notifications => PermissionName::Notifications,
            },
            state: match permission_state_raw(input.permission_state, "permission_state")? {
                bgsync_permission_state::Granted => PermissionState::Granted,
                bgsync_permission_state::Denied => PermissionState::Denied,
                bgsync_permission_state::Prompt => PermissionState::Prompt,
                bgsync_permission_state::Unset => PermissionState::Unset,
            },
        },
        bgsync_input_kind::Engagement => Input::Engagement {
            origin: text(input.origin, "origin")?,
            level: match engagement_raw(input.engagement, "engagement")? {
                bgsync_engagement::None => Engagement::None,
                bgsync_engagement::Minimal => Engagement::Minimal,
                bgsync_engagement::Low => Engagement::Low,
                bgsync_engagement::Medium => Engagement::Medium,
                bgsync_engagement::High => Engagement::High,
                bgsync_engagement::Max => Engagement::Max,
            },
        },
        bgsync_input_kind::ClientOpened => Input::ClientOpened {
            client: ClientId(input.client),
            origin: text(input.origin, "origin")?,
            frame: match frame_raw(input.frame, "frame")? {
                bgsync_frame_type::TopLevel => FrameType::TopLevel,
                bgsync_frame_type::Auxiliary => FrameType::Auxiliary,
                bgsync_frame_type::Nested => FrameType::Nested,
                bgsync_frame_type::None => FrameType::None,
            },
        },
        bgsync_input_kind::ClientClosed => Input::ClientClosed(ClientId(input.client)),
        bgsync_input_kind::AddWorker => {
            Input::AddWorker { sw, origin: text(input.origin, "origin")?, active: input.active != 0 }
        }
        bgsync_input_kind::WorkerActivated => Input::WorkerActivated(sw),
        bgsync_input_kind::WorkerUnregistered => Input::WorkerUnregistered(sw),
        bgsync_input_kind::OriginCleared => Input::OriginCleared(text(input.origin, "origin")?),
        bgsync_input_kind::StorageFailed => Input::StorageFailed { reason: text(input.reason, "reason")? },
        bgsync_input_kind::EventFinished => Input::EventFinished {
            event: EventId(input.event),
            outcome: match outcome_raw(input.outcome, "outcome")? {
                bgsync_outcome::Fulfilled => EventOutcome::Fulfilled,
                bgsync_outcome::Rejected => EventOutcome::Rejected,
                bgsync_outcome::TimedOut => EventOutcome::TimedOut,
                bgsync_outcome::WorkerFailed => EventOutcome::WorkerFailed,
            },
        },
        bgsync_input_kind::EmulateOffline => Input::EmulateOffline { sw, offline: input.offline != 0 },
        bgsync_input_kind::DispatchNow => {
            let kind = sync_kind(input.sync_kind)?;
            Input::DispatchNow(RegistrationKey::new(sw, kind, &text(input.tag, "tag")?))
        }
        bgsync_input_kind::StorageWiped => Input::StorageWiped {},
        bgsync_input_kind::Switch => Input::Switch { enabled: input.enabled != 0 },
        bgsync_input_kind::DispatchSynthetic => Input::DispatchSynthetic {
            sw,
            kind: sync_kind(input.sync_kind)?,
            tag: text(input.tag, "tag")?,
            last_chance: input.last_chance != 0,
        },
    })
}

/// The C struct of what an accepted input produced.
pub fn handled_out(handled: Handled) -> bgsync_handled {
    match handled {
        Handled::Request(r) => bgsync_handled { kind: bgsync_handled_kind::Request, request: r.0, event: 0 },
        Handled::Dispatched(e) => bgsync_handled { kind: bgsync_handled_kind::Dispatched, request: 0, event: e.0 },
        // `Handled` is non-exhaustive; a kind added later reads as applied.
        _ => bgsync_handled { kind: bgsync_handled_kind::Applied, request: 0, event: 0 },
    }
}

/// The C struct of the next wake-up.
pub fn wakeup_out(wakeup: Option<Wakeup>) -> bgsync_wakeup {
    let Some(w) = wakeup else {
        return bgsync_wakeup { present: false, at_ms: 0, reason: bgsync_wake_reason::None };
    };
    let reason = match w.reason {
        WakeReason::Due(WaitReason::BackOff) => bgsync_wake_reason::BackOff,
        WakeReason::Due(WaitReason::PeriodicInterval) => bgsync_wake_reason::PeriodicInterval,
        WakeReason::Due(WaitReason::OriginGap) => bgsync_wake_reason::OriginGap,
        WakeReason::Due(WaitReason::AcrossOriginsRound) => bgsync_wake_reason::AcrossOriginsRound,
        WakeReason::EventDeadline => bgsync_wake_reason::EventDeadline,
        _ => bgsync_wake_reason::Other,
    };
    bgsync_wakeup { present: true, at_ms: w.at.0, reason }
}
