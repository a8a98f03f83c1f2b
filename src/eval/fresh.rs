//! This module touches fresh memory on two threads.
//!
//! The first write to a page of a new block costs a page fault in which the
//! kernel clears the page, and under virtualisation the host may have to back
//! it first: on a 2-core virtual machine, writing 256 MiB of fresh memory
//! took 50 to 600 ms, against 25 ms to write it again. The merge of new rows
//! into a relation runs on one thread while the other core waits, so the
//! memory it is about to write is faulted in on both: a row set's new table
//! is filled on two threads ([`filled`]), and the row store's next pages are
//! faulted in on the second thread while the merge writes the pages before
//! them ([`Faulted`]). Only memory that is about to be written is touched,
//! so the peak memory stays as it was (at most [`AHEAD`] more per row store).

use std::mem::MaybeUninit;

/// Blocks from this many bytes on are filled on two threads.
const PARALLEL_FROM: usize = 4 << 20;

/// A vector of `len` copies of `value`, written on `threads` threads (at
/// most two) when it takes [`PARALLEL_FROM`] bytes or more.
pub fn filled<T: Copy + Send + Sync>(len: usize, value: T, threads: usize) -> Vec<T> {
    let bytes = len * std::mem::size_of::<T>();
    if threads < 2 || bytes < PARALLEL_FROM {
        return vec![value; len];
    }
    let mut v: Vec<T> = Vec::with_capacity(len);
    let spare = &mut v.spare_capacity_mut()[..len];
    let (a, b) = spare.split_at_mut(len / 2);
    let fill = |s: &mut [MaybeUninit<T>]| {
        for x in s {
            x.write(value);
        }
    };
    let helped = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .spawn_scoped(scope, || fill(b))
            .is_ok();
        fill(a);
        spawned
    });
    if !helped {
        // No second thread could start: this one fills the second half too.
        fill(&mut v.spare_capacity_mut()[len / 2..len]);
    }
    // SAFETY: the first `len` elements were all written just above.
    unsafe { v.set_len(len) };
    v
}

/// How far ahead of a growing vector's end its pages are faulted in: at
/// most this many bytes past what the next write needs.
const AHEAD: usize = 2 << 20;

/// How far the pages of one growing vector (the row store of a relation)
/// have been faulted in ahead of its end.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faulted {
    /// The vector's address when the pages were faulted in (a vector that
    /// moved has its pages at another address).
    base: usize,
    /// Bytes from `base` known to be faulted in.
    end: usize,
}

impl Faulted {
    /// Runs `work`, which appends at most `additional` elements to `v`
    /// (whose capacity already holds them); when those would reach pages not
    /// yet faulted in and the vector is large, a second thread faults in the
    /// next pages meanwhile, up to [`AHEAD`] bytes beyond them (the kernel
    /// serialises it with `work`'s own writes).
    pub fn run<T, R>(
        &mut self,
        v: &mut Vec<T>,
        additional: usize,
        threads: usize,
        work: impl FnOnce(&mut Vec<T>) -> R,
    ) -> R {
        let size = std::mem::size_of::<T>();
        let base = v.as_ptr() as usize;
        let used = v.len() * size;
        let need = (used + additional * size).min(v.capacity() * size);
        if base != self.base || self.end < used {
            *self = Faulted { base, end: used };
        }
        if threads < 2 || used < PARALLEL_FROM || need <= self.end || !cfg!(target_os = "linux") {
            return work(v);
        }
        let from = self.end;
        let to = (need + AHEAD).min(v.capacity() * size);
        self.end = to;
        std::thread::scope(|scope| {
            // A thread that cannot start leaves the pages to fault in when
            // written, as they would have anyway.
            let _ = std::thread::Builder::new()
                .spawn_scoped(scope, move || populate(base + from, to - from));
            work(v)
        })
    }
}

#[cfg(target_os = "linux")]
fn populate(start: usize, bytes: usize) {
    const PAGE: usize = 4096;
    let from = start & !(PAGE - 1);
    let to = (start + bytes) & !(PAGE - 1);
    if to > from {
        // SAFETY: the range lies inside a vector's block (its first page may
        // hold rows already written), which is neither moved nor freed before
        // this thread is joined; populating only faults pages in and leaves
        // their contents alone, so writes to them on another thread are
        // unaffected. A kernel without MADV_POPULATE_WRITE (before Linux
        // 5.14) returns an error, which is ignored: the pages then fault in
        // when written, as they would have anyway.
        unsafe {
            libc::madvise(
                from as *mut libc::c_void,
                to - from,
                libc::MADV_POPULATE_WRITE,
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn populate(_start: usize, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_on_two_threads_equals_filled_on_one() {
        for len in [
            0,
            1,
            PARALLEL_FROM / 4 - 1,
            PARALLEL_FROM / 4,
            PARALLEL_FROM / 4 + 3,
        ] {
            let two = filled(len, u32::MAX, 2);
            assert_eq!(two.len(), len);
            assert!(two.iter().all(|&x| x == u32::MAX), "len {len}");
            assert_eq!(two, filled(len, u32::MAX, 1));
        }
    }

    #[test]
    fn faulting_ahead_keeps_what_is_written_and_follows_a_moved_vector() {
        let mut v: Vec<u64> = (0..(PARALLEL_FROM / 8) as u64).collect();
        let mut faulted = Faulted::default();
        let mut expect = v.clone();
        for round in 0..4u64 {
            let more = 300_000;
            v.reserve(more);
            let got = faulted.run(&mut v, more, 2, |v| {
                v.extend((0..more as u64).map(|i| i * 3 + round));
                v.len()
            });
            expect.extend((0..more as u64).map(|i| i * 3 + round));
            assert_eq!(got, expect.len());
            assert_eq!(v, expect);
            let end = v.len() * 8;
            assert!(
                faulted.base == v.as_ptr() as usize && faulted.end >= end,
                "the pages written are known faulted in"
            );
            assert!(faulted.end <= v.capacity() * 8, "never past the block");
        }
        // A vector that moved starts over from its own end.
        let mut w = v.clone();
        w.reserve(1 << 20);
        faulted.run(&mut w, 10, 2, |w| w.push(7));
        assert_eq!(faulted.base, w.as_ptr() as usize);
        assert_eq!(w.last(), Some(&7));
        // One thread faults nothing ahead.
        let mut one = Faulted::default();
        let mut u: Vec<u64> = vec![0; PARALLEL_FROM];
        u.reserve(1000);
        one.run(&mut u, 1000, 1, |u| u.push(1));
        assert_eq!(one.end, PARALLEL_FROM * 8);
    }
}
