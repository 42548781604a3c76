//! A small simulated browser on the real clock, driving Background Sync and
//! Periodic Background Sync through the tokio driver with a short-delay policy.
//!
//! Two origins: `mail` registers a one-off `outbox` sync while offline, closes
//! its window, and its `sync` event fails twice before succeeding on
//! `lastChance`; `news` registers a periodic `headlines` sync (2 s) that fires
//! at least twice. It prints the DevTools-style log as it happens, checks what
//! it saw, and exits non-zero if anything was off.
//!
//! Run with `cargo run --release -p sync-core --example embedder`.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sync_core::driver::{Clock, Delegate, Driver, Environment, SystemClock, WakeupHint, WakeupReason};
use sync_core::store::MemoryStore;
use sync_core::{Caller, ClientId, Dispatch, DispatchKind, DomErrorName, LogRecord, RegistrationKey, SwRegId};
use sync_policy::{
    ConfigurablePolicy, EventOutcome, FrameType, Millis, NetworkState, PermissionName, PermissionState, PolicyConfig,
    PowerState,
};

const NEWS: &str = "https://news.example";
const MAIL: &str = "https://mail.example";
const NEWS_SW: SwRegId = SwRegId(1);
const MAIL_SW: SwRegId = SwRegId(2);
const NEWS_TAB: ClientId = ClientId(10);
const MAIL_TAB: ClientId = ClientId(20);

/// The simulated service workers: `outbox` fails until `lastChance`, everything else succeeds.
struct Workers {
    start: Instant,
    fired: Arc<Mutex<Vec<Dispatch>>>,
}

impl sync_core::driver::Dispatcher for Workers {
    async fn dispatch(&self, event: Dispatch) -> EventOutcome {
        let at = self.start.elapsed().as_secs_f64();
        println!("{at:6.2}s   -> worker {:?} of {} handles {:?} {:?}", event.sw, event.origin, event.kind, event.tag);
        self.fired.lock().map(|mut f| f.push(event.clone())).ok();
        // The worker does some work (a fetch) before its waitUntil() promise settles.
        tokio::time::sleep(Duration::from_millis(150)).await;
        match event.kind {
            DispatchKind::Sync { last_chance: false } if &*event.tag == "outbox" => EventOutcome::Rejected,
            _ => EventOutcome::Fulfilled,
        }
    }
}

/// Shows the WebView2-style "a registration was added" notification.
struct Ui {
    start: Instant,
}

impl Delegate for Ui {
    fn notify_registered(&self, key: &RegistrationKey, record: &LogRecord) {
        let at = self.start.elapsed().as_secs_f64();
        println!("{at:6.2}s   [ui] {} registered {} {:?}", record.origin, key.kind, key.tag);
    }
}

fn policy() -> ConfigurablePolicy {
    let mut config = PolicyConfig::chromium();
    config.oneshot.initial_retry_delay = Millis::from_secs(1);
    config.oneshot.retry_delay_factor = 2;
    config.periodic.min_interval = Millis::from_secs(2);
    config.periodic.origin_gap = Millis::from_secs(2);
    ConfigurablePolicy::new(config)
}

/// A wake-up hint as an Android-style job request: delay from now, and why.
fn describe(hint: Option<WakeupHint>) -> String {
    match hint {
        None => "none (cancel the OS job)".to_string(),
        Some(h) => {
            let delay = h.at.saturating_since(SystemClock.now());
            format!("wake in {delay} with network, reason {:?}", h.reason)
        }
    }
}

fn print_record(start_ms: u64, r: &LogRecord) {
    let at = r.time.0.saturating_sub(start_ms) as f64 / 1000.0;
    let meta: Vec<String> = r.metadata.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("{at:6.2}s {:<22} {:<10} {:<28} {}", r.origin.as_str(), &*r.tag, r.name(), meta.join(", "));
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => {
            println!("ok: every expectation held");
            ExitCode::SUCCESS
        }
        Err(failures) => {
            for f in &failures {
                eprintln!("FAILED: {f}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Vec<String>> {
    let start = Instant::now();
    let fired = Arc::new(Mutex::new(Vec::new()));
    let workers = Workers { start, fired: Arc::clone(&fired) };
    let driver = Driver::builder(MemoryStore::new(), workers)
        .delegate(Ui { start })
        .restore(policy(), Environment { network: NetworkState::default(), power: PowerState::default() })
        .await
        .map_err(|e| vec![format!("start: {e}")])?;
    let sync = driver.handle();
    let mut failures = Vec::new();
    let mut check = |ok: bool, what: &str| {
        if !ok {
            failures.push(what.to_string());
        }
    };

    // Print every record as it happens, and keep them for the checks.
    let mut log = sync.subscribe_log();
    let start_ms = SystemClock.now().0;
    let printer = tokio::spawn(async move {
        let mut all = Vec::new();
        while let Ok(record) = log.recv().await {
            print_record(start_ms, &record);
            all.push(record);
        }
        all
    });
    let mut progress = sync.subscribe_log();

    // The browser starts: two service workers, a tab for each origin.
    let env = async {
        sync.add_worker(NEWS_SW, NEWS, true).await?;
        sync.add_worker(MAIL_SW, MAIL, true).await?;
        sync.set_permission(NEWS, PermissionName::PeriodicBackgroundSync, PermissionState::Granted).await?;
        sync.client_opened(NEWS_TAB, NEWS, FrameType::TopLevel).await?;
        sync.client_opened(MAIL_TAB, MAIL, FrameType::TopLevel).await?;
        Ok::<(), sync_core::driver::DriverError>(())
    };
    env.await.map_err(|e| vec![format!("setup: {e}")])?;

    let news_page = Caller::Client(NEWS_TAB);
    let mail_page = Caller::Client(MAIL_TAB);
    check(sync.register_periodic(news_page, NEWS_SW, "headlines", 2000).await.is_ok(), "periodic register");

    // The network goes down; mail queues its outbox, then its tab closes.
    println!("{:6.2}s   [net] offline", start.elapsed().as_secs_f64());
    let _ = sync.set_network(NetworkState { online: false, metered: false }).await;
    check(sync.register(mail_page, MAIL_SW, "outbox").await.is_ok(), "outbox register while offline");
    let hint = sync.wakeup_hint().await.ok().flatten();
    println!("{:6.2}s   [os] wake-up hint while offline: {}", start.elapsed().as_secs_f64(), describe(hint));
    check(hint.is_some_and(|h| h.reason == WakeupReason::Ready), "offline hint: ready once online");
    let _ = sync.client_closed(MAIL_TAB).await;
    let late = sync.register(Caller::Worker(MAIL_SW), MAIL_SW, "late").await;
    println!("{:6.2}s   [mail] register without a window: {late:?}", start.elapsed().as_secs_f64());
    check(late.is_err_and(|e| e.name == DomErrorName::InvalidAccessError), "no window: InvalidAccessError");

    tokio::time::sleep(Duration::from_millis(1000)).await;
    println!("{:6.2}s   [net] online", start.elapsed().as_secs_f64());
    let _ = sync.set_network(NetworkState::default()).await;

    // Wait for the outbox to finish and for two periodic events.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (mut outbox_done, mut periodic_done) = (false, 0);
    while !(outbox_done && periodic_done >= 2) {
        match tokio::time::timeout_at(deadline, progress.recv()).await {
            Ok(Ok(r)) if r.name() == "Sync completed" && &*r.tag == "outbox" => outbox_done = true,
            Ok(Ok(r)) if r.name() == "periodicsync event completed" => periodic_done += 1,
            Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(_)) | Err(_) => break,
        }
    }
    check(outbox_done, "outbox completed within 20 s");
    check(periodic_done >= 2, "headlines fired at least twice within 20 s");

    // The news tab closes too; the browser shuts down.
    let _ = sync.client_closed(NEWS_TAB).await;
    drop(sync);
    let stopped = driver.shutdown().await.map_err(|e| vec![format!("shutdown: {e}")])?;
    println!("{:6.2}s   [os] wake-up hint at shutdown: {}", start.elapsed().as_secs_f64(), describe(stopped.wakeup));
    let records = printer.await.unwrap_or_default();

    // What the outbox went through: two failures 1 s and 2 s apart, then lastChance.
    let outbox: Vec<(u32, bool)> = fired
        .lock()
        .map(|f| {
            f.iter()
                .filter(|d| &*d.tag == "outbox")
                .map(|d| (d.attempt, matches!(d.kind, DispatchKind::Sync { last_chance: true })))
                .collect()
        })
        .unwrap_or_default();
    check(outbox == vec![(0, false), (1, false), (2, true)], &format!("outbox attempts {outbox:?}"));
    let delays: Vec<&str> = records
        .iter()
        .filter(|r| &*r.tag == "outbox" && r.name() == "sync event failed")
        .filter_map(|r| r.meta("Next Attempt Delay (ms)"))
        .collect();
    check(delays == ["1000", "2000"], &format!("outbox back-off delays {delays:?}"));
    let status = records.iter().find(|r| &*r.tag == "outbox" && r.name() == "Sync completed");
    check(status.and_then(|r| r.meta("Status")) == Some("succeeded"), "outbox succeeded on lastChance");
    let rows = &stopped.store;
    check(rows.len() == 1, &format!("only the periodic registration is left ({} rows)", rows.len()));
    check(stopped.wakeup.is_some(), "a wake-up hint for the periodic registration");
    check(start.elapsed() < Duration::from_secs(30), "finished within 30 s");
    if failures.is_empty() { Ok(()) } else { Err(failures) }
}
