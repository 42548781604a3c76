//! What can go wrong in a simulation: a bad world, a bad profile, a stall,
//! or an output that cannot be written.

use crate::yaml::Pos;

/// A simulation error. World errors carry the file and position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The world file (or a YAML trace file) says something unusable.
    #[error("{file}:{pos}: {message}")]
    World {
        /// The file.
        file: String,
        /// Line and column.
        pos: Pos,
        /// What is wrong.
        message: String,
    },
    /// A CSV trace row is unusable.
    #[error("{file}:{line}: {message}")]
    TraceCsv {
        /// The file.
        file: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file cannot be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A `--profile` is neither built in nor a loadable policy file.
    #[error("--profile {name:?}: {message}")]
    Profile {
        /// The argument.
        name: String,
        /// Why it is unusable.
        message: String,
    },
    /// The engine asked to be woken at the same instant over and over.
    #[error("the simulation under {profile} stalled at {at} ms: {message}")]
    Stalled {
        /// The profile.
        profile: String,
        /// The instant, in ms since the start.
        at: u64,
        /// What repeated.
        message: String,
    },
}

impl SimError {
    /// An error at `pos` of `file`.
    pub fn at(file: &str, pos: Pos, message: impl Into<String>) -> SimError {
        SimError::World { file: file.to_string(), pos, message: message.into() }
    }

    /// An I/O error on `path`.
    pub fn io(path: &std::path::Path, err: &std::io::Error) -> SimError {
        SimError::Io { path: path.display().to_string(), message: err.to_string() }
    }
}
