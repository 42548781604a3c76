//! One launched Chromium: its process, its DevTools connection, the HTTP
//! ports of the scenario origins, and the helpers every step uses.

use super::cdp::{Cdp, CdpError, CdpEvent};
use super::launch::{LaunchError, Process, Profile};
use super::server::Listener;
use crate::targets::TargetError;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

impl From<CdpError> for TargetError {
    fn from(e: CdpError) -> TargetError {
        TargetError::Broken(format!("Chromium: {e}"))
    }
}

impl From<LaunchError> for TargetError {
    fn from(e: LaunchError) -> TargetError {
        TargetError::Broken(e.to_string())
    }
}

/// A running browser for one subtest.
pub struct Browser {
    /// The DevTools connection (declared before the process so that it closes first).
    pub cdp: Cdp,
    process: Process,
    /// Scenario origin → the port serving it.
    listeners: BTreeMap<String, Listener>,
    /// The session of the `about:blank` tab that observes Background Services
    /// records and service worker registrations (not a client of any origin).
    pub observer: String,
    /// The session of the chrome://site-engagement tab, once opened.
    engagement: Option<String>,
    /// The browser's version string.
    pub version: String,
}

fn str_field(v: &Value, key: &str) -> Result<String, TargetError> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| TargetError::Broken(format!("Chromium's answer has no {key}: {v}")))
}

impl Browser {
    /// Launches Chromium with `flags` on `profile` and starts observing;
    /// `listeners` keep serving the scenario origins on the ports a previous
    /// launch used (empty for a first launch).
    pub fn launch(
        binary: &Path,
        flags: &[String],
        profile: &Profile,
        listeners: BTreeMap<String, Listener>,
    ) -> Result<Browser, TargetError> {
        let process = Process::launch(binary, flags, profile)?;
        let cdp = Cdp::connect(&process.ws_url)?;
        let version = cdp.call(None, "Browser.getVersion", json!({}))?;
        let version = version.get("product").and_then(Value::as_str).unwrap_or("Chromium").to_string();
        cdp.call(None, "Target.setDiscoverTargets", json!({"discover": true}))?;
        let targets = cdp.call(None, "Target.getTargets", json!({}))?;
        let blank = targets
            .get("targetInfos")
            .and_then(Value::as_array)
            .and_then(|list| list.iter().find(|t| t.get("type").and_then(Value::as_str) == Some("page")))
            .ok_or_else(|| TargetError::Broken("Chromium has no page target".into()))?;
        let target_id = str_field(blank, "targetId")?;
        let mut browser = Browser { cdp, process, listeners, observer: String::new(), engagement: None, version };
        browser.observer = browser.attach(&target_id)?;
        for service in ["backgroundSync", "periodicBackgroundSync"] {
            let obs = Some(browser.observer.as_str());
            browser.cdp.call(obs, "BackgroundService.startObserving", json!({"service": service}))?;
            browser.cdp.call(
                obs,
                "BackgroundService.setRecording",
                json!({"shouldRecord": true, "service": service}),
            )?;
        }
        browser.cdp.call(Some(&browser.observer), "ServiceWorker.enable", json!({}))?;
        Ok(browser)
    }

    /// Closes the browser (politely, so that its profile is written, then by
    /// force) and hands back the HTTP servers of the scenario origins.
    pub fn close(mut self) -> BTreeMap<String, Listener> {
        let _ = self.cdp.call_within(None, "Browser.close", json!({}), Duration::from_secs(5));
        self.process.finish(Duration::from_secs(5));
        std::mem::take(&mut self.listeners)
    }

    /// The real origin (`http://127.0.0.1:PORT`) serving a scenario origin.
    pub fn origin(&mut self, scenario_origin: &str) -> Result<String, TargetError> {
        if let Some(l) = self.listeners.get(scenario_origin) {
            return Ok(l.origin());
        }
        let listener = Listener::start().map_err(|e| TargetError::Broken(format!("HTTP server: {e}")))?;
        let origin = listener.origin();
        self.listeners.insert(scenario_origin.to_string(), listener);
        Ok(origin)
    }

    /// Attaches to a target with a flattened session.
    pub fn attach(&self, target_id: &str) -> Result<String, TargetError> {
        let r = self.cdp.call(None, "Target.attachToTarget", json!({"targetId": target_id, "flatten": true}))?;
        str_field(&r, "sessionId")
    }

    /// Detaches a session.
    pub fn detach(&self, session: &str) -> Result<(), TargetError> {
        self.cdp.call(None, "Target.detachFromTarget", json!({"sessionId": session}))?;
        Ok(())
    }

    /// Evaluates `expression` (awaiting a promise) and returns its value.
    pub fn evaluate(&self, session: &str, context: Option<i64>, expression: &str) -> Result<Value, TargetError> {
        let mut params = json!({"expression": expression, "awaitPromise": true, "returnByValue": true});
        if let Some(c) = context {
            params["contextId"] = json!(c);
        }
        let r = self.cdp.call(Some(session), "Runtime.evaluate", params)?;
        if let Some(ex) = r.get("exceptionDetails") {
            let text = ex
                .get("exception")
                .and_then(|e| e.get("description"))
                .and_then(Value::as_str)
                .or_else(|| ex.get("text").and_then(Value::as_str))
                .unwrap_or("exception");
            return Err(TargetError::Broken(format!("script failed: {text}")));
        }
        Ok(r.get("result").and_then(|v| v.get("value")).cloned().unwrap_or(Value::Null))
    }

    /// Opens a tab at `url`, attaches, and waits until its document has loaded.
    pub fn open_page(&self, url: &str) -> Result<(String, String), TargetError> {
        let r = self.cdp.call(None, "Target.createTarget", json!({"url": url}))?;
        let target = str_field(&r, "targetId")?;
        let session = self.attach(&target)?;
        self.wait_loaded(&session)?;
        Ok((target, session))
    }

    /// Waits until the session's document has finished loading.
    pub fn wait_loaded(&self, session: &str) -> Result<(), TargetError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let state = self.evaluate(session, None, "location.href + ' ' + document.readyState")?;
            let text = state.as_str().unwrap_or_default();
            if text.ends_with(" complete") && !text.starts_with("about:blank") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(TargetError::Broken("a page did not finish loading".into()))
    }

    /// Closes a tab.
    pub fn close_page(&self, target: &str) -> Result<(), TargetError> {
        self.cdp.call(None, "Target.closeTarget", json!({"targetId": target}))?;
        Ok(())
    }

    /// The main frame id of a page session.
    pub fn main_frame(&self, session: &str) -> Result<String, TargetError> {
        let tree = self.cdp.call(Some(session), "Page.getFrameTree", json!({}))?;
        let frame = tree.get("frameTree").and_then(|t| t.get("frame")).cloned().unwrap_or(Value::Null);
        str_field(&frame, "id")
    }

    /// The child frame of a page session whose URL contains `needle`.
    pub fn child_frame(&self, session: &str, needle: &str) -> Result<Option<String>, TargetError> {
        let tree = self.cdp.call(Some(session), "Page.getFrameTree", json!({}))?;
        let children = tree.get("frameTree").and_then(|t| t.get("childFrames")).and_then(Value::as_array);
        for child in children.into_iter().flatten() {
            let frame = child.get("frame").cloned().unwrap_or(Value::Null);
            if frame.get("url").and_then(Value::as_str).is_some_and(|u| u.contains(needle)) {
                return Ok(Some(str_field(&frame, "id")?));
            }
        }
        Ok(None)
    }

    /// An isolated world in `frame` for the harness's calls.
    pub fn isolated_world(&self, session: &str, frame: &str) -> Result<i64, TargetError> {
        let r = self.cdp.call(
            Some(session),
            "Page.createIsolatedWorld",
            json!({"frameId": frame, "worldName": "wpt-harness"}),
        )?;
        r.get("executionContextId")
            .and_then(Value::as_i64)
            .ok_or_else(|| TargetError::Broken("no isolated world".into()))
    }

    /// Sets an origin's engagement score through chrome://site-engagement and
    /// returns the total score the page then reads for it.
    pub fn set_engagement_score(&mut self, real_origin: &str, score: f64) -> Result<f64, TargetError> {
        let session = match &self.engagement {
            Some(s) => s.clone(),
            None => {
                let (_, s) = self.open_page("chrome://site-engagement/")?;
                self.engagement = Some(s.clone());
                s
            }
        };
        let total = self.evaluate(&session, None, &super::js::set_engagement(&format!("{real_origin}/"), score))?;
        let total = total.as_f64().unwrap_or(-1.0);
        if total < 0.0 {
            return Err(TargetError::Broken(format!("chrome://site-engagement does not list {real_origin}")));
        }
        Ok(total)
    }

    /// Reads what is waiting.
    pub fn pump_now(&self) -> Result<Vec<CdpEvent>, TargetError> {
        self.cdp.pump_once()?;
        Ok(self.cdp.take_events())
    }
}
