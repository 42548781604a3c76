//! The byte encoding of `PERSIST` mutations: every mutation round-trips, and
//! bytes that are not a mutation give a typed error, never a panic.

use sync_core::store::{Mutation, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};
use sync_core::{Origin, RegistrationKey, SwRegId};
use sync_ffi::codec::{DecodeError, VERSION, decode, encode};
use sync_policy::{Millis, SyncKind, Timestamp};

fn samples() -> Vec<Mutation> {
    let one_off = StoredRegistration {
        key: RegistrationKey::new(SwRegId(7), SyncKind::OneOff, "outbox ✉"),
        origin: Origin::new("https://example.com"),
        phase: StoredPhase::Waiting,
        attempts: 2,
        max_attempts: 3,
        due: Timestamp(1_700_000_300_000),
        seq: 42,
        periodic: None,
    };
    let periodic = StoredRegistration {
        key: RegistrationKey::new(SwRegId(u64::MAX), SyncKind::Periodic, ""),
        origin: Origin::new("https://a.example:8443"),
        phase: StoredPhase::Pending,
        attempts: 0,
        max_attempts: u32::MAX,
        due: Timestamp(u64::MAX),
        seq: 1,
        periodic: Some(StoredPeriodic { min_interval: Millis(43_200_000), anchor: Timestamp(0) }),
    };
    vec![
        Mutation::Put(one_off),
        Mutation::Put(periodic),
        Mutation::Delete(RegistrationKey::new(SwRegId(3), SyncKind::Periodic, "news")),
        Mutation::DeleteWorker(SwRegId(9)),
        Mutation::PutOrigin(StoredOrigin { origin: Origin::new("https://b.example"), last_periodic: None }),
        Mutation::PutOrigin(StoredOrigin {
            origin: Origin::new("https://c.example"),
            last_periodic: Some(Timestamp(1_700_000_000_000)),
        }),
        Mutation::DeleteOrigin(Origin::new("https://d.example")),
        Mutation::DeleteAll,
    ]
}

#[test]
fn every_mutation_round_trips() {
    for m in samples() {
        let bytes = encode(&m);
        assert_eq!(bytes[0], VERSION);
        assert_eq!(decode(&bytes), Ok(m));
    }
}

#[test]
fn the_layout_is_the_documented_one() {
    let bytes = encode(&Mutation::Delete(RegistrationKey::new(SwRegId(0x0102), SyncKind::Periodic, "ab")));
    // version, op 2 (Delete), sw u64 LE, kind 1 (periodic), tag len u32 LE, "ab".
    assert_eq!(bytes, [1, 2, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, b'a', b'b']);
    let bytes = encode(&Mutation::DeleteWorker(SwRegId(5)));
    assert_eq!(bytes, [1, 3, 5, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn unknown_versions_ops_and_values_are_refused() {
    assert_eq!(decode(&[]), Err(DecodeError::Empty));
    assert_eq!(decode(&[2, 3, 0, 0, 0, 0, 0, 0, 0, 0]), Err(DecodeError::UnknownVersion(2)));
    assert_eq!(decode(&[VERSION, 0]), Err(DecodeError::UnknownOp(0)));
    assert_eq!(decode(&[VERSION, 7]), Err(DecodeError::UnknownOp(7)));
    let mut bad_kind = encode(&Mutation::Delete(RegistrationKey::new(SwRegId(1), SyncKind::OneOff, "t")));
    bad_kind[10] = 2;
    assert_eq!(decode(&bad_kind), Err(DecodeError::BadValue { field: "kind", value: 2 }));
    let mut bad_flag = encode(&Mutation::PutOrigin(StoredOrigin { origin: Origin::new("o"), last_periodic: None }));
    let last = bad_flag.len() - 1;
    bad_flag[last] = 7;
    assert_eq!(decode(&bad_flag), Err(DecodeError::BadValue { field: "has_last", value: 7 }));
    let mut bad_utf8 = encode(&Mutation::DeleteOrigin(Origin::new("ab")));
    let last = bad_utf8.len() - 1;
    bad_utf8[last] = 0xff;
    assert_eq!(decode(&bad_utf8), Err(DecodeError::BadUtf8("origin")));
    let mut trailing = encode(&Mutation::DeleteWorker(SwRegId(1)));
    trailing.extend_from_slice(&[0, 0]);
    assert_eq!(decode(&trailing), Err(DecodeError::Trailing(2)));
}

#[test]
fn every_truncation_is_an_error() {
    for m in samples() {
        let bytes = encode(&m);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "{m:?} cut at {cut} decoded");
        }
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A fixed xorshift sequence: deterministic, and covers every op byte.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 64) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if let Some(first) = bytes.first_mut() {
            *first = VERSION;
        }
        if let Ok(m) = decode(&bytes) {
            assert_eq!(encode(&m), bytes, "a decoded mutation re-encodes to its bytes");
        }
    }
    // A string length far beyond the bytes present.
    assert_eq!(decode(&[VERSION, 5, 0xff, 0xff, 0xff, 0xff, b'x']), Err(DecodeError::Truncated("origin")));
}
