//! Redaction of browsing history in `tracing` output.
//!
//! Origins and tags reveal which sites a user visited. The engine's `tracing`
//! output shows them as a short keyed hash by default, so one run's lines can
//! still be correlated without disclosing the values; embedders opt in to full
//! values explicitly (for local debugging). The DevTools-style [`crate::LogRecord`]s
//! handed to the embedder keep full values: showing them is their purpose.

use std::fmt;
use std::hash::{Hash, Hasher};

/// How origins and tags appear in `tracing` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogPrivacy {
    /// A 12-hex-digit hash keyed with this secret. Use a random per-profile key:
    /// with a guessable key, common origins could be recognised by their hash.
    Redacted {
        /// The secret key.
        key: u64,
    },
    /// Full values (explicit opt-in, for local debugging).
    Full,
}

impl LogPrivacy {
    /// Wraps a value for display under this setting.
    pub fn show<'a>(&self, value: &'a str) -> Shown<'a> {
        Shown { value, privacy: *self }
    }
}

/// A value displayed under a [`LogPrivacy`] setting.
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a> {
    value: &'a str,
    privacy: LogPrivacy,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.privacy {
            LogPrivacy::Full => f.write_str(self.value),
            LogPrivacy::Redacted { key } => {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                key.hash(&mut h);
                self.value.hash(&mut h);
                write!(f, "h:{:012x}", h.finish() & 0xffff_ffff_ffff)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_the_value_and_depends_on_the_key() {
        let a = LogPrivacy::Redacted { key: 1 }.show("https://secret.test").to_string();
        let b = LogPrivacy::Redacted { key: 2 }.show("https://secret.test").to_string();
        assert!(!a.contains("secret"));
        assert!(a.starts_with("h:") && a.len() == 14);
        assert_ne!(a, b);
        assert_eq!(a, LogPrivacy::Redacted { key: 1 }.show("https://secret.test").to_string());
        assert_eq!(LogPrivacy::Full.show("https://secret.test").to_string(), "https://secret.test");
    }
}
