//! `explain()`: why a registration has not fired yet, and the embedder's
//! per-worker listing.

use super::Engine;
use super::index::RegId;
use super::table::Phase;
use crate::ids::{EventId, Origin, RegistrationKey, SwRegId};
use sync_policy::{Blocker, Policy, Timestamp, Verdict, WaitReason};

/// Why a registration has not fired (yet), or what it is doing. In JSON (the
/// adapter protocol) it is `"ready"`, `{"blocked": "offline"}`,
/// `{"waiting-until": {"at": ms, "reason": "back-off"}}`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Explanation {
    /// No such registration.
    NotRegistered,
    /// The engine is disabled after a storage failure.
    Disabled,
    /// Its event is in flight until the deadline.
    Firing {
        /// The event.
        event: EventId,
        /// When it counts as timed out.
        deadline: Timestamp,
        /// It was re-registered while firing and will run again.
        reregistered: bool,
    },
    /// It waits for a point in time.
    WaitingUntil {
        /// The time.
        at: Timestamp,
        /// Why.
        reason: WaitReason,
    },
    /// A condition holds it back until it changes (offline, battery, permission, ...).
    Blocked(Blocker),
    /// It may fire now and is queued for dispatch (possibly behind a concurrency limit).
    Ready,
}

/// The state of a registration, for listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegistrationState {
    /// Pending (one-off and periodic).
    Pending,
    /// Waiting for a retry after a failure.
    Waiting,
    /// Its event is in flight.
    Firing,
    /// Re-registered while its event is in flight.
    ReregisteredWhileFiring,
}

/// One registration as the embedder's listing shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegistrationInfo {
    /// Its key.
    pub key: RegistrationKey,
    /// Its origin.
    pub origin: Origin,
    /// Its state.
    pub state: RegistrationState,
    /// Failed attempts in the current cycle.
    pub attempts: u32,
    /// Attempts allowed (one-off).
    pub max_attempts: u32,
    /// Periodic: `minInterval` in ms.
    pub min_interval: Option<u64>,
    /// Why it has not fired yet.
    pub explanation: Explanation,
}

impl<P: Policy> Engine<P> {
    /// Why the registration with `key` has not fired yet (or what it is doing).
    pub fn explain(&self, key: &RegistrationKey) -> Explanation {
        if self.disabled {
            return Explanation::Disabled;
        }
        match self.table.find(key.sw, key.kind, &key.tag) {
            Some(id) => self.explain_id(id),
            None => Explanation::NotRegistered,
        }
    }

    fn explain_id(&self, id: RegId) -> Explanation {
        let Some(reg) = self.table.get(id) else { return Explanation::NotRegistered };
        match reg.phase {
            Phase::Firing | Phase::ReregisteredWhileFiring => Explanation::Firing {
                event: reg.event,
                deadline: self.flights.deadline(reg.event).unwrap_or(Timestamp::MAX),
                reregistered: reg.phase == Phase::ReregisteredWhileFiring,
            },
            Phase::Waiting if reg.due() > self.now => {
                Explanation::WaitingUntil { at: reg.due(), reason: WaitReason::BackOff }
            }
            _ => match self.verdict(reg) {
                Verdict::Fire => Explanation::Ready,
                Verdict::WaitUntil(at, WaitReason::PeriodicInterval) if at > self.own_interval_end(id) => {
                    // The cycle was scheduled past its own interval to keep the origin's gap.
                    Explanation::WaitingUntil { at, reason: WaitReason::OriginGap }
                }
                Verdict::WaitUntil(at, reason) => Explanation::WaitingUntil { at, reason },
                Verdict::Blocked(b) => Explanation::Blocked(b),
            },
        }
    }

    /// When a periodic registration's own interval ends (anchor + effective interval).
    fn own_interval_end(&self, id: RegId) -> Timestamp {
        let Some(reg) = self.table.get(id) else { return Timestamp::MAX };
        let facts = sync_policy::PeriodicFacts {
            min_interval: self.table.min_interval(id),
            engagement: self.table.origin(reg.origin()).engagement,
        };
        let Some(anchor) = self.table.periodic(id).map(|p| p.anchor) else { return Timestamp::MAX };
        self.policy.periodic_interval(&facts).map_or(Timestamp::MAX, |i| anchor.saturating_add(i))
    }

    /// Every registration of a worker (both kinds, registration order), with its
    /// state and explanation: the embedder's "sync registration manager" view.
    pub fn registrations(&self, sw: SwRegId) -> Vec<RegistrationInfo> {
        let mut out = Vec::new();
        for id in self.table.worker_all_registrations(sw) {
            let Some(reg) = self.table.get(id) else { continue };
            out.push(RegistrationInfo {
                key: reg.key(),
                origin: self.table.origin(reg.origin()).origin().clone(),
                state: match reg.phase {
                    Phase::Pending => RegistrationState::Pending,
                    Phase::Waiting => RegistrationState::Waiting,
                    Phase::Firing => RegistrationState::Firing,
                    Phase::ReregisteredWhileFiring => RegistrationState::ReregisteredWhileFiring,
                },
                attempts: reg.attempts,
                max_attempts: reg.max_attempts,
                min_interval: self.table.periodic(id).map(|p| p.min_interval.0),
                explanation: if self.disabled { Explanation::Disabled } else { self.explain_id(id) },
            });
        }
        out
    }

    /// The service worker registrations the engine knows, in id order.
    pub fn workers(&self) -> Vec<SwRegId> {
        let mut all: Vec<_> = self.table.workers().map(|(sw, _)| sw).collect();
        all.sort();
        all
    }
}
