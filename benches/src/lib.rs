//! Benchmarks of the Background Sync engine against a Chromium-style
//! full-scan baseline, and the pieces the scale report is built from.
//!
//! - [`baseline`]: a scheduler written the way Chromium's
//!   `BackgroundSyncManager` works (scan every registration per decision,
//!   rewrite the worker's whole group per change);
//! - [`workload`]: how registrations are spread and named;
//! - [`fixture`]: one [`fixture::Scheduler`] interface over both, so every
//!   figure drives both through the same operations.
//!
//! See `benches/README.md` for what each figure means and how it is measured.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod baseline;
pub mod fixture;
pub mod workload;
