//! Restart: rebuilding an engine from a store's [`Snapshot`].
//!
//! Firing is never stored, so a registration whose event was in flight when
//! the process died comes back pending with its attempt count unchanged
//! (Chromium's rule: the interrupted attempt is not used up). Due times are
//! wall-clock, so back-off delays survive the restart; a periodic registration
//! that became due while the browser was down fires once, not once per missed
//! interval.

use super::Engine;
use super::origins::{Worker, kind_index};
use super::registry::{Phase, Place, Registration};
use crate::error::SyncError;
use crate::ids::SwRegId;
use crate::store::{Snapshot, StoredPhase};
use hashbrown::HashMap;
use sync_policy::{Millis, Policy, SyncKind, Timestamp};

impl<P: Policy> Engine<P> {
    /// An engine at `now` holding everything in `snapshot`. The service worker
    /// registrations named by stored rows are known as active; announce any
    /// others, and unregistered ones, with `add_worker` / `worker_unregistered`.
    pub fn restore(policy: P, now: Timestamp, snapshot: Snapshot) -> Result<Engine<P>, SyncError> {
        let mut engine = Engine::new(policy, now);
        engine.registry.reserve(snapshot.registrations.len());
        let mut ids = Vec::with_capacity(snapshot.registrations.len());
        let mut rows = snapshot.registrations;
        // Registration order, so every worker's list is built by appends (and the
        // slab, hence equal-time tie-breaks, follows registration order).
        rows.sort_unstable_by_key(|r| r.seq);
        // Each worker's tag tables are sized once, before its first row goes in.
        let mut per_worker: HashMap<SwRegId, [usize; 2]> = HashMap::new();
        for row in &rows {
            per_worker.entry(row.key.sw).or_default()[kind_index(row.key.kind)] += 1;
        }
        let mut last_seq = None;
        for row in rows {
            // Sorted, so a repeated order number is the previous row's.
            if last_seq == Some(row.seq) {
                return Err(SyncError::BadSnapshot(format!("duplicate registration order {}", row.seq)));
            }
            last_seq = Some(row.seq);
            // Order numbers are handed out upwards: a stored u64::MAX would leave
            // none to hand out after it (only a damaged store holds one).
            if row.seq == u64::MAX {
                return Err(SyncError::BadSnapshot(format!(
                    "registration order {} leaves no order to allocate",
                    row.seq
                )));
            }
            if row.periodic.is_some() != (row.key.kind == SyncKind::Periodic) {
                return Err(SyncError::BadSnapshot("periodic fields on a one-off registration or missing".into()));
            }
            let origin = engine.origins.intern(row.origin.as_str(), sync_policy::configurable::DEFAULT_ENGAGEMENT);
            let registry = &mut engine.registry;
            let worker = engine.workers.entry(row.key.sw).or_insert_with(|| {
                let mut worker = Worker::new(origin, true);
                let counts = per_worker.get(&row.key.sw).copied().unwrap_or_default();
                for (list, count) in worker.lists.iter_mut().zip(counts) {
                    list.reserve(count, |id| registry.tag_hash_of(id));
                }
                worker
            });
            if worker.origin != origin {
                return Err(SyncError::BadSnapshot(format!("{:?} stored under two origins", row.key.sw)));
            }
            let kind = row.key.kind;
            let hash = registry.tag_hash(&row.key.tag);
            if worker.list(kind).find(hash, |id| registry.has_tag(id, &row.key.tag)).is_some() {
                return Err(SyncError::BadSnapshot("duplicate registration key".into()));
            }
            let (min_interval, anchor) = row.periodic.map_or((Millis::ZERO, now), |p| (p.min_interval, p.anchor));
            let phase = match row.phase {
                StoredPhase::Pending => Phase::Pending,
                StoredPhase::Waiting => Phase::Waiting,
            };
            let seq = row.seq;
            let id = registry.insert(Registration {
                sw: row.key.sw,
                kind,
                tag: row.key.tag,
                origin,
                phase,
                attempts: row.attempts,
                max_attempts: row.max_attempts.max(1),
                due: row.due,
                seq,
                min_interval,
                anchor,
                bypass_gates: false,
                place: Place::Idle,
                ticket: 0,
            });
            let registry = &engine.registry;
            worker.list_mut(kind).insert(seq, id, hash, |other| registry.tag_hash_of(other));
            if kind == SyncKind::Periodic {
                engine.origins.get_mut(origin).periodic_due.insert((row.due, id));
            }
            engine.origins.get_mut(origin).registrations += 1;
            engine.next_seq = engine.next_seq.max(seq.saturating_add(1));
            ids.push(id);
        }
        let mut workers_by_origin: Vec<_> = engine.workers.iter().map(|(sw, w)| (w.origin, *sw)).collect();
        workers_by_origin.sort();
        for (origin, sw) in workers_by_origin {
            engine.origins.get_mut(origin).workers.push(sw);
        }
        for row in snapshot.origins {
            let idx = engine.origins.intern(row.origin.as_str(), sync_policy::configurable::DEFAULT_ENGAGEMENT);
            engine.origins.get_mut(idx).last_periodic = row.last_periodic;
            engine.last_round = engine.last_round.max(row.last_periodic);
        }
        for &id in &ids {
            // A cycle that was suspended (or never scheduled) is scheduled again under
            // today's engagement; the embedder reports the real engagement later.
            let unscheduled = engine.registry.get(id).is_some_and(|r| {
                r.kind == SyncKind::Periodic
                    && r.phase == Phase::Pending
                    && (r.due == Timestamp::MAX || r.due == Timestamp(0))
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
