//! Steps that feed the target an input (page calls, environment, lifecycle,
//! DevTools controls) and the checks that ask the target directly (explain,
//! permission query, invariants, binding shape). Each maps its scenario step
//! to a `sync_core::Input` (or one of the few [`TargetInput`]s around it).

use super::{Run, StepResult, Stop, checks};
use crate::scenario::{
    Action, Call, CallExpect, CallerSpec, ClientDecl, ConstructExpect, DispatchNowExpect, ExplainExpect, JsValue,
    PowerChange, ShapeSpec, WorkerDecl, WorkerState,
};
use crate::targets::{Outcome, StoreFault, TargetError, TargetInput};
use crate::timeline::{Mark, format_time, show_tag};
use crate::vocabulary::name_of;
use sync_core::{Input, RegistrationKey};
use sync_policy::{Engagement, Millis, NetworkState, PermissionName, PermissionState, SyncKind};

/// A lifecycle step on a named registration.
#[derive(Clone, Copy, Debug)]
pub(super) enum Lifecycle {
    /// `sw.activate`.
    Activate,
    /// `sw.unregister`.
    Unregister,
    /// `sw.terminate`.
    Terminate,
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
        let input = match call.clone() {
            Call::SyncRegister { tag } => TargetInput::Engine(Input::Register { caller, sw, tag: tag.into() }),
            Call::GetTags { kind } => TargetInput::Engine(Input::GetTags { caller, sw, kind }),
            Call::PeriodicRegister { tag, min_interval } => {
                TargetInput::PeriodicRegister { caller, sw, tag, min_interval }
            }
            Call::PeriodicUnregister { tag } => {
                TargetInput::Engine(Input::UnregisterPeriodic { caller, sw, tag: tag.into() })
            }
        };
        let reply = match self.target.apply(input)? {
            Outcome::Reply(reply) => reply,
            Outcome::Applied => return Err(Stop::Error("the target answered a page call without a reply".into())),
        };
        self.collect();
        match (call, &reply) {
            (Call::SyncRegister { tag }, crate::targets::Reply::Rejected { name, .. }) => {
                self.mark(Some((SyncKind::OneOff, tag.clone())), Mark::Rejected, format!("register rejected: {name}"))
            }
            (Call::PeriodicRegister { tag, .. }, crate::targets::Reply::Rejected { name, .. }) => {
                self.mark(Some((SyncKind::Periodic, tag.clone())), Mark::Rejected, format!("register rejected: {name}"))
            }
            (Call::PeriodicUnregister { tag }, crate::targets::Reply::Resolved) => {
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

    pub(super) fn client_open_step(&mut self, c: &ClientDecl) -> StepResult {
        self.open_client(c)?;
        self.mark(None, Mark::Environment, format!("window {} opened", c.name));
        Ok(())
    }

    pub(super) fn client_close_step(&mut self, name: &str) -> StepResult {
        let (id, _) = *self.clients.get(name).ok_or_else(|| Stop::Error(format!("unknown client {name:?}")))?;
        self.input(Input::ClientClosed(id))?;
        self.client_order.retain(|n| n != name);
        self.mark(None, Mark::Environment, format!("window {name} closed"));
        Ok(())
    }

    pub(super) fn network_step(&mut self, n: NetworkState) -> StepResult {
        self.input(Input::Network(n))?;
        let label = match (n.online, n.metered) {
            (false, _) => "offline",
            (true, true) => "online (metered)",
            (true, false) => "online",
        };
        self.mark(None, Mark::Network, label);
        Ok(())
    }

    pub(super) fn power_step(&mut self, change: &PowerChange) -> StepResult {
        if let Some(v) = change.battery_saver {
            self.power.battery_saver = v;
        }
        if let Some(v) = change.charging {
            self.power.charging = v;
        }
        if let Some(v) = change.battery_percent {
            self.power.battery_percent = v;
        }
        self.input(Input::Power(self.power))?;
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

    pub(super) fn permission_step(&mut self, origin: &str, name: PermissionName, state: PermissionState) -> StepResult {
        self.input(Input::Permission { origin: origin.to_string(), name, state })?;
        self.mark(None, Mark::Environment, format!("{name:?} {} for {origin}", name_of(state)));
        Ok(())
    }

    pub(super) fn permission_query_step(
        &mut self,
        origin: &str,
        name: PermissionName,
        expect: &[PermissionState],
    ) -> StepResult {
        let got = self.target.query_permission(origin, name)?;
        if !expect.contains(&got) {
            let want: Vec<String> = expect.iter().map(|s| name_of(*s)).collect();
            return Err(Stop::Fail(format!("permission state is {}, expected one of {want:?}", name_of(got))));
        }
        Ok(())
    }

    pub(super) fn engagement_step(&mut self, origin: &str, level: Engagement) -> StepResult {
        self.input(Input::Engagement { origin: origin.to_string(), level })?;
        self.mark(None, Mark::Environment, format!("engagement {level:?} for {origin}"));
        Ok(())
    }

    pub(super) fn worker_step(&mut self, reg: &str, step: Lifecycle) -> StepResult {
        let sw = self.known_worker(reg)?;
        let (input, what) = match step {
            Lifecycle::Activate => (TargetInput::Engine(Input::WorkerActivated(sw)), "activated"),
            Lifecycle::Unregister => (TargetInput::Engine(Input::WorkerUnregistered(sw)), "unregistered"),
            Lifecycle::Terminate => (TargetInput::TerminateWorker(sw), "terminated"),
        };
        self.target.apply(input)?;
        self.mark(None, Mark::Environment, format!("{reg} {what}"));
        Ok(())
    }

    pub(super) fn install_step(&mut self, w: &WorkerDecl) -> StepResult {
        let sw = self.fresh_worker(&w.name, &w.origin);
        let active = w.state == WorkerState::Active;
        self.input(Input::AddWorker { sw, origin: w.origin.clone(), active })?;
        let what = if active { "installed and active" } else { "installing" };
        self.mark(None, Mark::Environment, format!("{} {what}", w.name));
        Ok(())
    }

    pub(super) fn origin_clear_step(&mut self, origin: &str) -> StepResult {
        self.input(Input::OriginCleared(origin.to_string()))?;
        self.mark(None, Mark::Environment, format!("site data of {origin} cleared"));
        Ok(())
    }

    pub(super) fn restart_step(&mut self, downtime: Millis) -> StepResult {
        let back = self.target.now().saturating_add(downtime);
        self.target.apply(TargetInput::Restart(back))?;
        // Events in flight died with the old process.
        self.events.clear();
        let label = if downtime.0 == 0 {
            "user agent restarted".to_string()
        } else {
            format!("user agent restarted after {} down", format_time(downtime))
        };
        self.mark(None, Mark::Environment, label);
        Ok(())
    }

    pub(super) fn shutdown_step(&mut self) -> StepResult {
        self.target.apply(TargetInput::Shutdown)?;
        // Events in flight die with the process.
        self.events.clear();
        self.down = true;
        self.mark(None, Mark::Environment, "user agent shut down");
        Ok(())
    }

    pub(super) fn start_step(&mut self, policy: Option<&crate::policy::PolicySpec>) -> StepResult {
        if !self.down {
            return Err(Stop::Error("`ua.start` with the user agent running (no `ua.shutdown` before it)".into()));
        }
        let policy = match policy {
            Some(spec) => {
                // Overrides apply on the running policy; a named profile replaces it.
                let running = crate::policy::RunProfile::File {
                    path: "the running policy".into(),
                    config: Box::new(self.policy.clone()),
                };
                let (config, _) = crate::policy::resolve(spec, &running).map_err(Stop::Error)?;
                self.policy = config.clone();
                Some(Box::new(config))
            }
            None => None,
        };
        let changed = policy.is_some();
        self.target.apply(TargetInput::Start(policy))?;
        self.down = false;
        let label = if changed { "user agent started under a new policy" } else { "user agent started" };
        self.mark(None, Mark::Environment, label);
        Ok(())
    }

    pub(super) fn storage_fail_step(&mut self) -> StepResult {
        self.input(Input::StorageFailed { reason: "injected by the scenario".into() })?;
        // Named events stay known: settling one afterwards is refused as `disabled`.
        self.mark(None, Mark::Environment, "storage failed");
        Ok(())
    }

    pub(super) fn store_fault_step(&mut self, fault: StoreFault) -> StepResult {
        self.target.apply(TargetInput::StoreFault(fault))?;
        let label = match fault {
            StoreFault::FailNextWrite => "the store's next write will fail",
            StoreFault::FailNextRead => "the store's next read will fail",
            StoreFault::Heal => "the store is healed",
        };
        self.mark(None, Mark::Environment, label);
        Ok(())
    }

    pub(super) fn storage_wiped_step(&mut self) -> StepResult {
        self.input(Input::StorageWiped {})?;
        self.mark(None, Mark::Environment, "service worker storage wiped");
        Ok(())
    }

    pub(super) fn switch_step(&mut self, enabled: bool) -> StepResult {
        self.input(Input::Switch { enabled })?;
        let label = if enabled { "background sync switched on" } else { "background sync switched off" };
        self.mark(None, Mark::Environment, label);
        Ok(())
    }

    pub(super) fn dispatch_synthetic_step(
        &mut self,
        reg: &str,
        kind: SyncKind,
        tag: &str,
        last_chance: bool,
        expect: &DispatchNowExpect,
    ) -> StepResult {
        let sw = self.known_worker(reg)?;
        let input = Input::DispatchSynthetic { sw, kind, tag: tag.to_string(), last_chance };
        let result = self.target.apply(TargetInput::Engine(input));
        self.mark(Some((kind, tag.to_string())), Mark::Info, "DevTools dispatch");
        match (result, expect) {
            (Ok(_), DispatchNowExpect::Ok) => Ok(()),
            (Err(TargetError::Refused { kind, .. }), DispatchNowExpect::Error(want)) if kind == *want => Ok(()),
            (Err(TargetError::NotObservable(m)), _) => Err(Stop::NotRun(m)),
            (got, want) => {
                Err(Stop::Fail(format!("DevTools dispatch of {}: expected {want:?}, got {got:?}", show_tag(tag))))
            }
        }
    }

    pub(super) fn emulate_offline_step(&mut self, reg: &str, offline: bool) -> StepResult {
        let sw = self.known_worker(reg)?;
        self.input(Input::EmulateOffline { sw, offline })?;
        let what = if offline { "offline" } else { "online" };
        self.mark(None, Mark::Network, format!("{reg} emulated {what}"));
        Ok(())
    }

    pub(super) fn dispatch_now_step(
        &mut self,
        reg: &str,
        kind: SyncKind,
        tag: &str,
        expect: &DispatchNowExpect,
    ) -> StepResult {
        let key = self.key(reg, kind, tag);
        let result = self.target.apply(TargetInput::Engine(Input::DispatchNow(key)));
        self.mark(Some((kind, tag.to_string())), Mark::Info, "dispatch now");
        match (result, expect) {
            (Ok(_), DispatchNowExpect::Ok) => Ok(()),
            (Err(TargetError::Refused { kind, .. }), DispatchNowExpect::Error(want)) if kind == *want => Ok(()),
            (Err(TargetError::NotObservable(m)), _) => Err(Stop::NotRun(m)),
            (got, want) => {
                Err(Stop::Fail(format!("dispatch now of {}: expected {want:?}, got {got:?}", show_tag(tag))))
            }
        }
    }

    pub(super) fn explain_step(&mut self, reg: &str, kind: SyncKind, tag: &str, expect: &ExplainExpect) -> StepResult {
        let key = self.key(reg, kind, tag);
        let got = self.target.explain(&key)?;
        checks::explain(expect, &got)
    }

    pub(super) fn invariants_step(&mut self) -> StepResult {
        let violations = self.target.check_invariants()?;
        if !violations.is_empty() {
            return Err(Stop::Fail(format!("invariants violated: {}", violations.join("; "))));
        }
        Ok(())
    }

    pub(super) fn shape_step(&mut self, spec: &ShapeSpec) -> StepResult {
        let got = self.target.api_surface(&spec.interface)?;
        checks::shape(spec, &got)
    }

    pub(super) fn construct_step(&mut self, interface: &str, args: &[JsValue], expect: &ConstructExpect) -> StepResult {
        let got = self.target.construct_event(interface, args)?;
        checks::construct(expect, &got)
    }
}

/// The steps that run while the user agent is shut down: time, the device's
/// and the user's environment, the store's own state (a store that fails its
/// next read is found out at `ua.start`), and the checks that need no browser.
pub(super) fn runs_while_down(action: &Action) -> bool {
    matches!(
        action,
        Action::Advance(_)
            | Action::AdvanceTo(_)
            | Action::Network(_)
            | Action::Power(_)
            | Action::PermissionSet { .. }
            | Action::EngagementSet { .. }
            | Action::Events { .. }
            | Action::Logs { .. }
            | Action::Note(_)
            | Action::StoreFault(_)
            | Action::Start(_)
    )
}
