//! [`TagList`]: a worker's registrations of one kind in registration order.
//!
//! Registration order numbers only grow, so new entries append; removal
//! finds the entry by binary search and leaves a tombstone, and the list is
//! compacted when tombstones outnumber live entries. Insert and remove are
//! O(log n) at worst, O(1) amortized for the common append.

use super::registry::RegId;

/// Entries `(registration order, slab index)`, sorted by order; `None` is a tombstone.
#[derive(Debug, Default)]
pub(crate) struct TagList {
    entries: Vec<(u64, Option<RegId>)>,
    live: usize,
}

impl TagList {
    /// Adds a registration; `seq` is normally larger than every present one.
    pub(crate) fn insert(&mut self, seq: u64, id: RegId) {
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

    /// Removes the registration with order `seq`, if present.
    pub(crate) fn remove(&mut self, seq: u64) {
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

    #[test]
    fn keeps_order_through_removals_and_compaction() {
        let mut l = TagList::default();
        for i in 0..100u32 {
            l.insert(u64::from(i) * 2, RegId(i));
        }
        for i in 0..90u32 {
            l.remove(u64::from(i) * 2);
        }
        assert_eq!(l.len(), 10);
        assert_eq!(l.values().map(|r| r.0).collect::<Vec<_>>(), (90..100).collect::<Vec<_>>());
        l.insert(7, RegId(500));
        assert_eq!(l.values().next(), Some(RegId(500)), "out-of-order insert lands in order");
        l.remove(999);
        assert_eq!(l.len(), 11);
    }
}
