//! A page opened in headless Chromium for inspection: the HTML report's
//! browser test loads a generated report, clicks through it with scripts and
//! takes a screenshot.

use super::DEFAULT_BINARY;
use super::browser::Browser;
use super::launch::Profile;
use serde_json::{Value, json};
use std::path::Path;

/// One page in a fresh headless Chromium; the browser closes when dropped.
pub struct PageView {
    browser: Option<Browser>,
    session: String,
    /// The browser's profile directory, removed after the browser (fields
    /// drop in order).
    _profile: Profile,
}

impl PageView {
    /// Opens `url` (e.g. `file:///…/report.html`) in a browser started from
    /// `binary` ([`DEFAULT_BINARY`] when `None`), at `width`×`height` pixels.
    pub fn open(binary: Option<&Path>, url: &str, width: u32, height: u32) -> Result<PageView, String> {
        let binary = binary.unwrap_or(Path::new(DEFAULT_BINARY));
        let profile = Profile::create().map_err(|e| e.to_string())?;
        let flags = [format!("--window-size={width},{height}")];
        let browser = Browser::launch(binary, &flags, &profile, Default::default()).map_err(|e| e.to_string())?;
        let (_, session) = browser.open_page(url).map_err(|e| e.to_string())?;
        browser
            .cdp
            .call(
                Some(&session),
                "Emulation.setDeviceMetricsOverride",
                json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
            )
            .map_err(|e| e.to_string())?;
        Ok(PageView { browser: Some(browser), session, _profile: profile })
    }

    fn browser(&self) -> Result<&Browser, String> {
        self.browser.as_ref().ok_or_else(|| "the browser is closed".to_string())
    }

    /// Evaluates `expression` in the page and returns its value (promises are awaited).
    pub fn eval(&self, expression: &str) -> Result<Value, String> {
        self.browser()?.evaluate(&self.session, None, expression).map_err(|e| e.to_string())
    }

    /// A PNG of the viewport, base64-encoded as DevTools returns it
    /// (`Page.captureScreenshot`).
    pub fn screenshot_base64(&self) -> Result<String, String> {
        let r = self
            .browser()?
            .cdp
            .call(Some(&self.session), "Page.captureScreenshot", json!({"format": "png"}))
            .map_err(|e| e.to_string())?;
        r.get("data").and_then(Value::as_str).map(str::to_string).ok_or_else(|| "no screenshot data".to_string())
    }
}

impl Drop for PageView {
    fn drop(&mut self) {
        if let Some(b) = self.browser.take() {
            b.close();
        }
    }
}
