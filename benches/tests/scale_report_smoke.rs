//! The scale report runs at its CI size (`--max 10000`) and writes a JSON
//! report with every figure for every size. A smoke check: no figure's value
//! is asserted, only that it is there and is a number.

use serde_json::Value;
use std::process::Command;

const FIGURES: &[&str] = &[
    "build_secs",
    "register_ops_per_sec",
    "register_ns_per_op",
    "register_growth_vs_1e3",
    "register_ops",
    "coalesced_ops_per_sec",
    "coalesced_ns_per_op",
    "coalesced_growth_vs_1e3",
    "coalesced_ops",
    "flip_first_dispatch_us",
    "flips",
    "drain_per_sec",
    "drain_settled",
    "bytes_per_registration",
    "restart_load_secs",
    "restart_fill_rows_per_sec",
    "durable_acks_per_sec_1",
    "durable_acks_1",
    "durable_acks_per_sec_64",
    "durable_acks_64",
];

const RATIOS: &[&str] =
    &["register", "coalesced", "flip", "drain", "min_decision", "memory", "restart", "durable_1", "durable_64"];

fn number(v: &Value, path: &str) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{path} is not a number: {v}"))
}

#[test]
fn report_at_ci_size_has_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scale.json");
    let out = Command::new(env!("CARGO_BIN_EXE_scale-report"))
        .args(["--max", "10000", "--json"])
        .arg(&json)
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "scale-report failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("| registrations | scheduler |"), "the table is printed:\n{stdout}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for key in ["schema", "machine", "max", "run_seconds", "workload", "sizes", "targets", "notes"] {
        assert!(report.get(key).is_some(), "top-level {key} missing");
    }
    assert!(number(&report["machine"]["nproc"], "machine.nproc") >= 1.0);
    let sizes = report["sizes"].as_array().unwrap();
    let ns: Vec<f64> = sizes.iter().map(|s| number(&s["n"], "n")).collect();
    assert_eq!(ns, vec![1_000.0, 10_000.0]);
    for size in sizes {
        for who in ["engine", "baseline"] {
            for figure in FIGURES {
                let path = format!("sizes[n={}].{who}.{figure}", size["n"]);
                assert!(number(&size[who][figure], &path) >= 0.0, "{path} is negative");
            }
            assert!(size[who]["drain_sampled"].is_boolean());
            for rounds in ["durable_acks_per_sec_1_rounds", "durable_acks_per_sec_64_rounds"] {
                let path = format!("sizes[n={}].{who}.{rounds}", size["n"]);
                let each = size[who][rounds].as_array().unwrap_or_else(|| panic!("{path} is not a list"));
                assert_eq!(each.len(), 3, "{path}: one figure per round");
                for r in each {
                    number(r, &path);
                }
            }
        }
        for ratio in RATIOS {
            number(&size["ratio"][ratio], &format!("ratio.{ratio}"));
        }
    }
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 7);
    for t in targets {
        assert!(t["name"].is_string() && t["target"].is_string());
        assert!(t["met"].is_boolean(), "target {} evaluated: {t}", t["name"]);
        number(&t["measured"], "target.measured");
    }
}
