//! The printed tables of the disk limit, the commit breakdown, apalis and
//! the profiles (the main table and the targets are in `report.rs`).

use crate::report::{Breakdown, Report, opt, si};
use std::fmt::Write;

fn frac(v: Option<f64>) -> String {
    opt(v, |f| format!("{f:.2}"))
}

fn rounds(v: &[f64]) -> String {
    v.iter().map(|f| format!("{f:.2}")).collect::<Vec<_>>().join(", ")
}

fn breakdown_row(out: &mut String, n: usize, callers: u64, b: &Breakdown) {
    let _ = writeln!(
        out,
        "| {n} | {callers} | {:.1} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} |",
        b.acks_per_commit,
        b.wall_us,
        b.engine_us,
        b.statements_us,
        b.commit_fsync_us,
        b.fold_us,
        b.checkpoint_us,
        b.upkeep_us,
        b.turnaround_us,
        b.wal_frames_per_commit,
        b.fsync_share,
    );
}

/// The durable figures against the disk's limit, and one commit in parts.
pub fn limit_table(report: &Report) -> String {
    let mut out = String::new();
    if report.sizes.iter().all(|s| s.limit.is_none()) {
        return out;
    }
    out.push_str(
        "\n| registrations | fsync µs (p10–p90) | limit 1 caller | engine 1 caller ÷ limit (rounds) | engine 1 caller, all commits on the pool, ÷ limit (rounds) | limit 64 callers | engine 64 ÷ limit (rounds) | baseline 1 / 64 ÷ limit |\n|---|---|---|---|---|---|---|---|\n",
    );
    for s in &report.sizes {
        let Some(l) = &s.limit else { continue };
        let _ = writeln!(
            out,
            "| {} | {:.0} ({:.0}–{:.0}) | {}/s | {} ({}) | {} ({}) | {}/s | {} ({}) | {} / {} |",
            s.n,
            l.fsync.median_us,
            l.fsync.p10_us,
            l.fsync.p90_us,
            si(l.limit_1),
            frac(l.engine_fraction_1),
            rounds(&l.engine_fraction_1_rounds),
            frac(l.engine_fraction_1_pool),
            rounds(&l.engine_fraction_1_pool_rounds),
            si(l.limit_64),
            frac(l.engine_fraction_64),
            rounds(&l.engine_fraction_64_rounds),
            frac(l.baseline_fraction_1),
            frac(l.baseline_fraction_64),
        );
    }
    out.push_str(
        "\nOne commit in parts (µs per commit; engine estimated from its in-memory register cost; turnaround is the rest):\n\n| registrations | callers | acks/commit | wall | engine | statements | COMMIT (WAL write + fsync) | fold | checkpoint | idle upkeep | turnaround | WAL frames/commit | COMMIT share of wall |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for s in &report.sizes {
        if let Some(b) = &s.engine.durable_breakdown_1 {
            breakdown_row(&mut out, s.n, 1, b);
        }
        if let Some(b) = &s.engine.durable_breakdown_64 {
            breakdown_row(&mut out, s.n, 64, b);
        }
    }
    for s in &report.sizes {
        if let Some(r) = &s.engine.restart_parts {
            let _ = writeln!(
                out,
                "\nRestart at {}: open {:.3} s (inspection {} quick_check, WAL, migrations) + load {:.3} s + restore {:.3} s.",
                s.n,
                r.open_secs,
                if r.open_quick_check { "with" } else { "after a clean close, without" },
                r.load_secs,
                r.restore_secs
            );
        }
    }
    for s in &report.sizes {
        let Some(a) = &s.apalis else { continue };
        let _ = writeln!(
            out,
            "\napalis-sqlite at {} (all connections `synchronous=FULL`): {}/s with 1 caller (rounds {}), {}/s with 64 (rounds {}); the engine acknowledges {} / {} as many durably in the same run.",
            s.n,
            si(a.jobs_per_sec_1),
            a.jobs_per_sec_1_rounds.iter().map(|v| si(*v)).collect::<Vec<_>>().join(", "),
            si(a.jobs_per_sec_64),
            a.jobs_per_sec_64_rounds.iter().map(|v| si(*v)).collect::<Vec<_>>().join(", "),
            opt(a.engine_over_apalis_1, |r| format!("{r:.1}x")),
            opt(a.engine_over_apalis_64, |r| format!("{r:.1}x")),
        );
    }
    out
}

/// The profiles table.
pub fn profile_table(report: &Report) -> String {
    let mut out = String::new();
    if report.profiles.is_empty() {
        return out;
    }
    out.push_str(
        "\n| profiles | threads (idle) | resident KB per idle profile | wake-ups/s while idle | setup s | hint across all, ms |\n|---|---|---|---|---|---|\n",
    );
    for p in &report.profiles {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.1} | {:.2} | {:.2} |",
            p.profiles, p.threads, p.resident_kb_per_profile, p.idle_wakeups_per_sec, p.setup_secs, p.hint_across_ms
        );
    }
    out
}
