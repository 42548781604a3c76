//! Restoring a whole snapshot into an empty table at once.
//!
//! The slab is filled in registration order (equal-time tie-breaks follow
//! slab order), but a store hands rows over in key order (worker, kind,
//! tag), and the two orders differ: with registrations of many workers
//! interleaved, registration order jumps to another worker's rows at nearly
//! every step. Reading the snapshot in registration order therefore missed
//! the cache on almost every row. Here the snapshot is read once, front to
//! back, and each record is written straight into its slab slot:
//!
//! - each row's slot is its rank in registration order, found from the order
//!   numbers alone (a counting pass when they are dense, as they are unless
//!   most registrations were removed; a sort of `(order, row)` pairs
//!   otherwise), which also finds a repeated order number;
//! - duplicate keys are found by order, not by hashing: a store hands rows
//!   over in key order (then one comparison per row proves there are none),
//!   anything else is sorted once by key;
//! - a worker's rows of one kind are adjacent in key order, so each run
//!   looks its worker up once, sizes the worker's tag table once and appends
//!   to it while its rows are in cache.
//!
//! The result is the table that filing the rows one by one in registration
//! order would build.

use crate::engine::index::{RegId, kind_index};
use crate::engine::table::{Periodic, Phase, Registration, RegistrationTable, Worker};
use crate::error::SyncError;
use crate::record::{StoredPhase, StoredRegistration};
use hashbrown::hash_map::Entry;
use std::hash::BuildHasher;
use sync_policy::{Engagement, SyncKind};

/// Order numbers spanning at most this many times the row count are ranked
/// by a counting pass (one `u32` per number in the span); wider spans are sorted.
const DENSE_SPAN: u64 = 4;

impl RegistrationTable {
    /// Adds every stored row to an empty table and returns their ids in
    /// registration order. Workers named by the rows are created, active.
    /// Refuses a snapshot with a repeated key or order number, an order of
    /// `u64::MAX`, periodic fields on a one-off row (or none on a periodic
    /// one), or a worker stored under two origins; after a refusal the table
    /// is only fit to be dropped.
    pub(crate) fn restore_rows(
        &mut self,
        rows: Vec<StoredRegistration>,
        default_engagement: Engagement,
    ) -> Result<Vec<RegId>, SyncError> {
        let span = check_rows(&rows)?;
        let slots = registration_slots(&rows, span)?;
        let n = rows.len();
        if let Some((_, max)) = span {
            self.next_seq = self.next_seq.max(max.saturating_add(1));
        }
        let RegistrationTable { slab, origins, workers, periodic, hasher, .. } = self;
        let hasher = &*hasher;
        slab.open_slots(n);
        // The run of rows being filed: its worker, kind and origin, and the
        // worker's tag table for that kind.
        let mut run = None;
        let mut rows = rows.into_iter();
        let mut at = 0;
        while let Some(row) = rows.next() {
            let StoredRegistration { key, origin, phase, attempts, max_attempts, due, seq, periodic: fields } = row;
            let same_run =
                matches!(&run, Some((sw, kind, o, _, _)) if *sw == key.sw && *kind == key.kind && *o == origin);
            if !same_run {
                let idx = origins.intern(origin.as_str(), default_engagement);
                let worker = match workers.entry(key.sw) {
                    Entry::Occupied(e) if e.get().origin != idx => {
                        return Err(SyncError::BadSnapshot(format!("{:?} stored under two origins", key.sw)));
                    }
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => {
                        origins.get_mut(idx).workers.push(key.sw);
                        e.insert(Worker::new(idx, true))
                    }
                };
                // The run's length, read ahead in the rows about to be filed.
                let ahead = rows.as_slice().iter().take_while(|r| r.key.sw == key.sw && r.key.kind == key.kind).count();
                let list = &mut worker.lists[kind_index(key.kind)];
                list.reserve(ahead + 1, |id| Self::tag_hash_of(slab, hasher, id));
                run = Some((key.sw, key.kind, origin.clone(), idx, list));
            }
            drop(origin);
            let Some((_, _, _, idx, list)) = &mut run else { continue };
            let id = RegId(slots[at]);
            at += 1;
            let (kind, bytes, hash) = (key.kind, key.tag.len(), hasher.hash_one(&*key.tag));
            let mut reg = Registration::new(key.sw, kind, key.tag, *idx, seq, max_attempts.max(1));
            reg.phase = match phase {
                StoredPhase::Pending => Phase::Pending,
                StoredPhase::Waiting => Phase::Waiting,
            };
            reg.attempts = attempts;
            reg.due = due;
            if !slab.fill(id, reg) {
                return Err(SyncError::BadSnapshot(format!("registration slot {} filled twice", id.0)));
            }
            list.insert(id, hash, |id| Self::tag_hash_of(slab, hasher, id));
            let state = origins.get_mut(*idx);
            if let Some(p) = fields {
                periodic.insert(id, Periodic { min_interval: p.min_interval, anchor: p.anchor });
                state.periodic_due.insert((due, id));
            }
            state.registrations += 1;
            state.tag_bytes += bytes;
        }
        debug_assert_eq!(slab.len(), n, "every slot is filled");
        Ok((0..n as u32).map(RegId).collect())
    }
}

/// The per-row checks that need no other row; returns the smallest and
/// largest order number (in the same pass over the rows).
fn check_rows(rows: &[StoredRegistration]) -> Result<Option<(u64, u64)>, SyncError> {
    let mut span: Option<(u64, u64)> = None;
    // Keys strictly increasing (as a store loads them) proves them unique.
    let mut increasing = true;
    let mut previous = None;
    for row in rows {
        increasing = increasing && previous.is_none_or(|p: &StoredRegistration| p.key < row.key);
        previous = Some(row);
        span = Some(span.map_or((row.seq, row.seq), |(min, max)| (min.min(row.seq), max.max(row.seq))));
        // Order numbers are handed out upwards: a stored u64::MAX would leave
        // none to hand out after it (only a damaged store holds one).
        if row.seq == u64::MAX {
            return Err(SyncError::BadSnapshot(format!("registration order {} leaves no order to allocate", row.seq)));
        }
        if row.periodic.is_some() != (row.key.kind == SyncKind::Periodic) {
            return Err(SyncError::BadSnapshot("periodic fields on a one-off registration or missing".into()));
        }
    }
    // Otherwise sort references to the keys once and compare neighbours.
    if !increasing {
        let mut keys: Vec<_> = rows.iter().map(|r| &r.key).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(SyncError::BadSnapshot("duplicate registration key".into()));
        }
    }
    Ok(span)
}

/// Each row's slab slot: its rank in registration order. Refuses a repeated order.
/// `span` is the smallest and largest order number (`None`: no rows).
fn registration_slots(rows: &[StoredRegistration], span: Option<(u64, u64)>) -> Result<Vec<u32>, SyncError> {
    // The slab indexes rows with u32; a snapshot never comes near that.
    let repeated = |seq: u64| SyncError::BadSnapshot(format!("duplicate registration order {seq}"));
    let Some((min, max)) = span else {
        return Ok(Vec::new());
    };
    let mut slots = vec![0u32; rows.len()];
    let span = max - min;
    if span < (rows.len() as u64).saturating_mul(DENSE_SPAN) {
        // Counting: the row at each order number, then ranks in number order.
        let mut row_at = vec![u32::MAX; span as usize + 1];
        for (r, i) in rows.iter().zip(0u32..) {
            let cell = &mut row_at[(r.seq - min) as usize];
            if *cell != u32::MAX {
                return Err(repeated(r.seq));
            }
            *cell = i;
        }
        for (i, rank) in row_at.into_iter().filter(|&i| i != u32::MAX).zip(0u32..) {
            slots[i as usize] = rank;
        }
    } else {
        let mut by_seq: Vec<(u64, u32)> = rows.iter().zip(0u32..).map(|(r, i)| (r.seq, i)).collect();
        by_seq.sort_unstable();
        if let Some(w) = by_seq.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(repeated(w[0].0));
        }
        for (&(_, i), rank) in by_seq.iter().zip(0u32..) {
            slots[i as usize] = rank;
        }
    }
    Ok(slots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SwRegId;
    fn row(sw: u64, origin: &str, tag: &str, seq: u64) -> StoredRegistration {
        StoredRegistration::pending_one_off(sw, origin, tag, seq)
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
    fn sparse_order_numbers_keep_registration_order() {
        // Numbers far apart (most registrations removed) take the sorting path.
        let rows = vec![
            row(1, "https://a.test", "a", 1 << 50),
            row(1, "https://a.test", "b", 3),
            row(2, "https://b.test", "x", u64::MAX - 1),
            row(2, "https://b.test", "y", 1 << 20),
        ];
        let (table, ids) = restore(rows).unwrap();
        let seqs: Vec<u64> = ids.iter().map(|&id| table.get(id).unwrap().seq).collect();
        assert_eq!(seqs, [3, 1 << 20, 1 << 50, u64::MAX - 1]);
        assert_eq!(tags(&table, 1), ["b", "a"]);
        assert_eq!(tags(&table, 2), ["y", "x"]);
        assert!(!table.orders_left(), "the next order after u64::MAX - 1 is the last");
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
        let sparse_dup = vec![row(1, "https://a.test", "a", 1 << 40), row(1, "https://a.test", "b", 1 << 40)];
        assert!(matches!(restore(sparse_dup), Err(SyncError::BadSnapshot(m)) if m.contains("order 1099511627776")));
        let max = vec![row(1, "https://a.test", "a", u64::MAX)];
        assert!(matches!(restore(max), Err(SyncError::BadSnapshot(_))));
    }
}
