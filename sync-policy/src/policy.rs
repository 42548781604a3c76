//! The [`Policy`] trait: every decision the specs leave to the user agent.

use crate::decision::{
    EventOutcome, FireFacts, PeriodicFacts, PeriodicFailure, PeriodicReregisterWhileFiring, Refusal, RegisterContext,
    RevocationAction, TagOrder, Verdict, WaitingReregister,
};
use crate::facts::{Engagement, PermissionName, PermissionState, SyncKind};
use crate::time::Millis;
use std::fmt::Debug;

/// The user-agent choices of Background Sync and Periodic Background Sync.
///
/// Every method is a pure function of its arguments and the policy's own
/// configuration: no clock, no state, no IO. The engine asks the policy for
/// every such decision and never hard-codes one.
pub trait Policy: Debug + Send + Sync {
    /// What an unset permission means (one-off: granted, a default powerful
    /// feature; periodic: prompt per spec, denied in Chromium without an install).
    fn default_permission(&self, name: PermissionName) -> PermissionState;

    /// The engagement an origin has until the embedder reports one (the
    /// default: [`DEFAULT_ENGAGEMENT`](crate::configurable::DEFAULT_ENGAGEMENT),
    /// "high", so periodic sync is not penalised for an unreported origin).
    fn default_engagement(&self) -> Engagement {
        crate::configurable::DEFAULT_ENGAGEMENT
    }

    /// May this context register? Checks, in the policy's order, permission,
    /// window gate, tag length and per-origin quota. The active-worker check
    /// (spec register, step 2) comes before and is the engine's.
    fn check_register(&self, ctx: &RegisterContext) -> Result<(), Refusal>;

    /// Attempts a one-off registration gets, chosen at registration time.
    fn max_attempts(&self, notifications: PermissionState) -> u32;

    /// Whether the attempt about to be made (after `attempts_made` failures)
    /// is the last chance (`SyncEvent.lastChance`).
    fn is_last_chance(&self, attempts_made: u32, max_attempts: u32) -> bool {
        attempts_made.saturating_add(1) >= max_attempts
    }

    /// Delay before the next attempt after the `failures`-th consecutive
    /// failure of a one-off registration (`failures >= 1`).
    fn retry_delay(&self, failures: u32) -> Millis;

    /// Time limit of one event.
    fn event_time_limit(&self, kind: SyncKind, last_chance: bool) -> Millis;

    /// What a timed-out event counts as: `true` when it ends the one-off
    /// registration at once, `false` when it is an ordinary failure.
    fn timeout_is_final(&self) -> bool;

    /// May this due registration fire now, and if not, until when or while what?
    /// A [`Verdict::WaitUntil`] at or before `facts.now` is a wait already
    /// over: the engine fires.
    fn may_fire(&self, facts: &FireFacts) -> Verdict;

    /// The effective interval of a periodic registration, or `None` when it
    /// is suspended (engagement "none").
    fn periodic_interval(&self, facts: &PeriodicFacts) -> Option<Millis>;

    /// The delay of a new periodic cycle, from its effective `interval` and the
    /// time until the origin's soonest other scheduled periodic event (if any).
    /// The default keeps the interval (the spec gates only at fire time).
    fn periodic_delay(&self, interval: Millis, soonest_other: Option<Millis>) -> Millis {
        let _ = soonest_other;
        interval
    }

    /// What follows the `failures`-th consecutive failure of a periodic event.
    fn periodic_failure(&self, failures: u32) -> PeriodicFailure;

    /// What a periodic re-register with an unchanged `minInterval` does while firing.
    fn periodic_reregister_while_firing(&self) -> PeriodicReregisterWhileFiring;

    /// What a revoked `periodic-background-sync` permission does.
    fn on_periodic_permission_revoked(&self) -> RevocationAction;

    /// What a one-off `register()` does to a registration waiting for a retry.
    fn waiting_reregister(&self) -> WaitingReregister;

    /// Order of `getTags()` results.
    fn tag_order(&self) -> TagOrder;

    /// Order of registrations that come due at the same instant (the default:
    /// registration order).
    fn same_instant_order(&self) -> TagOrder {
        TagOrder::Insertion
    }

    /// Whether blocking an origin's `background-sync` permission removes its
    /// periodic registrations and denies its periodic permission (the default:
    /// no, the two permissions are independent).
    fn background_sync_block_removes_periodic(&self) -> bool {
        false
    }

    /// Whether a periodic registration revived from suspension (engagement
    /// returned) starts its next cycle at the revival (the default: no, its
    /// anchor time stays).
    fn revival_restarts_cycle(&self) -> bool {
        false
    }

    /// Whether a periodic re-register with a different `minInterval` starts
    /// the next cycle at the re-register (the default: no, the anchor time stays).
    fn reregister_restarts_cycle(&self) -> bool {
        false
    }

    /// Most events in flight per origin (`None`: no limit).
    fn max_concurrent_per_origin(&self) -> Option<u32>;

    /// Most events in flight in total (`None`: no limit).
    fn max_concurrent_total(&self) -> Option<u32>;

    /// Whether `outcome` counts as success (only a fulfilled event does).
    fn is_success(&self, outcome: EventOutcome) -> bool {
        outcome.is_success()
    }
}
