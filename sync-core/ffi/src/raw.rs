//! Every raw-pointer access of the ABI, each checked for NULL and for length
//! before it is made. The entry points call only these; each function's
//! `# Safety` section is the contract the header documents for callers.

use crate::result::{Failure, bgsync_result};
use crate::types::{bgsync_bytes, bgsync_str};

/// The largest length any `(ptr, len)` input may claim: 16 MiB. Longer ones
/// are refused with `BGSYNC_RESULT_INVALID_ARGUMENT` before any byte is read,
/// so a corrupted or hostile length (such as `SIZE_MAX`) never becomes a read.
pub const MAX_INPUT_LEN: usize = 16 * 1024 * 1024;

/// The bytes of a `(ptr, len)` input.
///
/// # Safety
/// Unless `ptr` is NULL or `len` is 0 or over [`MAX_INPUT_LEN`], `ptr` must
/// point to `len` readable bytes that stay unchanged for `'a`.
pub unsafe fn bytes_in<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], Failure> {
    if len > MAX_INPUT_LEN {
        return Err(Failure::new(
            bgsync_result::InvalidArgument,
            format!("{what}: length {len} is over the limit of {MAX_INPUT_LEN} bytes"),
        ));
    }
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: ptr is non-NULL and len is in 1..=MAX_INPUT_LEN (so under
    // isize::MAX); the caller promises len readable, unchanging bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The text of a `(ptr, len)` UTF-8 input.
///
/// # Safety
/// As [`bytes_in`].
pub unsafe fn str_in<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_in(ptr, len, what) }?;
    std::str::from_utf8(bytes).map_err(|e| Failure::new(bgsync_result::InvalidUtf8, format!("{what}: {e}")))
}

/// [`str_in`] for a `bgsync_str` field, copied.
///
/// # Safety
/// As [`bytes_in`], for `s.ptr` and `s.len`.
pub unsafe fn text(s: bgsync_str, what: &str) -> Result<String, Failure> {
    // SAFETY: forwarded contract.
    unsafe { str_in(s.ptr, s.len, what) }.map(str::to_owned)
}

/// [`bytes_in`] for a `bgsync_bytes` value.
///
/// # Safety
/// As [`bytes_in`], for `b.ptr` and `b.len`.
pub unsafe fn bytes<'a>(b: bgsync_bytes, what: &str) -> Result<&'a [u8], Failure> {
    // SAFETY: forwarded contract.
    unsafe { bytes_in(b.ptr, b.len, what) }
}

/// A `(ptr, count)` array input.
///
/// # Safety
/// Unless `ptr` is NULL or `count` is 0, `ptr` must point to `count`
/// initialized, aligned values that stay unchanged for `'a`.
pub unsafe fn array_in<'a, T>(ptr: *const T, count: usize, what: &str) -> Result<&'a [T], Failure> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    if count.checked_mul(size_of::<T>()).is_none_or(|n| n > MAX_INPUT_LEN) {
        return Err(Failure::new(bgsync_result::InvalidArgument, format!("{what}: {count} elements is too many")));
    }
    // SAFETY: ptr is non-NULL and the total size is bounded; the caller
    // promises count initialized values.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// The value behind a `const T*` input.
///
/// # Safety
/// Unless NULL, `ptr` must point to an initialized, aligned `T` that stays
/// unchanged for `'a`.
pub unsafe fn get<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller promises a valid T when non-NULL; as_ref checks NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(what))
}

/// The value behind a `T*` handle, for mutation.
///
/// # Safety
/// Unless NULL, `ptr` must point to a live `T` that nothing else uses for `'a`
/// (the ABI's rule: a handle is used from one thread at a time).
pub unsafe fn get_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: the caller promises an exclusive, live T when non-NULL.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// Checks that an out-parameter is not NULL.
pub fn out_ptr<T>(out: *mut T, what: &str) -> Result<(), Failure> {
    if out.is_null() { Err(Failure::null(what)) } else { Ok(()) }
}

/// Writes `value` through an out-parameter, without reading or dropping what
/// was there.
///
/// # Safety
/// Unless NULL, `out` must be valid for writing an aligned `T`.
pub unsafe fn write<T>(out: *mut T, value: T, what: &str) -> Result<(), Failure> {
    out_ptr(out, what)?;
    // SAFETY: non-NULL, and the caller promises it is writable and aligned.
    unsafe { out.write(value) };
    Ok(())
}

/// Hands `value` to C as a new handle through `out`.
///
/// # Safety
/// As [`write()`], for `out`.
pub unsafe fn new_handle<T>(out: *mut *mut T, value: T, what: &str) -> Result<(), Failure> {
    out_ptr(out, what)?;
    let handle = Box::into_raw(Box::new(value));
    // SAFETY: out is non-NULL and the caller promises it is writable.
    unsafe { out.write(handle) };
    Ok(())
}

/// Frees the handle `*handle` (if neither pointer is NULL) and sets
/// `*handle` to NULL, so a second free through the same variable is harmless.
///
/// # Safety
/// Unless NULL, `handle` must be valid for reading and writing a pointer, and
/// `*handle` must be NULL or a handle made by [`new_handle`] for this `T` and
/// not freed through another copy of the pointer.
pub unsafe fn free_handle<T>(handle: *mut *mut T) {
    if handle.is_null() {
        return;
    }
    // SAFETY: non-NULL; the caller promises it is readable and writable.
    let ptr = unsafe { handle.replace(std::ptr::null_mut()) };
    if !ptr.is_null() {
        // SAFETY: the caller promises ptr came from Box::into_raw in
        // new_handle for this T and was not freed before.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Copies `text` and a NUL into a caller buffer, or reports the size needed.
///
/// # Safety
/// Unless NULL, `buf` must be valid for writing `cap` bytes and `needed` for
/// writing a `usize`.
pub unsafe fn copy_out(text: &str, buf: *mut u8, cap: usize, needed: *mut usize) -> Result<(), Failure> {
    let size = text.len() + 1;
    if !needed.is_null() {
        // SAFETY: non-NULL and promised writable.
        unsafe { needed.write(size) };
    }
    if cap < size {
        return Err(Failure::new(
            bgsync_result::BufferTooSmall,
            format!("the buffer holds {cap} bytes; {size} are needed"),
        ));
    }
    if buf.is_null() {
        return Err(Failure::null("buf"));
    }
    // SAFETY: buf is non-NULL and promised writable for cap >= size bytes;
    // the source is a distinct Rust allocation.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        buf.add(text.len()).write(0);
    }
    Ok(())
}
