//! User-agent policy for Background Sync and Periodic Background Sync.
//!
//! The specs leave many decisions to the user agent: when a registration may
//! fire, how often to retry, how long an event may run, how often periodic
//! events may come. Each of them lives here as a pure function of
//! (registration facts, environment, now) behind the [`Policy`] trait, so the
//! engine in `sync-core` never hard-codes one.
//!
//! [`ConfigurablePolicy`] implements [`Policy`] from a [`PolicyConfig`], which
//! has two built-in profiles:
//! - [`Profile::Chromium`], **the default**: Chromium 156's parameters and
//!   quirks. Chromium is the only engine that ships both APIs, so every site
//!   that uses them was written and tested against its behaviour, and its
//!   numbers were checked against a running Chromium 156. Choosing it by
//!   default means a page sees here what it sees there.
//! - [`Profile::Spec`]: the specs' behaviour wherever they decide, and
//!   Chromium's numbers wherever they leave a number to the user agent.
//!
//! Every difference between the two is a named knob; `spec-notes/ua-choices.md`
//! lists each knob with the spec's value, Chromium's and the reason for ours.
//!
//! Configuration loads from TOML or JSON as a profile name plus overrides
//! ([`load()`]); unknown keys, wrong types, negative durations and unusable
//! values are rejected with the key and the line and column it is written at.
//! Durations are written `"250ms"`, `"30s"`, `"5m"`, `"12h"`, `"1h30m"`.
//!
//! ```
//! use sync_policy::{ConfigurablePolicy, Policy, PolicyConfig, Millis};
//! let config = PolicyConfig::from_toml_str("profile = \"spec\"\n[oneshot]\nmax_attempts = 5\n").unwrap();
//! let policy = ConfigurablePolicy::new(config);
//! assert_eq!(policy.retry_delay(2), Millis::from_mins(15));
//!
//! let err = PolicyConfig::from_toml_str("[oneshot]\nmax_attempts = 0\n").unwrap_err();
//! assert_eq!(err.to_string(), "invalid value for `oneshot.max_attempts` at line 2, column 1: must be at least 1");
//! ```

//! # The public surface
//!
//! Decided here, at the crate root: the modules are private and what a user
//! agent or embedder names is re-exported below, one path per item
//! (`sync_policy::Policy`, `sync_policy::FireFacts`, `sync_policy::load`).
//! One module stays public: [`config`], the configuration's sections
//! ([`config::FireConditions`], [`config::PeriodicFailureMode`], the
//! `DEFAULT_*` limits), a namespace a configuration is written against.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
mod configurable;
mod decision;
mod error;
mod facts;
mod key_spans;
mod load;
mod optional;
mod overrides;
mod policy;
mod time;
mod validate;

pub use config::{PolicyConfig, Profile};
pub use configurable::{ConfigurablePolicy, DEFAULT_ENGAGEMENT};
pub use decision::{
    Blocker, CheckOrder, DomExceptionName, EventOutcome, FireFacts, PeriodicFacts, PeriodicFailure,
    PeriodicReregisterWhileFiring, Refusal, RegisterContext, RevocationAction, TagOrder, Verdict, WaitReason,
    WaitingReregister,
};
pub use error::{ConfigError, Position};
pub use facts::{
    Engagement, Environment, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
};
pub use load::{Format, load};
pub use optional::{NONE_WORD, SUSPEND_WORD};
pub use policy::Policy;
pub use time::{DurationParseError, Millis, Timestamp, parse_duration};
pub use validate::{Violation, validate, violations};
