//! DevTools controls: `emulate_offline` and `dispatch_now`.

use super::{StepCx, name, registration};
use crate::refusal::Refusal;
use crate::scenario::{Action, DispatchNowExpect};
use crate::yaml::NodeError;

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    Some(match cx.keyword {
        "emulate_offline" => emulate_offline(cx),
        "dispatch_now" => dispatch_now(cx),
        _ => return None,
    })
}

fn emulate_offline(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let a = cx.args.as_map()?;
    a.only(&["reg", "offline"])?;
    Ok(Action::EmulateOffline { reg: name(a.require("reg")?)?, offline: a.require("offline")?.as_bool()? })
}

fn dispatch_now(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let (reg, kind, tag) = registration(cx.args)?;
    let expect = match cx.expect {
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
    };
    Ok(Action::DispatchNow { reg, kind, tag, expect })
}
