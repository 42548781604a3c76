//! A target that forwards the required calls to the engine target and keeps
//! every optional observer at its default (not observable), with a switch
//! that makes its clock ask to be woken forever.
#![allow(dead_code)]

use sync_policy::Timestamp;
use wpt_harness::targets::{EngineTarget, Observation, Outcome, Setup, Target, TargetError, TargetInput};

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
    fn apply(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        self.inner.apply(input)
    }
}
