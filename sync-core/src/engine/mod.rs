//! The sans-IO engine.
//!
//! [`Engine`] holds every registration and decides, with its [`Policy`], when
//! each event fires. It never reads a clock, sleeps, spawns or touches a file:
//! every input carries `now`, and every output is an [`Action`] drained with
//! [`Engine::poll_action`].
//!
//! The call order is in [`Engine`]'s docs.
//!
//! # Parts
//!
//! [`Engine`] composes owned parts, each the only writer of what it holds:
//! the registration table (`table/`: registrations, the workers and origins
//! that hold them, per-origin counts), the scheduler (`schedule/`: where each
//! pending registration waits, and the dispatch rotation) and the events in
//! flight (`flights.rs`). The spec algorithms (`algorithms/`) and the
//! placement pump (`placement.rs`) are engine methods over these parts;
//! [`Engine::poll_timeout`] is the soonest of the scheduler's and the flights'
//! timeouts. `index.rs` holds the dense indices every part names.
//!
//! Time never goes backwards inside the engine: an input whose `now` is
//! earlier than one already seen is treated as happening at the latest time
//! seen (and logged with `tracing`).

mod algorithms;
mod explain;
mod flights;
mod handle;
mod index;
mod placement;
mod restore;
mod schedule;
mod table;
mod wakeup;

/// The largest accepted `minInterval`, in milliseconds: `Number.MAX_SAFE_INTEGER`
/// (2^53 - 1), what `[EnforceRange] unsigned long long` accepts.
pub const MAX_SAFE_INTEGER_MS: u64 = crate::binding::MAX_SAFE_INTEGER;

pub use explain::{Explanation, RegistrationInfo, RegistrationState};
pub use wakeup::{WakeReason, Wakeup};

use crate::action::{Action, DomError, DomErrorName, ReplyValue};
use crate::ids::{ClientId, RegistrationKey, RequestId};
use crate::log::{LogEvent, LogRecord};
use crate::privacy::LogPrivacy;
use crate::record::Mutation;
use flights::Flights;
use hashbrown::HashMap;
use index::{OriginIdx, RegId};
use schedule::Scheduler;
use std::collections::VecDeque;
use sync_policy::{ConfigurablePolicy, Environment, FrameType, Policy, Timestamp};
use table::RegistrationTable;

/// Released blocked entries of an origin are re-placed this many at a time, between
/// dispatches, so the first dispatch after a connectivity flip does not wait for all of them.
const RELEASE_CHUNK: usize = 64;

/// An open service worker client.
#[derive(Clone, Copy, Debug)]
struct ClientInfo {
    origin: OriginIdx,
    frame: FrameType,
}

/// The Background Sync / Periodic Background Sync state machine.
///
/// It holds every registration and decides, with its [`Policy`], when each
/// event fires. It never reads a clock, sleeps, spawns or touches a file:
/// every input carries `now`, and every output is an [`Action`] drained with
/// [`Engine::poll_action`].
///
/// # Call order
///
/// 1. Feed one input ([`Engine::handle`] with an [`Input`](crate::Input), or
///    [`Engine::handle_timeout`]), passing the current wall-clock time.
/// 2. Drain [`Engine::poll_action`] until it returns `None`, carrying out each
///    action in order: commit `Persist` mutations to the store before releasing
///    any `Reply` queued after them (group commit: many persists may share one
///    transaction); fire each `Dispatch` at its service worker and later report
///    its outcome with `Input::EventFinished` through [`Engine::handle`].
/// 3. Ask [`Engine::poll_timeout`] when to wake it next, sleep until then or
///    until the next input, and call [`Engine::handle_timeout`] on waking.
///    Calling `handle_timeout` early or spuriously is harmless.
#[derive(Debug)]
pub struct Engine<P: Policy = ConfigurablePolicy> {
    policy: P,
    /// The latest time seen.
    now: Timestamp,
    /// When the engine (the user agent) started, for the periodic initial wait.
    started_at: Timestamp,
    /// Every registration, worker and origin.
    table: RegistrationTable,
    /// Where each pending registration waits.
    sched: Scheduler,
    /// Events in flight.
    flights: Flights,
    /// The device environment (network, power).
    env: Environment,
    /// Open service worker clients.
    clients: HashMap<ClientId, ClientInfo>,
    /// When any origin last had a (non-retry) periodic event dispatched.
    last_round: Option<Timestamp>,
    /// Outputs not yet drained.
    actions: VecDeque<Action>,
    next_request: u64,
    log_recording: bool,
    log_privacy: LogPrivacy,
    /// Set by a storage failure: every later call is refused.
    disabled: bool,
    /// The embedder's switch is off: calls are refused and nothing fires, but
    /// registrations are kept (see `algorithms/switch.rs`).
    switched_off: bool,
}

impl<P: Policy> Engine<P> {
    /// An empty engine that starts at `now`.
    pub fn new(policy: P, now: Timestamp) -> Engine<P> {
        let sorted_ties = policy.same_instant_order() == sync_policy::TagOrder::Sorted;
        Engine {
            policy,
            now,
            started_at: now,
            table: RegistrationTable::new(),
            sched: Scheduler::new(sorted_ties),
            flights: Flights::default(),
            env: Environment::default(),
            clients: HashMap::new(),
            last_round: None,
            actions: VecDeque::new(),
            next_request: 1,
            log_recording: true,
            // Sans-IO: no key from OS randomness here; values stay hidden until the
            // embedder (or the driver) gives a key (privacy.rs).
            log_privacy: LogPrivacy::Hidden,
            disabled: false,
            switched_off: false,
        }
    }

    /// The policy this engine asks.
    pub fn policy(&self) -> &P {
        &self.policy
    }

    /// The latest time the engine has seen.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Number of registrations (both kinds).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are no registrations.
    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// Number of events in flight.
    pub fn in_flight(&self) -> usize {
        self.flights.len()
    }

    /// Turns `Action::Log` records on or off (on by default; Chromium records
    /// only while DevTools asks, and a benchmark may not want them).
    pub fn set_log_recording(&mut self, on: bool) {
        self.log_recording = on;
    }

    /// How origins and tags appear in `tracing` output (redacted by default;
    /// DevTools-style `Action::Log` records always carry full values).
    pub fn set_log_privacy(&mut self, privacy: LogPrivacy) {
        self.log_privacy = privacy;
    }

    /// Whether the engine was disabled by a storage failure.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }

    /// Whether the embedder's switch has turned Background Sync off.
    pub fn is_switched_off(&self) -> bool {
        self.switched_off
    }

    /// Whether page calls are refused with `UnknownError` (a storage failure
    /// disabled the engine, or the embedder switched it off).
    fn refuses_calls(&self) -> bool {
        self.disabled || self.switched_off
    }

    /// The next output, or `None` when there is nothing to do until the next
    /// input or [`Engine::poll_timeout`].
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action> {
        if self.actions.is_empty() {
            self.pump();
        }
        self.actions.pop_front()
    }

    /// When to call [`Engine::handle_timeout`] next, and why. Valid after
    /// [`Engine::poll_action`] returned `None`; changes after any input.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Wakeup> {
        if self.disabled {
            return None;
        }
        Wakeup::soonest(self.sched.poll_timeout(), self.flights.poll_timeout())
    }

    /// Processes everything due at `now`: retries and periodic events that
    /// became due, gates that opened, and event deadlines that passed. Harmless
    /// when nothing is due.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        let now = self.observe(now);
        if self.disabled {
            return;
        }
        while let Some((event, flight)) = self.flights.expire_next(now) {
            self.settle(event, flight, sync_policy::EventOutcome::TimedOut);
        }
        while let Some((id, ticket)) = self.sched.pop_due(now) {
            self.on_due(id, ticket);
        }
    }

    /// Records `now`, clamping a time that went backwards.
    #[inline]
    fn observe(&mut self, now: Timestamp) -> Timestamp {
        if now < self.now {
            tracing::warn!(given = now.0, latest = self.now.0, "time went backwards; using the latest time seen");
        } else {
            self.now = now;
        }
        self.now
    }

    /// The index of an origin, interned with the policy's default engagement if new.
    fn intern_origin(&mut self, origin: &str) -> OriginIdx {
        self.table.intern(origin, self.policy.default_engagement())
    }

    fn next_request(&mut self) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        id
    }

    fn persist(&mut self, m: Mutation) {
        self.actions.push_back(Action::Persist(m));
    }

    fn reply(&mut self, request: RequestId, result: Result<ReplyValue, DomError>) {
        self.actions.push_back(Action::Reply { request, result });
    }

    fn reject(&mut self, request: RequestId, name: DomErrorName, message: &'static str) {
        self.reply(request, Err(DomError::new(name, message)));
    }

    fn log(&mut self, id: RegId, event: LogEvent, metadata: Vec<(&'static str, String)>) {
        if let Some(record) = self.log_record(id, event, metadata) {
            self.actions.push_back(Action::Log(record));
        }
    }

    /// The record of a decision about a registration (traced, redacted, always;
    /// returned only while recording).
    fn log_record(&self, id: RegId, event: LogEvent, metadata: Vec<(&'static str, String)>) -> Option<LogRecord> {
        let reg = self.table.get(id)?;
        let origin = self.table.origin(reg.origin()).origin();
        tracing::debug!(
            origin = %self.log_privacy.show(origin.as_str()),
            tag = %self.log_privacy.show(reg.tag()),
            sw = reg.sw().0,
            event = event.name(reg.kind()),
            ?metadata,
            "background sync"
        );
        if !self.log_recording {
            return None;
        }
        Some(LogRecord {
            time: self.now,
            origin: origin.clone(),
            sw: reg.sw(),
            kind: reg.kind(),
            event,
            tag: reg.tag().clone(),
            metadata,
        })
    }

    fn persist_registration(&mut self, id: RegId) {
        if let Some(row) = self.table.to_stored(id) {
            self.persist(Mutation::Put(row));
        }
    }

    /// Removes a registration from the scheduler and the table. Does not
    /// persist: the caller emits the matching `Mutation`.
    fn remove_registration(&mut self, id: RegId) {
        self.sched.unplace(&mut self.table, id);
        self.table.remove(id);
    }

    /// Removes a registration, persists the deletion, then logs `event` with the
    /// outcome's status (the record follows the persist it describes).
    fn delete_registration_logged(&mut self, id: RegId, event: LogEvent, outcome: sync_policy::EventOutcome) {
        let record = self.log_record(id, event, vec![("Status", outcome.devtools_status().to_string())]);
        self.delete_registration(id);
        if let Some(record) = record {
            self.actions.push_back(crate::action::Action::Log(record));
        }
    }

    /// Removes a registration and persists the deletion.
    fn delete_registration(&mut self, id: RegId) {
        if let Some(key) = self.key_of(id) {
            self.remove_registration(id);
            self.persist(Mutation::Delete(key));
        }
    }

    /// The key of a registration, if it exists.
    fn key_of(&self, id: RegId) -> Option<RegistrationKey> {
        self.table.get(id).map(|r| r.key())
    }
}
