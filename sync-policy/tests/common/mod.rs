//! Builders shared by the policy tests.
#![allow(dead_code)]

use sync_policy::{
    ConfigurablePolicy, Engagement, Environment, FireFacts, FrameType, PermissionState, PolicyConfig, Profile,
    RegisterContext, SyncKind, Timestamp,
};

/// Both built-in profiles.
pub const PROFILES: [Profile; 2] = [Profile::Chromium, Profile::Spec];

/// A policy of a built-in profile.
pub fn policy(profile: Profile) -> ConfigurablePolicy {
    ConfigurablePolicy::profile(profile)
}

/// A policy from a profile with one change made to its configuration.
pub fn policy_with(profile: Profile, change: impl FnOnce(&mut PolicyConfig)) -> ConfigurablePolicy {
    let mut config = PolicyConfig::for_profile(profile);
    change(&mut config);
    ConfigurablePolicy::new(config)
}

/// A `register()` that every check lets through: permission granted, one
/// top-level window, a short new tag, an empty origin.
pub fn register_ctx(kind: SyncKind) -> RegisterContext {
    let mut clients_by_frame = [0; 4];
    clients_by_frame[FrameType::TopLevel.index()] = 1;
    RegisterContext {
        kind,
        permission: PermissionState::Granted,
        clients_by_frame,
        tag_len: 4,
        tag_exists: false,
        origin_registrations: 0,
        origin_tag_bytes: 0,
    }
}

/// The same context with only the given frame types open (one client each).
pub fn with_frames(mut ctx: RegisterContext, frames: &[FrameType]) -> RegisterContext {
    ctx.clients_by_frame = [0; 4];
    for f in frames {
        ctx.clients_by_frame[f.index()] += 1;
    }
    ctx
}

/// One hour in ms.
pub const HOUR: u64 = 3_600_000;

/// A due registration in a good environment: online, charging, granted,
/// high engagement, a first attempt, no periodic history, a UA started long ago.
pub fn fire_facts(kind: SyncKind) -> FireFacts {
    FireFacts {
        kind,
        env: Environment::default(),
        worker_offline: false,
        permission: PermissionState::Granted,
        engagement: Engagement::High,
        attempts: 0,
        periodic_retry: false,
        origin_last_periodic: None,
        last_periodic_round: None,
        started_at: Timestamp(0),
        now: Timestamp(1000 * HOUR),
    }
}
