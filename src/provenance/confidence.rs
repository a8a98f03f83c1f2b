//! This module defines [`Confidence`]: how far a fact or a conclusion can be
//! trusted, as a number in thousandths that prints with the ICD 203 words
//! ("likely (0.71)").
//!
//! A base fact's confidence is its Admiralty grade's number
//! ([`Grade::confidence`]); a fact written in rule text has no grade and is
//! [`Confidence::UNGRADED`], which counts as certain when combined, so that a
//! conclusion's confidence comes from its graded premises only. A grade that
//! cannot be judged (reliability F or credibility 6) is the lowest confidence
//! and prints as "cannot be judged", without a number.

use std::fmt;

use crate::grade::{CANNOT_BE_JUDGED, CANNOT_BE_JUDGED_PERMILLE, Grade, Likelihood};

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

    /// Whether a likelihood can be given: not resting on a grade that cannot
    /// be judged.
    pub fn is_judged(self) -> bool {
        i64::from(self.0) != CANNOT_BE_JUDGED_PERMILLE
    }

    /// The ICD 203 words, or `None` when ungraded or when it cannot be judged.
    pub fn likelihood(self) -> Option<Likelihood> {
        (self.is_graded() && self.is_judged()).then(|| Likelihood::from_probability(self.value()))
    }

    /// The number as printed: `0.71`, `0.755`, `0.50`.
    pub fn number(self) -> String {
        let mut s = format!("{:.3}", self.value());
        while s.ends_with('0') && s.len() > 4 {
            s.pop();
        }
        s
    }

    /// The words alone: "likely", "cannot be judged", or "ungraded".
    pub fn words(self) -> &'static str {
        match self.likelihood() {
            Some(l) => l.words(),
            None if !self.is_judged() => CANNOT_BE_JUDGED,
            None => "ungraded",
        }
    }
}

/// "likely (0.60)", "cannot be judged", or "ungraded".
impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.likelihood() {
            Some(l) => write!(f, "{} ({})", l.words(), self.number()),
            None => f.write_str(self.words()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_words_and_number() {
        let c2 = Confidence::from_grade(Grade::parse("C2").expect("valid"));
        assert_eq!(c2.to_string(), "likely (0.60)");
        let b2 = Confidence::from_grade(Grade::parse("B2").expect("valid"));
        assert_eq!(b2.to_string(), "likely (0.65)");
        let c3 = Confidence::from_grade(Grade::parse("C3").expect("valid"));
        assert_eq!(c3.to_string(), "roughly even chance (0.50)");
        let f6 = Confidence::from_grade(Grade::parse("F6").expect("valid"));
        assert_eq!(f6.to_string(), "cannot be judged");
        assert_eq!(f6.words(), "cannot be judged");
        assert!(!f6.is_judged() && f6.is_graded() && f6.likelihood().is_none());
        let a6 = Confidence::from_grade(Grade::parse("A6").expect("valid"));
        let f1 = Confidence::from_grade(Grade::parse("F1").expect("valid"));
        assert_eq!(
            (a6.to_string(), f1.to_string()),
            (f6.to_string(), f6.to_string())
        );
        assert_eq!(Confidence::UNGRADED.to_string(), "ungraded");
        assert!(c2 < Confidence::UNGRADED && c3 < c2 && f6 < c3);
        let e5 = Confidence::from_grade(Grade::parse("E5").expect("valid"));
        assert!(
            f6 < e5,
            "a judged grade is preferred to one that cannot be judged"
        );
    }
}
