//! Reports: `wptreport.json` in wpt.fyi's shape, and a self-contained HTML page.
//! Both are written from the one [`crate::verdict::Verdict`] of a run.

mod html;
mod json;

pub use html::html_report;
pub use json::{RunInfo, WptReport, WptResult, WptRunInfo, WptSubtest, wptreport};
