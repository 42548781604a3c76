//! User-agent policy for Background Sync and Periodic Background Sync.
//!
//! The specs leave many decisions to the user agent: when a registration may
//! fire, how often to retry, how long an event may run, how often periodic
//! events may come. Each of them lives here as a pure function of
//! (registration facts, environment, now) behind the [`Policy`] trait, so the
//! engine in `sync-core` never hard-codes one.
//!
//! [`ConfigurablePolicy`] implements [`Policy`] from a [`PolicyConfig`], which
//! has two built-in profiles: [`Profile::Chromium`] (the default: Chromium
//! 156's parameters and quirks) and [`Profile::Spec`] (the specs' behaviour
//! wherever they decide). Configuration loads from TOML or JSON as a profile
//! name plus overrides; unknown keys are rejected.
//!
//! ```
//! use sync_policy::{ConfigurablePolicy, Policy, PolicyConfig, Millis};
//! let config = PolicyConfig::from_toml_str("profile = \"spec\"\n[oneshot]\nmax_attempts = 5\n").unwrap();
//! let policy = ConfigurablePolicy::new(config);
//! assert_eq!(policy.retry_delay(2), Millis::from_mins(15));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
pub mod configurable;
pub mod decision;
pub mod error;
pub mod facts;
pub mod load;
pub mod policy;
pub mod time;
pub mod validate;

pub use config::{PolicyConfig, Profile};
pub use configurable::ConfigurablePolicy;
pub use decision::{
    Blocker, CheckOrder, EventOutcome, FireFacts, PeriodicFacts, PeriodicFailure, PeriodicReregisterWhileFiring,
    Refusal, RegisterContext, RevocationAction, TagOrder, Verdict, WaitReason, WaitingReregister,
};
pub use error::ConfigError;
pub use facts::{
    Engagement, Environment, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
};
pub use policy::Policy;
pub use time::{Millis, Timestamp};
