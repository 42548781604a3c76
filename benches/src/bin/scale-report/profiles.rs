//! Many browser profiles in one process: `N` profiles, each with its own
//! SQLite file, [`SqliteStore`] and driver, all on one tokio runtime, 100
//! registrations each (one origin, one worker, one window; the device is
//! offline, so they wait for a network, as most registrations do).
//!
//! Once every profile is set up the process is left idle for
//! [`IDLE`]; the report reads, from `/proc/self`:
//!
//! - **threads**: the process's thread count at the end of the idle time;
//! - **resident memory per idle profile**: resident set size with the `N`
//!   profiles running, minus before they were opened, ÷ `N` (profile counts
//!   run smallest first, each torn down before the next);
//! - **wake-ups per second while idle**: context switches (voluntary and not)
//!   of every thread but the main one during the idle time, per second. The
//!   main thread only sleeps through that time.
//!
//! The host also asks for one wake-up hint across every profile
//! ([`wakeup_across`]); the time that takes is reported.

use crate::ReportError;
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};
use sync_benches::workload::{OFFLINE, client, origin_name, policy_config, sw, tag};
use sync_core::driver::{Driver, Environment, WakeupReason, wakeup_across};
use sync_core::store::SqliteStore;
use sync_core::{Caller, Dispatch};
use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, PowerState};

/// Registrations per profile.
pub const PER_PROFILE: u64 = 100;

/// Idle time over which wake-ups are counted.
pub const IDLE: Duration = Duration::from_secs(2);

/// Blocking threads the host's runtime allows (commits and loads run there).
pub const MAX_BLOCKING: usize = 4;

/// One profile count's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProfileFigures {
    /// Profiles in the process.
    pub profiles: usize,
    /// Registrations per profile.
    pub registrations_per_profile: u64,
    /// Threads of the process while idle.
    pub threads: u64,
    /// Resident KB per idle profile.
    pub resident_kb_per_profile: f64,
    /// Context switches per second of the runtime's threads while idle.
    pub idle_wakeups_per_sec: f64,
    /// Seconds to open, restore and fill every profile.
    pub setup_secs: f64,
    /// Milliseconds for one wake-up hint across every profile.
    pub hint_across_ms: f64,
    /// Whether that hint said "wake when online" (every profile waits for a network).
    pub hint_ready: bool,
}

fn proc_field(path: &Path, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

fn resident_kb() -> u64 {
    proc_field(Path::new("/proc/self/status"), "VmRSS:").unwrap_or(0)
}

fn threads() -> u64 {
    proc_field(Path::new("/proc/self/status"), "Threads:").unwrap_or(0)
}

/// Context switches of every thread but the main one.
fn switches() -> u64 {
    let me = std::process::id().to_string();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return 0 };
    dir.flatten()
        .filter(|e| e.file_name().to_string_lossy() != me)
        .map(|e| {
            let status = e.path().join("status");
            proc_field(&status, "voluntary_ctxt_switches:").unwrap_or(0)
                + proc_field(&status, "nonvoluntary_ctxt_switches:").unwrap_or(0)
        })
        .sum()
}

/// Measures `counts` profile counts with files under `dir`.
pub fn measure(dir: &Path, counts: &[usize]) -> Result<Vec<ProfileFigures>, ReportError> {
    // The host's runtime: 2 workers and a small blocking pool whose idle threads go away.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(MAX_BLOCKING)
        .thread_keep_alive(Duration::from_millis(200))
        .enable_all()
        .build()?;
    let mut out = Vec::new();
    for &n in counts {
        let sub = dir.join(format!("profiles-{n}"));
        std::fs::create_dir_all(&sub)?;
        let before = resident_kb();
        let start = Instant::now();
        let drivers = runtime.block_on(async {
            let mut drivers = Vec::with_capacity(n);
            for p in 0..n {
                let store = SqliteStore::open(sub.join(format!("p{p}.db")))?;
                let dispatcher = |_event: Dispatch| async { EventOutcome::Fulfilled };
                let env = Environment { network: OFFLINE, power: PowerState::default() };
                let driver = Driver::builder(store, dispatcher)
                    .restore(ConfigurablePolicy::new(policy_config()), env)
                    .await
                    .map_err(|e| ReportError::Check(format!("profile {p}: {e}")))?;
                drivers.push(driver);
            }
            // Each profile's 100 registrations at once: a few group commits per profile.
            let mut calls = tokio::task::JoinSet::new();
            for d in &drivers {
                let h = d.handle();
                calls.spawn(async move {
                    let o = 1;
                    h.add_worker(sw(o), &origin_name(o), true).await.map_err(|e| e.to_string())?;
                    h.client_opened(client(o), &origin_name(o), FrameType::TopLevel)
                        .await
                        .map_err(|e| e.to_string())?;
                    let mut regs = tokio::task::JoinSet::new();
                    for i in 0..PER_PROFILE {
                        let h = h.clone();
                        regs.spawn(async move { h.register(Caller::Client(client(o)), sw(o), &tag(i)).await.is_ok() });
                    }
                    let mut ok = 0;
                    while let Some(r) = regs.join_next().await {
                        ok += u64::from(matches!(r, Ok(true)));
                    }
                    Ok::<u64, String>(ok)
                });
            }
            while let Some(r) = calls.join_next().await {
                match r {
                    Ok(Ok(ok)) if ok == PER_PROFILE => {}
                    other => return Err(ReportError::Check(format!("profile setup: {other:?}"))),
                }
            }
            Ok::<_, ReportError>(drivers)
        })?;
        let setup_secs = start.elapsed().as_secs_f64();
        // Let the blocking pool's idle threads exit, then count while idle.
        std::thread::sleep(Duration::from_millis(500));
        let s0 = switches();
        std::thread::sleep(IDLE);
        let s1 = switches();
        let idle_threads = threads();
        let resident = resident_kb();
        let handles: Vec<_> = drivers.iter().map(Driver::handle).collect();
        let hint_start = Instant::now();
        let hint = runtime.block_on(wakeup_across(&handles))?;
        let hint_across_ms = hint_start.elapsed().as_secs_f64() * 1e3;
        drop(handles);
        runtime.block_on(async {
            for d in drivers {
                d.shutdown().await?;
            }
            Ok::<_, ReportError>(())
        })?;
        let _ = std::fs::remove_dir_all(&sub);
        out.push(ProfileFigures {
            profiles: n,
            registrations_per_profile: PER_PROFILE,
            threads: idle_threads,
            resident_kb_per_profile: resident.saturating_sub(before) as f64 / n as f64,
            idle_wakeups_per_sec: s1.saturating_sub(s0) as f64 / IDLE.as_secs_f64(),
            setup_secs,
            hint_across_ms,
            hint_ready: hint.is_some_and(|h| h.reason == WakeupReason::Ready),
        });
    }
    Ok(out)
}
