//! This module defines the storage of one relation: rows packed into one flat
//! store of 32-bit or 64-bit words ([`Rows`]; row `i` is words
//! `i * arity..(i + 1) * arity`), a hash set of row ids for deduplication
//! (the set stores 4-byte ids and compares against the row store, so a row is
//! kept once), the round each row was derived in (only when provenance is
//! recorded), the semi-naive ranges, and the dynamic indexes kept up to date
//! while the relation's stratum runs.
//!
//! Rows are only ever appended, so a row id is stable and the rows derived
//! since a point in time are a suffix: semi-naive evaluation reads "old" rows
//! as `0..old_end` and the last round's "delta" as `old_end..delta_end`.

use super::fresh::Faulted;
use super::hash::hash_words;
use super::index::DynIndex;
use super::rows::{RowWords, Rows, RowsRef, Word, with_words};
use super::rowset::RowSet;
use crate::value::Type;

/// One relation's rows and bookkeeping.
#[derive(Clone, Debug)]
pub struct Relation {
    /// Number of columns.
    pub arity: usize,
    /// Column types.
    pub types: Vec<Type>,
    data: Rows,
    /// How far the row store's pages are faulted in ahead of its rows.
    faulted: Faulted,
    len: usize,
    set: RowSet,
    /// Round of each row (parallel to the rows) when provenance is recorded.
    pub rounds: Option<Vec<u32>>,
    /// Rows every rule had consumed when the last evaluation finished.
    pub stable_end: usize,
    /// End of the rows already joined with each other in this stratum.
    pub old_end: usize,
    /// End of the last round's new rows (rows past it are invisible to the
    /// round being evaluated).
    pub delta_end: usize,
    /// Indexes maintained on every insert (relations of the running stratum).
    pub dyn_indexes: Vec<DynIndex>,
    /// Base facts of a relation that rules also derive, kept so the relation
    /// can be recomputed from scratch.
    pub base: Vec<u64>,
    /// Number of rows in `base` (a nullary relation's rows have no words).
    pub base_rows: usize,
    /// Bumped on every change, so cached indexes know when they are stale.
    pub version: u64,
}

impl Relation {
    /// An empty relation with these column types.
    pub fn new(types: Vec<Type>) -> Relation {
        Relation {
            arity: types.len(),
            types,
            data: Rows::default(),
            faulted: Faulted::default(),
            len: 0,
            set: RowSet::default(),
            rounds: None,
            stable_end: 0,
            old_end: 0,
            delta_end: 0,
            dyn_indexes: Vec::new(),
            base: Vec::new(),
            base_rows: 0,
            version: 0,
        }
    }

    /// Number of rows.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// All rows, flattened.
    #[inline]
    pub fn rows(&self) -> RowsRef<'_> {
        self.data.as_ref()
    }

    /// Row `id`'s words, copied.
    #[inline]
    pub fn row(&self, id: usize) -> RowWords {
        self.data.slice(id * self.arity, (id + 1) * self.arity)
    }

    /// Column `c` of row `id`.
    #[inline]
    pub fn word(&self, id: usize, c: usize) -> u64 {
        self.data.word(id * self.arity + c)
    }

    /// Every row's words, widened to 64 bits.
    pub fn wide_words(&self) -> Vec<u64> {
        self.data.to_wide()
    }

    /// The id of a row if present.
    #[inline]
    pub fn find(&self, row: &[u64]) -> Option<u32> {
        self.set
            .find(self.data.as_ref(), self.arity, row, hash_words(row))
    }

    /// Prefetches the set's slot where `row` would be found; returns its
    /// hash, for [`Relation::prefetch_stored`].
    #[inline]
    pub fn prefetch_slot(&self, row: &[u64]) -> u64 {
        let h = hash_words(row);
        self.set.prefetch(h);
        h
    }

    /// Prefetches the stored row a lookup of hash `h` will probably compare
    /// first (its slot should be cached by now).
    #[inline]
    pub fn prefetch_stored(&self, h: u64) {
        with_words!(self.data.as_ref(), |d| self
            .set
            .prefetch_stored(d, self.arity, h));
    }

    /// Reserves room for `additional` more rows.
    pub fn reserve(&mut self, additional: usize) {
        self.set
            .reserve(self.data.as_ref(), self.arity, additional, 1);
        self.data.reserve(additional * self.arity);
    }

    /// Appends `row` unless present; returns whether it was new. `round` is
    /// recorded when rounds are kept.
    pub fn insert(&mut self, row: &[u64], round: u32) -> bool {
        self.set.reserve(self.data.as_ref(), self.arity, 1, 1);
        self.data.admit(row);
        let h = hash_words(row);
        let id = self.len as u32;
        let k = self.arity;
        let new = match &mut self.data {
            Rows::Narrow(d) => add_if_new(d, &mut self.set, &mut self.dyn_indexes, k, id, row, h),
            Rows::Wide(d) => add_if_new(d, &mut self.set, &mut self.dyn_indexes, k, id, row, h),
        };
        if new {
            self.added(1, round);
        }
        new
    }

    /// Counts `n` rows just appended, all derived in `round`.
    fn added(&mut self, n: usize, round: u32) {
        self.len += n;
        if let Some(r) = &mut self.rounds {
            r.resize(r.len() + n, round);
        }
        self.version += n as u64;
    }

    /// Inserts `n` rows packed in `rows` (`arity` words each), skipping those
    /// present; returns how many were new. `hashes` is scratch space; fresh
    /// memory is faulted in on `threads` threads.
    pub fn insert_batch(
        &mut self,
        rows: &[u64],
        n: usize,
        round: u32,
        hashes: &mut Vec<u64>,
        threads: usize,
    ) -> usize {
        let k = self.arity;
        if k == 0 {
            return usize::from(n > 0 && self.insert(&[], round));
        }
        let rows = &rows[..n * k];
        self.set.reserve(self.data.as_ref(), k, n, threads);
        self.data.admit(rows);
        self.data.reserve(n * k);
        hashes.clear();
        hashes.extend(rows.chunks_exact(k).map(hash_words));
        let (set, ixs, len) = (&mut self.set, &mut self.dyn_indexes, self.len);
        let new = match &mut self.data {
            Rows::Narrow(d) => self.faulted.run(d, n * k, threads, |d| {
                add_batch(d, set, ixs, k, len, rows, hashes)
            }),
            Rows::Wide(d) => self.faulted.run(d, n * k, threads, |d| {
                add_batch(d, set, ixs, k, len, rows, hashes)
            }),
        };
        self.added(new, round);
        new
    }

    /// Removes every row (keeps `base`).
    pub fn clear(&mut self) {
        self.data = Rows::default();
        self.set = RowSet::default();
        self.len = 0;
        if let Some(r) = &mut self.rounds {
            r.clear();
        }
        for ix in &mut self.dyn_indexes {
            *ix = DynIndex::new(&ix.cols);
        }
        self.stable_end = 0;
        self.old_end = 0;
        self.delta_end = 0;
        self.version += 1;
    }

    /// Adds a dynamic index on `cols` over the current rows; returns its slot.
    pub fn add_dyn_index(&mut self, cols: &[usize]) -> usize {
        if let Some(i) = self.dyn_indexes.iter().position(|ix| ix.cols == cols) {
            return i;
        }
        let mut ix = DynIndex::new(cols);
        let k = self.arity;
        with_words!(self.data.as_ref(), |d| {
            for id in 0..self.len {
                let row: RowWords = d[id * k..id * k + k].iter().map(|w| w.word()).collect();
                ix.add(d, k, id as u32, &row);
            }
        });
        self.dyn_indexes.push(ix);
        self.dyn_indexes.len() - 1
    }

    /// Bytes held by rows, the set, rounds, kept base facts and dynamic
    /// indexes (their capacities, so what is reserved counts too).
    pub fn heap_bytes(&self) -> usize {
        self.data.heap_bytes()
            + self.set.heap_bytes()
            + self.rounds.as_ref().map_or(0, |r| r.capacity() * 4)
            + self.base.capacity() * 8
            + self
                .dyn_indexes
                .iter()
                .map(DynIndex::heap_bytes)
                .sum::<usize>()
    }
}

/// Enters `row` (hash `h`) as row `id` in the set and the dynamic indexes
/// and appends it to `data` (the relation's rows), unless an equal row is
/// stored; returns whether it was new.
#[inline]
fn add_if_new<W: Word>(
    data: &mut Vec<W>,
    set: &mut RowSet,
    ixs: &mut [DynIndex],
    k: usize,
    id: u32,
    row: &[u64],
    h: u64,
) -> bool {
    if !set.insert(data, k, row, h, id) {
        return false;
    }
    for ix in ixs {
        ix.add(data, k, id, row);
    }
    data.extend(row.iter().map(|&w| W::stored(w)));
    true
}

/// [`add_if_new`] for each row of `rows` (hashes `hashes`), the first taking
/// id `len`; prefetches each row's slot a few rows ahead, and the stored row
/// it will probably be compared with. Returns how many were new.
fn add_batch<W: Word>(
    data: &mut Vec<W>,
    set: &mut RowSet,
    ixs: &mut [DynIndex],
    k: usize,
    len: usize,
    rows: &[u64],
    hashes: &[u64],
) -> usize {
    const AHEAD: usize = 16;
    for &h in hashes.iter().take(AHEAD) {
        set.prefetch(h);
    }
    let mut id = len as u32;
    for (i, row) in rows.chunks_exact(k).enumerate() {
        if let Some(&h) = hashes.get(i + AHEAD) {
            set.prefetch(h);
        }
        if let Some(&h) = hashes.get(i + AHEAD / 2) {
            set.prefetch_stored(data, k, h);
        }
        id += u32::from(add_if_new(data, set, ixs, k, id, row, hashes[i]));
    }
    id as usize - len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedups_and_keeps_insertion_order() {
        let mut r = Relation::new(vec![Type::Number, Type::Number]);
        assert!(r.insert(&[1, 2], 0));
        assert!(r.insert(&[2, 3], 0));
        assert!(!r.insert(&[1, 2], 0));
        assert_eq!(r.len(), 2);
        assert_eq!(r.row(1).as_slice(), &[2, 3]);
        assert_eq!(r.find(&[2, 3]), Some(1));
        assert_eq!(r.find(&[3, 2]), None);
        for i in 0..1000u64 {
            r.insert(&[i, i + 1], 0);
        }
        assert_eq!(r.len(), 1000, "(1, 2) and (2, 3) were already there");
        let id = r.find(&[500, 501]).expect("inserted");
        assert_eq!(r.row(id as usize).as_slice(), &[500, 501]);
    }

    #[test]
    fn narrow_rows_widen_at_the_first_word_past_32_bits() {
        let mut r = Relation::new(vec![Type::Number, Type::Number]);
        let slot = r.add_dyn_index(&[0]);
        assert!(r.insert(&[1, u64::from(u32::MAX)], 0));
        let mut hashes = Vec::new();
        assert_eq!(r.insert_batch(&[2, 3, 1, 4, 2, 3], 3, 0, &mut hashes, 1), 2);
        assert!(matches!(r.rows(), RowsRef::Narrow(_)));
        assert_eq!(r.find(&[1, 1 << 32]), None, "cannot be stored narrow");
        let negative = (-1i64) as u64;
        assert_eq!(
            r.insert_batch(&[1, negative, 1, 4], 2, 0, &mut hashes, 1),
            1
        );
        assert!(matches!(r.rows(), RowsRef::Wide(_)));
        assert!(r.insert(&[1, 1 << 32], 0));
        assert!(!r.insert(&[2, 3], 0));
        assert_eq!(r.len(), 5);
        assert_eq!(r.row(0).as_slice(), &[1, u64::from(u32::MAX)]);
        assert_eq!(r.row(3).as_slice(), &[1, negative]);
        assert_eq!(r.find(&[1, 4]), Some(2));
        assert_eq!(r.word(4, 1), 1 << 32);
        // The index chains every row with key 1, newest first, across the widening.
        let ix = &r.dyn_indexes[slot];
        let mut chain = Vec::new();
        let mut at = with_words!(r.rows(), |d| ix.head(d, 2, &[1]));
        while at != super::super::index::NIL {
            chain.push(at);
            at = ix.next[at as usize];
        }
        assert_eq!(chain, vec![4, 3, 2, 0]);
    }

    #[test]
    fn nullary_relation_holds_at_most_one_row() {
        let mut r = Relation::new(vec![]);
        assert_eq!(r.find(&[]), None);
        assert!(r.insert(&[], 0));
        assert!(!r.insert(&[], 0));
        assert_eq!(r.len(), 1);
        assert_eq!(r.find(&[]), Some(0));
    }

    #[test]
    fn dyn_index_follows_inserts() {
        let mut r = Relation::new(vec![Type::Number, Type::Number]);
        r.insert(&[1, 1], 0);
        let slot = r.add_dyn_index(&[0]);
        r.insert(&[1, 2], 0);
        r.insert(&[2, 2], 0);
        let ix = &r.dyn_indexes[slot];
        let head = with_words!(r.rows(), |d| ix.head(d, 2, &[1]));
        assert_eq!(head, 1);
        assert_eq!(ix.next[1], 0);
    }
}
