//! `bgsync_snapshot_*`: stored state rebuilt from encoded mutations, for
//! embedders that keep `PERSIST` mutations in their own database.

use crate::codec;
use crate::guard::{guard, guard_void};
use crate::handles::bgsync_snapshot;
use crate::raw;
use crate::result::bgsync_result;

/// Writes a new, empty snapshot to `*out`.
///
/// # Safety
/// `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_snapshot_new(out: *mut *mut bgsync_snapshot) -> bgsync_result {
    // SAFETY: the caller's contract.
    guard(|| unsafe { raw::new_handle(out, bgsync_snapshot::default(), "out") })
}

/// Applies one encoded mutation (as a `PERSIST` action carried it). Replaying
/// every mutation in the order the engine emitted them rebuilds its stored
/// state. Bytes that do not decode give `BAD_MUTATION` and change nothing.
///
/// # Safety
/// `snapshot` must be NULL or a live snapshot used by no other thread;
/// `mutation` must point to `len` readable bytes (or be NULL with `len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_snapshot_apply(
    snapshot: *mut bgsync_snapshot,
    mutation: *const u8,
    len: usize,
) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract for snapshot and (mutation, len).
        let (snapshot, bytes) =
            unsafe { (raw::get_mut(snapshot, "snapshot")?, raw::bytes_in(mutation, len, "mutation")?) };
        snapshot.state.apply_one(&codec::decode(bytes)?);
        Ok(())
    })
}

/// Writes the number of registrations the snapshot holds.
///
/// # Safety
/// `snapshot` must be NULL or a live snapshot not being mutated; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_snapshot_registration_count(
    snapshot: *const bgsync_snapshot,
    out: *mut usize,
) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract.
        let snapshot = unsafe { raw::get(snapshot, "snapshot") }?;
        // SAFETY: the caller's contract.
        unsafe { raw::write(out, snapshot.state.len(), "out") }
    })
}

/// Frees `*snapshot` and sets it to NULL. NULL, or a pointer to NULL, is a no-op.
///
/// # Safety
/// `snapshot` must be NULL or point to a pointer that is NULL or a live
/// snapshot (not freed through another copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_snapshot_free(snapshot: *mut *mut bgsync_snapshot) {
    // SAFETY: the caller's contract.
    guard_void(|| unsafe { raw::free_handle(snapshot) })
}
