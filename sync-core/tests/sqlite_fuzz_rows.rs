//! Fuzzing the store's row decoding: arbitrary values written into every
//! column (of `registrations` and of the journal) behind the store's back, and
//! arbitrary bytes written over the file, never make `open`, `load` or
//! `compact` panic: they load, or fail with a typed error.
//! `PROPTEST_CASES` raises the number of cases (default 64).
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use proptest::prelude::*;
use sqlite_kit::*;
use sync_core::store::{Mutation, SqliteStore, Store};

const INTEGER_COLUMNS: [&str; 9] =
    ["sw", "kind", "seq", "phase", "attempts", "max_attempts", "due", "min_interval", "anchor"];

fn seeded(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("fuzz.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[
        Mutation::Put(one_off(1, "a", 1)),
        Mutation::Put(periodic(1, "p", 2, 43_200_000)),
        Mutation::Put(one_off(2, "b", 3)),
        Mutation::PutOrigin(origin_row(A, Some(5))),
    ])
    .unwrap();
    // Fold, so the values below are written into `registrations` itself.
    s.compact().unwrap();
    path
}

/// A store whose three rows (and, with `deletes`, a delete and a worker delete) are still
/// in the journal. Without them the fold takes its path for puts only (`journal.rs`).
fn journaled(dir: &std::path::Path, deletes: bool) -> std::path::PathBuf {
    let path = dir.join("fuzz.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[
        Mutation::Put(one_off(1, "a", 1)),
        Mutation::Put(periodic(1, "p", 2, 43_200_000)),
        Mutation::Put(one_off(2, "b", 3)),
    ])
    .unwrap();
    assert_eq!(s.journal_rows(), 3);
    drop(s);
    if !deletes {
        return path;
    }
    // A delete and a worker delete, as earlier builds journaled them (this one erases at once).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("INSERT INTO journal (id, op, sw, kind, tag) VALUES (4, 1, 3, 0, 'c'); INSERT INTO journal (id, op, sw) VALUES (5, 2, 4);")
        .unwrap();
    path
}

/// Journal columns an update may set (all but `id`).
const JOURNAL_COLUMNS: [&str; 12] =
    ["op", "sw", "kind", "tag", "origin", "seq", "phase", "attempts", "max_attempts", "due", "min_interval", "anchor"];

#[derive(Clone, Debug)]
enum Value {
    Int(usize, i64),
    Null(usize),
    Text(bool, Vec<u8>),
    OriginTime(Option<i64>),
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0..INTEGER_COLUMNS.len(), prop_oneof![any::<i64>(), -3i64..5, Just(i64::MIN), Just(i64::MAX)])
            .prop_map(|(c, v)| Value::Int(c, v)),
        1 => (7usize..9).prop_map(Value::Null),
        2 => (any::<bool>(), prop::collection::vec(any::<u8>(), 0..24)).prop_map(|(o, b)| Value::Text(o, b)),
        1 => prop::option::of(any::<i64>()).prop_map(Value::OriginTime),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_column_values_load_or_fail_typed(row in 0usize..3, values in prop::collection::vec(value(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let path = seeded(dir.path());
        let conn = rusqlite::Connection::open(&path).unwrap();
        let tag = ["a", "p", "b"][row];
        for v in values {
            // STRICT tables refuse values of the wrong type; such updates are skipped.
            let sql = match v {
                Value::Int(c, n) => format!("UPDATE registrations SET {} = {n} WHERE tag = '{tag}'", INTEGER_COLUMNS[c]),
                Value::Null(c) => format!("UPDATE registrations SET {} = NULL WHERE tag = '{tag}'", INTEGER_COLUMNS[c]),
                Value::Text(origin, bytes) => format!(
                    "UPDATE registrations SET {} = CAST(x'{}' AS TEXT) WHERE tag = '{tag}'",
                    if origin { "origin" } else { "tag" },
                    hex(&bytes)
                ),
                Value::OriginTime(t) => format!(
                    "UPDATE origins SET last_periodic = {}",
                    t.map_or("NULL".to_string(), |t| t.to_string())
                ),
            };
            let _ = conn.execute_batch(&sql);
        }
        drop(conn);
        let _ = SqliteStore::open(&path).and_then(|mut s| s.load());
    }

    #[test]
    fn arbitrary_journal_values_load_fold_or_fail_typed(
        updates in prop::collection::vec(
            (1i64..6, 0..JOURNAL_COLUMNS.len(), prop_oneof![
                3 => prop_oneof![any::<i64>(), -3i64..5].prop_map(|v| v.to_string()),
                1 => Just("NULL".to_string()),
                1 => prop::collection::vec(any::<u8>(), 0..12).prop_map(|b| format!("CAST(x'{}' AS TEXT)", hex(&b))),
            ]),
            1..4,
        ),
        deletes in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = journaled(dir.path(), deletes);
        let conn = rusqlite::Connection::open(&path).unwrap();
        for (id, column, value) in updates {
            // STRICT refuses values of the wrong type, and NOT NULL refuses NULL in `op` and `sw`: skipped.
            let _ = conn.execute_batch(&format!("UPDATE journal SET {} = {value} WHERE id = {id}", JOURNAL_COLUMNS[column]));
        }
        drop(conn);
        // Loading (replay) and folding agree: both succeed with the same rows, or both refuse the same row.
        let loaded = SqliteStore::open(&path).and_then(|mut s| s.load());
        let folded = SqliteStore::open(&path).and_then(|mut s| s.compact().and_then(|_| s.load()));
        match (&loaded, &folded) {
            (Ok(a), Ok(b)) => prop_assert_eq!(sorted(a.clone()), sorted(b.clone())),
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            _ => prop_assert!(false, "load {:?} but fold {:?}", loaded, folded),
        }
    }

    #[test]
    fn arbitrary_bytes_over_the_file_never_panic(writes in prop::collection::vec((any::<u64>(), prop::collection::vec(any::<u8>(), 1..64)), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let path = seeded(dir.path());
        // Fold the WAL into the main file so the damage hits the data pages.
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        for (at, data) in writes {
            let at = (at % bytes.len() as u64) as usize;
            for (i, b) in data.iter().enumerate() {
                if let Some(slot) = bytes.get_mut(at + i) {
                    *slot = *b;
                }
            }
        }
        std::fs::write(&path, &bytes).unwrap();
        let _ = SqliteStore::open(&path).and_then(|mut s| s.load());
    }
}
