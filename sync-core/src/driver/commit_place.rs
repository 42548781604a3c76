//! Where the driver runs a commit: on its own thread or on tokio's blocking pool.
//!
//! A commit on the pool costs two thread hand-offs (to a pool thread and back
//! to a runtime worker). When the threads involved are asleep, as they are
//! between one caller's calls, each is a wake-up of a sleeping CPU: about a
//! quarter of a one-caller durable acknowledgement on the 2-core benchmark
//! machine (`benches/README.md`). Run on the driver's thread, the commit saves
//! both, but holds that thread for its write and fsync.
//!
//! So a batch commits inline only when all of these hold:
//! - it has at most [`DriverConfig::inline_commit_max`] mutations (a page's
//!   single calls), or no input waits in the task's channel: while a pool
//!   commit runs, the task takes waiting inputs into the next batch, so a
//!   burst with more to come commits on the pool, but a batch with nothing
//!   behind it (every caller waits for this commit's replies) would only
//!   leave the task asleep, and the hand-offs are all the pool adds;
//! - the store does not say it would also run upkeep
//!   ([`Store::commit_runs_upkeep`](crate::store::Store::commit_runs_upkeep):
//!   a journal fold or a WAL checkpoint takes milliseconds);
//! - the store's recent plain commits took less than
//!   [`DriverConfig::inline_commit_budget`] on average (a zero budget:
//!   never). The first commit goes to the pool, so a store is measured
//!   before it may hold the thread, and a disk that turns slow sends its
//!   commits back to the pool.

use super::DriverConfig;
use std::time::Duration;

/// Weight of the newest plain commit in the running mean: 1 / `MEAN_WEIGHT`.
const MEAN_WEIGHT: u32 = 8;

/// The running mean of plain commits' times, which decides where the next one runs.
#[derive(Debug, Default)]
pub(crate) struct CommitPlace {
    /// `None` until a plain commit has been measured.
    mean: Option<Duration>,
}

impl CommitPlace {
    /// Whether a batch of `mutations` commits on the driver's thread.
    /// `waiting`: inputs wait in the task's channel; `upkeep`: the store says
    /// this commit also runs upkeep.
    pub(crate) fn inline(&self, mutations: usize, waiting: bool, upkeep: bool, config: &DriverConfig) -> bool {
        let fits = config.inline_commit_max > 0 && (mutations <= config.inline_commit_max || !waiting);
        fits && !upkeep && self.mean.is_some_and(|m| m < config.inline_commit_budget)
    }

    /// Counts a finished commit that took `took`; one that ran upkeep says
    /// nothing of a plain commit's time and is left out.
    pub(crate) fn record(&mut self, took: Duration, upkeep: bool) {
        if upkeep {
            return;
        }
        self.mean = Some(match self.mean {
            None => took,
            Some(mean) => (mean * (MEAN_WEIGHT - 1) + took) / MEAN_WEIGHT,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(max: usize, budget_us: u64) -> DriverConfig {
        DriverConfig {
            inline_commit_max: max,
            inline_commit_budget: Duration::from_micros(budget_us),
            ..DriverConfig::default()
        }
    }

    /// Inputs wait in the channel.
    const WAITING: bool = true;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn nothing_inline_before_a_commit_was_measured() {
        let place = CommitPlace::default();
        assert!(!place.inline(1, WAITING, false, &config(4, 500)));
    }

    #[test]
    fn small_plain_batches_inline_once_commits_are_fast() {
        let mut place = CommitPlace::default();
        place.record(us(120), false);
        let c = config(4, 500);
        assert!(place.inline(1, WAITING, false, &c));
        assert!(place.inline(4, WAITING, false, &c));
        assert!(!place.inline(5, WAITING, false, &c), "a burst with more behind it goes to the pool");
        assert!(place.inline(64, !WAITING, false, &c), "a batch with nothing behind it does not");
        assert!(!place.inline(1, WAITING, true, &c), "a commit that runs upkeep goes to the pool");
        assert!(!place.inline(64, !WAITING, true, &c), "with nothing behind it too");
        assert!(!place.inline(1, WAITING, false, &config(0, 500)), "inline_commit_max 0 turns it off");
        assert!(!place.inline(1, !WAITING, false, &config(0, 500)), "whatever waits");
        assert!(!place.inline(1, !WAITING, false, &config(4, 100)), "over the budget");
    }

    #[test]
    fn a_slow_disk_sends_commits_back_to_the_pool_and_a_fast_one_brings_them_back() {
        let mut place = CommitPlace::default();
        let c = config(4, 500);
        place.record(us(100), false);
        assert!(place.inline(1, WAITING, false, &c));
        // One 20 ms stall: the mean jumps past the budget.
        place.record(us(20_000), false);
        assert!(!place.inline(1, WAITING, false, &c));
        let mut back = 0;
        while !place.inline(1, WAITING, false, &c) {
            place.record(us(100), false);
            back += 1;
        }
        // (20000·7/8 + 100/8 ≈ 2.6 ms) decays by 7/8 a commit: under 500 µs after 13 or so.
        assert!((10..=16).contains(&back), "took {back} fast commits");
    }

    #[test]
    fn commits_that_ran_upkeep_are_not_counted() {
        let mut place = CommitPlace::default();
        place.record(us(80_000), true);
        assert!(!place.inline(1, WAITING, false, &config(4, 500)), "still unmeasured");
        place.record(us(150), false);
        place.record(us(90_000), true);
        assert!(place.inline(1, WAITING, false, &config(4, 500)));
    }
}
