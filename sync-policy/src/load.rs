//! Loading a [`PolicyConfig`] from TOML or JSON: a profile name plus overrides.
//!
//! ```toml
//! profile = "spec"            # or "chromium" (the default)
//!
//! [oneshot]
//! max_attempts = 5
//! initial_retry_delay = "1m"  # durations: "250ms", "30s", "5m", "12h", "1h30m", "2d"
//!
//! [periodic.engagement]
//! minimal = "suspend"
//! ```
//!
//! A key left out keeps the profile's value. Unknown keys, values of the
//! wrong type, negative durations and values the policy cannot use (zero
//! attempts, a zero event duration, ...) are errors that name the key and
//! the line and column where it is written ([`ConfigError`]).

use crate::config::PolicyConfig;
use crate::error::{ConfigError, Position};
use crate::key_spans::KeySpans;
use crate::overrides::{Document, Table};
use crate::validate::violations;
use std::path::Path;

/// The syntax of a configuration document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// JSON for a `.json` file name, TOML for anything else.
    pub fn of_path(path: &Path) -> Format {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) { Format::Json } else { Format::Toml }
    }

    fn key_spans(self, text: &str) -> KeySpans {
        match self {
            Format::Toml => KeySpans::toml(text),
            Format::Json => KeySpans::json(text),
        }
    }
}

/// Reads a document in `format`: the profile named by `profile` (default
/// `chromium`) with every written key applied, then checked.
pub fn load(text: &str, format: Format) -> Result<PolicyConfig, ConfigError> {
    let document = match format {
        Format::Toml => parse_toml(text)?,
        Format::Json => parse_json(text)?,
    };
    let profile = document.profile.0.unwrap_or_default();
    let config = document.resolve();
    if let Some(violation) = violations(&config).into_iter().next() {
        let spans = format.key_spans(text);
        let written = violation.keys.iter().find_map(|k| spans.find(k).map(|span| (*k, span.key.start)));
        return Err(match written {
            Some((key, offset)) => ConfigError::Invalid {
                key: key.to_string(),
                position: Some(Position::of_offset(text, offset)),
                message: violation.message,
            },
            None => ConfigError::Invalid {
                key: violation.keys[0].to_string(),
                position: None,
                message: format!("{} (the value comes from profile \"{profile}\")", violation.message),
            },
        });
    }
    Ok(config)
}

fn parse_toml(text: &str) -> Result<Document, ConfigError> {
    // Syntax first, so that a malformed document is reported as such.
    if let Err(e) = toml::de::DeTable::parse(text) {
        return Err(ConfigError::Syntax {
            position: e.span().map(|s| Position::of_offset(text, s.start)),
            message: e.message().to_string(),
        });
    }
    toml::from_str::<Table<Document>>(text)
        .map(|t| t.0)
        .map_err(|e| key_error(text, &KeySpans::toml(text), e.span().map(|s| s.start), e.message()))
}

fn parse_json(text: &str) -> Result<Document, ConfigError> {
    serde_json::from_str::<Table<Document>>(text).map(|t| t.0).map_err(|e| {
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let full = e.to_string();
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        // serde_json counts lines from 1 and columns in bytes; a data error points at the
        // last byte it read, a syntax error at the byte it could not read.
        let line_start = text.split_inclusive('\n').take(e.line().saturating_sub(1)).map(str::len).sum::<usize>();
        let offset = line_start + e.column();
        let well_formed = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        match e.classify() {
            serde_json::error::Category::Data => key_error(text, &KeySpans::json(text), Some(offset), message),
            // serde_json reports a value of the wrong kind for an enum ("expected value") as a
            // syntax error; in a well-formed document it is the value's fault.
            _ if well_formed => key_error(
                text,
                &KeySpans::json(text),
                Some(offset),
                &format!("this value has the wrong type (the JSON reader said: {message})"),
            ),
            _ => ConfigError::Syntax {
                position: Some(Position::of_offset(text, offset.saturating_sub(1).max(line_start))),
                message: message.to_string(),
            },
        }
    })
}

/// A parser's data error at byte `offset`, attributed to the key written there.
fn key_error(text: &str, spans: &KeySpans, offset: Option<usize>, message: &str) -> ConfigError {
    let Some(span) = offset.and_then(|o| spans.at_offset(o)) else {
        return ConfigError::Syntax {
            position: offset.map(|o| Position::of_offset(text, o)),
            message: message.to_string(),
        };
    };
    let key = span.path.clone();
    let position = Some(Position::of_offset(text, span.key.start));
    match message.strip_prefix("unknown field ") {
        // "unknown field `x`, expected one of `a`, `b`" -> "expected one of `a`, `b`".
        Some(rest) => ConfigError::UnknownKey {
            key,
            position,
            message: rest.split_once(", ").map_or(rest, |(_, expected)| expected).to_string(),
        },
        None => ConfigError::BadValue { key, position, message: message.to_string() },
    }
}

impl PolicyConfig {
    /// Reads a TOML document: `profile = "chromium" | "spec"` plus any overrides.
    pub fn from_toml_str(text: &str) -> Result<PolicyConfig, ConfigError> {
        load(text, Format::Toml)
    }

    /// Reads a JSON document: `{"profile": "spec", ...overrides}`.
    pub fn from_json_str(text: &str) -> Result<PolicyConfig, ConfigError> {
        load(text, Format::Json)
    }

    /// Reads a file, TOML or JSON by extension (`.json` is JSON, anything
    /// else TOML). Errors name the file.
    // The one file read in the policy crate: a convenience for embedders and
    // tools; decisions never read files (`.ci/engine-rules/clippy.toml`).
    #[allow(clippy::disallowed_methods)]
    pub fn from_path(path: &Path) -> Result<PolicyConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::Io { path: path.display().to_string(), message: e.to_string() })?;
        load(&text, Format::of_path(path)).map_err(|e| e.in_file(path))
    }
}
