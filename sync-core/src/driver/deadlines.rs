//! Event deadlines on the monotonic clock.
//!
//! The engine states each event's deadline in wall-clock time (it is sans-IO
//! and its persisted schedules are wall-clock). The driver measures the time
//! limit on tokio's monotonic clock instead: when the engine emits a
//! dispatch, the time it has left (`deadline - engine.now()`) starts running
//! on an [`Instant`]. A wall clock stepped back cannot extend the limit, and
//! one jumping forward cannot end it early: while an event's monotonic
//! deadline has not passed, the driver never feeds the engine a time at or
//! past the event's wall-clock deadline (see [`Deadlines::cap`]), so only the
//! driver ends events, by reporting them `TimedOut`.

use crate::ids::EventId;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use sync_policy::Timestamp;
use tokio::time::Instant;

/// One event in flight, by both clocks.
#[derive(Clone, Copy, Debug)]
struct Limits {
    mono: Instant,
    wall: Timestamp,
}

/// The driver's events in flight (fired, or held behind a commit), with their deadlines.
#[derive(Debug, Default)]
pub(crate) struct Deadlines {
    by_event: HashMap<EventId, Limits>,
    mono: BTreeSet<(Instant, EventId)>,
    wall: BTreeSet<(Timestamp, EventId)>,
}

impl Deadlines {
    /// Starts the clock of an event the engine just emitted with wall-clock
    /// `deadline`, `left` before it at the engine's time.
    pub(crate) fn track(&mut self, event: EventId, deadline: Timestamp, left: Duration, now: Instant) {
        let limits = Limits { mono: now + left, wall: deadline };
        if let Some(old) = self.by_event.insert(event, limits) {
            self.unindex(event, old);
        }
        self.mono.insert((limits.mono, event));
        self.wall.insert((limits.wall, event));
    }

    /// Stops tracking an event; whether it was tracked.
    pub(crate) fn remove(&mut self, event: EventId) -> bool {
        match self.by_event.remove(&event) {
            Some(limits) => {
                self.unindex(event, limits);
                true
            }
            None => false,
        }
    }

    fn unindex(&mut self, event: EventId, limits: Limits) {
        self.mono.remove(&(limits.mono, event));
        self.wall.remove(&(limits.wall, event));
    }

    /// Whether the event is tracked and its time is not up at `now`.
    pub(crate) fn is_live(&self, event: EventId, now: Instant) -> bool {
        self.by_event.get(&event).is_some_and(|l| l.mono > now)
    }

    /// The first event whose monotonic deadline passed at `now`, with its
    /// wall-clock deadline; it stays tracked until [`remove`](Self::remove)d.
    pub(crate) fn first_expired(&self, now: Instant) -> Option<(EventId, Timestamp)> {
        let &(at, event) = self.mono.first()?;
        (at <= now).then(|| (event, self.by_event.get(&event).map_or(Timestamp(0), |l| l.wall)))
    }

    /// The next monotonic deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.mono.first().map(|&(at, _)| at)
    }

    /// The latest time the engine may be fed: just before the earliest
    /// wall-clock deadline of a tracked event (the engine would end it
    /// itself at that time), or `wall` when nothing is tracked.
    pub(crate) fn cap(&self, wall: Timestamp) -> Timestamp {
        match self.wall.first() {
            Some(&(deadline, _)) => wall.min(Timestamp(deadline.0.saturating_sub(1))),
            None => wall,
        }
    }

    /// Forgets every event.
    pub(crate) fn clear(&mut self) {
        self.by_event.clear();
        self.mono.clear();
        self.wall.clear();
    }
}
