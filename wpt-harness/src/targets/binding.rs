//! The API surface of the Rust facade, read as the IDL a binding would expose.
//!
//! There is no JavaScript binding, so the idlharness scenarios check this
//! model instead. It is tied to the facade, not hard-coded: each operation
//! names the [`Input`] variant behind it and counts the page's arguments by
//! naming every field (a changed variant fails to compile here), event attributes come from an
//! exhaustive match on [`DispatchKind`], manager attributes and event handler
//! names from [`SyncKind`], and the exposure of the managers from [`Caller`].
//! Event construction builds the facade's [`DispatchKind`] from the init
//! dictionary and reads the attributes back from it.

use crate::scenario::JsValue;
use sync_core::{Caller, ClientId, DispatchKind, Input, SwRegId};
use sync_policy::SyncKind;

/// The shape of one interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InterfaceShape {
    /// Global scopes it is exposed in.
    pub exposed: Vec<String>,
    /// Operations with their `length` (required page-side arguments).
    pub ops: Vec<(String, u32)>,
    /// Attributes.
    pub attrs: Vec<String>,
}

/// An operation: its IDL name and how many arguments the page passes (its
/// `length`).
struct Op {
    name: &'static str,
    required: u32,
}

/// How many of a page call's fields the page passes: the rest (the caller and
/// the registration) come from the context the binding runs in. Every field is
/// named, so a field added to one of these inputs fails to compile here.
fn page_arguments(input: &Input) -> u32 {
    match input {
        // register(DOMString tag): page passes the tag.
        Input::Register { caller: _, sw: _, tag: _ } => 1,
        // getTags(): the kind is the manager's, not an argument.
        Input::GetTags { caller: _, sw: _, kind: _ } => 0,
        // register(DOMString tag, optional BackgroundSyncOptions options = {}): the
        // options dictionary is optional, so only the tag counts toward `length`.
        Input::RegisterPeriodic { caller: _, sw: _, tag: _, min_interval: _ } => 1,
        // unregister(DOMString tag).
        Input::UnregisterPeriodic { caller: _, sw: _, tag: _ } => 1,
        // Not a page call: no operation of a manager.
        _ => 0,
    }
}

fn op(name: &'static str, input: &Input) -> Op {
    Op { name, required: page_arguments(input) }
}

/// The inputs behind `SyncManager`.
fn sync_manager_ops() -> Vec<Op> {
    let (caller, sw) = (Caller::Embedder, SwRegId(0));
    vec![
        op("register", &Input::Register { caller, sw, tag: "".into() }),
        op("getTags", &Input::GetTags { caller, sw, kind: SyncKind::OneOff }),
    ]
}

/// The inputs behind `PeriodicSyncManager`.
fn periodic_manager_ops() -> Vec<Op> {
    let (caller, sw) = (Caller::Embedder, SwRegId(0));
    vec![
        op("register", &Input::RegisterPeriodic { caller, sw, tag: "".into(), min_interval: 0 }),
        op("getTags", &Input::GetTags { caller, sw, kind: SyncKind::Periodic }),
        op("unregister", &Input::UnregisterPeriodic { caller, sw, tag: "".into() }),
    ]
}

/// Where page-side calls can come from: one scope per script-context caller.
fn manager_exposure() -> Vec<String> {
    let callers = [Caller::Client(ClientId(0)), Caller::Worker(SwRegId(0)), Caller::Embedder];
    callers
        .iter()
        .filter_map(|c| match c {
            Caller::Client(_) => Some("Window".to_string()),
            Caller::Worker(_) => Some("Worker".to_string()),
            Caller::Embedder => None,
        })
        .collect()
}

/// The attributes of the event object for a dispatch kind.
fn event_attrs(kind: DispatchKind) -> Vec<String> {
    match kind {
        DispatchKind::Sync { last_chance: _ } => vec!["tag".into(), "lastChance".into()],
        DispatchKind::PeriodicSync => vec!["tag".into()],
    }
}

/// The attribute values of an event object.
fn event_values(tag: &str, kind: DispatchKind) -> Vec<(String, JsValue)> {
    let mut out = vec![("tag".to_string(), JsValue::Str(tag.to_string()))];
    match kind {
        DispatchKind::Sync { last_chance } => out.push(("lastChance".into(), JsValue::Bool(last_chance))),
        DispatchKind::PeriodicSync => {}
    }
    out
}

fn manager_attr(kind: SyncKind) -> &'static str {
    match kind {
        SyncKind::OneOff => "sync",
        SyncKind::Periodic => "periodicSync",
    }
}

fn ops(list: Vec<Op>) -> Vec<(String, u32)> {
    list.into_iter().map(|o| (o.name.to_string(), o.required)).collect()
}

/// The shape of an interface of the facade, or `None` for one it does not have.
pub fn interface_shape(interface: &str) -> Option<InterfaceShape> {
    let kinds = [SyncKind::OneOff, SyncKind::Periodic];
    Some(match interface {
        "SyncManager" => InterfaceShape { exposed: manager_exposure(), ops: ops(sync_manager_ops()), attrs: vec![] },
        "PeriodicSyncManager" => {
            InterfaceShape { exposed: manager_exposure(), ops: ops(periodic_manager_ops()), attrs: vec![] }
        }
        "ServiceWorkerRegistration" => InterfaceShape {
            exposed: manager_exposure(),
            ops: vec![],
            attrs: kinds.iter().map(|k| manager_attr(*k).to_string()).collect(),
        },
        // Events are fired at a service worker registration's worker (`Dispatch::sw`).
        "SyncEvent" => InterfaceShape {
            exposed: vec!["ServiceWorker".into()],
            ops: vec![],
            attrs: event_attrs(DispatchKind::Sync { last_chance: false }),
        },
        "PeriodicSyncEvent" => InterfaceShape {
            exposed: vec!["ServiceWorker".into()],
            ops: vec![],
            attrs: event_attrs(DispatchKind::PeriodicSync),
        },
        "ServiceWorkerGlobalScope" => InterfaceShape {
            exposed: vec!["ServiceWorker".into()],
            ops: vec![],
            attrs: kinds.iter().map(|k| format!("on{}", k.event_name())).collect(),
        },
        _ => return None,
    })
}

/// WebIDL ToString for the values scenarios use.
fn to_string(v: &JsValue) -> String {
    match v {
        JsValue::Undefined => "undefined".into(),
        JsValue::Null => "null".into(),
        JsValue::Bool(b) => b.to_string(),
        JsValue::Number(n) if n.fract() == 0.0 && n.is_finite() => format!("{}", *n as i64),
        JsValue::Number(n) => n.to_string(),
        JsValue::Str(s) => s.clone(),
        JsValue::Object(_) => "[object Object]".into(),
    }
}

/// WebIDL ToBoolean.
fn to_bool(v: &JsValue) -> bool {
    match v {
        JsValue::Undefined | JsValue::Null => false,
        JsValue::Bool(b) => *b,
        JsValue::Number(n) => *n != 0.0 && !n.is_nan(),
        JsValue::Str(s) => !s.is_empty(),
        JsValue::Object(_) => true,
    }
}

/// `new SyncEvent(type, init)` / `new PeriodicSyncEvent(type, init)`: both
/// arguments are required (the init dictionaries have a required `tag`).
/// Returns the attribute values, `Err("TypeError")` when the constructor
/// throws, or `None` for an interface that is not an event.
pub fn construct_event(interface: &str, args: &[JsValue]) -> Option<Result<Vec<(String, JsValue)>, String>> {
    let sync = match interface {
        "SyncEvent" => true,
        "PeriodicSyncEvent" => false,
        _ => return None,
    };
    Some(construct(sync, args))
}

fn construct(sync: bool, args: &[JsValue]) -> Result<Vec<(String, JsValue)>, String> {
    const TYPE_ERROR: &str = "TypeError";
    if args.len() < 2 {
        return Err(TYPE_ERROR.into());
    }
    let fields: &[(String, JsValue)] = match &args[1] {
        JsValue::Undefined | JsValue::Null => &[],
        JsValue::Object(f) => f,
        _ => return Err(TYPE_ERROR.into()),
    };
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v).filter(|v| **v != JsValue::Undefined);
    let Some(tag) = get("tag") else { return Err(TYPE_ERROR.into()) };
    let tag = to_string(tag);
    let kind = if sync {
        DispatchKind::Sync { last_chance: get("lastChance").is_some_and(to_bool) }
    } else {
        DispatchKind::PeriodicSync
    };
    Ok(event_values(&tag, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_events_have_no_last_chance() {
        let shape = interface_shape("PeriodicSyncEvent").unwrap();
        assert_eq!(shape.attrs, vec!["tag".to_string()]);
        let sync = interface_shape("SyncEvent").unwrap();
        assert!(sync.attrs.contains(&"lastChance".to_string()));
    }

    #[test]
    fn construction_requires_the_tag() {
        let init = JsValue::Object(vec![("tag".into(), JsValue::Str("t".into()))]);
        let ok = construct_event("SyncEvent", &[JsValue::Str("sync".into()), init]).unwrap().unwrap();
        assert_eq!(ok[1], ("lastChance".to_string(), JsValue::Bool(false)));
        let missing = construct_event("SyncEvent", &[JsValue::Str("sync".into()), JsValue::Object(vec![])]);
        assert_eq!(missing, Some(Err("TypeError".into())));
        assert_eq!(construct_event("SyncEvent", &[JsValue::Str("sync".into())]), Some(Err("TypeError".into())));
    }
}
