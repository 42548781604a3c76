//! The adapter protocol (`PROTOCOL.md`, `protocol.schema.json`): JSON lines
//! between the harness's `exec` target and an adapter process that owns an
//! implementation under test.
//!
//! - [`messages`]: the typed messages, in both directions;
//! - [`schema`]: the checked-in JSON Schema, compiled once, that every line
//!   from an adapter is checked against before it is decoded;
//! - [`server`]: the adapter side for any `Target` (the reference adapter).

pub mod messages;
pub mod schema;
pub mod server;

/// The protocol version this harness speaks (`hello.protocol`).
pub const PROTOCOL_VERSION: u32 = 1;
