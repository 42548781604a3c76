//! Bad worlds and traces are reported with file:line (and column for YAML).

use std::path::Path;
use wpt_harness::simulate::world_parse;

fn error(text: &str) -> String {
    world_parse::parse(text, "w.yaml", Path::new(".")).unwrap_err().to_string()
}

#[test]
fn an_unknown_site_key_points_at_the_key() {
    let e = error("days: 1\nsites:\n  - name: a\n    visits: 3\n");
    assert!(e.starts_with("w.yaml:4:5: unknown key `visits`"), "{e}");
}

#[test]
fn a_trace_row_naming_no_site_points_at_the_value() {
    let e = error("days: 1\nsites:\n  - name: a\ntrace:\n  rows:\n    - {at: 1h, visit: b}\n");
    assert!(e.starts_with("w.yaml:6:") && e.contains("no site named `b`"), "{e}");
}

#[test]
fn a_bad_duration_and_a_late_row_are_errors() {
    let e = error("days: 1\nsites:\n  - name: a\n    periodic: 5 minutes\n");
    assert!(e.starts_with("w.yaml:4:15:"), "{e}");
    let e = error("days: 1\nsites:\n  - name: a\ntrace:\n  rows:\n    - {at: 2d, network: offline}\n");
    assert!(e.starts_with("w.yaml:6:") && e.contains("after the end"), "{e}");
}

#[test]
fn unknown_generators_and_networks_are_named() {
    let e = error("days: 1\nsites:\n  - name: a\ntrace: {generator: subway}\n");
    assert!(e.starts_with("w.yaml:4:") && e.contains("subway") && e.contains("commuter"), "{e}");
    let e = error("days: 1\nsites:\n  - name: a\ntrace:\n  rows:\n    - {at: 1h, network: wifi}\n");
    assert!(e.contains("unknown network `wifi`"), "{e}");
}

#[test]
fn csv_trace_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), "at,change,site,value\n1h,network,,offline\n2h,visit,nobody,\n").unwrap();
    let world = "days: 1\nsites:\n  - name: a\ntrace: {file: t.csv}\n";
    let e = world_parse::parse(world, "w.yaml", dir.path()).unwrap_err().to_string();
    let csv = dir.path().join("t.csv").display().to_string();
    assert_eq!(e, format!("{csv}:3: no site named `nobody`"));
}

#[test]
fn a_csv_trace_loads() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "at,change,site,value\n# an outage\n1h,network,,offline\n1h,visit,a,10m\n3h,network,,online\n";
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let world = "days: 1\nsites:\n  - name: a\n    oneoff: offline-visits\ntrace: {file: t.csv}\n";
    let world = world_parse::parse(world, "w.yaml", dir.path()).unwrap();
    assert_eq!(world.trace.len(), 3);
    let sim =
        wpt_harness::simulate::simulate(&world, &[wpt_harness::simulate::SimProfile::resolve("chromium").unwrap()])
            .unwrap();
    assert_eq!(sim.figures[0].oneoff.latency.max_ms, Some(2 * 3_600_000));
}
