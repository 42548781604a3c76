//! `spec-notes/ua-choices.md` has a row for every knob of the configuration.

use serde_json::Value;
use sync_policy::PolicyConfig;

fn leaves(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(v, &key, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

#[test]
fn every_knob_has_a_row() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec-notes/ua-choices.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // The first cell of each table row names its knobs in backticks.
    let first_cells: Vec<&str> =
        text.lines().filter(|l| l.starts_with("| `")).filter_map(|l| l.split('|').nth(1)).collect();
    let mut keys = Vec::new();
    leaves(&serde_json::to_value(PolicyConfig::chromium()).unwrap(), "", &mut keys);
    let missing: Vec<&String> =
        keys.iter().filter(|k| !first_cells.iter().any(|c| c.contains(&format!("`{k}`")))).collect();
    assert!(missing.is_empty(), "knobs without a row in {}: {missing:?}", path.display());
    assert!(keys.len() > 40, "the configuration lost knobs: {keys:?}");
}
