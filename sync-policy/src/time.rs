//! Time as integer milliseconds.
//!
//! All scheduling is done on wall-clock milliseconds since the Unix epoch
//! ([`Timestamp`]) and integer millisecond spans ([`Millis`]), with
//! saturating arithmetic: no floats, no overflow, no clock reads.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A wall-clock instant: milliseconds since the Unix epoch.
///
/// Wall-clock (not monotonic) time is used so that delays survive a restart
/// of the embedding browser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub u64);

/// A span of time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Timestamp {
    /// The latest representable instant; used as "never".
    pub const MAX: Timestamp = Timestamp(u64::MAX);

    /// `self + span`, saturating at [`Timestamp::MAX`].
    pub fn saturating_add(self, span: Millis) -> Timestamp {
        Timestamp(self.0.saturating_add(span.0))
    }

    /// The span from `earlier` to `self`, or zero when `earlier` is later.
    pub fn saturating_since(self, earlier: Timestamp) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}

impl Millis {
    /// Zero milliseconds.
    pub const ZERO: Millis = Millis(0);
    /// The longest representable span; used as "infinite".
    pub const MAX: Millis = Millis(u64::MAX);

    /// A span of `s` seconds (saturating).
    pub const fn from_secs(s: u64) -> Millis {
        Millis(s.saturating_mul(1000))
    }

    /// A span of `m` minutes (saturating).
    pub const fn from_mins(m: u64) -> Millis {
        Millis(m.saturating_mul(60_000))
    }

    /// A span of `h` hours (saturating).
    pub const fn from_hours(h: u64) -> Millis {
        Millis(h.saturating_mul(3_600_000))
    }

    /// `self * factor`, saturating.
    pub const fn saturating_mul(self, factor: u64) -> Millis {
        Millis(self.0.saturating_mul(factor))
    }

    /// `self + other`, saturating.
    pub const fn saturating_add(self, other: Millis) -> Millis {
        Millis(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Millis {
    /// Formats as the largest whole unit up to hours that divides the span
    /// (`5m`, `12h`, `36h`, `1500ms`); days are read but not written, since
    /// intervals read best in hours.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 3] = [(3_600_000, "h"), (60_000, "m"), (1000, "s")];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        for (size, unit) in UNITS {
            if self.0.is_multiple_of(size) {
                return write!(f, "{}{unit}", self.0 / size);
            }
        }
        write!(f, "{}ms", self.0)
    }
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationParseError {
    /// The string was empty.
    #[error("empty duration")]
    Empty,
    /// The string had a leading minus sign.
    #[error("negative duration {0:?}: durations must be zero or more")]
    Negative(String),
    /// A number was missing, malformed or too large.
    #[error("bad number in duration {0:?}")]
    BadNumber(String),
    /// The unit was not one of `ms`, `s`, `m`, `h`, `d`.
    #[error("unknown unit in duration {0:?}: use ms, s, m, h or d")]
    BadUnit(String),
}

/// Parses a human-readable duration: one or more `<integer><unit>` parts with
/// units `ms`, `s`, `m`, `h`, `d` (for example `"5m"`, `"12h"`, `"1h30m"`,
/// `"250ms"`). A bare integer is read as milliseconds.
pub fn parse_duration(text: &str) -> Result<Millis, DurationParseError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DurationParseError::Empty);
    }
    if s.starts_with('-') {
        return Err(DurationParseError::Negative(text.to_string()));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<u64>().map(Millis).map_err(|_| DurationParseError::BadNumber(text.to_string()));
    }
    let mut total = Millis::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err(DurationParseError::BadNumber(text.to_string()));
        }
        let value: u64 = rest[..digits].parse().map_err(|_| DurationParseError::BadNumber(text.to_string()))?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(DurationParseError::BadUnit(text.to_string())),
        };
        let part = value.checked_mul(scale).ok_or_else(|| DurationParseError::BadNumber(text.to_string()))?;
        total = Millis(total.0.checked_add(part).ok_or_else(|| DurationParseError::BadNumber(text.to_string()))?);
    }
    Ok(total)
}

impl Serialize for Millis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Millis;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"5m\", \"12h\", \"250ms\" or an integer number of milliseconds")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Millis, E> {
                Ok(Millis(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Millis, E> {
                u64::try_from(v)
                    .map(Millis)
                    .map_err(|_| E::custom(format!("negative duration {v}: durations must be zero or more")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Millis, E> {
                parse_duration(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_human_durations() {
        assert_eq!(parse_duration("5m"), Ok(Millis::from_mins(5)));
        assert_eq!(parse_duration("12h"), Ok(Millis::from_hours(12)));
        assert_eq!(parse_duration("1h30m"), Ok(Millis(5_400_000)));
        assert_eq!(parse_duration("250ms"), Ok(Millis(250)));
        assert_eq!(parse_duration("1500"), Ok(Millis(1500)));
        assert_eq!(parse_duration("2d"), Ok(Millis(172_800_000)));
    }

    #[test]
    fn rejects_bad_durations() {
        assert!(matches!(parse_duration("-5m"), Err(DurationParseError::Negative(_))));
        assert!(matches!(parse_duration("5y"), Err(DurationParseError::BadUnit(_))));
        assert!(matches!(parse_duration("m"), Err(DurationParseError::BadNumber(_))));
        assert_eq!(parse_duration(""), Err(DurationParseError::Empty));
        assert!(matches!(parse_duration("99999999999999999999d"), Err(DurationParseError::BadNumber(_))));
    }

    #[test]
    fn display_round_trips() {
        for ms in [0, 1, 999, 1000, 60_000, 300_000, 3_600_000, 43_200_000, 86_400_000, 5_400_000] {
            let m = Millis(ms);
            assert_eq!(parse_duration(&m.to_string()), Ok(m), "{m}");
        }
    }

    #[test]
    fn saturating_time_math() {
        assert_eq!(Timestamp(u64::MAX - 1).saturating_add(Millis(5)), Timestamp::MAX);
        assert_eq!(Timestamp(5).saturating_since(Timestamp(9)), Millis::ZERO);
        assert_eq!(Millis::from_hours(u64::MAX), Millis::MAX);
    }
}
