//! The wake-up hint: when a closed browser should be started again, and why
//! (what Chromium hands to Android's job scheduler).

use crate::engine::{Engine, WakeReason};
use sync_policy::{Policy, Timestamp, WaitReason};

/// Why a closed browser should be woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WakeupReason {
    /// Something may fire now and waits only for a connection (or for a free
    /// dispatch slot): wake as soon as the device is online. Chromium asks the
    /// job scheduler for a zero delay with a network requirement in this case.
    Ready,
    /// A registration becomes due: a retry's back-off ends, a periodic interval
    /// elapses, or a periodic gate opens.
    Due(WaitReason),
    /// An event is in flight. If the browser closes now it is lost and the
    /// registration is pending again at the next start; wake by the event's
    /// deadline (Chromium's `min_sync_recovery_time` plays the same role).
    InterruptedEvent,
}

/// When a closed browser should be woken to run Background Sync, and why.
///
/// Hand it to the OS scheduler as a one-off job that requires network
/// connectivity (every event needs a connection), survives reboots, and
/// replaces the previous one; Chromium does this on Android with a window from
/// `at` to one year later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WakeupHint {
    /// The earliest useful wake-up time (wall clock). May be in the past: wake now.
    pub at: Timestamp,
    /// Why.
    pub reason: WakeupReason,
}

/// The hint for an engine at `now`, or `None` when nothing will ever fire
/// without a new input (no registrations, or all of them suspended).
///
/// Costs no registration scan ([`Engine::waits_for_network`]); it may say
/// `Ready` for entries that moved on since, which only wakes the browser once
/// for nothing.
pub(crate) fn hint<P: Policy>(engine: &Engine<P>, now: Timestamp) -> Option<WakeupHint> {
    if engine.is_disabled() {
        return None;
    }
    if engine.waits_for_network() {
        return Some(WakeupHint { at: now, reason: WakeupReason::Ready });
    }
    engine.poll_timeout().map(|w| WakeupHint {
        at: w.at,
        reason: match w.reason {
            WakeReason::Due(why) => WakeupReason::Due(why),
            WakeReason::EventDeadline => WakeupReason::InterruptedEvent,
        },
    })
}
