//! The `#[repr(C)]` types of the ABI: byte views, the input struct, and the
//! small output structs. The action struct lives in `action.rs`.
//!
//! Input structs carry their enum fields as `uint32_t` and their flags as
//! `uint8_t`, so any bit pattern C writes is a valid Rust value; the
//! conversion rejects unknown values with `BGSYNC_RESULT_INVALID_ARGUMENT`.

#![forbid(unsafe_code)]
#![allow(non_camel_case_types)]

/// Borrowed UTF-8 text: `len` bytes at `ptr`. `ptr` may be NULL when `len`
/// is 0. In outputs, `ptr[len]` is also a NUL byte, for printing.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bgsync_str {
    /// The first byte.
    pub ptr: *const u8,
    /// The number of bytes (not counting any NUL).
    pub len: usize,
}

/// Borrowed bytes: `len` bytes at `ptr` (NULL allowed when `len` is 0).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bgsync_bytes {
    /// The first byte.
    pub ptr: *const u8,
    /// The number of bytes.
    pub len: usize,
}

impl bgsync_str {
    /// The empty string.
    pub const EMPTY: bgsync_str = bgsync_str { ptr: std::ptr::null(), len: 0 };
}

impl bgsync_bytes {
    /// No bytes.
    pub const EMPTY: bgsync_bytes = bgsync_bytes { ptr: std::ptr::null(), len: 0 };
}

/// Which input a `bgsync_input` carries (its `kind` field).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_input_kind {
    /// `sync.register(tag)`: `caller`, `caller_id`, `sw`, `tag`.
    Register = 1,
    /// `getTags()`: `caller`, `caller_id`, `sw`, `sync_kind`.
    GetTags = 2,
    /// `periodicSync.register(tag, {minInterval})`: `caller`, `caller_id`, `sw`, `tag`, `min_interval_ms`.
    RegisterPeriodic = 3,
    /// `periodicSync.unregister(tag)`: `caller`, `caller_id`, `sw`, `tag`.
    UnregisterPeriodic = 4,
    /// Connectivity changed: `online`, `metered`.
    Network = 5,
    /// Power changed: `battery_saver`, `charging`, `battery_percent`.
    Power = 6,
    /// A permission changed: `origin`, `permission`, `permission_state`.
    Permission = 7,
    /// Site engagement changed: `origin`, `engagement`.
    Engagement = 8,
    /// A client opened: `client`, `origin`, `frame`.
    ClientOpened = 9,
    /// A client closed: `client`.
    ClientClosed = 10,
    /// A service worker registration became known: `sw`, `origin`, `active`.
    AddWorker = 11,
    /// Its worker became active: `sw`.
    WorkerActivated = 12,
    /// It was unregistered: `sw`.
    WorkerUnregistered = 13,
    /// An origin's site data was cleared: `origin`.
    OriginCleared = 14,
    /// The embedder's store failed: `reason`.
    StorageFailed = 15,
    /// A dispatched event settled: `event`, `outcome`.
    EventFinished = 16,
    /// DevTools offline emulation: `sw`, `offline`.
    EmulateOffline = 17,
    /// DevTools "dispatch now": `sw`, `sync_kind`, `tag`.
    DispatchNow = 18,
    /// The service worker storage was wiped and started over: no fields.
    StorageWiped = 19,
    /// The embedder's Background Sync switch: `enabled`.
    Switch = 20,
    /// DevTools' emulated dispatch of a tag, registered or not: `sw`, `sync_kind`, `tag`, `last_chance`.
    DispatchSynthetic = 21,
}

/// Who makes a page call (`bgsync_input.caller`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_caller_kind {
    /// A document; `caller_id` is its client id.
    Client = 1,
    /// A service worker's global scope; `caller_id` is its registration id.
    Worker = 2,
    /// The embedder itself (DevTools, tests): no caller checks; `caller_id` unused.
    Embedder = 3,
}

/// One-off (`sync`) or periodic (`periodicsync`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_sync_kind {
    /// `sync`.
    OneOff = 1,
    /// `periodicsync`.
    Periodic = 2,
}

/// A permission name.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_permission {
    /// `"background-sync"`.
    BackgroundSync = 1,
    /// `"periodic-background-sync"`.
    PeriodicBackgroundSync = 2,
    /// `"notifications"`.
    Notifications = 3,
}

/// A permission state.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_permission_state {
    /// Granted.
    Granted = 1,
    /// Denied.
    Denied = 2,
    /// The user agent would ask.
    Prompt = 3,
    /// Never set (the policy's default applies).
    Unset = 4,
}

/// A site engagement level.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_engagement {
    /// None: periodic sync is suspended.
    None = 1,
    /// Minimal.
    Minimal = 2,
    /// Low.
    Low = 3,
    /// Medium.
    Medium = 4,
    /// High.
    High = 5,
    /// Maximal.
    Max = 6,
}

/// A service worker client's frame type.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_frame_type {
    /// A top-level browsing context.
    TopLevel = 1,
    /// An auxiliary browsing context (a popup).
    Auxiliary = 2,
    /// A nested browsing context (an iframe).
    Nested = 3,
    /// Not a window (a worker client).
    None = 4,
}

/// How a dispatched event settled.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_outcome {
    /// Every `waitUntil` promise fulfilled.
    Fulfilled = 1,
    /// A `waitUntil` promise rejected.
    Rejected = 2,
    /// The event outlived its time limit.
    TimedOut = 3,
    /// The worker could not start or was stopped mid-event.
    WorkerFailed = 4,
}

/// One input for `bgsync_engine_handle`: set `kind` and the fields its
/// documentation names; the others are ignored. Zero-initialize it
/// (`bgsync_input in = {0};`) so that ignored fields hold nothing stale.
///
/// Strings are borrowed for the duration of the call only.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bgsync_input {
    /// Which input: a `bgsync_input_kind` value.
    pub kind: u32,
    /// Page calls: who calls, a `bgsync_caller_kind` value.
    pub caller: u32,
    /// Page calls: the calling client's id (`CLIENT`) or service worker registration (`WORKER`).
    pub caller_id: u64,
    /// The service worker registration.
    pub sw: u64,
    /// The client (`CLIENT_OPENED`, `CLIENT_CLOSED`).
    pub client: u64,
    /// The event (`EVENT_FINISHED`), from a `DISPATCH` action.
    pub event: u64,
    /// `GET_TAGS`, `DISPATCH_NOW`, `DISPATCH_SYNTHETIC`: a `bgsync_sync_kind` value.
    pub sync_kind: u32,
    /// `PERMISSION`: a `bgsync_permission` value.
    pub permission: u32,
    /// `PERMISSION`: a `bgsync_permission_state` value.
    pub permission_state: u32,
    /// `ENGAGEMENT`: a `bgsync_engagement` value.
    pub engagement: u32,
    /// `CLIENT_OPENED`: a `bgsync_frame_type` value.
    pub frame: u32,
    /// `EVENT_FINISHED`: a `bgsync_outcome` value.
    pub outcome: u32,
    /// The tag (page calls, `DISPATCH_NOW`, `DISPATCH_SYNTHETIC`).
    pub tag: bgsync_str,
    /// The serialized origin (`PERMISSION`, `ENGAGEMENT`, `CLIENT_OPENED`, `ADD_WORKER`, `ORIGIN_CLEARED`).
    pub origin: bgsync_str,
    /// `STORAGE_FAILED`: what failed, for the log.
    pub reason: bgsync_str,
    /// `REGISTER_PERIODIC`: `minInterval` in milliseconds.
    pub min_interval_ms: u64,
    /// `POWER`: battery level 0-100, or -1 when unknown.
    pub battery_percent: i32,
    /// `NETWORK`: nonzero when online.
    pub online: u8,
    /// `NETWORK`: nonzero when the connection is metered.
    pub metered: u8,
    /// `POWER`: nonzero when battery saver is on.
    pub battery_saver: u8,
    /// `POWER`: nonzero when plugged in.
    pub charging: u8,
    /// `ADD_WORKER`: nonzero when the registration already has an active worker.
    pub active: u8,
    /// `EMULATE_OFFLINE`: nonzero to emulate offline, zero to stop.
    pub offline: u8,
    /// `SWITCH`: nonzero to turn Background Sync on, zero to turn it off.
    pub enabled: u8,
    /// `DISPATCH_SYNTHETIC`: nonzero for `lastChance` of a `sync` event.
    pub last_chance: u8,
}

/// What `bgsync_handled.kind` says an accepted input produced.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_handled_kind {
    /// A page call: its answer comes later as a `REPLY` action with `request`.
    Request = 1,
    /// `DISPATCH_NOW` or `DISPATCH_SYNTHETIC`: the event in `event` was dispatched.
    Dispatched = 2,
    /// Any other input: applied.
    Applied = 3,
}

/// What `bgsync_engine_handle` accepted.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct bgsync_handled {
    /// Which of the fields below is set.
    pub kind: bgsync_handled_kind,
    /// `REQUEST`: the request id a later `REPLY` action carries.
    pub request: u64,
    /// `DISPATCHED`: the event id.
    pub event: u64,
}

/// Why the engine wants to be woken.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_wake_reason {
    /// No wake-up is needed (`present` is false).
    None = 0,
    /// A retry after a failed attempt becomes due.
    BackOff = 1,
    /// A periodic registration's interval elapses.
    PeriodicInterval = 2,
    /// The origin's gap between periodic events elapses.
    OriginGap = 3,
    /// The interval between periodic rounds across origins elapses.
    AcrossOriginsRound = 4,
    /// An event reaches its deadline and will count as timed out.
    EventDeadline = 5,
    /// A reason this build of the C ABI does not name (a newer engine's); the
    /// time still holds.
    Other = 6,
}

/// The next wake-up, from `bgsync_engine_poll_timeout`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct bgsync_wakeup {
    /// Whether a wake-up is wanted at all.
    pub present: bool,
    /// When to call `bgsync_engine_handle_timeout`, in wall-clock milliseconds.
    pub at_ms: u64,
    /// Why.
    pub reason: bgsync_wake_reason,
}
