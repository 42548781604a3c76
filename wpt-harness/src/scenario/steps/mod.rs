//! Steps: one keyword per list item, its arguments, and an optional `expect`
//! (or `order`). `repeat` expands here; each keyword is parsed by the module
//! of its family.

mod checks;
mod devtools;
mod environment;
mod events;
mod lifecycle;
pub(crate) mod names;
mod page;

use super::Step;
use crate::yaml::{Map, Node, NodeError, Value};

/// Keys that modify a step rather than name it.
const MODIFIERS: &[&str] = &["expect", "order"];

/// One step as the family parsers see it.
struct StepCx<'a> {
    /// The whole list item (for errors about the step).
    node: &'a Node,
    /// The step's keyword.
    keyword: &'a str,
    /// The keyword's value.
    args: &'a Node,
    /// The `expect` modifier, if given.
    expect: Option<&'a Node>,
    /// `order: strict` was given.
    strict: bool,
}

pub(in crate::scenario) fn steps(node: &Node) -> Result<Vec<Step>, NodeError> {
    let (out, mut errors) = all_steps(node);
    if errors.is_empty() { Ok(out) } else { Err(errors.remove(0)) }
}

/// Every step of a list, and every error in it (not only the first): each
/// item is parsed even when an earlier one was wrong.
pub(in crate::scenario) fn all_steps(node: &Node) -> (Vec<Step>, Vec<NodeError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let items = match node.as_seq() {
        Ok(items) => items,
        Err(e) => return (out, vec![e]),
    };
    for item in items {
        let parsed = item.as_map().and_then(|m| match m.get("repeat") {
            Some(body) => repeat(body),
            None => step(item).map(|s| vec![s]),
        });
        match parsed {
            Ok(steps) => out.extend(steps),
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

/// `repeat: {times: N, steps: [...]}`: the steps N times, with `{i}` in
/// strings replaced by 0..N. The file's size after expansion was checked
/// before (see `expansion`).
fn repeat(body: &Node) -> Result<Vec<Step>, NodeError> {
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

/// The modifiers a keyword takes.
fn modifiers(keyword: &str) -> &'static [&'static str] {
    match keyword {
        "sync.register"
        | "sync.getTags"
        | "periodic.register"
        | "periodic.unregister"
        | "periodic.getTags"
        | "permission.query"
        | "settle"
        | "dispatch_now"
        | "devtools.dispatch"
        | "explain"
        | "bind.construct" => &["expect"],
        "events" | "logs" => &["order"],
        _ => &[],
    }
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
    // An unknown name is the error, not the `expect` under it.
    if !names::is_known(keyword) {
        let pos = m.entries.iter().find(|(k, _, _)| k == keyword).map_or(node.pos, |(_, pos, _)| *pos);
        return Err(NodeError::at(pos, names::unknown(keyword)));
    }
    let keyword = names::internal(keyword);
    let allowed = modifiers(keyword);
    for (k, pos, _) in &m.entries {
        if MODIFIERS.contains(&k.as_str()) && !allowed.contains(&k.as_str()) {
            return Err(NodeError::at(*pos, format!("`{k}` does not apply to `{}`", names::documented(keyword))));
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
    let cx = StepCx { node, keyword, args, expect: m.get("expect"), strict };
    let action = page::parse(&cx)
        .or_else(|| environment::parse(&cx))
        .or_else(|| lifecycle::parse(&cx))
        .or_else(|| events::parse(&cx))
        .or_else(|| devtools::parse(&cx))
        .or_else(|| checks::parse(&cx))
        .unwrap_or_else(|| Err(node.error(names::unknown(keyword))))?;
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

/// `{reg, tag, kind}` naming one registration (kind defaults to one-off).
fn registration(args: &Node) -> Result<(String, sync_policy::SyncKind, String), NodeError> {
    let a: Map<'_> = args.as_map()?;
    a.only(&["reg", "tag", "kind"])?;
    let k = a.get("kind").map(super::values::kind).transpose()?.unwrap_or(sync_policy::SyncKind::OneOff);
    Ok((name(a.require("reg")?)?, k, super::values::tag(a.require("tag")?)?))
}
