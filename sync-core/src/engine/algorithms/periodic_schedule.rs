//! When each periodic registration's next cycle is due.
//!
//! Like Chromium's stored `delay_until`, a periodic registration keeps its
//! scheduled time in `Registration::due`, computed when a cycle starts (at
//! registration, after each event, when `minInterval` or the origin's engagement
//! changes): `anchor + Policy::periodic_delay(effective interval, time until the
//! origin's soonest other scheduled periodic event)`. `Timestamp::MAX` means
//! suspended (engagement "none"). Each origin indexes its periodic registrations
//! by due time (kept by the registration table), so the soonest other event costs O(log k).

use crate::engine::Engine;
use crate::engine::index::RegId;
use crate::engine::table::SUSPENDED;
use sync_policy::{PeriodicFacts, Policy, Timestamp};

impl<P: Policy> Engine<P> {
    /// Starts a new cycle of a periodic registration from its anchor time.
    pub(in crate::engine) fn reschedule_periodic(&mut self, id: RegId) {
        let Some(anchor) = self.table.periodic(id).map(|p| p.anchor) else { return };
        let due = self.cycle_due(id, anchor);
        self.table.set_due(id, due);
    }

    /// When a cycle of a periodic registration starting at `anchor` is due
    /// ([`SUSPENDED`] when its origin's engagement suspends periodic sync).
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#process-periodic-sync-registrations>
    /// (steps 1.3.3.2-1.3.3.3 gate at fire time; the UA schedules ahead with the same numbers).
    pub(in crate::engine) fn cycle_due(&self, id: RegId, anchor: Timestamp) -> Timestamp {
        let Some(reg) = self.table.get(id) else { return SUSPENDED };
        let origin = self.table.origin(reg.origin());
        let facts = PeriodicFacts { min_interval: self.table.min_interval(id), engagement: origin.engagement };
        match self.policy.periodic_interval(&facts) {
            None => SUSPENDED,
            Some(interval) => {
                let soonest_other =
                    self.table.soonest_other_periodic(reg.origin(), id).map(|at| at.saturating_since(anchor));
                anchor.saturating_add(self.policy.periodic_delay(interval, soonest_other))
            }
        }
    }
}
