//! [`bgsync_result`]: the code every fallible entry point returns, and the
//! mapping from the Rust error types onto it.

#![forbid(unsafe_code)]

use sync_core::SyncError;
use sync_core::store::StoreError;
use sync_policy::ConfigError;

use crate::codec::DecodeError;

/// What a call did. `BGSYNC_RESULT_OK` is 0; every other value is an error.
///
/// Ranges: 1-99 the engine refused an input (one code per `SyncError` kind),
/// 100-199 the store failed (one code per `StoreError` kind), 200-299 a text or
/// byte input did not parse, 300-399 the call itself was wrong (or panicked).
/// `bgsync_last_error_message` gives the full message of the latest failure on
/// the calling thread.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum bgsync_result {
    /// Success.
    Ok = 0,
    /// `SyncError::UnknownEvent`: no event with this id was ever dispatched.
    UnknownEvent = 1,
    /// `SyncError::EventAlreadySettled`: the event already has an outcome.
    EventAlreadySettled = 2,
    /// `SyncError::EventExpired`: the outcome came after the event's deadline.
    EventExpired = 3,
    /// `SyncError::UnknownWorker`: the service worker registration is not known.
    UnknownWorker = 4,
    /// `SyncError::WorkerOriginMismatch`: the registration was announced with another origin.
    WorkerOriginMismatch = 5,
    /// `SyncError::WorkerAlreadyActive`: the worker was already active.
    WorkerAlreadyActive = 6,
    /// `SyncError::UnknownClient`: the client is not open.
    UnknownClient = 7,
    /// `SyncError::DuplicateClient`: the client id is already open.
    DuplicateClient = 8,
    /// `SyncError::UnknownRegistration`: no such registration.
    UnknownRegistration = 9,
    /// `SyncError::AlreadyFiring`: the registration's event is in flight.
    AlreadyFiring = 10,
    /// `SyncError::Offline`: cannot dispatch while offline.
    Offline = 11,
    /// `SyncError::Disabled`: the engine is disabled after a storage failure.
    Disabled = 12,
    /// `SyncError::BadSnapshot`: the stored state is inconsistent.
    BadSnapshot = 13,
    /// A `SyncError` kind newer than this header (the enum is non-exhaustive);
    /// the message says which.
    SyncError = 99,
    /// `StoreError::Io`: the storage I/O failed (disk full, read-only, I/O error).
    StoreIo = 100,
    /// `StoreError::Corrupt`: the file is not a store, or is damaged (left untouched).
    StoreCorrupt = 101,
    /// `StoreError::TooNew`: the file was written by a newer schema (left untouched).
    StoreTooNew = 102,
    /// `StoreError::BadRow`: a stored row could not be decoded.
    StoreBadRow = 103,
    /// `StoreError::Locked`: another store (this process or another) has the
    /// file open; a file has one owner at a time.
    StoreLocked = 104,
    /// A `StoreError` kind newer than this header (the enum is non-exhaustive);
    /// the message says which.
    StoreError = 199,
    /// The policy text (TOML or JSON) is malformed or names an unusable value.
    PolicyInvalid = 200,
    /// Mutation bytes are not in a known version of the documented encoding.
    BadMutation = 201,
    /// A required pointer argument was NULL.
    NullParameter = 300,
    /// A string argument was not UTF-8.
    InvalidUtf8 = 301,
    /// An argument is out of range: an unknown enum value, or a length over
    /// `BGSYNC_MAX_INPUT_LEN`.
    InvalidArgument = 302,
    /// The caller's buffer is too small; the needed size was written.
    BufferTooSmall = 303,
    /// The library panicked (a bug); the call had no effect that can be relied on.
    Panic = 399,
}

/// Every code, for name lookup.
const ALL: [bgsync_result; 28] = [
    bgsync_result::Ok,
    bgsync_result::UnknownEvent,
    bgsync_result::EventAlreadySettled,
    bgsync_result::EventExpired,
    bgsync_result::UnknownWorker,
    bgsync_result::WorkerOriginMismatch,
    bgsync_result::WorkerAlreadyActive,
    bgsync_result::UnknownClient,
    bgsync_result::DuplicateClient,
    bgsync_result::UnknownRegistration,
    bgsync_result::AlreadyFiring,
    bgsync_result::Offline,
    bgsync_result::Disabled,
    bgsync_result::BadSnapshot,
    bgsync_result::SyncError,
    bgsync_result::StoreIo,
    bgsync_result::StoreCorrupt,
    bgsync_result::StoreTooNew,
    bgsync_result::StoreBadRow,
    bgsync_result::StoreLocked,
    bgsync_result::StoreError,
    bgsync_result::PolicyInvalid,
    bgsync_result::BadMutation,
    bgsync_result::NullParameter,
    bgsync_result::InvalidUtf8,
    bgsync_result::InvalidArgument,
    bgsync_result::BufferTooSmall,
    bgsync_result::Panic,
];

impl bgsync_result {
    /// The code for a raw value, if it is one.
    pub fn from_u32(code: u32) -> Option<bgsync_result> {
        ALL.into_iter().find(|r| *r as u32 == code)
    }

    /// The constant's name as the header spells it, NUL-terminated.
    pub fn name(self) -> &'static str {
        match self {
            bgsync_result::Ok => "BGSYNC_RESULT_OK\0",
            bgsync_result::UnknownEvent => "BGSYNC_RESULT_UNKNOWN_EVENT\0",
            bgsync_result::EventAlreadySettled => "BGSYNC_RESULT_EVENT_ALREADY_SETTLED\0",
            bgsync_result::EventExpired => "BGSYNC_RESULT_EVENT_EXPIRED\0",
            bgsync_result::UnknownWorker => "BGSYNC_RESULT_UNKNOWN_WORKER\0",
            bgsync_result::WorkerOriginMismatch => "BGSYNC_RESULT_WORKER_ORIGIN_MISMATCH\0",
            bgsync_result::WorkerAlreadyActive => "BGSYNC_RESULT_WORKER_ALREADY_ACTIVE\0",
            bgsync_result::UnknownClient => "BGSYNC_RESULT_UNKNOWN_CLIENT\0",
            bgsync_result::DuplicateClient => "BGSYNC_RESULT_DUPLICATE_CLIENT\0",
            bgsync_result::UnknownRegistration => "BGSYNC_RESULT_UNKNOWN_REGISTRATION\0",
            bgsync_result::AlreadyFiring => "BGSYNC_RESULT_ALREADY_FIRING\0",
            bgsync_result::Offline => "BGSYNC_RESULT_OFFLINE\0",
            bgsync_result::Disabled => "BGSYNC_RESULT_DISABLED\0",
            bgsync_result::BadSnapshot => "BGSYNC_RESULT_BAD_SNAPSHOT\0",
            bgsync_result::SyncError => "BGSYNC_RESULT_SYNC_ERROR\0",
            bgsync_result::StoreIo => "BGSYNC_RESULT_STORE_IO\0",
            bgsync_result::StoreCorrupt => "BGSYNC_RESULT_STORE_CORRUPT\0",
            bgsync_result::StoreTooNew => "BGSYNC_RESULT_STORE_TOO_NEW\0",
            bgsync_result::StoreBadRow => "BGSYNC_RESULT_STORE_BAD_ROW\0",
            bgsync_result::StoreLocked => "BGSYNC_RESULT_STORE_LOCKED\0",
            bgsync_result::StoreError => "BGSYNC_RESULT_STORE_ERROR\0",
            bgsync_result::PolicyInvalid => "BGSYNC_RESULT_POLICY_INVALID\0",
            bgsync_result::BadMutation => "BGSYNC_RESULT_BAD_MUTATION\0",
            bgsync_result::NullParameter => "BGSYNC_RESULT_NULL_PARAMETER\0",
            bgsync_result::InvalidUtf8 => "BGSYNC_RESULT_INVALID_UTF8\0",
            bgsync_result::InvalidArgument => "BGSYNC_RESULT_INVALID_ARGUMENT\0",
            bgsync_result::BufferTooSmall => "BGSYNC_RESULT_BUFFER_TOO_SMALL\0",
            bgsync_result::Panic => "BGSYNC_RESULT_PANIC\0",
        }
    }
}

/// A failed call: its code and the message `bgsync_last_error_message` gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The code returned.
    pub code: bgsync_result,
    /// The full message.
    pub message: String,
}

impl Failure {
    /// A failure with this code and message.
    pub fn new(code: bgsync_result, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }

    /// A NULL pointer where `what` was required.
    pub fn null(what: &str) -> Failure {
        Failure::new(bgsync_result::NullParameter, format!("{what} is NULL"))
    }
}

/// The code for an engine refusal. `SyncError` is `#[non_exhaustive]`: a kind
/// added later maps to `BGSYNC_RESULT_SYNC_ERROR` until it gets its own code.
pub fn sync_error_code(e: &SyncError) -> bgsync_result {
    match e {
        SyncError::UnknownEvent(_) => bgsync_result::UnknownEvent,
        SyncError::EventAlreadySettled(_) => bgsync_result::EventAlreadySettled,
        SyncError::EventExpired(_) => bgsync_result::EventExpired,
        SyncError::UnknownWorker(_) => bgsync_result::UnknownWorker,
        SyncError::WorkerOriginMismatch(_) => bgsync_result::WorkerOriginMismatch,
        SyncError::WorkerAlreadyActive(_) => bgsync_result::WorkerAlreadyActive,
        SyncError::UnknownClient(_) => bgsync_result::UnknownClient,
        SyncError::DuplicateClient(_) => bgsync_result::DuplicateClient,
        SyncError::UnknownRegistration => bgsync_result::UnknownRegistration,
        SyncError::AlreadyFiring => bgsync_result::AlreadyFiring,
        SyncError::Offline => bgsync_result::Offline,
        SyncError::Disabled => bgsync_result::Disabled,
        SyncError::BadSnapshot(_) => bgsync_result::BadSnapshot,
        _ => bgsync_result::SyncError,
    }
}

/// The code for a store failure. `StoreError` is `#[non_exhaustive]`: a kind
/// added later maps to `BGSYNC_RESULT_STORE_ERROR` until it gets its own code.
pub fn store_error_code(e: &StoreError) -> bgsync_result {
    match e {
        StoreError::Io(_) => bgsync_result::StoreIo,
        StoreError::Corrupt { .. } => bgsync_result::StoreCorrupt,
        StoreError::TooNew { .. } => bgsync_result::StoreTooNew,
        StoreError::BadRow(_) => bgsync_result::StoreBadRow,
        StoreError::Locked { .. } => bgsync_result::StoreLocked,
        _ => bgsync_result::StoreError,
    }
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Failure {
        Failure::new(sync_error_code(&e), e.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::new(store_error_code(&e), e.to_string())
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Failure {
        Failure::new(bgsync_result::PolicyInvalid, e.to_string())
    }
}

impl From<DecodeError> for Failure {
    fn from(e: DecodeError) -> Failure {
        Failure::new(bgsync_result::BadMutation, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_value_and_name() {
        let mut seen = std::collections::HashSet::new();
        for r in ALL {
            assert!(seen.insert(r as u32), "{r:?}");
            assert_eq!(bgsync_result::from_u32(r as u32), Some(r));
            assert!(r.name().starts_with("BGSYNC_RESULT_") && r.name().ends_with('\0'));
        }
        assert_eq!(bgsync_result::from_u32(12345), None);
    }

    #[test]
    fn every_store_error_kind_of_this_build_has_its_own_code() {
        let kinds = [
            (StoreError::Io("x".into()), bgsync_result::StoreIo),
            (StoreError::BadRow("x".into()), bgsync_result::StoreBadRow),
            (StoreError::Locked { path: "/tmp/x.db".into() }, bgsync_result::StoreLocked),
        ];
        for (error, code) in kinds {
            assert_eq!(store_error_code(&error), code, "{error}");
        }
    }
}
