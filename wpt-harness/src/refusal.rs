//! [`Refusal`]: why a target refused an input, in the words scenarios use
//! to expect it (`dispatch_now` and `settle` steps).

/// Why a target refused an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The event outlived its deadline.
    Expired,
    /// The event already had an outcome.
    AlreadySettled,
    /// Offline (`dispatch_now`).
    Offline,
    /// The registration's event is in flight (`dispatch_now`).
    AlreadyFiring,
    /// No such registration (`dispatch_now`).
    NotRegistered,
    /// The component is disabled.
    Disabled,
    /// Anything else (unknown worker or client, ...).
    Other,
}

impl Refusal {
    /// The refusals a `dispatch_now` step may expect.
    pub const DISPATCH_NOW: [Refusal; 4] =
        [Refusal::Offline, Refusal::AlreadyFiring, Refusal::NotRegistered, Refusal::Disabled];

    /// The name scenarios use for it.
    pub fn name(self) -> &'static str {
        match self {
            Refusal::Expired => "expired",
            Refusal::AlreadySettled => "already-settled",
            Refusal::Offline => "offline",
            Refusal::AlreadyFiring => "already-firing",
            Refusal::NotRegistered => "not-registered",
            Refusal::Disabled => "disabled",
            Refusal::Other => "other",
        }
    }
}
