//! This module defines the deduplication set of a relation: an open-addressing
//! table with linear probing whose slots hold a row id and 32 bits of the
//! row's hash (8 bytes a slot), while the rows themselves stay in the
//! relation's flat row store. The stored hash bits let a probe skip other rows
//! without reading them, and let the table grow by reading rows in order.
//!
//! Inserting a batch hashes every row first and prefetches each row's slot a
//! few rows ahead, so the cache misses of a large table overlap instead of
//! being paid one after the other.

use super::hash::hash_words;

const EMPTY: u64 = u64::MAX;
/// Largest fill ratio before the table doubles (as a fraction of 8).
const MAX_LOAD_EIGHTHS: usize = 6;
/// How many rows ahead a batch prefetches.
const PREFETCH: usize = 16;

/// A set of row ids keyed by row contents.
#[derive(Clone, Debug, Default)]
pub struct RowSet {
    slots: Vec<u64>,
    len: usize,
}

#[inline]
fn rows_eq(a: &[u64], b: &[u64]) -> bool {
    match a.len() {
        1 => a[0] == b[0],
        2 => a[0] == b[0] && a[1] == b[1],
        3 => a[0] == b[0] && a[1] == b[1] && a[2] == b[2],
        _ => a == b,
    }
}

#[inline]
fn tag(h: u64) -> u64 {
    h & 0xffff_ffff_0000_0000
}

/// Hints the processor to fetch the cache line holding `p`.
#[inline]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl RowSet {
    /// Number of rows in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The id of the row equal to `row` (whose hash is `h`), if present.
    #[inline]
    pub fn find(&self, data: &[u64], k: usize, row: &[u64], h: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = h as usize & mask;
        loop {
            let e = self.slots[i];
            if e == EMPTY {
                return None;
            }
            if tag(e) == tag(h) {
                let id = e as u32 as usize;
                if rows_eq(&data[id * k..id * k + k], row) {
                    return Some(id as u32);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Makes room for `additional` more rows without growing mid-insert.
    pub fn reserve(&mut self, data: &[u64], k: usize, additional: usize) {
        let need = self.len + additional;
        if need * 8 > self.slots.len() * MAX_LOAD_EIGHTHS {
            let mut cap = self.slots.len().max(16);
            while need * 8 > cap * MAX_LOAD_EIGHTHS {
                cap *= 2;
            }
            self.rebuild(data, k, cap);
        }
    }

    /// Refills a table of `cap` slots with rows `0..len` read in order.
    #[cold]
    fn rebuild(&mut self, data: &[u64], k: usize, cap: usize) {
        self.slots = Vec::new();
        let mut slots = vec![EMPTY; cap];
        let mask = cap - 1;
        let hash = |id: usize| hash_words(&data[id * k..id * k + k]);
        let mut ahead: [u64; PREFETCH] = [0; PREFETCH];
        for (id, a) in ahead.iter_mut().enumerate().take(self.len) {
            *a = hash(id);
            prefetch(&slots[*a as usize & mask]);
        }
        for id in 0..self.len {
            let h = ahead[id % PREFETCH];
            if id + PREFETCH < self.len {
                let next = hash(id + PREFETCH);
                ahead[id % PREFETCH] = next;
                prefetch(&slots[next as usize & mask]);
            }
            let mut i = h as usize & mask;
            while slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = tag(h) | id as u64;
        }
        self.slots = slots;
    }

    /// Inserts id `id` for `row` (hash `h`) unless an equal row is present;
    /// returns whether it was inserted. The caller reserved room.
    #[inline]
    pub fn insert(&mut self, data: &[u64], k: usize, row: &[u64], h: u64, id: u32) -> bool {
        let mask = self.mask();
        let mut i = h as usize & mask;
        loop {
            let e = self.slots[i];
            if e == EMPTY {
                self.slots[i] = tag(h) | u64::from(id);
                self.len += 1;
                return true;
            }
            if tag(e) == tag(h) {
                let other = e as u32 as usize;
                if rows_eq(&data[other * k..other * k + k], row) {
                    return false;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Prefetches the slot where a row with hash `h` would go.
    #[inline]
    pub fn prefetch(&self, h: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[h as usize & self.mask()]);
        }
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_inserted_across_growth() {
        let mut data: Vec<u64> = Vec::new();
        let mut set = RowSet::default();
        for n in 0..5000u64 {
            let row = [n % 97, n / 97];
            set.reserve(&data, 2, 1);
            let h = hash_words(&row);
            assert!(set.insert(&data, 2, &row, h, n as u32));
            data.extend_from_slice(&row);
            assert!(
                !set.insert(&data, 2, &row, h, 9999),
                "second insert is a duplicate"
            );
        }
        assert_eq!(set.len(), 5000);
        for n in (0..5000u64).step_by(7) {
            let row = [n % 97, n / 97];
            assert_eq!(set.find(&data, 2, &row, hash_words(&row)), Some(n as u32));
        }
        assert_eq!(
            set.find(&data, 2, &[1000, 1000], hash_words(&[1000, 1000])),
            None
        );
    }
}
