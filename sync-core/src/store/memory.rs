//! [`MemoryStore`]: a [`Store`] in memory, for tests and for embedders that
//! want no persistence (for example off-the-record profiles).

use super::{Mutation, Snapshot, Store, StoreError, StoredOrigin, StoredRegistration};
use crate::ids::{Origin, RegistrationKey};
use std::collections::BTreeMap;

/// An in-memory [`Store`]. Batches apply atomically (they cannot fail).
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    registrations: BTreeMap<RegistrationKey, StoredRegistration>,
    origins: BTreeMap<Origin, StoredOrigin>,
    commits: u64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// How many batches were applied.
    pub fn commits(&self) -> u64 {
        self.commits
    }

    /// The stored registration with this key, if any.
    pub fn get(&self, key: &RegistrationKey) -> Option<&StoredRegistration> {
        self.registrations.get(key)
    }

    /// Number of stored registrations.
    pub fn len(&self) -> usize {
        self.registrations.len()
    }

    /// Whether no registration is stored.
    pub fn is_empty(&self) -> bool {
        self.registrations.is_empty()
    }

    /// Applies one mutation.
    pub fn apply_one(&mut self, m: &Mutation) {
        match m {
            Mutation::Put(r) => {
                self.registrations.insert(r.key.clone(), r.clone());
            }
            Mutation::Delete(k) => {
                self.registrations.remove(k);
            }
            Mutation::DeleteWorker(sw) => self.registrations.retain(|k, _| k.sw != *sw),
            Mutation::PutOrigin(o) => {
                self.origins.insert(o.origin.clone(), o.clone());
            }
            Mutation::DeleteOrigin(o) => {
                self.origins.remove(o);
            }
            Mutation::DeleteAll => {
                self.registrations.clear();
                self.origins.clear();
            }
        }
    }
}

impl Store for MemoryStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot {
            registrations: self.registrations.values().cloned().collect(),
            origins: self.origins.values().cloned().collect(),
        })
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        for m in batch {
            self.apply_one(m);
        }
        self.commits += 1;
        Ok(())
    }
}
