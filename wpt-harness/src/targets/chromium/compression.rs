//! How a scenario's virtual time maps onto Chromium's real time.
//!
//! Chromium's scheduler runs on wall-clock time, but its delays can be set
//! with field-trial parameters in whole seconds (`initial_retry_delay_sec`,
//! `max_sync_event_duration_sec`, `min_periodic_sync_events_interval_sec`).
//! A [`Compression`] divides every policy duration by one `scale` (virtual
//! ms per real ms) and passes the results to Chromium; a delay Chromium
//! reports in real ms is read back as `delay × scale`, rounded to a `grain`
//! that absorbs Chromium's millisecond jitter. A duration that does not
//! divide into whole seconds at the chosen scale is *unmapped*: the target
//! reports the steps that would depend on it as not observable.

use sync_policy::{Millis, PolicyConfig};

/// What a subtest needs to observe (from a static look at its steps).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Periodic registrations (the 12 h minimum interval must map).
    pub periodic: bool,
    /// Failed events (the one-off retry delay must map).
    pub retries: bool,
    /// Events left to their time limit (the event duration must map).
    pub timeouts: bool,
    /// Restarts (`ua.restart`, `ua.shutdown` ... `ua.start`): a relaunch
    /// takes seconds of real time, so one-off delays get a slow scale.
    pub restarts: bool,
}

/// The scales tried, fastest first (virtual ms per real ms).
const SCALES: [u64; 10] = [10_800, 3_600, 1_800, 900, 600, 300, 150, 60, 30, 15];

/// The fastest scale for a subtest with restarts and no periodic
/// registrations: 5 min is 10 s, so a relaunch of about 3 s is 1.5 virtual
/// minutes, not 15 (periodic times are hours apart and keep their scale).
const RESTART_MAX_SCALE: u64 = 30;

/// Rounding steps for delays read back from Chromium.
const GRAINS: [u64; 9] = [1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000];

/// Real ms of jitter a grain must absorb.
const JITTER_MS: u64 = 10;

/// Real ms between two steps at one virtual instant that the periodic
/// resolution must absorb (Chromium's periodic delays are computed against
/// the real times of other registrations).
const STEP_DRIFT_MS: u64 = 250;

/// A subtest's time compression and the Chromium parameters it implies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compression {
    /// Virtual milliseconds per real millisecond.
    pub scale: u64,
    /// Virtual delays read back from Chromium are rounded to this.
    pub grain: Millis,
    /// Periodic due times are rounded to multiples of this (from the start
    /// of the subtest), and periodic steps must happen at such multiples.
    pub resolution: Millis,
    /// `initial_retry_delay_sec` maps exactly.
    pub retry_mapped: bool,
    /// `max_sync_event_duration_sec` maps exactly.
    pub duration_mapped: bool,
    /// `min_periodic_sync_events_interval_sec` maps exactly.
    pub periodic_mapped: bool,
    /// `--force-fieldtrial-params` pairs for the `BackgroundSync` trial.
    pub params: Vec<(String, String)>,
}

/// Whole seconds of `virtual_ms` at `scale`, if exact and at least 1.
fn exact_secs(virtual_ms: Millis, scale: u64) -> Option<u64> {
    let unit = scale.saturating_mul(1000);
    (virtual_ms.0 >= unit && virtual_ms.0.is_multiple_of(unit)).then(|| virtual_ms.0 / unit)
}

/// Whole seconds of `virtual_ms` at `scale`, rounded up (at least 1).
fn ceil_secs(virtual_ms: Millis, scale: u64) -> u64 {
    let unit = scale.saturating_mul(1000).max(1);
    virtual_ms.0.div_ceil(unit).max(1)
}

impl Compression {
    /// The fastest compression under which everything `needs` lists maps
    /// exactly, or why there is none.
    pub fn plan(policy: &PolicyConfig, needs: Needs) -> Result<Compression, String> {
        let retry = policy.oneshot.initial_retry_delay;
        let duration = policy.oneshot.max_event_duration;
        let periodic = policy.periodic.min_interval;
        for &scale in &SCALES {
            if needs.restarts && !needs.periodic && scale > RESTART_MAX_SCALE {
                continue;
            }
            let ok = (!needs.retries || exact_secs(retry, scale).is_some())
                && (!needs.timeouts || exact_secs(duration, scale).is_some())
                && (!needs.periodic || exact_secs(periodic, scale).is_some());
            if ok {
                return Ok(Compression::at(policy, scale));
            }
        }
        Err(format!(
            "no time compression maps the retry delay {}, the event time limit {} and the periodic interval {} \
             to whole seconds together",
            crate::timeline::format_time(retry),
            crate::timeline::format_time(duration),
            crate::timeline::format_time(periodic)
        ))
    }

    /// The compression at `scale`.
    pub fn at(policy: &PolicyConfig, scale: u64) -> Compression {
        let retry = policy.oneshot.initial_retry_delay;
        let duration = policy.oneshot.max_event_duration;
        let periodic = policy.periodic.min_interval;
        let jitter = scale.saturating_mul(JITTER_MS);
        let grain = GRAINS.iter().copied().find(|g| *g >= jitter).unwrap_or(3_600_000);
        let drift = scale.saturating_mul(STEP_DRIFT_MS);
        let resolution = GRAINS.iter().copied().find(|g| *g >= drift).unwrap_or(3_600_000);
        let params = vec![
            ("max_sync_attempts".to_string(), policy.oneshot.max_attempts.to_string()),
            (
                "max_sync_attempts_with_notification_permission".to_string(),
                policy.oneshot.max_attempts_with_notification_permission.to_string(),
            ),
            ("initial_retry_delay_sec".to_string(), ceil_secs(retry, scale).to_string()),
            ("retry_delay_factor".to_string(), policy.oneshot.retry_delay_factor.to_string()),
            ("max_sync_event_duration_sec".to_string(), ceil_secs(duration, scale).to_string()),
            ("min_periodic_sync_events_interval_sec".to_string(), ceil_secs(periodic, scale).to_string()),
        ];
        Compression {
            scale,
            grain: Millis(grain),
            resolution: Millis(resolution),
            retry_mapped: exact_secs(retry, scale).is_some(),
            duration_mapped: exact_secs(duration, scale).is_some(),
            periodic_mapped: exact_secs(periodic, scale).is_some(),
            params,
        }
    }

    /// The Chromium flags that apply the parameters.
    pub fn flags(&self) -> Vec<String> {
        let pairs: Vec<String> = self.params.iter().map(|(k, v)| format!("{k}/{v}")).collect();
        vec![
            "--force-fieldtrials=BackgroundSync/Harness".to_string(),
            format!("--force-fieldtrial-params=BackgroundSync.Harness:{}", pairs.join("/")),
        ]
    }

    /// A delay Chromium reported (real ms) as virtual time, rounded to the grain.
    pub fn to_virtual(&self, real_ms: u64) -> Millis {
        let v = real_ms.saturating_mul(self.scale);
        let g = self.grain.0.max(1);
        Millis(v.saturating_add(g / 2) / g * g)
    }

    /// A virtual span rounded to the periodic resolution.
    pub fn to_resolution(&self, virtual_ms: Millis) -> Millis {
        let r = self.resolution.0.max(1);
        Millis(virtual_ms.0.saturating_add(r / 2) / r * r)
    }

    /// A virtual span as real time (rounded down).
    pub fn to_real(&self, virtual_ms: Millis) -> std::time::Duration {
        std::time::Duration::from_millis(virtual_ms.0 / self.scale.max(1))
    }

    /// A page-side `minInterval` (virtual ms) as the value Chromium is given (rounded up).
    pub fn min_interval_to_real(&self, virtual_ms: u64) -> u64 {
        virtual_ms.div_ceil(self.scale.max(1))
    }
}

/// The policy knobs that differ from Chromium 156 in a way no field trial can
/// reproduce, as `key: ours vs Chromium's` lines (empty: the policy maps).
pub fn unmappable_knobs(policy: &PolicyConfig) -> Vec<String> {
    let chromium = PolicyConfig::chromium();
    let mut normalized = policy.clone();
    normalized.profile = chromium.profile;
    // Knobs a field trial sets.
    normalized.oneshot.max_attempts = chromium.oneshot.max_attempts;
    normalized.oneshot.max_attempts_with_notification_permission =
        chromium.oneshot.max_attempts_with_notification_permission;
    normalized.oneshot.initial_retry_delay = chromium.oneshot.initial_retry_delay;
    normalized.oneshot.retry_delay_factor = chromium.oneshot.retry_delay_factor;
    normalized.periodic.retry_backoff = chromium.periodic.retry_backoff;
    let mut problems = Vec::new();
    // One Chromium parameter each.
    if policy.periodic.max_event_duration != policy.oneshot.max_event_duration {
        problems.push("periodic.max_event_duration differs from oneshot.max_event_duration".to_string());
    }
    normalized.oneshot.max_event_duration = chromium.oneshot.max_event_duration;
    normalized.periodic.max_event_duration = chromium.periodic.max_event_duration;
    if policy.periodic.origin_gap != policy.periodic.min_interval {
        problems.push("periodic.origin_gap differs from periodic.min_interval".to_string());
    }
    normalized.periodic.origin_gap = chromium.periodic.origin_gap;
    normalized.periodic.min_interval = chromium.periodic.min_interval;
    if normalized == chromium {
        return problems;
    }
    let ours = serde_json::to_value(&normalized).unwrap_or_default();
    let theirs = serde_json::to_value(&chromium).unwrap_or_default();
    diff_keys("", &ours, &theirs, &mut problems);
    problems
}

fn diff_keys(prefix: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    match (a, b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            for (k, va) in x {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                match y.get(k) {
                    Some(vb) => diff_keys(&key, va, vb, out),
                    None => out.push(format!("{key}: {va}")),
                }
            }
        }
        (a, b) if a != b => out.push(format!("{prefix}: {a} (chromium profile: {b})")),
        _ => {}
    }
}
