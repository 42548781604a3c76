//! The wake-up hint across profiles: a host with one driver per profile asks
//! all of them and schedules the earliest.
mod driver_kit;
use driver_kit::*;
use sync_core::driver::{WakeupHint, WakeupReason, earliest_wakeup, wakeup_across};
use sync_policy::{NetworkState, PermissionName, PermissionState, Timestamp, WaitReason};

const MIN: u64 = 60_000;

#[test]
fn earliest_wins_and_none_is_skipped() {
    let due = |at, why| Some(WakeupHint { at: Timestamp(at), reason: WakeupReason::Due(why) });
    assert_eq!(earliest_wakeup([None, None]), None);
    assert_eq!(earliest_wakeup(Vec::new()), None);
    let early = due(5, WaitReason::BackOff);
    let late = due(9, WaitReason::PeriodicInterval);
    assert_eq!(earliest_wakeup([late, None, early]), early);
    assert_eq!(earliest_wakeup([early, late]), early);
    // On a tie, the first given.
    let tie = due(5, WaitReason::PeriodicInterval);
    assert_eq!(earliest_wakeup([tie, early]), tie);
}

#[tokio::test(start_paused = true)]
async fn the_host_gets_the_earliest_profile_hint() {
    let (d1, _s1) = Scripted::new();
    let (d2, _s2) = Scripted::new();
    let (d3, _s3) = Scripted::new();
    let (p1, p2, p3) = (start(SharedStore::new(), d1), start(SharedStore::new(), d2), start(SharedStore::new(), d3));
    let handles = [p1.handle(), p2.handle(), p3.handle()];
    assert_eq!(wakeup_across(&handles).await.unwrap(), None, "no profile has anything registered");

    // Profile 2: a periodic registration due in 12 h; profile 3: one in 24 h.
    for (h, hours) in [(&handles[1], 12), (&handles[2], 24)] {
        h.set_permission(B, PermissionName::PeriodicBackgroundSync, PermissionState::Granted).await.unwrap();
        h.register_periodic(page(W2), R2, "feed", hours * 60 * MIN).await.unwrap();
    }
    let twelve =
        WakeupHint { at: Timestamp(T0.0 + 12 * 60 * MIN), reason: WakeupReason::Due(WaitReason::PeriodicInterval) };
    assert_eq!(wakeup_across(&handles).await.unwrap(), Some(twelve));

    // Profile 1: offline with a pending registration: wake as soon as there is a network.
    handles[0].set_network(NetworkState { online: false, metered: false }).await.unwrap();
    handles[0].register(page(W1), R1, "a").await.unwrap();
    let ready = wakeup_across(&handles).await.unwrap();
    assert_eq!(ready, Some(WakeupHint { at: T0, reason: WakeupReason::Ready }));

    // A stopped profile fails the whole answer rather than being left out silently.
    let [h1, h2, h3] = handles;
    p3.shutdown().await.unwrap();
    assert!(wakeup_across([&h1, &h2, &h3]).await.is_err());
    drop((h1, h2, h3));
    p1.shutdown().await.unwrap();
    p2.shutdown().await.unwrap();
}
