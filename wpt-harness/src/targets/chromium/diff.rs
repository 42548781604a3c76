//! The differential report: the same subtest on Chromium and on the engine
//! (under the `chromium` profile), compared step by step.
//!
//! A [`Recorder`] wraps a target and writes one [`Segment`] per input the
//! runner gives it through [`Target::apply`] (consecutive `advance_to` calls
//! are one segment): the
//! reply or refusal, the dispatches in order, and the log records as a set
//! (Chromium writes some records of one step in a different order than the
//! engine, which no scenario checks). Two traces agree when every segment
//! is equal; otherwise the first differing segment is the difference.

use crate::scenario::JsValue;
use crate::targets::{InterfaceShape, Observation, Outcome, Reply, Setup, Target, TargetError, TargetInput};
use crate::timeline::{format_time, show_tag};
use std::fmt::Write as _;
use sync_core::Input;
use sync_policy::{PermissionName, PermissionState, SyncKind, Timestamp};

/// What one input to a target produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// The input (`call sync.register "a" on sw1`, `advance to 5m`).
    pub label: String,
    /// Its result (a reply, `ok`, or the refusal).
    pub result: String,
    /// Dispatches, in order.
    pub dispatches: Vec<String>,
    /// Log records, sorted.
    pub logs: Vec<String>,
}

/// A target that records what it is given and what it answers.
pub struct Recorder<T> {
    /// The wrapped target.
    pub inner: T,
    /// One segment per input.
    pub trace: Vec<Segment>,
    epoch: Timestamp,
    advancing: bool,
}

/// The segment label of one input.
fn label(input: &TargetInput) -> String {
    let input = match input {
        TargetInput::Engine(input) => input,
        TargetInput::PeriodicRegister { caller, sw, tag, min_interval } => {
            return format!(
                "periodic.register({}, minInterval {min_interval:?}) on sw{} from {caller:?}",
                show_tag(tag),
                sw.0
            );
        }
        TargetInput::TerminateWorker(sw) => return format!("terminate sw{}", sw.0),
        TargetInput::Restart(_) => return "restart".into(),
        TargetInput::StoreFault(fault) => return fault.keyword().into(),
        TargetInput::Shutdown => return "shutdown".into(),
        TargetInput::Start(None) => return "start".into(),
        TargetInput::Start(Some(_)) => return "start under a new policy".into(),
    };
    match input {
        Input::Register { caller, sw, tag } => {
            format!("sync.register({}) on sw{} from {caller:?}", show_tag(tag), sw.0)
        }
        Input::GetTags { caller, sw, kind } => {
            let manager = if *kind == SyncKind::OneOff { "sync" } else { "periodic" };
            format!("{manager}.getTags() on sw{} from {caller:?}", sw.0)
        }
        Input::RegisterPeriodic { caller, sw, tag, min_interval } => {
            format!("periodic.register({}, minInterval {min_interval}) on sw{} from {caller:?}", show_tag(tag), sw.0)
        }
        Input::UnregisterPeriodic { caller, sw, tag } => {
            format!("periodic.unregister({}) on sw{} from {caller:?}", show_tag(tag), sw.0)
        }
        Input::Network(network) => format!("network {network:?}"),
        Input::Power(power) => format!("power {power:?}"),
        Input::Permission { origin, name, state } => format!("permission {name:?} {state:?} on {origin}"),
        Input::Engagement { origin, level } => format!("engagement {level:?} on {origin}"),
        Input::ClientOpened { client, origin, frame } => format!("open client {} ({frame:?}) on {origin}", client.0),
        Input::ClientClosed(client) => format!("close client {}", client.0),
        Input::AddWorker { sw, origin, active } => format!("add worker sw{} on {origin} (active: {active})", sw.0),
        Input::WorkerActivated(sw) => format!("activate sw{}", sw.0),
        Input::WorkerUnregistered(sw) => format!("unregister sw{}", sw.0),
        Input::OriginCleared(origin) => format!("clear {origin}"),
        Input::EventFinished { outcome, .. } => format!("settle {outcome:?}"),
        Input::EmulateOffline { sw, offline } => format!("emulate offline sw{} {offline}", sw.0),
        Input::DispatchNow(_) => "dispatch now".into(),
        Input::DispatchSynthetic { sw, kind, tag, .. } => {
            format!("DevTools dispatch {} {} on sw{}", kind.event_name(), show_tag(tag), sw.0)
        }
        other => other.name().replace('_', " "),
    }
}

fn show_result<T: std::fmt::Debug>(r: &Result<T, TargetError>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(TargetError::Refused { kind, .. }) => format!("refused ({})", kind.name()),
        Err(e) => format!("{e}"),
    }
}

impl<T: Target> Recorder<T> {
    /// Wraps `inner`; times are shown relative to `epoch` (virtual time 0).
    pub fn new(inner: T, epoch: Timestamp) -> Recorder<T> {
        Recorder { inner, trace: Vec::new(), epoch, advancing: false }
    }

    fn open<R: std::fmt::Debug>(&mut self, label: String, result: Result<R, TargetError>) -> Result<R, TargetError> {
        self.advancing = false;
        self.trace.push(Segment { label, result: show_result(&result), ..Segment::default() });
        result
    }

    fn at(&self, t: Timestamp) -> String {
        format_time(t.saturating_since(self.epoch))
    }
}

impl<T: Target> Target for Recorder<T> {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn product(&self) -> (String, String) {
        self.inner.product()
    }
    fn begin(&mut self, setup: &Setup) -> Result<(), TargetError> {
        self.trace.clear();
        let r = self.inner.begin(setup);
        self.open("begin".into(), r)
    }
    fn now(&self) -> Timestamp {
        self.inner.now()
    }
    fn next_wakeup(&self) -> Option<Timestamp> {
        self.inner.next_wakeup()
    }
    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError> {
        let r = self.inner.advance_to(at);
        let label = format!("advance to {}", self.at(at));
        if self.advancing
            && r.is_ok()
            && let Some(last) = self.trace.last_mut()
        {
            last.label = label;
            return r;
        }
        let r = self.open(label, r);
        self.advancing = r.is_ok();
        r
    }
    fn take_observations(&mut self) -> Vec<Observation> {
        let obs = self.inner.take_observations();
        if self.trace.is_empty() {
            self.trace.push(Segment { label: "start".into(), ..Segment::default() });
        }
        let epoch = self.epoch;
        let at = |t: Timestamp| format_time(t.saturating_since(epoch));
        if let Some(seg) = self.trace.last_mut() {
            for o in &obs {
                match o {
                    Observation::Dispatch(d) => {
                        let lc = d.last_chance.map(|l| format!(" lastChance={l}")).unwrap_or_default();
                        seg.dispatches.push(format!(
                            "{} {}{lc} at {} on sw{}",
                            d.kind.event_name(),
                            show_tag(&d.tag),
                            at(d.at),
                            d.sw.0
                        ));
                    }
                    Observation::Log(l) => {
                        let mut meta: Vec<String> = l.metadata.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                        meta.sort();
                        seg.logs.push(format!(
                            "{} {} {{{}}} at {} on sw{}",
                            l.name,
                            show_tag(&l.tag),
                            meta.join(", "),
                            at(l.at),
                            l.sw.0
                        ));
                        seg.logs.sort();
                    }
                }
            }
        }
        obs
    }
    fn apply(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        let label = label(&input);
        let r = match self.inner.apply(input) {
            // Messages differ between products; the exception name is what is compared.
            Ok(Outcome::Reply(Reply::Rejected { name, .. })) => {
                Ok(Outcome::Reply(Reply::Rejected { name, message: String::new() }))
            }
            other => other,
        };
        self.open(label, r)
    }
    fn query_permission(&mut self, origin: &str, name: PermissionName) -> Result<PermissionState, TargetError> {
        let r = self.inner.query_permission(origin, name);
        self.open(format!("query permission {name:?} on {origin}"), r)
    }
    fn registrations(&mut self) -> Result<Vec<sync_core::RegistrationInfo>, TargetError> {
        self.inner.registrations()
    }
    fn api_surface(&self, interface: &str) -> Result<InterfaceShape, TargetError> {
        self.inner.api_surface(interface)
    }
    fn construct_event(
        &self,
        interface: &str,
        args: &[JsValue],
    ) -> Result<Result<Vec<(String, JsValue)>, String>, TargetError> {
        self.inner.construct_event(interface, args)
    }
}

/// The label of a difference that is only in the traces' lengths.
pub const DIFFERENT_LENGTHS: &str = "the traces have different lengths";

/// The first place two traces differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The input, counted from 1.
    pub index: usize,
    /// What it was.
    pub label: String,
    /// What Chromium did.
    pub chromium: String,
    /// What the engine did.
    pub engine: String,
}

fn describe(s: &Segment, part: &str) -> String {
    match part {
        "result" => format!("result {}", s.result),
        "dispatches" => format!("dispatched [{}]", s.dispatches.join("; ")),
        _ => format!("logged [{}]", s.logs.join("; ")),
    }
}

/// Compares two traces (Chromium's first); `None` when they agree.
pub fn compare(chromium: &[Segment], engine: &[Segment]) -> Option<Difference> {
    for (i, (c, e)) in chromium.iter().zip(engine).enumerate() {
        let label = if c.label == e.label { c.label.clone() } else { format!("{} / {}", c.label, e.label) };
        for part in ["result", "dispatches", "logs"] {
            let differs = match part {
                "result" => c.result != e.result || c.label != e.label,
                "dispatches" => c.dispatches != e.dispatches,
                _ => c.logs != e.logs,
            };
            if differs {
                let (chromium, engine) = if part == "logs" {
                    let only_c: Vec<&String> = c.logs.iter().filter(|l| !e.logs.contains(l)).collect();
                    let only_e: Vec<&String> = e.logs.iter().filter(|l| !c.logs.contains(l)).collect();
                    (format!("only Chromium logged {only_c:?}"), format!("only the engine logged {only_e:?}"))
                } else {
                    (describe(c, part), describe(e, part))
                };
                return Some(Difference { index: i + 1, label, chromium, engine });
            }
        }
    }
    if chromium.len() != engine.len() {
        let n = chromium.len().min(engine.len());
        let next = |t: &[Segment]| t.get(n).map(|s| s.label.clone()).unwrap_or_else(|| "(stopped)".into());
        return Some(Difference {
            index: n + 1,
            label: DIFFERENT_LENGTHS.into(),
            chromium: next(chromium),
            engine: next(engine),
        });
    }
    None
}

/// A trace as text (for reports).
pub fn render(trace: &[Segment]) -> String {
    let mut out = String::new();
    for (i, s) in trace.iter().enumerate() {
        let _ = writeln!(out, "#{} {} -> {}", i + 1, s.label, s.result);
        for d in &s.dispatches {
            let _ = writeln!(out, "    dispatch {d}");
        }
        for l in &s.logs {
            let _ = writeln!(out, "    log {l}");
        }
    }
    out
}
