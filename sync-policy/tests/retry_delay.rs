//! One-off retry back-off: initial delay times factor^(n-1), in integer
//! milliseconds, saturating instead of overflowing.

mod common;

use common::{PROFILES, policy, policy_with};
use proptest::prelude::*;
use sync_policy::{ConfigurablePolicy, Millis, Policy, PolicyConfig};

#[test]
fn five_fifteen_forty_five_minutes() {
    for profile in PROFILES {
        let p = policy(profile);
        assert_eq!(p.retry_delay(1), Millis::from_mins(5), "{profile}");
        assert_eq!(p.retry_delay(2), Millis::from_mins(15), "{profile}");
        assert_eq!(p.retry_delay(3), Millis::from_mins(45), "{profile}");
        assert_eq!(p.retry_delay(4), Millis::from_mins(135), "{profile}");
    }
}

#[test]
fn the_oracle_fast_parameters() {
    // observed in Chromium 156 over CDP: initial_retry_delay_sec=2, retry_delay_factor=2 gave 2000 ms, then 4000 ms.
    let p = policy_with(sync_policy::Profile::Chromium, |c| {
        c.oneshot.initial_retry_delay = Millis::from_secs(2);
        c.oneshot.retry_delay_factor = 2;
    });
    assert_eq!(p.retry_delay(1), Millis(2000));
    assert_eq!(p.retry_delay(2), Millis(4000));
}

#[test]
fn huge_attempt_counts_saturate() {
    for profile in PROFILES {
        let p = policy(profile);
        // 5 min x 3^28 still fits in u64 ms; 5 min x 3^29 does not.
        assert_eq!(p.retry_delay(29), Millis(300_000 * 3u64.pow(28)), "{profile}");
        assert_eq!(p.retry_delay(30), Millis::MAX, "{profile}");
        assert_eq!(p.retry_delay(41), Millis::MAX, "{profile}: 3^40 itself overflows");
        assert_eq!(p.retry_delay(u32::MAX), Millis::MAX, "{profile}");
    }
}

#[test]
fn zero_failures_reads_as_the_first() {
    assert_eq!(policy(sync_policy::Profile::Chromium).retry_delay(0), Millis::from_mins(5));
}

#[test]
fn factor_one_is_a_constant_delay() {
    let p = policy_with(sync_policy::Profile::Spec, |c| c.oneshot.retry_delay_factor = 1);
    for n in [1, 2, 10, u32::MAX] {
        assert_eq!(p.retry_delay(n), Millis::from_mins(5));
    }
}

fn any_config() -> impl Strategy<Value = ConfigurablePolicy> {
    (any::<bool>(), any::<u64>(), any::<u32>()).prop_map(|(spec, initial, factor)| {
        let mut c = if spec { PolicyConfig::spec() } else { PolicyConfig::chromium() };
        c.oneshot.initial_retry_delay = Millis(initial);
        // Any value, including 0, which validation rejects but code can still build.
        c.oneshot.retry_delay_factor = factor;
        ConfigurablePolicy::new(c)
    })
}

proptest! {
    #[test]
    fn monotonic_and_never_overflows(p in any_config(), a in any::<u32>(), b in any::<u32>()) {
        let (low, high) = (a.min(b), a.max(b));
        let (d_low, d_high) = (p.retry_delay(low), p.retry_delay(high));
        prop_assert!(d_low <= d_high, "delay({}) = {:?} > delay({}) = {:?}", low, d_low, high, d_high);
        let next = p.retry_delay(high.saturating_add(1));
        prop_assert!(d_high <= next);
    }

    #[test]
    fn equals_the_exact_product_or_saturates(initial in 0u64..=u64::MAX, factor in 1u32..=u32::MAX, n in 1u32..200) {
        let p = policy_with(sync_policy::Profile::Chromium, |c| {
            c.oneshot.initial_retry_delay = Millis(initial);
            c.oneshot.retry_delay_factor = factor;
        });
        let exact = (0..n - 1).try_fold(u128::from(initial), |acc, _| acc.checked_mul(u128::from(factor)).filter(|v| *v <= u128::from(u64::MAX)));
        let want = exact.map_or(u64::MAX, |v| v as u64);
        prop_assert_eq!(p.retry_delay(n), Millis(want));
    }
}
