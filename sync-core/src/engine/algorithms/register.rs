//! `SyncManager.register(tag)`, plus the caller checks and register steps
//! shared with `PeriodicSyncManager`.
//!
//! Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-register>

use crate::action::{DomError, DomErrorName, ReplyValue};
use crate::engine::Engine;
use crate::engine::index::{OriginIdx, RegId};
use crate::engine::table::{DUE_NOW, NewRegistration, Phase};
use crate::ids::{Caller, RequestId, SwRegId, Tag};
use crate::log::LogEvent;
use sync_policy::{Millis, PermissionName, Policy, RegisterContext, SyncKind, Timestamp, WaitingReregister};

pub(in crate::engine) const NO_ACTIVE_WORKER: &str = "Registration failed - no active Service Worker";
pub(in crate::engine) const DISABLED: &str = crate::action::DISABLED_MESSAGE;
const DETACHED: &str = "The calling context is detached: its client was closed.";
const ORDERS_USED_UP: &str = "Registration failed - the stored registration order numbers are used up.";
const CROSS_ORIGIN: &str = "The service worker registration belongs to another origin than the caller.";

impl<P: Policy> Engine<P> {
    /// Checks who is calling: a closed client is a detached context, and a
    /// caller of another origin than the registration may not touch it
    /// (origins are isolated). `origin` is the registration's origin, if known.
    pub(in crate::engine) fn check_caller(&self, caller: Caller, origin: Option<OriginIdx>) -> Result<(), DomError> {
        let caller_origin = match caller {
            Caller::Embedder => return Ok(()),
            Caller::Client(c) => match self.clients.get(&c) {
                Some(info) => info.origin,
                None => return Err(DomError::new(DomErrorName::InvalidStateError, DETACHED)),
            },
            Caller::Worker(w) => match self.table.worker(w) {
                Some(worker) => worker.origin(),
                None => return Err(DomError::new(DomErrorName::InvalidStateError, DETACHED)),
            },
        };
        match origin {
            Some(o) if o != caller_origin => Err(DomError::new(DomErrorName::SecurityError, CROSS_ORIGIN)),
            _ => Ok(()),
        }
    }

    /// Common start of both `register()` algorithms: steps 1 to 6.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-register>
    /// Spec: <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-register>
    #[inline]
    pub(in crate::engine) fn register_preamble(
        &mut self,
        request: RequestId,
        caller: Caller,
        sw: SwRegId,
        kind: SyncKind,
        tag: &str,
    ) -> Option<(OriginIdx, Option<RegId>)> {
        // spec: register, step 1: the manager's service worker registration.
        let worker = self.table.worker(sw);
        if let Err(e) = self.check_caller(caller, worker.map(|w| w.origin())) {
            self.reply(request, Err(e));
            return None;
        }
        // spec: register, step 2: no active worker -> InvalidStateError.
        let Some(origin) = worker.filter(|w| w.active).map(|w| w.origin()) else {
            self.reject(request, DomErrorName::InvalidStateError, NO_ACTIVE_WORKER);
            return None;
        };
        // A disabled engine (storage failure, or the embedder's switch) answers after the
        // active-worker check: Chromium's renderer throws InvalidStateError before asking the
        // browser's manager, which answers STORAGE_ERROR (UnknownError).
        if self.refuses_calls() {
            self.reject(request, DomErrorName::UnknownError, DISABLED);
            return None;
        }
        // spec: register, steps 3-6 (permission, then the window-client check) and the
        // UA's tag-length and quota limits, in the policy's order.
        let state = self.table.origin(origin);
        // spec: register, step 7 (looked up here once: the quota ignores existing tags).
        let existing = self.table.find(sw, kind, tag);
        let ctx = RegisterContext {
            kind,
            permission: self.linked_permission(origin, PermissionName::for_kind(kind)),
            clients_by_frame: state.clients_by_frame,
            tag_len: tag.len(),
            tag_exists: existing.is_some(),
            origin_registrations: state.registrations(),
            origin_tag_bytes: state.tag_bytes(),
        };
        if let Err(refusal) = self.policy.check_register(&ctx) {
            self.reject(request, DomErrorName::from(refusal.dom_exception()), refusal.message());
            return None;
        }
        Some((origin, existing))
    }

    /// `registration.sync.register(tag)`. The answer comes as `Action::Reply`,
    /// after the `Persist` it depends on.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-register>
    pub(in crate::engine) fn register(&mut self, now: Timestamp, caller: Caller, sw: SwRegId, tag: Tag) -> RequestId {
        self.observe(now);
        let request = self.next_request();
        let Some((origin, existing)) = self.register_preamble(request, caller, sw, SyncKind::OneOff, &tag) else {
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
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-register>
    fn reregister_one_off(&mut self, request: RequestId, id: RegId) {
        let waiting_rule = self.policy.waiting_reregister();
        let Some(reg) = self.table.get_mut(id) else { return };
        let mut refire = false;
        match reg.phase {
            // spec: register, step 8.1: waiting -> pending (UA choice: the attempt count is kept,
            // so re-registering cannot buy unlimited retries).
            Phase::Waiting if waiting_rule == WaitingReregister::Spec => {
                reg.phase = Phase::Pending;
                refire = true;
            }
            // spec: register, step 8.2: firing -> reregisteredWhileFiring.
            Phase::Firing => reg.phase = Phase::ReregisteredWhileFiring,
            _ => {}
        }
        if refire {
            self.table.set_due(id, DUE_NOW);
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
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-register>
    fn create_one_off(&mut self, request: RequestId, sw: SwRegId, origin: OriginIdx, tag: Tag) {
        if self.orders_used_up(request) {
            return;
        }
        let notifications = self.table.origin(origin).permission(PermissionName::Notifications);
        let max_attempts = self.policy.max_attempts(notifications);
        // spec: register, steps 9.1-9.4: a new pending registration, appended to the list.
        let id = self.table.insert(NewRegistration {
            sw,
            kind: SyncKind::OneOff,
            tag,
            origin,
            max_attempts,
            min_interval: Millis::ZERO,
            anchor: self.now,
        });
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
    pub(in crate::engine) fn orders_used_up(&mut self, request: RequestId) -> bool {
        if self.table.orders_left() {
            return false;
        }
        tracing::error!("registration order numbers are used up; refusing a new registration");
        self.reject(request, DomErrorName::UnknownError, ORDERS_USED_UP);
        true
    }
}
