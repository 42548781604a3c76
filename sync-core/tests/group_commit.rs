//! Group commit: every persist queued in one drain lands in one store write,
//! replies come out only after it, in the engine's order; a failed write
//! disables the engine and turns the replies that depended on it into
//! `UnknownError` rejections.

use sync_core::store::{Fault, FaultyStore, MemoryStore, Mutation, PendingCommit, Store, drain_committed};
use sync_core::{Action, Caller, ClientId, DomErrorName, Engine, ReplyValue, RequestId, SwRegId};
use sync_policy::{ConfigurablePolicy, FrameType, NetworkState, SyncKind, Timestamp};

const T0: Timestamp = Timestamp(1_800_000_000_000);
const W: Caller = Caller::Client(ClientId(1));
const SW: SwRegId = SwRegId(1);

fn engine(online: bool) -> Engine {
    let mut e = Engine::new(ConfigurablePolicy::default(), T0);
    e.add_worker(T0, SW, "https://a.test", true).unwrap();
    e.client_opened(T0, ClientId(1), "https://a.test", FrameType::TopLevel).unwrap();
    e.set_network(T0, NetworkState { online, metered: false });
    e
}

fn replies(actions: &[Action]) -> Vec<(RequestId, Result<ReplyValue, DomErrorName>)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Reply { request, result } => Some((*request, result.clone().map_err(|e| e.name))),
            _ => None,
        })
        .collect()
}

/// A store that checks each batch arrives whole.
struct Recording {
    inner: MemoryStore,
    batches: Vec<usize>,
}

impl Store for Recording {
    fn load(&mut self) -> Result<sync_core::store::Snapshot, sync_core::store::StoreError> {
        self.inner.load()
    }
    fn apply(&mut self, batch: &[Mutation]) -> Result<(), sync_core::store::StoreError> {
        self.batches.push(batch.len());
        self.inner.apply(batch)
    }
}

#[test]
fn sixty_four_registrations_share_one_write_and_are_acknowledged_in_order() {
    let mut e = engine(false);
    let requests: Vec<_> = (0..64).map(|i| e.register(T0, W, SW, &format!("t{i}"))).collect();
    let mut store = Recording { inner: MemoryStore::new(), batches: Vec::new() };
    let actions = drain_committed(&mut e, &mut store).unwrap();
    assert_eq!(store.batches, vec![64], "one write holding all 64 persists");
    assert_eq!(store.inner.len(), 64);
    assert!(!actions.iter().any(|a| matches!(a, Action::Persist(_))), "persists are not handed back");
    let got = replies(&actions);
    assert_eq!(got.iter().map(|(r, _)| *r).collect::<Vec<_>>(), requests, "replies keep the engine's order");
    assert!(got.iter().all(|(_, r)| *r == Ok(ReplyValue::Registered)));
    // Logs stay where the engine put them: each Registered log follows its reply.
    let first_log = actions.iter().position(|a| matches!(a, Action::Log(_))).unwrap();
    assert!(matches!(actions[first_log - 1], Action::Reply { request, .. } if request == requests[0]));
}

#[test]
fn the_split_api_releases_exactly_what_it_collected_once_committed() {
    let mut e = engine(true);
    let r = e.register(T0, W, SW, "a");
    let pending = PendingCommit::collect(&mut e);
    assert_eq!(pending.mutations().len(), 1);
    let expected = pending.actions().to_vec();
    assert!(expected.iter().any(|a| matches!(a, Action::Dispatch(_))));
    let mut store = MemoryStore::new();
    store.apply(pending.mutations()).unwrap();
    let released = pending.finish(&mut e, Ok(())).unwrap();
    assert_eq!(released, expected);
    assert_eq!(replies(&released), vec![(r, Ok(ReplyValue::Registered))]);
}

#[test]
fn a_drain_with_nothing_to_persist_does_not_write() {
    let mut e = engine(false);
    let r = e.get_tags(T0, W, SW, SyncKind::OneOff);
    let mut store = FaultyStore::passthrough(MemoryStore::new());
    let actions = drain_committed(&mut e, &mut store).unwrap();
    assert_eq!(store.writes(), 0);
    assert_eq!(replies(&actions), vec![(r, Ok(ReplyValue::Tags(vec![])))]);
}

#[test]
fn a_failed_write_rejects_what_depended_on_it_and_disables_the_engine() {
    for fault in [Fault::Io, Fault::DiskFull] {
        let mut e = engine(true);
        let mut store = FaultyStore::failing_at(MemoryStore::new(), 2, fault);
        let first = e.register(T0, W, SW, "kept");
        let actions = drain_committed(&mut e, &mut store).unwrap();
        let event = actions.iter().find_map(|a| if let Action::Dispatch(d) = a { Some(d.event) } else { None });
        assert!(event.is_some());
        // Next drain: a reply that depends on nothing, then a registration whose write fails.
        let tags = e.get_tags(T0, W, SW, SyncKind::OneOff);
        let lost = e.register(T0, W, SW, "lost");
        let failed = drain_committed(&mut e, &mut store).unwrap_err();
        assert!(failed.error.to_string().contains("injected"), "{}", failed.error);
        assert_eq!(
            replies(&failed.actions),
            vec![(tags, Ok(ReplyValue::Tags(vec!["kept".into()]))), (lost, Err(DomErrorName::UnknownError))]
        );
        assert!(!failed.actions.iter().any(|a| matches!(a, Action::Dispatch(_))), "dispatches are dropped");
        assert!(e.is_disabled());
        assert_eq!(e.len(), 0, "memory no longer claims anything the disk may not hold");
        // The store holds what was acknowledged: "kept", not "lost".
        assert_eq!(store.inner().len(), 1);
        assert!(replies(&actions).contains(&(first, Ok(ReplyValue::Registered))));
        // Later calls are rejected without touching the store.
        let later = e.register(T0, W, SW, "later");
        let actions = drain_committed(&mut e, &mut store).unwrap();
        assert_eq!(replies(&actions), vec![(later, Err(DomErrorName::UnknownError))]);
        assert_eq!(store.writes(), 2);
        assert!(e.event_finished(T0, event.unwrap(), sync_policy::EventOutcome::Fulfilled).is_err());
    }
}
