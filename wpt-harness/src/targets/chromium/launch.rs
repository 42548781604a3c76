//! Starting and stopping one headless Chromium on a profile directory that
//! outlives it (a restart relaunches on the same one).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Where the target looks for Chromium unless told otherwise.
pub const DEFAULT_BINARY: &str = "/usr/bin/chromium";

/// The one line printed when Chromium is missing.
pub fn install_hint(binary: &Path) -> String {
    format!(
        "Chromium is not installed at {}: install it with `apt-get install chromium` (Debian) to use --target chromium",
        binary.display()
    )
}

/// How long Chromium may take to print its DevTools address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The flags of every launch (the recipe of the CDP observations in `spec-notes/chromium-differences.md`), before the field trials,
/// the profile directory and the DevTools port.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-popup-blocking",
];

static PROFILE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh `--user-data-dir` for one subtest, removed when dropped. Every
/// launch of the subtest uses it, so what Chromium stores there (the service
/// worker database with the Background Sync registrations, preferences with
/// site engagement) survives a restart.
#[derive(Debug)]
pub struct Profile {
    dir: PathBuf,
}

impl Profile {
    /// A new empty profile directory.
    pub fn create() -> Result<Profile, LaunchError> {
        let n = PROFILE_COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("wpt-harness-chromium-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| LaunchError::Failed(format!("profile directory: {e}")))?;
        Ok(Profile { dir })
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running Chromium; killed when dropped.
pub struct Process {
    child: Child,
    /// The browser's DevTools websocket URL.
    pub ws_url: String,
}

/// Why Chromium could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The binary is not there.
    #[error("{0}")]
    NotInstalled(String),
    /// It did not start or did not print its DevTools address.
    #[error("Chromium did not start: {0}")]
    Failed(String),
}

impl Process {
    /// Launches `binary` headless on `profile` with `extra` flags.
    pub fn launch(binary: &Path, extra: &[String], profile: &Profile) -> Result<Process, LaunchError> {
        if !binary.exists() {
            return Err(LaunchError::NotInstalled(install_hint(binary)));
        }
        let profile = &profile.dir;
        let mut command = Command::new(binary);
        command
            .args(FLAGS)
            .args(extra)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--remote-debugging-port=0")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| LaunchError::Failed(format!("{}: {e}", binary.display())))?;
        let Some(stderr) = child.stderr.take() else {
            let _ = child.kill();
            return Err(LaunchError::Failed("no stderr".into()));
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Read every line so that Chromium never blocks on a full pipe.
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(at) = line.find("DevTools listening on ") {
                    let url = line[at + "DevTools listening on ".len()..].trim().to_string();
                    sent = tx.send(url).is_ok();
                }
            }
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(ws_url) => Ok(Process { child, ws_url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(LaunchError::Failed("no `DevTools listening on` line on stderr".into()))
            }
        }
    }

    /// Waits up to `limit` for the process to exit by itself, then kills it.
    pub fn finish(&mut self, limit: Duration) {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
