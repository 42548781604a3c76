//! Scalar values of the scenario vocabulary: durations, tags, origins and
//! the names of states.

use crate::vocabulary::parse_name;
use crate::yaml::{Node, NodeError, Value};
use serde::de::DeserializeOwned;
use sync_policy::parse_duration;
use sync_policy::{Engagement, FrameType, Millis, PermissionName, PermissionState, SyncKind};

/// A duration (`5m`, `12h`, `11h59m59s`, or an integer number of milliseconds).
pub(super) fn duration(node: &Node) -> Result<Millis, NodeError> {
    match &node.value {
        Value::Int(i) => u64::try_from(*i).map(Millis).map_err(|_| node.error(format!("negative duration {i}"))),
        Value::Str(s) => parse_duration(s).map_err(|e| node.error(e.to_string())),
        other => Err(node.error(format!("expected a duration such as 5m or 12h, found {}", other.kind()))),
    }
}

/// A serialized origin for an origin name: a single letter `A` is
/// `https://a.test`; anything with `://` is taken as written.
pub fn origin_url(name: &str) -> Option<String> {
    if name.contains("://") {
        return Some(name.to_string());
    }
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Some(format!("https://{}.test", c.to_ascii_lowercase())),
        _ => None,
    }
}

/// An origin name or URL.
pub(super) fn origin(node: &Node) -> Result<String, NodeError> {
    let name = node.as_str()?;
    origin_url(name).ok_or_else(|| {
        node.error(format!("unknown origin {name:?}: use a capital letter (A = https://a.test) or a full origin"))
    })
}

/// Most bytes one tag written in the tag notation may expand to.
pub const MAX_TAG_BYTES: u64 = 1 << 20;

/// The parts of the tag notation `<N × 'unit'>` (`x` may stand for `×`):
/// `None` when `text` is not written in it, an error when it is malformed.
pub(super) fn tag_notation(text: &str) -> Option<Result<(u64, &str), String>> {
    let inner = text.strip_prefix('<').and_then(|t| t.strip_suffix('>'))?;
    let (count, rest) = inner.split_once(['×', 'x'])?;
    let count = count.trim().parse::<u64>().ok()?;
    let unit = rest.trim().strip_prefix('\'').and_then(|r| r.strip_suffix('\''));
    Some(unit.map(|u| (count, u)).ok_or_else(|| format!("tag notation {text:?}: write <N × 'text'>")))
}

/// Expands the tag notation `<N × 'c'>` (N copies of the string `c`; `x`
/// may stand for `×`). Any other text is the tag itself. The size is
/// checked before anything is allocated: at most [`MAX_TAG_BYTES`].
pub fn parse_tag(text: &str) -> Result<String, String> {
    let Some(parts) = tag_notation(text) else { return Ok(text.to_string()) };
    let (count, unit) = parts?;
    check_tag_size(text, count, unit)?;
    let count = usize::try_from(count).map_err(|_| format!("tag notation {text:?}: too many copies"))?;
    Ok(unit.repeat(count))
}

/// The bytes `<count × 'unit'>` expands to, computed without expanding it;
/// an error past [`MAX_TAG_BYTES`].
pub(super) fn check_tag_size(text: &str, count: u64, unit: &str) -> Result<u64, String> {
    let bytes = count.saturating_mul(unit.len() as u64);
    if bytes > MAX_TAG_BYTES {
        return Err(format!(
            "tag notation {}: {count} copies of {} bytes make {bytes} bytes; a tag may expand to at most \
             {MAX_TAG_BYTES}",
            crate::timeline::show_tag(text),
            unit.len()
        ));
    }
    Ok(bytes)
}

/// A tag.
pub(super) fn tag(node: &Node) -> Result<String, NodeError> {
    let text = match &node.value {
        Value::Null => String::new(),
        _ => node.as_text()?,
    };
    parse_tag(&text).map_err(|e| node.error(e))
}

/// A JavaScript number as written in a scenario: a YAML number, or the
/// strings `NaN`, `Infinity`, `-Infinity`.
pub(super) fn js_number(node: &Node) -> Result<f64, NodeError> {
    match &node.value {
        // Integers beyond 2^53 round as JavaScript would round them.
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Str(s) => match s.as_str() {
            "NaN" | ".nan" => Ok(f64::NAN),
            "Infinity" | "+Infinity" | ".inf" => Ok(f64::INFINITY),
            "-Infinity" | "-.inf" => Ok(f64::NEG_INFINITY),
            other => other.parse::<f64>().map_err(|_| node.error(format!("expected a number, found {other:?}"))),
        },
        other => Err(node.error(format!("expected a number, found {}", other.kind()))),
    }
}

/// A value named as its `sync-policy` type spells it (see [`crate::vocabulary`]).
fn named<T: DeserializeOwned>(node: &Node, what: &str) -> Result<T, NodeError> {
    let text = node.as_text()?;
    parse_name(&text).map_err(|e| node.error(format!("unknown {what} {text:?}: {e}")))
}

/// A frame type (`worker` also names a worker client, `none`).
pub(super) fn frame(node: &Node) -> Result<FrameType, NodeError> {
    if node.as_text()? == "worker" {
        return Ok(FrameType::None);
    }
    named(node, "frame type")
}

/// A permission name.
pub(super) fn permission_name(node: &Node) -> Result<PermissionName, NodeError> {
    named(node, "permission")
}

/// A permission state (`unset` = never set).
pub(super) fn permission_state(node: &Node) -> Result<PermissionState, NodeError> {
    named(node, "permission state")
}

/// An engagement level.
pub(super) fn engagement(node: &Node) -> Result<Engagement, NodeError> {
    named(node, "engagement level")
}

/// An event type: its event name (`sync`, `periodicsync`) or the kind's own
/// name (`one-off`, `periodic`).
pub(super) fn kind(node: &Node) -> Result<SyncKind, NodeError> {
    let text = node.as_text()?;
    match [SyncKind::OneOff, SyncKind::Periodic].into_iter().find(|k| k.event_name() == text) {
        Some(k) => Ok(k),
        None => named(node, "event type (sync, periodicsync, or the kind)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_notation_expands() {
        assert_eq!(parse_tag("<3 × 'a'>").unwrap(), "aaa");
        assert_eq!(parse_tag("<2 x 'ab'>").unwrap(), "abab");
        assert_eq!(parse_tag("<10240 × 'a'>").unwrap().len(), 10240);
        assert_eq!(parse_tag("plain").unwrap(), "plain");
        assert_eq!(parse_tag("<b>").unwrap(), "<b>");
        assert!(parse_tag("<3 × a>").is_err());
    }

    #[test]
    fn origin_names() {
        assert_eq!(origin_url("A").as_deref(), Some("https://a.test"));
        assert_eq!(origin_url("https://x.example").as_deref(), Some("https://x.example"));
        assert_eq!(origin_url("AB"), None);
    }
}
