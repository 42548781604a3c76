//! [`TagList`]: a worker's registrations of one kind, in registration order
//! and by tag.
//!
//! Each worker holds its own lookup table, so finding or adding a tag costs
//! the same whether the engine holds a thousand registrations or a million:
//! the tables touched are the worker's own, not one shared by every origin.
//!
//! Registration order numbers only grow, so new entries append; removal
//! finds the entry by binary search and leaves a tombstone, and the list is
//! compacted when tombstones outnumber live entries. Insert and remove are
//! O(log n) at worst, O(1) amortized for the common append.

use crate::engine::index::RegId;
use hashbrown::HashTable;

/// Entries `(registration order, slab index)`, sorted by order (`None` is a
/// tombstone), and the slab indices again, hashed by tag.
#[derive(Debug, Default)]
pub(crate) struct TagList {
    entries: Vec<(u64, Option<RegId>)>,
    by_tag: HashTable<RegId>,
    live: usize,
}

impl TagList {
    /// The registration whose tag hashes to `hash` and for which `is_tag` holds.
    pub(crate) fn find(&self, hash: u64, is_tag: impl Fn(RegId) -> bool) -> Option<RegId> {
        self.by_tag.find(hash, |&id| is_tag(id)).copied()
    }

    /// Adds a registration whose tag hashes to `hash` (not already present);
    /// `seq` is normally larger than every present one. `hash_of` gives the
    /// tag hash of a present registration, for when the table grows.
    pub(crate) fn insert(&mut self, seq: u64, id: RegId, hash: u64, hash_of: impl Fn(RegId) -> u64) {
        self.by_tag.insert_unique(hash, id, |&other| hash_of(other));
        match self.entries.last() {
            Some(&(last, _)) if last >= seq => {
                let at = self.entries.partition_point(|&(s, _)| s < seq);
                if self.entries.get(at).is_some_and(|&(s, _)| s == seq) {
                    if self.entries[at].1.is_none() {
                        self.live += 1;
                    }
                    self.entries[at].1 = Some(id);
                    return;
                }
                self.entries.insert(at, (seq, Some(id)));
            }
            _ => self.entries.push((seq, Some(id))),
        }
        self.live += 1;
    }

    /// Makes room for `additional` more registrations, so adding them does not
    /// grow (and rehash) the table one doubling at a time.
    pub(crate) fn reserve(&mut self, additional: usize, hash_of: impl Fn(RegId) -> u64) {
        self.entries.reserve(additional);
        self.by_tag.reserve(additional, |&other| hash_of(other));
    }

    /// Removes registration `id`, with order `seq` and tag hash `hash`, if present.
    pub(crate) fn remove(&mut self, seq: u64, id: RegId, hash: u64) {
        if let Ok(entry) = self.by_tag.find_entry(hash, |&other| other == id) {
            entry.remove();
        }
        let at = self.entries.partition_point(|&(s, _)| s < seq);
        if let Some(entry) = self.entries.get_mut(at)
            && entry.0 == seq
            && entry.1.take().is_some()
        {
            self.live -= 1;
        }
        if self.entries.len() > 32 && self.entries.len() > 2 * self.live {
            self.entries.retain(|e| e.1.is_some());
        }
    }

    /// The live registrations in registration order.
    pub(crate) fn values(&self) -> impl Iterator<Item = RegId> + '_ {
        self.entries.iter().filter_map(|e| e.1)
    }

    /// Number of live registrations.
    pub(crate) fn len(&self) -> usize {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in tag hash: distinct registrations may collide, as real ones can.
    fn hash(id: RegId) -> u64 {
        u64::from(id.0 % 7)
    }

    fn insert(l: &mut TagList, seq: u64, id: u32) {
        l.insert(seq, RegId(id), hash(RegId(id)), hash);
    }

    #[test]
    fn keeps_order_through_removals_and_compaction() {
        let mut l = TagList::default();
        for i in 0..100u32 {
            insert(&mut l, u64::from(i) * 2, i);
        }
        for i in 0..90u32 {
            l.remove(u64::from(i) * 2, RegId(i), hash(RegId(i)));
        }
        assert_eq!(l.len(), 10);
        assert_eq!(l.values().map(|r| r.0).collect::<Vec<_>>(), (90..100).collect::<Vec<_>>());
        insert(&mut l, 7, 500);
        assert_eq!(l.values().next(), Some(RegId(500)), "out-of-order insert lands in order");
        l.remove(999, RegId(999), hash(RegId(999)));
        assert_eq!(l.len(), 11);
    }

    #[test]
    fn finds_by_tag_among_colliding_hashes() {
        let mut l = TagList::default();
        for i in 0..50u32 {
            insert(&mut l, u64::from(i), i);
        }
        for i in 0..50u32 {
            assert_eq!(l.find(hash(RegId(i)), |id| id == RegId(i)), Some(RegId(i)));
        }
        l.remove(20, RegId(20), hash(RegId(20)));
        assert_eq!(l.find(hash(RegId(20)), |id| id == RegId(20)), None, "removed from the lookup too");
        assert_eq!(l.find(hash(RegId(27)), |id| id == RegId(27)), Some(RegId(27)), "its hash neighbours stay");
        assert_eq!(l.find(hash(RegId(60)), |id| id == RegId(60)), None);
    }
}
