//! The simulated world: how long it lasts, its sites and the device trace.
//!
//! Times are milliseconds since the start of the simulation (midnight of day
//! 0); the runner maps them onto the engine's wall clock.

use sync_policy::Engagement;

/// One day in milliseconds.
pub const DAY: u64 = 86_400_000;
/// One hour in milliseconds.
pub const HOUR: u64 = 3_600_000;
/// One minute in milliseconds.
pub const MINUTE: u64 = 60_000;

/// A world: sites, and what happens to the device, over `days` days.
#[derive(Clone, Debug, PartialEq)]
pub struct World {
    /// A name for reports.
    pub name: String,
    /// How many days the simulation covers; it runs over `[0, days × 24 h]`.
    pub days: u32,
    /// The seed of every random choice (generated traces, event outcomes).
    pub seed: u64,
    /// The sites.
    pub sites: Vec<Site>,
    /// The device trace, sorted by time (see [`Row::order`]).
    pub trace: Vec<Row>,
}

impl World {
    /// The last simulated instant.
    pub fn end(&self) -> u64 {
        u64::from(self.days) * DAY
    }

    /// Sorts the trace: by time, then environment changes before visits, so
    /// a visit at the instant an outage starts sees the outage.
    pub fn sort_trace(&mut self) {
        self.trace.sort_by_key(|r| (r.at, r.order()));
    }
}

/// When a site registers a one-off sync on a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OneOffRule {
    /// Never.
    Never,
    /// On each visit while the link is down (offline or captive): an outbox.
    OfflineVisits,
    /// On every visit.
    EveryVisit,
}

/// A site: its engagement over time and its page behaviour.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// A short name (`mail`), used in traces and reports.
    pub name: String,
    /// Its serialized origin (default `https://<name>.test`).
    pub origin: String,
    /// Engagement at the start; later changes are [`Change::Engagement`] rows.
    pub engagement: Engagement,
    /// Visits per day, for generated traces.
    pub visits_per_day: f64,
    /// How long a generated visit keeps its window open.
    pub visit_length: u64,
    /// When it registers a one-off sync.
    pub oneoff: OneOffRule,
    /// The one-off tag prefix; each registration gets `<tag>-<n>`.
    pub oneoff_tag: String,
    /// The `minInterval` of its periodic registration (registered before the
    /// simulated time starts), if any.
    pub periodic: Option<u64>,
    /// The periodic tag.
    pub periodic_tag: String,
    /// Probability that one of its events rejects although the link works.
    pub fail_rate: f64,
    /// How long its events run before they settle.
    pub run_time: u64,
}

impl Site {
    /// A site with defaults: high engagement, no visits, no registrations,
    /// events that run 10 s and always succeed.
    pub fn new(name: &str) -> Site {
        Site {
            name: name.to_string(),
            origin: format!("https://{name}.test"),
            engagement: Engagement::High,
            visits_per_day: 0.0,
            visit_length: 5 * MINUTE,
            oneoff: OneOffRule::Never,
            oneoff_tag: "outbox".to_string(),
            periodic: None,
            periodic_tag: "refresh".to_string(),
            fail_rate: 0.0,
            run_time: 10_000,
        }
    }
}

/// The device's link, as reported and as it really is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Link {
    /// Online, unmetered, working.
    Online,
    /// Online, metered (cellular), working.
    Metered,
    /// Offline, and reported offline.
    Offline,
    /// Reported online, but nothing gets through (captive portal, a lossy
    /// rural link): events that run now fail.
    Captive,
}

impl Link {
    /// Whether requests actually get through.
    pub fn works(self) -> bool {
        matches!(self, Link::Online | Link::Metered)
    }

    /// What the engine is told.
    pub fn reported(self) -> sync_policy::NetworkState {
        sync_policy::NetworkState { online: self != Link::Offline, metered: self == Link::Metered }
    }

    /// The name used in traces.
    pub fn name(self) -> &'static str {
        match self {
            Link::Online => "online",
            Link::Metered => "metered",
            Link::Offline => "offline",
            Link::Captive => "captive",
        }
    }

    /// Parses a trace value.
    pub fn parse(text: &str) -> Option<Link> {
        [Link::Online, Link::Metered, Link::Offline, Link::Captive].into_iter().find(|l| l.name() == text)
    }
}

/// One change of the device trace.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The link changed.
    Network(Link),
    /// Battery saver turned on or off.
    BatterySaver(bool),
    /// The device was plugged in or unplugged.
    Charging(bool),
    /// The user visits a site: a window opens now and closes after `length`.
    Visit {
        /// Index into [`World::sites`].
        site: usize,
        /// How long the window stays open.
        length: u64,
    },
    /// A site's engagement changed.
    Engagement {
        /// Index into [`World::sites`].
        site: usize,
        /// The new level.
        level: Engagement,
    },
}

/// A row of the trace: a change at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Milliseconds since the start.
    pub at: u64,
    /// What changed.
    pub change: Change,
}

impl Row {
    /// Order among rows at the same instant: environment first, visits last.
    pub fn order(&self) -> u8 {
        match self.change {
            Change::Network(_) | Change::BatterySaver(_) | Change::Charging(_) => 0,
            Change::Engagement { .. } => 1,
            Change::Visit { .. } => 2,
        }
    }
}
