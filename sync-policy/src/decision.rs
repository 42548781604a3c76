//! Inputs and answers of policy decisions.
//!
//! Every "not now" answer carries a typed reason ([`Blocker`] or
//! [`WaitReason`]) which the engine's `explain()` passes through unchanged.

use crate::facts::{Engagement, Environment, PermissionState, SyncKind};
use crate::time::{Millis, Timestamp};
use serde::{Deserialize, Serialize};

/// What a `register()` call looks like to the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterContext {
    /// Which API is registering.
    pub kind: SyncKind,
    /// The permission state for the API's permission (`background-sync` or
    /// `periodic-background-sync`), before default mapping.
    pub permission: PermissionState,
    /// Open service worker clients of the registration's origin, counted per
    /// [`FrameType::index`](crate::FrameType::index).
    pub clients_by_frame: [u32; 4],
    /// Length of the tag in UTF-8 bytes (Chromium measures the UTF-8 string).
    pub tag_len: usize,
    /// Whether a registration with this (worker, kind, tag) already exists
    /// (re-registration does not count against the quota).
    pub tag_exists: bool,
    /// Registrations the origin holds now (both kinds, all workers).
    pub origin_registrations: usize,
    /// UTF-8 bytes of the tags the origin holds now (both kinds, all workers).
    pub origin_tag_bytes: usize,
}

/// The DOMException names a policy refusal can carry: the rows of the WebIDL
/// error names table (<https://webidl.spec.whatwg.org/#dfn-error-names-table>)
/// that `register()` rejects with for a user-agent reason. The engine maps each
/// to its own error name with an exhaustive match, so the seam carries no string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DomExceptionName {
    /// `NotAllowedError`: the permission is not granted.
    NotAllowedError,
    /// `InvalidAccessError`: no window, or (Chromium) a tag that is too long.
    InvalidAccessError,
    /// `QuotaExceededError`: the origin's registration or tag-byte budget is used up.
    QuotaExceededError,
}

impl DomExceptionName {
    /// The name as JavaScript sees it (`error.name`).
    pub fn as_str(self) -> &'static str {
        match self {
            DomExceptionName::NotAllowedError => "NotAllowedError",
            DomExceptionName::InvalidAccessError => "InvalidAccessError",
            DomExceptionName::QuotaExceededError => "QuotaExceededError",
        }
    }
}

impl std::fmt::Display for DomExceptionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a `register()` was refused by the policy. Each carries its
/// DOMException name (see [`Refusal::dom_exception`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// The permission is denied (or, for periodic sync, not granted).
    PermissionDenied,
    /// The origin has no client that counts as a window: the call is "in the background".
    NoWindow,
    /// The tag is longer than the policy's cap.
    TagTooLong,
    /// The origin already holds the policy's maximum number of registrations.
    QuotaExceeded,
    /// The new tag would take the origin's tag bytes past the policy's budget.
    TagBytesExceeded,
}

impl Refusal {
    /// The DOMException the page sees.
    pub fn dom_exception(self) -> DomExceptionName {
        match self {
            Refusal::PermissionDenied => DomExceptionName::NotAllowedError,
            Refusal::NoWindow | Refusal::TagTooLong => DomExceptionName::InvalidAccessError,
            Refusal::QuotaExceeded | Refusal::TagBytesExceeded => DomExceptionName::QuotaExceededError,
        }
    }

    /// The message text Chromium uses for the same rejection (ours where Chromium has none).
    pub fn message(self) -> &'static str {
        match self {
            Refusal::PermissionDenied => "Permission denied.",
            Refusal::NoWindow | Refusal::TagTooLong => {
                "Attempted to register a sync event without a window or registration tag too long."
            }
            Refusal::QuotaExceeded => "Too many sync registrations for this origin.",
            Refusal::TagBytesExceeded => "The sync registration tags of this origin exceed its storage budget.",
        }
    }
}

/// What a fire decision sees about one registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FireFacts {
    /// One-off or periodic.
    pub kind: SyncKind,
    /// The device environment.
    pub env: Environment,
    /// DevTools-style offline emulation is on for the registration's worker.
    pub worker_offline: bool,
    /// The origin's permission for the registration's API (before default mapping).
    pub permission: PermissionState,
    /// The origin's engagement.
    pub engagement: Engagement,
    /// Failed attempts so far in the current cycle (0 on a first attempt).
    pub attempts: u32,
    /// For periodic sync: this dispatch is a retry after a failure, which the
    /// origin gap and the across-origins round gate do not apply to.
    pub periodic_retry: bool,
    /// For periodic sync: when the origin last had a (non-retry) periodic event dispatched.
    pub origin_last_periodic: Option<Timestamp>,
    /// For periodic sync: when any origin last had a (non-retry) periodic event dispatched.
    pub last_periodic_round: Option<Timestamp>,
    /// When the engine (the UA) started, for the spec's initial wait.
    pub started_at: Timestamp,
    /// The current time.
    pub now: Timestamp,
}

/// A condition that holds a due registration back until it changes. The
/// engine keeps one blocked set per condition and releases it when the
/// condition changes, so nothing is rescanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blocker {
    /// The UA is offline.
    Offline,
    /// DevTools offline emulation is on for this registration's worker.
    WorkerOffline,
    /// The network is metered and the policy requires an unmetered one.
    Metered,
    /// Battery saver is on and the policy defers on it.
    BatterySaver,
    /// The battery is below the policy's minimum level.
    LowBattery,
    /// The device is not charging and the policy requires charging.
    NotCharging,
    /// The origin's engagement is "none": periodic sync is suspended.
    NoEngagement,
    /// The API's permission is not granted (periodic: suspended after revocation; one-off: denied).
    PermissionDenied,
}

/// Why a registration waits for a point in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaitReason {
    /// Back-off after a failed attempt.
    BackOff,
    /// The periodic registration's own interval has not elapsed.
    PeriodicInterval,
    /// The origin had a periodic event less than the policy's origin gap ago.
    OriginGap,
    /// Less than the across-origins interval since the last periodic round
    /// (or since the UA started, under the spec's initial wait).
    AcrossOriginsRound,
}

/// The answer to "may this registration fire now?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Fire it now.
    Fire,
    /// Not before the given time.
    WaitUntil(Timestamp, WaitReason),
    /// Not while the condition holds.
    Blocked(Blocker),
}

/// What a periodic schedule computation sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodicFacts {
    /// The registration's `minInterval` in ms.
    pub min_interval: Millis,
    /// The origin's engagement.
    pub engagement: Engagement,
}

/// Outcome of a dispatched event, as reported by the embedder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventOutcome {
    /// Every `waitUntil` promise fulfilled.
    Fulfilled,
    /// A `waitUntil` promise rejected.
    Rejected,
    /// The event outlived the time limit.
    TimedOut,
    /// The worker could not be started, or was terminated mid-event.
    WorkerFailed,
}

impl EventOutcome {
    /// Whether the event succeeded.
    pub fn is_success(self) -> bool {
        matches!(self, EventOutcome::Fulfilled)
    }

    /// The DevTools status / failure-reason string Chromium uses.
    pub fn devtools_status(self) -> &'static str {
        match self {
            EventOutcome::Fulfilled => "succeeded",
            EventOutcome::Rejected => "waitUntil rejected",
            EventOutcome::TimedOut => "timeout",
            // Chromium logs "failed" for a worker stopped mid-event (kErrorFailed).
            EventOutcome::WorkerFailed => "failed",
        }
    }
}

/// What happens to a periodic registration after a failed event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodicFailure {
    /// Retry after this delay (outside the interval and gap rules).
    RetryAfter(Millis),
    /// Give up for this cycle: back to pending, anchored at now.
    GiveUp,
}

/// What the engine does with a periodic registration whose origin lost the permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationAction {
    /// Remove the origin's periodic registrations (spec: "respond to permission revocation").
    Remove,
    /// Keep them, suspended until the permission is granted again.
    Suspend,
    /// Keep them and keep firing them: the denial only affects new `register()`
    /// calls. Chromium: its permission is not re-checked at fire time, and only
    /// its content-settings observer (on the one-shot setting) purges periodic
    /// registrations; a permission override denies new registrations only.
    Keep,
}

/// What a one-off `register()` does to a registration waiting for a retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaitingReregister {
    /// Spec (register, step 8.1): back to pending, fired at once if online.
    Spec,
    /// Chromium: nothing changes; the retry keeps its time.
    Chromium,
}

/// Order of `getTags()` results, and of registrations dispatched together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TagOrder {
    /// Insertion order (the spec's ordered list / map).
    #[default]
    Insertion,
    /// Sorted by tag (Chromium's `std::map` order).
    Sorted,
}

/// Order of the `register()` checks after the active-worker check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckOrder {
    /// Spec: permission (step 3), then window (step 6); then tag length and quota.
    Spec,
    /// Chromium: window, then tag length, then permission; then quota.
    Chromium,
}

/// What a periodic re-register with the same `minInterval` does while the event is firing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodicReregisterWhileFiring {
    /// Spec: the current cycle ends after this attempt (no retries); no immediate re-fire.
    Spec,
    /// Chromium: the registration fires again as soon as the current event settles.
    FireAgain,
}
