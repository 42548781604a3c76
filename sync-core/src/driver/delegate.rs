//! [`Delegate`]: one-way notifications to the embedder, with safe defaults.

use crate::ids::{EventId, RegistrationKey};
use crate::log::{LogEvent, LogRecord};
use crate::store::StoreError;
use std::panic::AssertUnwindSafe;

/// Notifications from the driver to the embedder, in Servo's delegate style:
/// every method has a default that does nothing, so an embedder implements
/// only what it shows. All methods are `notify_*` (one-way); none needs an
/// answer.
///
/// Methods run on the driver task: return quickly and never block (send the
/// information to your UI thread instead). A method that panics loses that
/// one notification; the driver catches the panic, logs it and goes on.
pub trait Delegate: Send + Sync + 'static {
    /// A registration was created, or re-registered with a new `minInterval`
    /// (the WebView2 proposal's "sync registration added"). Called once its
    /// row is durable, in log order. Derived from the engine's log records, so
    /// it needs log recording on (the default). Default: nothing.
    fn notify_registered(&self, key: &RegistrationKey, record: &LogRecord) {
        let _ = (key, record);
    }

    /// A DevTools "Background Services" style record, in order, once the
    /// change it records is durable. The same records go to every
    /// `Handle::subscribe_log` stream. Default: nothing.
    fn notify_log(&self, record: &LogRecord) {
        let _ = record;
    }

    /// The store failed to commit: Background Sync is disabled for this
    /// profile until the next start (every page call rejects with
    /// `UnknownError`). Default: nothing (the failure is also logged with `tracing`).
    fn notify_storage_failed(&self, error: &StoreError) {
        let _ = error;
    }

    /// The dispatcher panicked while firing `event`; the event counted as
    /// `WorkerFailed`. Default: nothing (the panic is also logged with `tracing`).
    fn notify_dispatcher_panicked(&self, event: EventId) {
        let _ = event;
    }
}

/// The delegate that does nothing: every default.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultDelegate;

impl Delegate for DefaultDelegate {}

/// Runs one delegate call, containing a panic: the notification is lost, the
/// driver goes on (as with a panicking dispatcher).
pub(crate) fn contain(what: &'static str, call: impl FnOnce()) {
    if std::panic::catch_unwind(AssertUnwindSafe(call)).is_err() {
        tracing::warn!(method = what, "the delegate panicked; the notification is dropped");
    }
}

/// Calls the delegate's methods for one log record.
pub(crate) fn notify(delegate: &dyn Delegate, record: &LogRecord) {
    if record.event == LogEvent::Registered {
        let key = RegistrationKey { sw: record.sw, kind: record.kind, tag: record.tag.clone() };
        contain("notify_registered", || delegate.notify_registered(&key, record));
    }
    contain("notify_log", || delegate.notify_log(record));
}
