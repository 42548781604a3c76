//! Shared by the tests that drive a real Chromium: they skip (and say why)
//! when it is not installed, and run one browser at a time.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use wpt_harness::targets::chromium::{ChromiumTarget, DEFAULT_BINARY, install_hint};

static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// The Chromium target, or `None` (with the reason printed) when Chromium is absent.
pub fn chromium() -> Option<ChromiumTarget> {
    let binary = Path::new(DEFAULT_BINARY);
    if !binary.exists() {
        eprintln!("skipped: {}", install_hint(binary));
        return None;
    }
    Some(ChromiumTarget::new(binary).expect("Chromium is installed"))
}

/// Holds the lock that keeps browsers of this test binary one at a time.
pub fn one_browser() -> MutexGuard<'static, ()> {
    ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner())
}
