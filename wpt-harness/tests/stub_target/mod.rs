//! A target that forwards the required calls to the engine target and keeps
//! every optional one at its default (not observable), with a switch that
//! makes its clock ask to be woken forever.
#![allow(dead_code)]

use sync_core::{Caller, ClientId, SwRegId};
use sync_policy::{EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, Timestamp};
use wpt_harness::scenario::Call;
use wpt_harness::targets::{EngineTarget, EventHandle, Observation, Reply, Setup, Target, TargetError};

/// The embedder-style target.
#[derive(Default)]
pub struct Minimal {
    pub inner: EngineTarget,
    /// When set, `next_wakeup` always answers "now": a target that never settles.
    pub stuck: bool,
}

impl Target for Minimal {
    fn name(&self) -> &str {
        "minimal"
    }
    fn product(&self) -> (String, String) {
        ("minimal".into(), "0".into())
    }
    fn begin(&mut self, setup: &Setup) -> Result<(), TargetError> {
        self.inner.begin(setup)
    }
    fn now(&self) -> Timestamp {
        self.inner.now()
    }
    fn next_wakeup(&self) -> Option<Timestamp> {
        if self.stuck { Some(self.inner.now()) } else { self.inner.next_wakeup() }
    }
    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError> {
        self.inner.advance_to(at)
    }
    fn take_observations(&mut self) -> Vec<Observation> {
        self.inner.take_observations()
    }
    fn add_worker(&mut self, sw: SwRegId, origin: &str, active: bool) -> Result<(), TargetError> {
        self.inner.add_worker(sw, origin, active)
    }
    fn activate_worker(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.inner.activate_worker(sw)
    }
    fn unregister_worker(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.inner.unregister_worker(sw)
    }
    fn open_client(&mut self, client: ClientId, origin: &str, frame: FrameType) -> Result<(), TargetError> {
        self.inner.open_client(client, origin, frame)
    }
    fn close_client(&mut self, client: ClientId) -> Result<(), TargetError> {
        self.inner.close_client(client)
    }
    fn set_network(&mut self, network: NetworkState) -> Result<(), TargetError> {
        self.inner.set_network(network)
    }
    fn set_permission(
        &mut self,
        origin: &str,
        name: PermissionName,
        state: PermissionState,
    ) -> Result<(), TargetError> {
        self.inner.set_permission(origin, name, state)
    }
    fn clear_origin(&mut self, origin: &str) -> Result<(), TargetError> {
        self.inner.clear_origin(origin)
    }
    fn restart(&mut self, at: Timestamp) -> Result<(), TargetError> {
        self.inner.restart(at)
    }
    fn call(&mut self, caller: Caller, sw: SwRegId, call: &Call) -> Result<Reply, TargetError> {
        self.inner.call(caller, sw, call)
    }
    fn settle(&mut self, event: EventHandle, outcome: EventOutcome) -> Result<(), TargetError> {
        self.inner.settle(event, outcome)
    }
}
