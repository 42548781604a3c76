//! The `exec` target: any implementation, in any language, through an adapter
//! process that speaks the protocol of `PROTOCOL.md` on its stdin and stdout.
//!
//! One process per subtest (started at [`Target::begin`], told `bye` at the
//! next one), so a crash or a hang ends only the subtest it happened in. What
//! the adapter cannot do (its `hello` capabilities) makes the subtest `NOTRUN`
//! with the reason; a line that is not JSON or breaks the schema, an exit or
//! silence makes it `ERROR` or `TIMEOUT` with the offending line.

pub mod convert;
mod process;

use super::{InterfaceShape, Observation, Outcome, Reply, Setup, StoreFault, Target, TargetError, TargetInput};
use crate::protocol::PROTOCOL_VERSION;
use crate::protocol::messages::{AdapterMessage, Capabilities, Constructed, HarnessMessage, Implementation};
use crate::scenario::JsValue;
use convert::{js_of, json_of, observation_of, refusal_of, reply_of, shape_of};
use process::AdapterProcess;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;
use sync_core::{EventId, Explanation, Input, RegistrationKey, SwRegId};
use sync_policy::{EventOutcome, PermissionName, PermissionState, Timestamp};

/// The default time the harness waits for one answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs scenarios against an adapter process.
pub struct ExecTarget {
    command: String,
    timeout: Duration,
    process: RefCell<Option<AdapterProcess>>,
    implementation: Option<Implementation>,
    capabilities: Capabilities,
    now: Timestamp,
    wakeup: Option<Timestamp>,
    observations: Vec<Observation>,
    /// Events in flight, with their deadline and worker (to stop a worker).
    open_events: BTreeMap<EventId, (Timestamp, SwRegId)>,
    /// The user agent is shut down (`ua.shutdown`): the adapter is not told
    /// until `ua.start`, which it sees as one `restart` at the start time.
    down: bool,
}

impl ExecTarget {
    /// A target that starts `command` (with `sh -c`) for every subtest and
    /// waits at most `timeout` for each answer.
    pub fn new(command: impl Into<String>, timeout: Duration) -> ExecTarget {
        ExecTarget {
            command: command.into(),
            timeout,
            process: RefCell::new(None),
            implementation: None,
            capabilities: Capabilities::default(),
            now: Timestamp(0),
            wakeup: None,
            observations: Vec::new(),
            open_events: BTreeMap::new(),
            down: false,
        }
    }

    /// An input while the user agent is down. The protocol's `restart`
    /// carries no environment and no policy, so a change of either while down
    /// is not observable through it.
    fn while_down(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        match input {
            TargetInput::Start(None) => {
                self.down = false;
                self.apply(TargetInput::Restart(self.now))
            }
            TargetInput::Start(Some(_)) => Err(TargetError::NotObservable(
                "a new policy at `ua.start` (the adapter protocol has no message that carries a policy)".into(),
            )),
            TargetInput::Shutdown => Ok(Outcome::Applied),
            // The adapter's store keeps its own state while the user agent is down.
            TargetInput::StoreFault(fault) => self.store_fault(fault),
            TargetInput::Engine(input) if super::applies_while_down(&input) => {
                Err(TargetError::NotObservable(format!(
                    "the input {} while the user agent is down (the protocol's `restart` carries no environment: \
                     the adapter restarts with the one it had)",
                    input.name()
                )))
            }
            other => Err(TargetError::Broken(format!("the user agent is shut down: {other:?} needs it running"))),
        }
    }

    /// Puts the adapter's store in a fault state (or heals it).
    fn store_fault(&mut self, fault: StoreFault) -> Result<Outcome, TargetError> {
        self.need("store-state")?;
        match self.exchange(&HarnessMessage::StoreFault { fault: fault.into() })? {
            AdapterMessage::Ready => Ok(Outcome::Applied),
            other => Err(Self::unexpected("store-fault", &other)),
        }
    }

    fn exchange(&self, message: &HarnessMessage) -> Result<AdapterMessage, TargetError> {
        let mut slot = self.process.borrow_mut();
        let process = slot.as_mut().ok_or_else(|| TargetError::Broken("no adapter is running".into()))?;
        process.exchange(message)
    }

    fn need(&self, capability: &str) -> Result<(), TargetError> {
        if self.capabilities.has(capability) {
            Ok(())
        } else {
            Err(TargetError::NotObservable(format!("{capability} (the adapter has no \"{capability}\" capability)")))
        }
    }

    fn unexpected(op: &str, got: &AdapterMessage) -> TargetError {
        TargetError::Broken(format!("the adapter answered `{}` to `{op}`", got.op()))
    }

    /// Keeps what the adapter reported, tracking events in flight.
    fn observe(&mut self, observations: Vec<crate::protocol::messages::WireObservation>) {
        for wire in observations {
            let (observation, deadline) = observation_of(wire);
            if let Observation::Dispatch(d) = &observation {
                self.open_events.insert(d.event, (deadline.unwrap_or(Timestamp::MAX), d.sw));
            }
            self.observations.push(observation);
        }
    }

    /// Asks when the adapter next needs to run (after every change).
    fn refresh_wakeup(&mut self) -> Result<(), TargetError> {
        match self.exchange(&HarnessMessage::NextWakeup)? {
            AdapterMessage::Wakeup { at } => {
                self.wakeup = at;
                Ok(())
            }
            other => Err(Self::unexpected("next-wakeup", &other)),
        }
    }

    fn input(&mut self, input: Input) -> Result<Outcome, TargetError> {
        if let Some(capability) = Capabilities::required_for(&input) {
            self.need(capability)?;
        }
        let page_call = input.is_page_call();
        match &input {
            Input::StorageFailed { .. } => self.open_events.clear(),
            Input::EventFinished { event, .. } => {
                self.open_events.remove(event);
            }
            _ => {}
        }
        let answer = self.exchange(&HarnessMessage::Input { now: self.now, input })?;
        let AdapterMessage::Result { error, reply, observations } = answer else {
            return Err(Self::unexpected("input", &answer));
        };
        self.observe(observations);
        self.refresh_wakeup()?;
        if let Some(refusal) = error {
            return Err(TargetError::refused(refusal_of(&refusal.kind), refusal.message));
        }
        match (page_call, reply) {
            (true, Some(reply)) => Ok(Outcome::Reply(reply_of(reply))),
            (true, None) => Err(TargetError::Broken("the adapter's result for a page call has no reply".into())),
            (false, Some(_)) => {
                Err(TargetError::Broken("the adapter replied to an input that is not a page call".into()))
            }
            (false, None) => Ok(Outcome::Applied),
        }
    }
}

impl Target for ExecTarget {
    fn name(&self) -> &str {
        "exec"
    }

    fn product(&self) -> (String, String) {
        match &self.implementation {
            Some(i) => (i.name.clone(), i.version.clone()),
            None => ("exec".into(), "unknown".into()),
        }
    }

    fn begin(&mut self, setup: &Setup) -> Result<(), TargetError> {
        if let Some(previous) = self.process.borrow_mut().take() {
            previous.finish();
        }
        self.now = setup.start;
        self.wakeup = None;
        self.observations.clear();
        self.open_events.clear();
        self.down = false;
        self.capabilities = Capabilities::default();
        *self.process.borrow_mut() = Some(AdapterProcess::start(&self.command, self.timeout)?);
        match self.exchange(&HarnessMessage::Hello { protocol: PROTOCOL_VERSION })? {
            AdapterMessage::Hello { protocol, implementation, capabilities } => {
                if protocol != PROTOCOL_VERSION {
                    return Err(TargetError::Broken(format!(
                        "the adapter speaks protocol {protocol}; this harness speaks {PROTOCOL_VERSION}"
                    )));
                }
                self.implementation = Some(implementation);
                self.capabilities = capabilities;
            }
            other => return Err(Self::unexpected("hello", &other)),
        }
        let policy = serde_json::to_value(&setup.policy)
            .map_err(|e| TargetError::Broken(format!("encoding the policy: {e}")))?;
        let begin = HarnessMessage::Begin { subtest: setup.name.clone(), start: setup.start, policy };
        match self.exchange(&begin)? {
            AdapterMessage::Ready => self.refresh_wakeup(),
            other => Err(Self::unexpected("begin", &other)),
        }
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn next_wakeup(&self) -> Option<Timestamp> {
        self.wakeup
    }

    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError> {
        let at = at.max(self.now);
        if self.down {
            // The adapter's user agent is down: its clock moves at `ua.start`.
            self.now = at;
            return Ok(());
        }
        match self.exchange(&HarnessMessage::Advance { to: at })? {
            AdapterMessage::Advanced { observations } => {
                self.now = at;
                self.observe(observations);
                self.open_events.retain(|_, (deadline, _)| *deadline > at);
                self.refresh_wakeup()
            }
            other => Err(Self::unexpected("advance", &other)),
        }
    }

    fn take_observations(&mut self) -> Vec<Observation> {
        std::mem::take(&mut self.observations)
    }

    fn apply(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        if self.down {
            return self.while_down(input);
        }
        match input {
            TargetInput::Engine(input) => self.input(input),
            TargetInput::PeriodicRegister { caller, sw, tag, min_interval } => {
                // The binding's [EnforceRange] conversion happens here, as in a browser.
                match min_interval.map(sync_core::binding::enforce_range_u64).transpose() {
                    Ok(v) => self.input(Input::RegisterPeriodic {
                        caller,
                        sw,
                        tag: tag.into(),
                        min_interval: v.unwrap_or(0),
                    }),
                    Err(e) => Ok(Outcome::Reply(Reply::Rejected { name: "TypeError".into(), message: e.to_string() })),
                }
            }
            TargetInput::TerminateWorker(sw) => {
                let victims: Vec<EventId> =
                    self.open_events.iter().filter(|(_, (_, w))| *w == sw).map(|(e, _)| *e).collect();
                for event in victims {
                    match self.input(Input::EventFinished { event, outcome: EventOutcome::WorkerFailed }) {
                        // Its deadline passed unseen (the adapter did not say it): already timed out.
                        Err(TargetError::Refused { kind: super::Refusal::Expired, .. }) => {}
                        other => {
                            other?;
                        }
                    }
                }
                Ok(Outcome::Applied)
            }
            TargetInput::Restart(at) => {
                self.need("restart")?;
                let at = at.max(self.now);
                match self.exchange(&HarnessMessage::Restart { at })? {
                    AdapterMessage::Restarted { observations } => {
                        self.now = at;
                        self.open_events.clear();
                        self.observe(observations);
                        self.refresh_wakeup()?;
                        Ok(Outcome::Applied)
                    }
                    other => Err(Self::unexpected("restart", &other)),
                }
            }
            TargetInput::StoreFault(fault) => self.store_fault(fault),
            TargetInput::Shutdown => {
                self.need("restart")?;
                self.down = true;
                self.wakeup = None;
                // Events in flight die with the process.
                self.open_events.clear();
                Ok(Outcome::Applied)
            }
            TargetInput::Start(policy) => {
                self.apply(TargetInput::Shutdown)?;
                self.while_down(TargetInput::Start(policy))
            }
        }
    }

    fn query_permission(&mut self, origin: &str, name: PermissionName) -> Result<PermissionState, TargetError> {
        self.need("permission-query")?;
        match self.exchange(&HarnessMessage::QueryPermission { origin: origin.into(), name })? {
            AdapterMessage::Permission { state } => Ok(state),
            other => Err(Self::unexpected("query-permission", &other)),
        }
    }

    fn explain(&mut self, key: &RegistrationKey) -> Result<Explanation, TargetError> {
        self.need("explain")?;
        match self.exchange(&HarnessMessage::Explain { key: key.clone() })? {
            AdapterMessage::Explanation { explanation } => Ok(explanation),
            other => Err(Self::unexpected("explain", &other)),
        }
    }

    fn api_surface(&self, interface: &str) -> Result<InterfaceShape, TargetError> {
        self.need("binding")?;
        match self.exchange(&HarnessMessage::ApiSurface { interface: interface.into() })? {
            AdapterMessage::ApiSurface { shape } => Ok(shape_of(shape)),
            other => Err(Self::unexpected("api-surface", &other)),
        }
    }

    fn construct_event(
        &self,
        interface: &str,
        args: &[JsValue],
    ) -> Result<Result<Vec<(String, JsValue)>, String>, TargetError> {
        self.need("binding")?;
        let message =
            HarnessMessage::ConstructEvent { interface: interface.into(), args: args.iter().map(json_of).collect() };
        match self.exchange(&message)? {
            AdapterMessage::Constructed { result: Constructed::Ok(fields) } => {
                Ok(Ok(fields.iter().map(|(k, v)| (k.clone(), js_of(v))).collect()))
            }
            AdapterMessage::Constructed { result: Constructed::Thrown(name) } => Ok(Err(name)),
            other => Err(Self::unexpected("construct-event", &other)),
        }
    }

    fn check_invariants(&mut self) -> Result<Vec<String>, TargetError> {
        self.need("invariants")?;
        match self.exchange(&HarnessMessage::CheckInvariants)? {
            AdapterMessage::Invariants { violations } => Ok(violations),
            other => Err(Self::unexpected("check-invariants", &other)),
        }
    }
}

impl Drop for ExecTarget {
    fn drop(&mut self) {
        if let Some(process) = self.process.get_mut().take() {
            process.finish();
        }
    }
}
