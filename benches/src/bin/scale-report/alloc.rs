//! A counting global allocator: while counting is on, it adds every
//! requested allocation size and subtracts every freed one, so the net count
//! over a window is exactly the bytes that became live in it (blocks freed in
//! the window count against it, wherever they were allocated). Sizes are what
//! Rust requested; malloc's own per-block overhead is not included.
//!
//! Counting is off outside [`measure`], so the timed figures pay one relaxed
//! load per allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering::Relaxed};

static ON: AtomicBool = AtomicBool::new(false);
static NET: AtomicI64 = AtomicI64::new(0);

/// The system allocator, counting while [`measure`] runs.
pub struct Counting;

fn add(bytes: usize) {
    if ON.load(Relaxed) {
        NET.fetch_add(bytes as i64, Relaxed);
    }
}

fn sub(bytes: usize) {
    if ON.load(Relaxed) {
        NET.fetch_sub(bytes as i64, Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged and only updates counters; the GlobalAlloc contract is System's.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is (see above).
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        sub(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size);
            sub(layout.size());
        }
        p
    }
}

/// Runs `f` with counting on; returns its value and the net bytes that became live.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, i64) {
    NET.store(0, Relaxed);
    ON.store(true, Relaxed);
    let value = f();
    ON.store(false, Relaxed);
    (value, NET.load(Relaxed))
}
