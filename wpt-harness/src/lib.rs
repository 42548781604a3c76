//! The conformance suite for the Background Sync engine: scenario files
//! replayed on virtual time against a [`target::Target`], with wpt.fyi-style
//! `wptreport.json` and an HTML report.
//!
//! `cargo run --release -p wpt-harness` runs the bundled suite
//! (`wpt-harness/scenarios/`) on the `chromium` profile and ends with
//! `N passed, N failed`, counting subtests.
//!
//! # Scenario files
//!
//! One YAML file is one test. Files under `scenarios/wpt/` translate
//! web-platform-tests and are reported under their WPT path (`test:`);
//! `scenarios/chromium-webtests/` translates Chromium web tests under
//! `/chromium-webtests/...`; `scenarios/ext/` holds our own scenarios, whose
//! id is their path (`/ext/sync/online-fires-immediately`).
//!
//! ```yaml
//! test: /optional/explicit/id.html     # default: / + path below the suite root
//! source: extension                    # wpt-direct | wpt-historical | chromium-webtest | extension
//! policy: spec                         # optional; or {profile: spec, oneshot.max_attempts: 5}
//! description: free text
//! initial:                             # defaults: origin A (https://a.test), R1 active on A,
//!   network: offline                   # W1 a top-level window of A, both sync permissions
//!   permissions: {periodic-background-sync: unset}   # granted, online, t = 0
//! steps:                               # or `subtests: {name: [steps...], ...}`
//!   - sync.register: {reg: R1, tag: a}
//!     expect: resolve                  # or {reject: InvalidStateError} / {tags: [a], order: insertion}
//!   - clock.advance: 1h
//!   - network: online
//!   - events: [{id: e1, type: sync, tag: a, lastChance: false, at: 1h}]
//!   - settle: {event: e1, outcome: reject}    # fulfil | reject | hang | worker-failed
//! ```
//!
//! **Policy.** A scenario that names a profile (`policy: chromium`,
//! `policy: spec`, `policy: {profile: ..., ...}`) always runs under it; one
//! that does not runs under `--profile` (default `chromium`). Overrides
//! (dotted `PolicyConfig` keys) apply on top in both cases.
//!
//! **Initial environment** (`initial:`): `origins: [A, B]`; `sw: {R1: {origin,
//! scope, state: none|installing|waiting|active}}` (merged into the default
//! R1); `clients: {W1: {origin, frame: top-level|auxiliary|nested|worker,
//! controlled_by, parent}}` (replaces the default); `permissions:
//! {background-sync: granted|denied|prompt|unset, ...}` or per origin
//! `{B: {...}}`; `network: online|offline|metered` or `{online, metered, R1:
//! offline}` (per-worker DevTools emulation); `power: {battery_saver,
//! charging, battery_percent}`; `engagement: high` or `{A: low}`; `clock: 1h`.
//!
//! **Steps.** Page calls `sync.register`, `sync.getTags`, `periodic.register`
//! (`options: {minInterval: N|NaN|Infinity}`), `periodic.unregister`,
//! `periodic.getTags`, each with `reg`, `tag`, optional `from: W1 | sw:R1 |
//! stale:R1 | embedder` and optional `expect`. Environment: `client.open
//! {id, origin, frame}`, `client.close {id}`, `network`, `power.set`,
//! `permission.set {origin, name, state}`, `permission.query` (expect
//! `{state_in: [...]}`), `engagement.set {origin, level}`, `emulate_offline
//! {reg, offline}`, `sw.activate|sw.unregister|sw.terminate {reg}`,
//! `sw.install {reg, origin}` (installing), `sw.install_and_activate {reg,
//! origin}`, `origin.clear {origin}`, `ua.restart {}` or `ua.restart
//! {downtime: 1h}` (rebuilt from the store; no wake-ups while down),
//! `storage.fail {}`. `repeat: {times: N, steps: [...]}` repeats steps with
//! `{i}` in strings replaced by 0..N.
//! Time: `clock.advance: 5m`, `clock.advance_to: 12h`. Checks: `events`
//! (exactly the dispatches since the last check; `order: strict` to compare
//! in order), `settle {event, outcome}` (optionally `expect: {error:
//! expired|already-settled}`), `expect_sequence` (each event at its `at`,
//! then settled, `reject` unless `outcome:` says otherwise), `dispatch_now
//! {reg, tag, kind}` (expect `ok` or `{error: offline|already-firing|
//! not-registered|disabled}`), `explain {reg, tag, kind}` (expect `{reason,
//! until, reregistered}`), `logs` (exactly these records since the last
//! `logs` check, or `logs: {contains: [...]}`; each `{name, tag, metadata,
//! at}`), `assert: invariants`, `bind.shape`, `bind.construct`, `note`.
//! Durations are `5m`, `12h`, `11h59m59s` or milliseconds. A tag written
//! `<N × 'a'>` is N copies of `a`.
//!
//! **Settling.** An event listed in `events` without an `id` is settled
//! `fulfil` right after the check; with an `id` it stays in flight until a
//! `settle` step (`hang`: never, so its deadline applies).
//!
//! # Expectations
//!
//! `expectations/known-engine-bugs.toml` (used unless `--expectations` is
//! given): absence means PASS, every entry has a reason, an unexpected pass
//! fails the run, and so does a run in which no subtest ran.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod expectations;
pub mod policy;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod simulate;
pub mod suite;
pub mod target;
pub mod timeline;
pub mod yaml;
