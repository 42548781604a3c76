//! The browser down and up again: `ua.shutdown`, `ua.start` and `ua.restart`.
//!
//! Shutting down closes Chromium politely (`Browser.close`), so that its
//! profile is written; starting launches it again on the same
//! `--user-data-dir`, where the service worker database keeps the
//! registrations (with their attempt counts and absolute due times) and the
//! preferences keep site engagement and DevTools recording. The HTTP servers
//! of the scenario origins stay up in between, on the same ports, so the
//! origins are the same ones. After the launch the target observes again,
//! sets the permissions again (DevTools permission overrides live in the
//! browser's memory only), sets engagement again and reopens the top-level
//! clients (the engine target re-announces its clients too).
//!
//! While the browser is down, virtual time passes in real time at the
//! subtest's compression when Chromium has delays pending (its due times are
//! wall-clock times), and at once otherwise. On start Chromium fires what
//! came due meanwhile; the target stamps those dispatches at the start.
//!
//! Not observable, and reported so: a start while the device is offline
//! (DevTools offline emulation is per worker and can only begin once
//! Chromium runs, and Chromium fires what is ready as it starts), popups
//! and iframes open across a restart, a new policy at start that needs
//! another time compression or knobs no field trial sets, and a dispatch
//! that Chromium makes during the relaunch although its virtual time is
//! later (the relaunch takes real time, which the compression turns into
//! virtual time).

use super::ChromiumTarget;
use super::browser::Browser;
use super::compression::{self, Compression};
use super::world::Client;
use crate::targets::{Outcome, TargetError, TargetInput, applies_while_down};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};
use sync_core::{ClientId, Input};
use sync_policy::{FrameType, PolicyConfig, Timestamp};

/// How long after a due time (real) a start waits, so that Chromium sees it passed.
const DUE_MARGIN: Duration = Duration::from_millis(50);

/// Wall-clock seconds since the epoch, as Chromium stamps its records.
fn wall_secs() -> f64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

impl ChromiumTarget {
    /// Whether a Background Services record is one Chromium stored before
    /// the restart and sends again when observation starts.
    pub(super) fn replayed(&self, params: &Value) -> bool {
        let Some(cutoff) = self.replay_before else { return false };
        let stamp = params.get("backgroundServiceEvent").and_then(|e| e.get("timestamp")).and_then(Value::as_f64);
        stamp.is_some_and(|t| t < cutoff)
    }

    /// An input while the browser is down: environment changes are kept for
    /// the start; anything else needs a running browser.
    pub(super) fn while_down(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        match input {
            TargetInput::Engine(input) if applies_while_down(&input) => {
                match input {
                    Input::Network(network) if network.metered => {
                        return Err(TargetError::NotObservable(
                            "a metered network (Chromium has no emulation of it)".into(),
                        ));
                    }
                    Input::Network(network) => self.world.device_offline = !network.online,
                    Input::Permission { origin, name, state } => {
                        self.world.permissions.insert((origin, name), state);
                    }
                    Input::Engagement { origin, level } => {
                        self.world.engagement.insert(origin, level);
                    }
                    other => return Err(TargetError::NotObservable(format!("the input {}", other.name()))),
                }
                Ok(Outcome::Applied)
            }
            TargetInput::Start(policy) => self.start(policy.map(|p| *p)).map(|()| Outcome::Applied),
            TargetInput::Shutdown => Ok(Outcome::Applied),
            TargetInput::StoreFault(fault) => Err(TargetError::NotObservable(format!(
                "store faults ({}): Chromium's store cannot be made to fail",
                fault.keyword()
            ))),
            other => Err(TargetError::Broken(format!("the browser is shut down: {other:?} needs it running"))),
        }
    }

    /// `ua.shutdown`: closes the browser, keeping its profile and the origins' servers.
    pub(super) fn shutdown(&mut self) -> Result<(), TargetError> {
        self.guard_early()?;
        if let Some(reason) = &self.unobservable {
            return Err(TargetError::NotObservable(reason.clone()));
        }
        if let Some(browser) = self.browser.take() {
            // Read what is waiting before the connection goes.
            if let Ok(events) = browser.pump_now() {
                self.ingest(events);
            }
            self.parked_listeners = browser.close();
        }
        self.down = true;
        self.replay_before = Some(wall_secs());
        // Events in flight die with the process; DevTools sessions end with it.
        self.clock.in_flight.clear();
        self.world.versions.clear();
        self.world.network_sessions.clear();
        self.world.devtools_sessions.clear();
        self.world.call_sessions.clear();
        self.world.new_pages.clear();
        Ok(())
    }

    /// Virtual time while the browser is down. Chromium's due times are
    /// wall-clock times: every one that comes due by `to` must have passed in
    /// real time before the start, so that Chromium fires it as it starts;
    /// later ones keep their real due times whatever the wait.
    pub(super) fn advance_down(&mut self, to: Timestamp) -> Result<(), TargetError> {
        let to = to.max(self.now);
        let due = self.clock.timers.values().filter(|t| t.due <= to).map(|t| t.due_real).max();
        if let Some(due_real) = due {
            let until = due_real + DUE_MARGIN;
            if until.saturating_duration_since(self.started) > super::clock::REAL_TIME_BUDGET {
                return Err(TargetError::NotObservable(format!(
                    "the browser down for {}: more real time than the subtest may take at this time compression",
                    crate::timeline::format_time(to.saturating_since(self.now))
                )));
            }
            // The browser is closed: there is nothing to read meanwhile.
            std::thread::sleep(until.saturating_duration_since(Instant::now()));
        }
        // Pace what follows against Chromium's next due time, or from now.
        match self.clock.timers.values().filter(|t| t.due > to).min_by_key(|t| t.due) {
            Some(next) => self.clock.anchor = (next.due, next.due_real),
            None => self.clock.start(to),
        }
        self.now = to;
        Ok(())
    }

    /// `ua.start`: Chromium again on the same profile, the environment set again.
    pub(super) fn start(&mut self, policy: Option<PolicyConfig>) -> Result<(), TargetError> {
        if let Some(policy) = policy {
            self.restart_policy(policy)?;
        }
        if self.world.device_offline {
            return Err(TargetError::NotObservable(
                "starting the browser while the device is offline: DevTools offline emulation is per worker and \
                 begins only once Chromium runs, after it has fired what was ready at start"
                    .into(),
            ));
        }
        self.down = false;
        if self.profile.is_none() {
            // Never launched: the next step that needs the browser launches it.
            return Ok(());
        }
        let profile = self.profile.as_ref().ok_or_else(|| TargetError::Broken("no profile".into()))?;
        let listeners = std::mem::take(&mut self.parked_listeners);
        let browser = Browser::launch(&self.binary, &self.compression.flags(), profile, listeners)?;
        self.browser = Some(browser);
        self.relaunching = true;
        let started = self.quiesce(Duration::from_millis(200)).and_then(|()| self.restore_environment());
        self.relaunching = false;
        started?;
        self.quiesce(Duration::from_millis(150))?;
        self.guard_early()
    }

    /// A new policy at start: it must map onto the same time compression.
    fn restart_policy(&mut self, policy: PolicyConfig) -> Result<(), TargetError> {
        let knobs = compression::unmappable_knobs(&policy);
        if !knobs.is_empty() {
            return Err(TargetError::NotObservable(format!(
                "a policy at start with knobs no Chromium field trial sets: {}",
                knobs.join("; ")
            )));
        }
        let next = Compression::at(&policy, self.compression.scale);
        let keeps = |a: bool, b: bool| !a || b;
        if !(keeps(self.compression.retry_mapped, next.retry_mapped)
            && keeps(self.compression.duration_mapped, next.duration_mapped)
            && keeps(self.compression.periodic_mapped, next.periodic_mapped))
        {
            return Err(TargetError::NotObservable(
                "a policy at start whose delays do not compress at the subtest's scale".into(),
            ));
        }
        self.compression = next;
        self.policy = policy;
        Ok(())
    }

    /// Permissions, engagement and the top-level clients, as before the shutdown.
    fn restore_environment(&mut self) -> Result<(), TargetError> {
        let permissions: Vec<_> = self.world.permissions.clone().into_iter().collect();
        for ((origin, name), state) in permissions {
            self.set_permission(&origin, name, state)?;
        }
        let mut origins: Vec<String> = self.world.workers.values().map(|w| w.origin.clone()).collect();
        origins.extend(self.world.engagement.keys().cloned());
        origins.sort();
        origins.dedup();
        for origin in &origins {
            self.apply_engagement(origin)?;
        }
        let order = std::mem::take(&mut self.world.open_order);
        let clients: BTreeMap<ClientId, Client> = std::mem::take(&mut self.world.clients);
        for id in order {
            let Some(client) = clients.get(&id) else { continue };
            if client.frame != FrameType::TopLevel {
                return Err(TargetError::NotObservable(
                    "a popup or an iframe client open across a restart (only top-level pages are reopened)".into(),
                ));
            }
            self.open(id, &client.origin.clone(), FrameType::TopLevel)?;
        }
        Ok(())
    }
}
