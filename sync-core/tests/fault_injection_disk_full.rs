//! A real full disk (SQLite refusing to grow the file): the failed commit
//! disables the engine, later page calls reject with `UnknownError`, and the
//! file still holds exactly what was acknowledged.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::Input;
use sync_core::store::{SqliteStore, StoreError};
use sync_core::{Action, DomErrorName, ReplyValue};
use sync_policy::{NetworkState, SyncKind};

#[test]
fn a_full_disk_disables_the_engine_and_keeps_the_acknowledged_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.db");
    let mut store = SqliteStore::open(&path).unwrap();
    store.set_size_limit(64 * 1024).unwrap();
    let mut rig = Rig::new(store);
    rig.engine.handle(T0, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    let big = "t".repeat(3000);
    let mut acknowledged = engine_view(&rig.engine);
    let mut acked_tags = 0;
    let mut failing_replies = Vec::new();
    for round in 0..200 {
        // Four callers per drain.
        let requests: Vec<_> = (0..4).map(|i| rig.register(1, &format!("{big}{round}-{i}"))).collect();
        let out = rig.drain();
        if rig.failed.is_some() {
            failing_replies = requests.iter().map(|r| rig.reply(*r)).collect();
            assert!(!out.iter().any(|a| matches!(a, Action::Dispatch(_))));
            break;
        }
        assert!(requests.iter().all(|r| rig.reply(*r) == Some(Ok(ReplyValue::Registered))));
        acknowledged = engine_view(&rig.engine);
        acked_tags += 4;
    }
    let error = rig.failed.clone().expect("the disk filled up");
    assert!(matches!(&error, StoreError::Io(m) if m.contains("disk full") && m.contains("full.db")), "{error}");
    assert!(acked_tags > 0, "some registrations fit before the disk was full");
    assert!(
        failing_replies.iter().all(|r| matches!(r, Some(Err(e)) if e.name == DomErrorName::UnknownError)),
        "the registrations of the failed batch are rejected: {failing_replies:?}"
    );
    // Disabled: every later page call rejects, nothing is written.
    assert!(rig.engine.is_disabled());
    let later = rig.register(1, "later");
    let tags = rig
        .engine
        .handle(rig.now, Input::GetTags { caller: window(1), sw: sync_core::SwRegId(1), kind: SyncKind::OneOff })
        .unwrap()
        .request()
        .unwrap();
    rig.drain();
    for r in [later, tags] {
        assert!(matches!(rig.reply(r), Some(Err(e)) if e.name == DomErrorName::UnknownError));
    }
    drop(rig);
    let on_disk = reopen(&path);
    assert_eq!(on_disk.registrations.len(), acked_tags);
    assert_eq!(stored_view(&on_disk), acknowledged, "exactly what was acknowledged, as acknowledged");
}
