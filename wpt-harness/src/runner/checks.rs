//! Comparing what a target did with what a scenario expects.

use super::{StepResult, Stop, show_spec};
use crate::scenario::{CallExpect, EventSpec, ExplainExpect, ExplainReason, JsValue, LogSpec, SettleError, ShapeSpec};
use crate::targets::{InterfaceShape, LogEntry, ObservedDispatch, Refusal, Reply, TargetError};
use crate::timeline::{format_time, show_tag};
use std::collections::BTreeMap;
use sync_core::{Explanation, SwRegId};

fn show_observed(d: &ObservedDispatch, names: &BTreeMap<SwRegId, String>) -> String {
    let mut s = d.kind.event_name().to_string();
    s.push(' ');
    s.push_str(&show_tag(&d.tag));
    if let Some(lc) = d.last_chance {
        s.push_str(&format!(" lastChance={lc}"));
    }
    s.push_str(&format!(" at {}", format_time(d.at.saturating_since(super::EPOCH))));
    if let Some(n) = names.get(&d.sw) {
        s.push_str(&format!(" on {n}"));
    }
    s
}

fn show_expected(e: &EventSpec) -> String {
    let mut s = show_spec(e);
    if let Some(lc) = e.last_chance {
        s.push_str(&format!(" lastChance={lc}"));
    }
    if let Some(at) = e.at {
        s.push_str(&format!(" at {}", format_time(at)));
    }
    if let Some(r) = &e.reg {
        s.push_str(&format!(" on {r}"));
    }
    s
}

fn event_matches(e: &EventSpec, d: &ObservedDispatch, resolve: &dyn Fn(&str) -> Option<SwRegId>) -> bool {
    e.kind.is_none_or(|k| k == d.kind)
        && e.tag.as_ref().is_none_or(|t| *t == d.tag)
        && e.last_chance.is_none_or(|lc| Some(lc) == d.last_chance)
        && e.at.is_none_or(|at| at == d.at.saturating_since(super::EPOCH))
        && e.reg.as_ref().is_none_or(|r| resolve(r) == Some(d.sw))
}

/// A perfect matching of `expected` onto `observed` under `ok(e, o)`
/// (augmenting paths; lists are short). Returns the observed index per expected entry.
fn bipartite(n_expected: usize, n_observed: usize, ok: &dyn Fn(usize, usize) -> bool) -> Option<Vec<usize>> {
    fn augment(
        e: usize,
        n_observed: usize,
        ok: &dyn Fn(usize, usize) -> bool,
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for o in 0..n_observed {
            if seen[o] || !ok(e, o) {
                continue;
            }
            seen[o] = true;
            if owner[o].is_none_or(|other| augment(other, n_observed, ok, seen, owner)) {
                owner[o] = Some(e);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; n_observed];
    for e in 0..n_expected {
        let mut seen = vec![false; n_observed];
        if !augment(e, n_observed, ok, &mut seen, &mut owner) {
            return None;
        }
    }
    let mut out = vec![0; n_expected];
    for (o, e) in owner.iter().enumerate() {
        if let Some(e) = e {
            out[*e] = o;
        }
    }
    Some(out)
}

/// Checks that exactly the expected dispatches happened; returns the observed
/// index matched to each expected entry.
pub(super) fn events(
    expected: &[EventSpec],
    observed: &[ObservedDispatch],
    strict: bool,
    resolve: &dyn Fn(&str) -> Option<SwRegId>,
    names: &BTreeMap<SwRegId, String>,
) -> Result<Vec<usize>, String> {
    let mismatch = || {
        let exp: Vec<String> = expected.iter().map(show_expected).collect();
        let obs: Vec<String> = observed.iter().map(|d| show_observed(d, names)).collect();
        let order = if strict { " in this order" } else { "" };
        format!("expected dispatches{order} [{}], observed [{}]", exp.join(", "), obs.join(", "))
    };
    if expected.len() != observed.len() {
        return Err(mismatch());
    }
    if strict {
        for (e, d) in expected.iter().zip(observed) {
            if !event_matches(e, d, resolve) {
                return Err(mismatch());
            }
        }
        return Ok((0..expected.len()).collect());
    }
    bipartite(expected.len(), observed.len(), &|e, o| event_matches(&expected[e], &observed[o], resolve))
        .ok_or_else(mismatch)
}

fn log_matches(spec: &LogSpec, l: &LogEntry) -> bool {
    let metadata_ok = spec.metadata.as_ref().is_none_or(|want| {
        let mut a: Vec<(&str, &str)> = want.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut b: Vec<(&str, &str)> = l.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        a.sort();
        b.sort();
        a == b
    });
    spec.name == l.name
        && spec.service.is_none_or(|kind| kind == l.kind)
        && spec.tag.as_ref().is_none_or(|t| *t == l.tag)
        && spec.at.is_none_or(|at| at == l.at.saturating_since(super::EPOCH))
        && metadata_ok
}

fn show_log(l: &LogEntry) -> String {
    let meta: Vec<String> = l.metadata.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(
        "{:?} ({}) {} {{{}}} at {}",
        l.name,
        crate::scenario::service_name(l.kind),
        show_tag(&l.tag),
        meta.join(", "),
        format_time(l.at.saturating_since(super::EPOCH))
    )
}

fn show_log_spec(s: &LogSpec) -> String {
    let mut out = format!("{:?}", s.name);
    if let Some(kind) = s.service {
        out.push_str(&format!(" ({})", crate::scenario::service_name(kind)));
    }
    if let Some(t) = &s.tag {
        out.push_str(&format!(" {}", show_tag(t)));
    }
    if let Some(m) = &s.metadata {
        let meta: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        out.push_str(&format!(" {{{}}}", meta.join(", ")));
    }
    out
}

/// Checks the log records since the last `logs` check.
pub(super) fn logs(expected: &[LogSpec], observed: &[LogEntry], contains: bool, strict: bool) -> Result<(), String> {
    let mismatch = || {
        let exp: Vec<String> = expected.iter().map(show_log_spec).collect();
        let obs: Vec<String> = observed.iter().map(show_log).collect();
        let how = if contains { "to contain" } else { "to be exactly" };
        let order = if strict { " in this order" } else { "" };
        format!("expected the log records {how}{order} [{}], recorded [{}]", exp.join(", "), obs.join("; "))
    };
    if contains {
        if strict {
            // A subsequence, in order.
            let mut it = observed.iter();
            for spec in expected {
                if !it.any(|l| log_matches(spec, l)) {
                    return Err(mismatch());
                }
            }
            return Ok(());
        }
        return bipartite(expected.len(), observed.len(), &|e, o| log_matches(&expected[e], &observed[o]))
            .map(|_| ())
            .ok_or_else(mismatch);
    }
    if expected.len() != observed.len() {
        return Err(mismatch());
    }
    if strict {
        return if expected.iter().zip(observed).all(|(s, l)| log_matches(s, l)) { Ok(()) } else { Err(mismatch()) };
    }
    bipartite(expected.len(), observed.len(), &|e, o| log_matches(&expected[e], &observed[o]))
        .map(|_| ())
        .ok_or_else(mismatch)
}

fn show_reply(r: &Reply) -> String {
    match r {
        Reply::Resolved => "resolved".to_string(),
        Reply::Tags(t) => format!("resolved with [{}]", t.iter().map(|t| show_tag(t)).collect::<Vec<_>>().join(", ")),
        Reply::Rejected { name, message } => format!("rejected with {name} ({message})"),
    }
}

/// Checks a page-side call's result.
pub(super) fn call(expect: &CallExpect, reply: &Reply) -> StepResult {
    let ok = match (expect, reply) {
        (CallExpect::Resolve, Reply::Resolved | Reply::Tags(_)) => true,
        (CallExpect::Reject { name: want, message: want_message }, Reply::Rejected { name, message }) => {
            want == name && want_message.as_ref().is_none_or(|m| m == message)
        }
        (CallExpect::Tags { tags, ordered }, Reply::Tags(got)) => {
            if *ordered {
                tags == got
            } else {
                let (mut a, mut b) = (tags.clone(), got.clone());
                a.sort();
                b.sort();
                a == b
            }
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let want = match expect {
        CallExpect::Resolve => "to resolve".to_string(),
        CallExpect::Reject { name, message: None } => format!("to reject with {name}"),
        CallExpect::Reject { name, message: Some(m) } => format!("to reject with {name} ({m})"),
        CallExpect::Tags { tags, ordered } => format!(
            "to resolve with [{}]{}",
            tags.iter().map(|t| show_tag(t)).collect::<Vec<_>>().join(", "),
            if *ordered { " in this order" } else { "" }
        ),
    };
    Err(Stop::Fail(format!("expected the promise {want}, but it {}", show_reply(reply))))
}

/// Checks the result of a `settle` step.
pub(super) fn settle_result(event: &str, result: Result<(), TargetError>, expect: Option<SettleError>) -> StepResult {
    let want = expect.map(|e| match e {
        SettleError::Expired => Refusal::Expired,
        SettleError::AlreadySettled => Refusal::AlreadySettled,
        SettleError::Disabled => Refusal::Disabled,
    });
    match (result, want) {
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(w)) => {
            Err(Stop::Fail(format!("expected settling {event} to be refused ({}), it was accepted", w.name())))
        }
        (Err(TargetError::Refused { kind, .. }), Some(w)) if kind == w => Ok(()),
        (Err(TargetError::NotObservable(m)), _) => Err(Stop::NotRun(m)),
        (Err(e), _) => Err(Stop::Fail(format!("settling {event} failed: {e}"))),
    }
}

/// The time an explanation waits for, and whether a firing one was re-registered.
fn explanation_details(e: &Explanation) -> (Option<sync_policy::Timestamp>, Option<bool>) {
    match e {
        Explanation::WaitingUntil { at, .. } => (Some(*at), None),
        Explanation::Firing { reregistered, .. } => (None, Some(*reregistered)),
        // The reason (`ExplainReason::of`) reports an unknown explanation as unsupported.
        _ => (None, None),
    }
}

/// Checks an explanation.
pub(super) fn explain(expect: &ExplainExpect, got: &Explanation) -> StepResult {
    let reason = ExplainReason::of(got);
    let (until, rereg) = explanation_details(got);
    let until_v = until.map(|t| t.saturating_since(super::EPOCH));
    let ok = reason == expect.reason
        && expect.until.is_none_or(|u| Some(u) == until_v)
        && expect.reregistered.is_none_or(|r| Some(r) == rereg);
    if ok {
        return Ok(());
    }
    let mut got_text = reason.name();
    if let Some(u) = until_v {
        got_text.push_str(&format!(" until {}", format_time(u)));
    }
    if let Some(r) = rereg {
        got_text.push_str(&format!(" (reregistered: {r})"));
    }
    let mut want = expect.reason.name();
    if let Some(u) = expect.until {
        want.push_str(&format!(" until {}", format_time(u)));
    }
    Err(Stop::Fail(format!("expected the explanation {want}, got {got_text}")))
}

/// Checks an interface shape.
pub(super) fn shape(spec: &ShapeSpec, got: &InterfaceShape) -> StepResult {
    let mut problems = Vec::new();
    if let Some(exposed) = &spec.exposed {
        let (mut a, mut b) = (exposed.clone(), got.exposed.clone());
        a.sort();
        b.sort();
        if a != b {
            problems.push(format!("exposed in {b:?}, expected {a:?}"));
        }
    }
    for (op, len) in &spec.ops {
        match got.ops.iter().find(|(n, _)| n == op) {
            None => problems.push(format!("no operation {op}")),
            Some((_, l)) if l != len => problems.push(format!("{op}.length is {l}, expected {len}")),
            _ => {}
        }
    }
    for attr in &spec.attrs {
        if !got.attrs.contains(attr) {
            problems.push(format!("no attribute {attr}"));
        }
    }
    for member in &spec.absent {
        if got.attrs.contains(member) || got.ops.iter().any(|(n, _)| n == member) {
            problems.push(format!("has {member}, which must not exist"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(Stop::Fail(format!("{}: {}", spec.interface, problems.join("; ")))) }
}

/// Checks a constructed event object.
pub(super) fn construct(
    want: &crate::scenario::ConstructExpect,
    got: &Result<Vec<(String, JsValue)>, String>,
) -> StepResult {
    use crate::scenario::ConstructExpect;
    let sorted = |v: &[(String, JsValue)]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    match (want, got) {
        (ConstructExpect::Value(fields), Ok(values)) if sorted(fields) == sorted(values) => Ok(()),
        (ConstructExpect::Throws(name), Err(thrown)) if name == thrown => Ok(()),
        (want, got) => Err(Stop::Fail(format!("expected {want:?}, got {got:?}"))),
    }
}
