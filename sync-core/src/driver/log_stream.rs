//! The log stream behind [`Handle::subscribe_log`](super::Handle::subscribe_log),
//! allocated on the first subscription.
//!
//! A tokio broadcast channel allocates all of its slots up front (1024 log
//! records by default: most of an idle driver's memory). Most profiles of a
//! host never have a subscriber, and a subscriber only ever sees records sent
//! after it subscribed, so nothing is lost by creating the channel when the
//! first one arrives: until then records are dropped, as a channel without
//! receivers drops them.

use crate::log::LogRecord;
use std::sync::{Arc, OnceLock};
use tokio::sync::broadcast;

/// A lazily created broadcast channel of log records; clones share it.
#[derive(Clone, Debug)]
pub(crate) struct LogStream {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    capacity: usize,
    sender: OnceLock<broadcast::Sender<LogRecord>>,
}

impl LogStream {
    /// A stream whose channel, once created, holds `capacity` records (at least 1).
    pub(crate) fn new(capacity: usize) -> LogStream {
        LogStream { inner: Arc::new(Inner { capacity: capacity.max(1), sender: OnceLock::new() }) }
    }

    /// A receiver of every record sent from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<LogRecord> {
        self.inner.sender.get_or_init(|| broadcast::channel(self.inner.capacity).0).subscribe()
    }

    /// Sends `record` to the subscribers, if any.
    pub(crate) fn send(&self, record: LogRecord) {
        if let Some(sender) = self.inner.sender.get() {
            // No receiver left is fine.
            let _ = sender.send(record);
        }
    }
}
