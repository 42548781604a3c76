//! The shared workload: how registrations are spread over origins, how
//! tags, origins and ids are named, and the fixed clock.
//!
//! Registration `i` of `n` belongs to origin `i % origins` (round-robin, so
//! each origin's registrations are spread through memory as if they arrived
//! interleaved), with [`PER_ORIGIN`] registrations per origin, one service
//! worker registration and one top-level window per origin, and a 16-byte tag.

use std::fmt::Write as _;
use sync_core::{ClientId, SwRegId};
use sync_policy::{Millis, NetworkState, PolicyConfig, Timestamp};

/// Registrations per origin (well under the default per-origin quota of 1000).
pub const PER_ORIGIN: usize = 100;

/// The fixed time every benchmark runs at (time does not advance).
pub const T0: Timestamp = Timestamp(1_800_000_000_000);

/// How far in the future the waiting registrations of the online fixture are due.
pub const FAR: Millis = Millis::from_hours(24);

/// The device offline.
pub const OFFLINE: NetworkState = NetworkState { online: false, metered: false };

/// The device online.
pub const ONLINE: NetworkState = NetworkState { online: true, metered: false };

/// Length of every tag in bytes.
pub const TAG_BYTES: usize = 16;

/// The scratch origin's index: new-tag registrations go to its worker, which
/// is unregistered every [`PER_ORIGIN`] registrations so the size stays put.
pub const SCRATCH: u64 = u32::MAX as u64;

/// The policy both schedulers run: Chromium's profile, unchanged.
pub fn policy_config() -> PolicyConfig {
    PolicyConfig::chromium()
}

/// How `n` registrations are spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Registrations.
    pub n: usize,
    /// Origins (each with one worker and one window).
    pub origins: usize,
}

impl Layout {
    /// The layout of `n` registrations, [`PER_ORIGIN`] per origin.
    pub fn new(n: usize) -> Layout {
        Layout { n, origins: n.div_ceil(PER_ORIGIN).max(1) }
    }

    /// The origin index of registration `i`.
    pub fn origin_of(&self, i: usize) -> u64 {
        (i % self.origins) as u64
    }
}

/// The serialized origin of origin index `o`.
pub fn origin_name(o: u64) -> String {
    format!("https://site-{o:010}.example")
}

/// The service worker registration of origin index `o`.
pub fn sw(o: u64) -> SwRegId {
    SwRegId(o + 1)
}

/// The origin index of a service worker registration made by [`sw`].
pub fn origin_of_sw(sw: SwRegId) -> u64 {
    sw.0.saturating_sub(1)
}

/// The top-level window of origin index `o`.
pub fn client(o: u64) -> ClientId {
    ClientId(o + 1)
}

/// The 16-byte tag of registration `i`, written into `buf`.
pub fn tag_into(buf: &mut String, i: u64) {
    buf.clear();
    // Ignoring the result is fine: writing to a String cannot fail.
    let _ = write!(buf, "tag-{i:012}");
}

/// The 16-byte tag of registration `i`.
pub fn tag(i: u64) -> String {
    let mut s = String::with_capacity(TAG_BYTES);
    tag_into(&mut s, i);
    s
}

/// A tag for scratch registration `i` (disjoint from [`tag`]'s).
pub fn scratch_tag(i: u64) -> String {
    format!("new-{i:012}")
}

/// `count` pseudo-random indices below `n` (splitmix64 from `seed`), for
/// coalesced registrations and decisions on existing registrations.
pub fn picks(n: usize, count: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            (z % n.max(1) as u64) as usize
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_sixteen_bytes_and_layout_spreads_round_robin() {
        assert_eq!(tag(0).len(), TAG_BYTES);
        assert_eq!(tag(999_999_999).len(), TAG_BYTES);
        assert_eq!(scratch_tag(5).len(), TAG_BYTES);
        let l = Layout::new(1000);
        assert_eq!(l.origins, 10);
        assert_eq!(l.origin_of(13), 3);
        assert_eq!(origin_of_sw(sw(7)), 7);
        assert!(picks(10, 100, 1).iter().all(|&i| i < 10));
    }
}
