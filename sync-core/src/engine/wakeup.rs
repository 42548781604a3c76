//! [`Wakeup`]: when and why the engine wants [`Engine::handle_timeout`](super::Engine::handle_timeout)
//! called. Each part that keeps time (the scheduler, the events in flight)
//! reports its own; the engine takes the soonest.

use sync_policy::{Timestamp, WaitReason};

/// Why the engine wants to be woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WakeReason {
    /// A registration becomes due (retry, periodic interval, or a gate opens).
    Due(WaitReason),
    /// An event reaches its deadline and will count as timed out.
    EventDeadline,
}

/// When and why to call [`Engine::handle_timeout`](super::Engine::handle_timeout) next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wakeup {
    /// The time.
    pub at: Timestamp,
    /// Why.
    pub reason: WakeReason,
}

impl Wakeup {
    /// The sooner of two optional wake-ups (the first on a tie).
    pub(crate) fn soonest(a: Option<Wakeup>, b: Option<Wakeup>) -> Option<Wakeup> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}
