//! Restart: rebuilding an engine from a store's [`Snapshot`].
//!
//! Firing is never stored, so a registration whose event was in flight when
//! the process died comes back pending with its attempt count unchanged
//! (Chromium's rule: the interrupted attempt is not used up). Due times are
//! wall-clock, so back-off delays survive the restart; a periodic registration
//! that became due while the browser was down fires once, not once per missed
//! interval.

use super::Engine;
use super::table::{DUE_NOW, Phase, SUSPENDED};
use crate::error::SyncError;
use crate::record::Snapshot;
use sync_policy::{Policy, SyncKind, Timestamp};

impl<P: Policy> Engine<P> {
    /// An engine at `now` holding everything in `snapshot`. The service worker
    /// registrations named by stored rows are known as active; announce any
    /// others, and unregistered ones, with `add_worker` / `worker_unregistered`.
    pub fn restore(policy: P, now: Timestamp, snapshot: Snapshot) -> Result<Engine<P>, SyncError> {
        let mut engine = Engine::new(policy, now);
        let default_engagement = engine.policy.default_engagement();
        // One pass over the whole snapshot (see `table/bulk.rs`): ids come back
        // in registration order, so equal-time tie-breaks follow it.
        let ids = engine.table.restore_rows(snapshot.registrations, default_engagement)?;
        engine.table.sort_origin_workers();
        for row in snapshot.origins {
            let idx = engine.table.intern(row.origin.as_str(), default_engagement);
            engine.table.origin_mut(idx).last_periodic = row.last_periodic;
            engine.last_round = engine.last_round.max(row.last_periodic);
        }
        // Only periodic rows can need rescheduling (a one-off table skips the pass).
        let periodic = if engine.table.has_periodic() { ids.as_slice() } else { &[] };
        for &id in periodic {
            // A cycle that was suspended (or never scheduled) is scheduled again under
            // today's engagement; the embedder reports the real engagement later.
            let unscheduled = engine.table.get(id).is_some_and(|r| {
                r.kind() == SyncKind::Periodic
                    && r.phase == Phase::Pending
                    && (r.due() == SUSPENDED || r.due() == DUE_NOW)
            });
            if unscheduled {
                engine.reschedule_periodic(id);
            }
        }
        for id in ids {
            engine.place(id);
        }
        Ok(engine)
    }
}
