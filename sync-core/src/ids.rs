//! Identifiers: service worker registrations, clients, events, requests,
//! origins and registration keys.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use sync_policy::SyncKind;

/// A service worker registration, as the embedder numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SwRegId(pub u64);

/// A service worker client (a window, iframe or worker), as the embedder numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub u64);

/// One dispatched event; the embedder reports its outcome with this id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub u64);

/// One page-side call; its answer comes back as `Action::Reply` with this id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub u64);

/// An origin in its ASCII serialization (`https://example.com`). Cheap to clone.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(Arc<str>);

impl Origin {
    /// Wraps a serialized origin. The engine compares origins as strings.
    pub fn new(serialized: &str) -> Origin {
        Origin(Arc::from(serialized))
    }

    /// The serialized origin.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Origin({:?})", &*self.0)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Origin {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Origin {
    fn from(s: &str) -> Origin {
        Origin::new(s)
    }
}

/// A sync tag. Cheap to clone.
pub type Tag = Arc<str>;

/// What identifies a registration: (service worker registration, kind, tag).
/// One-off and periodic tags are separate namespaces.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RegistrationKey {
    /// The service worker registration.
    pub sw: SwRegId,
    /// One-off or periodic.
    pub kind: SyncKind,
    /// The tag.
    pub tag: Tag,
}

impl RegistrationKey {
    /// A key from its parts.
    pub fn new(sw: SwRegId, kind: SyncKind, tag: &str) -> RegistrationKey {
        RegistrationKey { sw, kind, tag: Arc::from(tag) }
    }
}

/// Who makes a page-side call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Caller {
    /// A document (window or iframe) that the engine was told about with `client_opened`.
    Client(ClientId),
    /// The global scope of a service worker of this registration.
    Worker(SwRegId),
    /// The embedder itself (DevTools, tests): no caller checks.
    Embedder,
}
