//! This module defines [`Row`], a relation's tuple (or a rule's binding) in
//! the dataflow engine: `N` packed words inline, with no allocation per
//! row. A program runs at one width, the smallest of 2, 4, 8 or 16 that
//! holds its widest relation, key or binding; unused words stay 0. What a
//! word means comes from its column's type, as in the interpreter
//! (`eval::pack`), except symbols, whose words are `symbols::id`s.

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// `N` packed words.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Row<const N: usize>(pub [u64; N]);

impl<const N: usize> Default for Row<N> {
    fn default() -> Self {
        Row([0; N])
    }
}

impl<const N: usize> Row<N> {
    /// The row of these words (at most `N`), the rest 0.
    pub fn of(words: impl IntoIterator<Item = u64>) -> Self {
        let mut row = Row::default();
        for (slot, w) in row.0.iter_mut().zip(words) {
            *slot = w;
        }
        row
    }

    /// The words at `cols`, in that order.
    pub fn pick(&self, cols: &[usize]) -> Self {
        Row::of(cols.iter().map(|&c| self.0[c]))
    }
}

impl<const N: usize> Serialize for Row<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(N)?;
        for w in &self.0 {
            t.serialize_element(w)?;
        }
        t.end()
    }
}

struct RowVisitor<const N: usize>;

impl<'de, const N: usize> Visitor<'de> for RowVisitor<N> {
    type Value = Row<N>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{N} words")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Row<N>, A::Error> {
        let mut row = Row::default();
        for (i, slot) in row.0.iter_mut().enumerate() {
            *slot = seq
                .next_element()?
                .ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
        }
        Ok(row)
    }
}

impl<'de, const N: usize> Deserialize<'de> for Row<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_tuple(N, RowVisitor::<N>)
    }
}

/// The widths a program can run at.
pub const WIDTHS: [usize; 4] = [2, 4, 8, 16];

/// The smallest width that holds `words` words, if any.
pub fn width_for(words: usize) -> Option<usize> {
    WIDTHS.into_iter().find(|&w| w >= words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_columns_and_pads_with_zeros() {
        let r = Row::<4>::of([7, 8, 9]);
        assert_eq!(r.0, [7, 8, 9, 0]);
        assert_eq!(r.pick(&[2, 0]).0, [9, 7, 0, 0]);
        assert_eq!(width_for(3), Some(4));
        assert_eq!(width_for(17), None);
    }
}
