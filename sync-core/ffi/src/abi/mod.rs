//! The exported `extern "C"` functions, one module per handle. Each body runs
//! inside `guard` (no panic unwinds into C) and touches raw pointers only
//! through `raw`.

pub mod action;
pub mod engine;
pub mod error;
pub mod policy;
pub mod snapshot;
pub mod store;
