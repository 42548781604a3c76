//! Opening a file that is not a store, is damaged or truncated, or sits in a
//! directory that cannot be written gives a typed error naming the file, and
//! never modifies the file.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::path::{Path, PathBuf};
use sync_core::store::{Mutation, SqliteStore, Store, StoreError};

/// A store file with `n` rows, closed (checkpointed, no WAL left).
fn filled(dir: &Path, n: u64) -> PathBuf {
    let path = dir.join("sync.db");
    let mut s = SqliteStore::open(&path).unwrap();
    let batch: Vec<_> = (0..n).map(|i| Mutation::Put(one_off(1 + i % 7, &format!("tag-{i:06}"), i + 1))).collect();
    s.apply(&batch).unwrap();
    drop(s);
    assert!(!dir.join("sync.db-wal").exists(), "closing checkpoints the WAL away");
    path
}

/// Opens, expects `Corrupt` naming the file with `reason` in it, and checks the file is unchanged.
fn refused_as_corrupt(path: &Path, reason: &str) {
    let before = bytes(path);
    match SqliteStore::open(path) {
        Err(StoreError::Corrupt { path: p, reason: r }) => {
            assert_eq!(p, path.display().to_string());
            assert!(r.contains(reason), "reason {r:?} should mention {reason:?}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(bytes(path), before, "the file must not be modified");
}

#[test]
fn a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    std::fs::write(&path, "this is a text file, not a database\n".repeat(200)).unwrap();
    refused_as_corrupt(&path, "not a SQLite database");
    let e = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(e.contains("sync.db") && e.contains("corrupt"), "{e}");
}

#[test]
fn a_sqlite_database_of_another_program() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE cookies (name TEXT); INSERT INTO cookies VALUES ('x');").unwrap();
    drop(conn);
    refused_as_corrupt(&path, "not a background sync store");
    // Even with a schema version, another application id is not ours.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);
    refused_as_corrupt(&path, "application_id");
}

#[test]
fn a_damaged_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("ALTER TABLE registrations DROP COLUMN anchor").unwrap();
    drop(conn);
    refused_as_corrupt(&path, "damaged schema");

    let other = tempfile::tempdir().unwrap();
    let path = filled(other.path(), 10);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE origins").unwrap();
    drop(conn);
    refused_as_corrupt(&path, "damaged schema");

    // A version-2 file without its journal, or with a journal column missing.
    for sql in ["DROP TABLE journal", "ALTER TABLE journal DROP COLUMN anchor"] {
        let other = tempfile::tempdir().unwrap();
        let path = filled(other.path(), 10);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        refused_as_corrupt(&path, "damaged schema");
    }
}

#[test]
fn a_mangled_schema_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE TABLE registrations (broken' WHERE name = 'registrations';",
    )
    .unwrap();
    drop(conn);
    refused_as_corrupt(&path, "malformed");
}

#[test]
fn damaged_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 5000);
    let mut data = bytes(&path);
    let page = usize::from(u16::from_be_bytes([data[16], data[17]]));
    assert!(data.len() >= page * 6);
    // Overwrite the b-tree page headers of pages 3 to 5.
    for p in 2..5 {
        data[p * page..p * page + 12].fill(0xEE);
    }
    std::fs::write(&path, &data).unwrap();
    refused_as_corrupt(&path, "damaged");
}

#[test]
fn a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 5000);
    let full = bytes(&path);
    // Cut at half, on a page boundary and off it.
    for cut in [full.len() / 2 / 4096 * 4096, full.len() / 2 + 123, full.len() - 1] {
        std::fs::write(&path, &full[..cut]).unwrap();
        refused_as_corrupt(&path, "truncated");
    }
    // Shorter than the header.
    std::fs::write(&path, &full[..50]).unwrap();
    refused_as_corrupt(&path, "truncated");
}

/// Makes a directory unwritable, even for root (who ignores permission bits),
/// and restores it when dropped.
struct Unwritable {
    dir: PathBuf,
    immutable: bool,
}

impl Unwritable {
    /// `None` when this process can still create files there (root without `chattr`).
    fn new(dir: &Path) -> Option<Unwritable> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let mut guard = Unwritable { dir: dir.to_path_buf(), immutable: false };
        if !can_create(dir) {
            return Some(guard);
        }
        let ok = std::process::Command::new("chattr").arg("+i").arg(dir).status().is_ok_and(|s| s.success());
        guard.immutable = ok;
        (ok && !can_create(dir)).then_some(guard)
    }
}

fn can_create(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let ok = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = std::process::Command::new("chattr").arg("-i").arg(&self.dir).status();
        }
        let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
    }
}

fn expect_io(result: Result<SqliteStore, StoreError>, name: &str) {
    match result {
        Err(StoreError::Io(message)) => assert!(message.contains(name), "{message}"),
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

#[test]
fn a_read_only_directory() {
    let dir = tempfile::tempdir().unwrap();
    let existing = filled(dir.path(), 10);
    let before = bytes(&existing);
    let Some(_guard) = Unwritable::new(dir.path()) else {
        // Privileged and without `chattr`: /sys refuses new files even to root.
        eprintln!("cannot make a directory unwritable here; checking /sys instead");
        expect_io(SqliteStore::open("/sys/sync.db"), "/sys/sync.db");
        return;
    };
    expect_io(SqliteStore::open(dir.path().join("new.db")), "new.db");
    assert!(!dir.path().join("new.db").exists());
    // An existing store there cannot get its write-ahead log: refused, unchanged.
    expect_io(SqliteStore::open(&existing), "sync.db");
    assert_eq!(bytes(&existing), before);
}
