//! Naming result codes and reading the latest failure's message.

use crate::guard::{guard_quiet, last_error};
use crate::raw;
use crate::result::bgsync_result;
use std::ffi::c_char;

/// The name of a result code as the header spells it (`"BGSYNC_RESULT_OK"`),
/// as a static NUL-terminated string; `"BGSYNC_RESULT_UNKNOWN"` for a value
/// that is not a code. Never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn bgsync_result_name(code: u32) -> *const c_char {
    let name = bgsync_result::from_u32(code).map_or("BGSYNC_RESULT_UNKNOWN\0", bgsync_result::name);
    name.as_ptr().cast()
}

/// Copies the message of the latest failed call on the calling thread ("" if
/// none), NUL-terminated, into `buf` (`cap` bytes), and writes the size it
/// needs (including the NUL) to `*needed` when `needed` is not NULL. A buffer
/// that is too small gets nothing and the call returns `BUFFER_TOO_SMALL`.
/// This call never changes the message.
///
/// # Safety
/// `buf` must be NULL or writable for `cap` bytes; `needed` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_last_error_message(buf: *mut u8, cap: usize, needed: *mut usize) -> bgsync_result {
    // SAFETY: the caller's contract.
    guard_quiet(|| unsafe { raw::copy_out(&last_error(), buf, cap, needed) })
}
