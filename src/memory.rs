//! This module defines the allocator the `sleuth` binary runs on: the
//! system allocator for small blocks, and on Linux its own mappings, aligned
//! to huge pages, for large ones.
//!
//! The evaluator's row sets, indexes and symbol table are large hash tables
//! read at random. With 4 KiB pages nearly every probe of a table of tens of
//! megabytes also misses the TLB, and under virtualisation a page walk costs
//! several memory accesses of its own; 2 MiB pages cut both the misses and
//! the page faults of first touch by a factor of 512. Systems whose
//! transparent huge pages are set to `madvise` (a common default) only give
//! them to memory that asks, so large blocks ask (`madvise(MADV_HUGEPAGE)`).
//! Elsewhere (or where huge pages are off) the advice is ignored and nothing
//! else changes.
//!
//! A large block starts on a 2 MiB boundary, so every whole 2 MiB of it can
//! be a huge page, and it grows with `mremap`: in place when the addresses
//! after it are free, or else by moving its page tables to a new aligned
//! range. Either way nothing is copied and the pages it has stay with it,
//! huge ones intact. (The C library grows a mapped block with `mremap` too,
//! but lets the kernel pick where it goes: a block moved to an address that
//! is not aligned like the old one loses its huge pages, and the row store,
//! which grows by doubling, ends up mostly in 4 KiB pages.)
//!
//! [`return_freed_blocks`] makes the C library give the smaller blocks it
//! still serves (from 1 MiB) their own mapping too, so a table that is
//! freed leaves the process instead of staying in its heap.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator for blocks under [`HUGE_FROM`] bytes; aligned
/// mappings of its own, advised for huge pages, for larger ones (on Linux).
pub struct HugePageAlloc;

/// The size of a huge page.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks from this size on are mappings of their own (smaller ones would
/// hold at most one huge page).
pub(crate) const HUGE_FROM: usize = 2 * HUGE_PAGE;

/// Whether a block of `layout` is served by [`large`].
#[inline]
fn is_large(layout: Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= HUGE_FROM && layout.align() <= HUGE_PAGE
}

/// Large blocks: anonymous mappings aligned to 2 MiB, grown and shrunk with
/// `mremap`.
#[cfg(target_os = "linux")]
mod large {
    use super::HUGE_PAGE;

    /// The size of a base page (the granularity of mappings).
    const PAGE: usize = 4096;

    /// The length of the mapping that holds a block of `size` bytes.
    pub fn mapped(size: usize) -> usize {
        size.next_multiple_of(PAGE)
    }

    /// Marks `len` bytes from `ptr` (a whole mapping) for huge pages.
    fn advise(ptr: *mut u8, len: usize) {
        // SAFETY: the range is a mapping this module made; MADV_HUGEPAGE
        // changes how it is backed, never its contents, and a failure (huge
        // pages off or unsupported) leaves it as it was.
        unsafe {
            libc::madvise(ptr.cast(), len, libc::MADV_HUGEPAGE);
        }
    }

    /// A new zeroed mapping of `len` bytes (a multiple of the page size)
    /// starting on a 2 MiB boundary, advised for huge pages; null when the
    /// system has no room.
    pub fn map(len: usize) -> *mut u8 {
        let Some(span) = len.checked_add(HUGE_PAGE) else {
            return std::ptr::null_mut();
        };
        // SAFETY: a fresh private anonymous mapping touches nothing else.
        let raw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                span,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        let raw = raw as usize;
        let start = raw.next_multiple_of(HUGE_PAGE);
        // SAFETY: both ranges lie inside the mapping just made, outside the
        // part kept; unmapping them leaves the kept part as it was.
        unsafe {
            if start > raw {
                libc::munmap(raw as *mut libc::c_void, start - raw);
            }
            let tail = raw + span - (start + len);
            if tail > 0 {
                libc::munmap((start + len) as *mut libc::c_void, tail);
            }
        }
        advise(start as *mut u8, len);
        start as *mut u8
    }

    /// Unmaps a mapping of `len` bytes made by [`map`] or [`remap`].
    ///
    /// # Safety
    /// `ptr` and `len` describe such a mapping, which nothing uses after.
    pub unsafe fn unmap(ptr: *mut u8, len: usize) {
        // SAFETY: the caller's guarantee.
        unsafe {
            libc::munmap(ptr.cast(), len);
        }
    }

    /// The mapping of `old` bytes at `ptr` made `new` bytes long (both
    /// multiples of the page size), its contents kept up to the shorter
    /// length; null (with the old mapping untouched) when the system has no
    /// room.
    ///
    /// # Safety
    /// `ptr` and `old` describe a mapping made by [`map`] or [`remap`]; when
    /// the answer is not null, the old one is gone.
    pub unsafe fn remap(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
        if new == old {
            return ptr;
        }
        // In place first: shrinking always succeeds, growing does when the
        // addresses after the mapping are free.
        // SAFETY: the caller's guarantee; without MREMAP_MAYMOVE the mapping
        // stays where it is or nothing changes.
        let same = unsafe { libc::mremap(ptr.cast(), old, new, 0) };
        if same != libc::MAP_FAILED {
            if new > old {
                advise(ptr, new);
            }
            return ptr;
        }
        // Else move its page tables to a new aligned range, which keeps
        // its huge pages whole.
        let dst = map(new);
        if dst.is_null() {
            return dst;
        }
        // SAFETY: `dst` is a mapping of `new` bytes just made, which the move
        // replaces; the old mapping is the caller's to give up.
        let moved = unsafe {
            libc::mremap(
                ptr.cast(),
                old,
                new,
                libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED,
                dst.cast::<libc::c_void>(),
            )
        };
        if moved == libc::MAP_FAILED {
            // Copy instead; `dst` is still the mapping `map` made.
            // SAFETY: both ranges are mapped, they do not overlap, and `old`
            // is smaller than `new` here (shrinking succeeded above).
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, dst, old);
                unmap(ptr, old);
            }
        }
        advise(dst, new);
        dst
    }
}

/// Has the C library serve every block of at least [`OWN_MAPPING_FROM`]
/// bytes that it still serves (those under [`HUGE_FROM`], on Linux) from its
/// own mapping and unmap it when freed. glibc's default threshold starts at
/// 128 KiB but rises to the size of each mapped block freed, after which
/// blocks of a few megabytes come from the heap and their pages stay with
/// the process once freed. A fixed threshold turns that adjustment off. Call
/// it once, before the work starts. Returns whether the C library took the
/// setting (elsewhere than glibc there is nothing to set, and the answer is
/// false).
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

/// Blocks from this size on get their own mapping (see [`return_freed_blocks`]).
pub const OWN_MAPPING_FROM: usize = 1 << 20;

// SAFETY: small blocks are forwarded to `System` unchanged. A large block is
// a mapping of its own, at least as long as the layout's size and aligned to
// 2 MiB (at least the layout's alignment, which `is_large` checks), zeroed
// when made, and unmapped with the same length when freed; a block moves
// between the two kinds only by copying into a new block of the other kind.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_large(layout) {
            return large::map(large::mapped(layout.size()));
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_large(layout) {
            // A fresh anonymous mapping reads as zeros.
            return large::map(large::mapped(layout.size()));
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if is_large(layout) {
            // SAFETY: a large layout's block is a mapping of this length.
            unsafe { large::unmap(ptr, large::mapped(layout.size())) };
            return;
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with this alignment makes
        // a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (is_large(layout), is_large(new_layout)) {
            #[cfg(target_os = "linux")]
            (true, true) => {
                // SAFETY: a large layout's block is a mapping of this length.
                unsafe { large::remap(ptr, large::mapped(layout.size()), large::mapped(new_size)) }
            }
            (false, false) => {
                // SAFETY: forwarded with the caller's guarantees.
                unsafe { System.realloc(ptr, layout, new_size) }
            }
            _ => {
                // Between kinds: a new block, the contents copied, the old
                // block freed.
                // SAFETY: the new layout is valid (see above); both blocks
                // hold at least the bytes copied and are distinct.
                unsafe {
                    let q = self.alloc(new_layout);
                    if !q.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, q, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    q
                }
            }
        }
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

    /// Asserts that a large block of `size` bytes at `p` starts on a huge
    /// page and lies in one mapping (which `mremap` needs to move it whole).
    #[cfg(target_os = "linux")]
    fn assert_one_aligned_mapping(p: *mut u8, size: usize) {
        let a = p as usize;
        assert_eq!(a % HUGE_PAGE, 0, "{a:#x} is not on a 2 MiB boundary");
        let (lo, hi) = mapping_of(a).expect("the block is mapped");
        assert!(
            lo <= a && a + size <= hi,
            "the block spans several mappings: {lo:#x}..{hi:#x} holds only part of {a:#x}..{:#x}",
            a + size
        );
    }

    /// Fills `len` bytes from `p` with a pattern of their offsets.
    ///
    /// # Safety
    /// `p..p + len` is writable.
    unsafe fn fill(p: *mut u8, len: usize) {
        for i in (0..len).step_by(4093) {
            // SAFETY: the caller's guarantee.
            unsafe { *p.add(i) = (i % 251) as u8 };
        }
    }

    /// Whether `len` bytes from `p` still hold [`fill`]'s pattern.
    ///
    /// # Safety
    /// `p..p + len` is readable.
    unsafe fn holds_fill(p: *const u8, len: usize) -> bool {
        // SAFETY: the caller's guarantee.
        (0..len)
            .step_by(4093)
            .all(|i| unsafe { *p.add(i) } == (i % 251) as u8)
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_large_block_stays_one_aligned_mapping_as_it_grows_and_moves() {
        let size = 8 << 20;
        let layout = Layout::from_size_align(size, 8).expect("a valid layout");
        // SAFETY: every access stays inside the block as it is at the time;
        // the guard page is a mapping of this test's, unmapped at the end;
        // the block is freed with its last layout.
        unsafe {
            let p = HugePageAlloc.alloc(layout);
            assert!(!p.is_null());
            assert_one_aligned_mapping(p, size);
            fill(p, size);
            // Growing in place or not, the contents stay.
            let q = HugePageAlloc.realloc(p, layout, 2 * size);
            assert!(!q.is_null());
            assert_one_aligned_mapping(q, 2 * size);
            assert!(holds_fill(q, size));
            // A page just after the block: the next growth has to move it.
            let guard = libc::mmap(
                q.add(2 * size).cast(),
                4096,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            );
            let layout2 = Layout::from_size_align(2 * size, 8).expect("valid");
            let r = HugePageAlloc.realloc(q, layout2, 3 * size + 17);
            assert!(!r.is_null());
            if guard == q.add(2 * size).cast() {
                assert_ne!(r, q, "the block grew over the guard page");
            }
            if guard != libc::MAP_FAILED {
                libc::munmap(guard, 4096);
            }
            assert_one_aligned_mapping(r, 3 * size + 17);
            assert!(holds_fill(r, size));
            // Shrinking keeps the start and the contents.
            let layout3 = Layout::from_size_align(3 * size + 17, 8).expect("valid");
            let t = HugePageAlloc.realloc(r, layout3, size);
            assert_eq!(t, r);
            assert!(holds_fill(t, size));
            HugePageAlloc.dealloc(t, layout);
        }
    }

    #[test]
    fn blocks_of_every_size_work_through_it() {
        let sizes = [1usize, 4096, HUGE_FROM - 1, HUGE_FROM, 3 * HUGE_FROM + 17];
        for size in sizes {
            // Grown past, and shrunk below, the size where blocks change kind.
            for new_size in [size * 2, (size / 3).max(1), HUGE_FROM, HUGE_FROM - 8] {
                let layout = Layout::from_size_align(size, 8).expect("a valid layout");
                // SAFETY: non-zero sizes; each block is accessed within its
                // bounds and freed with its layout.
                unsafe {
                    let p = HugePageAlloc.alloc_zeroed(layout);
                    assert!(!p.is_null());
                    assert_eq!(*p.add(size - 1), 0);
                    fill(p, size);
                    let q = HugePageAlloc.realloc(p, layout, new_size);
                    assert!(!q.is_null());
                    assert!(holds_fill(q, size.min(new_size)), "{size} -> {new_size}");
                    *q.add(new_size - 1) = 7;
                    HugePageAlloc.dealloc(q, Layout::from_size_align(new_size, 8).expect("valid"));
                }
            }
        }
    }
}
