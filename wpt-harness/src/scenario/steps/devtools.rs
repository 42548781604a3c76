//! DevTools controls: `emulate_offline`, `dispatch_now` and `devtools.dispatch`.

use super::{StepCx, name, registration};
use crate::refusal::Refusal;
use crate::scenario::{Action, DispatchNowExpect};
use crate::yaml::NodeError;

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    Some(match cx.keyword {
        "emulate_offline" => emulate_offline(cx),
        "dispatch_now" => dispatch_now(cx),
        "devtools.dispatch" => devtools_dispatch(cx),
        _ => return None,
    })
}

fn emulate_offline(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let a = cx.args.as_map()?;
    a.only(&["reg", "offline"])?;
    Ok(Action::EmulateOffline { reg: name(a.require("reg")?)?, offline: a.require("offline")?.as_bool()? })
}

/// `devtools.dispatch: {reg, tag, kind, lastChance}`: CDP's emulated dispatch.
fn devtools_dispatch(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let last_chance = match cx.args.as_map()?.get("lastChance") {
        Some(v) => v.as_bool()?,
        None => false,
    };
    let (reg, kind, tag) = registration(&super::strip(cx.args, &["lastChance"]))?;
    Ok(Action::DispatchSynthetic { reg, kind, tag, last_chance, expect: dispatch_expect(cx)? })
}

fn dispatch_now(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let (reg, kind, tag) = registration(cx.args)?;
    Ok(Action::DispatchNow { reg, kind, tag, expect: dispatch_expect(cx)? })
}

/// The `expect` of a DevTools dispatch: `ok` (the default) or `{error: ...}`.
fn dispatch_expect(cx: &StepCx<'_>) -> Result<DispatchNowExpect, NodeError> {
    Ok(match cx.expect {
        None => DispatchNowExpect::Ok,
        Some(e) if e.as_str().ok() == Some("ok") => DispatchNowExpect::Ok,
        Some(e) => {
            let em = e.as_map()?;
            em.only(&["error"])?;
            let v = em.require("error")?;
            let text = v.as_str()?;
            let refusal = Refusal::DISPATCH_NOW.into_iter().find(|r| r.name() == text).ok_or_else(|| {
                let names: Vec<&str> = Refusal::DISPATCH_NOW.iter().map(|r| r.name()).collect();
                v.error(format!("unknown dispatch_now error {text:?} ({})", names.join(", ")))
            })?;
            DispatchNowExpect::Error(refusal)
        }
    })
}
