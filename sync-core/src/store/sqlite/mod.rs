//! [`SqliteStore`]: the durable [`Store`], one SQLite file per profile.
//!
//! - **Durable commits.** WAL journal with `synchronous=FULL`: a batch is on
//!   disk (the WAL fsynced) when [`Store::apply`] returns `Ok`. Each batch is
//!   one transaction, so it lands whole or not at all, also across a crash.
//! - **Versioned schema.** `PRAGMA user_version` holds the schema version;
//!   migrations run in order, one transaction per step (see `schema.rs`).
//! - **Never overwrites what it cannot read.** An existing file is first
//!   inspected through a read-only connection: a file that is not a SQLite
//!   database, is not ours, has a damaged schema or pages, is truncated, or
//!   was written by a newer schema is refused with [`StoreError::Corrupt`] or
//!   [`StoreError::TooNew`] naming the file, and is left exactly as it was.
//! - **Checked rows.** A stored value that does not decode is
//!   [`StoreError::BadRow`] saying which row and what was wrong.
//!
//! The store is meant to have one owner: one process, one connection. It does
//! not lock the file against a second writer; the embedder's profile lock does.

mod codec;
mod error_map;
mod inspect;
mod schema;

pub use schema::SCHEMA_VERSION;

use super::{Mutation, Snapshot, Store, StoreError};
use error_map::{io_error, store_error};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use schema::{APPLICATION_ID, MIGRATIONS};
use std::path::{Path, PathBuf};

/// A [`Store`] in one SQLite file. See the [module docs](self) for its guarantees.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// The path as error messages show it.
    shown: String,
}

impl SqliteStore {
    /// Opens the store file at `path`, creating it (and its schema) if it does
    /// not exist, and migrating an older schema to [`SCHEMA_VERSION`].
    ///
    /// Fails without touching the file if it is corrupt, truncated or not a
    /// store ([`StoreError::Corrupt`]), or newer than this build
    /// ([`StoreError::TooNew`]); a directory that cannot be written gives
    /// [`StoreError::Io`].
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let exists = match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => {
                inspect::inspect(path, &shown)?;
                true
            }
            Ok(_) => return Err(StoreError::Io(format!("{shown}: not a regular file"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_error(&shown, "reading metadata", &e)),
        };
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if !exists {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| store_error(&shown, "opening", &e))?;
        configure(&conn, &shown)?;
        migrate(&mut conn, &shown)?;
        Ok(SqliteStore { conn, path: path.to_path_buf(), shown })
    }

    /// The file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Caps the database at about `max_bytes` (whole pages, and never below its
    /// current size): a batch that would grow it further fails as a full disk
    /// and does not land. Returns the cap in effect, in bytes. Lasts until the
    /// store is closed.
    pub fn set_size_limit(&mut self, max_bytes: u64) -> Result<u64, StoreError> {
        let shown = &self.shown;
        let page_size: i64 = self
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .map_err(|e| store_error(shown, "reading page_size", &e))?;
        let page_size = u64::try_from(page_size).unwrap_or(4096).max(1);
        let pages = i64::try_from(max_bytes / page_size).unwrap_or(i64::MAX).max(1);
        let set: i64 = self
            .conn
            .pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0))
            .map_err(|e| store_error(shown, "setting max_page_count", &e))?;
        Ok(u64::try_from(set).unwrap_or(0).saturating_mul(page_size))
    }
}

/// WAL with a full fsync on every commit; checked, since SQLite keeps the old
/// mode when it cannot switch (for example when it cannot create the WAL file).
fn configure(conn: &Connection, shown: &str) -> Result<(), StoreError> {
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| store_error(shown, "switching to WAL", &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Io(format!("{shown}: could not switch to WAL (journal mode is {mode})")));
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| store_error(shown, "setting synchronous", &e))?;
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .map_err(|e| store_error(shown, "reading synchronous", &e))?;
    if sync != 2 {
        return Err(StoreError::Io(format!("{shown}: synchronous is {sync}, not FULL (2)")));
    }
    Ok(())
}

/// Reads `PRAGMA user_version`.
fn user_version(conn: &Connection, shown: &str) -> Result<u32, StoreError> {
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| store_error(shown, "reading user_version", &e))?;
    u32::try_from(v)
        .map_err(|_| StoreError::Corrupt { path: shown.to_string(), reason: format!("invalid schema version {v}") })
}

/// Runs every migration the file has not had, each in its own transaction
/// together with its `user_version` bump.
fn migrate(conn: &mut Connection, shown: &str) -> Result<(), StoreError> {
    let found = user_version(conn, shown)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: shown.to_string(), found, supported: SCHEMA_VERSION });
    }
    for step in MIGRATIONS.iter().filter(|m| m.version > found) {
        let doing = format!("migrating to schema version {}", step.version);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| store_error(shown, &doing, &e))?;
        let current = user_version(&tx, shown)?;
        if current.saturating_add(1) != step.version {
            return Err(StoreError::Io(format!(
                "{shown}: schema version changed to {current} while {doing} (another writer?)"
            )));
        }
        let run = || -> rusqlite::Result<()> {
            tx.execute_batch(step.sql)?;
            if step.version == 1 {
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            }
            tx.pragma_update(None, "user_version", step.version)
        };
        run().map_err(|e| store_error(shown, &doing, &e))?;
        tx.commit().map_err(|e| store_error(shown, &doing, &e))?;
        tracing::info!(version = step.version, what = step.description, "store schema migrated");
    }
    Ok(())
}

/// Writes one batch inside the caller's transaction, with cached statements.
fn write_batch(conn: &Connection, batch: &[Mutation]) -> rusqlite::Result<()> {
    let mut put = None;
    let mut delete = None;
    let mut delete_worker = None;
    let mut put_origin = None;
    let mut delete_origin = None;
    for m in batch {
        match m {
            Mutation::Put(row) => {
                let stmt = match &mut put {
                    Some(s) => s,
                    None => put.insert(conn.prepare_cached(schema::PUT)?),
                };
                codec::put(stmt, row)?;
            }
            Mutation::Delete(key) => {
                let stmt = match &mut delete {
                    Some(s) => s,
                    None => delete.insert(conn.prepare_cached(schema::DELETE)?),
                };
                stmt.execute(rusqlite::params![codec::bits(key.sw.0), codec::kind_code(key.kind), &*key.tag])?;
            }
            Mutation::DeleteWorker(sw) => {
                let stmt = match &mut delete_worker {
                    Some(s) => s,
                    None => delete_worker.insert(conn.prepare_cached(schema::DELETE_WORKER)?),
                };
                stmt.execute([codec::bits(sw.0)])?;
            }
            Mutation::PutOrigin(origin) => {
                let stmt = match &mut put_origin {
                    Some(s) => s,
                    None => put_origin.insert(conn.prepare_cached(schema::PUT_ORIGIN)?),
                };
                codec::put_origin(stmt, origin)?;
            }
            Mutation::DeleteOrigin(origin) => {
                let stmt = match &mut delete_origin {
                    Some(s) => s,
                    None => delete_origin.insert(conn.prepare_cached(schema::DELETE_ORIGIN)?),
                };
                stmt.execute([origin.as_str()])?;
            }
        }
    }
    Ok(())
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        let SqliteStore { conn, shown, .. } = self;
        let fail = |e: rusqlite::Error| store_error(shown, "loading", &e);
        // One read transaction: both tables from the same commit.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(fail)?;
        let mut decoder = codec::Decoder::default();
        let mut snapshot = Snapshot::default();
        {
            let mut stmt = tx.prepare(schema::SELECT_REGISTRATIONS).map_err(fail)?;
            let mut rows = stmt.query([]).map_err(fail)?;
            while let Some(row) = rows.next().map_err(fail)? {
                snapshot.registrations.push(decoder.registration(row)?);
            }
            let mut stmt = tx.prepare(schema::SELECT_ORIGINS).map_err(fail)?;
            let mut rows = stmt.query([]).map_err(fail)?;
            let mut n = 0;
            while let Some(row) = rows.next().map_err(fail)? {
                n += 1;
                snapshot.origins.push(decoder.origin(row, n)?);
            }
        }
        tx.commit().map_err(fail)?;
        Ok(snapshot)
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let SqliteStore { conn, shown, .. } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| store_error(shown, "beginning a transaction", &e))?;
        // On any error the transaction is dropped, which rolls it back: nothing of the batch lands.
        write_batch(&tx, batch).map_err(|e| store_error(shown, "writing a batch", &e))?;
        tx.commit().map_err(|e| store_error(shown, "committing a batch", &e))
    }
}
