//! How optional knobs are written in configuration files.
//!
//! TOML has no `null`, so an absent value is spelled with a word: `"none"`
//! for "no cap" (`tag_max_length = "none"`) and `"suspend"` for an
//! engagement level whose periodic events are suspended. JSON also accepts
//! `null` for both. Serialization writes the word, so a configuration
//! round-trips through either format.

use serde::de::value::{I64Deserializer, StrDeserializer, U64Deserializer};
use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, Visitor};
use serde::{Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// The word for "no cap" / "no limit".
pub const NONE_WORD: &str = "none";
/// The word for "suspend periodic sync at this engagement level".
pub const SUSPEND_WORD: &str = "suspend";

struct WordOr<T> {
    word: &'static str,
    value: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for WordOr<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value or \"{}\"", self.word)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v == self.word {
            return Ok(None);
        }
        T::deserialize(StrDeserializer::<E>::new(v))
            .map(Some)
            .map_err(|e| E::custom(format!("{} (or \"{}\")", e.to_string().trim_end(), self.word)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(U64Deserializer::<E>::new(v)).map(Some)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(I64Deserializer::<E>::new(v)).map(Some)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn deserialize_word<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
    word: &'static str,
) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_any(WordOr { word, value: PhantomData })
}

fn serialize_word<S: Serializer, T: Serialize>(
    value: &Option<T>,
    serializer: S,
    word: &'static str,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => v.serialize(serializer),
        None => serializer.serialize_str(word),
    }
}

/// `Option<T>` written as the value or `"none"` (serde `with` module).
pub mod none_word {
    use super::*;

    /// Writes `Some(v)` as `v` and `None` as `"none"`.
    pub fn serialize<S: Serializer, T: Serialize>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_word(value, serializer, NONE_WORD)
    }

    /// Reads a value, `"none"` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
        deserialize_word(deserializer, NONE_WORD)
    }
}

/// `Option<T>` written as the value or `"suspend"` (serde `with` module).
pub mod suspend_word {
    use super::*;

    /// Writes `Some(v)` as `v` and `None` as `"suspend"`.
    pub fn serialize<S: Serializer, T: Serialize>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_word(value, serializer, SUSPEND_WORD)
    }

    /// Reads a value, `"suspend"` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
        deserialize_word(deserializer, SUSPEND_WORD)
    }
}

/// An override: `Some` when the key is written in the document. A written
/// `null` is an error for ordinary knobs (use [`Set::none_word`] for the
/// optional ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Set<T>(pub(crate) Option<T>);

impl<T> Default for Set<T> {
    fn default() -> Self {
        Set(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Set<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|v| Set(Some(v)))
    }
}

impl<T: DeserializeOwned> Set<Option<T>> {
    /// Reads an optional knob written as a value, `"none"` or `null`.
    pub(crate) fn none_word<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_word(deserializer, NONE_WORD).map(|v| Set(Some(v)))
    }

    /// Reads an engagement multiplier written as a number, `"suspend"` or `null`.
    pub(crate) fn suspend_word<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_word(deserializer, SUSPEND_WORD).map(|v| Set(Some(v)))
    }
}
