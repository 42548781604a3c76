//! The driver task: one tokio task that owns the engine and the store.
//!
//! Each turn: handle due timers, take every ready input (up to a bound), drain
//! the engine, start a commit if none is in flight, then sleep until the next
//! input, commit, event result or engine timeout.

use super::clock::Clock;
use super::command::{Answer, Command, InputReply, Query};
use super::commit_place::CommitPlace;
use super::deadlines::Deadlines;
use super::delegate::{self, Delegate};
use super::dispatcher::Dispatcher;
use super::error::DriverError;
use super::log_stream::LogStream;
use super::wakeup::{self, WakeupHint};
use super::{DriverConfig, Stopped};
use crate::action::{Action, Dispatch};
use crate::commit::{Batch, CommitFailed, CommitQueue, Effect};
use crate::engine::Engine;
use crate::ids::{EventId, RequestId};
use crate::input::{Handled, Input};
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use sync_policy::{EventOutcome, Policy, Timestamp};
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, Id, JoinError, JoinHandle, JoinSet};
use tokio::time::Instant;

/// A finished commit: the store comes back with the result.
struct CommitDone<S> {
    store: S,
    result: Result<(), StoreError>,
    batch: Batch,
    /// How long the store took, and whether it said the commit ran upkeep.
    took: std::time::Duration,
    upkeep: bool,
}

/// A finished upkeep step: the store comes back with the result.
struct Upkept<S> {
    store: S,
    result: Result<bool, StoreError>,
}

/// An event whose dispatcher future is running.
struct Running {
    abort: AbortHandle,
}

pub(crate) struct Task<P: Policy, S: Store, D: Dispatcher> {
    pub(crate) engine: Engine<P>,
    /// `None` while a commit holds it.
    pub(crate) store: Option<S>,
    pub(crate) dispatcher: Arc<D>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) delegate: Arc<dyn Delegate>,
    pub(crate) config: DriverConfig,
    pub(crate) rx: mpsc::Receiver<Command>,
    pub(crate) logs: LogStream,
    pub(crate) state: State<S>,
}

/// The task's bookkeeping, apart from what it was built with.
pub(crate) struct State<S> {
    replies: HashMap<RequestId, InputReply>,
    commits: CommitQueue,
    commit: Option<JoinHandle<CommitDone<S>>>,
    commits_started: u64,
    /// Where the next commit runs (`commit_place.rs`).
    place: CommitPlace,
    /// Replies the last finished commit released, and calls taken since:
    /// gathering waits only for released callers that have not called again.
    released: usize,
    arrived: usize,
    /// A store upkeep step in flight (it holds the store, as a commit does).
    upkeep: Option<JoinHandle<Upkept<S>>>,
    /// The last input or finished commit: upkeep waits for quiet after it.
    busy_at: Instant,
    events: JoinSet<EventOutcome>,
    running: HashMap<EventId, Running>,
    by_task: HashMap<Id, EventId>,
    /// Every event the engine has in flight, on the monotonic clock.
    deadlines: Deadlines,
    /// Shutdown began: no more dispatches, timers or event results.
    stopping: bool,
    /// Every sender is gone or the channel was closed, and it is drained.
    inputs_done: bool,
    /// The store was lost with a cancelled commit.
    lost: Option<String>,
}

impl<S> Default for State<S> {
    fn default() -> Self {
        State {
            replies: HashMap::new(),
            commits: CommitQueue::new(),
            commit: None,
            commits_started: 0,
            place: CommitPlace::default(),
            released: 0,
            arrived: 0,
            upkeep: None,
            busy_at: Instant::now(),
            events: JoinSet::new(),
            running: HashMap::new(),
            by_task: HashMap::new(),
            deadlines: Deadlines::default(),
            stopping: false,
            inputs_done: false,
            lost: None,
        }
    }
}

/// Writes `batch`; a panic inside the store counts as an I/O error, so the store always comes back.
fn write_contained<S: Store>(batch: Batch, mut store: S, upkeep: bool) -> CommitDone<S> {
    // Wall time of real work, not the engine's clock: it only decides where the next commit runs.
    let start = std::time::Instant::now();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| batch.write(&mut store)))
        .unwrap_or_else(|_| Err(StoreError::Io("the store panicked while committing".to_owned())));
    CommitDone { store, result, batch, took: start.elapsed(), upkeep }
}

async fn wait_commit<S>(commit: &mut Option<JoinHandle<CommitDone<S>>>) -> Result<CommitDone<S>, JoinError> {
    match commit {
        Some(handle) => handle.await,
        None => std::future::pending().await,
    }
}

async fn wait_upkeep<S>(upkeep: &mut Option<JoinHandle<Upkept<S>>>) -> Result<Upkept<S>, JoinError> {
    match upkeep {
        Some(handle) => handle.await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl<P, S, D> Task<P, S, D>
where
    P: Policy + 'static,
    S: Store + Send + 'static,
    D: Dispatcher,
{
    /// Runs until shutdown (or until every handle is dropped) and hands the store back.
    pub(crate) async fn run(mut self) -> Result<Stopped<S>, DriverError> {
        loop {
            self.tick();
            self.drain_actions();
            self.gather_before_commit().await;
            if self.start_commit() {
                // Committed inline: its replies may have brought inputs; take them before sleeping.
                continue;
            }
            self.start_upkeep();
            let st = &self.state;
            if st.stopping && st.inputs_done && st.commit.is_none() && st.upkeep.is_none() && !st.commits.has_batch() {
                break;
            }
            // Stopping: no timers, so nothing counts as timed out while the task winds down.
            let wake = if self.state.stopping { None } else { self.next_wake() };
            let wake = match (wake, self.upkeep_at()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let watch_events = !self.state.stopping && !self.state.events.is_empty();
            tokio::select! {
                biased;
                done = wait_commit(&mut self.state.commit) => {
                    self.state.commit = None;
                    self.state.busy_at = Instant::now();
                    self.on_commit(done);
                }
                upkept = wait_upkeep(&mut self.state.upkeep) => {
                    self.state.upkeep = None;
                    self.on_upkeep(upkept);
                }
                Some(joined) = self.state.events.join_next_with_id(), if watch_events => {
                    self.on_joined(joined);
                    while let Some(joined) = self.state.events.try_join_next_with_id() {
                        self.on_joined(joined);
                    }
                }
                command = self.rx.recv(), if !self.state.inputs_done => match command {
                    Some(command) => {
                        self.on_command(command);
                        self.take_ready_inputs(self.config.max_inputs_per_turn.saturating_sub(1));
                    }
                    None => {
                        self.state.inputs_done = true;
                        self.begin_stop();
                    }
                },
                () = sleep_until(wake) => {}
            }
        }
        let now = self.clock.now();
        let wakeup = wakeup::hint(&self.engine, now);
        tracing::debug!(commits = self.state.commits_started, "background sync driver stopped");
        match (self.store.take(), self.state.lost.take()) {
            (Some(store), _) => Ok(Stopped { store, wakeup }),
            (None, reason) => Err(DriverError::StoreLost(reason.unwrap_or_default())),
        }
    }

    /// Group commit: before a commit starts, let callers that are already
    /// runnable (typically those whose replies the last commit released)
    /// deliver their next calls into the same batch. Yields at most
    /// `commit_yields` times, stops as soon as a yield brings nothing, and
    /// does not yield at all once as many calls have come in since the last
    /// commit as it released replies (a lone caller's next call is already
    /// here: a yield would only wake another worker).
    async fn gather_before_commit(&mut self) {
        if self.state.commit.is_some() || !self.state.commits.has_batch() || self.state.stopping {
            return;
        }
        for _ in 0..self.config.commit_yields {
            if self.state.arrived >= self.state.released {
                break;
            }
            tokio::task::yield_now().await;
            if self.take_ready_inputs(self.config.max_inputs_per_turn) == 0 {
                break;
            }
            self.drain_actions();
        }
    }

    /// Takes up to `limit` inputs that are already waiting; returns how many.
    fn take_ready_inputs(&mut self, limit: usize) -> usize {
        let mut taken = 0;
        while taken < limit {
            match self.rx.try_recv() {
                Ok(command) => {
                    self.on_command(command);
                    taken += 1;
                }
                Err(_) => break,
            }
        }
        taken
    }

    /// The time fed to the engine: the wall clock, held just before the
    /// earliest wall-clock deadline of an event whose monotonic time limit
    /// has not run out (see `deadlines.rs`).
    fn engine_now(&self) -> Timestamp {
        self.state.deadlines.cap(self.clock.now())
    }

    /// When to wake up: the engine's next timeout (when the time fed to the
    /// engine can reach it), or the next monotonic event deadline.
    fn next_wake(&self) -> Option<Instant> {
        let wall = self.clock.now();
        let cap = self.state.deadlines.cap(wall);
        let engine = self.engine.poll_timeout().filter(|w| w.at <= cap || cap == wall).map(|w| {
            // Capped, so a jump of the wall clock is noticed within `max_sleep`.
            let wait = Duration::from_millis(w.at.saturating_since(wall).0).min(self.config.max_sleep);
            Instant::now() + wait
        });
        match (engine, self.state.deadlines.next()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Ends the events whose monotonic time limit ran out (dropping their
    /// dispatcher futures and reporting them `TimedOut`), then lets the
    /// engine handle what came due.
    fn tick(&mut self) {
        if self.state.stopping {
            return;
        }
        let instant = Instant::now();
        while let Some((event, wall_deadline)) = self.state.deadlines.first_expired(instant) {
            self.state.deadlines.remove(event);
            if let Some(running) = self.state.running.remove(&event) {
                tracing::debug!(event = event.0, "event outlived its time limit; its dispatcher future is dropped");
                running.abort.abort();
            }
            // At its wall-clock deadline, or earlier when the wall clock was stepped back.
            let at = self.engine_now().min(wall_deadline);
            let timed_out = Input::EventFinished { event, outcome: EventOutcome::TimedOut };
            if let Err(e) = self.engine.handle(at, timed_out) {
                tracing::debug!(event = event.0, error = %e, "time-out not counted");
            }
        }
        let now = self.engine_now();
        if self.engine.poll_timeout().is_some_and(|w| w.at <= now) {
            self.engine.handle_timeout(now);
        }
    }

    fn on_command(&mut self, command: Command) {
        self.state.busy_at = Instant::now();
        self.state.arrived = self.state.arrived.saturating_add(1);
        let now = self.engine_now();
        match command {
            Command::Input(input, reply) => self.on_input(input, reply, now),
            Command::Query(query) => self.on_query(query, now),
            Command::Shutdown => self.begin_stop(),
        }
    }

    fn on_input(&mut self, input: Input, reply: InputReply, now: Timestamp) {
        let finished = match &input {
            Input::EventFinished { event, .. } => Some(*event),
            Input::StorageFailed { reason } => {
                // The embedder reports a broken store: the same path as a failed commit.
                let failed = self.state.commits.fail(&mut self.engine, StoreError::Io(reason.clone()));
                self.on_storage_failure(failed);
                let _ = reply.send(Ok(Answer::Handled(Handled::Applied)));
                return;
            }
            _ => None,
        };
        match self.engine.handle(now, input) {
            Ok(Handled::Request(request)) => {
                // Answered when its reply is released (after its commit).
                self.state.replies.insert(request, reply);
            }
            Ok(handled) => {
                if let Some(event) = finished {
                    // The embedder settled the event itself: its dispatcher future is moot.
                    self.forget_event(event);
                }
                let _ = reply.send(Ok(Answer::Handled(handled)));
            }
            Err(e) => {
                let _ = reply.send(Err(e));
            }
        }
    }

    /// Stops tracking an event and drops its dispatcher future, if running.
    fn forget_event(&mut self, event: EventId) {
        self.state.deadlines.remove(event);
        if let Some(running) = self.state.running.remove(&event) {
            running.abort.abort();
        }
    }

    fn on_query(&mut self, query: Query, now: Timestamp) {
        // Answer with the effects of inputs taken so far (they are not drained yet).
        self.drain_actions();
        match query {
            Query::Registrations(sw, tx) => {
                let _ = tx.send(self.engine.registrations(sw));
            }
            Query::Explain(key, tx) => {
                let _ = tx.send(self.engine.explain(&key));
            }
            Query::Workers(tx) => {
                let _ = tx.send(self.engine.workers());
            }
            Query::Wakeup(tx) => {
                let hint: Option<WakeupHint> = wakeup::hint(&self.engine, now);
                let _ = tx.send(hint);
            }
        }
    }

    /// Stops taking inputs (later calls fail), cancels every dispatcher future
    /// without reporting it, and lets the in-flight commit and the rest of the
    /// batch finish.
    fn begin_stop(&mut self) {
        if self.state.stopping {
            return;
        }
        self.state.stopping = true;
        self.rx.close();
        self.cancel_events();
    }

    fn cancel_events(&mut self) {
        self.state.events.abort_all();
        self.state.running.clear();
        self.state.by_task.clear();
        self.state.deadlines.clear();
    }

    /// Drains the engine through the commit protocol (`crate::commit`):
    /// persists join the next batch, effects queued after an uncommitted
    /// persist wait for it, the others go out now.
    /// Each dispatch's time limit starts on the monotonic clock as the
    /// engine emits it, even when the dispatch waits behind a commit.
    fn drain_actions(&mut self) {
        let (engine_now, instant) = (self.engine.now(), Instant::now());
        while let Some(action) = self.engine.poll_action() {
            if let Action::Dispatch(d) = &action
                && !self.state.stopping
            {
                let left = Duration::from_millis(d.deadline.saturating_since(engine_now).0);
                self.state.deadlines.track(d.event, d.deadline, left, instant);
            }
            if let Some(effect) = self.state.commits.push(action) {
                self.deliver(effect);
            }
        }
    }

    fn deliver(&mut self, effect: Effect) {
        match effect {
            Effect::Reply { request, result } => match self.state.replies.remove(&request) {
                // The caller may have stopped waiting: that is fine.
                Some(reply) => {
                    let _ = reply.send(Ok(Answer::Reply(result)));
                }
                None => tracing::warn!(request = request.0, "reply for an unknown request"),
            },
            Effect::Dispatch(d) => self.spawn_dispatch(d),
            Effect::Log(record) => {
                delegate::notify(self.delegate.as_ref(), &record);
                self.logs.send(record);
            }
        }
    }

    fn spawn_dispatch(&mut self, d: Dispatch) {
        if self.state.stopping {
            // Not fired: the registration is pending again at the next start.
            return;
        }
        let event = d.event;
        if !self.state.deadlines.is_live(event, Instant::now()) {
            // Held behind a slow commit until its time was up: the engine counts it as timed out.
            tracing::debug!(event = event.0, "event not fired: its deadline passed while its commit ran");
            return;
        }
        let dispatcher = Arc::clone(&self.dispatcher);
        let abort = self.state.events.spawn(async move { dispatcher.dispatch(d).await });
        self.state.by_task.insert(abort.id(), event);
        self.state.running.insert(event, Running { abort });
    }

    fn on_joined(&mut self, joined: Result<(Id, EventOutcome), JoinError>) {
        let (task, outcome) = match joined {
            Ok(done) => done,
            Err(e) if e.is_panic() => (e.id(), EventOutcome::WorkerFailed),
            Err(e) => {
                // Cancelled by us at its deadline: the engine already counted it.
                self.state.by_task.remove(&e.id());
                return;
            }
        };
        let Some(event) = self.state.by_task.remove(&task) else { return };
        if self.state.running.remove(&event).is_none() {
            return;
        }
        if outcome == EventOutcome::WorkerFailed {
            tracing::warn!(event = event.0, "dispatcher panicked; the event counts as WorkerFailed");
            let delegate = &self.delegate;
            delegate::contain("notify_dispatcher_panicked", || delegate.notify_dispatcher_panicked(event));
        }
        // The time limit first: a result at or after it is late (the tick counted the time-out).
        self.tick();
        if !self.state.deadlines.is_live(event, Instant::now()) {
            tracing::debug!(event = event.0, "a result after the event's time limit is dropped");
            return;
        }
        let now = self.engine_now();
        self.state.deadlines.remove(event);
        if let Err(e) = self.engine.handle(now, Input::EventFinished { event, outcome }) {
            tracing::debug!(event = event.0, error = %e, "event result dropped");
        }
    }

    /// Starts the next commit, if any; returns whether it ran (and finished)
    /// inline, on this thread (see `commit_place.rs`).
    fn start_commit(&mut self) -> bool {
        if self.store.is_none() {
            return false;
        }
        let Some(batch) = self.state.commits.next_batch() else { return false };
        let Some(store) = self.store.take() else { return false };
        self.state.commits_started += 1;
        let upkeep = store.commit_runs_upkeep(batch.mutations());
        let waiting = !self.rx.is_empty();
        if self.state.place.inline(batch.mutations().len(), waiting, upkeep, &self.config) {
            let done = write_contained(batch, store, upkeep);
            self.state.busy_at = Instant::now();
            self.on_commit(Ok(done));
            return true;
        }
        self.state.commit = Some(tokio::task::spawn_blocking(move || write_contained(batch, store, upkeep)));
        false
    }

    /// When the next upkeep step may start: after [`DriverConfig::upkeep_after`]
    /// of quiet, when the store has upkeep due and holds no batch.
    fn upkeep_at(&self) -> Option<Instant> {
        let st = &self.state;
        let quiet = self.config.upkeep_after?;
        let idle = !st.stopping && st.commit.is_none() && st.upkeep.is_none() && !st.commits.has_batch();
        let due = idle && self.store.as_ref().is_some_and(|s| s.upkeep_due());
        due.then(|| st.busy_at + quiet)
    }

    /// Starts one upkeep step on the blocking pool once the task has been quiet long enough.
    fn start_upkeep(&mut self) {
        if self.upkeep_at().is_none_or(|at| at > Instant::now()) {
            return;
        }
        let Some(mut store) = self.store.take() else { return };
        self.state.upkeep = Some(tokio::task::spawn_blocking(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| store.idle()))
                .unwrap_or_else(|_| Err(StoreError::Io("the store panicked during upkeep".to_owned())));
            Upkept { store, result }
        }));
    }

    fn on_upkeep(&mut self, done: Result<Upkept<S>, JoinError>) {
        match done {
            Ok(Upkept { store, result }) => {
                self.store = Some(store);
                if let Err(error) = result {
                    // Nothing stored changed; the commits fold or checkpoint themselves past the bound.
                    tracing::warn!(%error, "store upkeep failed; it is tried again later");
                    self.state.busy_at = Instant::now();
                }
            }
            Err(e) => {
                self.state.lost = Some(e.to_string());
                let error = StoreError::Io(format!("the store upkeep task did not finish: {e}"));
                let failed = self.state.commits.fail(&mut self.engine, error);
                self.on_storage_failure(failed);
            }
        }
    }

    fn on_commit(&mut self, done: Result<CommitDone<S>, JoinError>) {
        let outcome = match done {
            Ok(CommitDone { store, result, batch, took, upkeep }) => {
                self.store = Some(store);
                self.state.place.record(took, upkeep);
                self.state.commits.finish(&mut self.engine, batch, result)
            }
            Err(e) => {
                self.state.lost = Some(e.to_string());
                let error = StoreError::Io(format!("the commit task did not finish: {e}"));
                Err(self.state.commits.fail(&mut self.engine, error))
            }
        };
        match outcome {
            Ok(effects) => {
                self.state.released = effects.iter().filter(|e| matches!(e, Effect::Reply { .. })).count();
                self.state.arrived = 0;
                for effect in effects {
                    self.deliver(effect);
                }
            }
            Err(failed) => self.on_storage_failure(failed),
        }
    }

    /// A commit failed: the protocol disabled the engine and turned the held
    /// replies into `UnknownError` rejections; events in flight are cancelled
    /// and nothing more is dispatched.
    fn on_storage_failure(&mut self, failed: CommitFailed) {
        let CommitFailed { error, effects } = failed;
        tracing::error!(%error, "commit failed; background sync is disabled until restart");
        self.cancel_events();
        let delegate = &self.delegate;
        delegate::contain("notify_storage_failed", || delegate.notify_storage_failed(&error));
        for effect in effects {
            self.deliver(effect);
        }
    }
}
