//! Steps that call the page-side API or change the environment, and the
//! checks that ask the target directly (explain, invariants, binding shape).

use super::{Run, StepResult, Stop, checks};
use crate::scenario::{Action, Call, CallExpect, CallerSpec, DispatchNowExpect, PowerChange};
use crate::targets::{Reply, TargetError};
use crate::timeline::{Mark, show_tag};
use sync_core::RegistrationKey;
use sync_policy::{PermissionState, SyncKind};

fn state_name(s: PermissionState) -> &'static str {
    match s {
        PermissionState::Granted => "granted",
        PermissionState::Denied => "denied",
        PermissionState::Prompt => "prompt",
        PermissionState::Unset => "unset",
    }
}

impl Run<'_> {
    pub(super) fn call_step(
        &mut self,
        call: &Call,
        reg: &str,
        from: &CallerSpec,
        expect: Option<&CallExpect>,
    ) -> StepResult {
        let (caller, sw) = self.caller(from, reg)?;
        let reply = self.target.call(caller, sw, call)?;
        self.collect();
        match (call, &reply) {
            (Call::SyncRegister { tag }, Reply::Rejected { name, .. }) => {
                self.mark(Some((SyncKind::OneOff, tag.clone())), Mark::Rejected, format!("register rejected: {name}"))
            }
            (Call::PeriodicRegister { tag, .. }, Reply::Rejected { name, .. }) => {
                self.mark(Some((SyncKind::Periodic, tag.clone())), Mark::Rejected, format!("register rejected: {name}"))
            }
            (Call::PeriodicUnregister { tag }, Reply::Resolved) => {
                self.mark(Some((SyncKind::Periodic, tag.clone())), Mark::Info, "unregister() resolved")
            }
            _ => {}
        }
        match expect {
            Some(e) => checks::call(e, &reply),
            None => Ok(()),
        }
    }

    fn key(&mut self, reg: &str, kind: SyncKind, tag: &str) -> RegistrationKey {
        let origin = self.default_origin.clone();
        let sw = self.worker_id(reg, &origin);
        RegistrationKey::new(sw, kind, tag)
    }

    fn apply_power(&mut self, change: &PowerChange) -> StepResult {
        if let Some(v) = change.battery_saver {
            self.power.battery_saver = v;
        }
        if let Some(v) = change.charging {
            self.power.charging = v;
        }
        if let Some(v) = change.battery_percent {
            self.power.battery_percent = v;
        }
        self.target.set_power(self.power)?;
        let p = self.power;
        let level = p.battery_percent.map(|l| format!(", {l}%")).unwrap_or_default();
        self.mark(
            None,
            Mark::Power,
            format!(
                "battery saver {}, {}{level}",
                if p.battery_saver { "on" } else { "off" },
                if p.charging { "charging" } else { "on battery" }
            ),
        );
        Ok(())
    }

    pub(super) fn env_step(&mut self, action: &Action) -> StepResult {
        match action {
            Action::ClientOpen(c) => {
                self.open_client(c)?;
                self.mark(None, Mark::Environment, format!("window {} opened", c.name));
            }
            Action::ClientClose(name) => {
                let (id, _) = *self.clients.get(name).ok_or_else(|| Stop::Error(format!("unknown client {name:?}")))?;
                self.target.close_client(id)?;
                self.client_order.retain(|n| n != name);
                self.mark(None, Mark::Environment, format!("window {name} closed"));
            }
            Action::Network(change) => {
                let n = change.0;
                self.target.set_network(n)?;
                let label = match (n.online, n.metered) {
                    (false, _) => "offline",
                    (true, true) => "online (metered)",
                    (true, false) => "online",
                };
                self.mark(None, Mark::Network, label);
            }
            Action::Power(change) => self.apply_power(change)?,
            Action::PermissionSet { origin, name, state } => {
                self.target.set_permission(origin, *name, *state)?;
                self.mark(None, Mark::Environment, format!("{name:?} {} for {origin}", state_name(*state)));
            }
            Action::PermissionQuery { origin, name, expect } => {
                let got = self.target.query_permission(origin, *name)?;
                if !expect.contains(&got) {
                    let want: Vec<&str> = expect.iter().map(|s| state_name(*s)).collect();
                    return Err(Stop::Fail(format!(
                        "permission state is {}, expected one of {want:?}",
                        state_name(got)
                    )));
                }
            }
            Action::EngagementSet { origin, level } => {
                self.target.set_engagement(origin, *level)?;
                self.mark(None, Mark::Environment, format!("engagement {level:?} for {origin}"));
            }
            Action::EmulateOffline { reg, offline } => {
                let sw = self.known_worker(reg)?;
                self.target.emulate_offline(sw, *offline)?;
                let what = if *offline { "offline" } else { "online" };
                self.mark(None, Mark::Network, format!("{reg} emulated {what}"));
            }
            Action::SwActivate(reg) => {
                let sw = self.known_worker(reg)?;
                self.target.activate_worker(sw)?;
                self.mark(None, Mark::Environment, format!("{reg} activated"));
            }
            Action::SwUnregister(reg) => {
                let sw = self.known_worker(reg)?;
                self.target.unregister_worker(sw)?;
                self.mark(None, Mark::Environment, format!("{reg} unregistered"));
            }
            Action::SwTerminate(reg) => {
                let sw = self.known_worker(reg)?;
                self.target.terminate_worker(sw)?;
                self.mark(None, Mark::Environment, format!("{reg} terminated"));
            }
            Action::SwInstall(w) => {
                let sw = self.fresh_worker(&w.name, &w.origin);
                let active = w.state == crate::scenario::WorkerState::Active;
                self.target.add_worker(sw, &w.origin, active)?;
                let what = if active { "installed and active" } else { "installing" };
                self.mark(None, Mark::Environment, format!("{} {what}", w.name));
            }
            Action::OriginClear(origin) => {
                self.target.clear_origin(origin)?;
                self.mark(None, Mark::Environment, format!("site data of {origin} cleared"));
            }
            Action::Restart(downtime) => {
                let back = self.target.now().saturating_add(*downtime);
                self.target.restart(back)?;
                // Events in flight died with the old process.
                self.events.clear();
                let label = if downtime.0 == 0 {
                    "user agent restarted".to_string()
                } else {
                    format!("user agent restarted after {} down", crate::timeline::format_time(*downtime))
                };
                self.mark(None, Mark::Environment, label);
            }
            Action::StorageFail => {
                self.target.fail_storage()?;
                self.events.clear();
                self.mark(None, Mark::Environment, "storage failed");
            }
            Action::DispatchNow { reg, kind, tag, expect } => {
                let key = self.key(reg, *kind, tag);
                let result = self.target.dispatch_now(&key);
                self.mark(Some((*kind, tag.clone())), Mark::Info, "dispatch now");
                match (result, expect) {
                    (Ok(()), DispatchNowExpect::Ok) => {}
                    (Err(TargetError::Refused { kind, .. }), DispatchNowExpect::Error(want)) if kind.name() == want => {
                    }
                    (Err(TargetError::NotObservable(m)), _) => return Err(Stop::NotRun(m)),
                    (got, want) => {
                        return Err(Stop::Fail(format!(
                            "dispatch now of {}: expected {want:?}, got {got:?}",
                            show_tag(tag)
                        )));
                    }
                }
            }
            Action::Explain { reg, kind, tag, expect } => {
                let key = self.key(reg, *kind, tag);
                let got = self.target.explain(&key)?;
                checks::explain(expect, &got)?;
            }
            Action::AssertInvariants => {
                let violations = self.target.check_invariants()?;
                if !violations.is_empty() {
                    return Err(Stop::Fail(format!("invariants violated: {}", violations.join("; "))));
                }
            }
            Action::BindShape(spec) => {
                let got = self.target.api_surface(&spec.interface)?;
                checks::shape(spec, &got)?;
            }
            Action::BindConstruct { interface, args, expect } => {
                let got = self.target.construct_event(interface, args)?;
                checks::construct(expect, &got)?;
            }
            other => return Err(Stop::Error(format!("step `{}` is not handled here", other.keyword()))),
        }
        Ok(())
    }
}
