//! Redaction of browsing history in `tracing` output.
//!
//! Origins and tags reveal which sites a user visited. The engine's `tracing`
//! output shows them as a short keyed hash by default, so one run's lines can
//! still be correlated without disclosing the values; embedders opt in to full
//! values explicitly (for local debugging). The DevTools-style [`crate::LogRecord`]s
//! handed to the embedder keep full values: showing them is their purpose.
//!
//! # The key
//!
//! The hash is SipHash-2-4 (the `siphasher` crate) keyed with a 128-bit
//! [`RedactionKey`], over the value's UTF-8 bytes, cut to 48 bits:
//! `h:` and 12 hex digits. SipHash-2-4 with an explicit key is a fixed
//! algorithm, so a given key and value give the same text on every Rust
//! release and platform (std's `DefaultHasher` promises neither).
//!
//! Each engine starts with a fresh key from the OS's random source
//! ([`RedactionKey::random`]), so nobody who reads the logs can recompute a
//! hash for a guessed origin: hashes correlate lines of one engine's run and
//! nothing else. An embedder that wants ids stable across runs (to join logs
//! of several sessions) supplies its own secret key per profile with
//! [`LogPrivacy::Redacted`] and `Engine::set_log_privacy`; it must keep that
//! key as secret as the history it hides.

use siphasher::sip::SipHasher24;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};

/// A 128-bit secret key for redacted log values.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RedactionKey([u8; 16]);

impl RedactionKey {
    /// A key the embedder chose (keep it secret: anyone who has it can test
    /// guessed origins against the logs).
    pub const fn from_bytes(bytes: [u8; 16]) -> RedactionKey {
        RedactionKey(bytes)
    }

    /// A fresh key from the operating system's random source (`getrandom`).
    ///
    /// Should that source fail (it practically never does once the OS has
    /// booted), the key comes from std's `RandomState`, whose hidden
    /// SipHash keys are themselves drawn from OS randomness once per thread;
    /// a warning is logged.
    pub fn random() -> RedactionKey {
        let mut bytes = [0u8; 16];
        if let Err(error) = getrandom::fill(&mut bytes) {
            tracing::warn!(%error, "OS randomness unavailable; the log redaction key comes from RandomState");
            let state = RandomState::new();
            bytes[..8].copy_from_slice(&state.hash_one(0u8).to_le_bytes());
            bytes[8..].copy_from_slice(&state.hash_one(1u8).to_le_bytes());
        }
        RedactionKey(bytes)
    }
}

impl fmt::Debug for RedactionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A secret: never printed.
        f.write_str("RedactionKey(..)")
    }
}

/// How origins and tags appear in `tracing` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogPrivacy {
    /// `h:` and 12 hex digits of SipHash-2-4 keyed with this secret (see the
    /// [module docs](self)).
    Redacted {
        /// The secret key.
        key: RedactionKey,
    },
    /// Full values (explicit opt-in, for local debugging).
    Full,
}

impl LogPrivacy {
    /// Redacted with a fresh random key: the default of every engine.
    pub fn random() -> LogPrivacy {
        LogPrivacy::Redacted { key: RedactionKey::random() }
    }

    /// Wraps a value for display under this setting.
    pub fn show<'a>(&self, value: &'a str) -> Shown<'a> {
        Shown { value, privacy: *self }
    }
}

impl Default for LogPrivacy {
    fn default() -> Self {
        LogPrivacy::random()
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
                let mut h = SipHasher24::new_with_key(&key.0);
                h.write(self.value.as_bytes());
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
        let one = LogPrivacy::Redacted { key: RedactionKey::from_bytes([1; 16]) };
        let two = LogPrivacy::Redacted { key: RedactionKey::from_bytes([2; 16]) };
        let a = one.show("https://secret.test").to_string();
        assert!(!a.contains("secret"));
        assert!(a.starts_with("h:") && a.len() == 14);
        assert_ne!(a, two.show("https://secret.test").to_string());
        assert_eq!(a, one.show("https://secret.test").to_string());
        assert_eq!(LogPrivacy::Full.show("https://secret.test").to_string(), "https://secret.test");
    }

    #[test]
    fn the_key_is_never_printed() {
        let key = RedactionKey::from_bytes([0xab; 16]);
        assert_eq!(format!("{:?}", LogPrivacy::Redacted { key }), "Redacted { key: RedactionKey(..) }");
    }
}
