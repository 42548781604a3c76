//! Loading a [`PolicyConfig`] from TOML or JSON: a profile name plus overrides.

use crate::config::{PolicyConfig, Profile};
use crate::error::ConfigError;
use std::path::Path;

/// Merges `overrides` into `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut serde_json::Value, overrides: serde_json::Value) {
    match (base, overrides) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn from_value(doc: serde_json::Value) -> Result<PolicyConfig, ConfigError> {
    let profile = match doc.get("profile") {
        None => Profile::default(),
        Some(serde_json::Value::String(name)) => {
            name.parse::<Profile>().map_err(|message| ConfigError::Invalid { key: "profile".into(), message })?
        }
        Some(other) => {
            return Err(ConfigError::Invalid {
                key: "profile".into(),
                message: format!("expected a string, found {other}"),
            });
        }
    };
    let mut base = serde_json::to_value(PolicyConfig::for_profile(profile))
        .map_err(|e| ConfigError::Invalid { key: String::new(), message: e.to_string() })?;
    merge(&mut base, doc);
    let config: PolicyConfig = serde_json::from_value(base)
        .map_err(|e| ConfigError::Invalid { key: String::new(), message: e.to_string() })?;
    crate::validate::validate(&config)?;
    Ok(config)
}

impl PolicyConfig {
    /// Reads a TOML document: `profile = "chromium" | "spec"` plus any overrides.
    pub fn from_toml_str(text: &str) -> Result<PolicyConfig, ConfigError> {
        let doc: serde_json::Value =
            toml::from_str(text).map_err(|e| ConfigError::Syntax { message: e.to_string() })?;
        from_value(doc)
    }

    /// Reads a JSON document: `{"profile": "spec", ...overrides}`.
    pub fn from_json_str(text: &str) -> Result<PolicyConfig, ConfigError> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ConfigError::Syntax { message: e.to_string() })?;
        from_value(doc)
    }

    /// Reads a file, TOML or JSON by extension (`.json` is JSON, anything else TOML).
    pub fn from_path(path: &Path) -> Result<PolicyConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::Io { path: path.display().to_string(), message: e.to_string() })?;
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            PolicyConfig::from_json_str(&text)
        } else {
            PolicyConfig::from_toml_str(&text)
        };
        parsed.map_err(|e| e.in_file(path))
    }
}
