//! This module defines a relation's row store: its rows packed one after the
//! other in a flat vector of words, 32-bit while every word the relation
//! holds fits in 32 bits and 64-bit from the first one that does not.
//!
//! Symbol ids, dates and the small non-negative numbers most data holds fit
//! in 32 bits, so most relations keep half the bytes a 64-bit store would.
//! A negative number, a float or a number of 2^32 or more widens the whole
//! store once (the rows are copied to 64-bit words); a store never narrows
//! again until it is cleared.
//!
//! Code that reads rows in a hot loop takes the store as [`RowsRef`] and
//! dispatches once (`with_words!`) to a function generic over the [`Word`]
//! type; everything else reads a row at a time through [`Rows::slice`] or a
//! word through [`Rows::word`], which widen what they copy out.

use smallvec::SmallVec;

/// A stored word: `u32` (narrow) or `u64` (wide), read as the `u64` every
/// value is packed into.
pub trait Word: Copy + Eq + Send + Sync + std::fmt::Debug + 'static {
    /// The packed value.
    fn word(self) -> u64;
    /// A packed value the store admitted (see [`Rows::admit`]).
    fn stored(w: u64) -> Self;
}

impl Word for u32 {
    #[inline(always)]
    fn word(self) -> u64 {
        u64::from(self)
    }
    #[inline(always)]
    fn stored(w: u64) -> u32 {
        debug_assert!(w <= u64::from(u32::MAX), "admitted first");
        w as u32
    }
}

impl Word for u64 {
    #[inline(always)]
    fn word(self) -> u64 {
        self
    }
    #[inline(always)]
    fn stored(w: u64) -> u64 {
        w
    }
}

/// One row's words, copied out of the store (inline up to four columns).
pub type RowWords = SmallVec<[u64; 4]>;

/// The rows of a relation.
#[derive(Clone, Debug)]
pub enum Rows {
    /// Every word fits in 32 bits.
    Narrow(Vec<u32>),
    /// At least one word did not.
    Wide(Vec<u64>),
}

/// A borrowed [`Rows`].
#[derive(Clone, Copy, Debug)]
pub enum RowsRef<'a> {
    /// 32-bit words.
    Narrow(&'a [u32]),
    /// 64-bit words.
    Wide(&'a [u64]),
}

/// Runs `$body` with `$d` bound to the words of a [`RowsRef`], as a `&[u32]`
/// or a `&[u64]`: the body is compiled once per width.
macro_rules! with_words {
    ($rows:expr, |$d:ident| $body:expr) => {
        match $rows {
            $crate::eval::rows::RowsRef::Narrow($d) => $body,
            $crate::eval::rows::RowsRef::Wide($d) => $body,
        }
    };
}
pub(crate) use with_words;

impl Default for Rows {
    fn default() -> Rows {
        Rows::Narrow(Vec::new())
    }
}

impl Rows {
    /// The store, borrowed.
    #[inline]
    pub fn as_ref(&self) -> RowsRef<'_> {
        match self {
            Rows::Narrow(d) => RowsRef::Narrow(d),
            Rows::Wide(d) => RowsRef::Wide(d),
        }
    }

    /// Reserves room for `words` more words.
    pub fn reserve(&mut self, words: usize) {
        match self {
            Rows::Narrow(d) => d.reserve(words),
            Rows::Wide(d) => d.reserve(words),
        }
    }

    /// Widens the store if any of `words` does not fit its words, so that
    /// they can be pushed.
    #[inline]
    pub fn admit(&mut self, words: &[u64]) {
        if let Rows::Narrow(d) = self
            && words.iter().any(|&w| w > u64::from(u32::MAX))
        {
            let wide: Vec<u64> = d.iter().map(|&w| u64::from(w)).collect();
            *self = Rows::Wide(wide);
        }
    }

    /// Word `at` (row `id`, column `c` is word `id * arity + c`).
    #[inline]
    pub fn word(&self, at: usize) -> u64 {
        match self {
            Rows::Narrow(d) => u64::from(d[at]),
            Rows::Wide(d) => d[at],
        }
    }

    /// Words `start..end`, copied.
    #[inline]
    pub fn slice(&self, start: usize, end: usize) -> RowWords {
        match self {
            Rows::Narrow(d) => d[start..end].iter().map(|&w| u64::from(w)).collect(),
            Rows::Wide(d) => SmallVec::from_slice(&d[start..end]),
        }
    }

    /// Every word, widened (for callers that hand the rows on as `u64`s).
    pub fn to_wide(&self) -> Vec<u64> {
        match self {
            Rows::Narrow(d) => d.iter().map(|&w| u64::from(w)).collect(),
            Rows::Wide(d) => d.clone(),
        }
    }

    /// Bytes reserved.
    pub fn heap_bytes(&self) -> usize {
        match self {
            Rows::Narrow(d) => d.capacity() * 4,
            Rows::Wide(d) => d.capacity() * 8,
        }
    }
}
