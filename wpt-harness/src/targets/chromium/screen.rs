//! A static look at a subtest before Chromium is launched: what it needs
//! (which delays must compress exactly) and which of its steps Chromium
//! cannot perform at all.
//!
//! The screen only rejects what is certain from the scenario text; the
//! target rejects the rest when it meets it (cross-origin calls, timeouts
//! while DevTools is attached, ...).

use super::compression::{Compression, Needs};
use crate::scenario::{Action, CallerSpec, Initial, Settlement, Step, Subtest};
use sync_policy::{EventOutcome, FrameType, PolicyConfig, PowerState, SyncKind};

/// Longest real time the 12 h periodic interval may take under compression.
const MAX_PERIODIC_REAL_MS: u64 = 20_000;

/// Steps that only check the engine's own state (`explain`, `assert:
/// invariants`): Chromium has no counterpart, so the differential report
/// drops them from both runs (and says so); a plain run reports them NOTRUN.
pub fn is_internal_check(action: &Action) -> bool {
    matches!(action, Action::Explain { .. } | Action::AssertInvariants)
}

/// The subtest without its internal checks, and the keywords it dropped.
pub fn without_internal_checks(subtest: &Subtest) -> (Subtest, Vec<String>) {
    let mut dropped = Vec::new();
    let steps: Vec<Step> = subtest
        .steps
        .iter()
        .filter(|s| {
            let internal = is_internal_check(&s.action);
            if internal {
                dropped.push(format!("{} (line {})", s.action.keyword(), s.pos.line));
            }
            !internal
        })
        .cloned()
        .collect();
    (Subtest { name: subtest.name.clone(), pos: subtest.pos, steps }, dropped)
}

fn initial_problem(initial: &Initial) -> Option<String> {
    if initial.power != PowerState::default() {
        return Some("a simulated power state".into());
    }
    if initial.network.metered {
        return Some("a metered network".into());
    }
    if initial.clients.iter().any(|c| c.frame == FrameType::None) {
        return Some("a worker client".into());
    }
    None
}

fn step_problem(action: &Action) -> Option<String> {
    let what = match action {
        Action::Power(_) => "a simulated power state (power.set)",
        Action::StorageFail => "storage failure injection (storage.fail)",
        Action::StoreFault(_) => "store faults (storage.fail_next_write, storage.fail_next_read, storage.heal)",
        Action::StorageWiped => "wiping the service worker storage (sw.storage_wiped)",
        Action::Switch(_) => "the embedder's Background Sync switch (embedder.switch)",
        Action::DispatchNow { .. } => "DevTools \"dispatch now\" of a registration (dispatch_now)",
        Action::Explain { .. } => "the engine's explanation of a registration (explain)",
        Action::AssertInvariants => "the engine's internal invariants (assert: invariants)",
        Action::Network(n) if n.0.metered => "a metered network",
        Action::PermissionSet { state: sync_policy::PermissionState::Unset, .. } => "an unset permission",
        Action::ClientOpen(c) if c.frame == FrameType::None => "a worker client",
        Action::Call { from: CallerSpec::Embedder, .. } => "a call with no caller checks (from: embedder)",
        _ => return None,
    };
    Some(format!("not observable in Chromium: {what}"))
}

/// What the subtest needs from the time compression.
pub fn needs(subtest: &Subtest) -> Needs {
    let mut needs = Needs::default();
    for step in &subtest.steps {
        match &step.action {
            Action::Call { call: crate::scenario::Call::PeriodicRegister { .. }, .. } => needs.periodic = true,
            Action::Settle { how: Settlement::Hang, .. } => needs.timeouts = true,
            Action::Settle { how: Settlement::Outcome(o), .. } => {
                needs.retries |= matches!(o, EventOutcome::Rejected | EventOutcome::WorkerFailed)
            }
            Action::ExpectSequence(entries) => {
                for (spec, how) in entries {
                    match how {
                        Settlement::Hang => needs.timeouts = true,
                        Settlement::Outcome(EventOutcome::Rejected | EventOutcome::WorkerFailed) => {
                            needs.retries = true
                        }
                        _ => {}
                    }
                    needs.periodic |= spec.kind == Some(SyncKind::Periodic);
                }
            }
            Action::SwTerminate(_) => needs.retries = true,
            Action::Restart(_) | Action::Shutdown | Action::Start(_) => needs.restarts = true,
            _ => {}
        }
    }
    needs
}

/// Why the subtest cannot run in Chromium at all, or what it needs.
pub fn screen(initial: &Initial, subtest: &Subtest, policy: &PolicyConfig) -> Result<Needs, String> {
    if let Some(p) = initial_problem(initial) {
        return Err(format!("not observable in Chromium: {p}"));
    }
    if let Some(p) = subtest.steps.iter().find_map(|s| step_problem(&s.action)) {
        return Err(p);
    }
    let knobs = super::compression::unmappable_knobs(policy);
    if !knobs.is_empty() {
        return Err(format!("not observable in Chromium: policy knobs no field trial sets: {}", knobs.join("; ")));
    }
    let needs = needs(subtest);
    let plan = Compression::plan(policy, needs).map_err(|e| format!("not observable in Chromium: {e}"))?;
    if needs.periodic {
        let real = policy.periodic.min_interval.0 / plan.scale.max(1);
        if real > MAX_PERIODIC_REAL_MS {
            return Err(format!(
                "not observable in Chromium: with failures or time limits to map as well, the 12 h periodic \
                 interval would take {} s of real time",
                real / 1000
            ));
        }
    }
    Ok(needs)
}
