//! The persist-before-release protocol: the one rule every driver of the
//! engine follows between [`Engine::poll_action`] and the outside world.
//!
//! # The rule
//!
//! The engine queues its actions in order. [`Action::Persist`] mutations go
//! into a batch that is written with one [`Store::apply`] call (group commit).
//! Every other action is an [`Effect`] the outside world sees (a reply to a
//! page, a dispatched event, a log record), and:
//!
//! - an effect queued **after** a `Persist` is released only once the batch
//!   holding that persist has committed;
//! - an effect queued when every earlier persist has already committed (in
//!   particular, before any persist at all) is released at once;
//! - effects are released in the order the engine queued them.
//!
//! So a page sees `register()` resolve only once its registration is on disk,
//! an event never fires for a registration the store has not seen, and a log
//! record never describes a change the store may lose. The engine's part of
//! the contract is to queue each effect after the persist it depends on.
//!
//! # A failed commit
//!
//! A batch is atomic, so a failed commit stored nothing of it. The queue feeds
//! [`Input::StorageFailed`] to the engine, which disables itself until it is
//! restored from the store. Then:
//!
//! - every held reply is released as an `UnknownError` rejection with the
//!   [`DomError::DISABLED`] text;
//! - held dispatches and held logs are dropped (the disabled engine has
//!   forgotten the events, and the logs describe changes that were not
//!   stored), and so is the batch not yet handed out;
//! - from then on persists are dropped and only replies are released (the
//!   disabled engine rejects every page call).
//!
//! # Two ways to drive it
//!
//! - Synchronous: [`CommitQueue::drain_and_commit`] (or [`drain_committed`]):
//!   take the engine's actions, write the batch, release.
//! - Split, for a driver that writes elsewhere (a blocking thread) while it
//!   keeps taking inputs: [`CommitQueue::absorb`] after every input,
//!   [`CommitQueue::next_batch`] when no batch is in flight, then
//!   [`CommitQueue::finish`] with the write's outcome. Only one batch is in
//!   flight at a time, so batches land in the engine's order.

use crate::action::{Action, Dispatch, DomError, ReplyValue};
use crate::engine::Engine;
use crate::ids::RequestId;
use crate::input::Input;
use crate::log::LogRecord;
use crate::store::{Mutation, Store, StoreError};
use std::collections::VecDeque;
use sync_policy::Policy;

/// An action the outside world sees, released only once what it depends on
/// is durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The answer to a page call.
    Reply {
        /// The call.
        request: RequestId,
        /// Its result.
        result: Result<ReplyValue, DomError>,
    },
    /// Fire an event.
    Dispatch(Dispatch),
    /// A DevTools-style log record.
    Log(LogRecord),
}

impl From<Effect> for Action {
    fn from(effect: Effect) -> Action {
        match effect {
            Effect::Reply { request, result } => Action::Reply { request, result },
            Effect::Dispatch(d) => Action::Dispatch(d),
            Effect::Log(record) => Action::Log(record),
        }
    }
}

/// Mutations handed out to be written as one [`Store::apply`] call.
#[derive(Debug)]
#[must_use = "a batch must be written and its outcome passed to `CommitQueue::finish`"]
pub struct Batch {
    mutations: Vec<Mutation>,
    /// The persist count reached once this batch is committed.
    upto: u64,
}

impl Batch {
    /// The mutations, in the engine's order.
    pub fn mutations(&self) -> &[Mutation] {
        &self.mutations
    }

    /// Writes the batch to `store` in one `apply`.
    pub fn write<S: Store + ?Sized>(&self, store: &mut S) -> Result<(), StoreError> {
        store.apply(&self.mutations)
    }
}

/// The store write failed: the engine is now disabled.
#[derive(Debug, thiserror::Error)]
#[error("group commit failed, background sync is disabled: {error}")]
pub struct CommitFailed {
    /// What the store reported.
    pub error: StoreError,
    /// The effects still to deliver, in order: the held replies (as
    /// `UnknownError` rejections), and any rejection the disabled engine queued.
    pub effects: Vec<Effect>,
}

/// The persist-before-release bookkeeping (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct CommitQueue {
    /// Mutations not yet handed out, in order.
    batch: Vec<Mutation>,
    /// Persists accepted so far.
    persisted: u64,
    /// Persists the store has committed.
    committed: u64,
    /// Whether a batch is handed out and not yet finished.
    in_flight: bool,
    /// Effects waiting for a commit, each with the persist count it needs.
    held: VecDeque<(u64, Effect)>,
    /// A commit failed: nothing more is written.
    failed: bool,
}

impl CommitQueue {
    /// An empty queue.
    pub fn new() -> CommitQueue {
        CommitQueue::default()
    }

    /// Files one action the engine queued. Returns the effect when it can be
    /// released at once; otherwise holds it (or batches the mutation).
    pub fn push(&mut self, action: Action) -> Option<Effect> {
        let effect = match action {
            Action::Persist(m) => {
                if self.failed {
                    tracing::warn!("the store failed earlier; a mutation is not written");
                } else {
                    self.batch.push(m);
                    self.persisted += 1;
                }
                return None;
            }
            Action::Reply { request, result } => Effect::Reply { request, result },
            Action::Dispatch(_) | Action::Log(_) if self.failed => return None,
            Action::Dispatch(d) => Effect::Dispatch(d),
            Action::Log(record) => Effect::Log(record),
        };
        if self.persisted <= self.committed {
            return Some(effect);
        }
        self.held.push_back((self.persisted, effect));
        None
    }

    /// Drains every action the engine queued; returns the effects released
    /// at once, in order.
    pub fn absorb<P: Policy>(&mut self, engine: &mut Engine<P>) -> Vec<Effect> {
        let mut out = Vec::new();
        while let Some(action) = engine.poll_action() {
            out.extend(self.push(action));
        }
        out
    }

    /// Whether mutations wait to be handed out.
    pub fn has_batch(&self) -> bool {
        !self.batch.is_empty()
    }

    /// Whether a batch is handed out and not finished.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Whether effects wait for a commit.
    pub fn has_held(&self) -> bool {
        !self.held.is_empty()
    }

    /// Hands out everything batched so far, unless a batch is already in
    /// flight or there is nothing to write.
    pub fn next_batch(&mut self) -> Option<Batch> {
        if self.in_flight || self.batch.is_empty() {
            return None;
        }
        self.in_flight = true;
        Some(Batch { mutations: std::mem::take(&mut self.batch), upto: self.persisted })
    }

    /// The outcome of writing `batch`. On success, returns the effects that
    /// waited for it, in order. On failure, disables the engine
    /// ([`Input::StorageFailed`]) and returns what is still to deliver (see
    /// the [module docs](self)).
    pub fn finish<P: Policy>(
        &mut self,
        engine: &mut Engine<P>,
        batch: Batch,
        outcome: Result<(), StoreError>,
    ) -> Result<Vec<Effect>, CommitFailed> {
        self.in_flight = false;
        match outcome {
            Ok(()) => {
                self.committed = self.committed.max(batch.upto);
                let mut out = Vec::new();
                while self.held.front().is_some_and(|(needs, _)| *needs <= self.committed) {
                    out.extend(self.held.pop_front().map(|(_, e)| e));
                }
                Ok(out)
            }
            Err(error) => Err(self.fail(engine, error)),
        }
    }

    /// Disables the engine after a store failure (also usable when the store
    /// itself was lost): drops every batch and held effect except the
    /// replies, which become `UnknownError` rejections.
    pub fn fail<P: Policy>(&mut self, engine: &mut Engine<P>, error: StoreError) -> CommitFailed {
        let now = engine.now();
        // Refusals of StorageFailed are impossible; the result carries nothing to act on.
        let _ = engine.handle(now, Input::StorageFailed { reason: error.to_string() });
        self.failed = true;
        self.in_flight = false;
        self.batch.clear();
        self.committed = self.persisted;
        let mut effects: Vec<Effect> = self
            .held
            .drain(..)
            .filter_map(|(_, e)| match e {
                Effect::Reply { request, .. } => Some(Effect::Reply { request, result: Err(DomError::DISABLED) }),
                Effect::Dispatch(_) | Effect::Log(_) => None,
            })
            .collect();
        effects.extend(self.absorb(engine));
        CommitFailed { error, effects }
    }

    /// The synchronous protocol: drains the engine, writes every queued
    /// mutation in one `apply` (none when there are none), and returns the
    /// effects in the engine's order once they may go out.
    pub fn drain_and_commit<P: Policy, S: Store + ?Sized>(
        &mut self,
        engine: &mut Engine<P>,
        store: &mut S,
    ) -> Result<Vec<Effect>, CommitFailed> {
        let mut out = self.absorb(engine);
        if let Some(batch) = self.next_batch() {
            let outcome = batch.write(store);
            match self.finish(engine, batch, outcome) {
                Ok(released) => out.extend(released),
                Err(mut failed) => {
                    out.append(&mut failed.effects);
                    failed.effects = out;
                    return Err(failed);
                }
            }
        }
        Ok(out)
    }
}

/// Group commit in one call, for a fresh drain: takes every action the engine
/// queued, commits every mutation in one transaction, and returns the effects
/// in order once they may go out. See the [module docs](self).
///
/// Holds no state between calls, so use it only when every earlier drain was
/// committed (a [`CommitQueue`] keeps that state for you).
pub fn drain_committed<P: Policy, S: Store + ?Sized>(
    engine: &mut Engine<P>,
    store: &mut S,
) -> Result<Vec<Effect>, CommitFailed> {
    CommitQueue::new().drain_and_commit(engine, store)
}
