//! This module defines the two kinds of index the evaluator looks rows up
//! through, both keyed by the values of a set of bound columns:
//!
//! - [`StaticIndex`] for a relation that does not change while it is read
//!   (a lower stratum, base facts): rows grouped by key in one pass, with the
//!   non-key columns copied beside the row ids so a lookup reads contiguous
//!   memory (`edge(y, z)` keyed on `y` stores every `z` of one `y` together).
//! - [`DynIndex`] for a relation of the stratum being evaluated, updated as
//!   each new row arrives: a hash table from key to the newest row with that
//!   key, and a `next` link per row to the previous one (newest first, so the
//!   semi-naive ranges are a prefix or a suffix of each chain).

use super::distinct::Distinct;
use super::hash::{hash_cols, hash_words};
use super::prefetch::prefetch;
use super::rows::{RowsRef, Word, with_words};

/// `n` zero words, written rather than left to the allocator's zeroed pages:
/// a table that is read before it is written would otherwise take two page
/// faults per page (the shared zero page, then its copy).
#[allow(clippy::slow_vector_initialization)] // on purpose: `vec![0; n]` maps zero pages
fn written_zeros(n: usize) -> Vec<u64> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, 0);
    v
}

/// A sentinel row id meaning "end of chain".
pub const NIL: u32 = u32::MAX;

/// Compares a key against the key columns of a row.
#[inline]
pub fn key_matches<W: Word>(row: &[W], cols: &[usize], key: &[u64]) -> bool {
    cols.iter().zip(key).all(|(&c, &k)| row[c].word() == k)
}

/// Rows of a complete relation grouped by the values of `cols`.
///
/// The key table is open-addressed with the key words stored inline beside
/// the group's position range, so a lookup touches one slot (usually one
/// cache line) and then the group's contiguous values. It is split in two
/// by the top bit of the key's hash, so that two threads can build the two
/// halves side by side.
#[derive(Clone, Debug)]
pub struct StaticIndex {
    /// The key columns, in key order.
    pub cols: Vec<usize>,
    /// The other columns, in the order their values are stored in `vals`.
    pub val_cols: Vec<usize>,
    /// The two halves of the key table.
    parts: [Part; 2],
    /// Row ids by position (ascending within a group).
    pub ids: Vec<u32>,
    /// Non-key values by position (`val_cols.len()` words each).
    pub vals: Vec<u64>,
    groups: usize,
    /// The relation's version this index was built from.
    pub version: u64,
}

/// One half of a [`StaticIndex`]'s key table.
#[derive(Clone, Debug, Default)]
struct Part {
    /// Slots of `cols.len() + 1` words: the key, then `start << 32 | end`
    /// (`0` marks an empty slot; no group is empty).
    slots: Vec<u64>,
    mask: usize,
}

/// The half of the key table a key's hash belongs to.
#[inline]
fn part_of(h: u64) -> usize {
    (h >> 63) as usize
}

/// Relations from this many rows on have their index built on two threads
/// (when the evaluation may use two).
const PARALLEL_FROM: usize = 1 << 16;

/// One half of the key table while it is built: the table (the range word
/// counts rows until positions are assigned), and each of its rows with
/// its slot, in row order.
struct Counted {
    slots: Vec<u64>,
    cap: usize,
    groups: usize,
    rows: Vec<(u32, u32)>,
}

impl StaticIndex {
    /// Groups the rows `data` (arity `arity`, `len` rows) by `cols`, on the
    /// calling thread.
    pub fn build(
        data: RowsRef,
        arity: usize,
        len: usize,
        cols: &[usize],
        version: u64,
    ) -> StaticIndex {
        StaticIndex::build_with(data, arity, len, cols, version, 1)
    }

    /// Groups the rows `data` by `cols`, on two threads when `threads` allows
    /// and the relation is large: per half of the key table, one pass counts
    /// rows per key (prefetching slots ahead), one assigns each key its
    /// position range, one places the rows.
    pub fn build_with(
        data: RowsRef,
        arity: usize,
        len: usize,
        cols: &[usize],
        version: u64,
        threads: usize,
    ) -> StaticIndex {
        with_words!(data, |d| StaticIndex::build_words(
            d, arity, len, cols, version, threads
        ))
    }

    fn build_words<W: Word>(
        data: &[W],
        arity: usize,
        len: usize,
        cols: &[usize],
        version: u64,
        threads: usize,
    ) -> StaticIndex {
        let kk = cols.len();
        let stride = kk + 1;
        let val_cols: Vec<usize> = (0..arity).filter(|c| !cols.contains(c)).collect();
        let vk = val_cols.len();
        let count = |part: usize| count_part(data, arity, len, cols, part);
        let parallel = threads > 1 && len >= PARALLEL_FROM;
        let (c0, c1) = if parallel {
            std::thread::scope(|scope| {
                let other = scope.spawn(|| count(1));
                let c0 = count(0);
                let c1 = other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (c0, c1)
            })
        } else {
            (count(0), count(1))
        };
        let n0 = c0.rows.len();
        let mut ids = vec![0u32; len];
        let mut vals = vec![0u64; len * vk];
        let place = |c: Counted, base: usize, ids: &mut [u32], vals: &mut [u64]| {
            place_part(c, base, data, arity, stride, &val_cols, ids, vals)
        };
        let (ids0, ids1) = ids.split_at_mut(n0);
        let (vals0, vals1) = vals.split_at_mut(n0 * vk);
        let groups = c0.groups + c1.groups;
        let (p0, p1) = if parallel {
            std::thread::scope(|scope| {
                let other = scope.spawn(|| place(c1, n0, ids1, vals1));
                let p0 = place(c0, 0, ids0, vals0);
                let p1 = other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (p0, p1)
            })
        } else {
            (place(c0, 0, ids0, vals0), place(c1, n0, ids1, vals1))
        };
        StaticIndex {
            cols: cols.to_vec(),
            val_cols,
            parts: [p0, p1],
            ids,
            vals,
            groups,
            version,
        }
    }

    /// The positions `lo..hi` of the rows whose key is `key` (empty when none).
    #[inline]
    pub fn lookup(&self, key: &[u64]) -> (usize, usize) {
        let kk = self.cols.len();
        let stride = kk + 1;
        let h = hash_words(key);
        let part = &self.parts[part_of(h)];
        let mut i = h as usize & part.mask;
        loop {
            let slot = &part.slots[i * stride..i * stride + stride];
            let range = slot[kk];
            if range == 0 {
                return (0, 0);
            }
            let same = match kk {
                1 => slot[0] == key[0],
                2 => slot[0] == key[0] && slot[1] == key[1],
                _ => &slot[..kk] == key,
            };
            if same {
                return ((range >> 32) as usize, range as u32 as usize);
            }
            i = (i + 1) & part.mask;
        }
    }

    /// Number of distinct keys.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Bytes held by the key table, row ids and values.
    pub fn heap_bytes(&self) -> usize {
        self.parts
            .iter()
            .map(|p| p.slots.capacity() * 8)
            .sum::<usize>()
            + self.ids.capacity() * 4
            + self.vals.capacity() * 8
    }

    /// Prefetches the slot a lookup of `key` starts at.
    #[inline]
    pub fn prefetch_slot(&self, key: &[u64]) {
        let stride = self.cols.len() + 1;
        let h = hash_words(key);
        let part = &self.parts[part_of(h)];
        let i = h as usize & part.mask;
        prefetch(&part.slots[i * stride]);
    }

    /// Prefetches the first values of `key`'s group (its slot should be
    /// cached already, see [`StaticIndex::prefetch_slot`]).
    #[inline]
    pub fn prefetch_values(&self, key: &[u64]) {
        let (a, b) = self.lookup(key);
        if a < b {
            let vk = self.val_cols.len();
            prefetch(self.vals.as_ptr().wrapping_add(a * vk));
        }
    }
}

/// Relations from this many rows on size each half's key table by an
/// estimate of its keys ([`Distinct`]) rather than by its rows: a relation
/// with several rows per key would otherwise write (and fault in) a table
/// several times larger than its keys need, and then move them to one that
/// fits.
const SKETCH_FROM: usize = 1 << 14;

/// Pass 1 for one half of the key table: finds or adds the key of every row
/// whose hash falls in `part`, counting rows per key. The table is sized for
/// the half's keys at most three quarters full (an eighth more for the
/// estimate's error); should the keys outgrow even that, the count starts
/// over in a table twice the size.
fn count_part<W: Word>(
    data: &[W],
    arity: usize,
    len: usize,
    cols: &[usize],
    part: usize,
) -> Counted {
    let keys = if len >= SKETCH_FROM {
        let mut d = Distinct::default();
        for id in 0..len {
            let h = hash_cols(&data[id * arity..id * arity + arity], cols);
            if part_of(h) == part {
                d.add(h);
            }
        }
        d.estimate()
    } else {
        len / 2 + len / 16
    };
    let mut cap = ((keys + keys / 8) * 4 / 3 + 16).next_power_of_two();
    loop {
        match count_into(data, arity, len, cols, part, cap) {
            Some(counted) => return counted,
            None => cap *= 2,
        }
    }
}

/// Pass 1 into a table of `cap` slots; `None` when the half's keys would
/// fill more than seven eighths of it.
fn count_into<W: Word>(
    data: &[W],
    arity: usize,
    len: usize,
    cols: &[usize],
    part: usize,
    cap: usize,
) -> Option<Counted> {
    const AHEAD: usize = 16;
    let kk = cols.len();
    let stride = kk + 1;
    let row = |id: usize| &data[id * arity..id * arity + arity];
    let most = cap / 8 * 7;
    let mask = cap - 1;
    let mut slots = written_zeros(cap * stride);
    let mut rows: Vec<(u32, u32)> = Vec::with_capacity((len / 2 + len / 16 + 16).min(len));
    let mut groups = 0usize;
    let mut ahead = [0u64; AHEAD];
    for (id, a) in ahead.iter_mut().enumerate().take(len) {
        *a = hash_cols(row(id), cols);
        if part_of(*a) == part {
            prefetch(&slots[(*a as usize & mask) * stride]);
        }
    }
    for id in 0..len {
        let h = ahead[id % AHEAD];
        if id + AHEAD < len {
            let next = hash_cols(row(id + AHEAD), cols);
            ahead[id % AHEAD] = next;
            if part_of(next) == part {
                prefetch(&slots[(next as usize & mask) * stride]);
            }
        }
        if part_of(h) != part {
            continue;
        }
        let r = row(id);
        let mut i = h as usize & mask;
        loop {
            let slot = &mut slots[i * stride..i * stride + stride];
            if slot[kk] == 0 {
                if groups == most {
                    return None;
                }
                for (j, &c) in cols.iter().enumerate() {
                    slot[j] = r[c].word();
                }
                slot[kk] = 1;
                groups += 1;
                break;
            }
            if key_matches(r, cols, &slot[..kk]) {
                slot[kk] += 1;
                break;
            }
            i = (i + 1) & mask;
        }
        rows.push((id as u32, i as u32));
    }
    Some(Counted {
        slots,
        cap,
        groups,
        rows,
    })
}

/// Passes 2 and 3 for one half: gives each key its position range (from
/// `base` on), places the half's row ids and non-key values into `ids` and
/// `vals` (which start at position `base`), and shrinks the table to fit.
#[allow(clippy::too_many_arguments)] // one half's share of the build
fn place_part<W: Word>(
    c: Counted,
    base: usize,
    data: &[W],
    arity: usize,
    stride: usize,
    val_cols: &[usize],
    ids: &mut [u32],
    vals: &mut [u64],
) -> Part {
    const AHEAD: usize = 16;
    let kk = stride - 1;
    let vk = val_cols.len();
    let Counted {
        mut slots,
        cap,
        groups,
        rows,
    } = c;
    // Pass 2: each key's range; the low half counts up as rows are placed.
    let mut acc = base as u64;
    for i in 0..cap {
        let count = slots[i * stride + kk];
        if count != 0 {
            slots[i * stride + kk] = (acc << 32) | acc;
            acc += count;
        }
    }
    // Pass 3: place each row's id and non-key values.
    for (k, &(id, slot)) in rows.iter().enumerate() {
        if let Some(&(_, s)) = rows.get(k + AHEAD) {
            prefetch(&slots[s as usize * stride]);
        }
        let w = &mut slots[slot as usize * stride + kk];
        let pos = (*w as u32) as usize - base;
        *w += 1;
        ids[pos] = id;
        let r = &data[id as usize * arity..id as usize * arity + arity];
        for (j, &c) in val_cols.iter().enumerate() {
            vals[pos * vk + j] = r[c].word();
        }
    }
    drop(rows);
    // Fewer keys than rows: move them to a table that fits them (at most
    // three quarters full; a lookup probes a few slots of one cache line
    // more, and the table lives as long as the strata that read it).
    let fit = (groups * 4 / 3 + 1).next_power_of_two().max(2);
    if fit < cap {
        let old = std::mem::replace(&mut slots, written_zeros(fit * stride));
        let mask = fit - 1;
        for e in old.chunks_exact(stride).filter(|e| e[kk] != 0) {
            let mut i = hash_words(&e[..kk]) as usize & mask;
            while slots[i * stride + kk] != 0 {
                i = (i + 1) & mask;
            }
            slots[i * stride..i * stride + stride].copy_from_slice(e);
        }
        return Part { slots, mask };
    }
    Part {
        slots,
        mask: cap - 1,
    }
}

/// A key index over a growing relation: newest-first chains per key.
///
/// The key table is open-addressed; a slot holds 32 bits of the key's hash
/// and the newest row with that key (whose columns are the key).
#[derive(Clone, Debug)]
pub struct DynIndex {
    /// The key columns.
    pub cols: Vec<usize>,
    /// `hash bits << 32 | newest row`, or [`EMPTY_SLOT`].
    slots: Vec<u64>,
    keys: usize,
    /// `next[id]`: the previous row with the same key, or [`NIL`].
    pub next: Vec<u32>,
}

/// An empty slot of a [`DynIndex`].
const EMPTY_SLOT: u64 = u64::MAX;

#[inline]
fn hash_bits(h: u64) -> u64 {
    h & 0xffff_ffff_0000_0000
}

impl DynIndex {
    /// An empty index on `cols`.
    pub fn new(cols: &[usize]) -> DynIndex {
        DynIndex {
            cols: cols.to_vec(),
            slots: Vec::new(),
            keys: 0,
            next: Vec::new(),
        }
    }

    /// Bytes held by the key table and the chains.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8 + self.next.capacity() * 4
    }

    /// The slot of the key of `row` (hash `h`), or the empty slot where it goes.
    #[inline]
    fn probe<W: Word>(
        &self,
        data: &[W],
        arity: usize,
        h: u64,
        key_of: impl Fn(usize) -> u64,
    ) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let e = self.slots[i];
            if e == EMPTY_SLOT {
                return i;
            }
            if hash_bits(e) == hash_bits(h) {
                let head = (e as u32) as usize;
                let row = &data[head * arity..head * arity + arity];
                if self
                    .cols
                    .iter()
                    .enumerate()
                    .all(|(j, &c)| row[c].word() == key_of(j))
                {
                    return i;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the table when it is three quarters full.
    fn grow<W: Word>(&mut self, data: &[W], arity: usize) {
        if (self.keys + 1) * 4 <= self.slots.len() * 3 {
            return;
        }
        let cap = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; cap]);
        let mask = cap - 1;
        for e in old.into_iter().filter(|&e| e != EMPTY_SLOT) {
            let head = (e as u32) as usize;
            let h = hash_cols(&data[head * arity..head * arity + arity], &self.cols);
            let mut i = h as usize & mask;
            while self.slots[i] != EMPTY_SLOT {
                i = (i + 1) & mask;
            }
            self.slots[i] = e;
        }
    }

    /// Adds row `id` (the newest row) with contents `row`; `data` holds every
    /// earlier row.
    #[inline]
    pub fn add<W: Word>(&mut self, data: &[W], arity: usize, id: u32, row: &[u64]) {
        self.grow(data, arity);
        let h = hash_cols(row, &self.cols);
        let i = self.probe(data, arity, h, |j| row[self.cols[j]]);
        let prev = match self.slots[i] {
            EMPTY_SLOT => {
                self.keys += 1;
                NIL
            }
            e => e as u32,
        };
        self.slots[i] = hash_bits(h) | u64::from(id);
        debug_assert_eq!(self.next.len(), id as usize);
        self.next.push(prev);
    }

    /// The newest row whose key is `key`, or [`NIL`].
    #[inline]
    pub fn head<W: Word>(&self, data: &[W], arity: usize, key: &[u64]) -> u32 {
        if self.slots.is_empty() {
            return NIL;
        }
        let h = hash_words(key);
        match self.slots[self.probe(data, arity, h, |j| key[j])] {
            EMPTY_SLOT => NIL,
            e => e as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_index_groups_rows_by_key() {
        // rows (1,10) (2,20) (1,11) (3,30) (1,12)
        let data = [1, 10, 2, 20, 1, 11, 3, 30, 1, 12];
        let ix = StaticIndex::build(RowsRef::Wide(&data), 2, 5, &[0], 0);
        let (lo, hi) = ix.lookup(&[1]);
        assert_eq!(&ix.ids[lo..hi], &[0, 2, 4]);
        assert_eq!(&ix.vals[lo..hi], &[10, 11, 12]);
        assert_eq!(ix.lookup(&[9]), (0, 0));
        assert_eq!(ix.groups(), 3);
        let by_second = StaticIndex::build(RowsRef::Wide(&data), 2, 5, &[1], 0);
        let (lo, hi) = by_second.lookup(&[20]);
        assert_eq!(&by_second.vals[lo..hi], &[2]);
    }

    #[test]
    fn both_halves_built_on_two_threads_agree_with_one() {
        // 200,000 rows over 50,000 keys, built sequentially and in parallel.
        let len = 200_000usize;
        let mut data = Vec::with_capacity(len * 3);
        for i in 0..len as u64 {
            data.extend_from_slice(&[i % 50_000, i, i % 7]);
        }
        let one = StaticIndex::build_with(RowsRef::Wide(&data), 3, len, &[0, 2], 4, 1);
        let narrow: Vec<u32> = data.iter().map(|&w| w as u32).collect();
        let two = StaticIndex::build_with(RowsRef::Narrow(&narrow), 3, len, &[0, 2], 4, 2);
        assert_eq!(one.groups(), two.groups());
        for k in [0u64, 1, 6, 49_999, 50_000] {
            for m in 0..7 {
                let (a, b) = one.lookup(&[k, m]);
                let (c, d) = two.lookup(&[k, m]);
                assert_eq!(&one.ids[a..b], &two.ids[c..d], "key ({k}, {m})");
                assert_eq!(&one.vals[a..b], &two.vals[c..d]);
                for &id in &one.ids[a..b] {
                    let row = &data[id as usize * 3..id as usize * 3 + 3];
                    assert_eq!((row[0], row[2]), (k, m));
                }
            }
        }
        // Every row is placed exactly once.
        let mut seen = two.ids.clone();
        seen.sort_unstable();
        assert!(seen.iter().enumerate().all(|(i, &id)| id as usize == i));
    }

    #[test]
    fn key_table_is_sized_by_keys_and_starts_over_when_they_outgrow_it() {
        // 100,000 rows (i % 1000, i): 1,000 keys, estimated from a sketch.
        let len = 100_000usize;
        let data: Vec<u64> = (0..len as u64).flat_map(|i| [i % 1000, i]).collect();
        let ix = StaticIndex::build_with(RowsRef::Wide(&data), 2, len, &[0], 0, 2);
        assert_eq!(ix.groups(), 1000);
        assert!(
            ix.heap_bytes() < len * 4 + len * 8 + 64 * 1024,
            "key table sized by keys"
        );
        for k in [0u64, 1, 999] {
            let (lo, hi) = ix.lookup(&[k]);
            assert_eq!(hi - lo, 100);
            assert!(ix.vals[lo..hi].iter().all(|v| v % 1000 == k));
        }
        // A table too small for the half's keys gives up instead of filling.
        let half = (0..len)
            .filter(|&id| part_of(hash_cols(&data[id * 2..id * 2 + 2], &[0])) == 0)
            .map(|id| data[id * 2])
            .collect::<std::collections::HashSet<u64>>()
            .len();
        assert!(count_into(&data, 2, len, &[0], 0, 16).is_none());
        let fits = (half * 8 / 7 + 1).next_power_of_two();
        let counted = count_into(&data, 2, len, &[0], 0, fits).expect("room for every key");
        assert_eq!(counted.groups, half);
        assert_eq!(count_part(&data, 2, len, &[0], 0).groups, half);
    }

    #[test]
    fn dyn_index_chains_newest_first() {
        let rows: [[u64; 2]; 4] = [[1, 10], [2, 20], [1, 11], [1, 12]];
        let mut data: Vec<u64> = Vec::new();
        let mut ix = DynIndex::new(&[0]);
        for (id, row) in rows.iter().enumerate() {
            ix.add(&data, 2, id as u32, row);
            data.extend_from_slice(row);
        }
        let mut chain = Vec::new();
        let mut at = ix.head(&data, 2, &[1]);
        while at != NIL {
            chain.push(at);
            at = ix.next[at as usize];
        }
        assert_eq!(chain, vec![3, 2, 0]);
        assert_eq!(ix.head(&data, 2, &[5]), NIL);
    }
}
