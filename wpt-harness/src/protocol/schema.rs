//! The checked-in JSON Schema (`protocol.schema.json`), compiled once. Every
//! line an adapter writes is checked against it before it is decoded, so a
//! schema violation is reported with the rule it broke, and the schema other
//! implementers read is the one the harness enforces.

use std::sync::OnceLock;

/// The schema's text, as checked in beside `PROTOCOL.md`.
pub const SCHEMA: &str = include_str!("../../protocol.schema.json");

/// Which side of the conversation a message comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Harness to adapter.
    Harness,
    /// Adapter to harness.
    Adapter,
}

fn validator(side: Side) -> Result<&'static jsonschema::Validator, String> {
    static HARNESS: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    static ADAPTER: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    let (cell, def) = match side {
        Side::Harness => (&HARNESS, "harness-message"),
        Side::Adapter => (&ADAPTER, "adapter-message"),
    };
    cell.get_or_init(|| {
        let mut schema: serde_json::Value =
            serde_json::from_str(SCHEMA).map_err(|e| format!("protocol.schema.json is not JSON: {e}"))?;
        // Validate against one side's definition, keeping every `$defs` entry for references.
        if let Some(root) = schema.as_object_mut() {
            root.remove("oneOf");
            root.insert("$ref".into(), serde_json::Value::String(format!("#/$defs/{def}")));
        }
        jsonschema::draft202012::new(&schema).map_err(|e| format!("protocol.schema.json does not compile: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Checks one message against its side's schema; the error names the first
/// rule it broke and where.
pub fn check(side: Side, message: &serde_json::Value) -> Result<(), String> {
    let validator = validator(side)?;
    match validator.iter_errors(message).next() {
        None => Ok(()),
        Some(error) => {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() { "the message".to_string() } else { at };
            Err(format!("{at}: {error}"))
        }
    }
}
