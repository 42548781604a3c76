//! The facts a policy decides on: which API, which client, which permission,
//! and the device environment (network, power, engagement).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which of the two APIs a registration or call belongs to. The two have
/// separate tag namespaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyncKind {
    /// Web Background Synchronization (`sync` event, `SyncManager`).
    OneOff,
    /// Web Periodic Background Synchronization (`periodicsync` event, `PeriodicSyncManager`).
    Periodic,
}

impl SyncKind {
    /// The event name dispatched for this kind (`sync` or `periodicsync`).
    pub fn event_name(self) -> &'static str {
        match self {
            SyncKind::OneOff => "sync",
            SyncKind::Periodic => "periodicsync",
        }
    }
}

impl fmt::Display for SyncKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.event_name())
    }
}

/// A service worker client's frame type (Service Workers spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FrameType {
    /// A top-level browsing context (a tab or window).
    TopLevel,
    /// An auxiliary browsing context (a popup opened by script).
    Auxiliary,
    /// A nested browsing context (an iframe).
    Nested,
    /// Not a window (a worker client).
    None,
}

impl FrameType {
    /// All frame types, in declaration order.
    pub const ALL: [FrameType; 4] = [FrameType::TopLevel, FrameType::Auxiliary, FrameType::Nested, FrameType::None];

    /// A dense index (0..4) for per-frame-type counters.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A permission name this component reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionName {
    /// `"background-sync"` (one-off sync).
    BackgroundSync,
    /// `"periodic-background-sync"`.
    PeriodicBackgroundSync,
    /// `"notifications"`: only changes the one-off attempt cap in Chromium.
    Notifications,
}

impl PermissionName {
    /// All permission names, in declaration order.
    pub const ALL: [PermissionName; 3] =
        [PermissionName::BackgroundSync, PermissionName::PeriodicBackgroundSync, PermissionName::Notifications];

    /// The permission that gates `kind`.
    pub fn for_kind(kind: SyncKind) -> PermissionName {
        match kind {
            SyncKind::OneOff => PermissionName::BackgroundSync,
            SyncKind::Periodic => PermissionName::PeriodicBackgroundSync,
        }
    }

    /// A dense index (0..3) for per-permission arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A permission state (Permissions spec), plus `Unset` for "never set".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionState {
    /// The user or UA granted it.
    Granted,
    /// The user or UA denied it.
    Denied,
    /// The UA would ask.
    Prompt,
    /// No state was ever set; the policy maps it with `default_permission`.
    #[default]
    Unset,
}

/// The device's network, as the embedder reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NetworkState {
    /// The UA has a network connection (Chromium: connection type is not NONE).
    pub online: bool,
    /// The connection is metered (cellular, or a user-marked metered Wi-Fi).
    pub metered: bool,
}

impl Default for NetworkState {
    fn default() -> Self {
        NetworkState { online: true, metered: false }
    }
}

/// The device's power state, as the embedder reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PowerState {
    /// The OS battery saver / low power mode is on.
    pub battery_saver: bool,
    /// The device is plugged in.
    pub charging: bool,
    /// Battery level 0..=100, if known.
    pub battery_percent: Option<u8>,
}

impl Default for PowerState {
    fn default() -> Self {
        PowerState { battery_saver: false, charging: true, battery_percent: None }
    }
}

/// Site engagement level of an origin (Chromium's `SiteEngagementService` levels).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engagement {
    /// No engagement at all (score 0): periodic sync is suspended.
    None,
    /// Minimal engagement.
    Minimal,
    /// Low engagement.
    Low,
    /// Medium engagement.
    Medium,
    /// High engagement.
    #[default]
    High,
    /// Maximal engagement.
    Max,
}

/// The environment a fire decision sees: device-wide facts plus the facts
/// about the registration's origin and worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    /// The device network.
    pub network: NetworkState,
    /// The device power state.
    pub power: PowerState,
}
