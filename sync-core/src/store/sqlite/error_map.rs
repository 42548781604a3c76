//! Turning SQLite errors into [`StoreError`]s that name the file.

use crate::store::StoreError;
use rusqlite::ErrorCode;

/// Maps a SQLite error met while `doing` something to `path`.
///
/// "Not a database" and "malformed" become [`StoreError::Corrupt`]; a full
/// disk or size limit, and every other failure (permissions, I/O, locks),
/// become [`StoreError::Io`] with the file and the operation in the message.
pub(super) fn store_error(path: &str, doing: &str, e: &rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            StoreError::Corrupt { path: path.to_string(), reason: format!("not a SQLite database ({doing}: {e})") }
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt { path: path.to_string(), reason: format!("damaged ({doing}: {e})") }
        }
        Some(ErrorCode::DiskFull) => StoreError::Io(format!("{path}: disk full while {doing}: {e}")),
        _ => StoreError::Io(format!("{path}: {doing} failed: {e}")),
    }
}

/// A file-system error on `path` while `doing` something.
pub(super) fn io_error(path: &str, doing: &str, e: &std::io::Error) -> StoreError {
    StoreError::Io(format!("{path}: {doing} failed: {e}"))
}
