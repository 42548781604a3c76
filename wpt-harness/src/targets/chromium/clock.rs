//! The virtual clock of the Chromium target: Chromium's records become
//! observations stamped in virtual time, and the delays they announce become
//! timers that `advance_to` waits for in real time.
//!
//! Stamps: a record caused by a step gets the step's virtual time; a dispatch
//! a timer announced gets the timer's due time (`now` + the announced delay,
//! read back through the compression); a time-limit failure gets the event's
//! virtual deadline. While timers are pending, virtual time is paced against
//! real time (one anchor, so compressed timers keep their order); with
//! nothing pending, a span passes at once.

use super::ChromiumTarget;
use super::cdp::CdpEvent;
use super::records::{RawRecord, virtual_metadata};
use crate::targets::{LogEntry, Observation, ObservedDispatch, TargetError};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use sync_core::{EventId, LogEvent, SwRegId};
use sync_policy::{Millis, SyncKind, Timestamp};

/// Real time a subtest may spend waiting for Chromium's timers.
pub(super) const REAL_TIME_BUDGET: Duration = Duration::from_secs(120);

/// How late a timer's dispatch may come before the timer is dropped.
const TIMER_GRACE: Duration = Duration::from_millis(400);

/// How late Chromium's time-limit failure may come (it checks event
/// deadlines on a timer, not at the deadline).
const TIMEOUT_GRACE: Duration = Duration::from_secs(20);

/// Quiet time that ends the wait after a step.
const QUIET: Duration = Duration::from_millis(40);

/// How long before a later timer's real due time pacing stops.
const PACE_MARGIN: Duration = Duration::from_millis(30);

/// A registration's key in timers.
pub(super) type Key = (SwRegId, SyncKind, String);

/// A delay Chromium announced.
#[derive(Clone, Copy, Debug)]
pub(super) struct Timer {
    pub due: Timestamp,
    pub due_real: Instant,
    grace: Duration,
}

/// An event Chromium dispatched and has not ended.
#[derive(Clone, Debug)]
pub(super) struct InFlight {
    pub key: Key,
    pub dispatched: Timestamp,
    pub dispatched_real: Instant,
    /// The harness decided its outcome.
    pub settled: bool,
    /// DevTools was attached to its worker while it ran.
    pub touched: bool,
    /// DevTools' emulated dispatch: Chromium logs no record when it ends.
    pub synthetic: bool,
}

/// How an event ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ended {
    /// After an outcome the harness gave.
    Settled,
    /// Chromium ended it without one (time limit or worker failure).
    ByChromium,
}

/// Timers, events in flight, and the pacing anchor.
#[derive(Debug)]
pub(super) struct Clock {
    pub timers: BTreeMap<Key, Timer>,
    pub in_flight: BTreeMap<EventId, InFlight>,
    pub ended: BTreeMap<EventId, Ended>,
    next_handle: u64,
    pub anchor: (Timestamp, Instant),
    /// The end of the `advance_to` in progress, if any.
    advancing_to: Option<Timestamp>,
    /// A dispatch was stamped later than the clock had reached.
    pub early: Option<String>,
    /// A periodic delay was computed too long after the scenario's paced
    /// time to read back on the resolution grid.
    pub lagged: Option<String>,
    /// Keys of DevTools' emulated dispatches whose record has not arrived.
    pub pending_synthetic: Vec<Key>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            timers: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            ended: BTreeMap::new(),
            next_handle: 1,
            anchor: (Timestamp(0), Instant::now()),
            advancing_to: None,
            early: None,
            lagged: None,
            pending_synthetic: Vec::new(),
        }
    }
}

impl Clock {
    /// Anchors virtual `now` to this instant.
    pub fn start(&mut self, now: Timestamp) {
        self.anchor = (now, Instant::now());
    }

    /// The event in flight for `key`.
    pub fn in_flight_for(&self, key: &Key) -> Option<EventId> {
        self.in_flight.iter().find(|(_, e)| &e.key == key).map(|(h, _)| *h)
    }
}

impl ChromiumTarget {
    fn duration_of(&self, kind: SyncKind) -> Millis {
        match kind {
            SyncKind::OneOff => self.policy.oneshot.max_event_duration,
            SyncKind::Periodic => self.policy.periodic.max_event_duration,
        }
    }

    /// Handles events read from Chromium.
    pub(super) fn ingest(&mut self, events: Vec<CdpEvent>) {
        for event in events {
            match event.method.as_str() {
                "BackgroundService.backgroundServiceEventReceived" => {
                    if self.replayed(&event.params) {
                        continue;
                    }
                    if let Some(record) = RawRecord::parse(&event.params) {
                        self.record(record, event.received);
                    }
                }
                _ => self.world_event(&event),
            }
        }
    }

    /// Turns one record into observations and updates timers.
    fn record(&mut self, record: RawRecord, arrival: Instant) {
        let sw = self.world.sw_for_registration(&record.registration).unwrap_or(SwRegId(u64::MAX));
        let key: Key = (sw, record.kind, record.tag.clone());
        let mut at = self.now;
        let ends_previous = record.dispatch().is_some() || record.name == "Sync event reregistered";
        if ends_previous
            && let Some(handle) = self.clock.in_flight_for(&key)
            && let Some(event) = self.clock.in_flight.remove(&handle)
        {
            // A registration re-registered while firing runs again at once.
            let how = if event.settled { Ended::Settled } else { Ended::ByChromium };
            self.clock.ended.insert(handle, how);
        }
        if let Some(last_chance) = record.dispatch() {
            if let Some(timer) = self.clock.timers.remove(&key) {
                at = self.reach(timer.due, &key);
            }
            let handle = EventId(self.clock.next_handle);
            self.clock.next_handle += 1;
            let touched = self.world.is_attached(sw);
            let synthetic = match self.clock.pending_synthetic.iter().position(|k| *k == key) {
                Some(i) => {
                    self.clock.pending_synthetic.remove(i);
                    true
                }
                None => false,
            };
            self.clock.in_flight.insert(
                handle,
                InFlight {
                    key: key.clone(),
                    dispatched: at,
                    dispatched_real: arrival,
                    settled: false,
                    touched,
                    synthetic,
                },
            );
            self.observations.push(Observation::Dispatch(ObservedDispatch {
                event: handle,
                sw,
                kind: record.kind,
                tag: record.tag.clone(),
                last_chance,
                at,
            }));
        } else if record.ends_event()
            && let Some(handle) = self.clock.in_flight_for(&key)
            && let Some(event) = self.clock.in_flight.remove(&handle)
        {
            let how = if event.settled { Ended::Settled } else { Ended::ByChromium };
            if !event.settled && record.is_timeout() {
                let deadline = event.dispatched.saturating_add(self.duration_of(record.kind));
                at = self.reach(deadline, &key);
            }
            self.clock.ended.insert(handle, how);
        }
        let mut delay = None;
        if let Some(real_ms) = record.delay_ms() {
            let raw = Millis(real_ms.saturating_mul(self.compression.scale));
            let due = match record.kind {
                // One-off delays count from the failure: read back relative to it.
                SyncKind::OneOff => at.saturating_add(self.compression.to_virtual(real_ms)),
                // Periodic delays are computed against other registrations' real
                // times: read back on the subtest's grid.
                SyncKind::Periodic => {
                    self.note_lag(at, arrival, &key);
                    let since = at.saturating_add(raw).saturating_since(self.start);
                    self.start.saturating_add(self.compression.to_resolution(since))
                }
            };
            delay = Some(due.saturating_since(at));
            if !self.pending() {
                self.clock.anchor = (at, arrival);
            }
            let real = Duration::from_millis(real_ms);
            let grace = TIMER_GRACE.max(real / 10);
            self.clock.timers.insert(key.clone(), Timer { due, due_real: arrival + real, grace });
        }
        if record.name == LogEvent::Unregistered.name(record.kind) {
            self.clock.timers.remove(&key);
        }
        let metadata = virtual_metadata(&record, &self.compression, delay, &self.world.min_intervals);
        self.observations.push(Observation::Log(LogEntry {
            at,
            sw,
            kind: record.kind,
            name: record.name,
            tag: record.tag,
            metadata,
        }));
    }

    /// Chromium computes a periodic delay against other registrations' real
    /// times, and the target reads it back on the resolution grid, which
    /// absorbs a lag of less than half a step between the scenario's paced
    /// time and the record. A longer lag (a loaded machine, a slow CDP round
    /// trip) would move the read-back time a step: the delay is then not
    /// observable. With nothing pending, the record becomes the anchor and
    /// has no lag by definition.
    fn note_lag(&mut self, at: Timestamp, arrival: Instant, key: &Key) {
        if !self.pending() || self.clock.lagged.is_some() {
            return;
        }
        let (anchor_v, anchor_r) = self.clock.anchor;
        let paced = anchor_r + self.compression.to_real(at.saturating_since(anchor_v));
        let lag = arrival.saturating_duration_since(paced);
        let half_step = self.compression.to_real(Millis(self.compression.resolution.0 / 2));
        if lag > half_step {
            self.clock.lagged = Some(format!(
                "the periodic delay of {:?}: Chromium computed it {} ms of real time after the scenario's paced time, \
                 more than the {} ms (half a step of the {} grid) its read-back absorbs",
                key.2,
                lag.as_millis(),
                half_step.as_millis(),
                crate::timeline::format_time(self.compression.resolution)
            ));
        }
    }

    /// Moves the clock to `due` for a timer-driven record, or notes that it
    /// came before the scenario reached that time.
    fn reach(&mut self, due: Timestamp, key: &Key) -> Timestamp {
        if due <= self.now {
            return self.now;
        }
        match self.clock.advancing_to {
            Some(to) if due <= to => {
                self.now = due;
            }
            _ => {
                let relaunching = self.relaunching;
                self.clock.early.get_or_insert_with(|| {
                    if relaunching {
                        format!(
                            "Chromium fired {:?} while it was starting: the relaunch takes real time, which the time \
                             compression turns into virtual time past the event's due time",
                            key.2
                        )
                    } else {
                        format!(
                            "Chromium fired {:?} before the scenario reached its time (the time compression reorders it)",
                            key.2
                        )
                    }
                });
            }
        }
        due
    }

    /// Fails a step that would act while a dispatch is stamped in the
    /// future, or, once periodic registrations are in play, between two
    /// points of the periodic resolution.
    pub(super) fn guard_early(&self) -> Result<(), TargetError> {
        if let Some(m) = self.clock.early.as_ref().or(self.clock.lagged.as_ref()) {
            return Err(TargetError::NotObservable(m.clone()));
        }
        let since = self.now.saturating_since(self.start);
        if self.world.periodic_seen && !since.0.is_multiple_of(self.compression.resolution.0.max(1)) {
            return Err(TargetError::NotObservable(format!(
                "a step at {} with periodic registrations: at this time compression Chromium resolves periodic \
                 times only to multiples of {}",
                crate::timeline::format_time(since),
                crate::timeline::format_time(self.compression.resolution)
            )));
        }
        Ok(())
    }

    /// Reads records after a step until Chromium has been quiet for a while
    /// (at least `min`, at most 3 s).
    pub(super) fn quiesce(&mut self, min: Duration) -> Result<(), TargetError> {
        let start = Instant::now();
        let mut last = start;
        loop {
            let events = self.browser()?.pump_now()?;
            if !events.is_empty() {
                last = Instant::now();
                self.ingest(events);
            }
            let t = Instant::now();
            if (t - start >= min && t - last >= QUIET) || t - start >= Duration::from_secs(3) {
                return Ok(());
            }
        }
    }

    /// Reads records until `done` holds (or `limit` passes), then until quiet.
    pub(super) fn wait_for(
        &mut self,
        limit: Duration,
        done: &dyn Fn(&ChromiumTarget) -> bool,
    ) -> Result<bool, TargetError> {
        let deadline = Instant::now() + limit;
        while !done(self) && Instant::now() < deadline {
            let events = self.browser()?.pump_now()?;
            self.ingest(events);
        }
        let ok = done(self);
        self.quiesce(Duration::ZERO)?;
        Ok(ok)
    }

    /// Time limits of events in flight: the earliest deadline at or before `to`.
    fn next_deadline(&self, to: Timestamp) -> Result<Option<(EventId, Timestamp, Instant)>, TargetError> {
        let mut best: Option<(EventId, Timestamp, Instant)> = None;
        for (handle, e) in &self.clock.in_flight {
            if e.settled {
                continue;
            }
            let span = self.duration_of(e.key.1);
            let deadline = e.dispatched.saturating_add(span);
            if deadline > to {
                continue;
            }
            if !self.compression.duration_mapped {
                return Err(TargetError::NotObservable(format!(
                    "the time limit of event {:?}: it does not compress to whole seconds at this scale",
                    e.key.2
                )));
            }
            if e.touched || self.world.is_attached(e.key.0) {
                return Err(TargetError::NotObservable(format!(
                    "the time limit of event {:?}: Chromium suspends event time limits while DevTools is attached \
                     to the worker (offline emulation, calls from the worker)",
                    e.key.2
                )));
            }
            let real = e.dispatched_real + self.compression.to_real(span);
            if best.is_none_or(|(_, d, _)| deadline < d) {
                best = Some((*handle, deadline, real));
            }
        }
        Ok(best)
    }

    pub(super) fn pending(&self) -> bool {
        !self.clock.timers.is_empty()
            || (self.compression.duration_mapped && self.clock.in_flight.values().any(|e| !e.settled))
    }

    /// `advance_to`: waits for every timer and time limit due by `to`, in
    /// virtual order, pacing real time while anything is pending.
    pub(super) fn advance(&mut self, to: Timestamp) -> Result<(), TargetError> {
        let to = to.max(self.now);
        if !self.pending() {
            self.now = to;
            self.clock.start(to);
            return self.quiesce(Duration::ZERO);
        }
        self.clock.advancing_to = Some(to);
        let result = self.advance_paced(to);
        self.clock.advancing_to = None;
        result?;
        self.now = to;
        if !self.pending() {
            self.clock.start(to);
        }
        Ok(())
    }

    fn advance_paced(&mut self, to: Timestamp) -> Result<(), TargetError> {
        loop {
            let timer = self.clock.timers.iter().filter(|(_, t)| t.due <= to).min_by_key(|(_, t)| t.due);
            let timer = timer.map(|(k, t)| (k.clone(), *t));
            let deadline = self.next_deadline(to)?;
            let (anchor_v, anchor_r) = self.clock.anchor;
            let paced = anchor_r + self.compression.to_real(to.saturating_since(anchor_v));
            // What to wait for next: the earlier of the timer and the time limit.
            let wait = match (&timer, deadline) {
                (Some((_, t)), Some((h, d, r))) if d < t.due => Wait::Deadline(h, r + TIMEOUT_GRACE, d),
                (Some((k, t)), _) => Wait::Timer(k.clone(), t.due_real + t.grace, t.due),
                (None, Some((h, d, r))) => Wait::Deadline(h, r + TIMEOUT_GRACE, d),
                (None, None) => {
                    // Never wait into a later timer's real due time: its dispatch
                    // belongs to a later step.
                    let later = self.clock.timers.values().filter(|t| t.due > to).map(|t| t.due_real).min();
                    let cap = later.map(|r| r.checked_sub(PACE_MARGIN).unwrap_or(r));
                    Wait::Pace(cap.map_or(paced, |c| paced.min(c)), to)
                }
            };
            let until = wait.until();
            if until.saturating_duration_since(self.started) > REAL_TIME_BUDGET {
                return Err(TargetError::NotObservable(format!(
                    "the scenario needs more than {} s of real time at this time compression (1 real ms = {} virtual ms)",
                    REAL_TIME_BUDGET.as_secs(),
                    self.compression.scale
                )));
            }
            while Instant::now() < until && !wait.done(self) {
                let events = self.browser()?.pump_now()?;
                self.ingest(events);
                if matches!(wait, Wait::Pace(..)) && !self.pending() {
                    break;
                }
            }
            match wait {
                Wait::Timer(key, _, due) => {
                    if self.clock.timers.remove(&key).is_some() {
                        // Chromium did not dispatch (offline, or the registration is gone).
                        self.now = self.now.max(due);
                        if key.1 == SyncKind::Periodic && self.world.is_attached(key.0) {
                            self.world.periodic_missed_offline = true;
                        }
                    }
                }
                Wait::Deadline(handle, _, deadline) => {
                    if self.clock.in_flight.contains_key(&handle) {
                        return Err(TargetError::NotObservable(format!(
                            "Chromium did not end an event within {} s of its time limit",
                            TIMEOUT_GRACE.as_secs()
                        )));
                    }
                    self.now = self.now.max(deadline);
                }
                Wait::Pace(..) => {
                    if !self.clock.timers.values().any(|t| t.due <= to) && self.next_deadline(to)?.is_none() {
                        return Ok(());
                    }
                }
            }
        }
    }
}

/// What `advance_to` is waiting for.
enum Wait {
    /// A timer's dispatch (real limit, virtual due).
    Timer(Key, Instant, Timestamp),
    /// An event's time-limit failure (real limit, virtual deadline).
    Deadline(EventId, Instant, Timestamp),
    /// The paced end of the span (real), ended early by a timer due by `to`.
    Pace(Instant, Timestamp),
}

impl Wait {
    fn until(&self) -> Instant {
        match self {
            Wait::Timer(_, u, _) | Wait::Deadline(_, u, _) | Wait::Pace(u, _) => *u,
        }
    }

    fn done(&self, t: &ChromiumTarget) -> bool {
        match self {
            Wait::Timer(key, _, _) => !t.clock.timers.contains_key(key),
            Wait::Deadline(handle, _, _) => !t.clock.in_flight.contains_key(handle),
            Wait::Pace(_, to) => t.clock.timers.values().any(|x| x.due <= *to),
        }
    }
}
