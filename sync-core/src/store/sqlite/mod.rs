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
//!   The page-by-page `quick_check` is skipped only for a file that its
//!   last owner closed cleanly and that is byte for byte unchanged since
//!   (see [`SqliteStore::checked_in_full`] and `clean_close.rs`).
//! - **Checked rows.** A stored value that does not decode is
//!   [`StoreError::BadRow`] saying which row and what was wrong; a bad
//!   journal row is named as `journal row N` (its `id`).
//! - **A full disk loses nothing.** A batch that cannot land (full disk,
//!   [`SqliteStore::set_size_limit`], I/O error) does not land at all, and
//!   everything committed before it stays.
//!
//! # The journal (schema version 2)
//!
//! `registrations` is keyed by `(sw, kind, tag)`, so a commit of registrations
//! from many service workers would dirty one B-tree leaf per worker: a WAL
//! frame each, plus checkpoints copying those pages back. Instead,
//! [`Store::apply`] **appends** every `Put` to `journal`, a rowid table whose
//! appends land on its last page, inside the batch's transaction; origin
//! mutations still write the small `origins` table directly. A commit then
//! writes a few pages however many workers it touches.
//!
//! - **Deletes erase at once.** A `Delete` or `DeleteWorker` is not
//!   journaled: it removes the key's (or worker's) rows from `registrations`
//!   and from the journal in the same transaction, and `secure_delete` zeroes
//!   the freed bytes; after a `DeleteWorker` or `DeleteOrigin` the WAL is
//!   checkpointed and truncated too. So "clear site data", an unregistration
//!   or a revoked permission leaves no origin or tag in the file (see
//!   `erase.rs`). Journals written by earlier builds may still hold delete
//!   rows; they replay and fold as before.
//!
//! - **Fold.** Once the journal holds [`DEFAULT_FOLD_THRESHOLD`] rows (see
//!   [`SqliteStore::set_fold_threshold`]), the batch that reached it also
//!   folds it, in the same transaction. Its net effect: per key the last op
//!   wins; `DeleteWorker(sw)` wipes `sw`'s stored rows and its earlier
//!   journal entries, while its later puts survive. A journal of puts only
//!   (all this build writes) is copied inside SQLite by one
//!   `INSERT OR REPLACE … SELECT` in `id` order (sorted by worker when the
//!   puts come from many workers), every row checked on the way by a SQL
//!   function running the decoder's checks; any other journal (deletes from
//!   an earlier build, a bad row) is read in `id` order with every row
//!   checked like a stored row, its net effect computed and written in key
//!   order. Either way the journal is then emptied (see `journal.rs`).
//!   [`SqliteStore::compact`] folds at once.
//!   A journal row that does not decode fails the fold with `BadRow`, and
//!   the transaction rolls back: nothing is lost.
//! - **A fold that does not fit is put off, not the batch.** If the fold
//!   fails because the disk (or the size limit) is full, the transaction is
//!   rolled back whole (SQLite may roll it back itself) and the batch is
//!   written again, alone, in a new transaction: it lands if its journal rows
//!   fit, and fails whole otherwise. The fold is tried again one threshold of
//!   rows later (or at [`SqliteStore::compact`]). Any other fold error fails
//!   the batch.
//! - **`load()` replays, it does not fold.** It reads `registrations` and the
//!   journal in one read transaction and applies the journal's net effect in
//!   memory, merged in key order: the result is exactly what a fold would
//!   leave. Loading therefore never writes: it works on a full disk, and a
//!   start-up never waits for a fold. Its extra cost is bounded by the
//!   threshold (reading at most that many journal rows), small next to
//!   reading `registrations` itself.
//! - The journal's length is counted at open and then tracked in memory.
//!
//! # One owner
//!
//! [`SqliteStore::open`] takes an exclusive OS lock on the sidecar file
//! `<file>-lock` (see [`lock_path`]) and holds it until the store is dropped.
//! A second open of the same file, from this process or another, fails with
//! [`StoreError::Locked`] naming the file, instead of two writers handing out
//! the same registration order numbers. The read-only look at a file that
//! `open` does first, and the `check` and `inspect` tools, read through
//! SQLite's own locking and need no ownership.

mod clean_close;
mod codec;
mod erase;
mod error_map;
mod inspect;
mod journal;
mod load;
mod lock;
pub mod salvage;
mod schema;
mod sidecar;
mod timings;
mod upkeep;
mod wal_layout;

pub use lock::lock_path;
pub use schema::SCHEMA_VERSION;
pub use timings::{CHECKPOINT_PAGES, DEFERRED_FACTOR, StoreTimings};
pub use wal_layout::{GROW_AFTER, GROW_CHUNK, GROW_HEADROOM, LAYOUT_AFTER};

use super::{Mutation, Snapshot, Store, StoreError, StoredRegistration};
use error_map::{io_error, store_error};
use journal::FoldError;
use rusqlite::{CachedStatement, Connection, ErrorCode, OpenFlags, TransactionBehavior};
use schema::{APPLICATION_ID, MIGRATIONS};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use timings::WalCounters;

/// Journal rows at which a batch also folds the journal into `registrations`.
///
/// Chosen by measurement (`spec-notes/durability.md` §7): larger journals fold
/// less often and with better page locality, but make the folding commit and
/// `load()`'s replay longer.
pub const DEFAULT_FOLD_THRESHOLD: u64 = 16_384;

/// A [`Store`] in one SQLite file. See the [module docs](self) for its guarantees.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// The path as error messages show it.
    shown: String,
    /// Rows in `journal` (counted at open, then tracked).
    journal_rows: u64,
    /// Fold once the journal holds this many rows.
    fold_threshold: u64,
    /// The journal length at which the next fold is tried: the threshold, or
    /// one threshold later after a fold did not fit on the disk.
    fold_at: u64,
    /// The journal's row ids per key, for erasing; `None` until a delete
    /// needs it, and after a failed commit (rebuilt from the file).
    index: Option<erase::JournalIndex>,
    /// The workers of the journal's puts, for the fold's order (`journal.rs`).
    workers: journal::Workers,
    /// Journal folds this store has completed (in batches and in `compact`).
    folds: u64,
    /// Where the commits' time went.
    timings: StoreTimings,
    /// WAL frames and checkpoints, counted by the connection's WAL hook.
    wal: Arc<WalCounters>,
    /// Upkeep is put off to [`Store::idle`] (see [`Store::defer_upkeep`]).
    deferred: bool,
    /// An idle checkpoint could not copy the whole WAL back (a reader held
    /// it); not retried before the next commit.
    checkpoint_blocked: bool,
    /// Frames the `-wal` is known to hold, from growing it or laying it out
    /// this session (`wal_layout.rs`); 0 when unknown.
    wal_extent: u64,
    /// Whether `open` ran `quick_check` (no clean-close mark vouched for the file).
    checked_in_full: bool,
    /// Exclusive ownership of the file, and the clean-close mark. Declared
    /// last, so it is released (and marks) only after the connection has
    /// closed (and checkpointed).
    owner: clean_close::Owner,
}

impl SqliteStore {
    /// Opens the store file at `path`, creating it (and its schema) if it does
    /// not exist, and migrating an older schema to [`SCHEMA_VERSION`].
    ///
    /// Fails without touching the file if it is corrupt, truncated or not a
    /// store ([`StoreError::Corrupt`]), or newer than this build
    /// ([`StoreError::TooNew`]); a directory that cannot be written gives
    /// [`StoreError::Io`]. A file that another store (in this process or
    /// another) has open is refused with [`StoreError::Locked`].
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let exists = match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => true,
            Ok(_) => return Err(StoreError::Io(format!("{shown}: not a regular file"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_error(&shown, "reading metadata", &e)),
        };
        // Owner first: nothing below runs while another store writes the file.
        let mut owner = clean_close::Owner::acquire(path, &shown)?;
        // The page-by-page check only when no clean close vouches for the file (`clean_close.rs`).
        let checked_in_full = exists && !owner.take_clean_mark();
        if exists {
            inspect::inspect(path, &shown, checked_in_full)?;
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if !exists {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| store_error(&shown, "opening", &e))?;
        configure(&conn, &shown)?;
        journal::install_check(&conn).map_err(|e| store_error(&shown, "adding the fold's row check", &e))?;
        let wal =
            timings::install_wal_hook(&mut conn).map_err(|e| store_error(&shown, "installing the WAL hook", &e))?;
        migrate(&mut conn, &shown)?;
        let journal_rows = journal::count(&conn).map_err(|e| store_error(&shown, "counting the journal", &e))?;
        owner.arm();
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
            shown,
            journal_rows,
            fold_threshold: DEFAULT_FOLD_THRESHOLD,
            fold_at: DEFAULT_FOLD_THRESHOLD,
            index: None,
            // Rows found in the file were not counted: the fold sorts them.
            workers: if journal_rows == 0 { journal::Workers::default() } else { journal::Workers::unknown() },
            folds: 0,
            timings: StoreTimings::default(),
            wal,
            deferred: false,
            checkpoint_blocked: false,
            wal_extent: 0,
            checked_in_full,
            owner,
        })
    }

    /// Whether this open ran SQLite's `quick_check` over every page: `true`
    /// unless the file's previous owner closed it cleanly and it is byte for
    /// byte as that close left it (`spec-notes/durability.md` §5); `false`
    /// for a new file.
    pub fn checked_in_full(&self) -> bool {
        self.checked_in_full
    }

    /// Folds the journal once it holds `rows` rows (at least 1) instead of
    /// [`DEFAULT_FOLD_THRESHOLD`]; lasts until the store is closed. The next
    /// batch folds if the journal already holds that many.
    pub fn set_fold_threshold(&mut self, rows: u64) {
        self.fold_threshold = rows.max(1);
        self.fold_at = self.fold_threshold;
    }

    /// Rows in the journal, not yet folded into `registrations`. Deletes
    /// erase journal rows, so this can shrink without a fold.
    pub fn journal_rows(&self) -> u64 {
        self.journal_rows
    }

    /// Journal folds this store has completed since it was opened (in
    /// batches and in [`SqliteStore::compact`], when there was something to fold).
    pub fn folds(&self) -> u64 {
        self.folds
    }

    /// Where this store's commits spent their time since it was opened (see
    /// [`StoreTimings`]).
    pub fn timings(&self) -> StoreTimings {
        self.wal.add_to(self.timings)
    }

    /// Folds the journal into `registrations` now, in its own transaction, and
    /// returns how many journal rows it folded (0: nothing to do, nothing
    /// written). On error (a journal row that does not decode, a full disk)
    /// nothing changes.
    pub fn compact(&mut self) -> Result<u64, StoreError> {
        let SqliteStore { conn, shown, workers, .. } = self;
        let doing = "folding the journal";
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| store_error(shown, doing, &e))?;
        // On error the transaction is dropped, which rolls it back.
        let folded = journal::fold(&tx, workers).map_err(|e| fold_error(shown, doing, e))?;
        tx.commit().map_err(|e| store_error(shown, doing, &e))?;
        self.journal_rows = 0;
        self.workers = journal::Workers::default();
        self.fold_at = self.fold_threshold;
        self.index = None;
        if folded > 0 {
            self.folds += 1;
        }
        Ok(folded)
    }

    /// The file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database's page size in bytes (4096 if SQLite reports a negative one).
    fn page_size(&self) -> Result<u64, StoreError> {
        let size: i64 = self
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .map_err(|e| store_error(&self.shown, "reading page_size", &e))?;
        Ok(u64::try_from(size).unwrap_or(4096).max(1))
    }

    /// Caps the database at about `max_bytes` (whole pages, and never below its
    /// current size): a batch that would grow it further fails as a full disk
    /// and does not land, and a journal fold that would is put off (see the
    /// [module docs](self)). Returns the cap in effect, in bytes. Lasts until
    /// the store is closed.
    pub fn set_size_limit(&mut self, max_bytes: u64) -> Result<u64, StoreError> {
        let page_size = self.page_size()?;
        let shown = &self.shown;
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
    // Deleted rows are overwritten with zeros, so erased origins and tags do not linger.
    let secure: i64 = conn
        .pragma_update_and_check(None, "secure_delete", "ON", |r| r.get(0))
        .map_err(|e| store_error(shown, "setting secure_delete", &e))?;
    if secure != 1 {
        return Err(StoreError::Io(format!("{shown}: secure_delete is {secure}, not ON (1)")));
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

/// The error of a failed fold (or journal read) while `doing` something.
fn fold_error(shown: &str, doing: &str, e: FoldError) -> StoreError {
    match e {
        FoldError::Sqlite(e) => store_error(shown, doing, &e),
        FoldError::Row(e) => e,
    }
}

/// The statement in `slot`, prepared (from the connection's cache) on first use.
fn cached<'s, 'c>(
    slot: &'s mut Option<CachedStatement<'c>>,
    conn: &'c Connection,
    sql: &str,
) -> rusqlite::Result<&'s mut CachedStatement<'c>> {
    match slot {
        Some(stmt) => Ok(stmt),
        None => Ok(slot.insert(conn.prepare_cached(sql)?)),
    }
}

/// What a batch did to the journal and the file.
#[derive(Clone, Copy, Debug, Default)]
struct Written {
    /// Journal rows appended.
    appended: u64,
    /// Journal rows erased.
    erased: u64,
    /// Whether it erased a worker or an origin (then the WAL is checkpointed
    /// and truncated after the commit, so its old pages leave the `-wal` too).
    cleared: bool,
}

/// Writes one batch inside the caller's transaction: puts are appended to
/// the journal, deletes and worker deletes erase their rows at once (see
/// `erase.rs`), origin mutations are written to `origins`.
fn write_batch(
    conn: &Connection,
    batch: &[Mutation],
    index: &mut Option<erase::JournalIndex>,
    workers: &mut journal::Workers,
) -> rusqlite::Result<Written> {
    let (mut append, mut append_many, mut put_origin, mut delete_origin) = (None, None, None, None);
    let mut written = Written::default();
    let mut rest = batch;
    while let Some((m, after)) = rest.split_first() {
        rest = after;
        match m {
            Mutation::Put(row) => {
                // A run of puts goes in statements of `APPEND_MANY_ROWS`, then one at a time.
                let mut run = vec![row];
                run.extend(rest.iter().map_while(|m| if let Mutation::Put(r) = m { Some(r) } else { None }));
                rest = &rest[run.len() - 1..];
                let mut chunks = run.chunks_exact(schema::APPEND_MANY_ROWS);
                for chunk in chunks.by_ref() {
                    codec::append_puts(cached(&mut append_many, conn, &schema::APPEND_MANY)?, chunk)?;
                    index_appended(conn, index, chunk);
                }
                for row in chunks.remainder() {
                    codec::append_put(cached(&mut append, conn, schema::APPEND)?, row)?;
                    index_appended(conn, index, std::slice::from_ref(row));
                }
                for row in &run {
                    workers.add(row.key.sw);
                }
                written.appended += run.len() as u64;
            }
            Mutation::Delete(key) => written.erased += erase::erase_key(conn, index, key)?,
            Mutation::DeleteWorker(sw) => {
                written.erased += erase::erase_worker(conn, index, *sw)?;
                written.cleared = true;
            }
            Mutation::PutOrigin(origin) => {
                codec::put_origin(cached(&mut put_origin, conn, schema::PUT_ORIGIN)?, origin)?;
            }
            Mutation::DeleteOrigin(origin) => {
                cached(&mut delete_origin, conn, schema::DELETE_ORIGIN)?.execute([origin.as_str()])?;
                written.cleared = true;
            }
            Mutation::DeleteAll => {
                written.erased += erase::erase_all(conn, index)?;
                written.cleared = true;
            }
        }
    }
    Ok(written)
}

/// Adds the puts just appended to the erase index. One statement's rows take
/// consecutive ids ending at the last insert's: each new `id` is the largest
/// one plus 1, and the journal restarts from 1 after every fold, so it never
/// nears `i64::MAX` (where SQLite would pick ids at random).
fn index_appended(conn: &Connection, index: &mut Option<erase::JournalIndex>, rows: &[&StoredRegistration]) {
    if let Some(index) = index {
        let last = conn.last_insert_rowid();
        for (back, row) in (0..).zip(rows.iter().rev()) {
            index.add(&row.key, last - back);
        }
    }
}

/// Why a batch's transaction failed.
enum BatchError {
    /// Its fold did not fit on the disk; the transaction was rolled back.
    FoldFull(StoreError),
    /// Anything else; the transaction was rolled back.
    Other(StoreError),
}

/// Commits `batch` in one transaction, folding the journal in it when `fold`.
/// On error the transaction is rolled back and `index` forgotten (it may
/// hold ids of rows that did not land).
/// After a fold the index is dropped rather than kept empty: it is rebuilt
/// (from at most one threshold of journal rows) only when a delete needs it,
/// so a commit of puts alone never maintains it. `workers` counts the
/// batch's puts, and starts over after a fold (a rolled-back batch leaves
/// extra workers counted, which only makes the next fold sort).
fn commit_batch(
    conn: &mut Connection,
    shown: &str,
    batch: &[Mutation],
    fold: bool,
    index: &mut Option<erase::JournalIndex>,
    workers: &mut journal::Workers,
    timings: &mut StoreTimings,
) -> Result<Written, BatchError> {
    let result = commit_batch_once(conn, shown, batch, fold, index, workers, timings);
    match &result {
        Ok(_) if fold => {
            *index = None;
            *workers = journal::Workers::default();
        }
        Ok(_) => {}
        Err(_) => *index = None,
    }
    result
}

fn commit_batch_once(
    conn: &mut Connection,
    shown: &str,
    batch: &[Mutation],
    fold: bool,
    index: &mut Option<erase::JournalIndex>,
    workers: &mut journal::Workers,
    timings: &mut StoreTimings,
) -> Result<Written, BatchError> {
    let other = |doing: &str, e: rusqlite::Error| BatchError::Other(store_error(shown, doing, &e));
    let start = Instant::now();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| other("beginning a transaction", e))?;
    // On any error the transaction is dropped, which rolls it back: nothing of the batch lands.
    let written = write_batch(&tx, batch, index, workers).map_err(|e| other("writing a batch", e))?;
    let written_at = Instant::now();
    if fold {
        match journal::fold(&tx, workers) {
            Ok(_) => {}
            Err(FoldError::Sqlite(e)) if e.sqlite_error_code() == Some(ErrorCode::DiskFull) => {
                return Err(BatchError::FoldFull(store_error(shown, "folding the journal", &e)));
            }
            Err(e) => return Err(BatchError::Other(fold_error(shown, "folding the journal", e))),
        }
    }
    let folded_at = Instant::now();
    tx.commit().map_err(|e| other("committing a batch", e))?;
    // The WAL hook's checkpoint (inside COMMIT) is counted apart, by the hook.
    timings.commits += 1;
    timings.statements += written_at - start;
    if fold {
        timings.folds += 1;
        timings.fold += folded_at - written_at;
    }
    timings.commit += folded_at.elapsed();
    Ok(written)
}

/// After a batch that erased a worker or an origin: copies the WAL into the
/// file and truncates it, so the erased rows' old page images leave the
/// `-wal` now rather than at close. Best effort: the batch has landed.
fn checkpoint_after_clear(conn: &Connection, shown: &str) {
    let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0));
    match result {
        Ok(0) => {}
        Ok(_) => tracing::warn!(file = shown, "the WAL checkpoint after an erase was blocked; it runs at close"),
        Err(error) => {
            tracing::warn!(file = shown, %error, "the WAL checkpoint after an erase failed; it runs at close")
        }
    }
}

/// Refuses a batch holding a row that no restart could restore (an order of
/// `u64::MAX` leaves no order to hand out after it), before anything is written.
fn check_batch(batch: &[Mutation]) -> Result<(), StoreError> {
    for m in batch {
        if let Mutation::Put(row) = m
            && row.seq == u64::MAX
        {
            return Err(StoreError::BadRow(format!(
                "refusing to write a registration (service worker registration {}, {:?}) with `seq` {} (u64::MAX): \
                 it leaves no registration order after it",
                row.key.sw.0, row.key.kind, row.seq
            )));
        }
    }
    Ok(())
}

/// How many journal rows `batch` appends (at most: its deletes may erase some).
fn journaled(batch: &[Mutation]) -> u64 {
    let rows = batch.iter().filter(|m| matches!(m, Mutation::Put(_)));
    u64::try_from(rows.count()).unwrap_or(u64::MAX)
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        load::load(&mut self.conn, &self.path, &self.shown, load::SPLIT_MIN_PAGES)
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        check_batch(batch)?;
        let fold = self.folds_with(batch);
        self.grow_wal_ahead();
        let written = match commit_batch(
            &mut self.conn,
            &self.shown,
            batch,
            fold,
            &mut self.index,
            &mut self.workers,
            &mut self.timings,
        ) {
            Ok(written) if fold => {
                tracing::debug!(rows = self.journal_rows.saturating_add(written.appended), "journal folded");
                self.journal_rows = 0;
                self.fold_at = self.fold_threshold;
                self.folds += 1;
                written
            }
            Ok(written) => {
                self.journal_rows = self.journal_rows.saturating_add(written.appended).saturating_sub(written.erased);
                written
            }
            Err(BatchError::FoldFull(error)) => {
                // Nothing landed. Put the fold off and write the batch alone.
                tracing::warn!(%error, "the journal fold does not fit on the disk; it is put off");
                let written = commit_batch(
                    &mut self.conn,
                    &self.shown,
                    batch,
                    false,
                    &mut self.index,
                    &mut self.workers,
                    &mut self.timings,
                )
                .map_err(|e| match e {
                    BatchError::FoldFull(e) | BatchError::Other(e) => e,
                })?;
                self.journal_rows = self.journal_rows.saturating_add(written.appended).saturating_sub(written.erased);
                self.fold_at = self.journal_rows.saturating_add(self.fold_threshold);
                written
            }
            Err(BatchError::Other(error)) => {
                // The next open checks the file in full.
                self.owner.fault();
                return Err(error);
            }
        };
        self.checkpoint_blocked = false;
        if written.cleared {
            checkpoint_after_clear(&self.conn, &self.shown);
            // The checkpoint truncated the WAL: grow it and lay it out again.
            self.wal_extent = 0;
        }
        Ok(())
    }

    fn defer_upkeep(&mut self) {
        // Folds only: the WAL still checkpoints at `CHECKPOINT_PAGES` (see `DEFERRED_FACTOR`).
        self.deferred = true;
    }

    fn upkeep_due(&self) -> bool {
        self.upkeep_pending()
    }

    fn idle(&mut self) -> Result<bool, StoreError> {
        self.upkeep_step()
    }

    fn commit_runs_upkeep(&self, batch: &[Mutation]) -> bool {
        self.upkeep_in_commit(batch)
    }
}
