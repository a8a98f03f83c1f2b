//! This module defines the one memory hint the evaluator's tables use:
//! fetching a cache line a few items before it is needed, so the misses of a
//! large table overlap instead of being paid one after the other.

/// Hints the processor to fetch the cache line holding `p`.
#[inline]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
