//! Page-side calls, event outcomes and the binding checks of the Chromium target.

use super::ChromiumTarget;
use super::clock::Ended;
use super::js;
use crate::scenario::{Call, JsValue};
use crate::targets::{InterfaceShape, Refusal, Reply, TargetError};
use serde_json::{Value, json};
use std::time::Duration;
use sync_core::{Caller, EventId, SwRegId};
use sync_policy::EventOutcome;

/// Largest `minInterval` the target compresses (beyond it the value is passed as written).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn reply(value: &Value) -> Result<Reply, TargetError> {
    if value.get("missing").is_some() {
        return Err(TargetError::NotObservable("the caller has no object for this registration".into()));
    }
    if value.get("ok").is_some() {
        return Ok(Reply::Resolved);
    }
    if let Some(tags) = value.get("tags").and_then(Value::as_array) {
        return Ok(Reply::Tags(tags.iter().filter_map(Value::as_str).map(str::to_string).collect()));
    }
    let text = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    if value.get("name").is_some() {
        return Ok(Reply::Rejected { name: text("name"), message: text("message") });
    }
    Err(TargetError::Broken(format!("unexpected answer {value}")))
}

fn js_value(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::Null,
        Value::Bool(b) => JsValue::Bool(*b),
        Value::Number(n) => JsValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => JsValue::Str(s.clone()),
        Value::Array(_) => JsValue::Undefined,
        Value::Object(fields) => JsValue::Object(fields.iter().map(|(k, v)| (k.clone(), js_value(v))).collect()),
    }
}

impl ChromiumTarget {
    /// The `minInterval` argument Chromium gets, compressed like every delay.
    fn min_interval_arg(&mut self, min_interval: Option<f64>) -> Result<Option<String>, TargetError> {
        let Some(v) = min_interval else { return Ok(None) };
        if !(v.is_finite() && (0.0..=MAX_SAFE_INTEGER).contains(&v)) {
            return Ok(Some(js::value(&JsValue::Number(v))));
        }
        if !self.compression.periodic_mapped {
            return Err(TargetError::NotObservable(
                "periodic intervals: the 12 h minimum does not compress to whole seconds at this scale".into(),
            ));
        }
        // [EnforceRange] truncates; the fraction is passed on so that Chromium
        // truncates it too.
        let virtual_ms = v.trunc() as u64;
        let real = self.compression.min_interval_to_real(virtual_ms);
        self.world.min_intervals.entry(real).or_insert(virtual_ms);
        let fraction = v.fract();
        Ok(Some(if fraction == 0.0 { real.to_string() } else { js::value(&JsValue::Number(real as f64 + fraction)) }))
    }

    pub(super) fn page_call(&mut self, caller: Caller, sw: SwRegId, call: &Call) -> Result<Reply, TargetError> {
        self.guard_early()?;
        self.browser()?;
        let worker = match self.world.workers.get(&sw) {
            Some(w) => w.clone(),
            None => return Err(TargetError::NotObservable("a call on a registration that never existed".into())),
        };
        if matches!(call, Call::PeriodicRegister { .. }) && !self.compression.periodic_mapped {
            return Err(TargetError::NotObservable(
                "periodic registrations: the 12 h minimum does not compress to whole seconds at this scale".into(),
            ));
        }
        let min_interval = match call {
            Call::PeriodicRegister { min_interval, .. } => {
                self.world.periodic_seen = true;
                self.guard_early()?;
                // The first delay depends on the origin's engagement at this
                // moment: make sure it is the scenario's (default: high).
                self.apply_engagement(&worker.origin)?;
                self.min_interval_arg(*min_interval)?
            }
            _ => None,
        };
        let args = js::call_args(call, min_interval);
        let value = match caller {
            Caller::Client(id) if self.world.closed.contains(&id) => {
                return Err(TargetError::NotObservable("a call from a closed client".into()));
            }
            Caller::Client(id) => {
                let client =
                    self.world.clients.get(&id).cloned().ok_or_else(|| TargetError::Broken("no client".into()))?;
                if client.origin != worker.origin {
                    return Err(TargetError::NotObservable(
                        "a call from another origin's client (a page cannot hold that registration)".into(),
                    ));
                }
                let script = js::client_call(&worker.scope, &args);
                self.browser()?.evaluate(&client.session, Some(client.context), &script)?
            }
            Caller::Worker(w) if w == sw && !worker.gone => {
                let session = self.worker_session(sw)?;
                self.browser()?.evaluate(&session, None, &js::worker_call(&args))?
            }
            Caller::Worker(_) => {
                return Err(TargetError::NotObservable("a call from a worker on another registration".into()));
            }
            Caller::Embedder => return Err(TargetError::NotObservable("a call with no caller checks".into())),
        };
        let reply = reply(&value)?;
        self.quiesce(Duration::from_millis(60))?;
        if let Some(m) = &self.clock.lagged {
            // The delay this call announced cannot be read back.
            return Err(TargetError::NotObservable(m.clone()));
        }
        Ok(reply)
    }

    pub(super) fn settle_event(&mut self, handle: EventId, outcome: EventOutcome) -> Result<(), TargetError> {
        self.guard_early()?;
        let Some(event) = self.clock.in_flight.get(&handle).cloned() else {
            return match self.clock.ended.get(&handle) {
                Some(Ended::ByChromium) => {
                    Err(TargetError::refused(Refusal::Expired, "Chromium already ended the event (time limit)"))
                }
                Some(Ended::Settled) => {
                    Err(TargetError::NotObservable("settling an event twice (a waitUntil promise settles once)".into()))
                }
                None => Err(TargetError::Broken("unknown event".into())),
            };
        };
        let (sw, kind, tag) = event.key.clone();
        let worker = self.world.workers.get(&sw).cloned().ok_or_else(|| TargetError::Broken("no worker".into()))?;
        if worker.gone {
            // The outcome reaches the worker as a push message to its registration,
            // which no longer exists.
            return Err(TargetError::NotObservable(
                "settling an event of a service worker registration that was unregistered".into(),
            ));
        }
        let decision = match outcome {
            EventOutcome::Fulfilled => "fulfil",
            EventOutcome::Rejected => "reject",
            EventOutcome::WorkerFailed => return self.fail_worker(handle, sw),
            EventOutcome::TimedOut => {
                return Err(TargetError::NotObservable("reporting a time-out as an outcome".into()));
            }
        };
        let data = json!({"settle": format!("{}:{tag}", kind.event_name()), "outcome": decision}).to_string();
        let registration = worker.registration.clone().unwrap_or_default();
        if let Some(e) = self.clock.in_flight.get_mut(&handle) {
            e.settled = true;
        }
        let browser = self.browser()?;
        let observer = browser.observer.clone();
        let params = json!({"origin": worker.real_origin, "registrationId": registration, "data": data});
        browser.cdp.call(Some(&observer), "ServiceWorker.deliverPushMessage", params)?;
        if event.synthetic {
            // An emulated dispatch ends without a record (observed over CDP in Chromium 156).
            self.quiesce(Duration::from_millis(60))?;
            self.clock.in_flight.remove(&handle);
            self.clock.ended.insert(handle, Ended::Settled);
            return Ok(());
        }
        let ended = self.wait_for(Duration::from_secs(5), &|t| !t.clock.in_flight.contains_key(&handle))?;
        if !ended {
            return Err(TargetError::Broken(format!("Chromium did not end event {tag:?} after its outcome")));
        }
        Ok(())
    }

    /// `worker-failed`: the worker is stopped while the event runs.
    fn fail_worker(&mut self, handle: EventId, sw: SwRegId) -> Result<(), TargetError> {
        self.stop_worker(sw)?;
        let ended = self.wait_for(Duration::from_secs(5), &|t| !t.clock.in_flight.contains_key(&handle))?;
        if !ended {
            return Err(TargetError::Broken("Chromium did not end the event of a stopped worker".into()));
        }
        Ok(())
    }

    /// The first client window (top-level) for evaluating in a page.
    fn window_context(&self) -> Result<(String, i64), TargetError> {
        self.world
            .clients
            .values()
            .find(|c| c.frame != sync_policy::FrameType::Nested)
            .map(|c| (c.session.clone(), c.context))
            .ok_or_else(|| TargetError::NotObservable("the binding surface with no window open".into()))
    }

    /// Evaluates in the first active worker on a temporary session.
    fn in_worker(&self, script: &str) -> Result<Value, TargetError> {
        if !self.clock.in_flight.is_empty() {
            return Err(TargetError::NotObservable("binding checks while events run".into()));
        }
        let browser = self.browser.as_ref().ok_or_else(|| TargetError::NotObservable("no browser".into()))?;
        let target = self
            .world
            .workers
            .values()
            .filter(|w| !w.gone)
            .filter_map(|w| w.registration.as_ref())
            .filter_map(|r| self.world.versions.get(r))
            .find_map(|v| if v.running { v.target.clone() } else { None })
            .ok_or_else(|| TargetError::NotObservable("the worker scope with no running worker".into()))?;
        let session = browser.attach(&target)?;
        let value = browser.evaluate(&session, None, script);
        browser.detach(&session)?;
        value
    }

    pub(super) fn shape(&self, interface: &str) -> Result<InterfaceShape, TargetError> {
        let browser = self.browser.as_ref().ok_or_else(|| TargetError::NotObservable("no browser".into()))?;
        let (session, context) = self.window_context()?;
        let script = js::interface_shape(interface);
        let window = browser.evaluate(&session, Some(context), &script)?;
        let worker = self.in_worker(&script)?;
        let dedicated = browser.evaluate(&session, None, &js::exposed_in_dedicated_worker(interface))?;
        let present = |v: &Value| v.get("present").and_then(Value::as_bool) == Some(true);
        let mut exposed = Vec::new();
        if present(&window) {
            exposed.push("Window".to_string());
        }
        match (dedicated.as_bool() == Some(true), present(&worker)) {
            (true, true) => exposed.push("Worker".into()),
            (false, true) => exposed.push("ServiceWorker".into()),
            (true, false) => exposed.push("DedicatedWorker".into()),
            (false, false) => {}
        }
        let source = if present(&window) { &window } else { &worker };
        if !present(source) {
            return Err(TargetError::refused(Refusal::Other, format!("Chromium has no interface {interface}")));
        }
        let ops = source
            .get("ops")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|o| Some((o.get(0)?.as_str()?.to_string(), o.get(1)?.as_u64()? as u32)))
            .collect();
        let attrs = source
            .get("attrs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        Ok(InterfaceShape { exposed, ops, attrs })
    }

    pub(super) fn construct(
        &self,
        interface: &str,
        args: &[JsValue],
    ) -> Result<Result<Vec<(String, JsValue)>, String>, TargetError> {
        let value = self.in_worker(&js::construct_event(interface, args))?;
        if let Some(name) = value.get("threw").and_then(Value::as_str) {
            return Ok(Err(name.to_string()));
        }
        let fields = value.get("values").and_then(Value::as_object).cloned().unwrap_or_default();
        Ok(Ok(fields.iter().map(|(k, v)| (k.clone(), js_value(v))).collect()))
    }
}
