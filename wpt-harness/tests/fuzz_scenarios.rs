//! Fuzzing the scenario parser: arbitrary bytes and mutated bundled scenarios
//! never panic, and every error points inside the file.
//! `PROPTEST_CASES` raises the number of cases (default 256).

use proptest::prelude::*;
use std::path::Path;

fn bundled() -> Vec<String> {
    let root = wpt_harness::suite::bundled_scenarios();
    let mut files = Vec::new();
    for dir in ["wpt", "chromium-webtests", "ext/sync", "ext/periodic"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "yaml") {
                files.push(std::fs::read_to_string(e.path()).expect("bundled scenarios are readable"));
            }
        }
    }
    files.sort();
    files
}

fn check(text: &str) {
    let lines = text.lines().count() + 2;
    if let Err(e) = wpt_harness::scenario::load_str(text, Path::new("fuzz.yaml"), "/fuzz") {
        let message = e.to_string();
        assert!(message.starts_with("fuzz.yaml"), "errors name the file: {message}");
        assert!(e.pos.line as usize <= lines, "error line {} inside a {lines}-line file: {message}", e.pos.line);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_bundled_scenarios_never_panic(
        pick in any::<usize>(),
        cuts in prop::collection::vec((any::<usize>(), 0usize..30, "\\PC{0,6}"), 1..5),
    ) {
        let files = bundled();
        prop_assume!(!files.is_empty());
        let mut chars: Vec<char> = files[pick % files.len()].chars().collect();
        for (at, n, insert) in cuts {
            let at = at % (chars.len() + 1);
            let end = (at + n).min(chars.len());
            chars.splice(at..end, insert.chars());
        }
        check(&chars.into_iter().collect::<String>());
    }
}
