//! Restoring a whole snapshot into an empty table at once.
//!
//! The slab is filled in registration order (equal-time tie-breaks follow
//! slab order), but a store hands rows over in key order (worker, kind,
//! tag), and the two orders differ: with registrations of many workers
//! interleaved, registration order jumps to another worker's rows at nearly
//! every step. Two passes keep each kind of work in the order that suits it:
//!
//! - each row's rank in registration order is found from the order numbers
//!   alone (gathered into their own array by the checking pass; a counting
//!   pass when they are dense, as they are unless most registrations were
//!   removed; a sort of `(order, row)` pairs otherwise), which also finds a
//!   repeated order number;
//! - duplicate keys are found by order, not by hashing: a store hands rows
//!   over in key order (then one comparison per row proves there are none),
//!   anything else is sorted once by key;
//! - pass 1 reads the rows front to back (key order): a worker's rows of one
//!   kind are adjacent, so each run looks its worker up once, sizes the
//!   worker's tag table once and appends to it while its rows are in cache;
//! - pass 2 goes by rank: each record is built from its row and written to
//!   the next slab slot, front to back. Writing each record to its scattered
//!   slot from pass 1 instead read a cold slot on every row (at 1e6, 82 % of
//!   the bulk restore's profile samples were on that read); reading rows out
//!   of order costs loads that do not depend on each other, so they overlap.
//!
//! Rows are borrowed, not taken apart: only the tag moves into the record.
//! Their origins are released together when the rows are dropped, instead of
//! one atomic decrement per row between the slab's stores.
//!
//! The result is the table that filing the rows one by one in registration
//! order would build.

use crate::engine::index::{OriginIdx, RegId, kind_index};
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
        mut rows: Vec<StoredRegistration>,
        default_engagement: Engagement,
    ) -> Result<Vec<RegId>, SyncError> {
        let (span, seqs) = check_rows(&rows)?;
        // `order`: the row at each rank; `slots`: the rank of each row.
        let order = registration_order(&seqs, span)?;
        drop(seqs);
        let n = rows.len();
        let mut slots = vec![0u32; n];
        for (&row, rank) in order.iter().zip(0u32..) {
            slots[row as usize] = rank;
        }
        if let Some((_, max)) = span {
            self.next_seq = self.next_seq.max(max.saturating_add(1));
        }
        let RegistrationTable { slab, origins, workers, periodic, hasher, .. } = self;
        let hasher = &*hasher;
        // A tag table that grows rehashes its members: their tags are read from the rows.
        let tag_hash = |id: RegId| hasher.hash_one(&*rows[order[id.0 as usize] as usize].key.tag);
        // Pass 1, in the rows' (key) order: workers, tag tables, origin counts
        // and periodic fields, which all follow the worker of the row.
        let mut origin_at = vec![OriginIdx(0); n];
        // The run of rows being filed: its worker, kind and origin, and the
        // worker's tag table for that kind.
        let mut run = None;
        for (at, row) in rows.iter().enumerate() {
            let key = &row.key;
            let same_run =
                matches!(&run, Some((sw, kind, o, _, _)) if *sw == key.sw && *kind == key.kind && *o == row.origin);
            if !same_run {
                let idx = origins.intern(row.origin.as_str(), default_engagement);
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
                let ahead = rows[at + 1..].iter().take_while(|r| r.key.sw == key.sw && r.key.kind == key.kind).count();
                let list = &mut worker.lists[kind_index(key.kind)];
                list.reserve(ahead + 1, tag_hash);
                run = Some((key.sw, key.kind, row.origin.clone(), idx, list));
            }
            let Some((_, _, _, idx, list)) = &mut run else { continue };
            let id = RegId(slots[at]);
            list.insert(id, hasher.hash_one(&*key.tag), tag_hash);
            origin_at[id.0 as usize] = *idx;
            let state = origins.get_mut(*idx);
            if let Some(p) = row.periodic {
                periodic.insert(id, Periodic { min_interval: p.min_interval, anchor: p.anchor });
                state.periodic_due.insert((row.due, id));
            }
            state.registrations += 1;
            state.tag_bytes += key.tag.len();
        }
        drop(run);
        // Pass 2, in registration order: each record is built from its row and
        // written to the next slot. The slab is written front to back (a record
        // written to a scattered slot missed the cache on every row; reading the
        // rows out of order instead costs loads that can overlap).
        slab.open_slots(n);
        for (&row, rank) in order.iter().zip(0u32..) {
            let Some(row) = rows.get_mut(row as usize) else { continue };
            let tag = std::mem::take(&mut row.key.tag);
            let origin = origin_at[rank as usize];
            let mut reg = Registration::new(row.key.sw, row.key.kind, tag, origin, row.seq, row.max_attempts.max(1));
            reg.phase = match row.phase {
                StoredPhase::Pending => Phase::Pending,
                StoredPhase::Waiting => Phase::Waiting,
            };
            reg.attempts = row.attempts;
            reg.due = row.due;
            if !slab.fill(RegId(rank), reg) {
                return Err(SyncError::BadSnapshot(format!("registration slot {rank} filled twice")));
            }
        }
        debug_assert_eq!(slab.len(), n, "every slot is filled");
        Ok((0..n as u32).map(RegId).collect())
    }
}

/// The smallest and largest order number of the rows (`None`: no rows).
type Span = Option<(u64, u64)>;

/// The per-row checks that need no other row; returns the smallest and
/// largest order number and every row's order number (gathered in the same
/// pass, so ranking them reads 8 bytes a row instead of the whole row again).
fn check_rows(rows: &[StoredRegistration]) -> Result<(Span, Vec<u64>), SyncError> {
    let mut span: Span = None;
    let mut seqs = Vec::with_capacity(rows.len());
    // Keys strictly increasing (as a store loads them) proves them unique.
    let mut increasing = true;
    let mut previous = None;
    for row in rows {
        increasing = increasing && previous.is_none_or(|p: &StoredRegistration| p.key < row.key);
        previous = Some(row);
        span = Some(span.map_or((row.seq, row.seq), |(min, max)| (min.min(row.seq), max.max(row.seq))));
        seqs.push(row.seq);
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
    Ok((span, seqs))
}

/// The rows in registration order (the row at each rank), from the rows'
/// order numbers `seqs`. Refuses a repeated order.
/// `span` is the smallest and largest order number (`None`: no rows).
fn registration_order(seqs: &[u64], span: Span) -> Result<Vec<u32>, SyncError> {
    // The slab indexes rows with u32; a snapshot never comes near that.
    let repeated = |seq: u64| SyncError::BadSnapshot(format!("duplicate registration order {seq}"));
    let Some((min, max)) = span else {
        return Ok(Vec::new());
    };
    let span = max - min;
    if span < (seqs.len() as u64).saturating_mul(DENSE_SPAN) {
        // Counting: the row at each order number, then the rows in number order.
        let mut row_at = vec![u32::MAX; span as usize + 1];
        for (&seq, i) in seqs.iter().zip(0u32..) {
            let cell = &mut row_at[(seq - min) as usize];
            if *cell != u32::MAX {
                return Err(repeated(seq));
            }
            *cell = i;
        }
        row_at.retain(|&i| i != u32::MAX);
        Ok(row_at)
    } else {
        let mut by_seq: Vec<(u64, u32)> = seqs.iter().zip(0u32..).map(|(&seq, i)| (seq, i)).collect();
        by_seq.sort_unstable();
        if let Some(w) = by_seq.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(repeated(w[0].0));
        }
        Ok(by_seq.into_iter().map(|(_, i)| i).collect())
    }
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
