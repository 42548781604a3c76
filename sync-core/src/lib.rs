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

//! # The public surface
//!
//! Decided here, at the crate root (the way `rustls` does it): the modules
//! that hold the engine and its vocabulary are private, and what an embedder
//! uses is re-exported below, one path per item. An embedder writes
//! `sync_core::Engine`, `sync_core::Input`, `sync_core::Action`, never a path
//! into the engine's parts, so the parts can be rearranged without breaking
//! anyone. A module stays public only where it is a namespace an embedder
//! names as a whole:
//!
//! - [`store`]: the [`store::Store`] trait, the stored rows it reads and
//!   writes, [`store::MemoryStore`], and `store::sqlite` (feature `sqlite`),
//!   the on-disk store with its own constants, timings and salvage. A
//!   separate layer that the engine never imports, and which an embedder may
//!   replace.
//! - `driver` (feature `tokio`): the tokio task that owns an engine, with its
//!   builder, handle, clock, dispatcher and delegate traits. The IO layer,
//!   optional, with names (`Handle`, `Environment`, `Clock`) that would be
//!   ambiguous at the root.
//! - [`commit`]: the persist-then-release protocol ([`commit::CommitQueue`],
//!   [`commit::drain_committed`]) for an embedder that drives the engine
//!   without the tokio driver. Its names (`Effect`, `Batch`) only make
//!   sense next to each other.
//! - [`binding`]: the WebIDL conversions a binding layer performs before a
//!   value reaches the engine.
//!
//! Test doubles (`store::FaultyStore`) exist only with the `test-util`
//! feature. Public enums and structs that will grow are `#[non_exhaustive]`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod action;
pub mod binding;
pub mod commit;
#[cfg(feature = "tokio")]
pub mod driver;
mod engine;
mod error;
mod ids;
mod input;
mod log;
mod privacy;
mod record;
pub mod store;

pub use action::{Action, DISABLED_MESSAGE, Dispatch, DispatchKind, DomError, DomErrorName, ReplyValue};
pub use engine::{Engine, Explanation, MAX_SAFE_INTEGER_MS, RegistrationInfo, RegistrationState, WakeReason, Wakeup};
pub use error::SyncError;
pub use ids::{Caller, ClientId, EventId, Origin, RegistrationKey, RequestId, SwRegId, Tag};
pub use input::{Handled, Input};
pub use log::{LogEvent, LogRecord};
pub use privacy::{LogPrivacy, RedactionKey};
pub use sync_policy;

/// The README's Rust snippets, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
