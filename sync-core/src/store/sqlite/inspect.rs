//! The read-only look at an existing file before anything writes to it.
//!
//! A file that is not ours, is damaged or truncated, or was written by a newer
//! schema is refused here, through a read-only connection, so it is never
//! modified: the user (or a newer build) still has it as it was.

use super::error_map::{io_error, store_error};
use super::schema::{APPLICATION_ID, SCHEMA_VERSION, shape_of};
use super::sidecar::wal_has_frames;
use crate::store::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::Path;

/// Length of the SQLite file header.
const HEADER_LEN: usize = 100;

/// The first 16 bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How many `quick_check` problems a `Corrupt` error quotes.
const QUOTED_PROBLEMS: usize = 3;

/// Checks an existing store file without writing to it; returns its schema version
/// (0 for an empty database that migrations will fill). `pages` adds
/// `quick_check`, which reads every page (skipped at open when a clean close
/// vouches for the file, see `clean_close.rs`).
pub(super) fn inspect(path: &Path, shown: &str, pages: bool) -> Result<u32, StoreError> {
    check_header(path, shown)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| store_error(shown, "opening read-only", &e))?;
    let corrupt = |reason: String| StoreError::Corrupt { path: shown.to_string(), reason };
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| store_error(shown, "reading application_id", &e))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| store_error(shown, "reading user_version", &e))?;
    let tables = tables(&conn, shown)?;
    if version == 0 {
        // An empty database (possibly ours, created just before a crash): the
        // migrations fill it. Anything else without a version is not ours.
        if tables.is_empty() && (app_id == 0 || app_id == APPLICATION_ID) {
            return Ok(0);
        }
        return Err(corrupt(format!(
            "not a background sync store: schema version 0 (application_id {app_id:#x}) with tables {tables:?}"
        )));
    }
    if app_id != APPLICATION_ID {
        return Err(corrupt(format!(
            "not a background sync store: application_id {app_id:#x}, expected {APPLICATION_ID:#x}"
        )));
    }
    let version = u32::try_from(version).map_err(|_| corrupt(format!("invalid schema version {version}")))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: shown.to_string(), found: version, supported: SCHEMA_VERSION });
    }
    check_shape(&conn, shown, version, &tables)?;
    if pages {
        quick_check(&conn, shown)?;
    }
    Ok(version)
}

/// Refuses files too short for a header, without SQLite's magic, or shorter than
/// their header says (a truncated copy or a torn write) while no WAL covers the rest.
fn check_header(path: &Path, shown: &str) -> Result<(), StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { path: shown.to_string(), reason };
    let mut file = std::fs::File::open(path).map_err(|e| io_error(shown, "opening", &e))?;
    let len = file.metadata().map_err(|e| io_error(shown, "reading metadata", &e))?.len();
    if len == 0 {
        // SQLite's own empty database: nothing was ever committed to it.
        return Ok(());
    }
    let mut header = [0u8; HEADER_LEN];
    if len < HEADER_LEN as u64 {
        let mut start = Vec::new();
        file.read_to_end(&mut start).map_err(|e| io_error(shown, "reading the header", &e))?;
        return Err(if start.starts_with(MAGIC) || MAGIC.starts_with(&start) {
            corrupt(format!("truncated: {len} bytes, shorter than the {HEADER_LEN}-byte SQLite header"))
        } else {
            corrupt("not a SQLite database (no SQLite header)".to_string())
        });
    }
    file.read_exact(&mut header).map_err(|e| io_error(shown, "reading the header", &e))?;
    if &header[..16] != MAGIC {
        return Err(corrupt("not a SQLite database (no SQLite header)".to_string()));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => return Err(corrupt(format!("invalid page size {n} in the header"))),
    };
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let pages = u64::from(be32(28));
    // The in-header size is valid when the change counter matches version-valid-for.
    let size_valid = pages > 0 && be32(24) == be32(92);
    if size_valid && !wal_has_frames(path) {
        let expected = pages.saturating_mul(page_size);
        if len < expected {
            return Err(corrupt(format!(
                "truncated: {len} bytes, but its header says {pages} pages of {page_size} bytes ({expected} bytes)"
            )));
        }
    }
    Ok(())
}

/// The names of the file's own tables, sorted.
fn tables(conn: &Connection, shown: &str) -> Result<Vec<String>, StoreError> {
    let read = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             ORDER BY name",
        )?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
        names.collect()
    };
    read().map_err(|e| store_error(shown, "reading the schema", &e))
}

/// Refuses a file whose tables or columns are not what its version's migrations create.
fn check_shape(conn: &Connection, shown: &str, version: u32, tables: &[String]) -> Result<(), StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { path: shown.to_string(), reason };
    let Some(shape) = shape_of(version) else {
        return Err(corrupt(format!("unknown schema version {version}")));
    };
    let expected: Vec<&str> = shape.iter().map(|(t, _)| *t).collect();
    if tables.iter().map(String::as_str).ne(expected.iter().copied()) {
        return Err(corrupt(format!(
            "damaged schema: version {version} has tables {expected:?}, the file has {tables:?}"
        )));
    }
    for (table, columns) in shape {
        let read = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
            let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
            names.collect()
        };
        let found = read().map_err(|e| store_error(shown, "reading the schema", &e))?;
        if found.iter().map(String::as_str).ne(columns.iter().copied()) {
            return Err(corrupt(format!(
                "damaged schema: table `{table}` has columns {found:?}, version {version} has {columns:?}"
            )));
        }
    }
    Ok(())
}

/// SQLite's `quick_check`: every page reachable, every record well-formed.
fn quick_check(conn: &Connection, shown: &str) -> Result<(), StoreError> {
    let read = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("PRAGMA quick_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.take(QUOTED_PROBLEMS).collect()
    };
    let problems = read().map_err(|e| store_error(shown, "checking integrity", &e))?;
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(());
    }
    Err(StoreError::Corrupt { path: shown.to_string(), reason: format!("damaged: {}", problems.join("; ")) })
}
