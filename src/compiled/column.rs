//! This module defines the column types of compiled relations and their
//! one-word encoding: symbols as [`Sym`], numbers as `i64`, floats as
//! [`Flt`] (their bits, so tuples stay `Eq + Hash`), dates as
//! [`Date`](crate::value::Date) (packed `yyyymmdd`). Between stages and at
//! the program's boundary every column travels as a `u64` word.

use super::symbols::Sym;
use crate::value::Date;
use std::cmp::Ordering;

/// A float stored as its bits. Equality is equality of bits and order is
/// `f64::total_cmp`, the same as [`Value`](crate::value::Value)'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Flt(pub u64);

impl Flt {
    /// Wraps a float.
    #[inline]
    pub fn new(x: f64) -> Flt {
        Flt(x.to_bits())
    }

    /// The float.
    #[inline]
    pub fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
}

impl PartialOrd for Flt {
    fn partial_cmp(&self, other: &Flt) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Flt {
    fn cmp(&self, other: &Flt) -> Ordering {
        self.get().total_cmp(&other.get())
    }
}

/// A column type and its word encoding.
pub trait Column: Copy {
    /// Encodes the value as one word.
    fn to_word(self) -> u64;
    /// Decodes a word made by [`Column::to_word`].
    fn from_word(word: u64) -> Self;
}

impl Column for Sym {
    #[inline]
    fn to_word(self) -> u64 {
        u64::from(self.0)
    }
    #[inline]
    fn from_word(word: u64) -> Sym {
        Sym(word as u32)
    }
}

impl Column for i64 {
    #[inline]
    fn to_word(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_word(word: u64) -> i64 {
        word as i64
    }
}

impl Column for Flt {
    #[inline]
    fn to_word(self) -> u64 {
        self.0
    }
    #[inline]
    fn from_word(word: u64) -> Flt {
        Flt(word)
    }
}

impl Column for Date {
    #[inline]
    fn to_word(self) -> u64 {
        u64::from(self.packed())
    }
    #[inline]
    fn from_word(word: u64) -> Date {
        Date::from_packed(word as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        assert_eq!(i64::from_word((-5i64).to_word()), -5);
        assert_eq!(Flt::from_word(Flt::new(-0.5).to_word()).get(), -0.5);
        let d = Date::parse("2024-02").expect("valid");
        assert_eq!(Date::from_word(d.to_word()), d);
        assert!(Flt::new(-1.0) < Flt::new(0.0));
        assert_ne!(Flt::new(0.0), Flt::new(-0.0));
    }
}
