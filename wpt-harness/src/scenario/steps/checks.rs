//! Checks that ask the target directly or compare what it recorded: `logs`,
//! `explain`, `assert`, `note`, `bind.shape`, `bind.construct`.

use super::{StepCx, registration};
use crate::scenario::values::{duration, js_number, tag};
use crate::scenario::{Action, ConstructExpect, ExplainExpect, ExplainReason, JsValue, LogSpec, ShapeSpec};
use crate::yaml::{Node, NodeError, Value};

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    Some(match cx.keyword {
        "logs" => logs(cx),
        "explain" => explain(cx),
        "note" => Ok(Action::Note(cx.args.as_text().unwrap_or_default())),
        "assert" => assert(cx.args),
        "bind.shape" => shape(cx.args).map(Action::BindShape),
        "bind.construct" => construct(cx),
        _ => return None,
    })
}

fn logs(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    match &cx.args.value {
        Value::Map(_) => {
            let a = cx.args.as_map()?;
            a.only(&["contains"])?;
            Ok(Action::Logs { expected: log_list(a.require("contains")?)?, contains: true, strict: cx.strict })
        }
        _ => Ok(Action::Logs { expected: log_list(cx.args)?, contains: false, strict: cx.strict }),
    }
}

fn log_list(node: &Node) -> Result<Vec<LogSpec>, NodeError> {
    let mut out = Vec::new();
    for item in node.as_seq()? {
        let m = item.as_map()?;
        m.only(&["name", "tag", "metadata", "at", "service"])?;
        let metadata = match m.get("metadata") {
            None => None,
            Some(md) => {
                let mm = md.as_map()?;
                let mut pairs = Vec::new();
                for (k, _, v) in &mm.entries {
                    pairs.push((k.clone(), v.as_text()?));
                }
                Some(pairs)
            }
        };
        out.push(LogSpec {
            pos: item.pos,
            name: m.require("name")?.as_str()?.to_string(),
            tag: m.get("tag").map(tag).transpose()?,
            metadata,
            at: m.get("at").map(duration).transpose()?,
            service: m.get("service").map(service).transpose()?,
        });
    }
    Ok(out)
}

/// A DevTools service as CDP names it.
fn service(node: &Node) -> Result<sync_policy::SyncKind, NodeError> {
    match node.as_str()? {
        "backgroundSync" => Ok(sync_policy::SyncKind::OneOff),
        "periodicBackgroundSync" => Ok(sync_policy::SyncKind::Periodic),
        other => Err(node.error(format!("unknown service {other:?} (backgroundSync, periodicBackgroundSync)"))),
    }
}

fn explain(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let (reg, kind, tag) = registration(cx.args)?;
    let e = cx.expect.ok_or_else(|| cx.node.error("explain needs `expect: {reason: ...}`"))?;
    let m = e.as_map()?;
    m.only(&["reason", "until", "reregistered"])?;
    let r = m.require("reason")?;
    let reason = ExplainReason::parse(r.as_str()?).map_err(|message| r.error(message))?;
    let expect = ExplainExpect {
        reason,
        until: m.get("until").map(duration).transpose()?,
        reregistered: m.get("reregistered").map(Node::as_bool).transpose()?,
    };
    Ok(Action::Explain { reg, kind, tag, expect })
}

fn assert(args: &Node) -> Result<Action, NodeError> {
    match args.as_str()? {
        "invariants" | "engine_alive_and_invariants_hold" => Ok(Action::AssertInvariants),
        other => Err(args.error(format!("unknown assertion {other:?} (invariants)"))),
    }
}

fn shape(args: &Node) -> Result<ShapeSpec, NodeError> {
    let a = args.as_map()?;
    a.only(&["interface", "exposed", "ops", "attrs", "absent"])?;
    let names = |key: &str| -> Result<Vec<String>, NodeError> {
        match a.get(key) {
            Some(list) => list.as_seq()?.iter().map(|n| n.as_str().map(str::to_string)).collect(),
            None => Ok(Vec::new()),
        }
    };
    let mut ops = Vec::new();
    if let Some(o) = a.get("ops") {
        for (k, _, v) in o.as_map()?.entries {
            let len = u32::try_from(v.as_u64()?).map_err(|_| v.error("length out of range"))?;
            ops.push((k, len));
        }
    }
    Ok(ShapeSpec {
        interface: a.require("interface")?.as_str()?.to_string(),
        exposed: a.get("exposed").map(|_| names("exposed")).transpose()?,
        ops,
        attrs: names("attrs")?,
        absent: names("absent")?,
    })
}

fn construct(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let a = cx.args.as_map()?;
    a.only(&["interface", "args"])?;
    let js_args = match a.get("args") {
        Some(list) => list.as_seq()?.iter().map(js_value).collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let e = cx.expect.ok_or_else(|| cx.node.error("bind.construct needs `expect: {value: ...}` or `{throws: ...}`"))?;
    let em = e.as_map()?;
    em.only(&["value", "throws"])?;
    let expect = match (em.get("value"), em.get("throws")) {
        (Some(v), None) => match js_value(v)? {
            JsValue::Object(fields) => ConstructExpect::Value(fields),
            _ => return Err(v.error("`value` is a mapping of attribute values")),
        },
        (None, Some(t)) => ConstructExpect::Throws(t.as_str()?.to_string()),
        _ => return Err(e.error("give `value` or `throws`")),
    };
    Ok(Action::BindConstruct { interface: a.require("interface")?.as_str()?.to_string(), args: js_args, expect })
}

fn js_value(node: &Node) -> Result<JsValue, NodeError> {
    Ok(match &node.value {
        Value::Null => JsValue::Null,
        Value::Bool(b) => JsValue::Bool(*b),
        Value::Int(_) | Value::Float(_) => JsValue::Number(js_number(node)?),
        Value::Str(s) if s == "undefined" => JsValue::Undefined,
        Value::Str(s) => JsValue::Str(s.clone()),
        Value::Seq(_) => return Err(node.error("arrays are not used by these bindings")),
        Value::Map(_) => {
            let m = node.as_map()?;
            let mut fields = Vec::new();
            for (k, _, v) in &m.entries {
                fields.push((k.clone(), js_value(v)?));
            }
            JsValue::Object(fields)
        }
    })
}
