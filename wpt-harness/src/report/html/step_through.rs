//! The step-through of one subtest: the step buttons (HTML) and the state
//! after each step (JSON embedded in the page, read by the page's script).

use super::axis::Axis;
use super::esc;
use crate::runner::{StepSnapshot, StepThrough};
use serde_json::{Value, json};
use std::fmt::Write;
use sync_policy::Millis;

/// The snapshots as JSON, each with the x of its time on the timeline.
fn snapshots(steps: &[StepSnapshot], axis: &Axis) -> Value {
    Value::Array(
        steps
            .iter()
            .map(|s| {
                let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert("x".into(), json!((axis.x(Millis(s.at_ms)) * 10.0).round() / 10.0));
                }
                v
            })
            .collect(),
    )
}

/// The JSON the page's script reads for one subtest.
pub(super) fn data(target: &str, through: &StepThrough, axis: &Axis) -> Value {
    let beside = through.beside.as_ref().map(
        |(name, other)| json!({"name": name, "steps": snapshots(&other.steps, axis), "unavailable": other.unavailable}),
    );
    // Beside another target's run (--diff), this one is the engine's.
    let target = if through.beside.is_some() { "engine" } else { target };
    json!({
        "target": target,
        "steps": snapshots(&through.steps, axis),
        "unavailable": through.unavailable,
        "beside": beside,
    })
}

/// The step buttons and the (script-filled) state panel.
pub(super) fn html(out: &mut String, key: &str, through: &StepThrough, open: bool) {
    if through.steps.is_empty() {
        return;
    }
    let open = if open { " open" } else { "" };
    let _ = write!(
        out,
        "<details class='through'{open}><summary>Step through ({} steps): choose a step to see the state after it</summary><div class='stepper' data-key='{key}'><div class='steplist'>",
        through.steps.len().saturating_sub(1)
    );
    for s in &through.steps {
        let class = if s.stopped.is_some() { " class='stop'" } else { "" };
        let text = if s.index == 0 {
            format!("initial state · t={}", s.at)
        } else {
            format!("#{} {} · line {} · t={}", s.index, s.keyword, s.line, s.at)
        };
        let _ = write!(out, "<button type='button' data-step='{}'{class}>{}</button>", s.index, esc(&text));
    }
    out.push_str("</div><div class='state'><p class='none'>Choose a step.</p></div></div></details>");
}

/// Embeds JSON in a `<script type='application/json'>` safely.
pub(super) fn embed(value: &Value) -> String {
    value.to_string().replace("</", "<\\/").replace("<!--", "<\\!--")
}
