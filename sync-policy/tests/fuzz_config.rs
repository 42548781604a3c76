//! Fuzzing the config parsers: arbitrary text and mutated valid documents
//! never panic, and whatever loads passes validation.
//! `PROPTEST_CASES` raises the number of cases (default 256).

use proptest::prelude::*;
use sync_policy::{PolicyConfig, Profile};

fn seeds() -> Vec<String> {
    let mut docs = Vec::new();
    for profile in [Profile::Chromium, Profile::Spec] {
        let config = PolicyConfig::for_profile(profile);
        docs.push(toml::to_string(&config).expect("profiles serialize"));
        docs.push(serde_json::to_string_pretty(&config).expect("profiles serialize"));
    }
    docs
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (
            any::<usize>(),
            prop_oneof![
                Just("-".to_string()),
                Just("\"".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just("{".to_string()),
                Just("=".to_string()),
                Just(",".to_string()),
                Just("null".to_string()),
                Just("99999999999999999999".to_string()),
                Just("\"5y\"".to_string()),
                Just("\n[x]\n".to_string()),
                "\\PC{0,8}",
            ]
        )
            .prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), any::<char>()).prop_map(|(at, c)| Edit::Replace(at, c)),
    ]
}

fn apply(doc: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = doc.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match e {
            Edit::Delete(at, n) => {
                let start = at % len;
                let end = (start + n).min(chars.len());
                chars.drain(start.min(chars.len())..end);
            }
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Replace(at, c) => {
                if !chars.is_empty() {
                    let at = at % chars.len();
                    chars[at] = *c;
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn check(text: &str) {
    for parsed in [PolicyConfig::from_toml_str(text), PolicyConfig::from_json_str(text)] {
        match parsed {
            Ok(config) => assert!(sync_policy::validate(&config).is_ok(), "loaded configs are valid"),
            Err(e) => assert!(!e.to_string().is_empty(), "errors say something"),
        }
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
    fn mutated_valid_documents_never_panic(seed in 0usize..4, edits in prop::collection::vec(edit(), 1..6)) {
        let docs = seeds();
        check(&apply(&docs[seed], &edits));
    }
}
