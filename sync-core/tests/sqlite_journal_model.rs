//! The journal against a model: random batches of every mutation over a small
//! key space, applied to a `SqliteStore` with a tiny fold threshold (so folds
//! happen inside batches), with random `compact()` calls and close/reopen
//! points, and to a `MemoryStore`. After every step `load()` of both agrees.
//! `PROPTEST_CASES` raises the number of cases (default 64).
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use proptest::prelude::*;
use sqlite_kit::*;
use sync_core::store::{
    MemoryStore, Mutation, SqliteStore, Store, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration,
};
use sync_core::{Origin, RegistrationKey, SwRegId};
use sync_policy::{Millis, SyncKind, Timestamp};

const ORIGINS: [&str; 3] = ["https://a.test", "https://b.test", "https://c.test"];
const TAGS: [&str; 3] = ["a", "b", "ab"];

/// Workers 1..=3, and one above `i64::MAX` (stored as a negative integer).
fn sw() -> impl Strategy<Value = SwRegId> {
    prop_oneof![4 => (1u64..=3).prop_map(SwRegId), 1 => Just(SwRegId(u64::MAX))]
}

fn key() -> impl Strategy<Value = RegistrationKey> {
    (sw(), any::<bool>(), 0..TAGS.len()).prop_map(|(sw, periodic, t)| {
        RegistrationKey::new(sw, if periodic { SyncKind::Periodic } else { SyncKind::OneOff }, TAGS[t])
    })
}

fn registration() -> impl Strategy<Value = StoredRegistration> {
    (key(), 0..ORIGINS.len(), any::<bool>(), 0u32..4, any::<u64>(), 0..u64::MAX, any::<u64>()).prop_map(
        |(key, o, waiting, attempts, due, seq, interval)| StoredRegistration {
            periodic: (key.kind == SyncKind::Periodic)
                .then_some(StoredPeriodic { min_interval: Millis(interval), anchor: Timestamp(due / 2) }),
            key,
            origin: Origin::new(ORIGINS[o]),
            phase: if waiting { StoredPhase::Waiting } else { StoredPhase::Pending },
            attempts,
            max_attempts: 3,
            due: Timestamp(due),
            seq,
        },
    )
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => registration().prop_map(Mutation::Put),
        3 => key().prop_map(Mutation::Delete),
        1 => sw().prop_map(Mutation::DeleteWorker),
        1 => (0..ORIGINS.len(), proptest::option::of(any::<u64>()))
            .prop_map(|(o, t)| Mutation::PutOrigin(StoredOrigin { origin: Origin::new(ORIGINS[o]), last_periodic: t.map(Timestamp) })),
        1 => (0..ORIGINS.len()).prop_map(|o| Mutation::DeleteOrigin(Origin::new(ORIGINS[o]))),
        1 => Just(Mutation::DeleteAll),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Batch(Vec<Mutation>),
    Compact,
    Reopen,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => prop::collection::vec(mutation(), 1..7).prop_map(Step::Batch),
        1 => Just(Step::Compact),
        1 => Just(Step::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn load_agrees_with_the_model_after_every_step(threshold in 1u64..8, steps in prop::collection::vec(step(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.db");
        let mut store = SqliteStore::open(&path).unwrap();
        store.set_fold_threshold(threshold);
        let mut model = MemoryStore::new();
        for (i, step) in steps.into_iter().enumerate() {
            match step {
                Step::Batch(batch) => {
                    store.apply(&batch).unwrap();
                    model.apply(&batch).unwrap();
                    prop_assert!(store.journal_rows() < threshold + batch.len() as u64);
                }
                Step::Compact => {
                    store.compact().unwrap();
                    prop_assert_eq!(store.journal_rows(), 0);
                    prop_assert_eq!(count_rows(&path, "journal"), 0);
                }
                Step::Reopen => {
                    let rows = store.journal_rows();
                    drop(store);
                    store = SqliteStore::open(&path).unwrap();
                    store.set_fold_threshold(threshold);
                    prop_assert_eq!(store.journal_rows(), rows);
                }
            }
            prop_assert_eq!(store.journal_rows(), count_rows(&path, "journal") as u64, "step {}", i);
            prop_assert_eq!(sorted(store.load().unwrap()), sorted(model.load().unwrap()), "step {}", i);
        }
        // Folding the rest changes nothing that load() sees.
        store.compact().unwrap();
        prop_assert_eq!(sorted(store.load().unwrap()), sorted(model.load().unwrap()));
        drop(store);
        prop_assert_eq!(reopen(&path), sorted(model.load().unwrap()));
    }
}
