//! Page calls: `sync.register`, `sync.getTags`, `periodic.register`,
//! `periodic.unregister`, `periodic.getTags`, with `from` and `expect`.

use super::{StepCx, name};
use crate::scenario::values::{js_number, tag};
use crate::scenario::{Action, Call, CallExpect, CallerSpec};
use crate::yaml::{Map, Node, NodeError, Value};
use sync_policy::SyncKind;

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    Some(match cx.keyword {
        "sync.register" => call(cx, |a| Ok(Call::SyncRegister { tag: tag(a.require("tag")?)? })),
        "sync.getTags" => call(cx, |_| Ok(Call::GetTags { kind: SyncKind::OneOff })),
        "periodic.getTags" => call(cx, |_| Ok(Call::GetTags { kind: SyncKind::Periodic })),
        "periodic.unregister" => call(cx, |a| Ok(Call::PeriodicUnregister { tag: tag(a.require("tag")?)? })),
        "periodic.register" => call(cx, |a| {
            let min_interval = match a.get("options") {
                None => None,
                Some(o) => {
                    let om = o.as_map()?;
                    om.only(&["minInterval"])?;
                    om.get("minInterval").map(js_number).transpose()?
                }
            };
            Ok(Call::PeriodicRegister { tag: tag(a.require("tag")?)?, min_interval })
        }),
        _ => return None,
    })
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

fn call(cx: &StepCx<'_>, build: impl FnOnce(&Map<'_>) -> Result<Call, NodeError>) -> Result<Action, NodeError> {
    let a = cx.args.as_map()?;
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
        expect: cx.expect.map(call_expect).transpose()?,
        call,
    })
}

fn call_expect(node: &Node) -> Result<CallExpect, NodeError> {
    if let Value::Str(s) = &node.value {
        return match s.as_str() {
            "resolve" => Ok(CallExpect::Resolve),
            other => Err(node.error(format!(
                "unknown expectation {other:?} (resolve, {{reject: Name}}, {{reject: Name, message: Text}}, {{tags: [...]}})"
            ))),
        };
    }
    let m = node.as_map()?;
    m.only(&["reject", "message", "tags", "order"])?;
    if let (Some(n), None) = (m.get("message"), m.get("reject")) {
        return Err(n.error("`message` only applies to `reject`"));
    }
    match (m.get("reject"), m.get("tags")) {
        (Some(r), None) => Ok(CallExpect::Reject {
            name: r.as_str()?.to_string(),
            message: m.get("message").map(|n| n.as_str().map(str::to_string)).transpose()?,
        }),
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
