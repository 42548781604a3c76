//! [`ReleasedQueue`]: an origin's released blocked sets, waiting for its turn.
//!
//! A flip (the device going online) hands each origin one released set, and
//! the first dispatch waits for the first chunk of origins to take theirs. The
//! first set therefore lives inline in the origin's queue: taking it writes
//! only to the queue's own cache lines, instead of to a separate heap buffer
//! per origin (a cache miss, and at 1e6 registrations a TLB miss, for each
//! origin admitted before the first dispatch). Further sets, rarer (a second
//! condition released before the origin's turn came), queue behind it.

use crate::engine::index::RegId;
use std::collections::VecDeque;

/// A released blocked set waiting for its origin's turn.
#[derive(Debug)]
pub(super) struct Released {
    /// Entries with the ticket they were blocked under.
    pub(super) entries: Vec<(RegId, u32)>,
    /// The next entry to re-place.
    pub(super) next: usize,
    /// Whether the entries are in dispatch order yet (sorted on first use, so a
    /// release costs nothing before the origin's turn comes).
    pub(super) ordered: bool,
}

/// Released sets in release order: the oldest inline, the rest behind it.
#[derive(Debug, Default)]
pub(super) struct ReleasedQueue {
    /// The oldest set (`None` only when the queue is empty).
    front: Option<Released>,
    /// The sets released after it.
    rest: VecDeque<Released>,
}

impl ReleasedQueue {
    pub(super) fn is_empty(&self) -> bool {
        self.front.is_none()
    }

    pub(super) fn push_back(&mut self, set: Released) {
        if self.front.is_none() {
            self.front = Some(set);
        } else {
            self.rest.push_back(set);
        }
    }

    pub(super) fn front_mut(&mut self) -> Option<&mut Released> {
        self.front.as_mut()
    }

    /// Drops the oldest set; the next one (if any) moves up.
    pub(super) fn pop_front(&mut self) {
        self.front = self.rest.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(id: u32) -> Released {
        Released { entries: vec![(RegId(id), 0)], next: 0, ordered: false }
    }

    #[test]
    fn sets_come_out_in_release_order() {
        let mut queue = ReleasedQueue::default();
        assert!(queue.is_empty());
        for id in 1..=3 {
            queue.push_back(set(id));
        }
        let mut order = Vec::new();
        while let Some(front) = queue.front_mut() {
            order.push(front.entries[0].0);
            queue.pop_front();
        }
        assert_eq!(order, vec![RegId(1), RegId(2), RegId(3)]);
        assert!(queue.is_empty());
        queue.push_back(set(4));
        assert_eq!(queue.front_mut().map(|s| s.entries[0].0), Some(RegId(4)), "the inline slot is reused");
    }
}
