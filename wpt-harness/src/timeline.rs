//! What happened during one subtest, on virtual time, for the HTML report.

use sync_policy::{Millis, SyncKind};

/// What a timeline mark shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    /// A registration was made (or a register call was answered).
    Register,
    /// A register call was rejected.
    Rejected,
    /// An event was dispatched.
    Dispatch,
    /// The scenario settled an event.
    Settle,
    /// An event failed; the label carries the retry delay.
    Failure,
    /// An event succeeded (the registration finished, or its next cycle is set).
    Completed,
    /// A registration was dropped because its last attempt failed.
    GaveUp,
    /// A registration was removed without an event.
    Removed,
    /// Something else about a registration (re-registered while firing, ...).
    Info,
    /// The network changed.
    Network,
    /// The power state changed.
    Power,
    /// Another environment change (permission, engagement, window, worker, restart).
    Environment,
    /// A check failed here.
    CheckFailed,
}

/// One mark on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Virtual time.
    pub at: Millis,
    /// The registration's lane (kind and tag), or `None` for the environment lane.
    pub lane: Option<(SyncKind, String)>,
    /// What it is.
    pub mark: Mark,
    /// Its text.
    pub label: String,
}

/// Formats a virtual time compactly: `0`, `5m`, `12h`, `1d2h`, `20m30s`, `1500ms`.
pub fn format_time(t: Millis) -> String {
    if t.0 == 0 {
        return "0".to_string();
    }
    const UNITS: [(u64, &str); 5] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")];
    let mut rest = t.0;
    let mut out = String::new();
    for (size, unit) in UNITS {
        let n = rest / size;
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
            rest -= n * size;
        }
    }
    out
}

/// A tag as shown in messages: long tags of one repeated character are
/// written in the scenario notation `<N × 'c'>`, other long tags are cut.
pub fn show_tag(tag: &str) -> String {
    let count = tag.chars().count();
    if count <= 40 {
        return format!("{tag:?}");
    }
    let mut chars = tag.chars();
    let first = chars.next().unwrap_or(' ');
    if tag.chars().all(|c| c == first) {
        return format!("<{count} × '{first}'>");
    }
    let head: String = tag.chars().take(30).collect();
    format!("{head:?}… ({count} chars)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_compact() {
        assert_eq!(format_time(Millis(0)), "0");
        assert_eq!(format_time(Millis::from_mins(5)), "5m");
        assert_eq!(format_time(Millis(1_230_000)), "20m30s");
        assert_eq!(format_time(Millis::from_hours(26)), "1d2h");
        assert_eq!(format_time(Millis(1500)), "1s500ms");
    }

    #[test]
    fn long_tags_are_abbreviated() {
        assert_eq!(show_tag(&"a".repeat(10241)), "<10241 × 'a'>");
        assert_eq!(show_tag("x"), "\"x\"");
    }
}
