//! The adapter side of the protocol for any [`Target`]: read the harness's
//! lines, carry them out on the target, write the answers. The reference
//! adapter (`wpt-reference-adapter`) is this over [`EngineTarget`]; a Rust
//! embedder can expose its own `Target` the same way.
//!
//! [`EngineTarget`]: crate::targets::EngineTarget

use super::PROTOCOL_VERSION;
use super::messages::{AdapterMessage, Capabilities, Constructed, HarnessMessage, Implementation, WireRefusal};
use crate::targets::exec::convert::{js_of, json_of, refusal_kind, wire_observation, wire_reply, wire_shape};
use crate::targets::{Outcome, Setup, Target, TargetError, TargetInput};
use std::io::{BufRead, Write};
use sync_policy::{PolicyConfig, Timestamp};

/// Why serving stopped early.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reading or writing the pipes failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The harness sent a line that is not a protocol message.
    #[error("not a protocol message ({error}): {line}")]
    BadMessage {
        /// What was wrong.
        error: String,
        /// The line.
        line: String,
    },
    /// The target failed in a way the protocol has no answer for.
    #[error("the target failed: {0}")]
    Target(String),
}

/// Serves one protocol conversation until `bye` or end of input.
pub fn serve<T: Target>(
    target: &mut T,
    implementation: Implementation,
    capabilities: Capabilities,
    input: impl BufRead,
    mut output: impl Write,
) -> Result<(), ServeError> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let message: HarnessMessage = serde_json::from_str(&line)
            .map_err(|e| ServeError::BadMessage { error: e.to_string(), line: line.clone() })?;
        let answer = match message {
            HarnessMessage::Bye => return Ok(()),
            HarnessMessage::Hello { .. } => AdapterMessage::Hello {
                protocol: PROTOCOL_VERSION,
                implementation: implementation.clone(),
                capabilities,
            },
            HarnessMessage::Begin { subtest, start, policy } => {
                let policy: PolicyConfig = serde_json::from_value(policy)
                    .map_err(|e| ServeError::BadMessage { error: format!("policy: {e}"), line: line.clone() })?;
                fatal(target.begin(&Setup { policy, start, name: subtest }))?;
                AdapterMessage::Ready
            }
            HarnessMessage::Input { now, input } => {
                catch_up(target, now)?;
                let page_call = input.is_page_call();
                let result = target.apply(TargetInput::Engine(input));
                answer_input(target, result, page_call)?
            }
            HarnessMessage::NextWakeup => AdapterMessage::Wakeup { at: target.next_wakeup() },
            HarnessMessage::Advance { to } => {
                catch_up(target, to)?;
                AdapterMessage::Advanced { observations: observations(target) }
            }
            HarnessMessage::Restart { at } => match target.apply(TargetInput::Restart(at)) {
                Ok(_) => AdapterMessage::Restarted { observations: observations(target) },
                Err(e) => unsupported_or_fatal(e)?,
            },
            HarnessMessage::StoreFault { fault } => match target.apply(TargetInput::StoreFault(fault.into())) {
                Ok(_) => AdapterMessage::Ready,
                Err(e) => unsupported_or_fatal(e)?,
            },
            HarnessMessage::Explain { key } => match target.explain(&key) {
                Ok(explanation) => AdapterMessage::Explanation { explanation },
                Err(e) => unsupported_or_fatal(e)?,
            },
            HarnessMessage::QueryPermission { origin, name } => match target.query_permission(&origin, name) {
                Ok(state) => AdapterMessage::Permission { state },
                Err(e) => unsupported_or_fatal(e)?,
            },
            HarnessMessage::ApiSurface { interface } => match target.api_surface(&interface) {
                Ok(shape) => AdapterMessage::ApiSurface { shape: wire_shape(&shape) },
                Err(e) => unsupported_or_fatal(e)?,
            },
            HarnessMessage::ConstructEvent { interface, args } => {
                let args: Vec<_> = args.iter().map(js_of).collect();
                match target.construct_event(&interface, &args) {
                    Ok(Ok(fields)) => AdapterMessage::Constructed {
                        result: Constructed::Ok(fields.iter().map(|(k, v)| (k.clone(), json_of(v))).collect()),
                    },
                    Ok(Err(thrown)) => AdapterMessage::Constructed { result: Constructed::Thrown(thrown) },
                    Err(e) => unsupported_or_fatal(e)?,
                }
            }
            HarnessMessage::CheckInvariants => match target.check_invariants() {
                Ok(violations) => AdapterMessage::Invariants { violations },
                Err(e) => unsupported_or_fatal(e)?,
            },
        };
        let text = serde_json::to_string(&answer).map_err(|e| ServeError::Target(format!("encoding: {e}")))?;
        writeln!(output, "{text}")?;
        output.flush()?;
    }
    Ok(())
}

/// Brings the target's clock to `now` (inputs arrive at the harness's time).
fn catch_up<T: Target>(target: &mut T, now: Timestamp) -> Result<(), ServeError> {
    if now > target.now() {
        fatal(target.advance_to(now))?;
    }
    Ok(())
}

fn observations<T: Target>(target: &mut T) -> Vec<super::messages::WireObservation> {
    target.take_observations().iter().map(wire_observation).collect()
}

fn answer_input<T: Target>(
    target: &mut T,
    result: Result<Outcome, TargetError>,
    page_call: bool,
) -> Result<AdapterMessage, ServeError> {
    let (reply, error) = match result {
        Ok(Outcome::Reply(reply)) if page_call => (Some(wire_reply(&reply)), None),
        Ok(_) => (None, None),
        Err(TargetError::Refused { kind, message }) => {
            (None, Some(WireRefusal { kind: refusal_kind(kind).to_string(), message }))
        }
        Err(e) => return unsupported_or_fatal(e),
    };
    Ok(AdapterMessage::Result { error, reply, observations: observations(target) })
}

fn fatal<T>(result: Result<T, TargetError>) -> Result<T, ServeError> {
    result.map_err(|e| ServeError::Target(e.to_string()))
}

fn unsupported_or_fatal(e: TargetError) -> Result<AdapterMessage, ServeError> {
    match e {
        TargetError::NotObservable(message) => Ok(AdapterMessage::Unsupported { message }),
        other => Err(ServeError::Target(other.to_string())),
    }
}
