//! Reports: `wptreport.json` in wpt.fyi's shape, and a self-contained HTML page.

mod html;
mod json;

pub use html::html_report;
pub use json::{RunInfo, wptreport};
