//! The scenario's world in the browser: origins, service worker
//! registrations, clients, network, permissions and engagement.
//!
//! Worker `R` of a scenario is the registration with scope `/r<N>/` on its
//! origin's port, registered from a short-lived setup tab (a page of the
//! origin that is closed again before the next step, so it is never a
//! client the scenario can see). A client is a tab (top-level), a popup
//! opened by a page of its origin (auxiliary), or an iframe in the most
//! recently opened top-level client (nested).

use super::ChromiumTarget;
use super::cdp::CdpEvent;
use super::js;
use crate::targets::TargetError;
use crate::vocabulary::{name_of, parse_name};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use sync_core::{ClientId, SwRegId};
use sync_policy::{Engagement, FrameType, PermissionName, PermissionState};

/// One service worker registration.
#[derive(Clone, Debug)]
pub(super) struct Worker {
    /// The scenario origin.
    pub origin: String,
    /// `http://127.0.0.1:PORT`.
    pub real_origin: String,
    /// The scope URL.
    pub scope: String,
    /// Chromium's registration id, once known.
    pub registration: Option<String>,
    /// Unregistered or cleared.
    pub gone: bool,
}

/// One client.
#[derive(Clone, Debug)]
pub(super) struct Client {
    pub origin: String,
    pub frame: FrameType,
    /// The tab's target (top-level and auxiliary clients).
    pub target: Option<String>,
    /// The page session the client's frame lives in.
    pub session: String,
    /// The isolated world calls run in.
    pub context: i64,
    /// For an iframe: the element id in the parent page and the parent.
    pub iframe: Option<(String, ClientId)>,
}

/// A worker version Chromium reported.
#[derive(Clone, Debug, Default)]
pub(super) struct Version {
    pub id: String,
    pub target: Option<String>,
    pub running: bool,
}

/// Everything the target knows about the browser's world.
#[derive(Debug, Default)]
pub(super) struct World {
    pub workers: BTreeMap<SwRegId, Worker>,
    pub clients: BTreeMap<ClientId, Client>,
    pub open_order: Vec<ClientId>,
    /// Chromium registration id → latest version.
    pub versions: BTreeMap<String, Version>,
    pub device_offline: bool,
    /// The session emulating the device network offline, per worker.
    pub network_sessions: BTreeMap<SwRegId, String>,
    /// Sessions of scenario `emulate_offline` steps, per worker.
    pub devtools_sessions: BTreeMap<SwRegId, Vec<String>>,
    /// A session for calls from the worker.
    pub call_sessions: BTreeMap<SwRegId, String>,
    /// Engagement per scenario origin (unset: high).
    pub engagement: BTreeMap<String, Engagement>,
    /// `minInterval` Chromium got (real ms) → what the scenario passed.
    pub min_intervals: BTreeMap<u64, u64>,
    /// Page targets created since the last look (target id, URL).
    pub new_pages: Vec<(String, String)>,
    /// A periodic registration was made.
    pub periodic_seen: bool,
    /// Clients that were closed (calls from them cannot be made).
    pub closed: Vec<ClientId>,
    /// A periodic timer came due while its worker was offline.
    pub periodic_missed_offline: bool,
    /// Permissions the scenario set (DevTools overrides: set again after a restart).
    pub permissions: BTreeMap<(String, PermissionName), PermissionState>,
}

impl World {
    /// Our id of a Chromium registration id.
    pub fn sw_for_registration(&self, registration: &str) -> Option<SwRegId> {
        self.workers.iter().find(|(_, w)| w.registration.as_deref() == Some(registration)).map(|(s, _)| *s)
    }

    /// Whether DevTools is attached to the worker's target.
    pub fn is_attached(&self, sw: SwRegId) -> bool {
        self.network_sessions.contains_key(&sw)
            || self.devtools_sessions.get(&sw).is_some_and(|v| !v.is_empty())
            || self.call_sessions.contains_key(&sw)
    }
}

/// The base score that gives an engagement level (Chromium's level boundaries).
fn score(level: Engagement) -> f64 {
    match level {
        Engagement::None => 0.0,
        // Chromium drops entries scored at 0.5 or less on its next cleanup.
        Engagement::Minimal => 0.9,
        Engagement::Low => 5.0,
        Engagement::Medium => 20.0,
        Engagement::High => 60.0,
        Engagement::Max => 100.0,
    }
}

/// The level a total score read back from chrome://site-engagement falls in
/// (Chromium's boundaries: medium from 15, high from 50, max at 100; the
/// target's scores sit inside these bands).
fn level_of(total: f64) -> Engagement {
    match total {
        t if t <= 0.0 => Engagement::None,
        t if t < 5.0 => Engagement::Minimal,
        t if t < 15.0 => Engagement::Low,
        t if t < 50.0 => Engagement::Medium,
        t if t < 100.0 => Engagement::High,
        _ => Engagement::Max,
    }
}

/// The DevTools name of a permission.
pub(super) fn permission_name(name: PermissionName) -> &'static str {
    match name {
        PermissionName::BackgroundSync => "background-sync",
        PermissionName::PeriodicBackgroundSync => "periodic-background-sync",
        PermissionName::Notifications => "notifications",
    }
}

impl ChromiumTarget {
    /// Handles a DevTools event that is not a Background Services record.
    pub(super) fn world_event(&mut self, event: &CdpEvent) {
        let p = &event.params;
        match event.method.as_str() {
            "ServiceWorker.workerRegistrationUpdated" => {
                for r in p.get("registrations").and_then(Value::as_array).into_iter().flatten() {
                    let (Some(id), Some(scope)) =
                        (r.get("registrationId").and_then(Value::as_str), r.get("scopeURL").and_then(Value::as_str))
                    else {
                        continue;
                    };
                    if r.get("isDeleted").and_then(Value::as_bool) == Some(true) {
                        continue;
                    }
                    for w in self.world.workers.values_mut() {
                        if w.scope == scope && !w.gone {
                            w.registration = Some(id.to_string());
                        }
                    }
                }
            }
            "ServiceWorker.workerVersionUpdated" => {
                for v in p.get("versions").and_then(Value::as_array).into_iter().flatten() {
                    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                    let (Some(reg), Some(id)) = (text("registrationId"), text("versionId")) else { continue };
                    if text("status").as_deref() == Some("redundant") {
                        continue;
                    }
                    let running = text("runningStatus").as_deref() == Some("running");
                    self.world.versions.insert(reg, Version { id, target: text("targetId"), running });
                }
            }
            "Target.targetCreated" | "Target.targetInfoChanged" => {
                let info = p.get("targetInfo").cloned().unwrap_or(Value::Null);
                if info.get("type").and_then(Value::as_str) == Some("page")
                    && let (Some(id), Some(url)) =
                        (info.get("targetId").and_then(Value::as_str), info.get("url").and_then(Value::as_str))
                {
                    self.world.new_pages.push((id.to_string(), url.to_string()));
                }
            }
            _ => {}
        }
    }

    fn known_worker(&self, sw: SwRegId) -> Result<Worker, TargetError> {
        match self.world.workers.get(&sw) {
            Some(w) if !w.gone => Ok(w.clone()),
            _ => Err(TargetError::NotObservable("a registration the browser does not have".into())),
        }
    }

    /// Re-applies the origin's engagement (navigations add engagement points):
    /// the scenario's level, or the default, high. The score read back must
    /// be in the level's band, so that Chromium computes the penalty the
    /// engine does.
    pub(super) fn apply_engagement(&mut self, origin: &str) -> Result<(), TargetError> {
        let level = self.world.engagement.get(origin).copied().unwrap_or(Engagement::High);
        let browser = self.browser()?;
        let real = browser.origin(origin)?;
        let total = browser.set_engagement_score(&real, score(level))?;
        if level_of(total) != level {
            return Err(TargetError::Broken(format!(
                "chrome://site-engagement reads a score of {total} for {real} after setting {} ({level:?})",
                score(level)
            )));
        }
        Ok(())
    }

    /// Runs `script` in a short-lived tab of `origin` and returns its value.
    fn in_setup_page(&mut self, origin: &str, script: &str) -> Result<Value, TargetError> {
        let browser = self.browser()?;
        let real = browser.origin(origin)?;
        let (target, session) = browser.open_page(&format!("{real}/client.html?setup"))?;
        let result = browser.evaluate(&session, None, script);
        browser.close_page(&target)?;
        self.apply_engagement(origin)?;
        result
    }

    /// Waits until Chromium has told us the worker's registration id.
    fn learn_registration(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        let known = self.wait_for(Duration::from_secs(5), &|t| {
            t.world.workers.get(&sw).is_some_and(|w| w.registration.is_some())
        })?;
        if known { Ok(()) } else { Err(TargetError::Broken("Chromium did not report a registration id".into())) }
    }

    pub(super) fn install_worker(&mut self, sw: SwRegId, origin: &str, active: bool) -> Result<(), TargetError> {
        self.guard_early()?;
        let real = self.browser()?.origin(origin)?;
        let scope = format!("{real}/r{}/", sw.0);
        let script = format!("/r{}/sw.js{}", sw.0, if active { "" } else { "?hold=1" });
        self.world.workers.insert(
            sw,
            Worker {
                origin: origin.to_string(),
                real_origin: real,
                scope: scope.clone(),
                registration: None,
                gone: false,
            },
        );
        let state = self.in_setup_page(origin, &js::register_worker(&script, &scope, !active))?;
        let want = if active { "active" } else { "installing" };
        if state.as_str() != Some(want) {
            return Err(TargetError::Broken(format!("registering the worker ended {state}")));
        }
        self.learn_registration(sw)?;
        self.refresh_caches(origin)?;
        if active && self.world.device_offline {
            self.emulate(sw, true)?;
        }
        Ok(())
    }

    /// Lets every client of `origin` see the registrations that now exist.
    fn refresh_caches(&mut self, origin: &str) -> Result<(), TargetError> {
        let clients: Vec<Client> = self.world.clients.values().filter(|c| c.origin == origin).cloned().collect();
        let browser = self.browser()?;
        for c in clients {
            browser.evaluate(&c.session, Some(c.context), js::CACHE_REGISTRATIONS)?;
        }
        Ok(())
    }

    pub(super) fn activate(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.guard_early()?;
        let w = self.known_worker(sw)?;
        let state = self.in_setup_page(&w.origin, &js::activate_worker(&w.scope))?;
        if state.as_str() != Some("active") {
            return Err(TargetError::Broken(format!("activating the worker ended {state}")));
        }
        if self.world.device_offline {
            self.emulate(sw, true)?;
        }
        self.quiesce(Duration::from_millis(100))
    }

    pub(super) fn unregister(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.guard_early()?;
        let w = self.known_worker(sw)?;
        let browser = self.browser()?;
        let observer = browser.observer.clone();
        browser.cdp.call(Some(&observer), "ServiceWorker.unregister", json!({"scopeURL": w.scope}))?;
        if let Some(worker) = self.world.workers.get_mut(&sw) {
            worker.gone = true;
        }
        self.quiesce(Duration::from_millis(150))
    }

    pub(super) fn stop_worker(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.guard_early()?;
        if self.world.is_attached(sw) {
            return Err(TargetError::NotObservable(
                "stopping a worker DevTools is attached to (its offline emulation would end with it)".into(),
            ));
        }
        let w = self.known_worker(sw)?;
        let registration = w.registration.unwrap_or_default();
        let version = self.world.versions.get(&registration).cloned().unwrap_or_default();
        let browser = self.browser()?;
        let observer = browser.observer.clone();
        if version.running {
            browser.cdp.call(Some(&observer), "ServiceWorker.stopWorker", json!({"versionId": version.id}))?;
        }
        self.quiesce(Duration::from_millis(200))
    }

    pub(super) fn open(&mut self, id: ClientId, origin: &str, frame: FrameType) -> Result<(), TargetError> {
        self.guard_early()?;
        let real = self.browser()?.origin(origin)?;
        let url = format!("{real}/client.html?c={}", id.0);
        let client = match frame {
            FrameType::TopLevel => {
                let browser = self.browser()?;
                let (target, session) = browser.open_page(&url)?;
                let main = browser.main_frame(&session)?;
                let context = browser.isolated_world(&session, &main)?;
                Client { origin: origin.to_string(), frame, target: Some(target), session, context, iframe: None }
            }
            FrameType::Auxiliary => self.open_popup(origin, &url)?,
            FrameType::Nested => self.open_iframe(id, origin, &url)?,
            FrameType::None => return Err(TargetError::NotObservable("a worker client".into())),
        };
        self.browser()?.evaluate(&client.session, Some(client.context), js::CACHE_REGISTRATIONS)?;
        self.world.clients.insert(id, client);
        self.world.open_order.push(id);
        self.apply_engagement(origin)
    }

    fn open_popup(&mut self, origin: &str, url: &str) -> Result<Client, TargetError> {
        let opener = self
            .world
            .open_order
            .iter()
            .rev()
            .filter_map(|c| self.world.clients.get(c))
            .find(|c| c.origin == origin && c.frame != FrameType::Nested)
            .cloned();
        self.world.new_pages.clear();
        let script = format!("window.open({}, '_blank'); 'ok'", js::string(url));
        let setup = match &opener {
            Some(c) => {
                self.browser()?.evaluate(&c.session, None, &script)?;
                None
            }
            None => {
                let real = self.browser()?.origin(origin)?;
                let browser = self.browser()?;
                let (target, session) = browser.open_page(&format!("{real}/client.html?setup"))?;
                browser.evaluate(&session, None, &script)?;
                Some(target)
            }
        };
        let found = self.wait_for(Duration::from_secs(5), &|t| t.world.new_pages.iter().any(|(_, u)| u == url))?;
        let target = self.world.new_pages.iter().find(|(_, u)| u == url).map(|(t, _)| t.clone());
        let (Some(target), true) = (target, found) else {
            return Err(TargetError::Broken("the popup did not open".into()));
        };
        let browser = self.browser()?;
        let session = browser.attach(&target)?;
        browser.wait_loaded(&session)?;
        let main = browser.main_frame(&session)?;
        let context = browser.isolated_world(&session, &main)?;
        if let Some(setup) = setup {
            browser.close_page(&setup)?;
        }
        Ok(Client {
            origin: origin.to_string(),
            frame: FrameType::Auxiliary,
            target: Some(target),
            session,
            context,
            iframe: None,
        })
    }

    fn open_iframe(&mut self, id: ClientId, origin: &str, url: &str) -> Result<Client, TargetError> {
        let parent = self
            .world
            .open_order
            .iter()
            .rev()
            .find(|c| self.world.clients.get(c).is_some_and(|c| c.frame == FrameType::TopLevel))
            .copied()
            .ok_or_else(|| TargetError::NotObservable("an iframe with no top-level page to hold it".into()))?;
        let p = self.world.clients.get(&parent).cloned().ok_or_else(|| TargetError::Broken("no parent".into()))?;
        let element = format!("bs-c{}", id.0);
        let script = format!(
            "new Promise((resolve) => {{ const f = document.createElement('iframe'); f.id = {}; f.src = {}; \
             f.onload = () => resolve('ok'); document.body.appendChild(f); }})",
            js::string(&element),
            js::string(url)
        );
        let browser = self.browser()?;
        browser.evaluate(&p.session, None, &script)?;
        let frame = browser
            .child_frame(&p.session, &format!("c={}", id.0))?
            .ok_or_else(|| TargetError::Broken("the iframe has no frame".into()))?;
        let context = browser.isolated_world(&p.session, &frame)?;
        Ok(Client {
            origin: origin.to_string(),
            frame: FrameType::Nested,
            target: None,
            session: p.session,
            context,
            iframe: Some((element, parent)),
        })
    }

    pub(super) fn close(&mut self, id: ClientId) -> Result<(), TargetError> {
        self.guard_early()?;
        let client = self.world.clients.remove(&id).ok_or_else(|| TargetError::Broken("unknown client".into()))?;
        self.world.open_order.retain(|c| *c != id);
        self.world.closed.push(id);
        let browser = self.browser()?;
        match (&client.target, &client.iframe) {
            (Some(target), _) => browser.close_page(target)?,
            (None, Some((element, _))) => {
                let script = format!("document.getElementById({})?.remove(); 'ok'", js::string(element));
                browser.evaluate(&client.session, None, &script)?;
            }
            (None, None) => {}
        }
        self.quiesce(Duration::from_millis(50))
    }

    /// Attaches to the worker's running target (starting it if needed).
    fn attach_worker(&mut self, sw: SwRegId) -> Result<String, TargetError> {
        let w = self.known_worker(sw)?;
        let registration = w.registration.clone().unwrap_or_default();
        let running = |t: &ChromiumTarget| {
            t.world.versions.get(&registration).and_then(|v| if v.running { v.target.clone() } else { None })
        };
        if running(self).is_none() {
            let browser = self.browser()?;
            let observer = browser.observer.clone();
            browser.cdp.call(Some(&observer), "ServiceWorker.startWorker", json!({"scopeURL": w.scope}))?;
            self.wait_for(Duration::from_secs(5), &|t| running(t).is_some())?;
        }
        let target = running(self).ok_or_else(|| TargetError::Broken("the worker did not start".into()))?;
        let session = self.browser()?.attach(&target)?;
        for e in self.clock.in_flight.values_mut() {
            if e.key.0 == sw {
                e.touched = true;
            }
        }
        Ok(session)
    }

    /// Emulates the worker offline on a new session (device offline or a scenario step).
    fn emulate(&mut self, sw: SwRegId, device: bool) -> Result<(), TargetError> {
        let session = self.attach_worker(sw)?;
        let conditions = json!({"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1});
        self.browser()?.cdp.call(Some(&session), "Network.emulateNetworkConditions", conditions)?;
        if device {
            self.world.network_sessions.insert(sw, session);
        } else {
            self.world.devtools_sessions.entry(sw).or_default().push(session);
        }
        Ok(())
    }

    pub(super) fn set_device_offline(&mut self, offline: bool) -> Result<(), TargetError> {
        self.guard_early()?;
        self.browser()?;
        if offline == self.world.device_offline {
            return Ok(());
        }
        self.world.device_offline = offline;
        if offline {
            let workers: Vec<SwRegId> = self.world.workers.iter().filter(|(_, w)| !w.gone).map(|(s, _)| *s).collect();
            for sw in workers {
                self.emulate(sw, true)?;
            }
        } else {
            self.guard_missed_periodic()?;
            // Detaching ends the emulation (Chromium restores the worker online).
            let sessions: Vec<String> = std::mem::take(&mut self.world.network_sessions).into_values().collect();
            for s in sessions {
                self.browser()?.detach(&s)?;
            }
        }
        self.quiesce(Duration::from_millis(150))
    }

    pub(super) fn devtools_offline(&mut self, sw: SwRegId, offline: bool) -> Result<(), TargetError> {
        self.guard_early()?;
        if offline {
            self.emulate(sw, false)?;
        } else {
            self.guard_missed_periodic()?;
            let session = self.world.devtools_sessions.get_mut(&sw).and_then(Vec::pop);
            let Some(session) = session else {
                return Err(TargetError::NotObservable("ending an offline emulation that was never started".into()));
            };
            self.browser()?.detach(&session)?;
        }
        self.quiesce(Duration::from_millis(150))
    }

    /// DevTools' emulated dispatch (`ServiceWorker.dispatchSyncEvent` /
    /// `dispatchPeriodicSyncEvent`): Chromium fires the tag at the worker
    /// whether or not it is registered; the dispatch record it logs is observed
    /// like any other.
    pub(super) fn devtools_dispatch(
        &mut self,
        sw: SwRegId,
        kind: sync_policy::SyncKind,
        tag: &str,
        last_chance: bool,
    ) -> Result<(), TargetError> {
        self.guard_early()?;
        let w = self.known_worker(sw)?;
        let Some(registration) = w.registration.clone() else {
            return Err(TargetError::NotObservable(
                "a DevTools dispatch before Chromium named the registration".into(),
            ));
        };
        let key = (sw, kind, tag.to_string());
        if self.clock.in_flight_for(&key).is_some() {
            return Err(TargetError::NotObservable(
                "a DevTools dispatch of a tag whose event is in flight (the records cannot tell the two apart)".into(),
            ));
        }
        self.clock.pending_synthetic.push(key.clone());
        let browser = self.browser()?;
        let observer = browser.observer.clone();
        let (method, params) = match kind {
            sync_policy::SyncKind::OneOff => (
                "ServiceWorker.dispatchSyncEvent",
                json!({"origin": w.real_origin, "registrationId": registration, "tag": tag, "lastChance": last_chance}),
            ),
            sync_policy::SyncKind::Periodic => (
                "ServiceWorker.dispatchPeriodicSyncEvent",
                json!({"origin": w.real_origin, "registrationId": registration, "tag": tag}),
            ),
        };
        browser.cdp.call(Some(&observer), method, params)?;
        self.quiesce(Duration::from_millis(150))?;
        if let Some(i) = self.clock.pending_synthetic.iter().position(|k| *k == key) {
            self.clock.pending_synthetic.remove(i);
            return Err(TargetError::NotObservable(
                "Chromium dispatched nothing: CDP answers an emulated dispatch with success even when Chromium \
                 drops it (offline), so its refusal is not observable"
                    .into(),
            ));
        }
        Ok(())
    }

    pub(super) fn permission(
        &mut self,
        origin: &str,
        name: PermissionName,
        state: PermissionState,
    ) -> Result<(), TargetError> {
        self.guard_early()?;
        if state == PermissionState::Unset {
            return Err(TargetError::NotObservable("returning a permission to its unset default".into()));
        }
        self.world.permissions.insert((origin.to_string(), name), state);
        self.set_permission(origin, name, state)?;
        self.quiesce(Duration::from_millis(50))
    }

    /// Sets a permission through DevTools (`Browser.setPermission`).
    pub(super) fn set_permission(
        &mut self,
        origin: &str,
        name: PermissionName,
        state: PermissionState,
    ) -> Result<(), TargetError> {
        // CDP's PermissionSetting uses the Permissions spec's state names, as sync-policy does.
        let setting = name_of(state);
        let browser = self.browser()?;
        let real = browser.origin(origin)?;
        let params = json!({"permission": {"name": permission_name(name)}, "setting": setting, "origin": real});
        browser.cdp.call(None, "Browser.setPermission", params)?;
        Ok(())
    }

    pub(super) fn query(&mut self, origin: &str, name: PermissionName) -> Result<PermissionState, TargetError> {
        let script = js::query_permission(permission_name(name));
        let client = self.world.clients.values().find(|c| c.origin == origin).cloned();
        let state = match client {
            Some(c) => self.browser()?.evaluate(&c.session, Some(c.context), &script)?,
            None => self.in_setup_page(origin, &script)?,
        };
        match state.as_str().map(parse_name::<PermissionState>) {
            Some(Ok(s)) if s != PermissionState::Unset => Ok(s),
            _ => Err(TargetError::Broken(format!("permission state {state}"))),
        }
    }

    /// An engagement change: the new score, then a visit to the origin, which
    /// is the engagement event Chromium's periodic scheduler listens to (a
    /// score set through chrome://site-engagement notifies no one); the score
    /// is set again after the visit.
    pub(super) fn engagement(&mut self, origin: &str, level: Engagement) -> Result<(), TargetError> {
        self.guard_early()?;
        self.world.engagement.insert(origin.to_string(), level);
        self.apply_engagement(origin)?;
        self.in_setup_page(origin, "'visited'")?;
        self.quiesce(Duration::from_millis(100))
    }

    pub(super) fn clear(&mut self, origin: &str) -> Result<(), TargetError> {
        self.guard_early()?;
        let browser = self.browser()?;
        let real = browser.origin(origin)?;
        let observer = browser.observer.clone();
        let params = json!({"origin": real, "storageTypes": "all"});
        // The browser session answers "Internal error"; a page session works.
        browser.cdp.call(Some(&observer), "Storage.clearDataForOrigin", params)?;
        for w in self.world.workers.values_mut() {
            if w.origin == origin {
                w.gone = true;
            }
        }
        self.quiesce(Duration::from_millis(200))
    }

    /// Ending offline emulation does not fire periodic registrations that came
    /// due while offline (Chromium fires only one-off ones then), so what
    /// follows is not what a real network change would do.
    fn guard_missed_periodic(&self) -> Result<(), TargetError> {
        if self.world.periodic_missed_offline {
            return Err(TargetError::NotObservable(
                "going online after a periodic registration came due offline: ending DevTools offline emulation \
                 fires only one-off registrations in Chromium, unlike a real network change"
                    .into(),
            ));
        }
        Ok(())
    }

    /// A session on the worker for calls from it (kept for the subtest).
    pub(super) fn worker_session(&mut self, sw: SwRegId) -> Result<String, TargetError> {
        if let Some(s) = self.world.call_sessions.get(&sw) {
            return Ok(s.clone());
        }
        let session = self.attach_worker(sw)?;
        self.world.call_sessions.insert(sw, session.clone());
        Ok(session)
    }
}
