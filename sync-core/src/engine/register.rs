//! Page-side calls of `SyncManager`: `register(tag)` and `getTags()`, plus the
//! caller checks shared with `PeriodicSyncManager`.
//!
//! Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-register>

use super::Engine;
use super::origins::{OriginIdx, Worker};
use super::registry::{Phase, Place, RegId, Registration};
use crate::action::{DomError, DomErrorName, ReplyValue};
use crate::ids::{Caller, RequestId, SwRegId, Tag};
use crate::log::LogEvent;
use crate::store::Mutation;
use std::sync::Arc;
use sync_policy::{Millis, PermissionName, Policy, RegisterContext, SyncKind, TagOrder, Timestamp, WaitingReregister};

pub(super) const NO_ACTIVE_WORKER: &str = "Registration failed - no active Service Worker";
pub(super) const DISABLED: &str = "Background Sync is disabled.";
const DETACHED: &str = "The calling context is detached: its client was closed.";
const ORDERS_USED_UP: &str = "Registration failed - the stored registration order numbers are used up.";
const CROSS_ORIGIN: &str = "The service worker registration belongs to another origin than the caller.";

impl<P: Policy> Engine<P> {
    /// Checks who is calling: a closed client is a detached context, and a
    /// caller of another origin than the registration may not touch it
    /// (origins are isolated). `origin` is the registration's origin, if known.
    pub(super) fn check_caller(&self, caller: Caller, origin: Option<OriginIdx>) -> Result<(), DomError> {
        let caller_origin = match caller {
            Caller::Embedder => return Ok(()),
            Caller::Client(c) => match self.clients.get(&c) {
                Some(info) => info.origin,
                None => return Err(DomError::new(DomErrorName::InvalidStateError, DETACHED)),
            },
            Caller::Worker(w) => match self.workers.get(&w) {
                Some(worker) => worker.origin,
                None => return Err(DomError::new(DomErrorName::InvalidStateError, DETACHED)),
            },
        };
        match origin {
            Some(o) if o != caller_origin => Err(DomError::new(DomErrorName::SecurityError, CROSS_ORIGIN)),
            _ => Ok(()),
        }
    }

    /// Common start of both `register()` algorithms: steps 1 to 6.
    pub(super) fn register_preamble(
        &mut self,
        request: RequestId,
        caller: Caller,
        sw: SwRegId,
        kind: SyncKind,
        tag: &str,
    ) -> Option<(OriginIdx, Option<RegId>)> {
        if self.disabled {
            self.reject(request, DomErrorName::UnknownError, DISABLED);
            return None;
        }
        // spec: register, step 1: the manager's service worker registration.
        let worker = self.workers.get(&sw);
        if let Err(e) = self.check_caller(caller, worker.map(|w| w.origin)) {
            self.reply(request, Err(e));
            return None;
        }
        // spec: register, step 2: no active worker -> InvalidStateError.
        let Some(&Worker { origin, active: true, .. }) = worker else {
            self.reject(request, DomErrorName::InvalidStateError, NO_ACTIVE_WORKER);
            return None;
        };
        // spec: register, steps 3-6 (permission, then the window-client check) and the
        // UA's tag-length and quota limits, in the policy's order.
        let state = self.origins.get(origin);
        // spec: register, step 7 (looked up here once: the quota ignores existing tags).
        let existing = self.find_registration(sw, kind, tag);
        let ctx = RegisterContext {
            kind,
            permission: state.permission(PermissionName::for_kind(kind)),
            clients_by_frame: state.clients_by_frame,
            tag_len: tag.len(),
            tag_exists: existing.is_some(),
            origin_registrations: state.registrations,
        };
        if let Err(refusal) = self.policy.check_register(&ctx) {
            let name = DomErrorName::parse(refusal.dom_exception()).unwrap_or(DomErrorName::UnknownError);
            self.reject(request, name, refusal.message());
            return None;
        }
        Some((origin, existing))
    }

    /// `registration.sync.register(tag)`. The answer comes as `Action::Reply`,
    /// after the `Persist` it depends on.
    pub fn register(&mut self, now: Timestamp, caller: Caller, sw: SwRegId, tag: &str) -> RequestId {
        self.observe(now);
        let request = self.next_request();
        let Some((origin, existing)) = self.register_preamble(request, caller, sw, SyncKind::OneOff, tag) else {
            return request;
        };
        // spec: register, step 7: the registration with this tag, if any.
        match existing {
            Some(id) => self.reregister_one_off(request, id),
            None => self.create_one_off(request, sw, origin, tag),
        }
        request
    }

    /// spec: register, step 8 (the tag exists).
    fn reregister_one_off(&mut self, request: RequestId, id: RegId) {
        let waiting_rule = self.policy.waiting_reregister();
        let Some(reg) = self.registry.get_mut(id) else { return };
        let mut refire = false;
        match reg.phase {
            // spec: register, step 8.1: waiting -> pending (UA choice: the attempt count is kept,
            // so re-registering cannot buy unlimited retries).
            Phase::Waiting if waiting_rule == WaitingReregister::Spec => {
                reg.phase = Phase::Pending;
                reg.due = Timestamp(0);
                refire = true;
            }
            // spec: register, step 8.2: firing -> reregisteredWhileFiring.
            Phase::Firing(e) => reg.phase = Phase::ReregisteredWhileFiring(e),
            _ => {}
        }
        if refire {
            self.persist_registration(id);
        }
        // spec: register, step 8.3: resolve.
        self.reply(request, Ok(ReplyValue::Registered));
        // spec: register, step 8.4: if online and pending, fire (placement decides).
        if refire {
            self.place(id);
        }
    }

    /// spec: register, step 9 (a new tag).
    fn create_one_off(&mut self, request: RequestId, sw: SwRegId, origin: OriginIdx, tag: &str) {
        if self.orders_used_up(request) {
            return;
        }
        let notifications = self.origins.get(origin).permission(PermissionName::Notifications);
        let max_attempts = self.policy.max_attempts(notifications);
        // spec: register, steps 9.1-9.4: a new pending registration, appended to the list.
        let id = self.insert_registration(sw, SyncKind::OneOff, Arc::from(tag), origin, max_attempts, Millis::ZERO);
        // Durable before acknowledged: the reply is queued after its Persist.
        self.persist_registration(id);
        // spec: register, step 9.5: resolve.
        self.reply(request, Ok(ReplyValue::Registered));
        self.log(id, LogEvent::Registered, Vec::new());
        // spec: register, step 9.6: if online, fire (placement decides).
        self.place(id);
    }

    /// Whether no registration order number is left to hand out (only after a
    /// restore from a store holding numbers near `u64::MAX`); then `request`
    /// is rejected, so a number in use is never handed out again.
    pub(super) fn orders_used_up(&mut self, request: RequestId) -> bool {
        if self.next_seq < u64::MAX {
            return false;
        }
        tracing::error!("registration order numbers are used up; refusing a new registration");
        self.reject(request, DomErrorName::UnknownError, ORDERS_USED_UP);
        true
    }

    /// Adds a new pending registration to the table, its worker's list and its origin's count.
    pub(super) fn insert_registration(
        &mut self,
        sw: SwRegId,
        kind: SyncKind,
        tag: Tag,
        origin: OriginIdx,
        max_attempts: u32,
        min_interval: Millis,
    ) -> RegId {
        let seq = self.next_seq;
        // Callers check `orders_used_up` first; saturating, never wrapping to a used number.
        self.next_seq = self.next_seq.saturating_add(1);
        let id = self.registry.insert(Registration {
            sw,
            kind,
            tag,
            origin,
            phase: Phase::Pending,
            attempts: 0,
            max_attempts,
            due: Timestamp(0),
            seq,
            min_interval,
            anchor: self.now,
            bypass_gates: false,
            place: Place::Idle,
            ticket: 0,
        });
        self.file_registration(id);
        self.origins.get_mut(origin).registrations += 1;
        id
    }

    /// Removes a registration from every structure. Does not persist: the
    /// caller emits the matching `Mutation`.
    pub(super) fn remove_registration(&mut self, id: RegId) {
        self.unplace(id);
        let Some(reg) = self.registry.remove(id) else { return };
        if reg.kind == SyncKind::Periodic {
            self.origins.get_mut(reg.origin).periodic_due.remove(&(reg.due, id));
        }
        let hash = self.registry.tag_hash(&reg.tag);
        if let Some(w) = self.workers.get_mut(&reg.sw) {
            w.list_mut(reg.kind).remove(reg.seq, id, hash);
        }
        let origin = self.origins.get_mut(reg.origin);
        origin.registrations = origin.registrations.saturating_sub(1);
    }

    /// Removes a registration, persists the deletion, then logs `event` with the
    /// outcome's status (the record follows the persist it describes).
    pub(super) fn delete_registration_logged(
        &mut self,
        id: RegId,
        event: LogEvent,
        outcome: sync_policy::EventOutcome,
    ) {
        let record = self.log_record(id, event, vec![("Status", outcome.devtools_status().to_string())]);
        self.delete_registration(id);
        if let Some(record) = record {
            self.actions.push_back(crate::action::Action::Log(record));
        }
    }

    /// Removes a registration and persists the deletion.
    pub(super) fn delete_registration(&mut self, id: RegId) {
        if let Some(key) = self.key_of(id) {
            self.remove_registration(id);
            self.persist(Mutation::Delete(key));
        }
    }

    /// `registration.sync.getTags()` or `registration.periodicSync.getTags()`.
    pub fn get_tags(&mut self, now: Timestamp, caller: Caller, sw: SwRegId, kind: SyncKind) -> RequestId {
        self.observe(now);
        let request = self.next_request();
        if self.disabled {
            self.reject(request, DomErrorName::UnknownError, DISABLED);
            return request;
        }
        // spec: getTags, step 1: the manager's service worker registration.
        let worker = self.workers.get(&sw);
        if let Err(e) = self.check_caller(caller, worker.map(|w| w.origin)) {
            self.reply(request, Err(e));
            return request;
        }
        // spec: getTags, steps 2-3: every registration's tag, in list order.
        let mut tags: Vec<Tag> = worker
            .map(|w| w.list(kind).values().filter_map(|id| self.registry.get(id).map(|r| r.tag.clone())).collect())
            .unwrap_or_default();
        // UA choice: order (sync-policy `tag_order`: insertion per spec, sorted in Chromium).
        if self.policy.tag_order() == TagOrder::Sorted {
            tags.sort();
        }
        // spec: getTags, step 4: resolve with the tags.
        self.reply(request, Ok(ReplyValue::Tags(tags)));
        request
    }
}
