//! What one simulation run records: every dispatch, every one-off
//! registration's fate, the wake-ups and the time periodic sites spent
//! suspended. The metrics are computed from this alone.

use sync_policy::SyncKind;

/// How a dispatched event ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FireResult {
    /// It fulfilled.
    Success,
    /// It rejected (the page's own failure, or the link was down).
    Failed,
    /// It ran past the policy's time limit.
    TimedOut,
}

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fire {
    /// The site's index.
    pub site: usize,
    /// One-off or periodic.
    pub kind: SyncKind,
    /// When it was dispatched (ms since the start).
    pub at: u64,
    /// How it ended (`Success` for an event still running at the end).
    pub result: FireResult,
    /// The link was down at dispatch or at settling: the attempt was wasted.
    pub link_down: bool,
    /// How long it ran (at most the policy's time limit).
    pub ran: u64,
}

/// Where a one-off registration ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OneOffEnd {
    /// An attempt fulfilled.
    Fired,
    /// The engine dropped it after its last attempt.
    GaveUp,
    /// Still registered when the simulation ended.
    Pending,
    /// `register()` rejected.
    Refused,
}

/// One `sync.register()` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneOff {
    /// The site's index.
    pub site: usize,
    /// When the page registered.
    pub registered_at: u64,
    /// When the attempt that fulfilled was dispatched.
    pub fired_at: Option<u64>,
    /// Its fate.
    pub end: OneOffEnd,
}

/// One wake-up: an instant at which the engine's timer fired while no
/// window was open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wake {
    /// When.
    pub at: u64,
    /// Events dispatched at that instant by the timer.
    pub dispatches: u32,
}

/// A periodic registration of a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodicReg {
    /// The site's index.
    pub site: usize,
    /// Its `minInterval`.
    pub min_interval: u64,
    /// Whether `register()` resolved.
    pub registered: bool,
    /// Time its engagement kept it suspended under the profile.
    pub suspended_ms: u64,
}

/// Everything one profile's run records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    /// The profile's name.
    pub profile: String,
    /// Every dispatch, in order.
    pub fires: Vec<Fire>,
    /// Every one-off registration, in order.
    pub oneoffs: Vec<OneOff>,
    /// Every periodic registration.
    pub periodics: Vec<PeriodicReg>,
    /// Every wake-up, in order.
    pub wakes: Vec<Wake>,
    /// Inputs the engine refused (the simulator's own bookkeeping errors; 0
    /// in a sound run).
    pub refused_inputs: u32,
}
