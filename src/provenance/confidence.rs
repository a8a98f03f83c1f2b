//! This module defines [`Confidence`]: how far a fact or a conclusion can be
//! trusted, as a number in thousandths that prints with the ICD 203 words
//! ("likely (0.71)").
//!
//! A base fact's confidence is its Admiralty grade's number
//! ([`Grade::confidence`]); a fact written in rule text has no grade and is
//! [`Confidence::UNGRADED`], which counts as certain when combined, so that a
//! conclusion's confidence comes from its graded premises only.

use std::fmt;

use crate::grade::{Grade, Likelihood};

/// A confidence in thousandths (1..=1000); 1000 means "no graded premise".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Confidence(u16);

impl Confidence {
    /// The confidence of a fact that carries no grade (written in rule text,
    /// or read from a TSV file): it does not lower a conclusion.
    pub const UNGRADED: Confidence = Confidence(1000);

    /// The confidence an Admiralty grade gives a fact.
    pub fn from_grade(grade: Grade) -> Confidence {
        Confidence::from_permille(grade.confidence_permille())
    }

    /// A confidence from thousandths; graded values stay below 1000.
    pub(crate) fn from_permille(p: i64) -> Confidence {
        Confidence(p.clamp(1, 999) as u16)
    }

    /// A stored confidence (1..=1000).
    pub(crate) fn from_raw(raw: u16) -> Confidence {
        Confidence(raw.clamp(1, 1000))
    }

    /// In thousandths.
    pub fn permille(self) -> u16 {
        self.0
    }

    /// As a probability in `[0, 1]`.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// Whether some graded fact bounds it.
    pub fn is_graded(self) -> bool {
        self.0 < 1000
    }

    /// The ICD 203 words, or `None` when ungraded.
    pub fn likelihood(self) -> Option<Likelihood> {
        self.is_graded()
            .then(|| Likelihood::from_probability(self.value()))
    }

    /// The number as printed: `0.71`, `0.755`, `0.50`.
    pub fn number(self) -> String {
        let mut s = format!("{:.3}", self.value());
        while s.ends_with('0') && s.len() > 4 {
            s.pop();
        }
        s
    }

    /// The words alone: "likely", or "ungraded".
    pub fn words(self) -> &'static str {
        self.likelihood().map_or("ungraded", Likelihood::words)
    }
}

/// "likely (0.71)", or "ungraded".
impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.likelihood() {
            Some(l) => write!(f, "{} ({})", l.words(), self.number()),
            None => f.write_str("ungraded"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_words_and_number() {
        let c2 = Confidence::from_grade(Grade::parse("C2").expect("valid"));
        assert_eq!(c2.to_string(), "likely (0.71)");
        let b2 = Confidence::from_grade(Grade::parse("B2").expect("valid"));
        assert_eq!(b2.to_string(), "likely (0.755)");
        let f6 = Confidence::from_grade(Grade::parse("F6").expect("valid"));
        assert_eq!(f6.to_string(), "roughly even chance (0.50)");
        assert_eq!(Confidence::UNGRADED.to_string(), "ungraded");
        assert!(c2 < Confidence::UNGRADED && f6 < c2);
    }
}
