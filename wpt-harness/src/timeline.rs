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

/// A condition the report shades for as long as it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Condition {
    /// The user agent is offline.
    Offline,
    /// Battery saver is on.
    BatterySaver,
}

impl Condition {
    /// Every condition, in the order the report draws them.
    pub const ALL: [Condition; 2] = [Condition::Offline, Condition::BatterySaver];

    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Condition::Offline => "offline",
            Condition::BatterySaver => "battery saver",
        }
    }
}

impl Entry {
    /// The condition this entry starts (`true`) or ends (`false`), if any.
    pub fn condition(&self) -> Option<(Condition, bool)> {
        if self.lane.is_some() {
            return None;
        }
        match self.mark {
            Mark::Network if self.label.starts_with("offline") => Some((Condition::Offline, true)),
            Mark::Network if self.label.starts_with("online") => Some((Condition::Offline, false)),
            Mark::Power if self.label.starts_with("battery saver on") => Some((Condition::BatterySaver, true)),
            Mark::Power if self.label.starts_with("battery saver off") => Some((Condition::BatterySaver, false)),
            _ => None,
        }
    }
}

/// The spans (start, end) of virtual time during which `condition` held,
/// from the entries' changes; a span still open ends at `end`.
pub fn condition_spans(entries: &[Entry], condition: Condition, end: Millis) -> Vec<(Millis, Millis)> {
    let mut spans = Vec::new();
    let mut from: Option<Millis> = None;
    for e in entries {
        match e.condition() {
            Some((c, true)) if c == condition => {
                from.get_or_insert(e.at);
            }
            Some((c, false)) if c == condition => {
                if let Some(start) = from.take() {
                    spans.push((start, e.at));
                }
            }
            _ => {}
        }
    }
    if let Some(start) = from {
        spans.push((start, end.max(start)));
    }
    spans
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
    fn conditions_are_spans_from_their_changes() {
        let e = |at: u64, mark: Mark, label: &str| Entry { at: Millis(at), lane: None, mark, label: label.into() };
        let entries = [
            e(0, Mark::Network, "offline (initial)"),
            e(0, Mark::Power, "battery saver on, on battery (initial)"),
            e(10, Mark::Network, "online"),
            e(20, Mark::Network, "offline"),
        ];
        assert_eq!(
            condition_spans(&entries, Condition::Offline, Millis(30)),
            [(Millis(0), Millis(10)), (Millis(20), Millis(30))]
        );
        assert_eq!(condition_spans(&entries, Condition::BatterySaver, Millis(30)), [(Millis(0), Millis(30))]);
    }

    #[test]
    fn long_tags_are_abbreviated() {
        assert_eq!(show_tag(&"a".repeat(10241)), "<10241 × 'a'>");
        assert_eq!(show_tag("x"), "\"x\"");
    }
}
