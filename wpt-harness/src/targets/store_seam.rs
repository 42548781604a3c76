//! Where the engine target keeps registrations between restarts.
//!
//! Each subtest gets a SQLite file in a fresh temporary directory (the
//! embedded default store, `sync_core::store::sqlite::SqliteStore`), so
//! `ua.restart` exercises real persistence: the engine is rebuilt from the
//! file after reopening it, as a browser restart does. The directory is
//! removed when the subtest's store is dropped.

use std::path::PathBuf;
use sync_core::store::sqlite::SqliteStore;
use sync_core::store::{Mutation, Snapshot, Store, StoreError};
use tempfile::TempDir;

/// The store of one subtest.
pub(super) struct ScenarioStore {
    /// `None` only after a reopen failed.
    store: Option<SqliteStore>,
    path: PathBuf,
    _dir: TempDir,
    /// Unit tests: every write fails.
    #[cfg(test)]
    pub(super) fail_writes: bool,
    /// `storage.fail_next_write`: the next `apply` fails (once).
    pub(super) fail_next_write: bool,
    /// `storage.fail_next_read`: the next `load` fails (once); the engine
    /// target loads at `ua.restart`.
    pub(super) fail_next_read: bool,
}

impl ScenarioStore {
    /// A new, empty store file in a fresh temporary directory.
    pub(super) fn open() -> Result<ScenarioStore, StoreError> {
        let dir = tempfile::Builder::new()
            .prefix("wpt-harness-")
            .tempdir()
            .map_err(|e| StoreError::Io(format!("cannot create a temporary directory: {e}")))?;
        let path = dir.path().join("background-sync.db");
        let store = SqliteStore::open(&path)?;
        Ok(ScenarioStore {
            store: Some(store),
            path,
            _dir: dir,
            #[cfg(test)]
            fail_writes: false,
            fail_next_write: false,
            fail_next_read: false,
        })
    }

    /// Closes and reopens the file, as a browser restart does.
    pub(super) fn reopen(&mut self) -> Result<(), StoreError> {
        // Close first: a store file has one owner at a time.
        self.store = None;
        self.store = Some(SqliteStore::open(&self.path)?);
        Ok(())
    }

    fn open_store(&mut self) -> Result<&mut SqliteStore, StoreError> {
        self.store.as_mut().ok_or_else(|| StoreError::Io("the store is closed after a failed reopen".into()))
    }
}

impl Store for ScenarioStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        if std::mem::take(&mut self.fail_next_read) {
            return Err(StoreError::Io("injected read failure (storage.fail_next_read)".into()));
        }
        self.open_store()?.load()
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        if std::mem::take(&mut self.fail_next_write) {
            return Err(StoreError::Io("injected write failure (storage.fail_next_write)".into()));
        }
        #[cfg(test)]
        if self.fail_writes {
            return Err(StoreError::Io("injected write failure".into()));
        }
        self.open_store()?.apply(batch)
    }
}
