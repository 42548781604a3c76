//! F2: an event's time limit runs on the monotonic clock. A wall clock
//! stepped back does not extend it, and one jumping forward does not end it
//! early; the engine's persisted schedules stay on the wall clock.
mod driver_kit;
use driver_kit::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use sync_core::Engine;
use sync_core::Input;
use sync_core::driver::{Clock, Driver, TokioClock};
use sync_policy::{ConfigurablePolicy, FrameType, Millis, PolicyConfig, Timestamp};
use tokio::time::Instant;

const HOUR_MS: i64 = 3_600_000;

/// Tokio's (paused) clock plus an offset the test steps, like NTP would.
#[derive(Clone)]
struct Stepped {
    base: TokioClock,
    offset: Arc<AtomicI64>,
}

impl Stepped {
    fn step(&self, by_ms: i64) {
        self.offset.fetch_add(by_ms, Ordering::SeqCst);
    }
}

impl Clock for Stepped {
    fn now(&self) -> Timestamp {
        Timestamp(self.base.now().0.saturating_add_signed(self.offset.load(Ordering::SeqCst)))
    }
}

/// Origin A with a 1 s limit per sync event, a dispatcher that never answers.
fn hanging_driver(
    clock: Stepped,
) -> (Driver<SharedStore>, Scripted, tokio::sync::mpsc::UnboundedReceiver<sync_core::Dispatch>) {
    let mut config = PolicyConfig::chromium();
    config.oneshot.max_event_duration = Millis(1000);
    let mut engine = Engine::new(ConfigurablePolicy::new(config), T0);
    engine.handle(T0, Input::AddWorker { sw: R1, origin: A.to_string(), active: true }).unwrap();
    engine.handle(T0, Input::ClientOpened { client: W1, origin: A.to_string(), frame: FrameType::TopLevel }).unwrap();
    let (dispatcher, seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = Driver::builder(SharedStore::new(), dispatcher.clone()).clock(clock).spawn(engine);
    (driver, dispatcher, seen)
}

fn clock() -> Stepped {
    Stepped { base: TokioClock::new(T0), offset: Arc::default() }
}

#[tokio::test(start_paused = true)]
async fn a_backward_wall_clock_step_does_not_extend_the_time_limit() {
    let clock = clock();
    let (driver, dispatcher, mut seen) = hanging_driver(clock.clone());
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    sync.register(page(W1), R1, "t").await.unwrap();
    wait_dispatch(&mut seen, Duration::from_millis(10)).await;
    let fired = Instant::now();
    tokio::time::sleep(Duration::from_millis(100)).await;
    clock.step(-HOUR_MS);

    let failed = wait_log(&mut log, "sync event failed", Duration::from_secs(2)).await;
    assert_eq!(failed.meta("Failure Reason"), Some("timeout"));
    assert_eq!(elapsed_since(fired), Duration::from_secs(1), "ended after its 1 s, not after the hour");
    tokio::task::yield_now().await;
    assert_eq!(dispatcher.unfinished(), 1, "the hanging dispatcher future was dropped");
    driver.shutdown().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_forward_wall_clock_jump_does_not_end_the_event_early() {
    let clock = clock();
    let (driver, dispatcher, mut seen) = hanging_driver(clock.clone());
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    sync.register(page(W1), R1, "t").await.unwrap();
    wait_dispatch(&mut seen, Duration::from_millis(10)).await;
    let fired = Instant::now();
    tokio::time::sleep(Duration::from_millis(100)).await;
    clock.step(HOUR_MS);
    // Another input makes the driver read the jumped clock at once.
    sync.wakeup_hint().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(dispatcher.unfinished(), 0, "still running 0.6 s in, although the wall clock moved an hour");
    while let Ok(record) = log.try_recv() {
        assert_ne!(record.name(), "sync event failed", "not ended early");
    }

    let failed = wait_log(&mut log, "sync event failed", Duration::from_secs(2)).await;
    assert_eq!(failed.meta("Failure Reason"), Some("timeout"));
    assert_eq!(elapsed_since(fired), Duration::from_secs(1), "ended after its full 1 s");
    driver.shutdown().await.unwrap();
}
