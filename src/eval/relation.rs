//! This module defines the storage of one relation: rows packed into one flat
//! `Vec<u64>` (row `i` is `data[i * arity..(i + 1) * arity]`), a hash set of
//! row ids for deduplication (the set stores 4-byte ids and compares against
//! the row store, so a row is kept once), the round each row was derived in
//! (only when provenance is recorded), the semi-naive ranges, and the dynamic
//! indexes kept up to date while the relation's stratum runs.
//!
//! Rows are only ever appended, so a row id is stable and the rows derived
//! since a point in time are a suffix: semi-naive evaluation reads "old" rows
//! as `0..old_end` and the last round's "delta" as `old_end..delta_end`.

use super::hash::hash_words;
use super::index::DynIndex;
use super::prefetch::prefetch;
use super::rowset::RowSet;
use crate::value::Type;

/// One relation's rows and bookkeeping.
#[derive(Clone, Debug)]
pub struct Relation {
    /// Number of columns.
    pub arity: usize,
    /// Column types.
    pub types: Vec<Type>,
    data: Vec<u64>,
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
            data: Vec::new(),
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
    pub fn data(&self) -> &[u64] {
        &self.data
    }

    /// Row `id`.
    #[inline]
    pub fn row(&self, id: usize) -> &[u64] {
        &self.data[id * self.arity..(id + 1) * self.arity]
    }

    /// The id of a row if present.
    #[inline]
    pub fn find(&self, row: &[u64]) -> Option<u32> {
        self.set.find(&self.data, self.arity, row, hash_words(row))
    }

    /// Reserves room for `additional` more rows.
    pub fn reserve(&mut self, additional: usize) {
        self.set.reserve(&self.data, self.arity, additional);
        self.data.reserve(additional * self.arity);
    }

    /// Appends `row` unless present; returns whether it was new. `round` is
    /// recorded when rounds are kept.
    pub fn insert(&mut self, row: &[u64], round: u32) -> bool {
        self.set.reserve(&self.data, self.arity, 1);
        self.insert_reserved(row, hash_words(row), round)
    }

    #[inline]
    fn insert_reserved(&mut self, row: &[u64], h: u64, round: u32) -> bool {
        let k = self.arity;
        let id = self.len as u32;
        if !self.set.insert(&self.data, k, row, h, id) {
            return false;
        }
        for ix in &mut self.dyn_indexes {
            ix.add(&self.data, k, id, row);
        }
        self.data.extend_from_slice(row);
        self.len += 1;
        if let Some(r) = &mut self.rounds {
            r.push(round);
        }
        self.version += 1;
        true
    }

    /// Inserts `n` rows packed in `rows` (`arity` words each), skipping those
    /// present; returns how many were new. `hashes` is scratch space.
    pub fn insert_batch(
        &mut self,
        rows: &[u64],
        n: usize,
        round: u32,
        hashes: &mut Vec<u64>,
    ) -> usize {
        let k = self.arity;
        let before = self.len;
        if k == 0 {
            if n > 0 {
                self.insert(&[], round);
            }
            return self.len - before;
        }
        self.set.reserve(&self.data, k, n);
        self.data.reserve(n * k);
        hashes.clear();
        hashes.extend(rows[..n * k].chunks_exact(k).map(hash_words));
        const AHEAD: usize = 16;
        for &h in hashes.iter().take(AHEAD) {
            self.set.prefetch(h);
        }
        for i in 0..n {
            if let Some(&h) = hashes.get(i + AHEAD) {
                self.set.prefetch(h);
            }
            if let Some(&h) = hashes.get(i + AHEAD / 2) {
                // Its slot is probably cached by now: fetch the row it names.
                if let Some(id) = self.set.peek(h) {
                    prefetch(self.data.as_ptr().wrapping_add(id * k));
                }
            }
            self.insert_reserved(&rows[i * k..i * k + k], hashes[i], round);
        }
        self.len - before
    }

    /// Removes every row (keeps `base`).
    pub fn clear(&mut self) {
        self.data = Vec::new();
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
        for id in 0..self.len {
            let row = &self.data[id * k..id * k + k];
            ix.add(&self.data, k, id as u32, row);
        }
        self.dyn_indexes.push(ix);
        self.dyn_indexes.len() - 1
    }

    /// Bytes held by rows, the set, rounds, kept base facts and dynamic
    /// indexes (their capacities, so what is reserved counts too).
    pub fn heap_bytes(&self) -> usize {
        self.data.capacity() * 8
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
        assert_eq!(r.row(1), &[2, 3]);
        assert_eq!(r.find(&[2, 3]), Some(1));
        assert_eq!(r.find(&[3, 2]), None);
        for i in 0..1000u64 {
            r.insert(&[i, i + 1], 0);
        }
        assert_eq!(r.len(), 1000, "(1, 2) and (2, 3) were already there");
        let id = r.find(&[500, 501]).expect("inserted");
        assert_eq!(r.row(id as usize), &[500, 501]);
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
        let head = ix.head(r.data(), 2, &[1]);
        assert_eq!(head, 1);
        assert_eq!(ix.next[1], 0);
    }
}
