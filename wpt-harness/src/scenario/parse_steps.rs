//! Steps: one keyword per list item, its arguments, and an optional `expect`.

use super::parse_initial::{battery_percent, client, network_state, worker};
use super::values::{duration, engagement, js_number, kind, origin, permission_name, permission_state, tag};
use super::{
    Action, Call, CallExpect, CallerSpec, ConstructExpect, DispatchNowExpect, EventSpec, ExplainExpect, JsValue,
    LogSpec, NetworkChange, PowerChange, SettleError, Settlement, ShapeSpec, Step, WorkerDecl, WorkerState,
};
use crate::yaml::{Map, Node, NodeError, Value};
use sync_policy::{EventOutcome, NetworkState, SyncKind};

/// Keys that modify a step rather than name it.
const MODIFIERS: &[&str] = &["expect", "order"];

pub(super) fn steps(node: &Node) -> Result<Vec<super::Step>, NodeError> {
    let mut out = Vec::new();
    for item in node.as_seq()? {
        match item.as_map()?.get("repeat") {
            Some(body) => out.extend(repeat(body)?),
            None => out.push(step(item)?),
        }
    }
    Ok(out)
}

/// `repeat: {times: N, steps: [...]}`: the steps N times, with `{i}` in
/// strings replaced by 0..N. The file's size after expansion was checked
/// before (see `expansion`).
fn repeat(body: &Node) -> Result<Vec<super::Step>, NodeError> {
    let m = body.as_map()?;
    m.only(&["times", "steps"])?;
    let times = m.require("times")?.as_u64()?;
    let inner = m.require("steps")?;
    inner.as_seq()?;
    let mut out = Vec::new();
    for i in 0..times {
        out.extend(steps(&substitute(inner, &i.to_string()))?);
    }
    Ok(out)
}

fn substitute(node: &Node, i: &str) -> Node {
    let value = match &node.value {
        Value::Str(s) => Value::Str(s.replace("{i}", i)),
        Value::Seq(items) => Value::Seq(items.iter().map(|n| substitute(n, i)).collect()),
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (k.clone(), substitute(v, i))).collect()),
        other => other.clone(),
    };
    Node { value, pos: node.pos }
}

fn step(node: &Node) -> Result<Step, NodeError> {
    let m = node.as_map()?;
    let mut keyword = None;
    for (k, pos, v) in &m.entries {
        if MODIFIERS.contains(&k.as_str()) {
            continue;
        }
        if keyword.is_some() {
            return Err(NodeError::at(*pos, format!("a step has one keyword; `{k}` is a second one")));
        }
        keyword = Some((k.as_str(), *v));
    }
    let Some((keyword, args)) = keyword else {
        return Err(node.error("a step needs a keyword such as sync.register or clock.advance"));
    };
    let expect = m.get("expect");
    let allowed: &[&str] = match keyword {
        "sync.register"
        | "sync.getTags"
        | "periodic.register"
        | "periodic.unregister"
        | "periodic.getTags"
        | "permission.query"
        | "settle"
        | "dispatch_now"
        | "explain"
        | "bind.construct" => &["expect"],
        "events" | "logs" => &["order"],
        _ => &[],
    };
    for (k, pos, _) in &m.entries {
        if MODIFIERS.contains(&k.as_str()) && !allowed.contains(&k.as_str()) {
            return Err(NodeError::at(*pos, format!("`{k}` does not apply to `{keyword}`")));
        }
    }
    let strict = match m.get("order") {
        Some(o) => match o.as_str()? {
            "strict" => true,
            "any" => false,
            other => return Err(o.error(format!("order is `strict` or `any`, not {other:?}"))),
        },
        None => false,
    };
    let action = match keyword {
        "sync.register" => call(args, expect, |a| Ok(Call::SyncRegister { tag: tag(a.require("tag")?)? }))?,
        "sync.getTags" => call(args, expect, |_| Ok(Call::GetTags { kind: SyncKind::OneOff }))?,
        "periodic.getTags" => call(args, expect, |_| Ok(Call::GetTags { kind: SyncKind::Periodic }))?,
        "periodic.unregister" => call(args, expect, |a| Ok(Call::PeriodicUnregister { tag: tag(a.require("tag")?)? }))?,
        "periodic.register" => call(args, expect, |a| {
            let min_interval = match a.get("options") {
                None => None,
                Some(o) => {
                    let om = o.as_map()?;
                    om.only(&["minInterval"])?;
                    om.get("minInterval").map(js_number).transpose()?
                }
            };
            Ok(Call::PeriodicRegister { tag: tag(a.require("tag")?)?, min_interval })
        })?,
        "client.open" => {
            let a = args.as_map()?;
            let id = a.require("id")?.as_str()?.to_string();
            let rest = strip(args, &["id"]);
            Action::ClientOpen(client(&id, &rest, "https://a.test").and_then(|c| {
                if a.get("origin").is_none() { Err(args.error("client.open needs `origin`")) } else { Ok(c) }
            })?)
        }
        "client.close" => Action::ClientClose(only_arg(args, "id")?.as_str()?.to_string()),
        "network" => Action::Network(NetworkChange(match &args.value {
            Value::Map(_) => {
                let a = args.as_map()?;
                a.only(&["online", "metered"])?;
                NetworkState {
                    online: a.get("online").map(Node::as_bool).transpose()?.unwrap_or(true),
                    metered: a.get("metered").map(Node::as_bool).transpose()?.unwrap_or(false),
                }
            }
            _ => network_state(args)?,
        })),
        "power.set" => {
            let a = args.as_map()?;
            a.only(&["battery_saver", "charging", "battery_percent"])?;
            Action::Power(PowerChange {
                battery_saver: a.get("battery_saver").map(Node::as_bool).transpose()?,
                charging: a.get("charging").map(Node::as_bool).transpose()?,
                battery_percent: a.get("battery_percent").map(battery_percent).transpose()?,
            })
        }
        "permission.set" => {
            let a = args.as_map()?;
            a.only(&["origin", "name", "state"])?;
            Action::PermissionSet {
                origin: origin(a.require("origin")?)?,
                name: permission_name(a.require("name")?)?,
                state: permission_state(a.require("state")?)?,
            }
        }
        "permission.query" => {
            let a = args.as_map()?;
            a.only(&["origin", "name"])?;
            let e = expect.ok_or_else(|| node.error("permission.query needs `expect: {state_in: [...]}`"))?;
            let em = e.as_map()?;
            em.only(&["state_in", "state"])?;
            let states = match (em.get("state_in"), em.get("state")) {
                (Some(list), None) => list.as_seq()?.iter().map(permission_state).collect::<Result<Vec<_>, _>>()?,
                (None, Some(one)) => vec![permission_state(one)?],
                _ => return Err(e.error("give `state_in: [...]` or `state: ...`")),
            };
            Action::PermissionQuery {
                origin: origin(a.require("origin")?)?,
                name: permission_name(a.require("name")?)?,
                expect: states,
            }
        }
        "engagement.set" => {
            let a = args.as_map()?;
            a.only(&["origin", "level"])?;
            Action::EngagementSet { origin: origin(a.require("origin")?)?, level: engagement(a.require("level")?)? }
        }
        "emulate_offline" => {
            let a = args.as_map()?;
            a.only(&["reg", "offline"])?;
            Action::EmulateOffline { reg: name(a.require("reg")?)?, offline: a.require("offline")?.as_bool()? }
        }
        "clock.advance" => Action::Advance(duration(args)?),
        "clock.advance_to" => Action::AdvanceTo(duration(args)?),
        "events" => Action::Events { expected: event_list(args)?, strict },
        "settle" => {
            let a = args.as_map()?;
            a.only(&["event", "outcome"])?;
            let expect_error = match expect {
                None => None,
                Some(e) => {
                    let em = e.as_map()?;
                    em.only(&["error"])?;
                    let v = em.require("error")?;
                    Some(match v.as_str()? {
                        "expired" => SettleError::Expired,
                        "already-settled" => SettleError::AlreadySettled,
                        other => {
                            return Err(v.error(format!("unknown settle error {other:?} (expired, already-settled)")));
                        }
                    })
                }
            };
            Action::Settle { event: name(a.require("event")?)?, how: settlement(a.require("outcome")?)?, expect_error }
        }
        "sw.activate" => Action::SwActivate(name(only_arg(args, "reg")?)?),
        "sw.unregister" => Action::SwUnregister(name(only_arg(args, "reg")?)?),
        "sw.terminate" => Action::SwTerminate(name(only_arg(args, "reg")?)?),
        "sw.install" | "sw.install_and_activate" => {
            let a = args.as_map()?;
            let reg = name(a.require("reg")?)?;
            a.require("origin")?;
            let state = if keyword == "sw.install" { WorkerState::Installing } else { WorkerState::Active };
            let base = WorkerDecl { name: reg.clone(), origin: String::new(), state };
            Action::SwInstall(worker(&reg, &strip(args, &["reg"]), base)?)
        }
        "origin.clear" => Action::OriginClear(origin(only_arg(args, "origin")?)?),
        "ua.restart" => {
            let a = args.as_map()?;
            a.only(&["downtime"])?;
            Action::Restart(a.get("downtime").map(duration).transpose()?.unwrap_or(sync_policy::Millis::ZERO))
        }
        "storage.fail" => {
            args.as_map()?.only(&["reason"])?;
            Action::StorageFail
        }
        "dispatch_now" => {
            let (reg, k, t) = registration(args)?;
            let expect = match expect {
                None => DispatchNowExpect::Ok,
                Some(e) if e.as_str().ok() == Some("ok") => DispatchNowExpect::Ok,
                Some(e) => {
                    let em = e.as_map()?;
                    em.only(&["error"])?;
                    let v = em.require("error")?;
                    let text = v.as_str()?;
                    if !["offline", "already-firing", "not-registered", "disabled"].contains(&text) {
                        return Err(v.error(format!(
                            "unknown dispatch_now error {text:?} (offline, already-firing, not-registered, disabled)"
                        )));
                    }
                    DispatchNowExpect::Error(text.to_string())
                }
            };
            Action::DispatchNow { reg, kind: k, tag: t, expect }
        }
        "explain" => {
            let (reg, k, t) = registration(args)?;
            let e = expect.ok_or_else(|| node.error("explain needs `expect: {reason: ...}`"))?;
            Action::Explain { reg, kind: k, tag: t, expect: explain_expect(e)? }
        }
        "logs" => match &args.value {
            Value::Map(_) => {
                let a = args.as_map()?;
                a.only(&["contains"])?;
                Action::Logs { expected: log_list(a.require("contains")?)?, contains: true, strict }
            }
            _ => Action::Logs { expected: log_list(args)?, contains: false, strict },
        },
        "note" => Action::Note(args.as_text().unwrap_or_default()),
        "assert" => match args.as_str()? {
            "invariants" | "engine_alive_and_invariants_hold" => Action::AssertInvariants,
            other => return Err(args.error(format!("unknown assertion {other:?} (invariants)"))),
        },
        "expect_sequence" => {
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
            Action::ExpectSequence(out)
        }
        "bind.shape" => Action::BindShape(shape(args)?),
        "bind.construct" => {
            let a = args.as_map()?;
            a.only(&["interface", "args"])?;
            let js_args = match a.get("args") {
                Some(list) => list.as_seq()?.iter().map(js_value).collect::<Result<Vec<_>, _>>()?,
                None => Vec::new(),
            };
            let e =
                expect.ok_or_else(|| node.error("bind.construct needs `expect: {value: ...}` or `{throws: ...}`"))?;
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
            Action::BindConstruct { interface: a.require("interface")?.as_str()?.to_string(), args: js_args, expect }
        }
        other => return Err(node.error(format!("unknown step `{other}`"))),
    };
    Ok(Step { pos: node.pos, action })
}

/// A copy of a mapping node without some keys.
fn strip(node: &Node, keys: &[&str]) -> Node {
    match &node.value {
        Value::Map(entries) => Node {
            value: Value::Map(
                entries.iter().filter(|(k, _)| !keys.iter().any(|key| k.as_str().ok() == Some(key))).cloned().collect(),
            ),
            pos: node.pos,
        },
        _ => node.clone(),
    }
}

fn name(node: &Node) -> Result<String, NodeError> {
    node.as_text()
}

/// `{key: value}` with nothing else.
fn only_arg<'a>(args: &'a Node, key: &str) -> Result<&'a Node, NodeError> {
    let a = args.as_map()?;
    a.only(&[key])?;
    a.require(key)
}

fn caller(a: &Map<'_>) -> Result<CallerSpec, NodeError> {
    let Some(n) = a.get("from") else { return Ok(CallerSpec::Default) };
    let text = n.as_str()?;
    Ok(match text.split_once(':') {
        Some(("sw", reg)) => CallerSpec::Worker(reg.to_string()),
        Some(("stale", reg)) => CallerSpec::Stale(reg.to_string()),
        None if text == "embedder" => CallerSpec::Embedder,
        None => CallerSpec::Client(text.to_string()),
        Some(_) => return Err(n.error(format!("unknown caller {text:?} (a client, sw:R1, stale:R1 or embedder)"))),
    })
}

fn call(
    args: &Node,
    expect: Option<&Node>,
    build: impl FnOnce(&Map<'_>) -> Result<Call, NodeError>,
) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    a.only(&["reg", "tag", "from", "options"])?;
    let call = build(&a)?;
    let allows_options = matches!(call, Call::PeriodicRegister { .. });
    let allows_tag = !matches!(call, Call::GetTags { .. });
    if let (Some(n), false) = (a.get("options"), allows_options) {
        return Err(n.error("`options` only applies to periodic.register"));
    }
    if let (Some(n), false) = (a.get("tag"), allows_tag) {
        return Err(n.error("getTags takes no `tag`"));
    }
    Ok(Action::Call {
        reg: name(a.require("reg")?)?,
        from: caller(&a)?,
        expect: expect.map(call_expect).transpose()?,
        call,
    })
}

fn call_expect(node: &Node) -> Result<CallExpect, NodeError> {
    if let Value::Str(s) = &node.value {
        return match s.as_str() {
            "resolve" => Ok(CallExpect::Resolve),
            other => {
                Err(node.error(format!("unknown expectation {other:?} (resolve, {{reject: Name}}, {{tags: [...]}})")))
            }
        };
    }
    let m = node.as_map()?;
    m.only(&["reject", "tags", "order"])?;
    match (m.get("reject"), m.get("tags")) {
        (Some(r), None) => Ok(CallExpect::Reject(r.as_str()?.to_string())),
        (None, Some(t)) => {
            let tags = t.as_seq()?.iter().map(tag).collect::<Result<Vec<_>, _>>()?;
            let ordered = match m.get("order") {
                None => false,
                Some(o) => match o.as_str()? {
                    "insertion" | "as-listed" => true,
                    "sorted" => {
                        let mut sorted = tags.clone();
                        sorted.sort();
                        if sorted != tags {
                            return Err(o.error("`order: sorted` but the listed tags are not sorted"));
                        }
                        true
                    }
                    "any" => false,
                    other => return Err(o.error(format!("order is insertion, sorted or any, not {other:?}"))),
                },
            };
            Ok(CallExpect::Tags { tags, ordered })
        }
        _ => Err(node.error("give `reject: Name` or `tags: [...]`")),
    }
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
        return Err(node.error("an event needs `type: sync` or `type: periodicsync`"));
    }
    if spec.kind == Some(SyncKind::Periodic) && spec.last_chance.is_some() {
        return Err(node.error("periodicsync events have no lastChance"));
    }
    Ok(spec)
}

fn log_list(node: &Node) -> Result<Vec<LogSpec>, NodeError> {
    let mut out = Vec::new();
    for item in node.as_seq()? {
        let m = item.as_map()?;
        m.only(&["name", "tag", "metadata", "at"])?;
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
        });
    }
    Ok(out)
}

fn registration(args: &Node) -> Result<(String, SyncKind, String), NodeError> {
    let a = args.as_map()?;
    a.only(&["reg", "tag", "kind"])?;
    let k = a.get("kind").map(kind).transpose()?.unwrap_or(SyncKind::OneOff);
    Ok((name(a.require("reg")?)?, k, tag(a.require("tag")?)?))
}

fn explain_expect(node: &Node) -> Result<ExplainExpect, NodeError> {
    const REASONS: &[&str] = &[
        "ready",
        "firing",
        "not-registered",
        "disabled",
        "back-off",
        "periodic-interval",
        "origin-gap",
        "across-origins-round",
        "offline",
        "worker-offline",
        "metered",
        "battery-saver",
        "low-battery",
        "not-charging",
        "no-engagement",
        "permission-denied",
    ];
    let m = node.as_map()?;
    m.only(&["reason", "until", "reregistered"])?;
    let r = m.require("reason")?;
    let reason = r.as_str()?.to_string();
    if !REASONS.contains(&reason.as_str()) {
        return Err(r.error(format!("unknown explanation {reason:?} (expected one of: {})", REASONS.join(", "))));
    }
    Ok(ExplainExpect {
        reason,
        until: m.get("until").map(duration).transpose()?,
        reregistered: m.get("reregistered").map(Node::as_bool).transpose()?,
    })
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
