//! The protocol's messages. Inputs travel as [`sync_core::Input`] itself (its
//! JSON form is the protocol's `input`), so the wire has no vocabulary of its
//! own for them; the outputs are the harness's observations in a stable JSON
//! shape.

use serde::{Deserialize, Serialize};
use sync_core::{Explanation, Input, RegistrationKey};
use sync_policy::{PermissionName, PermissionState, SyncKind, Timestamp};

/// A line the harness writes to the adapter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum HarnessMessage {
    /// The first message: the protocol version the harness speaks.
    Hello {
        /// [`super::PROTOCOL_VERSION`].
        protocol: u32,
    },
    /// A fresh world for one subtest.
    Begin {
        /// The subtest's name (for the adapter's logs).
        subtest: String,
        /// The wall-clock time the subtest starts at.
        start: Timestamp,
        /// A complete `sync-policy` configuration in JSON.
        policy: serde_json::Value,
    },
    /// One input at `now`.
    Input {
        /// When it happens.
        now: Timestamp,
        /// What happens.
        input: Input,
    },
    /// When does the implementation next need to run?
    NextWakeup,
    /// Move the clock to `to`, processing every wake-up due until then in order.
    Advance {
        /// The new time.
        to: Timestamp,
    },
    /// Stop now and start again at `at` from the durable store.
    Restart {
        /// When the user agent is running again.
        at: Timestamp,
    },
    /// Put the durable store in a state: its next write or read fails, or it
    /// is healed. Answered with `ready`.
    StoreFault {
        /// Which state.
        fault: WireStoreFault,
    },
    /// Why has this registration not fired?
    Explain {
        /// The registration.
        key: RegistrationKey,
    },
    /// `navigator.permissions.query()`.
    QueryPermission {
        /// The origin.
        origin: String,
        /// The permission.
        name: PermissionName,
    },
    /// The shape of one interface of the JS binding.
    ApiSurface {
        /// The interface name (`SyncManager`, ...).
        interface: String,
    },
    /// Construct an event object with these arguments.
    ConstructEvent {
        /// The interface name (`SyncEvent`, ...).
        interface: String,
        /// The constructor's arguments, as JSON values.
        args: Vec<serde_json::Value>,
    },
    /// Does the implementation's own bookkeeping hold?
    CheckInvariants,
    /// The subtest is over; exit.
    Bye,
}

/// A state of the store (`store-fault`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireStoreFault {
    /// The next write fails.
    FailNextWrite,
    /// The next read (the load at the next start) fails.
    FailNextRead,
    /// Faults not yet hit are dropped.
    Heal,
}

impl From<crate::targets::StoreFault> for WireStoreFault {
    fn from(fault: crate::targets::StoreFault) -> WireStoreFault {
        match fault {
            crate::targets::StoreFault::FailNextWrite => WireStoreFault::FailNextWrite,
            crate::targets::StoreFault::FailNextRead => WireStoreFault::FailNextRead,
            crate::targets::StoreFault::Heal => WireStoreFault::Heal,
        }
    }
}

impl From<WireStoreFault> for crate::targets::StoreFault {
    fn from(fault: WireStoreFault) -> crate::targets::StoreFault {
        match fault {
            WireStoreFault::FailNextWrite => crate::targets::StoreFault::FailNextWrite,
            WireStoreFault::FailNextRead => crate::targets::StoreFault::FailNextRead,
            WireStoreFault::Heal => crate::targets::StoreFault::Heal,
        }
    }
}

/// Who the adapter says it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Implementation {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// What the adapter can do beyond the core inputs. Absent means `false`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Capabilities {
    /// `restart`.
    pub restart: bool,
    /// `log` observations.
    pub devtools_log: bool,
    /// `explain`.
    pub explain: bool,
    /// The `storage-failed` input.
    pub storage_faults: bool,
    /// The `dispatch-now` and `dispatch-synthetic` inputs.
    pub dispatch_now: bool,
    /// The `switch` input (the embedder turns Background Sync off and on).
    pub embedder_switch: bool,
    /// `store-fault` (the store's next write or read fails).
    pub store_state: bool,
    /// The `emulate-offline` input.
    pub offline_emulation: bool,
    /// The `power` input.
    pub power: bool,
    /// The `engagement` input.
    pub engagement: bool,
    /// `query-permission`.
    pub permission_query: bool,
    /// `api-surface` and `construct-event`.
    pub binding: bool,
    /// `check-invariants`.
    pub invariants: bool,
}

impl Capabilities {
    /// Every capability (what the reference adapter has).
    pub fn all() -> Capabilities {
        Capabilities {
            restart: true,
            devtools_log: true,
            explain: true,
            storage_faults: true,
            dispatch_now: true,
            embedder_switch: true,
            store_state: true,
            offline_emulation: true,
            power: true,
            engagement: true,
            permission_query: true,
            binding: true,
            invariants: true,
        }
    }

    /// The capability an input needs, by its protocol name, if it needs one.
    pub fn required_for(input: &Input) -> Option<&'static str> {
        match input {
            Input::StorageFailed { .. } | Input::StorageWiped {} => Some("storage-faults"),
            Input::DispatchNow(_) | Input::DispatchSynthetic { .. } => Some("dispatch-now"),
            Input::Switch { .. } => Some("embedder-switch"),
            Input::EmulateOffline { .. } => Some("offline-emulation"),
            Input::Power(_) => Some("power"),
            Input::Engagement { .. } => Some("engagement"),
            _ => None,
        }
    }

    /// Whether the adapter has the named capability.
    pub fn has(&self, name: &str) -> bool {
        match name {
            "restart" => self.restart,
            "devtools-log" => self.devtools_log,
            "explain" => self.explain,
            "storage-faults" => self.storage_faults,
            "dispatch-now" => self.dispatch_now,
            "embedder-switch" => self.embedder_switch,
            "store-state" => self.store_state,
            "offline-emulation" => self.offline_emulation,
            "power" => self.power,
            "engagement" => self.engagement,
            "permission-query" => self.permission_query,
            "binding" => self.binding,
            "invariants" => self.invariants,
            _ => false,
        }
    }
}

/// How a page call's promise settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireReply {
    /// Resolved with `undefined`.
    Resolved,
    /// Resolved with these tags.
    Tags(Vec<String>),
    /// Rejected with a DOMException (or `TypeError`).
    Rejected {
        /// Its name.
        name: String,
        /// Its message.
        message: String,
    },
}

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRefusal {
    /// One of the kinds in `PROTOCOL.md` (`unknown-worker`, `offline`, ...).
    pub kind: String,
    /// A message for people.
    pub message: String,
}

/// Something the implementation did on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireObservation {
    /// An event was fired at a service worker.
    Dispatch {
        /// Its id, for `event-finished`.
        event: u64,
        /// The service worker registration.
        sw: u64,
        /// `sync` (`one-off`) or `periodicsync` (`periodic`).
        kind: SyncKind,
        /// `event.tag`.
        tag: String,
        /// `event.lastChance` for `sync`; `null` for `periodicsync`.
        last_chance: Option<bool>,
        /// When.
        at: Timestamp,
        /// When it counts as timed out if it has not settled, if the adapter says.
        deadline: Option<Timestamp>,
    },
    /// A DevTools "Background Services" record.
    Log {
        /// When.
        at: Timestamp,
        /// The service worker registration.
        sw: u64,
        /// Which service.
        kind: SyncKind,
        /// Chromium's event name.
        name: String,
        /// The tag.
        tag: String,
        /// Metadata pairs.
        metadata: Vec<(String, String)>,
    },
}

/// The shape of one interface of the JS binding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireShape {
    /// Global scopes it is exposed in.
    pub exposed: Vec<String>,
    /// Operations with their `length`.
    pub ops: Vec<(String, u32)>,
    /// Attributes.
    pub attrs: Vec<String>,
}

/// What an event constructor did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Constructed {
    /// The event's attributes, as name/value pairs.
    Ok(Vec<(String, serde_json::Value)>),
    /// The constructor threw this error name.
    Thrown(String),
}

/// A line the adapter writes to the harness.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum AdapterMessage {
    /// The answer to `hello`.
    Hello {
        /// The version the adapter speaks.
        protocol: u32,
        /// Who it is.
        implementation: Implementation,
        /// What it can do.
        #[serde(default)]
        capabilities: Capabilities,
    },
    /// The answer to `begin`.
    Ready,
    /// The answer to `input`.
    Result {
        /// Why the input was refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<WireRefusal>,
        /// For a page call: how its promise settled.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply: Option<WireReply>,
        /// What the input caused, in order.
        observations: Vec<WireObservation>,
    },
    /// The answer to `next-wakeup`.
    Wakeup {
        /// When, if ever.
        at: Option<Timestamp>,
    },
    /// The answer to `advance`.
    Advanced {
        /// What happened on the way, in time order.
        observations: Vec<WireObservation>,
    },
    /// The answer to `restart`.
    Restarted {
        /// What happened when it started again.
        observations: Vec<WireObservation>,
    },
    /// The answer to `explain`.
    Explanation {
        /// Why the registration has not fired.
        explanation: Explanation,
    },
    /// The answer to `query-permission`.
    Permission {
        /// The state the page would read.
        state: PermissionState,
    },
    /// The answer to `check-invariants`.
    Invariants {
        /// The invariants that do not hold (empty when all do).
        violations: Vec<String>,
    },
    /// The answer to `api-surface`.
    ApiSurface {
        /// The interface's shape.
        shape: WireShape,
    },
    /// The answer to `construct-event`.
    Constructed {
        /// What the constructor did.
        result: Constructed,
    },
    /// The adapter does not support the message it got.
    Unsupported {
        /// Why.
        message: String,
    },
}

impl AdapterMessage {
    /// The message's `op`, for error reports.
    pub fn op(&self) -> &'static str {
        match self {
            AdapterMessage::Hello { .. } => "hello",
            AdapterMessage::Ready => "ready",
            AdapterMessage::Result { .. } => "result",
            AdapterMessage::Wakeup { .. } => "wakeup",
            AdapterMessage::Advanced { .. } => "advanced",
            AdapterMessage::Restarted { .. } => "restarted",
            AdapterMessage::Explanation { .. } => "explanation",
            AdapterMessage::Permission { .. } => "permission",
            AdapterMessage::Invariants { .. } => "invariants",
            AdapterMessage::ApiSurface { .. } => "api-surface",
            AdapterMessage::Constructed { .. } => "constructed",
            AdapterMessage::Unsupported { .. } => "unsupported",
        }
    }
}
