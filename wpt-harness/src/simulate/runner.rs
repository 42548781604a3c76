//! Runs one profile's engine over a world on virtual time.
//!
//! The runner feeds [`sync_core::Engine::handle`] the trace rows, opens and
//! closes a window per visit, registers what each site's pages register,
//! settles each dispatched event after its site's run time, and calls
//! `handle_timeout` whenever the engine's timer is due. At one instant it
//! applies, in order: trace rows (environment, then engagement, then visits),
//! window closes, event settlements, and the timer.

use super::error::SimError;
use super::profile::SimProfile;
use super::record::{Fire, FireResult, OneOff, OneOffEnd, PeriodicReg, Run, Wake};
use super::rng::unit_of;
use super::world::{Change, Link, OneOffRule, World};
use std::collections::{BTreeMap, HashMap};
use sync_core::{
    Action, Caller, ClientId, Dispatch, DispatchKind, Engine, EventId, Explanation, Input, RegistrationKey, RequestId,
    SwRegId, Tag,
};
use sync_policy::{
    ConfigurablePolicy, Engagement, EventOutcome, FrameType, PermissionName, PermissionState, PowerState, SyncKind,
    Timestamp,
};

/// The engine's wall clock at the start of the simulation: 2026-01-01 00:00 UTC.
pub const EPOCH: u64 = 1_767_225_600_000;

/// How many times the loop may come back to the same instant before it is a stall.
const STALL_LIMIT: u32 = 100_000;

/// A page call whose reply the runner waits for.
#[derive(Clone, Copy, Debug)]
enum Tracked {
    OneOff(usize),
    Periodic(usize),
}

/// An event the runner will settle.
#[derive(Clone, Copy, Debug)]
struct Flight {
    fire: usize,
    oneoff: Option<usize>,
    /// The attempt (one-off) or the site's periodic fire count (periodic):
    /// with the registration it keys the outcome draw.
    ordinal: u64,
}

struct Runner<'w> {
    world: &'w World,
    profile: &'w SimProfile,
    engine: Engine<ConfigurablePolicy>,
    now: u64,
    seq: u64,
    link: Link,
    power: PowerState,
    engagement: Vec<Engagement>,
    engagement_since: Vec<u64>,
    windows_open: u32,
    next_client: u64,
    closes: BTreeMap<(u64, u64), ClientId>,
    settles: BTreeMap<(u64, u64), EventId>,
    flights: HashMap<EventId, Flight>,
    oneoff_by_tag: HashMap<(usize, Tag), usize>,
    requests: HashMap<RequestId, Tracked>,
    periodic_fires: Vec<u64>,
    run: Run,
    wake: Option<usize>,
}

/// Runs `profile`'s engine over `world`.
pub fn run(world: &World, profile: &SimProfile) -> Result<Run, SimError> {
    let policy = ConfigurablePolicy::new(profile.config.clone());
    let mut engine = Engine::new(policy, Timestamp(EPOCH));
    engine.set_log_recording(false);
    let n = world.sites.len();
    let mut runner = Runner {
        world,
        profile,
        engine,
        now: 0,
        seq: 0,
        link: Link::Online,
        power: PowerState::default(),
        engagement: world.sites.iter().map(|s| s.engagement).collect(),
        engagement_since: vec![0; n],
        windows_open: 0,
        next_client: 1,
        closes: BTreeMap::new(),
        settles: BTreeMap::new(),
        flights: HashMap::new(),
        oneoff_by_tag: HashMap::new(),
        requests: HashMap::new(),
        periodic_fires: vec![0; n],
        run: Run { profile: profile.name.clone(), ..Run::default() },
        wake: None,
    };
    runner.setup();
    runner.main_loop()?;
    Ok(runner.finish())
}

impl Runner<'_> {
    fn ts(&self) -> Timestamp {
        Timestamp(EPOCH + self.now)
    }

    /// Feeds one input and carries out what it produced; a page call's
    /// request is remembered as `tracked` (a one-off or periodic index) first,
    /// so its reply finds it. Refused inputs are counted in the run.
    fn input_tracked(&mut self, input: Input, tracked: Option<Tracked>) {
        match self.engine.handle(self.ts(), input) {
            Ok(h) => {
                if let (Some(r), Some(t)) = (h.request(), tracked) {
                    self.requests.insert(r, t);
                }
            }
            Err(_) => self.run.refused_inputs += 1,
        }
        self.drain();
    }

    fn input(&mut self, input: Input) {
        self.input_tracked(input, None);
    }

    /// Workers, permissions and engagement of every site, and each periodic
    /// registration (made from a window before the simulated time starts).
    fn setup(&mut self) {
        for (i, site) in self.world.sites.iter().enumerate() {
            let sw = SwRegId(i as u64 + 1);
            self.input(Input::AddWorker { sw, origin: site.origin.clone(), active: true });
            for name in [PermissionName::BackgroundSync, PermissionName::PeriodicBackgroundSync] {
                self.input(Input::Permission { origin: site.origin.clone(), name, state: PermissionState::Granted });
            }
            self.input(Input::Engagement { origin: site.origin.clone(), level: site.engagement });
            if let Some(min_interval) = site.periodic {
                let client = self.open_window(i);
                let caller = Caller::Client(client);
                let input =
                    Input::RegisterPeriodic { caller, sw, tag: site.periodic_tag.as_str().into(), min_interval };
                let index = self.run.periodics.len();
                self.run.periodics.push(PeriodicReg { site: i, min_interval, registered: false, suspended_ms: 0 });
                self.input_tracked(input, Some(Tracked::Periodic(index)));
                self.close_window(client);
            }
        }
    }

    fn open_window(&mut self, site: usize) -> ClientId {
        let client = ClientId(self.next_client);
        self.next_client += 1;
        let origin = self.world.sites[site].origin.clone();
        self.input(Input::ClientOpened { client, origin, frame: FrameType::TopLevel });
        self.windows_open += 1;
        client
    }

    fn close_window(&mut self, client: ClientId) {
        self.windows_open = self.windows_open.saturating_sub(1);
        self.input(Input::ClientClosed(client));
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn main_loop(&mut self) -> Result<(), SimError> {
        let end = self.world.end();
        let mut row = 0;
        let (mut last, mut repeats) = (u64::MAX, 0u32);
        loop {
            let candidates = [
                self.world.trace.get(row).map(|r| r.at),
                self.closes.keys().next().map(|k| k.0),
                self.settles.keys().next().map(|k| k.0),
                self.engine.poll_timeout().map(|w| w.at.0.saturating_sub(EPOCH).max(self.now)),
            ];
            let Some(t) = candidates.into_iter().flatten().min() else { break };
            if t > end {
                break;
            }
            if t == last {
                repeats += 1;
                if repeats > STALL_LIMIT {
                    let message = "the engine's timer keeps coming back to this instant".to_string();
                    return Err(SimError::Stalled { profile: self.profile.name.clone(), at: t, message });
                }
            } else {
                (last, repeats) = (t, 0);
            }
            self.now = t;
            while let Some(r) = self.world.trace.get(row).filter(|r| r.at == t) {
                row += 1;
                self.apply(&r.change);
            }
            while let Some((&key, &client)) = self.closes.iter().next().filter(|(k, _)| k.0 == t) {
                self.closes.remove(&key);
                self.close_window(client);
            }
            while let Some((&key, &event)) = self.settles.iter().next().filter(|(k, _)| k.0 == t) {
                self.settles.remove(&key);
                self.settle(event);
            }
            self.timer();
        }
        self.now = end;
        Ok(())
    }

    /// Calls `handle_timeout` if the engine's timer is due now, counting a
    /// wake-up when it is for a due registration and no window is open.
    fn timer(&mut self) {
        let Some(wakeup) = self.engine.poll_timeout() else { return };
        if wakeup.at > self.ts() {
            return;
        }
        // A deadline timer fires while the worker still runs: the device is awake anyway.
        if matches!(wakeup.reason, sync_core::WakeReason::Due(_)) && self.windows_open == 0 {
            self.wake = Some(self.run.wakes.len());
            self.run.wakes.push(Wake { at: self.now, dispatches: 0 });
        }
        self.engine.handle_timeout(self.ts());
        self.drain();
        self.wake = None;
    }

    fn apply(&mut self, change: &Change) {
        match *change {
            Change::Network(link) => {
                self.link = link;
                self.input(Input::Network(link.reported()));
            }
            Change::BatterySaver(on) => {
                self.power.battery_saver = on;
                self.input(Input::Power(self.power));
            }
            Change::Charging(on) => {
                self.power.charging = on;
                self.input(Input::Power(self.power));
            }
            Change::Engagement { site, level } => {
                self.account_suspension(site);
                self.engagement[site] = level;
                let origin = self.world.sites[site].origin.clone();
                self.input(Input::Engagement { origin, level });
            }
            Change::Visit { site, length } => self.visit(site, length),
        }
    }

    /// Adds the time since the last engagement change to the site's
    /// suspension, if its level suspends periodic sync under the profile.
    fn account_suspension(&mut self, site: usize) {
        let suspended = self.profile.config.periodic.engagement.for_level(self.engagement[site]).is_none();
        let span = self.now - self.engagement_since[site];
        self.engagement_since[site] = self.now;
        if suspended {
            for p in self.run.periodics.iter_mut().filter(|p| p.site == site && p.registered) {
                p.suspended_ms += span;
            }
        }
    }

    fn visit(&mut self, site: usize, length: u64) {
        let client = self.open_window(site);
        let spec = &self.world.sites[site];
        let register = match spec.oneoff {
            OneOffRule::Never => false,
            OneOffRule::OfflineVisits => !self.link.works(),
            OneOffRule::EveryVisit => true,
        };
        if register {
            let index = self.run.oneoffs.len();
            let tag = format!("{}-{index}", spec.oneoff_tag);
            self.oneoff_by_tag.insert((site, Tag::from(tag.as_str())), index);
            self.run.oneoffs.push(OneOff { site, registered_at: self.now, fired_at: None, end: OneOffEnd::Pending });
            let input =
                Input::Register { caller: Caller::Client(client), sw: SwRegId(site as u64 + 1), tag: tag.into() };
            self.input_tracked(input, Some(Tracked::OneOff(index)));
        }
        let seq = self.next_seq();
        self.closes.insert((self.now + length.max(1), seq), client);
    }

    fn drain(&mut self) {
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Reply { request, result } => match self.requests.remove(&request) {
                    Some(Tracked::OneOff(index)) if result.is_err() => {
                        self.run.oneoffs[index].end = OneOffEnd::Refused;
                    }
                    Some(Tracked::Periodic(index)) => self.run.periodics[index].registered = result.is_ok(),
                    _ => {}
                },
                Action::Dispatch(d) => self.dispatched(d),
                Action::Persist(_) | Action::Log(_) => {}
                other => panic!("the simulator does not know this action yet: {other:?}"),
            }
        }
    }

    fn dispatched(&mut self, d: Dispatch) {
        let site = (d.sw.0 as usize).saturating_sub(1);
        let Some(spec) = self.world.sites.get(site) else { return };
        let kind = match d.kind {
            DispatchKind::Sync { .. } => SyncKind::OneOff,
            DispatchKind::PeriodicSync => SyncKind::Periodic,
        };
        let oneoff = match kind {
            SyncKind::OneOff => self.oneoff_by_tag.get(&(site, d.tag.clone())).copied(),
            SyncKind::Periodic => None,
        };
        let limit = d.deadline.0.saturating_sub(self.ts().0);
        let timed_out = spec.run_time >= limit;
        let fire = self.run.fires.len();
        self.run.fires.push(Fire {
            site,
            kind,
            at: self.now,
            result: if timed_out { FireResult::TimedOut } else { FireResult::Success },
            link_down: !self.link.works(),
            ran: spec.run_time.min(limit),
        });
        if let Some(w) = self.wake {
            self.run.wakes[w].dispatches += 1;
        }
        if !timed_out {
            let seq = self.next_seq();
            self.settles.insert((self.now + spec.run_time, seq), d.event);
        }
        // A timed-out event is left to the engine's deadline.
        let ordinal = match kind {
            SyncKind::OneOff => u64::from(d.attempt),
            SyncKind::Periodic => {
                self.periodic_fires[site] += 1;
                self.periodic_fires[site]
            }
        };
        self.flights.insert(d.event, Flight { fire, oneoff, ordinal });
    }

    fn settle(&mut self, event: EventId) {
        let Some(flight) = self.flights.remove(&event) else { return };
        let fire = &mut self.run.fires[flight.fire];
        fire.link_down |= !self.link.works();
        let site = fire.site;
        let seed = self.world.seed;
        // The same attempt of the same registration meets the same fate under every profile.
        let draw = match flight.oneoff {
            Some(index) => unit_of(&[seed, site as u64, 1, index as u64, flight.ordinal]),
            None => unit_of(&[seed, site as u64, 2, flight.ordinal]),
        };
        let fire = &mut self.run.fires[flight.fire];
        let ok = !fire.link_down && draw >= self.world.sites[site].fail_rate;
        fire.result = if ok { FireResult::Success } else { FireResult::Failed };
        let outcome = if ok { EventOutcome::Fulfilled } else { EventOutcome::Rejected };
        let at = fire.at;
        if ok && let Some(index) = flight.oneoff {
            let o = &mut self.run.oneoffs[index];
            if o.fired_at.is_none() {
                o.fired_at = Some(at);
                o.end = OneOffEnd::Fired;
            }
        }
        self.input(Input::EventFinished { event, outcome });
    }

    fn finish(mut self) -> Run {
        for site in 0..self.world.sites.len() {
            self.account_suspension(site);
        }
        for index in 0..self.run.oneoffs.len() {
            let o = &self.run.oneoffs[index];
            if o.end != OneOffEnd::Pending {
                continue;
            }
            let key = RegistrationKey::new(SwRegId(o.site as u64 + 1), SyncKind::OneOff, &self.tag_of(index));
            if self.engine.explain(&key) == Explanation::NotRegistered {
                self.run.oneoffs[index].end = OneOffEnd::GaveUp;
            }
        }
        self.run
    }

    fn tag_of(&self, index: usize) -> String {
        let o = &self.run.oneoffs[index];
        format!("{}-{index}", self.world.sites[o.site].oneoff_tag)
    }
}
