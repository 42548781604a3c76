//! Between the harness's observations and the protocol's wire shapes, both
//! ways: the exec target reads them, the protocol server writes them.

use super::super::{InterfaceShape, LogEntry, Observation, ObservedDispatch, Refusal, Reply};
use crate::protocol::messages::{WireObservation, WireReply, WireShape};
use crate::scenario::JsValue;
use sync_core::{EventId, SwRegId};

/// The protocol's name for a refusal (`PROTOCOL.md`, `result.error.kind`).
pub fn refusal_kind(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::Expired => "event-expired",
        Refusal::AlreadySettled => "event-already-settled",
        Refusal::Offline => "offline",
        Refusal::AlreadyFiring => "already-firing",
        Refusal::NotRegistered => "unknown-registration",
        Refusal::Disabled => "disabled",
        Refusal::Other => "other",
    }
}

/// The refusal a protocol `kind` stands for (every kind the harness does not
/// tell apart is [`Refusal::Other`]).
pub fn refusal_of(kind: &str) -> Refusal {
    match kind {
        "event-expired" => Refusal::Expired,
        "event-already-settled" => Refusal::AlreadySettled,
        "offline" => Refusal::Offline,
        "already-firing" => Refusal::AlreadyFiring,
        "unknown-registration" => Refusal::NotRegistered,
        "disabled" => Refusal::Disabled,
        _ => Refusal::Other,
    }
}

/// A reply in its wire shape.
pub fn wire_reply(reply: &Reply) -> WireReply {
    match reply {
        Reply::Resolved => WireReply::Resolved,
        Reply::Tags(tags) => WireReply::Tags(tags.clone()),
        Reply::Rejected { name, message } => WireReply::Rejected { name: name.clone(), message: message.clone() },
    }
}

/// A reply from its wire shape.
pub fn reply_of(reply: WireReply) -> Reply {
    match reply {
        WireReply::Resolved => Reply::Resolved,
        WireReply::Tags(tags) => Reply::Tags(tags),
        WireReply::Rejected { name, message } => Reply::Rejected { name, message },
    }
}

/// An observation in its wire shape (a dispatch's deadline is not part of an
/// [`Observation`], so it goes out as unknown).
pub fn wire_observation(observation: &Observation) -> WireObservation {
    match observation {
        Observation::Dispatch(d) => WireObservation::Dispatch {
            event: d.event.0,
            sw: d.sw.0,
            kind: d.kind,
            tag: d.tag.clone(),
            last_chance: d.last_chance,
            at: d.at,
            deadline: None,
        },
        Observation::Log(l) => WireObservation::Log {
            at: l.at,
            sw: l.sw.0,
            kind: l.kind,
            name: l.name.clone(),
            tag: l.tag.clone(),
            metadata: l.metadata.clone(),
        },
    }
}

/// An observation from its wire shape, with the dispatch's deadline beside it.
pub fn observation_of(observation: WireObservation) -> (Observation, Option<sync_policy::Timestamp>) {
    match observation {
        WireObservation::Dispatch { event, sw, kind, tag, last_chance, at, deadline } => (
            Observation::Dispatch(ObservedDispatch {
                event: EventId(event),
                sw: SwRegId(sw),
                kind,
                tag,
                last_chance,
                at,
            }),
            deadline,
        ),
        WireObservation::Log { at, sw, kind, name, tag, metadata } => {
            (Observation::Log(LogEntry { at, sw: SwRegId(sw), kind, name, tag, metadata }), None)
        }
    }
}

/// An interface shape in its wire shape.
pub fn wire_shape(shape: &InterfaceShape) -> WireShape {
    WireShape { exposed: shape.exposed.clone(), ops: shape.ops.clone(), attrs: shape.attrs.clone() }
}

/// An interface shape from its wire shape.
pub fn shape_of(shape: WireShape) -> InterfaceShape {
    InterfaceShape { exposed: shape.exposed, ops: shape.ops, attrs: shape.attrs }
}

/// A JS value as JSON. `undefined` (a left-out argument) has no JSON form: it
/// is written as `{"$undefined": true}`, which no test passes as a real object.
pub fn json_of(value: &JsValue) -> serde_json::Value {
    match value {
        JsValue::Undefined => serde_json::json!({"$undefined": true}),
        JsValue::Null => serde_json::Value::Null,
        JsValue::Bool(b) => serde_json::Value::Bool(*b),
        JsValue::Number(n) => {
            serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, serde_json::Value::Number)
        }
        JsValue::Str(s) => serde_json::Value::String(s.clone()),
        JsValue::Object(fields) => {
            serde_json::Value::Object(fields.iter().map(|(k, v)| (k.clone(), json_of(v))).collect())
        }
    }
}

/// A JS value from JSON (the inverse of [`json_of`]).
pub fn js_of(value: &serde_json::Value) -> JsValue {
    match value {
        serde_json::Value::Null => JsValue::Null,
        serde_json::Value::Bool(b) => JsValue::Bool(*b),
        serde_json::Value::Number(n) => JsValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => JsValue::Str(s.clone()),
        serde_json::Value::Array(items) => {
            JsValue::Object(items.iter().enumerate().map(|(i, v)| (i.to_string(), js_of(v))).collect())
        }
        serde_json::Value::Object(fields) => {
            if fields.len() == 1 && fields.get("$undefined") == Some(&serde_json::Value::Bool(true)) {
                return JsValue::Undefined;
            }
            JsValue::Object(fields.iter().map(|(k, v)| (k.clone(), js_of(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_round_trip_through_their_protocol_kind() {
        for r in [
            Refusal::Expired,
            Refusal::AlreadySettled,
            Refusal::Offline,
            Refusal::AlreadyFiring,
            Refusal::NotRegistered,
            Refusal::Disabled,
            Refusal::Other,
        ] {
            assert_eq!(refusal_of(refusal_kind(r)), r);
        }
        assert_eq!(refusal_of("unknown-worker"), Refusal::Other);
    }

    #[test]
    fn js_values_round_trip_through_json() {
        let v = JsValue::Object(vec![
            ("tag".into(), JsValue::Str("a".into())),
            ("n".into(), JsValue::Number(1.5)),
            ("u".into(), JsValue::Undefined),
            ("z".into(), JsValue::Null),
            ("b".into(), JsValue::Bool(true)),
        ]);
        let back = js_of(&json_of(&v));
        let JsValue::Object(mut fields) = back else { panic!("an object") };
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let JsValue::Object(mut want) = v else { unreachable!() };
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(fields, want);
    }
}
