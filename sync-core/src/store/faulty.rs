//! [`FaultyStore`]: a [`Store`] wrapper that fails a chosen write, for
//! fault-injection tests of the "nothing acknowledged is lost, nothing
//! unacknowledged appears" guarantee.

use super::{Mutation, Snapshot, Store, StoreError};

/// The failure a [`FaultyStore`] injects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// An I/O error (as from a failing disk or a lost network volume).
    Io,
    /// The disk is full.
    DiskFull,
}

impl Fault {
    fn error(self, write: u64) -> StoreError {
        match self {
            Fault::Io => StoreError::Io(format!("injected I/O error on write {write}")),
            Fault::DiskFull => StoreError::Io(format!("injected disk full on write {write}")),
        }
    }
}

/// Wraps a store and fails its `k`-th write (`apply` call, counting from 1)
/// and every write after it, as a full disk stays full. A failed write does
/// not reach the inner store: like a rolled-back transaction, none of its
/// batch lands. Loads pass through.
#[derive(Debug)]
pub struct FaultyStore<S> {
    inner: S,
    fail_at: Option<u64>,
    fault: Fault,
    writes: u64,
    failures: u64,
}

impl<S: Store> FaultyStore<S> {
    /// Fails write `k` (1-based) and every later one with `fault`.
    pub fn failing_at(inner: S, k: u64, fault: Fault) -> FaultyStore<S> {
        FaultyStore { inner, fail_at: Some(k), fault, writes: 0, failures: 0 }
    }

    /// Never fails; counts writes (to size a fault-injection sweep).
    pub fn passthrough(inner: S) -> FaultyStore<S> {
        FaultyStore { inner, fail_at: None, fault: Fault::Io, writes: 0, failures: 0 }
    }

    /// Writes attempted so far, failed ones included.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Writes failed so far.
    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The wrapped store, to inspect or close it.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Store> Store for FaultyStore<S> {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        self.inner.load()
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        self.writes += 1;
        if self.fail_at.is_some_and(|k| self.writes >= k) {
            self.failures += 1;
            return Err(self.fault.error(self.writes));
        }
        self.inner.apply(batch)
    }

    fn commit_runs_upkeep(&self, batch: &[Mutation]) -> bool {
        self.inner.commit_runs_upkeep(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn fails_from_the_kth_write_on_without_reaching_the_inner_store() {
        let mut s = FaultyStore::failing_at(MemoryStore::new(), 2, Fault::DiskFull);
        assert!(s.apply(&[]).is_ok());
        let e = s.apply(&[]).unwrap_err();
        assert!(e.to_string().contains("disk full"), "{e}");
        assert!(s.apply(&[]).is_err());
        assert_eq!((s.writes(), s.failures(), s.inner().commits()), (3, 2, 1));
    }
}
