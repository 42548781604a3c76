//! [`BlockedSet`]: the registrations one condition holds back, for one origin
//! (or one worker's offline emulation).
//!
//! Entries are invalidated lazily: a registration that moves elsewhere gets a
//! new ticket and its entry goes stale. The set counts its live entries and
//! compacts itself when stale ones outnumber them, so churn while a condition
//! holds (register, then unregister the worker, again and again) cannot grow
//! it without bound.

use crate::engine::index::{OriginIdx, RegId};
use crate::ids::SwRegId;
use sync_policy::Blocker;

/// Which set holds a blocked registration. Every set belongs to one origin
/// (an array slot per condition in the origin's queues, or the worker's own set
/// for DevTools offline emulation), so releasing a condition hands each origin
/// its own list, and the dispatch rotation stays fair across origins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum BlockKey {
    /// A device-wide (offline, power, metered) or per-origin (engagement,
    /// permission) condition, in the origin's slot for it.
    Origin(OriginIdx, Blocker),
    /// DevTools offline emulation of one worker.
    Worker(SwRegId, OriginIdx),
}

impl BlockKey {
    pub(crate) fn origin(self) -> OriginIdx {
        match self {
            BlockKey::Worker(_, o) | BlockKey::Origin(o, _) => o,
        }
    }
}

/// Number of [`Blocker`] variants (the size of per-origin blocked-set arrays).
pub(crate) const BLOCKERS: usize = 8;

/// A dense index for a [`Blocker`].
pub(crate) fn blocker_index(b: Blocker) -> usize {
    match b {
        Blocker::Offline => 0,
        Blocker::WorkerOffline => 1,
        Blocker::Metered => 2,
        Blocker::BatterySaver => 3,
        Blocker::LowBattery => 4,
        Blocker::NotCharging => 5,
        Blocker::NoEngagement => 6,
        Blocker::PermissionDenied => 7,
    }
}

/// Whether a blocker is a device-wide condition (released for every origin at once).
pub(crate) fn is_device_wide(b: Blocker) -> bool {
    matches!(
        b,
        Blocker::Offline | Blocker::Metered | Blocker::BatterySaver | Blocker::LowBattery | Blocker::NotCharging
    )
}

#[derive(Debug, Default)]
pub(crate) struct BlockedSet {
    entries: Vec<(RegId, u32)>,
    /// Entries still current (a `u32`, so the set is 32 bytes: each origin's
    /// queue holds eight of them, see `benches/README.md`, "The flip at 1e6").
    live: u32,
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
        self.live = self.live.saturating_add(1);
        self.generation
    }

    /// A registration that joined in `generation` left. `is_current` tells which
    /// entries are still current (the leaver's ticket has already changed).
    pub(crate) fn left(&mut self, generation: u32, is_current: impl Fn(RegId, u32) -> bool) {
        if generation != self.generation {
            return;
        }
        self.live = self.live.saturating_sub(1);
        if self.entries.len() > 32 && self.entries.len() > 2 * self.live as usize {
            self.entries.retain(|&(id, ticket)| is_current(id, ticket));
            self.live = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
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

    /// The current ticket of each of `n` registrations.
    fn tickets(n: u32) -> (Vec<u32>, Vec<RegId>) {
        (vec![0; n as usize], (0..n).map(RegId).collect())
    }

    /// Each origin's queue holds [`BLOCKERS`] sets; the flip streams through the queues of the origins it admits.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_blocked_set_is_32_bytes() {
        assert_eq!(std::mem::size_of::<BlockedSet>(), 32);
    }

    #[test]
    fn churn_while_held_stays_bounded() {
        let (mut tickets, ids) = tickets(1000);
        let mut set = BlockedSet::default();
        for round in 0..50u32 {
            for &id in &ids {
                let generation = set.push((id, tickets[id.0 as usize]));
                // The registration moves on (unregistered, re-registered, ...).
                tickets[id.0 as usize] = tickets[id.0 as usize].wrapping_add(1);
                set.left(generation, |id, t| tickets[id.0 as usize] == t);
            }
            assert!(
                set.entries.len() <= 2 * set.live.max(16) as usize + 1,
                "round {round}: {} entries",
                set.entries.len()
            );
        }
        assert_eq!(set.live, 0);
    }

    #[test]
    fn leaving_after_a_release_does_not_count_against_the_next_generation() {
        let (tickets, ids) = tickets(100);
        let mut set = BlockedSet::default();
        let old = set.push((ids[0], 0));
        assert_eq!(set.take().len(), 1);
        for &id in &ids[1..] {
            set.push((id, 0));
        }
        set.left(old, |id, t| tickets[id.0 as usize] == t);
        assert_eq!(set.live, 99, "a registration released earlier does not lower the new count");
        assert_eq!(set.entries.len(), 99);
    }
}
