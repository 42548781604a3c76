//! The child's stdout lines: one mutation per line, space-separated fields.
//! Tags and origins are the child's own and never contain spaces.

use sync_core::store::{Mutation, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};
use sync_core::{Origin, RegistrationKey, SwRegId};
use sync_policy::{Millis, SyncKind, Timestamp};

fn kind(k: SyncKind) -> &'static str {
    match k {
        SyncKind::OneOff => "one-off",
        SyncKind::Periodic => "periodic",
    }
}

fn parse_kind(s: &str) -> Option<SyncKind> {
    match s {
        "one-off" => Some(SyncKind::OneOff),
        "periodic" => Some(SyncKind::Periodic),
        _ => None,
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn parse_opt(s: &str) -> Option<Option<u64>> {
    if s == "-" { Some(None) } else { s.parse().ok().map(Some) }
}

/// One mutation as a line (without the newline).
pub fn encode(m: &Mutation) -> String {
    match m {
        Mutation::Put(r) => format!(
            "put {} {} {} {} {} {} {} {} {} {} {}",
            r.key.sw.0,
            kind(r.key.kind),
            if r.phase == StoredPhase::Waiting { "waiting" } else { "pending" },
            r.attempts,
            r.max_attempts,
            r.due.0,
            r.seq,
            opt(r.periodic.map(|p| p.min_interval.0)),
            opt(r.periodic.map(|p| p.anchor.0)),
            r.origin,
            r.key.tag
        ),
        Mutation::Delete(k) => format!("del {} {} {}", k.sw.0, kind(k.kind), k.tag),
        Mutation::DeleteWorker(sw) => format!("delw {}", sw.0),
        Mutation::PutOrigin(o) => format!("porg {} {}", o.origin, opt(o.last_periodic.map(|t| t.0))),
        Mutation::DeleteOrigin(o) => format!("dorg {o}"),
        Mutation::DeleteAll => "dall".to_string(),
    }
}

/// Parses what [`encode`] wrote.
pub fn decode(line: &str) -> Option<Mutation> {
    let f: Vec<&str> = line.split(' ').collect();
    match (f.first().copied()?, f.len()) {
        ("put", 12) => {
            let kind = parse_kind(f[2])?;
            let phase = match f[3] {
                "pending" => StoredPhase::Pending,
                "waiting" => StoredPhase::Waiting,
                _ => return None,
            };
            let periodic = match (parse_opt(f[8])?, parse_opt(f[9])?) {
                (Some(min), Some(anchor)) => {
                    Some(StoredPeriodic { min_interval: Millis(min), anchor: Timestamp(anchor) })
                }
                (None, None) => None,
                _ => return None,
            };
            Some(Mutation::Put(StoredRegistration {
                key: RegistrationKey::new(SwRegId(f[1].parse().ok()?), kind, f[11]),
                origin: Origin::new(f[10]),
                phase,
                attempts: f[4].parse().ok()?,
                max_attempts: f[5].parse().ok()?,
                due: Timestamp(f[6].parse().ok()?),
                seq: f[7].parse().ok()?,
                periodic,
            }))
        }
        ("del", 4) => {
            Some(Mutation::Delete(RegistrationKey::new(SwRegId(f[1].parse().ok()?), parse_kind(f[2])?, f[3])))
        }
        ("delw", 2) => Some(Mutation::DeleteWorker(SwRegId(f[1].parse().ok()?))),
        ("porg", 3) => Some(Mutation::PutOrigin(StoredOrigin {
            origin: Origin::new(f[1]),
            last_periodic: parse_opt(f[2])?.map(Timestamp),
        })),
        ("dorg", 2) => Some(Mutation::DeleteOrigin(Origin::new(f[1]))),
        ("dall", 1) => Some(Mutation::DeleteAll),
        _ => None,
    }
}
