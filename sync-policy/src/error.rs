//! Configuration errors.
//!
//! Every error about a key names the key as a dotted path
//! (`oneshot.max_attempts`) and, when the key is written in the document, the
//! line and column where it is written.

use std::fmt;
use std::path::Path;

/// A place in a configuration document: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text's length).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// " at line L, column C" or nothing.
struct At(Option<Position>);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(p) => write!(f, " at {p}"),
            None => Ok(()),
        }
    }
}

/// Why a policy configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read policy config {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        message: String,
    },
    /// The document is not valid TOML or JSON, or is not a table of keys.
    #[error("malformed document{}: {message}", At(*position))]
    Syntax {
        /// Where the parser stopped, when it said.
        position: Option<Position>,
        /// The parser's message.
        message: String,
    },
    /// A key that no section of the configuration has.
    #[error("unknown key `{key}`{}: {message}", At(*position))]
    UnknownKey {
        /// The dotted key as written (`oneshot.max_attempt`).
        key: String,
        /// Where the key is written.
        position: Option<Position>,
        /// What the section accepts.
        message: String,
    },
    /// A key whose value has the wrong type or cannot be read (a negative
    /// duration, an unknown profile or enum name, a number out of range).
    #[error("bad value for `{key}`{}: {message}", At(*position))]
    BadValue {
        /// The dotted key (`oneshot.initial_retry_delay`).
        key: String,
        /// Where the key is written.
        position: Option<Position>,
        /// What is wrong with the value.
        message: String,
    },
    /// A value that reads fine but that the policy cannot use (zero attempts,
    /// a zero event duration, ...).
    #[error("invalid value for `{key}`{}: {message}", At(*position))]
    Invalid {
        /// The dotted key (`oneshot.max_attempts`).
        key: String,
        /// Where the key is written; `None` when the value came from the profile.
        position: Option<Position>,
        /// What is wrong with it.
        message: String,
    },
    /// An error from a named file.
    #[error("{path}: {source}")]
    InFile {
        /// The file.
        path: String,
        /// The error.
        source: Box<ConfigError>,
    },
}

impl ConfigError {
    /// Wraps this error with the file it came from.
    pub fn in_file(self, path: &Path) -> ConfigError {
        match self {
            e @ (ConfigError::Io { .. } | ConfigError::InFile { .. }) => e,
            e => ConfigError::InFile { path: path.display().to_string(), source: Box::new(e) },
        }
    }

    /// The dotted key the error is about, if it is about one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::UnknownKey { key, .. }
            | ConfigError::BadValue { key, .. }
            | ConfigError::Invalid { key, .. } => Some(key),
            ConfigError::InFile { source, .. } => source.key(),
            ConfigError::Io { .. } | ConfigError::Syntax { .. } => None,
        }
    }

    /// Where in the document the error is, if known.
    pub fn position(&self) -> Option<Position> {
        match self {
            ConfigError::Syntax { position, .. }
            | ConfigError::UnknownKey { position, .. }
            | ConfigError::BadValue { position, .. }
            | ConfigError::Invalid { position, .. } => *position,
            ConfigError::InFile { source, .. } => source.position(),
            ConfigError::Io { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of_offset(text, 6), Position { line: 2, column: 1 });
        // 'é' is two bytes but one column.
        assert_eq!(Position::of_offset(text, 9), Position { line: 2, column: 3 });
        assert_eq!(Position::of_offset(text, 999), Position { line: 3, column: 1 });
    }
}
