//! A baseline scheduler written the way Chromium's `BackgroundSyncManager`
//! works (Chromium's `content/browser/background_sync/background_sync_manager.cc`), to measure the engine against.
//!
//! - **Data**: every registration of the profile in one map keyed by service
//!   worker registration id, each holding a map keyed by (tag, type), as
//!   `active_registrations_`.
//! - **Decisions scan everything**: `FireReadyEvents` runs
//!   `IsRegistrationReadyToFire` over every registration of the type;
//!   `ScheduleOrCancelDelayedProcessing` looks for any registration that could
//!   fire and computes the soonest wake-up over all of them;
//!   `GetNextEventDelay` looks for the soonest periodic event of the origin
//!   over all of them.
//! - **Writes rewrite the group**: each change re-encodes every registration
//!   of the worker into one blob ([`proto`]) and overwrites the stored value
//!   ([`backend`]).
//!
//! The op queue is implicit: every call runs to completion before returning,
//! except a `FireReadyEvents` batch, which dispatches one registration per
//! [`Baseline::poll_dispatch`] (Chromium dispatches each after an async
//! service worker lookup, re-checking connectivity; a registration whose
//! network went away meanwhile goes back to pending). `register` includes the
//! renderer's `DidResolveRegistration` that follows every successful one-shot
//! reply. Fire-time conditions, attempts, back-off and intervals come from
//! the same [`Policy`] the engine asks, so both make the same decisions.

pub mod backend;
mod events;
pub mod proto;
mod register;
pub mod registration;
mod scan;

use backend::{Backend, BackendError, DiscardBackend};
use registration::{Group, KindKey, RegKey};
use std::collections::{BTreeMap, HashMap, VecDeque};
use sync_core::{ClientId, Origin, SwRegId};
use sync_policy::{
    ConfigurablePolicy, Engagement, Environment, FrameType, NetworkState, PermissionName, PermissionState, Policy,
    Refusal, SyncKind, Timestamp,
};

/// Chromium's `min_sync_recovery_time` (6 min): wake-up cap while events are firing.
pub const MIN_SYNC_RECOVERY_TIME_MS: u64 = 6 * 60 * 1000;

/// Why a baseline call failed (Chromium's `BackgroundSyncStatus` values that matter here).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    /// `NO_SERVICE_WORKER`: unknown or inactive service worker registration.
    #[error("no active service worker")]
    NoServiceWorker,
    /// `NOT_ALLOWED` / `PERMISSION_DENIED`: the policy refused the registration.
    #[error("registration refused: {0:?}")]
    Refused(Refusal),
    /// `STORAGE_ERROR`: the caller is not of the worker's origin, or the manager is disabled.
    #[error("storage error")]
    Storage,
    /// The backend failed; the manager is now disabled.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// A blob did not decode at load.
    #[error(transparent)]
    Decode(#[from] proto::DecodeError),
    /// An unknown client or event.
    #[error("unknown client or event")]
    Unknown,
}

/// An event the baseline fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineDispatch {
    /// Report the outcome with this id.
    pub event: u64,
    /// The service worker registration.
    pub sw: SwRegId,
    /// The tag.
    pub tag: String,
    /// One-shot or periodic.
    pub kind: SyncKind,
    /// `lastChance` (`num_attempts == max_attempts - 1`).
    pub last_chance: bool,
}

/// A service worker registration as the service worker context knows it.
#[derive(Clone, Debug)]
pub(crate) struct WorkerInfo {
    pub(crate) origin: Origin,
    pub(crate) active: bool,
}

/// What the controller and the service worker context know about an origin.
#[derive(Clone, Debug)]
pub(crate) struct OriginInfo {
    pub(crate) clients_by_frame: [u32; 4],
    pub(crate) permissions: [PermissionState; 3],
    pub(crate) engagement: Engagement,
    pub(crate) registrations: usize,
}

impl Default for OriginInfo {
    fn default() -> Self {
        OriginInfo {
            clients_by_frame: [0; 4],
            permissions: [PermissionState::Unset; 3],
            engagement: sync_policy::DEFAULT_ENGAGEMENT,
            registrations: 0,
        }
    }
}

/// An event in flight: which registration it is for.
#[derive(Clone, Debug)]
pub(crate) struct InFlight {
    pub(crate) sw: SwRegId,
    pub(crate) key: RegKey,
}

/// A `FireReadyEvents` batch being dispatched.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) kind: KindKey,
    pub(crate) reschedule: bool,
    pub(crate) keys: VecDeque<(SwRegId, RegKey)>,
}

/// The Chromium-style scheduler. See the [module docs](self).
#[derive(Debug)]
pub struct Baseline<B: Backend = DiscardBackend, P: Policy = ConfigurablePolicy> {
    pub(crate) policy: P,
    pub(crate) now: Timestamp,
    pub(crate) started_at: Timestamp,
    /// `active_registrations_`.
    pub(crate) groups: BTreeMap<SwRegId, Group>,
    pub(crate) workers: HashMap<SwRegId, WorkerInfo>,
    pub(crate) origins: HashMap<Origin, OriginInfo>,
    pub(crate) clients: HashMap<ClientId, (Origin, FrameType)>,
    /// `emulated_offline_sw_`.
    pub(crate) emulated_offline: BTreeMap<SwRegId, u32>,
    pub(crate) env: Environment,
    pub(crate) events: HashMap<u64, InFlight>,
    pub(crate) next_event: u64,
    /// Events firing, per type.
    pub(crate) firing: [u32; 2],
    /// Delayed processing scheduled per type (the in-process timer's run time).
    pub(crate) delayed: [Option<Timestamp>; 2],
    pub(crate) batches: VecDeque<Batch>,
    pub(crate) backend: B,
    /// Reused encoding buffer.
    pub(crate) blob: Vec<u8>,
    pub(crate) disabled: bool,
}

impl<B: Backend, P: Policy> Baseline<B, P> {
    /// An empty manager at `now`, writing to `backend`.
    pub fn new(policy: P, now: Timestamp, backend: B) -> Baseline<B, P> {
        Baseline {
            policy,
            now,
            started_at: now,
            groups: BTreeMap::new(),
            workers: HashMap::new(),
            origins: HashMap::new(),
            clients: HashMap::new(),
            emulated_offline: BTreeMap::new(),
            env: Environment::default(),
            events: HashMap::new(),
            next_event: 1,
            firing: [0; 2],
            delayed: [None; 2],
            batches: VecDeque::new(),
            backend,
            blob: Vec::new(),
            disabled: false,
        }
    }

    /// Registrations held, both types.
    pub fn len(&self) -> usize {
        self.groups.values().map(|g| g.registrations.len()).sum()
    }

    /// Whether no registration is held.
    pub fn is_empty(&self) -> bool {
        self.groups.values().all(|g| g.registrations.is_empty())
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The backend, mutably.
    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// When delayed processing of `kind` is scheduled, if it is.
    pub fn scheduled(&self, kind: SyncKind) -> Option<Timestamp> {
        self.delayed[KindKey::of(kind).index()]
    }

    /// Events in flight.
    pub fn in_flight(&self) -> usize {
        self.events.len()
    }

    /// The policy.
    pub fn policy(&self) -> &P {
        &self.policy
    }

    pub(crate) fn observe(&mut self, now: Timestamp) {
        self.now = self.now.max(now);
    }

    pub(crate) fn origin_info(&mut self, origin: &Origin) -> &mut OriginInfo {
        self.origins.entry(origin.clone()).or_default()
    }

    /// A service worker registration exists (active or not).
    pub fn add_worker(&mut self, now: Timestamp, sw: SwRegId, origin: &str, active: bool) {
        self.observe(now);
        let origin = Origin::new(origin);
        self.origin_info(&origin);
        self.workers.insert(sw, WorkerInfo { origin, active });
    }

    /// A client of `origin` opened.
    pub fn client_opened(&mut self, now: Timestamp, client: ClientId, origin: &str, frame: FrameType) {
        self.observe(now);
        let origin = Origin::new(origin);
        self.origin_info(&origin).clients_by_frame[frame.index()] += 1;
        self.clients.insert(client, (origin, frame));
    }

    /// A permission of `origin` changed (the controller's view).
    pub fn set_permission(&mut self, origin: &str, name: PermissionName, state: PermissionState) {
        self.origin_info(&Origin::new(origin)).permissions[name.index()] = state;
    }

    /// `OnNetworkChanged`: when the network is now sufficient, `FireReadyEvents`
    /// for both types. Going offline triggers nothing.
    pub fn set_network(&mut self, now: Timestamp, network: NetworkState) {
        self.observe(now);
        let changed = self.env.network != network;
        self.env.network = network;
        if changed && network.online {
            self.fire_ready_events(KindKey::OneShot, true);
            self.fire_ready_events(KindKey::Periodic, true);
        }
    }

    /// DevTools offline emulation of one worker (`EmulateServiceWorkerOffline`).
    pub fn emulate_offline(&mut self, now: Timestamp, sw: SwRegId, offline: bool) {
        self.observe(now);
        if offline {
            *self.emulated_offline.entry(sw).or_default() += 1;
            return;
        }
        if let Some(count) = self.emulated_offline.get_mut(&sw) {
            *count -= 1;
            if *count == 0 {
                self.emulated_offline.remove(&sw);
            }
        }
        self.fire_ready_events(KindKey::OneShot, true);
        self.fire_ready_events(KindKey::Periodic, true);
    }

    /// `OnRegistrationDeleted`: the service worker registration went away, and
    /// its stored value with it.
    pub fn worker_unregistered(&mut self, now: Timestamp, sw: SwRegId) -> Result<(), BaselineError> {
        self.observe(now);
        self.workers.remove(&sw);
        if let Some(group) = self.groups.remove(&sw) {
            if let Some(origin) = &group.origin {
                let info = self.origin_info(origin);
                info.registrations = info.registrations.saturating_sub(group.registrations.len());
            }
            self.backend.delete(sw)?;
        }
        Ok(())
    }

    /// The in-process timer: runs `FireReadyEvents` for each type whose
    /// delayed processing is due.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.observe(now);
        for kind in [KindKey::OneShot, KindKey::Periodic] {
            if self.delayed[kind.index()].is_some_and(|at| at <= self.now) {
                self.delayed[kind.index()] = None;
                self.fire_ready_events(kind, true);
            }
        }
    }

    /// Start-up (`InitImpl`): takes every group as loaded, marks their workers
    /// active, then runs `FireReadyEvents` for both types.
    pub fn restore(&mut self, groups: impl IntoIterator<Item = (SwRegId, Group)>) {
        for (sw, group) in groups {
            if let Some(origin) = group.origin.clone() {
                self.origin_info(&origin).registrations += group.registrations.len();
                self.workers.entry(sw).or_insert(WorkerInfo { origin, active: true });
            }
            self.groups.insert(sw, group);
        }
        self.fire_ready_events(KindKey::OneShot, true);
        self.fire_ready_events(KindKey::Periodic, true);
    }

    /// Start-up from the backend: decodes every stored value, then [`restore`](Self::restore)s.
    pub fn load(&mut self) -> Result<(), BaselineError> {
        let fallback = self.policy.max_attempts(PermissionState::Unset);
        let values = self.backend.load_all()?;
        let mut groups = Vec::with_capacity(values.len());
        for (sw, blob) in values {
            groups.push((sw, proto::decode_group(&blob, fallback)?));
        }
        self.restore(groups);
        Ok(())
    }

    /// `StoreRegistrations(sw)`: re-encodes every registration of the worker
    /// and overwrites its stored value. A failure disables the manager.
    pub(crate) fn store_group(&mut self, sw: SwRegId) -> Result<(), BaselineError> {
        let Some(group) = self.groups.get(&sw) else { return Ok(()) };
        proto::encode_group(group, &mut self.blob);
        match self.backend.store(sw, &self.blob) {
            Ok(()) => Ok(()),
            Err(e) => {
                // DisableAndClearManager.
                self.disabled = true;
                self.groups.clear();
                Err(BaselineError::Backend(e))
            }
        }
    }
}
