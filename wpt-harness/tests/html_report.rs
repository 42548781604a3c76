//! `--html` writes one self-contained page with a timeline per subtest.

mod common;

#[test]
fn html_report_is_self_contained_and_has_timelines() {
    let dir = tempfile::tempdir().unwrap();
    let retry = "source: extension\ndescription: a <b>retry</b>\nsteps:\n  - sync.register: {reg: R1, tag: f}\n  - events: [{id: e1, type: sync, tag: f}]\n  - settle: {event: e1, outcome: reject}\n  - network: offline\n  - clock.advance: 10m\n  - network: online\n  - events: [{type: sync, tag: f, at: 10m}]\n";
    common::write(dir.path(), &[("s/retry.yaml", retry), ("s/fail.yaml", common::FAILING)]);
    let html = dir.path().join("report.html");
    let (code, _, _) = common::run(&[dir.path().join("s").to_str().unwrap(), "--html", html.to_str().unwrap()]);
    assert_eq!(code, 1);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("1 passed, 1 failed"));
    // Self-contained: no external scripts, styles or images.
    for needle in ["<script", "<link", "src=", "http://", "https://"] {
        let hits: Vec<_> = page.match_indices(needle).collect();
        let ok = hits.iter().all(|(i, _)| page[*i..].starts_with("http://www.w3.org/2000/svg"));
        assert!(ok, "external reference {needle:?} in the report");
    }
    // One timeline per subtest, with the failure's retry delay and the network changes.
    assert_eq!(page.matches("<div class='timeline'><svg").count(), 2, "one timeline per subtest");
    assert!(page.contains("retry +5m"), "failure marks carry the retry delay");
    assert!(page.contains(">offline<") && page.contains(">online<"), "network changes are marked");
    assert!(page.contains("a &lt;b&gt;retry&lt;/b&gt;"), "text is escaped");
    assert!(page.contains("expected the promise to reject with InvalidStateError"));
}
