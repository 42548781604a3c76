//! One wake-up hint for a host that runs many profiles (one driver each) in
//! one process: the earliest of their hints, so the host schedules a single
//! OS job instead of one per profile.

use super::error::DriverError;
use super::handle::Handle;
use super::wakeup::WakeupHint;

/// The earliest of `hints` (by `at`; on a tie, the first given), or `None`
/// when every profile is `None` (nothing will fire without a new input).
pub fn earliest_wakeup(hints: impl IntoIterator<Item = Option<WakeupHint>>) -> Option<WakeupHint> {
    hints.into_iter().flatten().fold(None, |best: Option<WakeupHint>, h| match best {
        Some(b) if b.at <= h.at => Some(b),
        _ => Some(h),
    })
}

/// Asks every driver in `handles` for its [`WakeupHint`] (see
/// [`Handle::wakeup_hint`]) and returns the earliest: when the host should be
/// woken so that every profile gets to run what it has due. The first driver
/// that fails to answer (one that has stopped) fails the whole call, so a host
/// never schedules from a partial answer without knowing.
pub async fn wakeup_across<'a>(
    handles: impl IntoIterator<Item = &'a Handle>,
) -> Result<Option<WakeupHint>, DriverError> {
    let mut best = None;
    for handle in handles {
        best = earliest_wakeup([best, handle.wakeup_hint().await?]);
    }
    Ok(best)
}
