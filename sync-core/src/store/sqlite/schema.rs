//! The on-disk schema: its version history as an ordered list of migrations,
//! and the shape (tables and columns) each version leaves behind.
//!
//! The schema version lives in `PRAGMA user_version`; `0` is an empty file.
//! Each migration runs in its own transaction together with the
//! `user_version` bump, so a file is always at exactly one version. Files are
//! marked with `PRAGMA application_id` so a foreign SQLite database is told
//! apart from one of ours.

/// `PRAGMA application_id` of a store file: "BSYN" in ASCII.
pub(super) const APPLICATION_ID: i64 = 0x4253_594E;

/// One step of the schema history.
pub(super) struct Migration {
    /// The version the file is at once this step has run.
    pub(super) version: u32,
    /// What the step does, for logs.
    pub(super) description: &'static str,
    /// The statements, run inside the step's transaction.
    pub(super) sql: &'static str,
    /// Every table the schema holds once this step has run, with its columns in order.
    pub(super) shape: &'static [(&'static str, &'static [&'static str])],
}

/// Columns of `registrations` as version 1 creates them, in the order of
/// `SELECT_REGISTRATIONS` (and of the journal's columns after `id` and `op`).
pub(super) const REGISTRATION_COLUMNS: &[&str] =
    &["sw", "kind", "tag", "origin", "seq", "phase", "attempts", "max_attempts", "due", "min_interval", "anchor"];

/// Columns of `origins` as version 1 creates them.
const ORIGIN_COLUMNS: &[&str] = &["origin", "last_periodic"];

/// Columns of `journal` as version 2 creates them.
const JOURNAL_COLUMNS: &[&str] = &[
    "id",
    "op",
    "sw",
    "kind",
    "tag",
    "origin",
    "seq",
    "phase",
    "attempts",
    "max_attempts",
    "due",
    "min_interval",
    "anchor",
];

/// The schema history, oldest first. Versions are 1, 2, 3, ... in order.
/// Append new steps; never edit a step that has shipped.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "create the registrations and origins tables",
        // Integers are stored bit for bit: u64 values above i64::MAX read back as negative
        // numbers in the sqlite3 shell but round-trip exactly. kind: 0 one-off, 1 periodic;
        // phase: 0 pending, 1 waiting. min_interval and anchor are set for periodic rows only.
        sql: "CREATE TABLE registrations (
              sw INTEGER NOT NULL,
              kind INTEGER NOT NULL,
              tag TEXT NOT NULL,
              origin TEXT NOT NULL,
              seq INTEGER NOT NULL,
              phase INTEGER NOT NULL,
              attempts INTEGER NOT NULL,
              max_attempts INTEGER NOT NULL,
              due INTEGER NOT NULL,
              min_interval INTEGER,
              anchor INTEGER,
              PRIMARY KEY (sw, kind, tag)
          ) STRICT, WITHOUT ROWID;
          CREATE TABLE origins (
              origin TEXT NOT NULL PRIMARY KEY,
              last_periodic INTEGER
          ) STRICT, WITHOUT ROWID;",
        shape: &[("origins", ORIGIN_COLUMNS), ("registrations", REGISTRATION_COLUMNS)],
    },
    Migration {
        version: 2,
        description: "add the append-only registration journal",
        // One row per registration mutation, in commit order (`id` grows; a rowid table, so
        // appends land on its last page). op: 0 put (every registration column set, as in
        // `registrations`), 1 delete (sw, kind, tag), 2 delete worker (sw). Columns an op does
        // not use are NULL. The journal is folded into `registrations` and emptied from time
        // to time; existing rows of `registrations` stay as they are.
        sql: "CREATE TABLE journal (
              id INTEGER PRIMARY KEY,
              op INTEGER NOT NULL,
              sw INTEGER NOT NULL,
              kind INTEGER,
              tag TEXT,
              origin TEXT,
              seq INTEGER,
              phase INTEGER,
              attempts INTEGER,
              max_attempts INTEGER,
              due INTEGER,
              min_interval INTEGER,
              anchor INTEGER
          ) STRICT;",
        // Sorted by table name, as the inspection lists them.
        shape: &[("journal", JOURNAL_COLUMNS), ("origins", ORIGIN_COLUMNS), ("registrations", REGISTRATION_COLUMNS)],
    },
];

/// The newest schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The shape a file at `version` must have, if `version` is one this build knows.
pub(super) fn shape_of(version: u32) -> Option<&'static [(&'static str, &'static [&'static str])]> {
    MIGRATIONS.iter().find(|m| m.version == version).map(|m| m.shape)
}

/// Row statements, prepared once per connection and cached.
pub(super) const DELETE: &str = "DELETE FROM registrations WHERE sw = ?1 AND kind = ?2 AND tag = ?3";
pub(super) const DELETE_WORKER: &str = "DELETE FROM registrations WHERE sw = ?1";
pub(super) const PUT_ORIGIN: &str = "INSERT OR REPLACE INTO origins (origin, last_periodic) VALUES (?1, ?2)";
pub(super) const DELETE_ORIGIN: &str = "DELETE FROM origins WHERE origin = ?1";
pub(super) const DELETE_ALL_REGISTRATIONS: &str = "DELETE FROM registrations";
pub(super) const DELETE_ALL_ORIGINS: &str = "DELETE FROM origins";
/// In key order (the primary key's own order, so SQLite does not sort): `load()`
/// merges the journal's net effect into this stream by key.
pub(super) const SELECT_REGISTRATIONS: &str = "SELECT sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, \
     min_interval, anchor FROM registrations ORDER BY sw, kind, tag";
pub(super) const SELECT_ORIGINS: &str = "SELECT origin, last_periodic FROM origins";
/// Appends one put (op 0) to the journal; binds every other column.
pub(super) const APPEND: &str = "INSERT INTO journal \
     (op, sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor) \
     VALUES (0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
/// Puts appended by one `APPEND_MANY` statement.
pub(super) const APPEND_MANY_ROWS: usize = 16;
/// Appends [`APPEND_MANY_ROWS`] puts in one statement (their ids in order,
/// consecutive): a statement per put spends about a third of its cost
/// starting and ending the statement (`benches/README.md`).
pub(super) static APPEND_MANY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let row = "(0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    let rows = vec![row; APPEND_MANY_ROWS].join(", ");
    format!(
        "INSERT INTO journal \
         (op, sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor) VALUES {rows}"
    )
});
/// The journal in commit order; the registration columns follow `id` and `op`
/// in the order of `SELECT_REGISTRATIONS`.
pub(super) const SELECT_JOURNAL: &str = "SELECT id, op, sw, kind, tag, origin, seq, phase, attempts, max_attempts, \
     due, min_interval, anchor FROM journal ORDER BY id";
pub(super) const COUNT_JOURNAL: &str = "SELECT count(*) FROM journal";
pub(super) const DROP_JOURNAL_ROW: &str = "DELETE FROM journal WHERE id = ?1";
/// Copies the journal's puts into `registrations` in the table's key order.
/// Run once every put but the net one per key has been dropped from the journal.
pub(super) const FOLD_PUTS: &str = "INSERT OR REPLACE INTO registrations \
     (sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor) \
     SELECT sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor \
     FROM journal WHERE op = 0 ORDER BY sw, kind, tag";
/// Copies every journal row into `registrations` in `id` order, so a later put
/// of a key replaces an earlier one, each row checked by the SQL function
/// [`FOLD_CHECK`] first (arguments in the order of `SELECT_JOURNAL`): it fails
/// the statement at the first row that is not a put that decodes. The fold's
/// path for a journal of puts only, from a few workers (`journal.rs`); the
/// `ORDER BY` is the table's rowid order, so SQLite scans and does not sort.
pub(super) const FOLD_CHECKED_PUTS: &str = "INSERT OR REPLACE INTO registrations \
     (sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor) \
     SELECT sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor \
     FROM journal WHERE bsync_fold_put(id, op, sw, kind, tag, origin, seq, phase, attempts, max_attempts, \
     due, min_interval, anchor) ORDER BY id";
/// [`FOLD_CHECKED_PUTS`] for a journal from many workers: sorted by worker
/// first (in `id` order within one), so the inserts walk the table once.
pub(super) const FOLD_CHECKED_PUTS_BY_WORKER: &str = "INSERT OR REPLACE INTO registrations \
     (sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor) \
     SELECT sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, min_interval, anchor \
     FROM journal WHERE bsync_fold_put(id, op, sw, kind, tag, origin, seq, phase, attempts, max_attempts, \
     due, min_interval, anchor) ORDER BY sw, id";
/// The name of the journal row check that [`FOLD_CHECKED_PUTS`] calls (13 arguments).
pub(super) const FOLD_CHECK: &str = "bsync_fold_put";
/// Whether the journal holds a row.
pub(super) const JOURNAL_HAS_ROWS: &str = "SELECT EXISTS (SELECT 1 FROM journal)";
pub(super) const SAVEPOINT_FOLD: &str = "SAVEPOINT fold_puts";
pub(super) const ROLLBACK_FOLD: &str = "ROLLBACK TO fold_puts";
pub(super) const RELEASE_FOLD: &str = "RELEASE fold_puts";
pub(super) const CLEAR_JOURNAL: &str = "DELETE FROM journal";
/// The journal rows that name a key (puts, and deletes older builds wrote), for the erase index.
pub(super) const SELECT_JOURNAL_KEYS: &str = "SELECT id, sw, kind, tag FROM journal WHERE tag IS NOT NULL";
/// Every journal row of one worker (a scan of at most one fold threshold of rows).
pub(super) const ERASE_WORKER_JOURNAL: &str = "DELETE FROM journal WHERE sw = ?1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.description);
        }
        assert_eq!(SCHEMA_VERSION, 2);
        assert_eq!(shape_of(1).map(|s| s.len()), Some(2));
        assert_eq!(shape_of(2).map(|s| s.len()), Some(3));
        assert!(shape_of(0).is_none());
        assert!(shape_of(SCHEMA_VERSION + 1).is_none());
    }

    #[test]
    fn shapes_list_tables_sorted_by_name() {
        // The inspection compares them with the file's tables, which it reads sorted.
        for m in MIGRATIONS {
            assert!(m.shape.windows(2).all(|w| w[0].0 < w[1].0), "{}", m.description);
        }
    }
}
