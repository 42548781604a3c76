//! Every benchmark operation, on both schedulers, leaves the fixture at its
//! size with nothing refused, so repeated iterations measure the same state.

use sync_benches::fixture::{BaselineScheduler, EngineScheduler, Scheduler};
use sync_benches::workload::{PER_ORIGIN, scratch_tag, tag};
use sync_policy::Millis;

const N: usize = 1_000;

fn offline_operations<S: Scheduler>() {
    let mut s = S::offline_pending(N).unwrap();
    assert_eq!(s.len(), N);
    for i in 0..PER_ORIGIN as u64 {
        s.register_new(&scratch_tag(i));
    }
    assert_eq!(s.len(), N + PER_ORIGIN, "{} holds the new tags", S::NAME);
    s.recycle_scratch();
    assert_eq!(s.len(), N);
    s.register_existing(17, &tag(17).into());
    assert_eq!(s.len(), N, "{}: a coalesced registration adds nothing", S::NAME);
    assert_eq!(s.get_tags(3), PER_ORIGIN);
    let key = s.key(5);
    assert!(!s.decide_may_fire(&key), "{}: nothing may fire offline", S::NAME);
    assert_eq!(s.decide_retry_delay(&key), Some(Millis::from_mins(5)));
    assert_eq!(s.decide_periodic_interval(&key), Some(Millis::from_hours(12)));
    for _ in 0..3 {
        let first = s.flip_first_dispatch().expect("the flip dispatches");
        s.undo_flip(first);
        assert_eq!(s.len(), N, "{}: the flip is undone", S::NAME);
    }
    let events = s.dispatch_all();
    assert_eq!(events.len(), N, "{}: every pending registration is dispatched", S::NAME);
    for e in events {
        s.settle(e);
    }
    assert!(s.is_empty(), "{}: every settled registration is gone", S::NAME);
    assert_eq!(s.rejections(), 0, "{}: nothing refused", S::NAME);
}

fn online_operations<S: Scheduler>() {
    let mut s = S::waiting_online(N).unwrap();
    for i in 0..10 {
        assert!(s.fire_and_settle(&scratch_tag(i)), "{}: a new registration fires at once", S::NAME);
    }
    assert_eq!(s.len(), N);
    assert_eq!(s.rejections(), 0);
}

#[test]
fn engine_fixture_keeps_its_size() {
    offline_operations::<EngineScheduler>();
    online_operations::<EngineScheduler>();
}

#[test]
fn baseline_fixture_keeps_its_size() {
    offline_operations::<BaselineScheduler>();
    online_operations::<BaselineScheduler>();
}
