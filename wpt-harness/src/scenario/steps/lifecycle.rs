//! Service worker and user agent lifecycle: `sw.activate`, `sw.unregister`,
//! `sw.terminate`, `sw.install`, `sw.install_and_activate`, `origin.clear`,
//! `ua.restart`, `ua.shutdown`, `ua.start`, `storage.fail`, the store-state faults
//! (`storage.fail_next_write`, `storage.fail_next_read`, `storage.heal`), `sw.storage_wiped`
//! and `embedder.switch`.

use super::{StepCx, name, only_arg, strip};
use crate::scenario::parse_initial::worker;
use crate::scenario::values::{duration, origin};
use crate::scenario::{Action, WorkerDecl, WorkerState};
use crate::targets::StoreFault;
use crate::yaml::{Node, NodeError};
use sync_policy::Millis;

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    let reg = || only_arg(cx.args, "reg").and_then(name);
    Some(match cx.keyword {
        "sw.activate" => reg().map(Action::SwActivate),
        "sw.unregister" => reg().map(Action::SwUnregister),
        "sw.terminate" => reg().map(Action::SwTerminate),
        "sw.install" => install(cx.args, WorkerState::Installing),
        "sw.install_and_activate" => install(cx.args, WorkerState::Active),
        "origin.clear" => only_arg(cx.args, "origin").and_then(origin).map(Action::OriginClear),
        "ua.restart" => restart(cx.args),
        "ua.shutdown" => cx.args.as_map().and_then(|a| a.only(&[])).map(|()| Action::Shutdown),
        "ua.start" => start(cx.args),
        "storage.fail" => cx.args.as_map().and_then(|a| a.only(&["reason"])).map(|()| Action::StorageFail),
        "storage.fail_next_write" => no_args(cx).map(|()| Action::StoreFault(StoreFault::FailNextWrite)),
        "storage.fail_next_read" => no_args(cx).map(|()| Action::StoreFault(StoreFault::FailNextRead)),
        "storage.heal" => no_args(cx).map(|()| Action::StoreFault(StoreFault::Heal)),
        "sw.storage_wiped" => no_args(cx).map(|()| Action::StorageWiped),
        "embedder.switch" => only_arg(cx.args, "enabled").and_then(|v| v.as_bool()).map(Action::Switch),
        _ => return None,
    })
}

/// `{}`: a step without arguments.
fn no_args(cx: &StepCx<'_>) -> Result<(), NodeError> {
    cx.args.as_map()?.only(&[])
}

fn install(args: &Node, state: WorkerState) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    let reg = name(a.require("reg")?)?;
    a.require("origin")?;
    let base = WorkerDecl { name: reg.clone(), origin: String::new(), state };
    Ok(Action::SwInstall(worker(&reg, &strip(args, &["reg"]), base)?))
}

/// `ua.start: {}` or `ua.start: {policy: <as the scenario's policy key>}`.
fn start(args: &Node) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    a.only(&["policy"])?;
    Ok(Action::Start(a.get("policy").map(crate::scenario::parse::policy).transpose()?))
}

fn restart(args: &Node) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    a.only(&["downtime"])?;
    Ok(Action::Restart(a.get("downtime").map(duration).transpose()?.unwrap_or(Millis::ZERO)))
}
