//! The spec algorithms, one file per algorithm family, each a set of engine
//! methods over its parts (the registration table, the scheduler, the events
//! in flight). Every function that implements a spec algorithm names it with
//! its spec URL, and every step it implements is cited where it happens:
//! `// spec: <algorithm>, step N: <gist>`.
//!
//! - Background Synchronization: <https://wicg.github.io/background-sync/spec/>
//! - Periodic Background Synchronization: <https://wicg.github.io/periodic-background-sync/>

mod environment;
mod fire;
mod firing;
mod get_tags;
mod lifecycle;
mod periodic;
mod periodic_schedule;
mod permission_link;
mod register;
mod revival;
mod storage_wipe;
mod switch;
mod synthetic;
