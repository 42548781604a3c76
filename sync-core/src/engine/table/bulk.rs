//! Restoring a whole snapshot into an empty table at once.
//!
//! Filing rows one by one in registration order (as `insert` does) visits a
//! different worker's tag table for nearly every row when registrations of
//! many workers interleave, so a restart of a million rows spent most of its
//! time on cache misses and on a per-row duplicate lookup. Here the work is
//! split by what each part needs:
//!
//! - duplicate keys are found by order, not by hashing: a store hands rows
//!   over in key order (then one comparison per row proves there are none),
//!   anything else is sorted once by key;
//! - the slab is filled in registration order (equal-time tie-breaks follow
//!   slab order), through a permutation of small `(order, row)` pairs rather
//!   than by sorting the rows themselves;
//! - each worker's tag tables are filled from that worker's rows together,
//!   sized once and appended in registration order.
//!
//! The result is the table that filing the rows one by one in registration
//! order would build.

use crate::engine::index::{OriginIdx, RegId, kind_index};
use crate::engine::table::{Periodic, Phase, Registration, RegistrationTable, Worker};
use crate::error::SyncError;
use crate::ids::{Origin, SwRegId};
use crate::record::{StoredPhase, StoredRegistration};
use hashbrown::HashMap;
use sync_policy::{Engagement, SyncKind};

impl RegistrationTable {
    /// Adds every stored row to an empty table and returns their ids in
    /// registration order. Workers named by the rows are created, active.
    /// Refuses a snapshot with a repeated key or order number, an order of
    /// `u64::MAX`, periodic fields on a one-off row (or none on a periodic
    /// one), or a worker stored under two origins.
    pub(crate) fn restore_rows(
        &mut self,
        mut rows: Vec<StoredRegistration>,
        default_engagement: Engagement,
    ) -> Result<Vec<RegId>, SyncError> {
        check_rows(&rows)?;
        let by_seq = registration_order(&rows)?;
        // Each row's origin and worker (the worker created on its first row,
        // numbered densely). Rows of one worker are usually adjacent, so each
        // run looks its worker up once.
        // Tag hashes too, here: in the snapshot's order the tags sit in memory
        // in the order they were read, where registration order jumps about.
        let mut placed: Vec<(OriginIdx, u32, u64)> = Vec::with_capacity(rows.len());
        let mut dense: HashMap<SwRegId, u32> = HashMap::new();
        let mut last: Option<(SwRegId, Origin, OriginIdx, u32)> = None;
        // Each row's own origin handle is released here, where rows of one
        // origin follow each other, rather than in registration order, where
        // every release would touch another origin's counter.
        let interned = Origin::new("");
        for row in &mut rows {
            let here = match &last {
                Some((sw, origin, idx, w)) if *sw == row.key.sw && *origin == row.origin => (*idx, *w),
                _ => {
                    let idx = self.restore_worker(row, default_engagement)?;
                    let next = dense.len() as u32;
                    let w = *dense.entry(row.key.sw).or_insert(next);
                    last = Some((row.key.sw, row.origin.clone(), idx, w));
                    (idx, w)
                }
            };
            placed.push((here.0, here.1, self.tag_hash(&row.key.tag)));
            drop(std::mem::replace(&mut row.origin, interned.clone()));
        }
        // The slab, in registration order, with what the tag tables need.
        self.slab.reserve(rows.len());
        let mut filed: Vec<Filed> = Vec::with_capacity(rows.len());
        let mut rows: Vec<Option<StoredRegistration>> = rows.into_iter().map(Some).collect();
        for &(seq, at) in &by_seq {
            let at = at as usize;
            let Some(row) = rows[at].take() else { continue };
            let (origin, worker, hash) = placed[at];
            let periodic = row.periodic.map(|p| Periodic { min_interval: p.min_interval, anchor: p.anchor });
            let (kind, due, bytes) = (row.key.kind, row.due, row.key.tag.len());
            let mut reg = Registration::new(row.key.sw, kind, row.key.tag, origin, seq, row.max_attempts.max(1));
            reg.phase = match row.phase {
                StoredPhase::Pending => Phase::Pending,
                StoredPhase::Waiting => Phase::Waiting,
            };
            reg.attempts = row.attempts;
            reg.due = due;
            let id = self.slab.insert(reg);
            if let Some(p) = periodic {
                self.periodic.insert(id, p);
            }
            filed.push(Filed { worker, id, hash, kind: kind_index(kind) });
            let state = self.origins.get_mut(origin);
            if kind == SyncKind::Periodic {
                state.periodic_due.insert((due, id));
            }
            state.registrations += 1;
            state.tag_bytes += bytes;
        }
        if let Some(&(seq, _)) = by_seq.last() {
            self.next_seq = self.next_seq.max(seq.saturating_add(1));
        }
        let mut workers = vec![SwRegId(0); dense.len()];
        for (sw, w) in dense {
            workers[w as usize] = sw;
        }
        self.file_in_workers(&filed, &workers);
        Ok(filed.into_iter().map(|f| f.id).collect())
    }

    /// The origin of a stored row's worker, creating the worker (active) on
    /// its first row; refuses a worker stored under two origins.
    fn restore_worker(
        &mut self,
        row: &StoredRegistration,
        default_engagement: Engagement,
    ) -> Result<OriginIdx, SyncError> {
        let origin = self.intern(row.origin.as_str(), default_engagement);
        let sw = row.key.sw;
        match self.workers.get(&sw) {
            Some(w) if w.origin != origin => Err(SyncError::BadSnapshot(format!("{sw:?} stored under two origins"))),
            Some(_) => Ok(origin),
            None => {
                self.workers.insert(sw, Worker::new(origin, true));
                self.origins.get_mut(origin).workers.push(sw);
                Ok(origin)
            }
        }
    }

    /// Files restored registrations (`filed`, in registration order) in their
    /// workers' tag tables, one worker at a time: grouped by a counting sort
    /// on the dense worker number (stable, so each worker's rows stay in
    /// registration order and append), each table sized once.
    fn file_in_workers(&mut self, filed: &[Filed], workers: &[SwRegId]) {
        let mut start = vec![0usize; workers.len() + 1];
        for f in filed {
            start[f.worker as usize + 1] += 1;
        }
        for w in 0..workers.len() {
            start[w + 1] += start[w];
        }
        let mut next = start.clone();
        let mut grouped: Vec<u32> = vec![0; filed.len()];
        for (i, f) in filed.iter().enumerate() {
            let at = &mut next[f.worker as usize];
            grouped[*at] = i as u32;
            *at += 1;
        }
        let (slab, hasher) = (&self.slab, &self.hasher);
        for (w, sw) in workers.iter().enumerate() {
            let Some(worker) = self.workers.get_mut(sw) else { continue };
            let run = &grouped[start[w]..start[w + 1]];
            let mut counts = [0usize; 2];
            for &i in run {
                counts[filed[i as usize].kind] += 1;
            }
            for (list, count) in worker.lists.iter_mut().zip(counts) {
                list.reserve(count, |id| Self::tag_hash_of(slab, hasher, id));
            }
            for &i in run {
                let f = &filed[i as usize];
                worker.lists[f.kind].insert(f.id, f.hash, |id| Self::tag_hash_of(slab, hasher, id));
            }
        }
    }
}

/// What filing one restored registration in its worker's tag table needs.
struct Filed {
    /// Dense worker number (order of first appearance in the snapshot).
    worker: u32,
    id: RegId,
    hash: u64,
    /// [`kind_index`] of its kind.
    kind: usize,
}

/// The per-row checks that need no other row.
fn check_rows(rows: &[StoredRegistration]) -> Result<(), SyncError> {
    for row in rows {
        // Order numbers are handed out upwards: a stored u64::MAX would leave
        // none to hand out after it (only a damaged store holds one).
        if row.seq == u64::MAX {
            return Err(SyncError::BadSnapshot(format!("registration order {} leaves no order to allocate", row.seq)));
        }
        if row.periodic.is_some() != (row.key.kind == SyncKind::Periodic) {
            return Err(SyncError::BadSnapshot("periodic fields on a one-off registration or missing".into()));
        }
    }
    // Keys: strictly increasing (as a store loads them) proves them unique;
    // otherwise sort references once and compare neighbours.
    if !rows.windows(2).all(|w| w[0].key < w[1].key) {
        let mut keys: Vec<_> = rows.iter().map(|r| &r.key).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(SyncError::BadSnapshot("duplicate registration key".into()));
        }
    }
    Ok(())
}

/// `(order, row index)` of every row, in registration order; refuses a repeated order.
fn registration_order(rows: &[StoredRegistration]) -> Result<Vec<(u64, u32)>, SyncError> {
    // The slab indexes rows with u32; a snapshot never comes near that.
    let mut by_seq: Vec<(u64, u32)> = rows.iter().zip(0u32..).map(|(r, i)| (r.seq, i)).collect();
    if !by_seq.is_sorted() {
        by_seq.sort_unstable();
    }
    if let Some(w) = by_seq.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(SyncError::BadSnapshot(format!("duplicate registration order {}", w[0].0)));
    }
    Ok(by_seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RegistrationKey;
    use sync_policy::Timestamp;

    fn row(sw: u64, origin: &str, tag: &str, seq: u64) -> StoredRegistration {
        StoredRegistration {
            key: RegistrationKey::new(SwRegId(sw), SyncKind::OneOff, tag),
            origin: Origin::new(origin),
            phase: StoredPhase::Pending,
            attempts: 0,
            max_attempts: 3,
            due: Timestamp(0),
            seq,
            periodic: None,
        }
    }

    fn restore(rows: Vec<StoredRegistration>) -> Result<(RegistrationTable, Vec<RegId>), SyncError> {
        let mut table = RegistrationTable::new();
        let ids = table.restore_rows(rows, Engagement::High)?;
        Ok((table, ids))
    }

    fn tags(table: &RegistrationTable, sw: u64) -> Vec<String> {
        assert!(table.worker(SwRegId(sw)).is_some());
        table
            .worker_registrations(SwRegId(sw), SyncKind::OneOff)
            .into_iter()
            .map(|id| table.get(id).unwrap().tag().to_string())
            .collect()
    }

    #[test]
    fn workers_list_their_tags_in_registration_order_whatever_the_snapshot_order() {
        // Key order (as a store loads) differs from registration order, and
        // two workers interleave; then the same rows shuffled.
        let rows = vec![
            row(1, "https://a.test", "a", 4),
            row(1, "https://a.test", "b", 1),
            row(1, "https://a.test", "c", 6),
            row(2, "https://b.test", "x", 2),
            row(2, "https://b.test", "y", 5),
            row(2, "https://b.test", "z", 3),
        ];
        for rows in [rows.clone(), rows.into_iter().rev().collect()] {
            let (table, ids) = restore(rows).unwrap();
            assert_eq!(tags(&table, 1), ["b", "a", "c"]);
            assert_eq!(tags(&table, 2), ["x", "z", "y"]);
            let seqs: Vec<u64> = ids.iter().map(|&id| table.get(id).unwrap().seq).collect();
            assert_eq!(seqs, [1, 2, 3, 4, 5, 6], "ids in registration order");
            assert_eq!(table.origin(table.lookup("https://a.test").unwrap()).registrations(), 3);
            assert_eq!(table.origin(table.lookup("https://b.test").unwrap()).tag_bytes(), 3);
            assert!(table.find(SwRegId(1), SyncKind::OneOff, "c").is_some());
            assert!(table.find(SwRegId(2), SyncKind::OneOff, "c").is_none());
            assert_eq!(table.next_seq, 7);
        }
    }

    #[test]
    fn repeated_keys_and_orders_and_a_worker_under_two_origins_are_refused() {
        let dup_key = vec![row(1, "https://a.test", "a", 1), row(1, "https://a.test", "a", 2)];
        let dup_key_unsorted =
            vec![row(1, "https://a.test", "a", 1), row(2, "https://b.test", "q", 3), row(1, "https://a.test", "a", 2)];
        for rows in [dup_key, dup_key_unsorted] {
            assert!(
                matches!(restore(rows), Err(SyncError::BadSnapshot(m)) if m.contains("duplicate registration key"))
            );
        }
        let dup_seq = vec![row(1, "https://a.test", "a", 7), row(1, "https://a.test", "b", 7)];
        assert!(matches!(restore(dup_seq), Err(SyncError::BadSnapshot(m)) if m.contains("order 7")));
        let two_origins = vec![row(1, "https://a.test", "a", 1), row(1, "https://b.test", "b", 2)];
        assert!(matches!(restore(two_origins), Err(SyncError::BadSnapshot(m)) if m.contains("two origins")));
        let max = vec![row(1, "https://a.test", "a", u64::MAX)];
        assert!(matches!(restore(max), Err(SyncError::BadSnapshot(_))));
    }
}
