//! [`Environment`]: what the embedder must state before a restored driver runs.

use sync_policy::{NetworkState, PowerState};

/// The device's state when a driver starts from its store.
///
/// [`Builder::restore`](super::Builder::restore) requires it, with no
/// default, so a restored engine never fires a registration before the
/// embedder has said whether the device is online: a start while offline
/// keeps every registration and its attempt count (an engine's own default
/// is online, which would burn one attempt per registration per offline
/// restart). Later changes go through `Handle::set_network` / `set_power`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Environment {
    /// The device's connectivity now.
    pub network: NetworkState,
    /// The device's power state now.
    pub power: PowerState,
}
