//! Redaction of browsing history in `tracing` output. See [`LogPrivacy`].

use siphasher::sip::SipHasher24;
use std::fmt;
use std::hash::Hasher;

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
    /// IO, so only with the `os-random` feature (which `tokio` turns on): the
    /// engine itself never calls it.
    ///
    /// Should that source fail (it practically never does once the OS has
    /// booted), the key comes from std's `RandomState`, whose hidden
    /// SipHash keys are themselves drawn from OS randomness once per thread;
    /// a warning is logged.
    #[cfg(feature = "os-random")]
    pub fn random() -> RedactionKey {
        use std::hash::BuildHasher;
        let mut bytes = [0u8; 16];
        if let Err(error) = getrandom::fill(&mut bytes) {
            tracing::warn!(%error, "OS randomness unavailable; the log redaction key comes from RandomState");
            let state = std::collections::hash_map::RandomState::new();
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
///
/// Origins and tags reveal which sites a user visited. The engine's `tracing`
/// output never shows them unless the embedder opts in to full values
/// explicitly (for local debugging). The DevTools-style [`LogRecord`]s handed
/// to the embedder keep full values: showing them is their purpose.
///
/// # Hidden, the engine's default
///
/// The engine is sans-IO, so it does not read the OS's random source to make
/// itself a key: an [`Engine`] starts with [`LogPrivacy::Hidden`], which shows
/// every origin and tag as the same `h:hidden`. Nothing about the value is
/// shown, so there is nothing to recompute, but lines about the same origin
/// cannot be told apart either.
///
/// # Redacted: a keyed hash
///
/// [`LogPrivacy::Redacted`] shows a value as SipHash-2-4 (the `siphasher`
/// crate) keyed with a 128-bit [`RedactionKey`], over the value's UTF-8
/// bytes, cut to 48 bits: `h:` and 12 hex digits, so one run's lines about an
/// origin can be correlated without disclosing it. SipHash-2-4 with an explicit
/// key is a fixed algorithm, so a given key and value give the same text on
/// every Rust release and platform (std's `DefaultHasher` promises neither).
///
/// The key comes from the layer that does IO: the tokio driver gives each
/// engine it restores a fresh key from the OS's random source
/// (`RedactionKey::random`, feature `os-random`, which `tokio` turns on), so nobody who reads the logs can
/// recompute a hash for a guessed origin: hashes correlate lines of one run
/// and nothing else. An embedder that wants ids stable across runs (to join
/// logs of several sessions) supplies its own secret key per profile with
/// [`LogPrivacy::Redacted`] and [`Engine::set_log_privacy`]; it must keep that
/// key as secret as the history it hides.
///
/// [`Engine`]: crate::Engine
/// [`Engine::set_log_privacy`]: crate::Engine::set_log_privacy
/// [`LogRecord`]: crate::LogRecord
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogPrivacy {
    /// Every value shown as `h:hidden` (the engine's default).
    #[default]
    Hidden,
    /// `h:` and 12 hex digits of SipHash-2-4 keyed with this secret (see the
    /// [type docs](LogPrivacy)).
    Redacted {
        /// The secret key.
        key: RedactionKey,
    },
    /// Full values (explicit opt-in, for local debugging).
    Full,
}

/// How a hidden value is shown.
const HIDDEN: &str = "h:hidden";

impl LogPrivacy {
    /// Redacted with a fresh key from the OS's random source: what the tokio
    /// driver gives every engine it restores (feature `os-random`).
    #[cfg(feature = "os-random")]
    pub fn random() -> LogPrivacy {
        LogPrivacy::Redacted { key: RedactionKey::random() }
    }

    /// Wraps a value for display under this setting.
    pub fn show<'a>(&self, value: &'a str) -> impl fmt::Display + 'a {
        Shown { value, privacy: *self }
    }
}

/// A value displayed under a [`LogPrivacy`] setting.
#[derive(Clone, Copy, Debug)]
struct Shown<'a> {
    value: &'a str,
    privacy: LogPrivacy,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.privacy {
            LogPrivacy::Hidden => f.write_str(HIDDEN),
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
    fn hidden_shows_nothing_of_the_value() {
        assert_eq!(LogPrivacy::default(), LogPrivacy::Hidden);
        assert_eq!(LogPrivacy::Hidden.show("https://secret.test").to_string(), HIDDEN);
        assert_eq!(LogPrivacy::Hidden.show("https://other.test").to_string(), HIDDEN);
    }

    #[test]
    fn the_key_is_never_printed() {
        let key = RedactionKey::from_bytes([0xab; 16]);
        assert_eq!(format!("{:?}", LogPrivacy::Redacted { key }), "Redacted { key: RedactionKey(..) }");
    }
}
