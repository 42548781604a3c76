//! `bgsync_action_free`: releasing what a polled action owns.

use crate::action::{ActionStorage, bgsync_action};
use crate::guard::guard_void;

/// Releases the storage `*action` owns and zeroes it (kind `NONE`), so freeing
/// the same struct again is harmless. NULL is a no-op.
///
/// # Safety
/// `action` must be NULL or point to a writable action that was filled by
/// `bgsync_engine_poll_action` (or zeroed), and whose storage no other copy of
/// the struct has freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_action_free(action: *mut bgsync_action) {
    guard_void(|| {
        if action.is_null() {
            return;
        }
        // SAFETY: non-NULL and promised readable; only the pointer field is
        // read, so a stray value in an enum field is never read as an enum.
        let owner = unsafe { std::ptr::addr_of!((*action).owner).read() };
        // SAFETY: promised writable; the old contents are not dropped (they
        // hold no Rust-owned values apart from owner, released below).
        unsafe { action.write(bgsync_action::empty()) };
        if !owner.is_null() {
            // SAFETY: owner came from Box::into_raw of an ActionStorage in
            // bgsync_engine_poll_action and, per the contract, was not freed.
            drop(unsafe { Box::from_raw(owner.cast::<ActionStorage>()) });
        }
    })
}
