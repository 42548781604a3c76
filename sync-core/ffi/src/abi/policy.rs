//! `bgsync_policy_*`: the user-agent policy, from the same TOML or JSON text
//! the Rust API reads.

use crate::guard::{guard, guard_void};
use crate::handles::bgsync_policy;
use crate::raw;
use crate::result::{Failure, bgsync_result};
use sync_policy::{ConfigurablePolicy, PolicyConfig};

/// Writes the default policy (the `chromium` profile) to `*out`; free it with
/// `bgsync_policy_free`.
///
/// # Safety
/// `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_policy_default(out: *mut *mut bgsync_policy) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract for out.
        unsafe { raw::new_handle(out, bgsync_policy { policy: ConfigurablePolicy::default() }, "out") }
    })
}

fn parse(
    text: *const u8,
    len: usize,
    out: *mut *mut bgsync_policy,
    read: fn(&str) -> Result<PolicyConfig, sync_policy::ConfigError>,
) -> Result<(), Failure> {
    raw::out_ptr(out, "out")?;
    // SAFETY: the entry points pass on their callers' contract for (text, len).
    let text = unsafe { raw::str_in(text, len, "text") }?;
    let config = read(text)?;
    // SAFETY: out was checked non-NULL; the caller promises it is writable.
    unsafe { raw::new_handle(out, bgsync_policy { policy: ConfigurablePolicy::new(config) }, "out") }
}

/// Parses a TOML policy document (`profile = "spec"` plus overrides, as
/// `PolicyConfig::from_toml_str`) and writes it to `*out`.
/// `BGSYNC_RESULT_POLICY_INVALID` names the key, line and column in
/// `bgsync_last_error_message`.
///
/// # Safety
/// `text` must point to `len` readable bytes (or be NULL with `len` 0), and
/// `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_policy_from_toml(
    text: *const u8,
    len: usize,
    out: *mut *mut bgsync_policy,
) -> bgsync_result {
    guard(|| parse(text, len, out, PolicyConfig::from_toml_str))
}

/// As `bgsync_policy_from_toml`, for a JSON document.
///
/// # Safety
/// As `bgsync_policy_from_toml`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_policy_from_json(
    text: *const u8,
    len: usize,
    out: *mut *mut bgsync_policy,
) -> bgsync_result {
    guard(|| parse(text, len, out, PolicyConfig::from_json_str))
}

/// Frees `*policy` and sets it to NULL. NULL, or a pointer to NULL, is a no-op,
/// so freeing the same variable twice is harmless.
///
/// # Safety
/// `policy` must be NULL or point to a pointer that is NULL or a live policy
/// from this library (not freed through another copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_policy_free(policy: *mut *mut bgsync_policy) {
    // SAFETY: the caller's contract.
    guard_void(|| unsafe { raw::free_handle(policy) })
}
