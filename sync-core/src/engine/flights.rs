//! [`Flights`]: the events in flight, their deadlines, and a bounded memory
//! of the ones that timed out (to tell a late result from an unknown one).
//!
//! Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event> (step 5's
//! wait for the event's promise) and
//! <https://wicg.github.io/periodic-background-sync/#fire-a-periodicsync-event> (step 6).

use super::index::{OriginIdx, RegId};
use super::wakeup::{WakeReason, Wakeup};
use crate::error::SyncError;
use crate::ids::EventId;
use hashbrown::{HashMap, HashSet};
use std::collections::{BTreeSet, VecDeque};
use sync_policy::{SyncKind, Timestamp};

/// How many timed-out event ids are remembered to tell a late result from an unknown one.
const EXPIRED_MEMORY: usize = 4096;

/// An event in flight.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InFlight {
    pub(crate) reg: RegId,
    pub(crate) origin: OriginIdx,
    pub(crate) kind: SyncKind,
    pub(crate) deadline: Timestamp,
    pub(crate) last_chance: bool,
}

/// The events in flight, with per-origin and total counts for the policy's
/// concurrency limits.
#[derive(Debug)]
pub(crate) struct Flights {
    events: HashMap<EventId, InFlight>,
    deadlines: BTreeSet<(Timestamp, EventId)>,
    expired: HashSet<EventId>,
    expired_order: VecDeque<EventId>,
    /// Events in flight per origin, by [`OriginIdx`] (grown on first use).
    by_origin: Vec<u32>,
    /// The id the next event gets (ids start at 1 and are never reused).
    next_event: u64,
}

impl Default for Flights {
    fn default() -> Flights {
        Flights {
            events: HashMap::new(),
            deadlines: BTreeSet::new(),
            expired: HashSet::new(),
            expired_order: VecDeque::new(),
            by_origin: Vec::new(),
            next_event: 1,
        }
    }
}

impl Flights {
    /// Events in flight in total.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Events in flight for one origin.
    pub(crate) fn running_in(&self, origin: OriginIdx) -> u32 {
        self.by_origin.get(origin.0 as usize).copied().unwrap_or(0)
    }

    /// The deadline of an event in flight.
    pub(crate) fn deadline(&self, event: EventId) -> Option<Timestamp> {
        self.events.get(&event).map(|f| f.deadline)
    }

    /// Starts a new event; returns its id.
    pub(crate) fn start(&mut self, flight: InFlight) -> EventId {
        let event = EventId(self.next_event);
        self.next_event += 1;
        let i = flight.origin.0 as usize;
        if i >= self.by_origin.len() {
            self.by_origin.resize(i + 1, 0);
        }
        self.by_origin[i] += 1;
        self.deadlines.insert((flight.deadline, event));
        self.events.insert(event, flight);
        event
    }

    /// Ends an event whose outcome was reported; refuses one that already
    /// settled, timed out or never existed.
    pub(crate) fn finish(&mut self, event: EventId) -> Result<InFlight, SyncError> {
        let Some(flight) = self.events.remove(&event) else {
            if self.expired.remove(&event) {
                return Err(SyncError::EventExpired(event));
            }
            if event.0 > 0 && event.0 < self.next_event {
                return Err(SyncError::EventAlreadySettled(event));
            }
            return Err(SyncError::UnknownEvent(event));
        };
        self.deadlines.remove(&(flight.deadline, event));
        self.landed(flight.origin);
        Ok(flight)
    }

    /// Ends the soonest event whose deadline passed at `now`, remembering it as
    /// expired (a late result is then refused as such).
    pub(crate) fn expire_next(&mut self, now: Timestamp) -> Option<(EventId, InFlight)> {
        loop {
            let &(at, event) = self.deadlines.first()?;
            if at > now {
                return None;
            }
            self.deadlines.pop_first();
            let Some(flight) = self.events.remove(&event) else { continue };
            if self.expired.insert(event) {
                self.expired_order.push_back(event);
                if self.expired_order.len() > EXPIRED_MEMORY
                    && let Some(old) = self.expired_order.pop_front()
                {
                    self.expired.remove(&old);
                }
            }
            self.landed(flight.origin);
            return Some((event, flight));
        }
    }

    fn landed(&mut self, origin: OriginIdx) {
        if let Some(n) = self.by_origin.get_mut(origin.0 as usize) {
            *n = n.saturating_sub(1);
        }
    }

    /// When the soonest deadline passes.
    pub(crate) fn poll_timeout(&self) -> Option<Wakeup> {
        self.deadlines.first().map(|&(at, _)| Wakeup { at, reason: WakeReason::EventDeadline })
    }

    /// Forgets every event in flight (after a storage failure); ids are not reused.
    pub(crate) fn clear(&mut self) {
        self.events.clear();
        self.deadlines.clear();
        self.by_origin.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight(deadline: u64) -> InFlight {
        InFlight {
            reg: RegId(0),
            origin: OriginIdx(0),
            kind: SyncKind::OneOff,
            deadline: Timestamp(deadline),
            last_chance: false,
        }
    }

    #[test]
    fn ids_never_issued_are_unknown_and_issued_ones_already_settled() {
        let mut f = Flights::default();
        let e = f.start(flight(10));
        assert!(f.finish(e).is_ok());
        assert_eq!(f.finish(e).unwrap_err(), SyncError::EventAlreadySettled(e));
        for never in [EventId(0), EventId(2), EventId(99)] {
            assert_eq!(f.finish(never).unwrap_err(), SyncError::UnknownEvent(never));
        }
    }

    #[test]
    fn the_latest_timeouts_are_remembered_as_expired_up_to_the_bound() {
        let mut f = Flights::default();
        let ids: Vec<EventId> = (0..=EXPIRED_MEMORY).map(|_| f.start(flight(10))).collect();
        assert!(f.expire_next(Timestamp(9)).is_none(), "nothing is due before its deadline");
        let mut expired = 0;
        while f.expire_next(Timestamp(10)).is_some() {
            expired += 1;
        }
        assert_eq!(expired, EXPIRED_MEMORY + 1);
        assert_eq!(f.running_in(OriginIdx(0)), 0);
        // The oldest is forgotten; the 4096 after it are still known to have timed out.
        assert_eq!(f.finish(ids[0]).unwrap_err(), SyncError::EventAlreadySettled(ids[0]));
        assert_eq!(f.finish(ids[1]).unwrap_err(), SyncError::EventExpired(ids[1]));
        let last = ids[EXPIRED_MEMORY];
        assert_eq!(f.finish(last).unwrap_err(), SyncError::EventExpired(last));
    }
}
