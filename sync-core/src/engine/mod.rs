//! The sans-IO engine.
//!
//! [`Engine`] holds every registration and decides, with its [`Policy`], when
//! each event fires. It never reads a clock, sleeps, spawns or touches a file:
//! every input carries `now`, and every output is an [`Action`] drained with
//! [`Engine::poll_action`].
//!
//! # Call order
//!
//! 1. Feed one input (`register`, `set_network`, `event_finished`,
//!    `handle_timeout`, ...), passing the current wall-clock time.
//! 2. Drain [`Engine::poll_action`] until it returns `None`, carrying out each
//!    action in order: commit `Persist` mutations to the store before releasing
//!    any `Reply` queued after them (group commit: many persists may share one
//!    transaction); fire each `Dispatch` at its service worker and later report
//!    its outcome with [`Engine::event_finished`].
//! 3. Ask [`Engine::poll_timeout`] when to wake it next, sleep until then or
//!    until the next input, and call [`Engine::handle_timeout`] on waking.
//!    Calling `handle_timeout` early or spuriously is harmless.
//!
//! Time never goes backwards inside the engine: an input whose `now` is
//! earlier than one already seen is treated as happening at the latest time
//! seen (and logged with `tracing`).

mod blocked_set;
mod environment;
mod events;
mod explain;
mod handle;
mod lifecycle;
pub(crate) mod origins;
mod periodic;
mod periodic_schedule;
mod placement;
mod register;
pub(crate) mod registry;
mod restore;
mod tag_list;

pub use periodic::MAX_SAFE_INTEGER;

/// Re-export under the name page-facing code uses: the largest accepted `minInterval`.
pub const MAX_SAFE_INTEGER_MS: u64 = MAX_SAFE_INTEGER;

pub use explain::{Explanation, RegistrationInfo, RegistrationState};

use crate::action::{Action, DomError, DomErrorName, ReplyValue};
use crate::ids::{ClientId, EventId, RegistrationKey, RequestId, SwRegId};
use crate::log::{LogEvent, LogRecord};
use crate::privacy::LogPrivacy;
use crate::store::Mutation;
use hashbrown::{HashMap, HashSet};
use origins::{ClientInfo, OriginIdx, Origins, Worker};
use registry::{RegId, Registry};
use std::collections::{BTreeSet, VecDeque};
use sync_policy::{Blocker, ConfigurablePolicy, Environment, Policy, SyncKind, Timestamp, WaitReason};

/// Why the engine wants to be woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WakeReason {
    /// A registration becomes due (retry, periodic interval, or a gate opens).
    Due(WaitReason),
    /// An event reaches its deadline and will count as timed out.
    EventDeadline,
}

/// When and why to call [`Engine::handle_timeout`] next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wakeup {
    /// The time.
    pub at: Timestamp,
    /// Why.
    pub reason: WakeReason,
}

/// Which set holds a blocked registration. Every set belongs to one origin
/// (an array slot per condition in `OriginState`, or the worker's own set for
/// DevTools offline emulation), so releasing a condition hands each origin its
/// own list, and the dispatch rotation stays fair across origins.
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

/// An event in flight.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InFlight {
    pub(crate) reg: RegId,
    pub(crate) origin: OriginIdx,
    pub(crate) kind: SyncKind,
    pub(crate) deadline: Timestamp,
    pub(crate) last_chance: bool,
}

/// How many timed-out event ids are remembered to tell a late result from an unknown one.
const EXPIRED_MEMORY: usize = 4096;

/// Released blocked entries of an origin are re-placed this many at a time, between
/// dispatches, so the first dispatch after a connectivity flip does not wait for all of them.
const RELEASE_CHUNK: usize = 64;

/// The Background Sync / Periodic Background Sync state machine. See the
/// [module docs](self) for the call order.
#[derive(Debug)]
pub struct Engine<P: Policy = ConfigurablePolicy> {
    policy: P,
    now: Timestamp,
    started_at: Timestamp,
    registry: Registry,
    origins: Origins,
    workers: HashMap<SwRegId, Worker>,
    clients: HashMap<ClientId, ClientInfo>,
    env: Environment,
    due: BTreeSet<(Timestamp, RegId, u32)>,
    /// Per device-wide condition: origins whose set for it is non-empty.
    global_blocked: [Vec<OriginIdx>; BLOCKERS],
    /// Device-wide releases not yet handed to their origins (admitted a chunk
    /// at a time by the pump, so a flip costs O(1) before the first dispatch).
    pending_release: VecDeque<(Blocker, std::vec::IntoIter<OriginIdx>)>,
    rotation: VecDeque<OriginIdx>,
    events: HashMap<EventId, InFlight>,
    deadlines: BTreeSet<(Timestamp, EventId)>,
    expired: (HashSet<EventId>, VecDeque<EventId>),
    running: u32,
    last_round: Option<Timestamp>,
    actions: VecDeque<Action>,
    next_request: u64,
    next_event: u64,
    next_seq: u64,
    log_recording: bool,
    log_privacy: LogPrivacy,
    disabled: bool,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("len", &self.len()).finish()
    }
}

impl<P: Policy> Engine<P> {
    /// An empty engine that starts at `now`.
    pub fn new(policy: P, now: Timestamp) -> Engine<P> {
        Engine {
            policy,
            now,
            started_at: now,
            registry: Registry::new(),
            origins: Origins::default(),
            workers: HashMap::new(),
            clients: HashMap::new(),
            env: Environment::default(),
            due: BTreeSet::new(),
            global_blocked: Default::default(),
            pending_release: VecDeque::new(),
            rotation: VecDeque::new(),
            events: HashMap::new(),
            deadlines: BTreeSet::new(),
            expired: (HashSet::new(), VecDeque::new()),
            running: 0,
            last_round: None,
            actions: VecDeque::new(),
            next_request: 1,
            next_event: 1,
            next_seq: 1,
            log_recording: true,
            // A fresh random key per engine (privacy.rs); embedders may set their own.
            log_privacy: LogPrivacy::random(),
            disabled: false,
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
        self.registry.len()
    }

    /// Whether there are no registrations.
    pub fn is_empty(&self) -> bool {
        self.registry.len() == 0
    }

    /// Number of events in flight.
    pub fn in_flight(&self) -> usize {
        self.events.len()
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
        let due = self.due.first().map(|&(at, id, _)| {
            let reason = match self.registry.get(id).map(|r| r.place) {
                Some(registry::Place::Due(_, why)) => why,
                _ => WaitReason::PeriodicInterval,
            };
            Wakeup { at, reason: WakeReason::Due(reason) }
        });
        let deadline = self.deadlines.first().map(|&(at, _)| Wakeup { at, reason: WakeReason::EventDeadline });
        match (due, deadline) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// Processes everything due at `now`: retries and periodic events that
    /// became due, gates that opened, and event deadlines that passed. Harmless
    /// when nothing is due.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        let now = self.observe(now);
        if self.disabled {
            return;
        }
        while let Some(&(at, event)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.pop_first();
            self.expire_event(event);
        }
        while let Some(&(at, id, ticket)) = self.due.first() {
            if at > now {
                break;
            }
            self.due.pop_first();
            self.on_due(id, ticket);
        }
    }

    /// Records `now`, clamping a time that went backwards.
    fn observe(&mut self, now: Timestamp) -> Timestamp {
        if now < self.now {
            tracing::warn!(given = now.0, latest = self.now.0, "time went backwards; using the latest time seen");
        } else {
            self.now = now;
        }
        self.now
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
        let reg = self.registry.get(id)?;
        tracing::debug!(
            origin = %self.log_privacy.show(self.origins.get(reg.origin).origin.as_str()),
            tag = %self.log_privacy.show(&reg.tag),
            sw = reg.sw.0,
            event = event.name(reg.kind),
            ?metadata,
            "background sync"
        );
        if !self.log_recording {
            return None;
        }
        Some(LogRecord {
            time: self.now,
            origin: self.origins.get(reg.origin).origin.clone(),
            sw: reg.sw,
            kind: reg.kind,
            event,
            tag: reg.tag.clone(),
            metadata,
        })
    }

    /// The registration of worker `sw` with this kind and tag, looked up in the
    /// worker's own tag table.
    fn find_registration(&self, sw: SwRegId, kind: SyncKind, tag: &str) -> Option<RegId> {
        let worker = self.workers.get(&sw)?;
        worker.list(kind).find(self.registry.tag_hash(tag), |id| self.registry.has_tag(id, tag))
    }

    /// Files registration `id` in its worker's tag table, if the worker is known.
    fn file_registration(&mut self, id: RegId) {
        let Some(reg) = self.registry.get(id) else { return };
        let registry = &self.registry;
        if let Some(w) = self.workers.get_mut(&reg.sw) {
            w.list_mut(reg.kind).insert(reg.seq, id, registry.tag_hash(&reg.tag), |other| registry.tag_hash_of(other));
        }
    }

    fn persist_registration(&mut self, id: RegId) {
        if let Some(reg) = self.registry.get(id) {
            let row = reg.to_stored(&self.origins.get(reg.origin).origin);
            self.persist(Mutation::Put(row));
        }
    }

    /// The key of a registration, if it exists.
    fn key_of(&self, id: RegId) -> Option<RegistrationKey> {
        self.registry.get(id).map(|r| r.key())
    }
}
