//! This module defines how a crepe program reads relations it does not
//! compute (base relations, relations of earlier stages, aggregate results):
//! as a [`Table`] of typed tuples and, per lookup pattern, an [`Index`]
//! built once by sorting, handed to crepe in one input tuple and read with
//! crepe's `for` clauses. crepe would otherwise hash every input tuple into
//! two sets and build its indexes with a vector per key on every run.

use super::fxhash::FxHashMap;
use std::hash::Hash;

/// A relation's tuples.
#[derive(Clone, Debug)]
pub struct Table<T> {
    rows: Vec<T>,
}

impl<T> Default for Table<T> {
    fn default() -> Table<T> {
        Table { rows: Vec::new() }
    }
}

impl<T: Copy> Table<T> {
    /// A table of these tuples.
    pub fn new(rows: Vec<T>) -> Table<T> {
        Table { rows }
    }

    /// Every tuple.
    #[inline]
    pub fn rows(&self) -> &[T] {
        &self.rows
    }

    /// Number of tuples.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// A relation's tuples grouped by a key (some of their columns).
#[derive(Clone, Debug)]
pub struct Index<K, T> {
    rows: Vec<T>,
    ranges: FxHashMap<K, (u32, u32)>,
}

impl<K, T> Default for Index<K, T> {
    fn default() -> Index<K, T> {
        Index {
            rows: Vec::new(),
            ranges: FxHashMap::default(),
        }
    }
}

impl<K: Copy + Eq + Hash + Ord, T: Copy> Index<K, T> {
    /// Groups `rows` by `key`.
    pub fn build(rows: &[T], key: impl Fn(&T) -> K) -> Index<K, T> {
        let mut sorted = rows.to_vec();
        sorted.sort_unstable_by_key(&key);
        let mut ranges = FxHashMap::default();
        let mut start = 0;
        while start < sorted.len() {
            let k = key(&sorted[start]);
            let mut end = start + 1;
            while end < sorted.len() && key(&sorted[end]) == k {
                end += 1;
            }
            ranges.insert(k, (start as u32, end as u32));
            start = end;
        }
        Index {
            rows: sorted,
            ranges,
        }
    }

    /// The tuples with this key.
    #[inline]
    pub fn get(&self, key: &K) -> &[T] {
        match self.ranges.get(key) {
            Some(&(s, e)) => &self.rows[s as usize..e as usize],
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_key() {
        let rows = vec![(1i64, 10i64), (2, 20), (1, 11), (3, 30), (1, 10)];
        let ix = Index::build(&rows, |t| (t.0,));
        let mut ones = ix.get(&(1,)).to_vec();
        ones.sort();
        assert_eq!(ones, vec![(1, 10), (1, 10), (1, 11)]);
        assert!(ix.get(&(4,)).is_empty());
        let empty: Index<(i64,), (i64, i64)> = Index::build(&[], |t| (t.0,));
        assert!(empty.get(&(1,)).is_empty());
        assert_eq!(Table::new(rows).len(), 5);
    }
}
