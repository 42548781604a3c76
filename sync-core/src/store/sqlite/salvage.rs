//! Checking a store file row by row, and salvaging what decodes into a new
//! file.
//!
//! [`SqliteStore::open`](super::SqliteStore::open) keeps refusing a damaged
//! file, so the file stays as it was. [`salvage`] then reads it read-only,
//! row by row, and writes every registration that decodes and restores to a
//! **new** file, listing each row it left out and why:
//!
//! - a row whose values do not decode (the message names the row and column,
//!   never the tag);
//! - a table that cannot be read past some row (damaged pages);
//! - a service worker registration stored under two origins: the rows of the
//!   origin most of its rows have are kept (ties: the origin of its oldest
//!   row), the others are left out;
//! - a journal entry that does not decode (its put is lost, or its delete is
//!   not applied).
//!
//! Registration order numbers that repeat (two owners wrote the file, each
//! handing out its own numbers) are not a reason to drop an acknowledged
//! registration: the rows are **renumbered** `1, 2, ...` in their stored order
//! (ties by key), which keeps every `getTags()` order the file can express.
//!
//! [`check`] runs the same reading without writing, after the checks `open`
//! makes, and [`Summary`] counts what a file holds. None of them needs the
//! file's lock except [`salvage`], which takes it so no owner writes the file
//! while it is copied.

use super::codec::{Decoder, JournalEntry};
use super::error_map::store_error;
use super::lock::FileLock;
use super::{SqliteStore, inspect, schema};
use crate::ids::{RegistrationKey, SwRegId};
use crate::store::{Mutation, Store, StoreError, StoredOrigin, StoredRegistration};
use rusqlite::{Connection, OpenFlags};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use sync_policy::SyncKind;

/// One row (or the rest of a table) that salvage leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Which row: `registrations row N`, `journal row ID`, `origins row N`.
    pub row: String,
    /// Why it is left out.
    pub reason: String,
}

/// What a file holds, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// `PRAGMA user_version`.
    pub schema_version: u32,
    /// Rows in `registrations` (folded).
    pub table_rows: u64,
    /// Rows in `journal` (not yet folded).
    pub journal_rows: u64,
    /// Rows in `origins`.
    pub origin_rows: u64,
    /// Registrations after replaying the journal, per origin: `[one-off, periodic]`.
    pub per_origin: BTreeMap<String, [u64; 2]>,
}

/// What [`check`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Every problem, in words; empty for a healthy file.
    pub problems: Vec<String>,
    /// What the readable part of the file holds.
    pub summary: Summary,
}

impl CheckReport {
    /// Whether the file has no problem: `open`, `load` and a restore accept it.
    pub fn healthy(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What [`salvage`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SalvageReport {
    /// Registrations written to the new file.
    pub recovered: u64,
    /// Origin rows written to the new file.
    pub origins_recovered: u64,
    /// Recovered registrations whose order number changed (repeated numbers).
    pub renumbered: u64,
    /// Rows left out, with the reason for each.
    pub skipped: Vec<Skipped>,
}

/// Everything readable in a file, made consistent.
#[derive(Default)]
struct Recovered {
    registrations: Vec<StoredRegistration>,
    origins: Vec<StoredOrigin>,
    renumbered: u64,
    /// Rows sharing their order number with another row (before renumbering).
    repeated_orders: u64,
    skipped: Vec<Skipped>,
    summary: Summary,
}

/// Checks the file at `path` without writing to it: the checks
/// [`SqliteStore::open`] makes (header, schema, SQLite's `quick_check`), then
/// every row as [`salvage`] reads them. Fails only if the file cannot be
/// opened at all.
pub fn check(path: impl AsRef<Path>) -> Result<CheckReport, StoreError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let mut problems = Vec::new();
    if let Err(e) = inspect::inspect(path, &shown, true) {
        problems.push(e.to_string());
    }
    let recovered = read(path, &shown)?;
    problems.extend(recovered.skipped.iter().map(|s| format!("{}: {}", s.row, s.reason)));
    if recovered.repeated_orders > 0 {
        problems.push(format!(
            "{} registrations share their registration order with another (two writers?); a restart refuses the file",
            recovered.repeated_orders
        ));
    }
    Ok(CheckReport { problems, summary: recovered.summary })
}

/// Copies every registration and origin row of `src` that decodes and
/// restores into a new store file at `dst` (which must not exist), and
/// reports what it recovered and what it left out (see the
/// [module docs](self)). `src` is only read; it must not be open in a store
/// ([`StoreError::Locked`] otherwise).
pub fn salvage(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> Result<SalvageReport, StoreError> {
    let (src, dst) = (src.as_ref(), dst.as_ref());
    let shown = src.display().to_string();
    if dst.exists() {
        return Err(StoreError::Io(format!("{}: already exists; salvage writes a new file", dst.display())));
    }
    let _owner = FileLock::acquire(src, &shown)?;
    let recovered = read(src, &shown)?;
    let mut store = SqliteStore::open(dst)?;
    let puts = recovered.registrations.iter().cloned().map(Mutation::Put);
    let origins = recovered.origins.iter().cloned().map(Mutation::PutOrigin);
    let batch: Vec<Mutation> = puts.chain(origins).collect();
    for chunk in batch.chunks(10_000) {
        store.apply(chunk)?;
    }
    store.compact()?;
    tracing::info!(
        recovered = recovered.registrations.len(),
        skipped = recovered.skipped.len(),
        "store salvaged to a new file"
    );
    Ok(SalvageReport {
        recovered: recovered.registrations.len() as u64,
        origins_recovered: recovered.origins.len() as u64,
        renumbered: recovered.renumbered,
        skipped: recovered.skipped,
    })
}

/// Opens `path` read-only, as SQLite sees it (its WAL included).
fn open_read_only(path: &Path, shown: &str) -> Result<Connection, StoreError> {
    if !path.is_file() {
        return Err(StoreError::Io(format!("{shown}: not a regular file (or missing)")));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| store_error(shown, "opening read-only", &e))?;
    // Fails here if the file is not a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
        .map_err(|e| store_error(shown, "reading the schema", &e))?;
    Ok(conn)
}

/// Reads every table of the file row by row, then makes the result
/// consistent (one origin per worker, unique order numbers).
fn read(path: &Path, shown: &str) -> Result<Recovered, StoreError> {
    let conn = open_read_only(path, shown)?;
    let mut out = Recovered::default();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap_or(0);
    out.summary.schema_version = u32::try_from(version).unwrap_or(0);
    let mut decoder = Decoder::default();
    let mut rows: BTreeMap<RegistrationKey, StoredRegistration> = BTreeMap::new();
    // Folded rows first, then the journal's entries on top, in commit order.
    let mut n = 0u64;
    let failed = read_rows(&conn, schema::SELECT_REGISTRATIONS, "registrations", |row| {
        n += 1;
        match decoder.registration(row) {
            Ok(reg) => {
                rows.insert(reg.key.clone(), reg);
            }
            Err(e) => out.skipped.push(Skipped { row: format!("registrations row {n}"), reason: reason(e) }),
        }
    });
    out.skipped.extend(failed);
    out.summary.table_rows = n;
    let mut journal = 0u64;
    let failed = read_rows(&conn, schema::SELECT_JOURNAL, "journal", |row| {
        journal += 1;
        match decoder.journal(row) {
            Ok((_, JournalEntry::Put(reg))) => {
                rows.insert(reg.key.clone(), reg);
            }
            Ok((_, JournalEntry::Delete(key))) => {
                rows.remove(&key);
            }
            Ok((_, JournalEntry::DeleteWorker(sw))) => rows.retain(|key, _| key.sw != sw),
            Err(e) => {
                let id: Option<i64> = row.get(0).ok();
                let name = id.map_or_else(|| format!("journal row #{journal}"), |id| format!("journal row {id}"));
                out.skipped.push(Skipped { row: name, reason: reason(e) });
            }
        }
    });
    out.skipped.extend(failed);
    out.summary.journal_rows = journal;
    let mut n = 0u64;
    let failed = read_rows(&conn, schema::SELECT_ORIGINS, "origins", |row| {
        n += 1;
        match decoder.origin(row, n) {
            Ok(origin) => out.origins.push(origin),
            Err(e) => out.skipped.push(Skipped { row: format!("origins row {n}"), reason: reason(e) }),
        }
    });
    out.skipped.extend(failed);
    out.summary.origin_rows = n;
    let mut registrations: Vec<StoredRegistration> = rows.into_values().collect();
    one_origin_per_worker(&mut registrations, &mut out.skipped);
    (out.renumbered, out.repeated_orders) = renumber(&mut registrations);
    for reg in &registrations {
        let counts = out.summary.per_origin.entry(reg.origin.as_str().to_string()).or_default();
        counts[usize::from(reg.key.kind == SyncKind::Periodic)] += 1;
    }
    out.registrations = registrations;
    Ok(out)
}

/// The reason in a decoding error, without the error's own prefix.
fn reason(e: StoreError) -> String {
    match e {
        StoreError::BadRow(m) => m,
        other => other.to_string(),
    }
}

/// Runs `sql` and hands each row to `each`; a table that is missing or
/// cannot be read past some row is returned as skipped, not an error.
fn read_rows(conn: &Connection, sql: &str, table: &str, mut each: impl FnMut(&rusqlite::Row<'_>)) -> Option<Skipped> {
    let mut read = 0u64;
    let result = (|| -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            read += 1;
            each(row);
        }
        Ok(())
    })();
    result.err().map(|e| Skipped {
        row: format!("{table} after row {read}"),
        reason: format!("the rest of the table cannot be read: {e}"),
    })
}

/// Keeps, for each worker stored under more than one origin, only the rows of
/// the origin most of its rows have (ties: the origin of its lowest order,
/// then the first origin in byte order).
fn one_origin_per_worker(rows: &mut Vec<StoredRegistration>, skipped: &mut Vec<Skipped>) {
    // Per worker, per origin: (rows, lowest order).
    let mut seen: HashMap<SwRegId, HashMap<&str, (u64, u64)>> = HashMap::new();
    for r in rows.iter() {
        let entry = seen.entry(r.key.sw).or_default().entry(r.origin.as_str()).or_insert((0, u64::MAX));
        entry.0 += 1;
        entry.1 = entry.1.min(r.seq);
    }
    let keep: HashMap<SwRegId, String> = seen
        .into_iter()
        .filter(|(_, origins)| origins.len() > 1)
        .filter_map(|(sw, origins)| {
            let best =
                origins.into_iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)).then_with(|| b.0.cmp(a.0)));
            best.map(|(origin, _)| (sw, origin.to_string()))
        })
        .collect();
    if keep.is_empty() {
        return;
    }
    rows.retain(|r| match keep.get(&r.key.sw) {
        Some(origin) if origin != r.origin.as_str() => {
            skipped.push(Skipped {
                row: format!("registration of service worker registration {} ({:?})", r.key.sw.0, r.key.kind),
                reason: "its service worker registration is stored under two origins; the rows of the origin \
                         most of its rows have are kept"
                    .to_string(),
            });
            false
        }
        _ => true,
    });
}

/// Renumbers the rows `1, 2, ...` in their stored order (ties by key) if any
/// order number repeats; returns (rows whose number changed, rows that
/// shared a number).
fn renumber(rows: &mut [StoredRegistration]) -> (u64, u64) {
    rows.sort_by(|a, b| a.seq.cmp(&b.seq).then_with(|| a.key.cmp(&b.key)));
    let repeated = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| (*i > 0 && rows[i - 1].seq == r.seq) || rows.get(i + 1).is_some_and(|next| next.seq == r.seq))
        .count() as u64;
    if repeated == 0 {
        return (0, 0);
    }
    let mut changed = 0;
    for (seq, r) in (1u64..).zip(rows.iter_mut()) {
        if r.seq != seq {
            r.seq = seq;
            changed += 1;
        }
    }
    (changed, repeated)
}
