//! Where the driver reads wall-clock `now`. Event time limits run on tokio's
//! monotonic clock instead (see `deadlines.rs`).

use std::time::{SystemTime, UNIX_EPOCH};
use sync_policy::{Millis, Timestamp};

/// The wall clock the driver stamps every input with. The engine never reads a
/// clock; the driver asks this one once per input.
pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time in milliseconds since the Unix epoch.
    fn now(&self) -> Timestamp;
}

/// The system's wall clock ([`SystemTime`]). A time before 1970 reads as 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Timestamp(u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
    }
}

/// A wall clock that follows tokio's clock from a given starting time: `now()`
/// is `start + (tokio::time::Instant::now() - creation)`. Under
/// `tokio::time::pause()` it advances only when tokio's paused clock does, so
/// tests run days of scheduling in no wall-clock time.
#[derive(Clone, Copy, Debug)]
pub struct TokioClock {
    start: Timestamp,
    created: tokio::time::Instant,
}

impl TokioClock {
    /// A clock that reads `start` now. Must be called inside a tokio runtime
    /// with the time driver enabled when time is paused.
    pub fn new(start: Timestamp) -> TokioClock {
        TokioClock { start, created: tokio::time::Instant::now() }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = self.created.elapsed().as_millis();
        self.start.saturating_add(Millis(u64::try_from(elapsed).unwrap_or(u64::MAX)))
    }
}
