//! Group commit bookkeeping: the batch of mutations not yet handed to the
//! store, and the effects (replies, dispatches, log records) held until the
//! mutations queued before them are durable.
//!
//! Every `Persist` the engine emits gets the next sequence number. An effect
//! remembers how many persists were emitted when it was filed (the driver
//! files a drain's effects after the whole drain), and is released once the
//! store has committed that many. Effects leave in the order they came.

use crate::action::{Dispatch, DomError, ReplyValue};
use crate::ids::RequestId;
use crate::log::LogRecord;
use crate::store::Mutation;
use std::collections::VecDeque;

/// Something the outside world sees, released only after the state it
/// depends on is durable.
#[derive(Debug)]
pub(crate) enum Effect {
    Reply(RequestId, Result<ReplyValue, DomError>),
    Dispatch(Dispatch),
    Log(LogRecord),
}

#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Mutations not yet handed to the store, in order.
    batch: Vec<Mutation>,
    /// Persists received from the engine so far.
    persisted: u64,
    /// Persists the store has committed.
    committed: u64,
    /// Effects waiting for a commit, with the persist count each needs.
    held: VecDeque<(u64, Effect)>,
}

impl Ledger {
    /// Adds a mutation to the next batch.
    pub(crate) fn persist(&mut self, m: Mutation) {
        self.batch.push(m);
        self.persisted += 1;
    }

    /// An effect: returned at once when nothing before it waits for the store,
    /// otherwise held.
    pub(crate) fn effect(&mut self, effect: Effect) -> Option<Effect> {
        if self.persisted <= self.committed {
            return Some(effect);
        }
        self.held.push_back((self.persisted, effect));
        None
    }

    /// Whether mutations wait to be committed.
    pub(crate) fn has_batch(&self) -> bool {
        !self.batch.is_empty()
    }

    /// Takes the next batch and the persist count that committing it reaches.
    pub(crate) fn take_batch(&mut self) -> (Vec<Mutation>, u64) {
        (std::mem::take(&mut self.batch), self.persisted)
    }

    /// The store committed everything up to `upto`: the effects that waited
    /// for it, in order.
    pub(crate) fn committed(&mut self, upto: u64) -> Vec<Effect> {
        self.committed = self.committed.max(upto);
        let mut out = Vec::new();
        while self.held.front().is_some_and(|(needs, _)| *needs <= self.committed) {
            if let Some((_, e)) = self.held.pop_front() {
                out.push(e);
            }
        }
        out
    }

    /// A commit failed: nothing more will be written. Drops the batch and
    /// returns every held effect, in order.
    pub(crate) fn failed(&mut self) -> Vec<Effect> {
        self.batch.clear();
        self.committed = self.persisted;
        self.held.drain(..).map(|(_, e)| e).collect()
    }

    /// Effects still held.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SwRegId;

    fn reply(n: u64) -> Effect {
        Effect::Reply(RequestId(n), Ok(ReplyValue::Registered))
    }

    fn ids(effects: &[Effect]) -> Vec<u64> {
        effects.iter().filter_map(|e| if let Effect::Reply(r, _) = e { Some(r.0) } else { None }).collect()
    }

    #[test]
    fn effects_wait_for_the_persists_before_them() {
        let mut l = Ledger::default();
        assert!(l.effect(reply(1)).is_some(), "nothing persisted: released at once");
        l.persist(Mutation::DeleteWorker(SwRegId(1)));
        assert!(l.effect(reply(2)).is_none());
        let (batch, upto) = l.take_batch();
        assert_eq!((batch.len(), upto), (1, 1));
        // A persist arrives while the first commit is in flight.
        l.persist(Mutation::DeleteWorker(SwRegId(2)));
        assert!(l.effect(reply(3)).is_none());
        assert_eq!(ids(&l.committed(upto)), vec![2]);
        assert_eq!(l.held(), 1);
        let (_, upto) = l.take_batch();
        assert_eq!(ids(&l.committed(upto)), vec![3]);
        assert!(l.effect(reply(4)).is_some());
    }

    #[test]
    fn failure_returns_everything_held() {
        let mut l = Ledger::default();
        l.persist(Mutation::DeleteWorker(SwRegId(1)));
        assert!(l.effect(reply(1)).is_none());
        let _ = l.take_batch();
        l.persist(Mutation::DeleteWorker(SwRegId(2)));
        assert!(l.effect(reply(2)).is_none());
        assert_eq!(ids(&l.failed()), vec![1, 2]);
        assert!(!l.has_batch());
        assert!(l.effect(reply(3)).is_some());
    }
}
