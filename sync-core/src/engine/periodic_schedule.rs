//! When each periodic registration's next cycle is due.
//!
//! Like Chromium's stored `delay_until`, a periodic registration keeps its
//! scheduled time in `Registration::due`, computed when a cycle starts (at
//! registration, after each event, when `minInterval` or the origin's engagement
//! changes): `anchor + Policy::periodic_delay(effective interval, time until the
//! origin's soonest other scheduled periodic event)`. `Timestamp::MAX` means
//! suspended (engagement "none"). Each origin indexes its periodic registrations
//! by due time, so the soonest other event costs O(log k).

use super::Engine;
use super::registry::RegId;
use sync_policy::{PeriodicFacts, Policy, SyncKind, Timestamp};

impl<P: Policy> Engine<P> {
    /// Sets a registration's due time, keeping its origin's periodic index in step.
    pub(super) fn set_due(&mut self, id: RegId, due: Timestamp) {
        let Some(reg) = self.registry.get_mut(id) else { return };
        let old = reg.due;
        reg.due = due;
        if reg.kind == SyncKind::Periodic {
            let index = &mut self.origins.get_mut(reg.origin).periodic_due;
            index.remove(&(old, id));
            index.insert((due, id));
        }
    }

    /// Starts a new cycle of a periodic registration from its anchor time.
    pub(super) fn reschedule_periodic(&mut self, id: RegId) {
        let Some(anchor) = self.registry.get(id).map(|r| r.anchor) else { return };
        let due = self.cycle_due(id, anchor);
        self.set_due(id, due);
    }

    /// When a cycle of a periodic registration starting at `anchor` is due
    /// (`Timestamp::MAX` when suspended).
    pub(super) fn cycle_due(&self, id: RegId, anchor: Timestamp) -> Timestamp {
        let Some(reg) = self.registry.get(id) else { return Timestamp::MAX };
        let origin = self.origins.get(reg.origin);
        let facts = PeriodicFacts { min_interval: reg.min_interval, engagement: origin.engagement };
        match self.policy.periodic_interval(&facts) {
            None => Timestamp::MAX,
            Some(interval) => {
                let soonest_other = origin
                    .periodic_due
                    .iter()
                    .find(|&&(_, other)| other != id)
                    .map(|&(at, _)| at)
                    .filter(|&at| at != Timestamp::MAX)
                    .map(|at| at.saturating_since(anchor));
                anchor.saturating_add(self.policy.periodic_delay(interval, soonest_other))
            }
        }
    }
}
