//! What the target held after each step, for the HTML report's
//! step-through: every registration with its phase, attempts, due time and
//! `explain` reason, plus what the step made happen.

use super::EPOCH;
use crate::targets::{Target, TargetError};
use crate::timeline::{Entry, format_time, show_tag};
use std::collections::BTreeMap;
use sync_core::{Explanation, RegistrationInfo, RegistrationState, SwRegId};
use sync_policy::{Millis, SyncKind};

/// Most steps one subtest records (then only the step that stopped it).
pub(crate) const MAX_STEPS: usize = 200;

/// Most registrations one snapshot lists.
pub(crate) const MAX_REGISTRATIONS: usize = 40;

/// One registration as the target listed it after a step.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RegistrationSnapshot {
    /// The service worker registration, as the scenario names it (`R1`).
    pub worker: String,
    /// `sync` or `periodicsync`.
    pub kind: &'static str,
    /// The tag, as messages show it.
    pub tag: String,
    /// Its phase (`pending`, `waiting`, `firing`, `reregistered-while-firing`).
    pub phase: &'static str,
    /// Failed attempts in the current cycle.
    pub attempts: u32,
    /// Attempts allowed (one-off).
    pub max_attempts: u32,
    /// Periodic: `minInterval`, formatted.
    pub min_interval: Option<String>,
    /// When it is due (virtual time, formatted): the wait's end, the event's
    /// deadline while firing, now when ready; `None` while blocked.
    pub due: Option<String>,
    /// The `explain` reason in words.
    pub explain: String,
}

/// The state after one step.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StepSnapshot {
    /// The step, counted from 1; 0 is the initial state.
    pub index: usize,
    /// The step's keyword (`sync.register`), or `initial`.
    pub keyword: String,
    /// Its line in the scenario file (0 for the initial state).
    pub line: u64,
    /// Virtual time after it, formatted.
    pub at: String,
    /// Virtual time after it, in milliseconds.
    pub at_ms: u64,
    /// What happened during it (dispatches, log records, settlements), as timeline text.
    pub happened: Vec<String>,
    /// The registrations after it; `None` when the target has no listing
    /// (the subtest says why once, in `state_unavailable`).
    pub registrations: Option<Vec<RegistrationSnapshot>>,
    /// Set on the step that stopped the subtest: the message.
    pub stopped: Option<String>,
}

/// Captures the target's listing, naming workers as the scenario does.
/// `Err` carries why the target cannot list (shown once in the report).
pub(crate) fn capture(
    target: &mut dyn Target,
    names: &BTreeMap<SwRegId, String>,
) -> Result<Vec<RegistrationSnapshot>, String> {
    let now = target.now();
    let infos = match target.registrations() {
        Ok(infos) => infos,
        Err(TargetError::NotObservable(m)) => {
            return Err(format!("{} does not list its registrations ({m})", target.name()));
        }
        Err(e) => return Err(e.to_string()),
    };
    Ok(infos.into_iter().take(MAX_REGISTRATIONS).map(|info| snapshot(info, now, names)).collect())
}

fn snapshot(
    info: RegistrationInfo,
    now: sync_policy::Timestamp,
    names: &BTreeMap<SwRegId, String>,
) -> RegistrationSnapshot {
    let virtual_time = |t: sync_policy::Timestamp| format_time(t.saturating_since(EPOCH));
    let (due, explain) = match info.explanation {
        Explanation::NotRegistered => (None, "not registered".to_string()),
        Explanation::Disabled => (None, "the engine is disabled after a storage failure".to_string()),
        Explanation::Firing { deadline, reregistered, .. } => {
            let again = if reregistered { "; re-registered, runs again" } else { "" };
            (Some(virtual_time(deadline)), format!("firing until its deadline at {}{again}", virtual_time(deadline)))
        }
        Explanation::WaitingUntil { at, reason } => {
            (Some(virtual_time(at)), format!("waiting until {} ({})", virtual_time(at), kebab(&reason)))
        }
        Explanation::Blocked(blocker) => (None, format!("blocked: {}", kebab(&blocker))),
        Explanation::Ready => (Some(virtual_time(now)), "ready: may fire now".to_string()),
        other => (None, format!("unsupported explanation (the report does not know it yet): {other:?}")),
    };
    RegistrationSnapshot {
        worker: names.get(&info.key.sw).cloned().unwrap_or_else(|| format!("sw{}", info.key.sw.0)),
        kind: info.key.kind.event_name(),
        tag: show_tag(&info.key.tag),
        phase: match info.state {
            RegistrationState::Pending => "pending",
            RegistrationState::Waiting => "waiting",
            RegistrationState::Firing => "firing",
            RegistrationState::ReregisteredWhileFiring => "reregistered-while-firing",
            _ => "unsupported",
        },
        attempts: info.attempts,
        max_attempts: info.max_attempts,
        min_interval: (info.key.kind == SyncKind::Periodic)
            .then(|| info.min_interval.map(|ms| format_time(Millis(ms))).unwrap_or_default()),
        due,
        explain,
    }
}

/// A serde enum's kebab-case name (`back-off`, `battery-saver`).
fn kebab<T: serde::Serialize + std::fmt::Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{value:?}"),
    }
}

/// Timeline entries as the step-through lists them.
pub(crate) fn happened(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            let lane = match &e.lane {
                None => String::new(),
                Some((kind, tag)) => format!("{} {}: ", kind.event_name(), show_tag(tag)),
            };
            format!("t={} {lane}{}", format_time(e.at), e.label)
        })
        .collect()
}
