//! Where the baseline writes its per-worker blobs: Chromium's service worker
//! database keeps one value per service worker registration under the key
//! `"BackgroundSyncUserData"`, overwritten whole on every change.

use rusqlite::{Connection, params};
use std::path::Path;
use sync_core::SwRegId;

/// A backend write or read failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("baseline backend failed: {0}")]
pub struct BackendError(pub String);

impl From<rusqlite::Error> for BackendError {
    fn from(e: rusqlite::Error) -> Self {
        BackendError(e.to_string())
    }
}

/// Per-worker value storage (`StoreRegistrationUserData` / `GetUserDataForAllRegistrations`).
pub trait Backend {
    /// Overwrites the value of `sw` with `blob`.
    fn store(&mut self, sw: SwRegId, blob: &[u8]) -> Result<(), BackendError>;
    /// Deletes the value of `sw` (the service worker registration went away).
    fn delete(&mut self, sw: SwRegId) -> Result<(), BackendError>;
    /// Every stored value.
    fn load_all(&mut self) -> Result<Vec<(SwRegId, Vec<u8>)>, BackendError>;
}

/// Builds every blob and drops it, counting what would have been written:
/// the in-memory figures pay Chromium's re-serialization but no I/O, as the
/// engine's in-memory figures build their `Persist` rows and drop them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DiscardBackend {
    /// Values written.
    pub writes: u64,
    /// Bytes in them.
    pub bytes: u64,
}

impl Backend for DiscardBackend {
    fn store(&mut self, _sw: SwRegId, blob: &[u8]) -> Result<(), BackendError> {
        self.writes += 1;
        self.bytes += blob.len() as u64;
        Ok(())
    }

    fn delete(&mut self, _sw: SwRegId) -> Result<(), BackendError> {
        Ok(())
    }

    fn load_all(&mut self) -> Result<Vec<(SwRegId, Vec<u8>)>, BackendError> {
        Ok(Vec::new())
    }
}

/// One SQLite table `user_data(sw, value)` in WAL mode with
/// `synchronous=FULL`: every `store` is its own durable transaction, as every
/// Chromium store is its own database write.
#[derive(Debug)]
pub struct SqliteBackend {
    conn: Connection,
}

impl SqliteBackend {
    /// Opens (creating if needed) the table in the file at `path`.
    pub fn open(path: &Path) -> Result<SqliteBackend, BackendError> {
        let conn = Connection::open(path)?;
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(BackendError(format!("journal mode is {mode}, not WAL")));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch("CREATE TABLE IF NOT EXISTS user_data (sw INTEGER PRIMARY KEY, value BLOB NOT NULL)")?;
        Ok(SqliteBackend { conn })
    }

    /// Writes many values in one transaction (to fill a file for the restart figure).
    pub fn store_many(&mut self, values: &[(SwRegId, Vec<u8>)]) -> Result<(), BackendError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("INSERT OR REPLACE INTO user_data (sw, value) VALUES (?1, ?2)")?;
            for (sw, blob) in values {
                stmt.execute(params![sw.0 as i64, blob])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

impl Backend for SqliteBackend {
    fn store(&mut self, sw: SwRegId, blob: &[u8]) -> Result<(), BackendError> {
        let mut stmt = self.conn.prepare_cached("INSERT OR REPLACE INTO user_data (sw, value) VALUES (?1, ?2)")?;
        stmt.execute(params![sw.0 as i64, blob])?;
        Ok(())
    }

    fn delete(&mut self, sw: SwRegId) -> Result<(), BackendError> {
        let mut stmt = self.conn.prepare_cached("DELETE FROM user_data WHERE sw = ?1")?;
        stmt.execute(params![sw.0 as i64])?;
        Ok(())
    }

    fn load_all(&mut self) -> Result<Vec<(SwRegId, Vec<u8>)>, BackendError> {
        let mut stmt = self.conn.prepare("SELECT sw, value FROM user_data")?;
        let rows = stmt.query_map([], |r| Ok((SwRegId(r.get::<_, i64>(0)? as u64), r.get::<_, Vec<u8>>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?);
        }
        Ok(out)
    }
}
