//! A scenario file cannot expand past the per-file limits: nested `repeat`s
//! multiply, and the tag notation counts bytes, not copies. The file is
//! refused with file:line:column and the computed size, before anything is
//! expanded (each test finishes at once and allocates about the file's size).

use std::path::Path;
use std::time::{Duration, Instant};
use wpt_harness::scenario::{MAX_GENERATED_BYTES, MAX_STEPS, MAX_TAG_BYTES, ScenarioError, load_str};

fn load(text: &str) -> Result<usize, ScenarioError> {
    let started = Instant::now();
    let result = load_str(text, Path::new("big.yaml"), "/big");
    // Refusing must not expand first: the answer comes at once.
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    result.map(|s| s.subtests.iter().map(|t| t.steps.len()).sum())
}

fn nested(outer: u64, inner: u64) -> String {
    format!(
        "source: extension\ninitial: {{network: offline}}\nsteps:\n  - repeat:\n      times: {outer}\n      steps:\n        \
         - repeat:\n            times: {inner}\n            steps:\n              - clock.advance: 1ms\n"
    )
}

#[test]
fn nested_repeats_multiply_against_the_step_cap() {
    // 200 x 200 = 40,000 steps: each repeat alone is small, together they pass the cap.
    let err = load(&nested(200, 200)).unwrap_err();
    assert_eq!((err.pos.line, err.pos.column), (4, 5), "{err}");
    assert!(err.message.contains("40000 steps") && err.message.contains(&MAX_STEPS.to_string()), "{err}");
    assert!(err.to_string().starts_with("big.yaml:4:5:"), "{err}");
}

#[test]
fn the_reliability_probe_repro_is_refused_before_expanding() {
    // 20,000 x 20,000: 400 million steps (5.85 GB and an abort before the cap counted nesting).
    let err = load(&nested(20_000, 20_000)).unwrap_err();
    assert!(err.message.contains("400000000 steps"), "the computed size, not an allocation: {err}");
}

#[test]
fn repeats_within_the_cap_still_expand() {
    assert_eq!(load(&nested(100, 100)).unwrap(), 10_000);
    assert_eq!(load(&nested(1, MAX_STEPS)).unwrap(), MAX_STEPS as usize);
}

#[test]
fn the_step_cap_counts_every_subtest_of_the_file() {
    let one = "    - repeat: {times: 15000, steps: [{clock.advance: 1ms}]}\n";
    let text = format!("source: extension\nsubtests:\n  a:\n{one}  b:\n{one}");
    let err = load(&text).unwrap_err();
    assert!(err.message.contains("30000 steps"), "{err}");
}

#[test]
fn the_tag_notation_is_capped_in_bytes() {
    // 1,000,000 copies of a 10,000-byte unit asks for 10 GB.
    let unit = "a".repeat(10_000);
    let text = format!("source: extension\nsteps:\n  - sync.register: {{reg: R1, tag: \"<1000000 × '{unit}'>\"}}\n");
    let err = load(&text).unwrap_err();
    assert_eq!((err.pos.line, err.pos.column), (3, 35), "{err}");
    assert!(err.message.contains("10000000000 bytes"), "the computed size: {err}");
    // Fewer copies than the old copy cap, still over the byte cap: 2,000,000 bytes.
    let text = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: \"<1000000 × 'ab'>\"}\n";
    let err = load(text).unwrap_err();
    assert!(err.message.contains("2000000 bytes") && err.message.contains(&MAX_TAG_BYTES.to_string()), "{err}");
}

#[test]
fn tags_within_the_byte_cap_still_expand() {
    let text = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: \"<1048576 × 'a'>\"}\n";
    assert_eq!(load(text).unwrap(), 1);
}

#[test]
fn generated_bytes_are_capped_per_file() {
    // Each tag is within its own cap; twenty of them (20 MB) are not.
    let mut text = String::from("source: extension\nsteps:\n");
    for i in 0..20 {
        text.push_str(&format!("  - sync.register: {{reg: R1, tag: \"<1000000 × '{}'>\"}}\n", (b'a' + i) as char));
    }
    let err = load(&text).unwrap_err();
    assert!(err.message.contains(&MAX_GENERATED_BYTES.to_string()), "{err}");
    // A repeat copies its tags: 100 rounds of a 1 MB tag.
    let text = "source: extension\nsteps:\n  - repeat:\n      times: 100\n      steps:\n        - sync.register: {reg: R1, tag: \"<1000000 × 'a'>\"}\n";
    let err = load(text).unwrap_err();
    assert_eq!(err.pos.line, 3, "{err}");
    assert!(err.message.contains("bytes"), "{err}");
    // A count that grows with {i}: every tag is under its cap, the 100 of them (50 MB) are not.
    let text = "source: extension\nsteps:\n  - repeat:\n      times: 100\n      steps:\n        - sync.register: {reg: R1, tag: \"<{i}0000 × 'a'>\"}\n";
    let err = load(text).unwrap_err();
    assert!(err.message.contains("bytes"), "{err}");
}
