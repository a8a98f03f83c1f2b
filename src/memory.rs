//! This module defines the allocator the `sleuth` binary runs on: the
//! system allocator, with every large block marked for transparent huge
//! pages (`madvise(MADV_HUGEPAGE)` on Linux).
//!
//! The evaluator's row sets, indexes and symbol table are large hash tables
//! read at random. With 4 KiB pages nearly every probe of a table of tens of
//! megabytes also misses the TLB, and under virtualisation a page walk costs
//! several memory accesses of its own; 2 MiB pages cut both the misses and
//! the page faults of first touch by a factor of 512. Systems whose
//! transparent huge pages are set to `madvise` (a common default) only give
//! them to memory that asks, so large blocks ask. Elsewhere (or where huge
//! pages are off) the advice is ignored and nothing else changes.
//!
//! [`return_freed_blocks`] makes the C library give every large block its
//! own mapping, so a table that is freed (an index no later stratum reads,
//! the old table of a set that grew) leaves the process instead of staying
//! in its heap.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, advising huge pages for blocks of at least
/// `HUGE_FROM` bytes.
pub struct HugePageAlloc;

/// The size of a huge page.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks from this size on are advised (smaller ones cannot hold an aligned
/// huge page reliably).
pub(crate) const HUGE_FROM: usize = 2 * HUGE_PAGE;

/// The size of a base page (the granularity of `madvise`).
const PAGE: usize = 4096;

/// Marks the pages of `ptr..ptr + len` for huge pages.
///
/// The advice covers every page the block touches, not only the huge pages
/// inside it: a block of this size is a mapping of its own (with a header
/// before `ptr` on the same page), and advice on part of a mapping splits it
/// in three. The C library grows a mapped block with `mremap`, which moves
/// page tables instead of copying, and fails on a range that spans several
/// mappings; every later growth of that block would then copy it into fresh
/// pages. The kernel gives huge pages to the aligned 2 MiB stretches.
#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, len: usize) {
    if ptr.is_null() || len < HUGE_FROM {
        return;
    }
    let start = ptr as usize & !(PAGE - 1);
    let end = (ptr as usize + len).next_multiple_of(PAGE);
    // SAFETY: the range covers the pages of a block this allocator just
    // handed out; MADV_HUGEPAGE changes how they are backed, never their
    // contents, and a failure (huge pages off or unsupported) leaves them as
    // they were.
    unsafe {
        libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_ptr: *mut u8, _len: usize) {}

/// Blocks from this size on get their own mapping (see [`return_freed_blocks`]).
pub const OWN_MAPPING_FROM: usize = 1 << 20;

/// Has the C library serve every block of at least [`OWN_MAPPING_FROM`]
/// bytes from its own mapping and unmap it when freed. glibc's default
/// threshold starts at 128 KiB but rises to the size of each mapped block
/// freed (up to 32 MiB), after which blocks of many megabytes come from the
/// heap and their pages stay with the process once freed: on a run that
/// builds and drops tables, 10 to 20 MiB of the peak. A fixed threshold
/// turns that adjustment off. Call it once, before the work starts. Returns
/// whether the C library took the setting (elsewhere than glibc there is
/// nothing to set, and the answer is false).
pub fn return_freed_blocks() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of the allocator; it is
    // safe to call at any time, and an unsupported value is refused (0).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM as libc::c_int) == 1
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

// SAFETY: every call is forwarded to `System` unchanged; `advise` only adds
// advice about the pages of a block that is already allocated.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        advise(p, new_size);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_fixed_mapping_threshold() {
        assert!(return_freed_blocks());
        // A block past the threshold still works, and is freed.
        let v = vec![7u8; OWN_MAPPING_FROM * 2];
        assert_eq!(v[OWN_MAPPING_FROM], 7);
    }

    /// The mapping of `/proc/self/maps` that holds address `a`.
    #[cfg(target_os = "linux")]
    fn mapping_of(a: usize) -> Option<(usize, usize)> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|line| {
            let (lo, hi) = line.split_whitespace().next()?.split_once('-')?;
            let lo = usize::from_str_radix(lo, 16).ok()?;
            let hi = usize::from_str_radix(hi, 16).ok()?;
            (lo <= a && a < hi).then_some((lo, hi))
        })
    }

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn advice_leaves_a_large_block_in_one_mapping_so_it_can_grow_in_place() {
        // 64 MiB is past any threshold glibc's malloc adjusts to, so the
        // block is a mapping of its own whatever ran before in this process.
        let size = 64 << 20;
        let layout = Layout::from_size_align(size, 8).expect("a valid layout");
        // SAFETY: a non-zero size; the block is read within bounds and freed
        // with its layout.
        unsafe {
            let p = HugePageAlloc.alloc(layout);
            assert!(!p.is_null());
            let (lo, hi) = mapping_of(p as usize).expect("the block is mapped");
            assert!(
                lo <= p as usize && p as usize + size <= hi,
                "the block spans several mappings: {lo:#x}..{hi:#x} holds only part of {:#x}..{:#x}",
                p as usize,
                p as usize + size
            );
            HugePageAlloc.dealloc(p, layout);
        }
    }

    #[test]
    fn blocks_of_every_size_work_through_it() {
        for size in [1usize, 4096, HUGE_FROM - 1, HUGE_FROM, 3 * HUGE_FROM + 17] {
            let layout = Layout::from_size_align(size, 8).expect("a valid layout");
            // SAFETY: a non-zero size; the block is written within bounds
            // and freed with its layout.
            unsafe {
                let p = HugePageAlloc.alloc_zeroed(layout);
                assert!(!p.is_null());
                assert_eq!(*p.add(size - 1), 0);
                *p.add(size - 1) = 7;
                let q = HugePageAlloc.realloc(p, layout, size * 2);
                assert_eq!(*q.add(size - 1), 7);
                HugePageAlloc.dealloc(q, Layout::from_size_align(size * 2, 8).expect("valid"));
            }
        }
    }
}
