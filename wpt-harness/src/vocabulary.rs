//! The names of `sync-policy` values as that crate spells them.
//!
//! Permission states and names, engagement levels, frame types, blockers and
//! wait reasons carry their names in `sync-policy` (`#[serde(rename_all =
//! "kebab-case")]`). The harness reads and writes them through those serde
//! names instead of keeping tables of its own, so a renamed or added variant
//! reaches scenarios, messages and reports without an edit here. Event names
//! come from `SyncKind::event_name()`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::de::value::{Error as ValueError, StrDeserializer};

/// The name `value` serializes as (`granted`, `battery-saver`, `back-off`, ...).
pub fn name_of<T: Serialize + std::fmt::Debug>(value: T) -> String {
    match serde_json::to_value(&value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{value:?}"),
    }
}

/// The value named `text`; the error lists the names the type accepts.
pub fn parse_name<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    T::deserialize(StrDeserializer::<ValueError>::new(text)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_policy::{Blocker, FrameType, PermissionState, WaitReason};

    #[test]
    fn names_round_trip_through_the_owning_types() {
        assert_eq!(name_of(PermissionState::Granted), "granted");
        assert_eq!(name_of(Blocker::BatterySaver), "battery-saver");
        assert_eq!(name_of(WaitReason::AcrossOriginsRound), "across-origins-round");
        assert_eq!(parse_name::<FrameType>("top-level"), Ok(FrameType::TopLevel));
        assert_eq!(parse_name::<Blocker>("worker-offline"), Ok(Blocker::WorkerOffline));
        let err = parse_name::<PermissionState>("grnted").unwrap_err();
        assert!(err.contains("grnted") && err.contains("`prompt`"), "{err}");
    }
}
