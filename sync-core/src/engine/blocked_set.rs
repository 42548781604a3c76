//! [`BlockedSet`]: the registrations one condition holds back, for one origin
//! (or one worker's offline emulation).
//!
//! Entries are invalidated lazily: a registration that moves elsewhere gets a
//! new ticket and its entry goes stale. The set counts its live entries and
//! compacts itself when stale ones outnumber them, so churn while a condition
//! holds (register, then unregister the worker, again and again) cannot grow
//! it without bound.

use super::registry::{RegId, Registry};

#[derive(Debug, Default)]
pub(crate) struct BlockedSet {
    entries: Vec<(RegId, u32)>,
    live: usize,
    /// Bumped by every release: registrations handed out by a release no
    /// longer count against the set.
    generation: u32,
}

impl BlockedSet {
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry; returns the generation the registration joins.
    pub(crate) fn push(&mut self, entry: (RegId, u32)) -> u32 {
        self.entries.push(entry);
        self.live += 1;
        self.generation
    }

    /// A registration that joined in `generation` left. `registry` tells which
    /// entries are still current (the leaver's ticket has already changed).
    pub(crate) fn left(&mut self, generation: u32, registry: &Registry) {
        if generation != self.generation {
            return;
        }
        self.live = self.live.saturating_sub(1);
        if self.entries.len() > 32 && self.entries.len() > 2 * self.live {
            self.entries.retain(|&(id, ticket)| registry.get(id).is_some_and(|r| r.ticket == ticket));
            self.live = self.entries.len();
        }
    }

    /// Empties the set, handing back its entries (some may be stale).
    pub(crate) fn take(&mut self) -> Vec<(RegId, u32)> {
        self.live = 0;
        self.generation = self.generation.wrapping_add(1);
        std::mem::take(&mut self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::origins::OriginIdx;
    use crate::engine::registry::{Phase, Place, Registration};
    use crate::ids::SwRegId;
    use std::sync::Arc;
    use sync_policy::{Millis, SyncKind, Timestamp};

    fn registry(n: u32) -> (Registry, Vec<RegId>) {
        let mut r = Registry::new();
        let ids = (0..n)
            .map(|i| {
                r.insert(Registration {
                    sw: SwRegId(1),
                    kind: SyncKind::OneOff,
                    tag: Arc::from(format!("t{i}")),
                    origin: OriginIdx(0),
                    phase: Phase::Pending,
                    attempts: 0,
                    max_attempts: 3,
                    due: Timestamp(0),
                    seq: u64::from(i),
                    min_interval: Millis::ZERO,
                    anchor: Timestamp(0),
                    bypass_gates: false,
                    place: Place::Idle,
                    ticket: 0,
                })
            })
            .collect();
        (r, ids)
    }

    #[test]
    fn churn_while_held_stays_bounded() {
        let (mut registry, ids) = registry(1000);
        let mut set = BlockedSet::default();
        for round in 0..50u32 {
            for &id in &ids {
                let ticket = registry.get(id).map_or(0, |r| r.ticket);
                let generation = set.push((id, ticket));
                // The registration moves on (unregistered, re-registered, ...).
                if let Some(r) = registry.get_mut(id) {
                    r.ticket = r.ticket.wrapping_add(1);
                }
                set.left(generation, &registry);
            }
            assert!(set.entries.len() <= 2 * set.live.max(16) + 1, "round {round}: {} entries", set.entries.len());
        }
        assert_eq!(set.live, 0);
    }

    #[test]
    fn leaving_after_a_release_does_not_count_against_the_next_generation() {
        let (registry, ids) = registry(100);
        let mut set = BlockedSet::default();
        let old = set.push((ids[0], 0));
        assert_eq!(set.take().len(), 1);
        for &id in &ids[1..] {
            set.push((id, 0));
        }
        set.left(old, &registry);
        assert_eq!(set.live, 99, "a registration released earlier does not lower the new count");
        assert_eq!(set.entries.len(), 99);
    }
}
