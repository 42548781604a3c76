//! `bgsync_store_*`: the bundled SQLite store, for embedders that do not keep
//! mutations in a database of their own.

use crate::codec;
use crate::guard::{guard, guard_void};
use crate::handles::{bgsync_snapshot, bgsync_store};
use crate::raw;
use crate::result::bgsync_result;
use crate::types::bgsync_bytes;
use sync_core::store::{MemoryStore, SqliteStore, Store};

/// Opens (creating if needed, migrating if older) the store file at the UTF-8
/// path `(path, len)` and writes it to `*out`. A file that is corrupt, not a
/// store, or newer than this build is refused (`STORE_CORRUPT`,
/// `STORE_TOO_NEW`) and left untouched; an unwritable place gives `STORE_IO`.
///
/// # Safety
/// `path` must point to `len` readable bytes (or be NULL with `len` 0); `out`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_store_open(path: *const u8, len: usize, out: *mut *mut bgsync_store) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract for (path, len).
        let path = unsafe { raw::str_in(path, len, "path") }?;
        let store = SqliteStore::open(path)?;
        // SAFETY: the caller's contract for out.
        unsafe { raw::new_handle(out, bgsync_store { store }, "out") }
    })
}

/// Applies a batch of encoded mutations (from `PERSIST` actions) in one
/// transaction: all land, or none. Every mutation is decoded first; one that
/// does not decode fails the batch with `BAD_MUTATION` before anything is
/// written.
///
/// # Safety
/// `store` must be NULL or a live store used by no other thread; `batch` must
/// point to `count` readable `bgsync_bytes` (or be NULL with `count` 0), each
/// pointing to its `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_store_apply(
    store: *mut bgsync_store,
    batch: *const bgsync_bytes,
    count: usize,
) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract for store and batch.
        let (store, batch) = unsafe { (raw::get_mut(store, "store")?, raw::array_in(batch, count, "batch")?) };
        let mut mutations = Vec::with_capacity(batch.len());
        for item in batch {
            // SAFETY: the caller's contract for each element.
            let bytes = unsafe { raw::bytes(*item, "mutation") }?;
            mutations.push(codec::decode(bytes)?);
        }
        store.store.apply(&mutations)?;
        Ok(())
    })
}

/// Reads everything stored into a new snapshot (`*out`), to restore an
/// engine from with `bgsync_engine_restore`.
///
/// # Safety
/// `store` must be NULL or a live store used by no other thread; `out` NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_store_load(store: *mut bgsync_store, out: *mut *mut bgsync_snapshot) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract.
        let store = unsafe { raw::get_mut(store, "store") }?;
        let rows = store.store.load()?;
        let mut state = MemoryStore::new();
        state.apply(&rows.registrations.into_iter().map(sync_core::store::Mutation::Put).collect::<Vec<_>>())?;
        state.apply(&rows.origins.into_iter().map(sync_core::store::Mutation::PutOrigin).collect::<Vec<_>>())?;
        // SAFETY: the caller's contract for out.
        unsafe { raw::new_handle(out, bgsync_snapshot { state }, "out") }
    })
}

/// Caps the database file at about `max_bytes` (whole pages, never below its
/// current size) until the store is closed, and writes the cap in effect to
/// `*out` (which may be NULL). A batch that would grow the file further fails
/// with `STORE_IO` as on a full disk, and does not land. For quotas, and for
/// testing the storage-failure path.
///
/// # Safety
/// `store` must be NULL or a live store used by no other thread; `out` NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_store_set_size_limit(
    store: *mut bgsync_store,
    max_bytes: u64,
    out: *mut u64,
) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let store = unsafe { raw::get_mut(store, "store") }?;
        let cap = store.store.set_size_limit(max_bytes)?;
        if !out.is_null() {
            // SAFETY: non-NULL; the caller promises it is writable.
            unsafe { raw::write(out, cap, "out") }?;
        }
        Ok(())
    })
}

/// Closes `*store` and sets it to NULL. NULL, or a pointer to NULL, is a no-op.
///
/// # Safety
/// `store` must be NULL or point to a pointer that is NULL or a live store
/// (not freed through another copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_store_free(store: *mut *mut bgsync_store) {
    // SAFETY: the caller's contract.
    guard_void(|| unsafe { raw::free_handle(store) })
}
