//! The order a released blocked set is re-placed in under a policy whose
//! `tag_order` is sorted: by service worker registration, then tag, the
//! order Chromium fires ready registrations in
//! (`content/browser/background_sync/background_sync_manager.cc`,
//! `FireReadyEventsImpl` over `active_registrations_`).
//!
//! Done once per released set, when its origin's turn first comes (so before
//! the first dispatch after the device goes online). The keys borrow each
//! registration's tag from the table instead of cloning it, and a set that
//! is already in order (the common case: a set blocked in the order a
//! previous release re-placed it) is left as it is without sorting.

use crate::engine::index::RegId;
use crate::engine::table::RegistrationTable;
use crate::ids::SwRegId;

/// A released entry with its dispatch-order key (`None` when its registration is gone).
type Keyed<'t> = (Option<(SwRegId, &'t str)>, (RegId, u32));

/// Puts `entries` in (worker, tag) order; entries of the same key (a worker's
/// one-off and periodic registrations of one tag) and entries whose
/// registration is gone (stale, skipped when reached) keep their relative
/// order, the gone ones first.
pub(super) fn order_by_worker_and_tag(table: &RegistrationTable, entries: &mut [(RegId, u32)]) {
    if entries.len() < 2 {
        return;
    }
    let mut keyed: Vec<Keyed<'_>> =
        entries.iter().map(|&entry| (table.get(entry.0).map(|r| (r.sw(), r.tag().as_str())), entry)).collect();
    if keyed.is_sorted_by(|a, b| a.0 <= b.0) {
        return;
    }
    // Stable, so equal keys keep their order.
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for (slot, (_, entry)) in entries.iter_mut().zip(keyed) {
        *slot = entry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::table::NewRegistration;
    use crate::ids::Tag;
    use sync_policy::{Engagement, Millis, SyncKind, Timestamp};

    /// A table with workers 0, 1 and 2 of one origin.
    fn table() -> RegistrationTable {
        let mut table = RegistrationTable::new();
        let origin = table.intern("https://a.example", Engagement::High);
        for sw in 0..3 {
            table.add_worker(SwRegId(sw), origin, true).expect("a new worker");
        }
        table
    }

    fn insert(table: &mut RegistrationTable, sw: u64, kind: SyncKind, tag: &str) -> RegId {
        table.insert(NewRegistration {
            sw: SwRegId(sw),
            kind,
            tag: Tag::new(tag),
            origin: table.lookup("https://a.example").expect("interned"),
            max_attempts: 3,
            min_interval: Millis::ZERO,
            anchor: Timestamp(0),
        })
    }

    #[test]
    fn orders_by_worker_then_tag_keeping_ties_and_putting_gone_entries_first() {
        let mut table = table();
        let b2 = insert(&mut table, 2, SyncKind::OneOff, "b");
        let a2 = insert(&mut table, 2, SyncKind::OneOff, "a");
        let periodic_b1 = insert(&mut table, 1, SyncKind::Periodic, "b");
        let one_off_b1 = insert(&mut table, 1, SyncKind::OneOff, "b");
        let gone = insert(&mut table, 0, SyncKind::OneOff, "z");
        table.remove(gone);
        let mut entries = vec![(b2, 0), (a2, 0), (periodic_b1, 0), (gone, 0), (one_off_b1, 0)];
        order_by_worker_and_tag(&table, &mut entries);
        assert_eq!(entries, vec![(gone, 0), (periodic_b1, 0), (one_off_b1, 0), (a2, 0), (b2, 0)]);
    }

    #[test]
    fn an_ordered_set_is_left_as_it_is() {
        let mut table = table();
        let ids: Vec<RegId> = ["a", "b", "c"].iter().map(|t| insert(&mut table, 1, SyncKind::OneOff, t)).collect();
        let mut entries: Vec<(RegId, u32)> = ids.iter().map(|&id| (id, 7)).collect();
        let before = entries.clone();
        order_by_worker_and_tag(&table, &mut entries);
        assert_eq!(entries, before);
    }
}
