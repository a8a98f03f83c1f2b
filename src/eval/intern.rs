//! This module defines the symbol interner a [`Database`](super::Database)
//! owns: every distinct string gets a dense `u32` id, so rows hold symbols as
//! machine words and equality is an integer comparison. Strings live in one
//! byte arena (no allocation per symbol); ordering comparisons look the
//! strings up, so `<` on symbols is lexicographic, never by id.
//!
//! The table is open-addressed; each slot holds an id and 32 bits of the
//! string's hash, so growing never reads the arena and a probe only compares
//! strings whose hash bits match. [`Interner::intern_hashed`] takes a batch
//! with its hashes and prefetches slots and strings ahead, for the TSV reader.

use super::hash::hash_bytes;
use super::prefetch::prefetch;
use std::cmp::Ordering;

/// Ids at or above this bit are temporary symbols made during a join (see
/// `exec::Scratch`); interned ids stay below it.
pub const TEMP_BIT: u32 = 1 << 31;

const EMPTY: u64 = u64::MAX;

/// Interned strings with dense ids.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    arena: String,
    /// `ends[id]` is one past the last byte of string `id`; it starts where
    /// string `id - 1` ends.
    ends: Vec<u32>,
    /// `hash bits << 32 | id`, or [`EMPTY`].
    slots: Vec<u64>,
}

#[inline]
fn tag(h: u64) -> u64 {
    h & 0xffff_ffff_0000_0000
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

    #[inline]
    fn start(&self, id: usize) -> usize {
        if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        }
    }

    /// Bytes held by the strings and the table of ids.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * 4 + self.slots.capacity() * 8
    }

    /// The string behind an id.
    #[inline]
    pub fn resolve(&self, id: u32) -> &str {
        let i = id as usize;
        &self.arena[self.start(i)..self.ends[i] as usize]
    }

    /// The slot holding `s` (hash `h`), or the empty slot where it would go.
    #[inline]
    fn probe(&self, s: &str, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let e = self.slots[i];
            if e == EMPTY || (tag(e) == tag(h) && self.resolve(e as u32) == s) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of a string if it is interned.
    pub fn get(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let e = self.slots[self.probe(s, symbol_hash(s))];
        (e != EMPTY).then_some(e as u32)
    }

    fn grow_for(&mut self, additional: usize) {
        let need = self.ends.len() + additional;
        if need * 4 <= self.slots.len() * 3 {
            return;
        }
        let mut cap = self.slots.len().max(64);
        while need * 4 > cap * 3 {
            cap *= 2;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; cap]);
        let mask = cap - 1;
        for e in old.into_iter().filter(|&e| e != EMPTY) {
            // The table hash is rebuilt from the stored bits (see `table_hash`).
            let mut i = table_index(e) & mask;
            while self.slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = e;
        }
    }

    #[inline]
    fn insert_at(&mut self, slot: usize, s: &str, h: u64) -> Result<u32, &'static str> {
        let id = self.ends.len() as u32;
        if id >= TEMP_BIT || self.arena.len() + s.len() > u32::MAX as usize {
            return Err("too many distinct symbols (the symbol table holds at most 4 GiB)");
        }
        self.arena.push_str(s);
        self.ends.push(self.arena.len() as u32);
        self.slots[slot] = tag(h) | u64::from(id);
        Ok(id)
    }

    /// The id of a string, interning it if new. Fails only when the arena
    /// would pass 4 GiB or 2^31 strings.
    pub fn intern(&mut self, s: &str) -> Result<u32, &'static str> {
        self.grow_for(1);
        let h = symbol_hash(s);
        let slot = self.probe(s, h);
        match self.slots[slot] {
            EMPTY => self.insert_at(slot, s, h),
            e => Ok(e as u32),
        }
    }

    /// Interns every string of `strs` into `ids`, given each one's
    /// [`symbol_hash`] (worked out elsewhere, say on another thread).
    pub fn intern_hashed(
        &mut self,
        strs: &[&str],
        hashes: &[u64],
        ids: &mut Vec<u32>,
    ) -> Result<(), &'static str> {
        // Three fetches are chained ahead of each probe: the slot, then the
        // string's bounds in `ends` (the slot names the id), then the string
        // itself (the bounds say where it is). Each waits for the one before
        // to have arrived, so they are spaced a third of the distance apart.
        const AHEAD: usize = 24;
        const STEP: usize = AHEAD / 3;
        debug_assert_eq!(strs.len(), hashes.len());
        self.grow_for(strs.len());
        ids.clear();
        let mask = self.slots.len() - 1;
        for &h in hashes.iter().take(AHEAD) {
            prefetch(&self.slots[h as usize & mask]);
        }
        // The id a slot names when its hash bits match (`None` otherwise).
        let named = |slots: &[u64], h: u64| {
            let e = slots[h as usize & mask];
            (e != EMPTY && tag(e) == tag(h)).then_some(e as u32 as usize)
        };
        for i in 0..strs.len() {
            if let Some(&h) = hashes.get(i + AHEAD) {
                prefetch(&self.slots[h as usize & mask]);
            }
            if let Some(&h) = hashes.get(i + 2 * STEP)
                && let Some(id) = named(&self.slots, h)
            {
                prefetch(&self.ends[id.saturating_sub(1)]);
            }
            if let Some(&h) = hashes.get(i + STEP)
                && let Some(id) = named(&self.slots, h)
            {
                prefetch(self.arena.as_ptr().wrapping_add(self.start(id)));
            }
            let (s, h) = (strs[i], hashes[i]);
            let slot = self.probe(s, h);
            ids.push(match self.slots[slot] {
                EMPTY => self.insert_at(slot, s, h)?,
                e => e as u32,
            });
        }
        Ok(())
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

/// The hash the interner files a string under (see [`Interner::intern_hashed`]).
#[inline]
pub fn symbol_hash(s: &str) -> u64 {
    table_hash(hash_bytes(s.as_bytes()))
}

/// A string's table hash: its upper 32 bits (stored in the slot) copied into
/// the lower half too, so the slot index can be recomputed from the slot.
#[inline]
fn table_hash(h: u64) -> u64 {
    tag(h) | (h >> 32)
}

#[inline]
fn table_index(e: u64) -> usize {
    (e >> 32) as usize
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
    fn survives_growth_and_batches_agree() {
        let mut i = Interner::new();
        let ids: Vec<u32> = (0..10_000)
            .map(|n| i.intern(&format!("s{n}")).expect("fits"))
            .collect();
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(i.resolve(*id), format!("s{n}"));
            assert_eq!(i.get(&format!("s{n}")), Some(*id));
        }
        let texts: Vec<String> = (5_000..15_000)
            .map(|n| format!("s{}", n % 12_000))
            .collect();
        let strs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let hashes: Vec<u64> = strs.iter().map(|s| symbol_hash(s)).collect();
        let mut out = Vec::new();
        i.intern_hashed(&strs, &hashes, &mut out).expect("fits");
        for (s, id) in strs.iter().zip(&out) {
            assert_eq!(i.resolve(*id), *s);
        }
        assert_eq!(i.len(), 12_000);
    }
}
