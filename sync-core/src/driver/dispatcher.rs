//! [`Dispatcher`]: how the driver fires events at the embedder's service workers.

use crate::action::Dispatch;
use std::future::Future;
use sync_policy::EventOutcome;

/// Fires `sync` and `periodicsync` events. Implemented by the embedder: start
/// (or wake) the service worker of `event.sw`, fire the event with `event.tag`
/// (and `lastChance` for `sync`), and resolve with the outcome once every
/// `waitUntil()` promise settled.
///
/// The driver runs each call in its own tokio task, so one stuck event never
/// delays another. What the driver does with the future:
/// - resolves: the outcome is reported to the engine, unless the event's
///   `deadline` already passed (then the engine counted it as
///   [`EventOutcome::TimedOut`] and the late result is dropped);
/// - still running at `event.deadline`: the future is dropped (cancelled) and
///   the event counts as [`EventOutcome::TimedOut`]. Tear the worker's event
///   down in the future's `Drop` if you need to;
/// - panics: the event counts as [`EventOutcome::WorkerFailed`];
/// - still running at shutdown: the future is dropped and no outcome is
///   recorded; the registration is pending again at the next start.
///
/// A closure `Fn(Dispatch) -> impl Future<Output = EventOutcome>` is a dispatcher.
pub trait Dispatcher: Send + Sync + 'static {
    /// Fires one event and resolves with its outcome.
    fn dispatch(&self, event: Dispatch) -> impl Future<Output = EventOutcome> + Send;
}

impl<F, Fut> Dispatcher for F
where
    F: Fn(Dispatch) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = EventOutcome> + Send + 'static,
{
    fn dispatch(&self, event: Dispatch) -> impl Future<Output = EventOutcome> + Send {
        self(event)
    }
}
