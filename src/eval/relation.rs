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
use super::rowset::{RowSet, SHARDS, Shard, same_row, shard_of};
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
        self.set
            .reserve(&self.data, self.arity, self.len, additional);
        self.data.reserve(additional * self.arity);
    }

    /// Appends `row` unless present; returns whether it was new. `round` is
    /// recorded when rounds are kept.
    pub fn insert(&mut self, row: &[u64], round: u32) -> bool {
        self.set.reserve(&self.data, self.arity, self.len, 1);
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
        self.set.reserve(&self.data, k, self.len, n);
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

    /// Inserts the rows of several candidate buffers with one thread per
    /// shard of the row set: each thread keeps the rows of its shard that are
    /// new, under provisional ids (`len + position among all candidates`);
    /// then the new rows are appended in order and the provisional ids
    /// renamed. Each buffer is `(rows, their hashes)`; returns how many rows
    /// were new.
    pub fn insert_parallel(&mut self, bufs: &[(&[u64], &[u64])], round: u32) -> usize {
        const AHEAD: usize = 16;
        let k = self.arity;
        debug_assert!(k > 0, "nullary relations take the sequential path");
        let mut offsets = Vec::with_capacity(bufs.len() + 1);
        let mut total = 0;
        let mut counts = [0usize; SHARDS];
        for (_, hashes) in bufs {
            offsets.push(total);
            total += hashes.len();
            for &h in hashes.iter() {
                counts[shard_of(h)] += 1;
            }
        }
        offsets.push(total);
        self.set.reserve_split(&self.data, k, self.len, counts);
        self.data.reserve(total * k);
        let base = self.len;
        let data = &self.data;
        // The candidate at a global position.
        let cand = |pos: usize| -> (&[u64], u64) {
            let b = offsets.partition_point(|&o| o <= pos) - 1;
            let i = pos - offsets[b];
            (&bufs[b].0[i * k..i * k + k], bufs[b].1[i])
        };
        let insert_shard = |s: usize, shard: &mut Shard| -> Vec<u32> {
            let mine: Vec<u32> = (0..total)
                .filter(|&p| shard_of(cand(p).1) == s)
                .map(|p| p as u32)
                .collect();
            let mut new = Vec::new();
            for (j, &p) in mine.iter().enumerate() {
                if let Some(&q) = mine.get(j + AHEAD) {
                    shard.prefetch(cand(q as usize).1);
                }
                let (row, h) = cand(p as usize);
                let same = |other: usize| {
                    let stored = if other < base {
                        &data[other * k..other * k + k]
                    } else {
                        cand(other - base).0
                    };
                    same_row(stored, row)
                };
                if shard.insert_with(h, base + p as usize, same) {
                    new.push(p);
                }
            }
            new
        };
        let news: Vec<Vec<u32>> = std::thread::scope(|scope| {
            let mut shards = self.set.shards_mut().iter_mut().enumerate();
            let (s0, first) = shards.next().expect("two shards");
            let handles: Vec<_> = shards
                .map(|(s, shard)| scope.spawn(move || insert_shard(s, shard)))
                .collect();
            let mut out = vec![insert_shard(s0, first)];
            out.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("an insert thread does not panic")),
            );
            out
        });
        // Append the new rows in shard order and give them their final ids.
        let mut renames: Vec<Vec<(u32, u32)>> = vec![Vec::new(); SHARDS];
        for (s, new) in news.iter().enumerate() {
            for &p in new {
                let (row, _) = cand(p as usize);
                let id = self.len as u32;
                for ix in &mut self.dyn_indexes {
                    ix.add(&self.data, k, id, row);
                }
                self.data.extend_from_slice(row);
                self.len += 1;
                if let Some(r) = &mut self.rounds {
                    r.push(round);
                }
                renames[s].push((p, id));
            }
        }
        self.version += 1;
        std::thread::scope(|scope| {
            for (shard, list) in self.set.shards_mut().iter_mut().zip(&renames) {
                scope.spawn(move || {
                    for (j, &(p, id)) in list.iter().enumerate() {
                        if let Some(&(q, _)) = list.get(j + AHEAD) {
                            shard.prefetch(cand(q as usize).1);
                        }
                        shard.rename(cand(p as usize).1, base + p as usize, id as usize);
                    }
                });
            }
        });
        self.len - base
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

    /// Bytes held by rows, the set, rounds and indexes (approximate).
    pub fn heap_bytes(&self) -> usize {
        self.data.capacity() * 8
            + self.set.heap_bytes()
            + self.rounds.as_ref().map_or(0, |r| r.capacity() * 4)
            + self
                .dyn_indexes
                .iter()
                .map(|ix| ix.next.capacity() * 9)
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
