//! The messages handles send to the driver task: an [`Input`] with the
//! channel its answer goes to, a read-only query, or shutdown.

use super::wakeup::WakeupHint;
use crate::action::{DomError, ReplyValue};
use crate::engine::{Explanation, RegistrationInfo};
use crate::error::SyncError;
use crate::ids::{RegistrationKey, SwRegId};
use crate::input::{Handled, Input};
use tokio::sync::oneshot;

/// What the driver answers to one [`Input`] sent with [`Handle::send`](super::Handle::send).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// A page call: what the page's promise resolves or rejects with, sent
    /// once the state it acknowledges is durable.
    Reply(Result<ReplyValue, DomError>),
    /// Any other input: the engine applied it (for `DispatchNow`, with the
    /// event it dispatched).
    Handled(Handled),
}

/// Where the answer to an input goes: page calls answer after their commit,
/// other inputs at once; an engine refusal is the `Err`.
pub(crate) type InputReply = oneshot::Sender<Result<Answer, SyncError>>;

/// A read-only question about the engine's current (in-memory) state.
#[derive(Debug)]
pub(crate) enum Query {
    Registrations(SwRegId, oneshot::Sender<Vec<RegistrationInfo>>),
    Explain(RegistrationKey, oneshot::Sender<Explanation>),
    Workers(oneshot::Sender<Vec<SwRegId>>),
    Wakeup(oneshot::Sender<Option<WakeupHint>>),
}

/// One message to the driver task.
#[derive(Debug)]
pub(crate) enum Command {
    Input(Input, InputReply),
    Query(Query),
    Shutdown,
}
