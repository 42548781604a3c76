//! What crosses the engine/policy seam is typed: a refusal reaches the page
//! with the DOMException name the policy chose (no string parsing, no silent
//! `UnknownError`), and the engagement of an unreported origin is the policy's
//! own choice, not a constant of the standard policy.

use std::sync::atomic::{AtomicU32, Ordering};
use sync_core::Input;
use sync_core::{Caller, ClientId, DomErrorName, Engine, Explanation, RegistrationKey, SwRegId};
use sync_policy::{
    ConfigurablePolicy, DomExceptionName, Engagement, EventOutcome, FireFacts, FrameType, Millis, PeriodicFacts,
    PeriodicFailure, PeriodicReregisterWhileFiring, PermissionName, PermissionState, Policy, Profile, Refusal,
    RegisterContext, RevocationAction, SyncKind, TagOrder, Timestamp, Verdict, WaitReason, WaitingReregister,
};

const ORIGIN: &str = "https://a.test";
const SW: SwRegId = SwRegId(1);
const T0: Timestamp = Timestamp(1_800_000_000_000);

#[test]
fn every_refusal_maps_to_its_own_dom_error_name() {
    let cases = [
        (Refusal::PermissionDenied, DomErrorName::NotAllowedError),
        (Refusal::NoWindow, DomErrorName::InvalidAccessError),
        (Refusal::TagTooLong, DomErrorName::InvalidAccessError),
        (Refusal::QuotaExceeded, DomErrorName::QuotaExceededError),
    ];
    for (refusal, want) in cases {
        let name = DomErrorName::from(refusal.dom_exception());
        assert_eq!(name, want, "{refusal:?}");
        assert_eq!(name.as_str(), refusal.dom_exception().as_str(), "{refusal:?}: both sides spell it alike");
    }
    for name in [DomExceptionName::NotAllowedError, DomExceptionName::InvalidAccessError] {
        assert_ne!(DomErrorName::from(name), DomErrorName::UnknownError);
    }
}

/// The standard policy, except for the engagement of an unreported origin
/// and, when given a call counter, a `may_fire` that answers "wait until now"
/// (and panics when asked a thousand times: the engine would be looping).
#[derive(Debug)]
struct DefaultEngagement(ConfigurablePolicy, Engagement, Option<AtomicU32>);

impl Policy for DefaultEngagement {
    fn default_engagement(&self) -> Engagement {
        self.1
    }
    fn default_permission(&self, name: PermissionName) -> PermissionState {
        self.0.default_permission(name)
    }
    fn check_register(&self, ctx: &RegisterContext) -> Result<(), Refusal> {
        self.0.check_register(ctx)
    }
    fn max_attempts(&self, notifications: PermissionState) -> u32 {
        self.0.max_attempts(notifications)
    }
    fn retry_delay(&self, failures: u32) -> Millis {
        self.0.retry_delay(failures)
    }
    fn event_time_limit(&self, kind: SyncKind, last_chance: bool) -> Millis {
        self.0.event_time_limit(kind, last_chance)
    }
    fn timeout_is_final(&self) -> bool {
        self.0.timeout_is_final()
    }
    fn may_fire(&self, facts: &FireFacts) -> Verdict {
        if let Some(calls) = &self.2 {
            assert!(calls.fetch_add(1, Ordering::Relaxed) < 1000, "the engine keeps asking at one instant");
            return Verdict::WaitUntil(facts.now, WaitReason::AcrossOriginsRound);
        }
        self.0.may_fire(facts)
    }
    fn periodic_interval(&self, facts: &PeriodicFacts) -> Option<Millis> {
        self.0.periodic_interval(facts)
    }
    fn periodic_delay(&self, interval: Millis, soonest_other: Option<Millis>) -> Millis {
        self.0.periodic_delay(interval, soonest_other)
    }
    fn periodic_failure(&self, failures: u32) -> PeriodicFailure {
        self.0.periodic_failure(failures)
    }
    fn periodic_reregister_while_firing(&self) -> PeriodicReregisterWhileFiring {
        self.0.periodic_reregister_while_firing()
    }
    fn on_periodic_permission_revoked(&self) -> RevocationAction {
        self.0.on_periodic_permission_revoked()
    }
    fn waiting_reregister(&self) -> WaitingReregister {
        self.0.waiting_reregister()
    }
    fn tag_order(&self) -> TagOrder {
        self.0.tag_order()
    }
    fn max_concurrent_per_origin(&self) -> Option<u32> {
        self.0.max_concurrent_per_origin()
    }
    fn max_concurrent_total(&self) -> Option<u32> {
        self.0.max_concurrent_total()
    }
    fn is_success(&self, outcome: EventOutcome) -> bool {
        self.0.is_success(outcome)
    }
}

fn periodic_explanation(default: Engagement) -> Explanation {
    let policy = DefaultEngagement(ConfigurablePolicy::profile(Profile::Chromium), default, None);
    let mut engine = Engine::new(policy, T0);
    engine.handle(T0, Input::AddWorker { sw: SW, origin: ORIGIN.to_string(), active: true }).unwrap();
    engine
        .handle(T0, Input::ClientOpened { client: ClientId(1), origin: ORIGIN.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    engine
        .handle(
            T0,
            Input::Permission {
                origin: ORIGIN.to_string(),
                name: PermissionName::PeriodicBackgroundSync,
                state: PermissionState::Granted,
            },
        )
        .unwrap();
    let _ = engine
        .handle(
            T0,
            Input::RegisterPeriodic {
                caller: Caller::Client(ClientId(1)),
                sw: SW,
                tag: "feed".into(),
                min_interval: 0,
            },
        )
        .unwrap()
        .request()
        .unwrap();
    while engine.poll_action().is_some() {}
    engine.explain(&RegistrationKey::new(SW, SyncKind::Periodic, "feed"))
}

#[test]
fn a_custom_policy_chooses_the_engagement_of_an_unreported_origin() {
    assert_eq!(
        periodic_explanation(Engagement::None),
        Explanation::Blocked(sync_policy::Blocker::NoEngagement),
        "engagement \"none\" by default suspends periodic sync until the embedder reports one"
    );
    assert!(
        matches!(periodic_explanation(Engagement::High), Explanation::WaitingUntil { .. }),
        "the standard default (high) schedules the cycle"
    );
}

#[test]
fn a_policy_that_answers_wait_until_now_gets_the_event_fired_not_a_livelock() {
    let policy =
        DefaultEngagement(ConfigurablePolicy::profile(Profile::Chromium), Engagement::High, Some(AtomicU32::new(0)));
    let mut engine = Engine::new(policy, T0);
    engine.handle(T0, Input::AddWorker { sw: SW, origin: ORIGIN.to_string(), active: true }).unwrap();
    engine
        .handle(T0, Input::ClientOpened { client: ClientId(1), origin: ORIGIN.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    engine.handle(T0, Input::Register { caller: Caller::Client(ClientId(1)), sw: SW, tag: "outbox".into() }).unwrap();
    let mut dispatched = 0;
    for _ in 0..100 {
        while let Some(action) = engine.poll_action() {
            if matches!(action, sync_core::Action::Dispatch(_)) {
                dispatched += 1;
            }
        }
        match engine.poll_timeout() {
            Some(wake) if wake.at <= T0 => engine.handle_timeout(T0),
            _ => break,
        }
    }
    assert_eq!(dispatched, 1, "a wait that ends now is over: the event fires at once");
    assert!(engine.poll_timeout().is_none_or(|wake| wake.at > T0), "nothing is left due at this instant");
}
