//! Time and events: `clock.advance`, `clock.advance_to`, `events`, `settle`,
//! `expect_sequence`.

use super::{StepCx, name, strip};
use crate::refusal::Refusal;
use crate::scenario::values::{duration, kind, tag};
use crate::scenario::{Action, EventSpec, SettleError, Settlement};
use crate::yaml::{Node, NodeError};
use sync_policy::{EventOutcome, SyncKind};

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    Some(match cx.keyword {
        "clock.advance" => duration(cx.args).map(Action::Advance),
        "clock.advance_to" => duration(cx.args).map(Action::AdvanceTo),
        "events" => event_list(cx.args).map(|expected| Action::Events { expected, strict: cx.strict }),
        "settle" => settle(cx),
        "expect_sequence" => sequence(cx.args),
        _ => return None,
    })
}

fn settle(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let a = cx.args.as_map()?;
    a.only(&["event", "outcome"])?;
    let expect_error = match cx.expect {
        None => None,
        Some(e) => {
            let em = e.as_map()?;
            em.only(&["error"])?;
            let v = em.require("error")?;
            let text = v.as_str()?;
            Some(match text {
                t if t == Refusal::Expired.name() => SettleError::Expired,
                t if t == Refusal::AlreadySettled.name() => SettleError::AlreadySettled,
                t if t == Refusal::Disabled.name() => SettleError::Disabled,
                other => {
                    return Err(v.error(format!(
                        "unknown settle error {other:?} ({}, {}, {})",
                        Refusal::Expired.name(),
                        Refusal::AlreadySettled.name(),
                        Refusal::Disabled.name()
                    )));
                }
            })
        }
    };
    Ok(Action::Settle { event: name(a.require("event")?)?, how: settlement(a.require("outcome")?)?, expect_error })
}

fn sequence(args: &Node) -> Result<Action, NodeError> {
    let mut out = Vec::new();
    for item in args.as_seq()? {
        let how = match item.as_map()?.get("outcome") {
            Some(o) => settlement(o)?,
            None => Settlement::Outcome(EventOutcome::Rejected),
        };
        let spec = event_spec(&strip(item, &["outcome"]))?;
        if spec.at.is_none() {
            return Err(item.error("expect_sequence entries need `at`"));
        }
        if spec.id.is_some() {
            return Err(item.error("expect_sequence entries are settled at once; they take no `id`"));
        }
        out.push((spec, how));
    }
    Ok(Action::ExpectSequence(out))
}

fn settlement(node: &Node) -> Result<Settlement, NodeError> {
    Ok(match node.as_str()? {
        "fulfil" | "fulfill" => Settlement::Outcome(EventOutcome::Fulfilled),
        "reject" => Settlement::Outcome(EventOutcome::Rejected),
        "worker-failed" => Settlement::Outcome(EventOutcome::WorkerFailed),
        "timeout" => Settlement::Outcome(EventOutcome::TimedOut),
        "hang" => Settlement::Hang,
        other => return Err(node.error(format!("unknown outcome {other:?} (fulfil, reject, hang, worker-failed)"))),
    })
}

fn event_list(node: &Node) -> Result<Vec<EventSpec>, NodeError> {
    node.as_seq()?.iter().map(event_spec).collect()
}

fn event_spec(node: &Node) -> Result<EventSpec, NodeError> {
    let m = node.as_map()?;
    m.only(&["id", "type", "reg", "tag", "lastChance", "at"])?;
    let spec = EventSpec {
        pos: node.pos,
        id: m.get("id").map(name).transpose()?,
        kind: m.get("type").map(kind).transpose()?,
        reg: m.get("reg").map(name).transpose()?,
        tag: m.get("tag").map(tag).transpose()?,
        last_chance: m.get("lastChance").map(Node::as_bool).transpose()?,
        at: m.get("at").map(duration).transpose()?,
    };
    if spec.kind.is_none() {
        return Err(node.error(format!(
            "an event needs `type: {}` or `type: {}`",
            SyncKind::OneOff.event_name(),
            SyncKind::Periodic.event_name()
        )));
    }
    if spec.kind == Some(SyncKind::Periodic) && spec.last_chance.is_some() {
        return Err(node.error(format!("{} events have no lastChance", SyncKind::Periodic.event_name())));
    }
    Ok(spec)
}
