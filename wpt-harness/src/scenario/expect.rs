//! What a step expects: dispatches, log records, replies, explanations,
//! refusals and binding shapes.

use super::JsValue;
use crate::refusal::Refusal;
use crate::vocabulary::{name_of, parse_name};
use crate::yaml::Pos;
use sync_core::Explanation;
use sync_policy::{Blocker, EventOutcome, Millis, SyncKind, WaitReason};

/// What a page-side call is expected to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallExpect {
    /// The promise resolves (any value).
    Resolve,
    /// The promise rejects with this exception name.
    Reject {
        /// The exception name (`error.name`).
        name: String,
        /// The exception's message (`error.message`), when the scenario
        /// checks it: messages are the user agent's own text, so only a
        /// profile's scenarios check them.
        message: Option<String>,
    },
    /// The promise resolves with these tags.
    Tags {
        /// The tags.
        tags: Vec<String>,
        /// Compare as a sequence (`order:` given) rather than a set.
        ordered: bool,
    },
}

/// An expected dispatch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventSpec {
    /// Where it is written.
    pub pos: Pos,
    /// A name to settle it by later (`settle: {event: e1}`); without one it is settled `fulfil` after the check.
    pub id: Option<String>,
    /// `sync` or `periodicsync`.
    pub kind: Option<SyncKind>,
    /// The registration it fires at.
    pub reg: Option<String>,
    /// The tag.
    pub tag: Option<String>,
    /// `lastChance` (sync only).
    pub last_chance: Option<bool>,
    /// Virtual time of the dispatch.
    pub at: Option<Millis>,
}

/// How a `settle` step ends an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// Report this outcome now.
    Outcome(EventOutcome),
    /// Never report one: the event's deadline applies.
    Hang,
}

/// An expected log record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogSpec {
    /// Where it is written.
    pub pos: Pos,
    /// Chromium's event name (`Registered sync`).
    pub name: String,
    /// The tag, if checked.
    pub tag: Option<String>,
    /// Metadata, if checked: must equal the record's metadata exactly.
    pub metadata: Option<Vec<(String, String)>>,
    /// Virtual time, if checked.
    pub at: Option<Millis>,
    /// The DevTools service the record belongs to, if checked (CDP's
    /// `service`: `backgroundSync` or `periodicBackgroundSync`).
    pub service: Option<SyncKind>,
}

/// The reason an `explain` step expects, one per kind of
/// `sync_core::Explanation`: `ready`, `firing`, `not-registered`,
/// `disabled`, a wait reason or a blocker (named as `sync-policy` names them:
/// `back-off`, `battery-saver`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplainReason {
    /// `not-registered`.
    NotRegistered,
    /// `disabled`.
    Disabled,
    /// `ready`.
    Ready,
    /// `firing`.
    Firing,
    /// Waiting for a point in time.
    Waiting(WaitReason),
    /// Held back by a condition.
    Blocked(Blocker),
    /// An explanation this harness does not know yet (a newer engine's): no
    /// scenario names it, so a check meeting it fails and says so.
    Unsupported,
}

impl ExplainReason {
    const FIXED: [(ExplainReason, &'static str); 4] = [
        (ExplainReason::Ready, "ready"),
        (ExplainReason::Firing, "firing"),
        (ExplainReason::NotRegistered, "not-registered"),
        (ExplainReason::Disabled, "disabled"),
    ];

    /// The reason of an explanation.
    pub fn of(e: &Explanation) -> ExplainReason {
        match e {
            Explanation::NotRegistered => ExplainReason::NotRegistered,
            Explanation::Disabled => ExplainReason::Disabled,
            Explanation::Ready => ExplainReason::Ready,
            Explanation::Firing { .. } => ExplainReason::Firing,
            Explanation::WaitingUntil { reason, .. } => ExplainReason::Waiting(*reason),
            Explanation::Blocked(b) => ExplainReason::Blocked(*b),
            _ => ExplainReason::Unsupported,
        }
    }

    /// Its name in scenarios.
    pub fn name(self) -> String {
        match self {
            ExplainReason::Waiting(w) => name_of(w),
            ExplainReason::Blocked(b) => name_of(b),
            ExplainReason::Unsupported => "unsupported (an explanation the harness does not know)".to_string(),
            fixed => Self::FIXED.iter().find(|(r, _)| *r == fixed).map(|(_, n)| n.to_string()).unwrap_or_default(),
        }
    }

    /// The reason named `text`.
    pub fn parse(text: &str) -> Result<ExplainReason, String> {
        if let Some((r, _)) = Self::FIXED.iter().find(|(_, n)| *n == text) {
            return Ok(*r);
        }
        let wait = parse_name::<WaitReason>(text).map(ExplainReason::Waiting);
        let blocker = || parse_name::<Blocker>(text).map(ExplainReason::Blocked);
        wait.or_else(|w| {
            blocker().map_err(|b| {
                let fixed: Vec<&str> = Self::FIXED.iter().map(|(_, n)| *n).collect();
                format!(
                    "unknown explanation {text:?}: not {}; as a wait reason: {w}; as a blocker: {b}",
                    fixed.join(", ")
                )
            })
        })
    }
}

/// What an `explain` step expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainExpect {
    /// The reason.
    pub reason: ExplainReason,
    /// For waits: the virtual time waited for.
    pub until: Option<Millis>,
    /// For `firing`: whether it was re-registered while firing.
    pub reregistered: Option<bool>,
}

/// A `bind.shape` check of one interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShapeSpec {
    /// The interface.
    pub interface: String,
    /// Where it must be exposed, if checked (compared as a set).
    pub exposed: Option<Vec<String>>,
    /// Operations that must exist, with their `length`.
    pub ops: Vec<(String, u32)>,
    /// Attributes that must exist.
    pub attrs: Vec<String>,
    /// Members that must not exist.
    pub absent: Vec<String>,
}

/// What a `bind.construct` step expects.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstructExpect {
    /// The object's attributes, exactly.
    Value(Vec<(String, JsValue)>),
    /// The constructor throws this.
    Throws(String),
}

/// The error a `settle` step may expect instead of success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettleError {
    /// The event outlived its deadline.
    Expired,
    /// The event already had an outcome.
    AlreadySettled,
    /// The engine is disabled (a storage failure): the outcome is ignored.
    Disabled,
}

/// What a `dispatch_now` step expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DispatchNowExpect {
    /// It fires.
    Ok,
    /// It is refused: one of [`Refusal::DISPATCH_NOW`].
    Error(Refusal),
}
