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
        .args(["--max", "10000", "--max-profiles", "10", "--json"])
        .arg(&json)
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "scale-report failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("| registrations | scheduler |"), "the table is printed:\n{stdout}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for key in ["schema", "machine", "max", "run_seconds", "workload", "sizes", "profiles", "targets", "notes"] {
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
        let limit = &size["limit"];
        assert!(number(&limit["fsync"]["median_us"], "limit.fsync.median_us") > 0.0);
        assert!(number(&limit["limit_64"], "limit.limit_64") > number(&limit["limit_1"], "limit.limit_1"));
        for rounds in ["engine_fraction_1_rounds", "engine_fraction_64_rounds"] {
            assert_eq!(limit[rounds].as_array().map(Vec::len), Some(3), "{rounds}: one fraction per round");
        }
        for callers in ["durable_breakdown_1", "durable_breakdown_64"] {
            let b = &size["engine"][callers];
            assert!(number(&b["commits"], "commits") >= 1.0, "{callers}: {b}");
            for part in ["wall_us", "statements_us", "commit_fsync_us", "fold_us", "checkpoint_us", "turnaround_us"] {
                assert!(number(&b[part], part) >= 0.0, "{callers}.{part}");
            }
        }
        for part in ["open_secs", "load_secs", "restore_secs"] {
            number(&size["engine"]["restart_parts"][part], part);
        }
    }
    // apalis is measured once, at the largest size, with the engine's ratio over it.
    assert!(sizes[0]["apalis"].is_null());
    let apalis = &sizes[1]["apalis"];
    assert!(number(&apalis["jobs_per_sec_1"], "apalis.jobs_per_sec_1") > 0.0, "apalis measured: {apalis}");
    number(&apalis["engine_over_apalis_64"], "apalis.engine_over_apalis_64");
    let profiles = report["profiles"].as_array().unwrap();
    let counts: Vec<f64> = profiles.iter().map(|p| number(&p["profiles"], "profiles")).collect();
    assert_eq!(counts, vec![1.0, 10.0]);
    for p in profiles {
        assert!(number(&p["threads"], "threads") >= 1.0);
        number(&p["resident_kb_per_profile"], "resident_kb_per_profile");
        number(&p["idle_wakeups_per_sec"], "idle_wakeups_per_sec");
        assert_eq!(p["hint_ready"], Value::Bool(true), "offline profiles: wake when online");
    }
    // Every target names 1e6 registrations or 1000 profiles: at the CI size none is graded.
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 11);
    for t in targets {
        assert!(t["name"].is_string() && t["target"].is_string());
        assert!(t["met"].is_null(), "target {} not measured at --max 10000: {t}", t["name"]);
        assert!(t["measured"].is_null());
    }
    assert!(!stdout.contains("| yes |") && !stdout.contains("| NO |"), "nothing graded:\n{stdout}");
    // The footnote marker appears only with a sampled row, and the plots sit beside the JSON.
    assert_eq!(stdout.contains("`*` sampled"), stdout.contains("* |"));
    for plot in ["throughput", "per-op", "durable-limit", "profiles"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("scale-{plot}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("polyline"), "{plot} plot drawn");
    }
}
