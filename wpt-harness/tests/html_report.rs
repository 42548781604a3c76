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
    // Self-contained: inline scripts only, no external scripts, styles or images.
    assert!(page.contains("<script type='application/json' id='steps-data'>"), "the step-through data is embedded");
    for needle in ["<script src", "<link", "src=", "http://", "https://"] {
        let hits: Vec<_> = page.match_indices(needle).collect();
        let ok = hits.iter().all(|(i, _)| page[*i..].starts_with("http://www.w3.org/2000/svg"));
        assert!(ok, "external reference {needle:?} in the report");
    }
    // One timeline per subtest, with the failure's retry delay and the network changes.
    assert_eq!(page.matches("<div class='timeline'><svg").count(), 2, "one timeline per subtest");
    // Failures first, with a link to the failing subtest; the passing test is collapsed.
    let failures = page.find("<section class='problems ' id='failures'>").expect("a failures section");
    let link = page[failures..].find("<a href='#t").map(|i| failures + i).expect("a link");
    let anchor = &page[link + 10..link + page[link + 10..].find('\'').unwrap() + 10];
    assert!(page.contains(&format!("<div class='subtest' id='{anchor}'>")), "the link leads to the subtest: {anchor}");
    assert!(
        page.find("class='test bad'").unwrap() < page.find("<section class='test' ").unwrap(),
        "failing test first"
    );
    assert!(!page.contains("<section class='test' id='t0'><details open>"), "passing sections are collapsed");
    assert!(page.contains("retry +5m"), "failure marks carry the retry delay");
    assert!(page.contains(">offline<") && page.contains(">online<"), "network changes are marked");
    assert!(page.contains("a &lt;b&gt;retry&lt;/b&gt;"), "text is escaped");
    assert!(page.contains("expected the promise to reject with InvalidStateError"));
}

#[test]
fn unexpected_passes_are_their_own_thing_and_initial_offline_is_shaded_from_zero() {
    let dir = tempfile::tempdir().unwrap();
    let offline = "source: extension\ninitial: {network: offline}\nsteps:\n  - sync.register: {reg: R1, tag: a}\n  - clock.advance: 10m\n  - network.set: online\n  - events: [{type: sync, tag: a, at: 10m}]\n";
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING), ("s/offline.yaml", offline)]);
    let exp = dir.path().join("exp.toml");
    std::fs::write(
        &exp,
        "[[expected]]\ntest = \"/pass\"\nsubtest = \"pass\"\nstatus = \"FAIL\"\nreason = \"was a bug\"\n",
    )
    .unwrap();
    let html = dir.path().join("report.html");
    let s = dir.path().join("s");
    let args = [s.to_str().unwrap(), "--expectations", exp.to_str().unwrap(), "--html", html.to_str().unwrap()];
    let (code, stdout, _) = common::run(&args);
    assert_eq!(code, 1, "{stdout}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<section class='problems xpass' id='xpass'>"), "an unexpected-passes list");
    assert!(page.contains("<span class='badge XPASS'>UNEXPECTED PASS</span>"), "its own badge");
    assert!(!page.contains("id='failures'>"), "an unexpected pass is not listed as a failure");
    assert!(page.contains("offline from t=0 to t=10m"), "the initial offline state is shaded from t=0");
}
