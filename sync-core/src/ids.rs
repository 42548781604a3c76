//! Identifiers: service worker registrations, clients, events, requests,
//! origins and registration keys.

use serde::{Deserialize, Serialize};
use smol_str::SmolStr;
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

/// A sync tag: any UTF-8 string (the policy bounds its length). Cheap to
/// clone and compare: tags of up to 23 bytes are held inline (no allocation,
/// see `benches/README.md` for what a registration costs); longer ones share
/// one reference-counted allocation, as `Arc<str>` does. Compares, orders and
/// hashes as its string.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(SmolStr);

impl Tag {
    /// A tag holding `tag`.
    pub fn new(tag: &str) -> Tag {
        Tag(SmolStr::new(tag))
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Tag {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Tag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Tag {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Tag {
    fn from(tag: &str) -> Tag {
        Tag::new(tag)
    }
}

impl From<&String> for Tag {
    fn from(tag: &String) -> Tag {
        Tag::new(tag)
    }
}

impl From<String> for Tag {
    fn from(tag: String) -> Tag {
        Tag(SmolStr::from(tag))
    }
}

impl From<Arc<str>> for Tag {
    fn from(tag: Arc<str>) -> Tag {
        Tag(SmolStr::from(tag))
    }
}

impl PartialEq<str> for Tag {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Tag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Tag, D::Error> {
        String::deserialize(deserializer).map(Tag::from)
    }
}

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
        RegistrationKey { sw, kind, tag: Tag::new(tag) }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags across the inline/shared boundary, empty, multi-byte and long.
    fn samples() -> Vec<String> {
        let mut v = vec![String::new(), "a".into(), "é".into(), "🦀 sync".into(), "x".repeat(16)];
        for n in [22, 23, 24, 25] {
            v.push("t".repeat(n));
            v.push(format!("{}é", "t".repeat(n.saturating_sub(2))));
        }
        v.push("long tag ".repeat(1000));
        v
    }

    #[test]
    fn tags_round_trip_exactly() {
        for s in samples() {
            let tag = Tag::from(s.as_str());
            assert_eq!(tag.as_str(), s);
            assert_eq!(&*tag.clone(), s.as_str());
            assert_eq!(Tag::from(s.clone()), tag);
            assert_eq!(format!("{tag}"), s);
            assert_eq!(format!("{tag:?}"), format!("{s:?}"), "Debug prints as the string does");
            let json = serde_json::to_string(&tag).unwrap();
            assert_eq!(json, serde_json::to_string(&s).unwrap(), "serialized as the string");
            assert_eq!(serde_json::from_str::<Tag>(&json).unwrap(), tag);
        }
    }

    #[test]
    fn tags_order_and_hash_as_their_strings() {
        use std::hash::BuildHasher;
        let mut strings = samples();
        let mut tags: Vec<Tag> = strings.iter().map(|s| Tag::from(s.as_str())).collect();
        strings.sort();
        tags.sort();
        assert!(tags.iter().map(Tag::as_str).eq(strings.iter().map(String::as_str)));
        let hasher = hashbrown::DefaultHashBuilder::default();
        for (tag, s) in tags.iter().zip(&strings) {
            assert_eq!(hasher.hash_one(tag), hasher.hash_one(s.as_str()));
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_tag_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Tag>(), 24);
        assert_eq!(std::mem::size_of::<Option<Tag>>(), 24);
    }
}
