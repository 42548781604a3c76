//! A YAML document as a tree of nodes that each remember their line and
//! column, so a scenario that parses as YAML but says something the harness
//! cannot use is reported at the exact place.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Where a node starts in its file (1-based; 0 when unknown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1.
    pub column: u64,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One YAML node with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub pos: Pos,
}

/// The value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A float (`1500.9`, `.nan`, `.inf`).
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short name of the value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Why a node does not say what was expected, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct NodeError {
    /// Where.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

impl NodeError {
    /// An error at `pos`.
    pub fn at(pos: Pos, message: impl Into<String>) -> NodeError {
        NodeError { pos, message: message.into() }
    }
}

impl Node {
    /// An error located at this node.
    pub fn error(&self, message: impl Into<String>) -> NodeError {
        NodeError::at(self.pos, message)
    }

    /// The node as a string scalar.
    pub fn as_str(&self) -> Result<&str, NodeError> {
        match &self.value {
            Value::Str(s) => Ok(s),
            other => Err(self.error(format!("expected a string, found {}", other.kind()))),
        }
    }

    /// The node as a string; integers and booleans are written out as JavaScript would.
    pub fn as_text(&self) -> Result<String, NodeError> {
        match &self.value {
            Value::Str(s) => Ok(s.clone()),
            Value::Int(i) => Ok(i.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.error(format!("expected a string, found {}", other.kind()))),
        }
    }

    /// The node as a boolean (`true`/`false`, or `on`/`off`, `yes`/`no`).
    pub fn as_bool(&self) -> Result<bool, NodeError> {
        match &self.value {
            Value::Bool(b) => Ok(*b),
            Value::Str(s) if matches!(s.as_str(), "on" | "yes") => Ok(true),
            Value::Str(s) if matches!(s.as_str(), "off" | "no") => Ok(false),
            other => Err(self.error(format!("expected true/false or on/off, found {}", other.kind()))),
        }
    }

    /// The node as a non-negative integer.
    pub fn as_u64(&self) -> Result<u64, NodeError> {
        match &self.value {
            Value::Int(i) => u64::try_from(*i).map_err(|_| self.error(format!("expected a number >= 0, found {i}"))),
            other => Err(self.error(format!("expected an integer, found {}", other.kind()))),
        }
    }

    /// The node as a list.
    pub fn as_seq(&self) -> Result<&[Node], NodeError> {
        match &self.value {
            Value::Seq(items) => Ok(items),
            other => Err(self.error(format!("expected a list, found {}", other.kind()))),
        }
    }

    /// The node as a mapping with string keys.
    pub fn as_map(&self) -> Result<Map<'_>, NodeError> {
        match &self.value {
            Value::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    out.push((k.as_text()?, k.pos, v));
                }
                Ok(Map { pos: self.pos, entries: out })
            }
            Value::Null => Ok(Map { pos: self.pos, entries: Vec::new() }),
            other => Err(self.error(format!("expected a mapping, found {}", other.kind()))),
        }
    }
}

/// A mapping with string keys, read field by field.
#[derive(Debug)]
pub struct Map<'a> {
    /// Where the mapping starts.
    pub pos: Pos,
    /// Key, key position, value.
    pub entries: Vec<(String, Pos, &'a Node)>,
}

impl<'a> Map<'a> {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| *v)
    }

    /// The value of `key`, or an error naming it.
    pub fn require(&self, key: &str) -> Result<&'a Node, NodeError> {
        self.get(key).ok_or_else(|| NodeError::at(self.pos, format!("missing required key `{key}`")))
    }

    /// Rejects keys other than `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), NodeError> {
        for (k, pos, _) in &self.entries {
            if !allowed.contains(&k.as_str()) {
                return Err(NodeError::at(
                    *pos,
                    format!(
                        "unknown key `{k}`{} (expected one of: {})",
                        crate::scenario::suggest::did_you_mean(k, allowed.iter().copied()),
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Parses a YAML document into a [`Node`] tree. The error text carries the
/// parser's line and column.
pub fn parse(text: &str) -> Result<Node, NodeError> {
    match serde_saphyr::from_str::<Node>(text) {
        Ok(node) => Ok(node),
        Err(e) => {
            let pos = e.location().map(|l| Pos { line: l.line(), column: l.column() }).unwrap_or_default();
            let message = e.to_string();
            // Keep the first line of the parser's text, without the position it repeats.
            let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("invalid YAML").trim();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let first = match first.split_once(": ") {
                Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
                _ => first,
            };
            Err(NodeError::at(pos, first.to_string()))
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        let pos = Pos { line: spanned.referenced.line(), column: spanned.referenced.column() };
        Ok(Node { value: spanned.value, pos })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i128::try_from(v).map(Value::Int).map_err(|_| E::custom("integer too large"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_carry_positions() {
        let doc = parse("a: 1\nsteps:\n  - sync.register: {reg: R1, tag: x}\n    expect: resolve\n").unwrap();
        let map = doc.as_map().unwrap();
        let steps = map.require("steps").unwrap().as_seq().unwrap();
        assert_eq!(steps[0].pos.line, 3);
        let step = steps[0].as_map().unwrap();
        let expect = step.require("expect").unwrap();
        assert_eq!(expect.pos, Pos { line: 4, column: 13 });
        assert_eq!(map.require("a").unwrap().value, Value::Int(1));
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1, "{err:?}");
    }
}
