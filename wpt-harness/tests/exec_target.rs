//! The exec target (`--target exec --adapter ...`, `PROTOCOL.md`):
//! - the whole bundled suite through the reference adapter gives the same
//!   result for every subtest as the in-process engine target;
//! - an adapter that prints garbage, breaks the schema, exits mid-subtest or
//!   never answers ends that subtest only, in `ERROR` or `TIMEOUT` with the
//!   offending line, and the run goes on;
//! - a missing capability makes the subtests that need it `NOTRUN` with the
//!   reason, never `PASS`.
//!
//! The fault adapter (`tests/adapters/faulty.py`) is standard-library Python.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use wpt_harness::policy::RunProfile;
use wpt_harness::runner::Status;
use wpt_harness::suite::{self, RunOptions, TestResult};
use wpt_harness::targets::{EngineTarget, ExecTarget, Target};

fn reference_adapter() -> String {
    env!("CARGO_BIN_EXE_wpt-reference-adapter").to_string()
}

fn faulty(mode: &str, subtest: &str, caps: Option<&str>) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/adapters/faulty.py");
    let caps = caps.map(|c| format!(" FAULTY_CAPS='{c}'")).unwrap_or_default();
    format!(
        "FAULTY_INNER='{}' FAULTY_MODE='{mode}' FAULTY_SUBTEST='{subtest}'{caps} python3 '{}'",
        reference_adapter(),
        script.display()
    )
}

fn run(paths: &[PathBuf], target: &mut dyn Target) -> Vec<TestResult> {
    let files = suite::discover(paths).expect("the scenarios are found");
    let options =
        RunOptions { profile: RunProfile::Builtin(sync_policy::Profile::Chromium), filter: None, ..Default::default() };
    suite::run(&files, &options, target, &mut |_, _, _| {})
}

/// Every subtest's status and message, by "<test> <subtest>".
fn statuses(results: &[TestResult]) -> BTreeMap<String, (Status, Option<String>)> {
    let mut out = BTreeMap::new();
    for r in results {
        assert!(r.error.is_none(), "{} did not parse: {:?}", r.test, r.error);
        for s in &r.subtests {
            out.insert(format!("{} {}", r.test, s.name), (s.status, s.message.clone()));
        }
    }
    out
}

fn persistence() -> Vec<PathBuf> {
    vec![suite::bundled_scenarios().join("ext").join("persistence")]
}

const FAULTED: &str = "restart-keeps-backoff-time";

/// A subtest NOTRUN because the protocol's `restart` carries no environment
/// and no policy (`ua.shutdown` ... `ua.start` with changes in between).
fn protocol_cannot_carry((status, message): &(Status, Option<String>)) -> bool {
    let message = message.as_deref().unwrap_or_default();
    *status == Status::NotRun
        && (message.contains("while the user agent is down") || message.contains("a new policy at `ua.start`"))
}

#[test]
fn the_bundled_suite_through_the_reference_adapter_matches_the_engine_target() {
    let paths = vec![suite::bundled_scenarios()];
    let in_process = statuses(&run(&paths, &mut EngineTarget::new()));
    let mut exec = ExecTarget::new(reference_adapter(), Duration::from_secs(20));
    let through_adapter = statuses(&run(&paths, &mut exec));
    assert!(in_process.len() > 150, "the whole suite ran ({} subtests)", in_process.len());
    let differ: Vec<String> = in_process
        .iter()
        .filter(|(k, _)| !through_adapter.get(*k).is_some_and(protocol_cannot_carry))
        .filter(|(k, (status, _))| through_adapter.get(*k).map(|(s, _)| s) != Some(status))
        .map(|(k, v)| format!("{k}: in process {v:?}, through the adapter {:?}", through_adapter.get(k)))
        .collect();
    assert!(differ.is_empty(), "per-subtest results differ:\n{}", differ.join("\n"));
    // ua.shutdown ... ua.start with an environment change or a policy: NOTRUN, with the reason.
    let uncarried = through_adapter.values().filter(|v| protocol_cannot_carry(v)).count();
    assert!(uncarried >= 3, "the shutdown scenarios that change the environment or the policy are NOTRUN");
    assert_eq!(in_process.len(), through_adapter.len());
    assert_eq!(exec.product().0, "background-sync (reference adapter)");
}

/// Runs the persistence scenarios with one subtest faulted; returns the
/// faulted subtest's status and message, and checks every other one passed.
fn fault(mode: &str, timeout: Duration) -> (Status, String) {
    let mut target = ExecTarget::new(faulty(mode, FAULTED, None), timeout);
    let results = statuses(&run(&persistence(), &mut target));
    assert!(results.len() >= 5, "the persistence scenarios ran");
    let mut faulted = None;
    for (name, (status, message)) in results {
        if name.contains(FAULTED) {
            faulted = Some((status, message.unwrap_or_default()));
        } else if protocol_cannot_carry(&(status, message.clone())) {
            continue;
        } else {
            assert_eq!(status, Status::Pass, "{name} is not the faulted subtest: {message:?}");
        }
    }
    faulted.expect("the faulted subtest ran")
}

#[test]
fn an_adapter_that_prints_garbage_errors_that_subtest_only() {
    let (status, message) = fault("garbage", Duration::from_secs(20));
    assert_eq!(status, Status::Error);
    assert!(message.contains("not JSON") && message.contains("this is not json"), "{message}");
}

#[test]
fn an_adapter_that_breaks_the_schema_errors_that_subtest_only() {
    let (status, message) = fault("schema", Duration::from_secs(20));
    assert_eq!(status, Status::Error);
    assert!(message.contains("breaks the protocol") && message.contains(r#"{"op": "result"}"#), "{message}");
}

#[test]
fn an_adapter_that_exits_mid_subtest_errors_that_subtest_only() {
    let (status, message) = fault("exit", Duration::from_secs(20));
    assert_eq!(status, Status::Error);
    assert!(message.contains("exited") && message.contains("exiting on purpose"), "{message}");
}

#[test]
fn an_adapter_that_never_answers_times_that_subtest_out_only() {
    let (status, message) = fault("hang", Duration::from_millis(1500));
    assert_eq!(status, Status::Timeout);
    assert!(message.contains("did not answer `input`"), "{message}");
}

#[test]
fn a_missing_capability_makes_its_subtests_notrun_never_pass() {
    // Everything but restart and explain.
    let caps = "devtools-log,storage-faults,dispatch-now,offline-emulation,power,engagement,permission-query,binding,invariants";
    let mut target = ExecTarget::new(faulty("", "\u{1}", Some(caps)), Duration::from_secs(20));
    let results = statuses(&run(&persistence(), &mut target));
    let restarts: Vec<_> = results.iter().filter(|(name, _)| name.contains("restart")).collect();
    assert!(!restarts.is_empty());
    for (name, (status, message)) in restarts {
        assert_eq!(*status, Status::NotRun, "{name} needs restart");
        let message = message.clone().unwrap_or_default();
        assert!(message.contains("\"restart\" capability"), "{name}: {message}");
    }
}
