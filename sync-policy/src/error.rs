//! Configuration errors.

use std::path::Path;

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
    /// The document is not valid TOML/JSON, or names an unknown key (the message carries line and column).
    #[error("{message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A key has a value the policy cannot use.
    #[error("invalid value for `{key}`: {message}")]
    Invalid {
        /// The dotted key (`oneshot.max_attempts`).
        key: String,
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
            e @ ConfigError::Io { .. } => e,
            e => ConfigError::InFile { path: path.display().to_string(), source: Box::new(e) },
        }
    }
}
