//! The persist-before-release protocol (`sync_core::commit`): every persist
//! queued before a commit lands in one store write; an effect (reply,
//! dispatch, log) queued after a persist is released only once that persist
//! committed, one queued before any uncommitted persist goes out at once, in
//! the engine's order; a failed write disables the engine, turns the held
//! replies into `UnknownError` rejections and drops held dispatches and logs.

use sync_core::Input;
use sync_core::commit::{CommitQueue, Effect, drain_committed};
use sync_core::store::{Fault, FaultyStore, MemoryStore, Mutation, Store};
use sync_core::{Caller, ClientId, DomError, DomErrorName, Engine, ReplyValue, RequestId, SwRegId};
use sync_policy::{ConfigurablePolicy, FrameType, NetworkState, SyncKind, Timestamp};

const T0: Timestamp = Timestamp(1_800_000_000_000);
const W: Caller = Caller::Client(ClientId(1));
const SW: SwRegId = SwRegId(1);

fn engine(online: bool) -> Engine {
    let mut e = Engine::new(ConfigurablePolicy::default(), T0);
    e.handle(T0, Input::AddWorker { sw: SW, origin: "https://a.test".into(), active: true }).unwrap();
    e.handle(
        T0,
        Input::ClientOpened { client: ClientId(1), origin: "https://a.test".into(), frame: FrameType::TopLevel },
    )
    .unwrap();
    e.handle(T0, Input::Network(NetworkState { online, metered: false })).unwrap();
    while e.poll_action().is_some() {}
    e
}

fn replies(effects: &[Effect]) -> Vec<(RequestId, Result<ReplyValue, DomErrorName>)> {
    effects
        .iter()
        .filter_map(|a| match a {
            Effect::Reply { request, result } => Some((*request, result.clone().map_err(|e| e.name))),
            _ => None,
        })
        .collect()
}

/// A store that records the size of each batch.
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
    let requests: Vec<_> = (0..64)
        .map(|i| {
            e.handle(T0, Input::Register { caller: W, sw: SW, tag: format!("t{i}").into() }).unwrap().request().unwrap()
        })
        .collect();
    let mut store = Recording { inner: MemoryStore::new(), batches: Vec::new() };
    let effects = drain_committed(&mut e, &mut store).unwrap();
    assert_eq!(store.batches, vec![64], "one write holding all 64 persists");
    assert_eq!(store.inner.len(), 64);
    let got = replies(&effects);
    assert_eq!(got.iter().map(|(r, _)| *r).collect::<Vec<_>>(), requests, "replies keep the engine's order");
    assert!(got.iter().all(|(_, r)| *r == Ok(ReplyValue::Registered)));
    // Logs stay where the engine put them: each Registered log follows its reply.
    let first_log = effects.iter().position(|a| matches!(a, Effect::Log(_))).unwrap();
    assert!(matches!(effects[first_log - 1], Effect::Reply { request, .. } if request == requests[0]));
}

#[test]
fn an_effect_before_any_persist_goes_out_at_once_and_one_after_waits_for_the_commit() {
    let mut e = engine(true);
    let mut q = CommitQueue::new();
    let tags = e.handle(T0, Input::GetTags { caller: W, sw: SW, kind: SyncKind::OneOff }).unwrap().request().unwrap();
    let r = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "a".into() }).unwrap().request().unwrap();
    let now = q.absorb(&mut e);
    assert_eq!(replies(&now), vec![(tags, Ok(ReplyValue::Tags(vec![])))], "getTags depended on nothing");
    assert!(q.has_held(), "the registration's reply and dispatch wait");
    let batch = q.next_batch().expect("one batch");
    assert_eq!(batch.mutations().len(), 1);
    let mut store = MemoryStore::new();
    let outcome = batch.write(&mut store);
    let released = q.finish(&mut e, batch, outcome).unwrap();
    assert_eq!(replies(&released), vec![(r, Ok(ReplyValue::Registered))]);
    assert!(matches!(released.last(), Some(Effect::Dispatch(_))), "the event fires only once its row is stored");
    assert!(!q.has_held());
}

#[test]
fn persists_queued_while_a_batch_is_in_flight_form_the_next_batch_and_hold_only_their_own_effects() {
    let mut e = engine(false);
    let mut q = CommitQueue::new();
    let a = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "a".into() }).unwrap().request().unwrap();
    assert!(q.absorb(&mut e).is_empty());
    let first = q.next_batch().expect("first batch");
    let b = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "b".into() }).unwrap().request().unwrap();
    assert!(q.absorb(&mut e).is_empty());
    assert!(q.next_batch().is_none(), "one batch in flight at a time");
    let mut store = MemoryStore::new();
    let outcome = first.write(&mut store);
    let released = q.finish(&mut e, first, outcome).unwrap();
    assert_eq!(replies(&released), vec![(a, Ok(ReplyValue::Registered))], "b's reply waits for b's batch");
    let second = q.next_batch().expect("second batch");
    assert_eq!(second.mutations().len(), 1);
    let outcome = second.write(&mut store);
    let released = q.finish(&mut e, second, outcome).unwrap();
    assert_eq!(replies(&released), vec![(b, Ok(ReplyValue::Registered))]);
    assert_eq!(store.len(), 2);
}

#[test]
fn a_drain_with_nothing_to_persist_does_not_write() {
    let mut e = engine(false);
    let r = e.handle(T0, Input::GetTags { caller: W, sw: SW, kind: SyncKind::OneOff }).unwrap().request().unwrap();
    let mut store = FaultyStore::passthrough(MemoryStore::new());
    let effects = drain_committed(&mut e, &mut store).unwrap();
    assert_eq!(store.writes(), 0);
    assert_eq!(replies(&effects), vec![(r, Ok(ReplyValue::Tags(vec![])))]);
}

#[test]
fn a_failed_write_rejects_what_depended_on_it_and_disables_the_engine() {
    for fault in [Fault::Io, Fault::DiskFull] {
        let mut e = engine(true);
        let mut store = FaultyStore::failing_at(MemoryStore::new(), 2, fault);
        let first = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "kept".into() }).unwrap().request().unwrap();
        let effects = drain_committed(&mut e, &mut store).unwrap();
        let event = effects.iter().find_map(|a| if let Effect::Dispatch(d) = a { Some(d.event) } else { None });
        assert!(event.is_some());
        // Next drain: a reply that depends on nothing, then a registration whose write fails.
        let tags =
            e.handle(T0, Input::GetTags { caller: W, sw: SW, kind: SyncKind::OneOff }).unwrap().request().unwrap();
        let lost = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "lost".into() }).unwrap().request().unwrap();
        let failed = drain_committed(&mut e, &mut store).unwrap_err();
        assert!(failed.error.to_string().contains("injected"), "{}", failed.error);
        assert_eq!(
            replies(&failed.effects),
            vec![(tags, Ok(ReplyValue::Tags(vec!["kept".into()]))), (lost, Err(DomErrorName::UnknownError))]
        );
        assert!(
            failed.effects.iter().all(|a| matches!(a, Effect::Reply { .. })),
            "held dispatches and logs are dropped: {:?}",
            failed.effects
        );
        assert!(e.is_disabled());
        assert_eq!(e.len(), 0, "memory no longer claims anything the disk may not hold");
        // The store holds what was acknowledged: "kept", not "lost".
        assert_eq!(store.inner().len(), 1);
        assert!(replies(&effects).contains(&(first, Ok(ReplyValue::Registered))));
        // Later calls are rejected without touching the store.
        let later =
            e.handle(T0, Input::Register { caller: W, sw: SW, tag: "later".into() }).unwrap().request().unwrap();
        let effects = drain_committed(&mut e, &mut store).unwrap();
        assert_eq!(replies(&effects), vec![(later, Err(DomErrorName::UnknownError))]);
        assert_eq!(store.writes(), 2);
        assert!(
            e.handle(T0, Input::EventFinished { event: event.unwrap(), outcome: sync_policy::EventOutcome::Fulfilled })
                .is_err()
        );
    }
}

#[test]
fn a_failed_batch_also_rejects_the_replies_held_behind_the_next_batch() {
    let mut e = engine(false);
    let mut q = CommitQueue::new();
    let a = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "a".into() }).unwrap().request().unwrap();
    q.absorb(&mut e);
    let first = q.next_batch().expect("first batch");
    let b = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "b".into() }).unwrap().request().unwrap();
    q.absorb(&mut e);
    let mut store = FaultyStore::failing_at(MemoryStore::new(), 1, Fault::Io);
    let outcome = first.write(&mut store);
    let failed = q.finish(&mut e, first, outcome).unwrap_err();
    assert_eq!(
        replies(&failed.effects),
        vec![(a, Err(DomErrorName::UnknownError)), (b, Err(DomErrorName::UnknownError))]
    );
    assert!(
        failed.effects.iter().all(|f| matches!(f, Effect::Reply { result: Err(e), .. } if *e == DomError::DISABLED))
    );
    assert!(!q.has_batch() && q.next_batch().is_none(), "the batch behind the failed one is never written");
    assert!(e.is_disabled());
    // From now on only rejections come out, at once.
    let c = e.handle(T0, Input::Register { caller: W, sw: SW, tag: "c".into() }).unwrap().request().unwrap();
    assert_eq!(replies(&q.absorb(&mut e)), vec![(c, Err(DomErrorName::UnknownError))]);
}

#[test]
fn a_log_record_waits_for_the_change_it_describes() {
    use sync_policy::{Engagement, PermissionName, PermissionState};
    let mut e = engine(false);
    e.handle(
        T0,
        Input::Permission {
            origin: "https://a.test".into(),
            name: PermissionName::PeriodicBackgroundSync,
            state: PermissionState::Granted,
        },
    )
    .unwrap();
    e.handle(T0, Input::Engagement { origin: "https://a.test".into(), level: Engagement::High }).unwrap();
    let mut store = MemoryStore::new();
    e.handle(T0, Input::RegisterPeriodic { caller: W, sw: SW, tag: "p".into(), min_interval: 12 * 3_600_000 }).unwrap();
    drain_committed(&mut e, &mut store).unwrap();
    let mut q = CommitQueue::new();
    e.handle(T0, Input::UnregisterPeriodic { caller: W, sw: SW, tag: "p".into() }).unwrap();
    let at_once = q.absorb(&mut e);
    assert!(
        !at_once.iter().any(|f| matches!(f, Effect::Log(_))),
        "the unregistration's record is held until its Delete commits: {at_once:?}"
    );
    let batch = q.next_batch().expect("the Delete");
    let outcome = batch.write(&mut store);
    let released = q.finish(&mut e, batch, outcome).unwrap();
    assert!(released.iter().any(|f| matches!(f, Effect::Log(r) if r.name() == "Unregistered periodicsync")));
}
