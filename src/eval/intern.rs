//! This module defines the symbol interner a [`Database`](super::Database)
//! owns: every distinct string gets a dense `u32` id, so rows hold symbols as
//! machine words and equality is an integer comparison. Strings live in one
//! byte arena (no allocation per symbol); ordering comparisons look the
//! strings up, so `<` on symbols is lexicographic, never by id.

use super::hash::hash_bytes;
use hashbrown::HashTable;
use std::cmp::Ordering;

/// Ids at or above this bit are temporary symbols made during a join (see
/// `exec::Scratch`); interned ids stay below it.
pub const TEMP_BIT: u32 = 1 << 31;

/// The table's hash of a string, rebuilt from the 32 bits stored beside its
/// id (copied to both halves: the table takes buckets from the low bits and
/// tags from the high ones), so growing the table never reads the arena.
#[inline]
fn table_hash(tag: u32) -> u64 {
    u64::from(tag) * 0x1_0000_0001
}

/// Interned strings with dense ids.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    arena: String,
    /// `ends[id]` is one past the last byte of string `id`; it starts where
    /// string `id - 1` ends.
    ends: Vec<u32>,
    /// `(id, upper 32 bits of the string's hash)`: growing the table and
    /// skipping other strings need no look at the arena.
    table: HashTable<(u32, u32)>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no string is interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The string behind an id.
    #[inline]
    pub fn resolve(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.arena[start..self.ends[i] as usize]
    }

    /// The id of a string if it is interned.
    pub fn get(&self, s: &str) -> Option<u32> {
        let tag = (hash_bytes(s.as_bytes()) >> 32) as u32;
        self.table
            .find(table_hash(tag), |&(id, t)| {
                t == tag && self.resolve(id) == s
            })
            .map(|&(id, _)| id)
    }

    /// The id of a string, interning it if new. Fails only when the arena
    /// would pass 4 GiB or 2^31 strings.
    pub fn intern(&mut self, s: &str) -> Result<u32, &'static str> {
        let tag = (hash_bytes(s.as_bytes()) >> 32) as u32;
        let h = table_hash(tag);
        let Interner { arena, ends, table } = self;
        let resolve = |id: u32| -> &str {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] as usize };
            &arena[start..ends[i] as usize]
        };
        if let Some(&(id, _)) = table.find(h, |&(id, t)| t == tag && resolve(id) == s) {
            return Ok(id);
        }
        let id = ends.len() as u32;
        if id >= TEMP_BIT || arena.len() + s.len() > u32::MAX as usize {
            return Err("too many distinct symbols (the symbol table holds at most 4 GiB)");
        }
        arena.push_str(s);
        ends.push(arena.len() as u32);
        table.insert_unique(h, (id, tag), |&(_, t)| table_hash(t));
        Ok(id)
    }

    /// Lexicographic order of two interned symbols.
    pub fn cmp(&self, a: u32, b: u32) -> Ordering {
        if a == b {
            Ordering::Equal
        } else {
            self.resolve(a).cmp(self.resolve(b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_orders_by_text() {
        let mut i = Interner::new();
        let z = i.intern("zebra").expect("fits");
        let a = i.intern("apple").expect("fits");
        assert_eq!(i.intern("zebra").expect("fits"), z);
        assert_eq!(i.resolve(a), "apple");
        assert_eq!(i.get("apple"), Some(a));
        assert_eq!(i.get("pear"), None);
        assert!(z < a, "ids follow insertion order");
        assert_eq!(i.cmp(a, z), Ordering::Less, "but symbols compare as text");
        let e = i.intern("").expect("fits");
        assert_eq!(i.resolve(e), "");
        assert_eq!(i.len(), 3);
    }

    #[test]
    fn survives_growth() {
        let mut i = Interner::new();
        let ids: Vec<u32> = (0..10_000)
            .map(|n| i.intern(&format!("s{n}")).expect("fits"))
            .collect();
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(i.resolve(*id), format!("s{n}"));
            assert_eq!(i.get(&format!("s{n}")), Some(*id));
        }
    }
}
