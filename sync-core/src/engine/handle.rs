//! [`Engine::handle`]: the one entry point for every [`Input`].
//!
//! Each arm hands the input to the spec algorithm or environment handler that
//! owns it; the algorithms cite their spec steps where they live.

use super::Engine;
use crate::error::SyncError;
use crate::input::{Handled, Input};
use sync_policy::{Policy, Timestamp};

impl<P: Policy> Engine<P> {
    /// Feeds one input that happened at wall-clock time `now`.
    ///
    /// Page calls are always accepted here (`Handled::Request`) and answered
    /// through `Action::Reply`, queued after the `Persist` they depend on.
    /// Other inputs either apply (`Handled::Applied`, or `Handled::Dispatched`
    /// for `DispatchNow`) or are refused with a [`SyncError`], leaving the
    /// engine unchanged. Drain [`Engine::poll_action`] afterwards.
    #[inline]
    pub fn handle(&mut self, now: Timestamp, input: Input) -> Result<Handled, SyncError> {
        // The hot inputs (a page's register, an event's outcome) are matched
        // here, inlined into the caller, so they go straight to their handler
        // as the per-method calls did; every other input goes through one
        // out-of-line match. Measured with `benches/examples/op_counts.rs`
        // (`benches/README.md`, "The cost of the single input seam").
        match input {
            Input::Register { caller, sw, tag } => Ok(Handled::Request(self.register(now, caller, sw, tag))),
            Input::EventFinished { event, outcome } => {
                self.event_finished(now, event, outcome).map(|()| Handled::Applied)
            }
            other => self.handle_other(now, other),
        }
    }

    /// Every input but the hot ones [`Engine::handle`] matches inline.
    #[inline(never)]
    fn handle_other(&mut self, now: Timestamp, input: Input) -> Result<Handled, SyncError> {
        match input {
            Input::Register { caller, sw, tag } => Ok(Handled::Request(self.register(now, caller, sw, tag))),
            Input::GetTags { caller, sw, kind } => Ok(Handled::Request(self.get_tags(now, caller, sw, kind))),
            Input::RegisterPeriodic { caller, sw, tag, min_interval } => {
                Ok(Handled::Request(self.register_periodic(now, caller, sw, tag, min_interval)))
            }
            Input::UnregisterPeriodic { caller, sw, tag } => {
                Ok(Handled::Request(self.unregister_periodic(now, caller, sw, &tag)))
            }
            Input::Network(state) => {
                self.set_network(now, state);
                Ok(Handled::Applied)
            }
            Input::Power(state) => {
                self.set_power(now, state);
                Ok(Handled::Applied)
            }
            Input::Permission { origin, name, state } => {
                self.set_permission(now, &origin, name, state);
                Ok(Handled::Applied)
            }
            Input::Engagement { origin, level } => {
                self.set_engagement(now, &origin, level);
                Ok(Handled::Applied)
            }
            Input::ClientOpened { client, origin, frame } => {
                self.client_opened(now, client, &origin, frame).map(|()| Handled::Applied)
            }
            Input::ClientClosed(client) => self.client_closed(now, client).map(|()| Handled::Applied),
            Input::AddWorker { sw, origin, active } => {
                self.add_worker(now, sw, &origin, active).map(|()| Handled::Applied)
            }
            Input::WorkerActivated(sw) => self.worker_activated(now, sw).map(|()| Handled::Applied),
            Input::WorkerUnregistered(sw) => self.worker_unregistered(now, sw).map(|()| Handled::Applied),
            Input::OriginCleared(origin) => {
                self.origin_cleared(now, &origin);
                Ok(Handled::Applied)
            }
            Input::StorageFailed { reason } => {
                self.storage_failed(now, &reason);
                Ok(Handled::Applied)
            }
            Input::EventFinished { event, outcome } => {
                self.event_finished(now, event, outcome).map(|()| Handled::Applied)
            }
            Input::StorageWiped {} => {
                self.storage_wiped(now);
                Ok(Handled::Applied)
            }
            Input::Switch { enabled } => {
                self.switch(now, enabled);
                Ok(Handled::Applied)
            }
            Input::EmulateOffline { sw, offline } => self.emulate_offline(now, sw, offline).map(|()| Handled::Applied),
            Input::DispatchNow(key) => self.dispatch_now(now, &key).map(Handled::Dispatched),
            Input::DispatchSynthetic { sw, kind, tag, last_chance } => {
                self.dispatch_synthetic(now, sw, kind, &tag, last_chance).map(Handled::Dispatched)
            }
        }
    }
}
