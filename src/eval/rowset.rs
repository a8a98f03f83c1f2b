//! This module defines the deduplication set of a relation: an open-addressing
//! table with linear probing whose slots hold a row id and a few bits of the
//! row's hash, while the rows themselves stay in the relation's flat row
//! store. The stored hash bits let a probe skip other rows without reading
//! them, and let the table grow by reading rows in order.
//!
//! Slots are 4 bytes (26-bit id, 6 hash bits) while the relation has fewer
//! than 2^26 rows and 8 bytes (32-bit id, 32 hash bits) beyond, so a set
//! costs about 6 bytes per row at the usual fill.
//!
//! Inserting a batch hashes every row first and prefetches each row's slot a
//! few rows ahead, so the cache misses of a large table overlap instead of
//! being paid one after the other.

use super::fresh::filled;
use super::hash::hash_words;
use super::prefetch::prefetch;
use super::rows::{RowsRef, Word, with_words};

/// Largest fill ratio before the table doubles (in eighths).
const MAX_LOAD_EIGHTHS: usize = 6;
/// Largest row id a narrow slot holds (one less than its id mask, so no slot
/// equals the empty marker).
const NARROW_MAX_ROWS: usize = (1 << 26) - 1;

/// Whether a stored row equals `b`.
#[inline]
fn rows_eq<W: Word>(a: &[W], b: &[u64]) -> bool {
    match a.len() {
        1 => a[0].word() == b[0],
        2 => a[0].word() == b[0] && a[1].word() == b[1],
        3 => a[0].word() == b[0] && a[1].word() == b[1] && a[2].word() == b[2],
        _ => a.iter().zip(b).all(|(x, &y)| x.word() == y),
    }
}

/// A slot layout: an id plus hash bits, with a reserved empty value.
trait Slot: Copy + Eq + Send + Sync {
    const EMPTY: Self;
    fn make(id: usize, h: u64) -> Self;
    fn id(self) -> usize;
    fn same_tag(self, h: u64) -> bool;
}

impl Slot for u32 {
    const EMPTY: u32 = u32::MAX;
    #[inline]
    fn make(id: usize, h: u64) -> u32 {
        ((h >> 58) as u32) << 26 | id as u32
    }
    #[inline]
    fn id(self) -> usize {
        (self & ((1 << 26) - 1)) as usize
    }
    #[inline]
    fn same_tag(self, h: u64) -> bool {
        self >> 26 == (h >> 58) as u32
    }
}

impl Slot for u64 {
    const EMPTY: u64 = u64::MAX;
    #[inline]
    fn make(id: usize, h: u64) -> u64 {
        (h & 0xffff_ffff_0000_0000) | id as u64
    }
    #[inline]
    fn id(self) -> usize {
        self as u32 as usize
    }
    #[inline]
    fn same_tag(self, h: u64) -> bool {
        self >> 32 == h >> 32
    }
}

#[derive(Clone, Debug, Default)]
struct Table<S> {
    slots: Vec<S>,
}

impl<S: Slot> Table<S> {
    #[inline]
    fn find<W: Word>(&self, data: &[W], k: usize, row: &[u64], h: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let e = self.slots[i];
            if e == S::EMPTY {
                return None;
            }
            if e.same_tag(h) {
                let id = e.id();
                if rows_eq(&data[id * k..id * k + k], row) {
                    return Some(id as u32);
                }
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    fn insert<W: Word>(&mut self, data: &[W], k: usize, row: &[u64], h: u64, id: usize) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let e = self.slots[i];
            if e == S::EMPTY {
                self.slots[i] = S::make(id, h);
                return true;
            }
            if e.same_tag(h) {
                let other = e.id();
                if rows_eq(&data[other * k..other * k + k], row) {
                    return false;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// A table of `cap` slots holding rows `0..len`, read in order.
    fn build<W: Word>(data: &[W], k: usize, len: usize, cap: usize, threads: usize) -> Table<S> {
        const AHEAD: usize = 16;
        let mut slots = filled(cap, S::EMPTY, threads);
        let mask = cap - 1;
        let hash = |id: usize| hash_words(&data[id * k..id * k + k]);
        let mut ahead: [u64; AHEAD] = [0; AHEAD];
        for (id, a) in ahead.iter_mut().enumerate().take(len) {
            *a = hash(id);
            prefetch(&slots[*a as usize & mask]);
        }
        for id in 0..len {
            let h = ahead[id % AHEAD];
            if id + AHEAD < len {
                let next = hash(id + AHEAD);
                ahead[id % AHEAD] = next;
                prefetch(&slots[next as usize & mask]);
            }
            let mut i = h as usize & mask;
            while slots[i] != S::EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = S::make(id, h);
        }
        Table { slots }
    }

    #[inline]
    fn prefetch(&self, h: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[h as usize & (self.slots.len() - 1)]);
        }
    }

    /// The id in the home slot of hash `h` when its hash bits match.
    #[inline]
    fn peek(&self, h: u64) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let e = self.slots[h as usize & (self.slots.len() - 1)];
        (e != S::EMPTY && e.same_tag(h)).then(|| e.id())
    }
}

#[derive(Clone, Debug)]
enum Slots {
    Narrow(Table<u32>),
    Wide(Table<u64>),
}

/// A set of row ids keyed by row contents.
#[derive(Clone, Debug)]
pub struct RowSet {
    slots: Slots,
    len: usize,
}

impl Default for RowSet {
    fn default() -> RowSet {
        RowSet {
            slots: Slots::Narrow(Table::default()),
            len: 0,
        }
    }
}

impl RowSet {
    /// Number of rows in the set.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    fn capacity(&self) -> usize {
        match &self.slots {
            Slots::Narrow(t) => t.slots.len(),
            Slots::Wide(t) => t.slots.len(),
        }
    }

    /// The id of the row equal to `row` (whose hash is `h`), if present.
    #[inline]
    pub fn find(&self, data: RowsRef, k: usize, row: &[u64], h: u64) -> Option<u32> {
        with_words!(data, |d| match &self.slots {
            Slots::Narrow(t) => t.find(d, k, row, h),
            Slots::Wide(t) => t.find(d, k, row, h),
        })
    }

    /// Makes room for `additional` more rows, so inserts never grow the table
    /// (a new table's memory is written on `threads` threads).
    pub fn reserve(&mut self, data: RowsRef, k: usize, additional: usize, threads: usize) {
        let need = self.len + additional;
        let narrow_ok = need <= NARROW_MAX_ROWS;
        let is_narrow = matches!(self.slots, Slots::Narrow(_));
        if need * 8 <= self.capacity() * MAX_LOAD_EIGHTHS && (narrow_ok || !is_narrow) {
            return;
        }
        let mut cap = self.capacity().max(16);
        while need * 8 > cap * MAX_LOAD_EIGHTHS {
            cap *= 2;
        }
        // Free the old table first: only one of them is alive at a time.
        self.slots = Slots::Narrow(Table::default());
        self.slots = with_words!(data, |d| if narrow_ok && is_narrow {
            Slots::Narrow(Table::build(d, k, self.len, cap, threads))
        } else {
            Slots::Wide(Table::build(d, k, self.len, cap, threads))
        });
    }

    /// Inserts id `id` for `row` (hash `h`) unless an equal row is present;
    /// returns whether it was inserted. The caller reserved room.
    #[inline]
    pub fn insert<W: Word>(&mut self, data: &[W], k: usize, row: &[u64], h: u64, id: u32) -> bool {
        let new = match &mut self.slots {
            Slots::Narrow(t) => t.insert(data, k, row, h, id as usize),
            Slots::Wide(t) => t.insert(data, k, row, h, id as usize),
        };
        self.len += usize::from(new);
        new
    }

    /// Prefetches the slot where a row with hash `h` would go.
    #[inline]
    pub fn prefetch(&self, h: u64) {
        match &self.slots {
            Slots::Narrow(t) => t.prefetch(h),
            Slots::Wide(t) => t.prefetch(h),
        }
    }

    /// Prefetches, from `data` (rows of `k` words), the row in the home slot
    /// of hash `h` if its hash bits match: the row a probe will probably
    /// compare first (the slot should be cached by now, see
    /// [`RowSet::prefetch`]).
    #[inline]
    pub fn prefetch_stored<W: Word>(&self, data: &[W], k: usize, h: u64) {
        let id = match &self.slots {
            Slots::Narrow(t) => t.peek(h),
            Slots::Wide(t) => t.peek(h),
        };
        if let Some(id) = id {
            prefetch(data.as_ptr().wrapping_add(id * k));
        }
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        match &self.slots {
            Slots::Narrow(t) => t.slots.capacity() * 4,
            Slots::Wide(t) => t.slots.capacity() * 8,
        }
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
            set.reserve(RowsRef::Wide(&data), 2, 1, 1);
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
            assert_eq!(
                set.find(RowsRef::Wide(&data), 2, &row, hash_words(&row)),
                Some(n as u32)
            );
        }
        assert_eq!(
            set.find(
                RowsRef::Wide(&data),
                2,
                &[1000, 1000],
                hash_words(&[1000u64, 1000])
            ),
            None
        );
    }

    #[test]
    fn wide_slots_agree_with_narrow_ones() {
        let data: Vec<u64> = (0..2000u64).flat_map(|n| [n, n * 3]).collect();
        let narrow: Table<u32> = Table::build(&data, 2, 1000, 2048, 1);
        let wide: Table<u64> = Table::build(&data, 2, 1000, 2048, 1);
        for n in 0..2000u64 {
            let row = [n, n * 3];
            let h = hash_words(&row);
            let expect = (n < 1000).then_some(n as u32);
            assert_eq!(narrow.find(&data, 2, &row, h), expect);
            assert_eq!(wide.find(&data, 2, &row, h), expect);
        }
    }
}
