//! [`TagList`]: a worker's registrations of one kind, by tag.
//!
//! Each worker holds its own lookup table, so finding or adding a tag costs
//! the same whether the engine holds a thousand registrations or a million:
//! the tables touched are the worker's own, not one shared by every origin.
//!
//! The table holds only slab indices (4 bytes and a control byte each); the
//! tag and the registration order number live once, in the registration.
//! Registration order is recovered by sorting on the order number when a
//! caller lists the registrations (getTags, a worker's removal), which read
//! every registration anyway: find, insert and remove stay O(1).

use crate::engine::index::RegId;
use hashbrown::HashTable;

/// The slab indices of a worker's registrations of one kind, hashed by tag.
#[derive(Debug, Default)]
pub(crate) struct TagList {
    by_tag: HashTable<RegId>,
}

impl TagList {
    /// The registration whose tag hashes to `hash` and for which `is_tag` holds.
    pub(crate) fn find(&self, hash: u64, is_tag: impl Fn(RegId) -> bool) -> Option<RegId> {
        self.by_tag.find(hash, |&id| is_tag(id)).copied()
    }

    /// Adds a registration whose tag hashes to `hash` (not already present).
    /// `hash_of` gives the tag hash of a present registration, for when the table grows.
    pub(crate) fn insert(&mut self, id: RegId, hash: u64, hash_of: impl Fn(RegId) -> u64) {
        self.by_tag.insert_unique(hash, id, |&other| hash_of(other));
    }

    /// Makes room for `additional` more registrations, so adding them does not
    /// grow (and rehash) the table one doubling at a time.
    pub(crate) fn reserve(&mut self, additional: usize, hash_of: impl Fn(RegId) -> u64) {
        self.by_tag.reserve(additional, |&other| hash_of(other));
    }

    /// Removes registration `id`, whose tag hashes to `hash`, if present.
    pub(crate) fn remove(&mut self, id: RegId, hash: u64) {
        if let Ok(entry) = self.by_tag.find_entry(hash, |&other| other == id) {
            entry.remove();
        }
    }

    /// The registrations in registration order: `seq_of` gives each one's
    /// order number (numbers are unique). O(k log k) for k registrations.
    pub(crate) fn ordered(&self, seq_of: impl Fn(RegId) -> u64) -> Vec<RegId> {
        let mut keyed: Vec<(u64, RegId)> = self.by_tag.iter().map(|&id| (seq_of(id), id)).collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, id)| id).collect()
    }

    /// Number of registrations.
    pub(crate) fn len(&self) -> usize {
        self.by_tag.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in tag hash: distinct registrations may collide, as real ones can.
    fn hash(id: RegId) -> u64 {
        u64::from(id.0 % 7)
    }

    fn insert(l: &mut TagList, id: u32) {
        l.insert(RegId(id), hash(RegId(id)), hash);
    }

    /// A stand-in order number that does not follow the slab index.
    fn seq(id: RegId) -> u64 {
        u64::from(1000 - id.0)
    }

    #[test]
    fn lists_in_order_through_removals() {
        let mut l = TagList::default();
        for i in 0..100u32 {
            insert(&mut l, i);
        }
        for i in 0..90u32 {
            l.remove(RegId(i), hash(RegId(i)));
        }
        assert_eq!(l.len(), 10);
        assert_eq!(l.ordered(seq).iter().map(|r| r.0).collect::<Vec<_>>(), (90..100).rev().collect::<Vec<_>>());
        insert(&mut l, 500);
        assert_eq!(l.ordered(seq).first(), Some(&RegId(500)), "listed by order number, not by slab index");
        l.remove(RegId(999), hash(RegId(999)));
        assert_eq!(l.len(), 11);
    }

    #[test]
    fn finds_by_tag_among_colliding_hashes() {
        let mut l = TagList::default();
        for i in 0..50u32 {
            insert(&mut l, i);
        }
        for i in 0..50u32 {
            assert_eq!(l.find(hash(RegId(i)), |id| id == RegId(i)), Some(RegId(i)));
        }
        l.remove(RegId(20), hash(RegId(20)));
        assert_eq!(l.find(hash(RegId(20)), |id| id == RegId(20)), None, "removed from the lookup too");
        assert_eq!(l.find(hash(RegId(27)), |id| id == RegId(27)), Some(RegId(27)), "its hash neighbours stay");
        assert_eq!(l.find(hash(RegId(60)), |id| id == RegId(60)), None);
    }
}
