//! Group commit: one store transaction per drain of the engine.
//!
//! The engine queues each `Persist` before the `Reply` that depends on it.
//! [`drain_committed`] drains the whole queue, commits every queued mutation
//! in ONE [`Store::apply`] call, and only then hands back the other actions
//! (replies, dispatches, logs) in the order the engine queued them. Many
//! page calls made before one drain therefore share one fsync.
//!
//! # Guarantee
//!
//! A reply is released only after every persist queued before it is durable:
//! a page sees `register()` resolve only once its registration is on disk.
//!
//! # On a store error
//!
//! The batch did not land (a batch is atomic). The engine is told with
//! [`Engine::storage_failed`] and disables itself; [`CommitFailed`] carries
//! the error and the actions still to deliver:
//! - replies queued before the batch's first persist depended on nothing and
//!   are released as they were;
//! - every reply queued after it becomes an `UnknownError` rejection;
//! - dispatches are dropped (the disabled engine has forgotten their events),
//!   and so are logs queued after the first persist (they describe changes
//!   that were not stored).
//!
//! The split API ([`PendingCommit::collect`], [`PendingCommit::mutations`],
//! [`PendingCommit::finish`]) lets a driver run the store write elsewhere (a
//! blocking thread) between draining the engine and releasing the actions.

use crate::action::{Action, DomError, DomErrorName};
use crate::engine::Engine;
use crate::store::{Mutation, Store, StoreError};
use sync_policy::Policy;

/// The rejection message after a storage failure (the engine's own wording).
const DISABLED: &str = "Background Sync is disabled.";

/// The store write failed: the engine is now disabled.
#[derive(Debug, thiserror::Error)]
#[error("group commit failed, background sync is disabled: {error}")]
pub struct CommitFailed {
    /// What the store reported.
    pub error: StoreError,
    /// The actions to deliver anyway, in order: replies (those that depended on
    /// the failed batch rejected with `UnknownError`) and the logs that came
    /// before the batch's first persist.
    pub actions: Vec<Action>,
}

/// One drained queue: the mutations to commit, and the actions to release after.
#[derive(Debug, Default)]
pub struct PendingCommit {
    mutations: Vec<Mutation>,
    actions: Vec<Action>,
    /// Index in `actions` of the first action queued after the first persist.
    dependent_from: usize,
}

impl PendingCommit {
    /// Drains `engine.poll_action()` until it returns `None`.
    pub fn collect<P: Policy>(engine: &mut Engine<P>) -> PendingCommit {
        let mut pending = PendingCommit::default();
        let mut first_persist = None;
        while let Some(action) = engine.poll_action() {
            match action {
                Action::Persist(m) => {
                    first_persist.get_or_insert(pending.actions.len());
                    pending.mutations.push(m);
                }
                other => pending.actions.push(other),
            }
        }
        pending.dependent_from = first_persist.unwrap_or(pending.actions.len());
        pending
    }

    /// The mutations to commit, in order, as one batch.
    pub fn mutations(&self) -> &[Mutation] {
        &self.mutations
    }

    /// The actions released once the batch is durable, in order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Whether the drain produced nothing at all.
    pub fn is_empty(&self) -> bool {
        self.mutations.is_empty() && self.actions.is_empty()
    }

    /// Commits the mutations to `store` in one `apply` (none when there are
    /// none), then [`finish`](Self::finish)es with the outcome.
    pub fn commit<P: Policy, S: Store + ?Sized>(
        self,
        engine: &mut Engine<P>,
        store: &mut S,
    ) -> Result<Vec<Action>, CommitFailed> {
        let outcome = if self.mutations.is_empty() { Ok(()) } else { store.apply(&self.mutations) };
        self.finish(engine, outcome)
    }

    /// Releases the actions given the outcome of writing [`mutations`](Self::mutations):
    /// all of them on success; on failure, disables the engine and returns what
    /// is still to deliver (see the [module docs](self)).
    pub fn finish<P: Policy>(
        self,
        engine: &mut Engine<P>,
        outcome: Result<(), StoreError>,
    ) -> Result<Vec<Action>, CommitFailed> {
        let error = match outcome {
            Ok(()) => return Ok(self.actions),
            Err(error) => error,
        };
        engine.storage_failed(engine.now(), &error.to_string());
        let mut actions = Vec::with_capacity(self.actions.len());
        for (i, action) in self.actions.into_iter().enumerate() {
            let dependent = i >= self.dependent_from;
            match action {
                Action::Reply { request, .. } if dependent => actions
                    .push(Action::Reply { request, result: Err(DomError::new(DomErrorName::UnknownError, DISABLED)) }),
                Action::Reply { .. } => actions.push(action),
                Action::Log(_) if !dependent => actions.push(action),
                Action::Log(_) | Action::Dispatch(_) | Action::Persist(_) => {}
            }
        }
        // Whatever the disabled engine still queues is a rejection; nothing else may go out.
        while let Some(action) = engine.poll_action() {
            if let Action::Reply { .. } = action {
                actions.push(action);
            }
        }
        Err(CommitFailed { error, actions })
    }
}

/// Drains the engine, commits every queued mutation in one transaction, and
/// returns the other actions in order once they are durable. See the
/// [module docs](self) for the guarantee and for what happens on a store error.
pub fn drain_committed<P: Policy, S: Store + ?Sized>(
    engine: &mut Engine<P>,
    store: &mut S,
) -> Result<Vec<Action>, CommitFailed> {
    PendingCommit::collect(engine).commit(engine, store)
}
