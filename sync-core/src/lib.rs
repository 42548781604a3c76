//! Background Synchronization and Periodic Background Synchronization, as a
//! sans-IO engine that a browser engine or webview embedder links in.
//!
//! - [`Engine`] is the spec-faithful state machine for one-off (`sync`) and
//!   periodic (`periodicsync`) registrations. It never reads a clock, sleeps,
//!   spawns or touches a file: inputs carry `now`, outputs are [`Action`]s.
//! - Every choice the specs leave to the user agent goes through a
//!   [`sync_policy::Policy`].
//! - [`store::Store`] persists registrations; [`store::MemoryStore`] keeps them
//!   in memory, and `store::sqlite::SqliteStore` (feature `sqlite`) on disk.
//!
//! ```
//! use sync_core::{Action, Caller, ClientId, Engine, Input, SwRegId};
//! use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, Timestamp};
//!
//! let t0 = Timestamp(1_700_000_000_000);
//! let mut engine = Engine::new(ConfigurablePolicy::default(), t0);
//! let origin = "https://example.com";
//! engine.handle(t0, Input::AddWorker { sw: SwRegId(1), origin: origin.into(), active: true })?;
//! engine.handle(t0, Input::ClientOpened { client: ClientId(1), origin: origin.into(), frame: FrameType::TopLevel })?;
//! let page = Caller::Client(ClientId(1));
//! let handled = engine.handle(t0, Input::Register { caller: page, sw: SwRegId(1), tag: "outbox".into() })?;
//! let request = handled.request().expect("a page call is answered later");
//! let mut dispatched = None;
//! while let Some(action) = engine.poll_action() {
//!     match action {
//!         Action::Persist(_) => { /* write to the store before releasing later replies */ }
//!         Action::Reply { request: r, result } => assert!(r == request && result.is_ok()),
//!         Action::Dispatch(d) => dispatched = Some(d.event),
//!         _ => {}
//!     }
//! }
//! // Online: the sync event was dispatched at once; report its outcome.
//! let event = dispatched.expect("dispatched while online");
//! engine.handle(t0, Input::EventFinished { event, outcome: EventOutcome::Fulfilled })?;
//! # Ok::<(), sync_core::SyncError>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod action;
pub mod binding;
pub mod commit;
#[cfg(feature = "tokio")]
pub mod driver;
pub mod engine;
pub mod error;
pub mod ids;
pub mod input;
pub mod log;
pub mod privacy;
pub mod record;
pub mod store;

pub use action::{Action, Dispatch, DispatchKind, DomError, DomErrorName, ReplyValue};
pub use engine::{Engine, Explanation, MAX_SAFE_INTEGER_MS, RegistrationInfo, RegistrationState, WakeReason, Wakeup};
pub use error::SyncError;
pub use ids::{Caller, ClientId, EventId, Origin, RegistrationKey, RequestId, SwRegId, Tag};
pub use input::{Handled, Input};
pub use log::{LogEvent, LogRecord};
pub use sync_policy;

/// The README's Rust snippets, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
