//! `bgsync_action`: one engine output as a tagged C struct whose strings and
//! arrays live in storage the struct owns until `bgsync_action_free`.

#![forbid(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::codec;
use crate::input::sync_kind_out;
use crate::types::{bgsync_bytes, bgsync_str, bgsync_sync_kind};
use std::ffi::c_void;
use sync_core::{Action, DispatchKind, DomErrorName, LogEvent, ReplyValue};

/// Which action a `bgsync_action` carries.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_action_kind {
    /// Nothing to do until the next input or wake-up; the struct owns nothing.
    None = 0,
    /// Write `mutation` to storage; commit it before acting on any later `REPLY`.
    Persist = 1,
    /// Answer page call `request`: `reply`, and `tags` or `error_*`.
    Reply = 2,
    /// Fire an event: `event`, `sw`, `origin`, `tag`, `sync_kind`, `last_chance`, `deadline_ms`, `attempt`.
    Dispatch = 3,
    /// A DevTools "Background Services" record: `time_ms`, `sw`, `origin`, `tag`, `sync_kind`, `log_event`, `log_name`, `metadata`.
    Log = 4,
    /// An action this build of the C ABI cannot express (a newer engine's kind):
    /// `log_name` holds its description. A bindings bug, never silently dropped.
    Unsupported = 5,
}

/// How a page call is answered (`REPLY` actions).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_reply_kind {
    /// Not a reply.
    None = 0,
    /// `register()` resolved.
    Registered = 1,
    /// `getTags()` resolved with `tags`.
    Tags = 2,
    /// `periodicSync.unregister()` resolved.
    Unregistered = 3,
    /// The promise rejects with `error` / `error_name` and `error_message`.
    Rejected = 4,
    /// The promise resolves with a value this build of the C ABI cannot
    /// express (a newer engine's kind): `error_message` holds its description.
    Unsupported = 5,
}

/// The exception a rejected page call carries.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_dom_error {
    /// Not a rejection.
    None = 0,
    /// `InvalidStateError`.
    InvalidStateError = 1,
    /// `InvalidAccessError`.
    InvalidAccessError = 2,
    /// `NotAllowedError`.
    NotAllowedError = 3,
    /// `QuotaExceededError`.
    QuotaExceededError = 4,
    /// `TypeError`.
    TypeError = 5,
    /// `SecurityError`.
    SecurityError = 6,
    /// `UnknownError`.
    UnknownError = 7,
    /// A name newer than this header; `error_name` spells it.
    Other = 99,
}

/// What a `LOG` record says happened.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum bgsync_log_event {
    /// Not a log record.
    None = 0,
    /// Registered.
    Registered = 1,
    /// Got next event delay (periodic).
    GotNextEventDelay = 2,
    /// Unregistered (periodic).
    Unregistered = 3,
    /// Dispatched.
    Dispatched = 4,
    /// Re-registered while firing.
    Reregistered = 5,
    /// Succeeded and will run again.
    EventCompleted = 6,
    /// Failed and will be retried.
    EventFailed = 7,
    /// Finished (success, or the last attempt failed).
    SyncCompleted = 8,
    /// An event newer than this header; `log_name` spells it.
    Other = 99,
}

/// A metadata pair of a `LOG` record.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bgsync_pair {
    /// The key (Chromium's spelling, such as `Last Chance`).
    pub key: bgsync_str,
    /// The value.
    pub value: bgsync_str,
}

/// One action from `bgsync_engine_poll_action`. `kind` says which fields are
/// set; the others are zero. Every pointer points into storage this struct
/// owns: it stays valid until `bgsync_action_free`, which releases it and
/// zeroes the struct (so freeing it twice is harmless). Copying the struct
/// copies the pointers, not the storage: free exactly one copy.
#[repr(C)]
#[derive(Debug)]
pub struct bgsync_action {
    /// Which action.
    pub kind: bgsync_action_kind,
    /// `PERSIST`: the mutation in the encoding `BGSYNC_MUTATION_ENCODING_VERSION`.
    pub mutation: bgsync_bytes,
    /// `REPLY`: the page call answered (from `bgsync_handled.request`).
    pub request: u64,
    /// `REPLY`: how it is answered.
    pub reply: bgsync_reply_kind,
    /// `REPLY` with `TAGS`: the tags, in order.
    pub tags: *const bgsync_str,
    /// `REPLY` with `TAGS`: how many.
    pub tags_len: usize,
    /// `REPLY` with `REJECTED`: the exception.
    pub error: bgsync_dom_error,
    /// `REPLY` with `REJECTED`: the exception's name as JavaScript sees it.
    pub error_name: bgsync_str,
    /// `REPLY` with `REJECTED`: the message.
    pub error_message: bgsync_str,
    /// `DISPATCH`: report its outcome with this id (`BGSYNC_INPUT_KIND_EVENT_FINISHED`).
    pub event: u64,
    /// `DISPATCH`, `LOG`: the service worker registration.
    pub sw: u64,
    /// `DISPATCH`, `LOG`: its origin.
    pub origin: bgsync_str,
    /// `DISPATCH`, `LOG`: the tag.
    pub tag: bgsync_str,
    /// `DISPATCH`, `LOG`: `sync` or `periodicsync` (0 otherwise).
    pub sync_kind: u32,
    /// `DISPATCH` of a `sync` event: `SyncEvent.lastChance`.
    pub last_chance: bool,
    /// `DISPATCH`: the event's deadline in wall-clock milliseconds.
    pub deadline_ms: u64,
    /// `DISPATCH`: failed attempts before this one in the current cycle.
    pub attempt: u32,
    /// `LOG`: when it happened, wall-clock milliseconds.
    pub time_ms: u64,
    /// `LOG`: what happened.
    pub log_event: bgsync_log_event,
    /// `LOG`: Chromium's event name (`Dispatched sync event`, ...).
    pub log_name: bgsync_str,
    /// `LOG`: metadata pairs.
    pub metadata: *const bgsync_pair,
    /// `LOG`: how many.
    pub metadata_len: usize,
    /// Private: the storage behind the pointers (NULL when nothing is owned).
    pub owner: *mut c_void,
}

impl bgsync_action {
    /// The `NONE` action, owning nothing.
    pub fn empty() -> bgsync_action {
        bgsync_action {
            kind: bgsync_action_kind::None,
            mutation: bgsync_bytes::EMPTY,
            request: 0,
            reply: bgsync_reply_kind::None,
            tags: std::ptr::null(),
            tags_len: 0,
            error: bgsync_dom_error::None,
            error_name: bgsync_str::EMPTY,
            error_message: bgsync_str::EMPTY,
            event: 0,
            sw: 0,
            origin: bgsync_str::EMPTY,
            tag: bgsync_str::EMPTY,
            sync_kind: 0,
            last_chance: false,
            deadline_ms: 0,
            attempt: 0,
            time_ms: 0,
            log_event: bgsync_log_event::None,
            log_name: bgsync_str::EMPTY,
            metadata: std::ptr::null(),
            metadata_len: 0,
            owner: std::ptr::null_mut(),
        }
    }
}

/// The heap storage an action's pointers refer to. Each buffer is boxed, so
/// its bytes never move while the storage lives.
#[derive(Default)]
pub struct ActionStorage {
    texts: Vec<Box<[u8]>>,
    tags: Vec<bgsync_str>,
    metadata: Vec<bgsync_pair>,
}

impl ActionStorage {
    /// Keeps a NUL-terminated copy of `s` and returns a view of it.
    fn text(&mut self, s: &str) -> bgsync_str {
        let mut bytes = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
        let boxed = bytes.into_boxed_slice();
        let view = bgsync_str { ptr: boxed.as_ptr(), len: s.len() };
        self.texts.push(boxed);
        view
    }

    /// Keeps a copy of `b` and returns a view of it.
    fn bytes(&mut self, b: Vec<u8>) -> bgsync_bytes {
        let boxed = b.into_boxed_slice();
        let view = bgsync_bytes { ptr: boxed.as_ptr(), len: boxed.len() };
        self.texts.push(boxed);
        view
    }
}

fn dom_error(name: DomErrorName) -> bgsync_dom_error {
    match name {
        DomErrorName::InvalidStateError => bgsync_dom_error::InvalidStateError,
        DomErrorName::InvalidAccessError => bgsync_dom_error::InvalidAccessError,
        DomErrorName::NotAllowedError => bgsync_dom_error::NotAllowedError,
        DomErrorName::QuotaExceededError => bgsync_dom_error::QuotaExceededError,
        DomErrorName::TypeError => bgsync_dom_error::TypeError,
        DomErrorName::SecurityError => bgsync_dom_error::SecurityError,
        DomErrorName::UnknownError => bgsync_dom_error::UnknownError,
        // `DomErrorName` is non-exhaustive; `error_name` spells a newer one.
        _ => bgsync_dom_error::Other,
    }
}

fn log_event(event: LogEvent) -> bgsync_log_event {
    match event {
        LogEvent::Registered => bgsync_log_event::Registered,
        LogEvent::GotNextEventDelay => bgsync_log_event::GotNextEventDelay,
        LogEvent::Unregistered => bgsync_log_event::Unregistered,
        LogEvent::Dispatched => bgsync_log_event::Dispatched,
        LogEvent::Reregistered => bgsync_log_event::Reregistered,
        LogEvent::EventCompleted => bgsync_log_event::EventCompleted,
        LogEvent::EventFailed => bgsync_log_event::EventFailed,
        LogEvent::SyncCompleted => bgsync_log_event::SyncCompleted,
        // `LogEvent` is non-exhaustive; `log_name` spells a newer one.
        _ => bgsync_log_event::Other,
    }
}

fn kind_raw(kind: bgsync_sync_kind) -> u32 {
    kind as u32
}

/// The C struct of `action`, with its storage; the struct's `owner` is left
/// NULL for the caller to set once the storage has its final address.
pub fn action_out(action: Action) -> (bgsync_action, Box<ActionStorage>) {
    let mut store = Box::<ActionStorage>::default();
    let mut out = bgsync_action::empty();
    match action {
        Action::Persist(m) => {
            out.kind = bgsync_action_kind::Persist;
            out.mutation = store.bytes(codec::encode(&m));
        }
        Action::Reply { request, result } => {
            out.kind = bgsync_action_kind::Reply;
            out.request = request.0;
            match result {
                Ok(ReplyValue::Registered) => out.reply = bgsync_reply_kind::Registered,
                Ok(ReplyValue::Unregistered) => out.reply = bgsync_reply_kind::Unregistered,
                Ok(ReplyValue::Tags(tags)) => {
                    out.reply = bgsync_reply_kind::Tags;
                    let views: Vec<bgsync_str> = tags.iter().map(|t| store.text(t)).collect();
                    store.tags = views;
                    out.tags = store.tags.as_ptr();
                    out.tags_len = store.tags.len();
                }
                Ok(other) => {
                    out.reply = bgsync_reply_kind::Unsupported;
                    out.error_message = store.text(&format!("{other:?}"));
                }
                Err(e) => {
                    out.reply = bgsync_reply_kind::Rejected;
                    out.error = dom_error(e.name);
                    out.error_name = store.text(e.name.as_str());
                    out.error_message = store.text(&e.message);
                }
            }
        }
        Action::Dispatch(d) => {
            out.kind = bgsync_action_kind::Dispatch;
            out.event = d.event.0;
            out.sw = d.sw.0;
            out.origin = store.text(d.origin.as_str());
            out.tag = store.text(&d.tag);
            let (kind, last_chance) = match d.kind {
                DispatchKind::Sync { last_chance } => (bgsync_sync_kind::OneOff, last_chance),
                DispatchKind::PeriodicSync => (bgsync_sync_kind::Periodic, false),
            };
            out.sync_kind = kind_raw(kind);
            out.last_chance = last_chance;
            out.deadline_ms = d.deadline.0;
            out.attempt = d.attempt;
        }
        Action::Log(record) => {
            out.kind = bgsync_action_kind::Log;
            out.time_ms = record.time.0;
            out.sw = record.sw.0;
            out.origin = store.text(record.origin.as_str());
            out.tag = store.text(&record.tag);
            out.sync_kind = kind_raw(sync_kind_out(record.kind));
            out.log_event = log_event(record.event);
            out.log_name = store.text(record.name());
            let pairs: Vec<bgsync_pair> =
                record.metadata.iter().map(|(k, v)| bgsync_pair { key: store.text(k), value: store.text(v) }).collect();
            store.metadata = pairs;
            out.metadata = store.metadata.as_ptr();
            out.metadata_len = store.metadata.len();
        }
        other => {
            out.kind = bgsync_action_kind::Unsupported;
            out.log_name = store.text(&format!("{other:?}"));
        }
    }
    (out, store)
}
