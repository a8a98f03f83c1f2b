//! This module defines Admiralty grades (source reliability A-F, information credibility 1-6), their numeric confidence, and the ICD 203 likelihood words analysts use.
//!
//! A grade such as `B2` reads "usually reliable source, probably true
//! information". [`Grade::confidence`] turns it into a number in `[0, 1]` so
//! conclusions can combine the grades of their premises, and [`Likelihood`]
//! puts a number back into the words of ICD 203 ("likely", "very unlikely").
//!
//! # From a grade to a number
//!
//! Credibility is the analyst's judgement of the information itself, so it
//! sets how far from even odds the number lies; reliability is the source's
//! track record, so it sets how much of that judgement is kept:
//!
//! ```text
//! confidence = 0.5 + trust(reliability) × (truth(credibility) − 0.5)
//! ```
//!
//! | credibility | truth | | reliability | trust |
//! |---|---|---|---|---|
//! | 1 confirmed | 0.97 | | A completely reliable | 1.00 |
//! | 2 probably true | 0.80 | | B usually reliable | 0.85 |
//! | 3 possibly true | 0.60 | | C fairly reliable | 0.70 |
//! | 4 doubtful | 0.35 | | D not usually reliable | 0.50 |
//! | 5 improbable | 0.10 | | E unreliable | 0.25 |
//! | 6 cannot be judged | 0.50 | | F cannot be judged | 0.50 |
//!
//! "Cannot be judged" means no information either way: credibility 6 is even
//! odds whatever the source, and reliability F keeps half of the analyst's
//! judgement (as much as a source that is not usually reliable). So `A1` is
//! 0.97 (almost certainly), `B2` 0.755 and `C2` 0.71 (likely), `C3` 0.57
//! (likely), `C4` 0.395 (unlikely), `F6` 0.5 (roughly even chance). The
//! arithmetic is done in thousandths, so the numbers are exact.

use std::fmt;
use std::str::FromStr;

/// How far a source can be trusted, from its track record (A-F).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reliability {
    /// A: completely reliable.
    A,
    /// B: usually reliable.
    B,
    /// C: fairly reliable.
    C,
    /// D: not usually reliable.
    D,
    /// E: unreliable.
    E,
    /// F: reliability cannot be judged.
    F,
}

/// How far a piece of information can be believed (1-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Credibility {
    /// 1: confirmed by other sources.
    Confirmed,
    /// 2: probably true.
    Probable,
    /// 3: possibly true.
    Possible,
    /// 4: doubtful.
    Doubtful,
    /// 5: improbable.
    Improbable,
    /// 6: truth cannot be judged.
    CannotBeJudged,
}

const RELIABILITIES: [Reliability; 6] = [
    Reliability::A,
    Reliability::B,
    Reliability::C,
    Reliability::D,
    Reliability::E,
    Reliability::F,
];

const CREDIBILITIES: [Credibility; 6] = [
    Credibility::Confirmed,
    Credibility::Probable,
    Credibility::Possible,
    Credibility::Doubtful,
    Credibility::Improbable,
    Credibility::CannotBeJudged,
];

impl Reliability {
    /// The letter, `'A'` to `'F'`.
    pub fn letter(self) -> char {
        ['A', 'B', 'C', 'D', 'E', 'F'][self as usize]
    }

    /// The reliability written with this letter (upper case).
    pub fn from_letter(letter: char) -> Option<Reliability> {
        RELIABILITIES.into_iter().find(|r| r.letter() == letter)
    }

    /// The standard wording, e.g. "usually reliable".
    pub fn words(self) -> &'static str {
        match self {
            Reliability::A => "completely reliable",
            Reliability::B => "usually reliable",
            Reliability::C => "fairly reliable",
            Reliability::D => "not usually reliable",
            Reliability::E => "unreliable",
            Reliability::F => "reliability cannot be judged",
        }
    }

    /// How much of the credibility judgement is kept, in thousandths.
    fn trust_permille(self) -> i64 {
        match self {
            Reliability::A => 1000,
            Reliability::B => 850,
            Reliability::C => 700,
            Reliability::D => 500,
            Reliability::E => 250,
            Reliability::F => 500,
        }
    }
}

impl Credibility {
    /// The digit, 1 to 6.
    pub fn digit(self) -> u8 {
        self as u8 + 1
    }

    /// The credibility written with this digit.
    pub fn from_digit(digit: u8) -> Option<Credibility> {
        CREDIBILITIES
            .get(usize::from(digit).wrapping_sub(1))
            .copied()
    }

    /// The standard wording, e.g. "probably true".
    pub fn words(self) -> &'static str {
        match self {
            Credibility::Confirmed => "confirmed by other sources",
            Credibility::Probable => "probably true",
            Credibility::Possible => "possibly true",
            Credibility::Doubtful => "doubtful",
            Credibility::Improbable => "improbable",
            Credibility::CannotBeJudged => "truth cannot be judged",
        }
    }

    /// One step less credible (`2` becomes `3`). Improbable (5) and cannot be
    /// judged (6) stay as they are: there is no lower judged step.
    pub fn lowered(self) -> Credibility {
        match self {
            Credibility::Confirmed => Credibility::Probable,
            Credibility::Probable => Credibility::Possible,
            Credibility::Possible => Credibility::Doubtful,
            Credibility::Doubtful => Credibility::Improbable,
            other => other,
        }
    }

    /// Whether `self` is a weaker judgement than `other`: a higher digit, with
    /// "cannot be judged" weaker than any judged credibility.
    pub fn is_weaker_than(self, other: Credibility) -> bool {
        self > other
    }

    /// The probability that the information is true, in thousandths.
    fn truth_permille(self) -> i64 {
        match self {
            Credibility::Confirmed => 970,
            Credibility::Probable => 800,
            Credibility::Possible => 600,
            Credibility::Doubtful => 350,
            Credibility::Improbable => 100,
            Credibility::CannotBeJudged => 500,
        }
    }
}

/// An Admiralty grade: source reliability and information credibility,
/// written `B2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grade {
    /// The source's reliability.
    pub reliability: Reliability,
    /// The information's credibility.
    pub credibility: Credibility,
}

/// Why a text is not an Admiralty grade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadGrade(pub String);

impl fmt::Display for BadGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Grade {
    /// A grade from its two parts.
    pub fn new(reliability: Reliability, credibility: Credibility) -> Grade {
        Grade {
            reliability,
            credibility,
        }
    }

    /// Parses `B2`: a letter A-F then a digit 1-6 (the letter may be lower case).
    pub fn parse(text: &str) -> Result<Grade, BadGrade> {
        let bad = || {
            BadGrade(format!(
                "`{text}` is not an Admiralty grade: write a reliability letter A-F then a credibility digit 1-6, like `B2`"
            ))
        };
        let mut chars = text.chars();
        let (Some(letter), Some(digit), None) = (chars.next(), chars.next(), chars.next()) else {
            return Err(bad());
        };
        let reliability = Reliability::from_letter(letter.to_ascii_uppercase()).ok_or_else(bad)?;
        let credibility = digit
            .to_digit(10)
            .and_then(|d| Credibility::from_digit(d as u8))
            .ok_or_else(bad)?;
        Ok(Grade::new(reliability, credibility))
    }

    /// The same source with one step less credible information (`C2` becomes
    /// `C3`): the grade of a value inferred from what the source says.
    pub fn lowered(self) -> Grade {
        Grade::new(self.reliability, self.credibility.lowered())
    }

    /// The confidence in `[0, 1]` this grade gives a fact (see the module
    /// documentation for the table).
    pub fn confidence(self) -> f64 {
        self.confidence_permille() as f64 / 1000.0
    }

    /// [`Grade::confidence`] in exact thousandths.
    pub fn confidence_permille(self) -> i64 {
        let truth = self.credibility.truth_permille();
        500 + self.reliability.trust_permille() * (truth - 500) / 1000
    }

    /// The ICD 203 words for this grade's confidence.
    pub fn likelihood(self) -> Likelihood {
        Likelihood::from_probability(self.confidence())
    }

    /// Both parts in words: "fairly reliable source, probably true".
    pub fn words(self) -> String {
        format!(
            "{} source, {}",
            self.reliability.words(),
            self.credibility.words()
        )
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            self.reliability.letter(),
            self.credibility.digit()
        )
    }
}

impl FromStr for Grade {
    type Err = BadGrade;

    fn from_str(text: &str) -> Result<Grade, BadGrade> {
        Grade::parse(text)
    }
}

/// Serialized as the string `"B2"`.
impl serde::Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Deserialized from the string `"B2"`.
impl<'de> serde::Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Grade, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Grade::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The ICD 203 expressions of likelihood, from least to most likely.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Likelihood {
    /// Almost no chance (about 0.01-0.05; everything below 0.05).
    AlmostNoChance,
    /// Very unlikely (0.05-0.20).
    VeryUnlikely,
    /// Unlikely (0.20-0.45).
    Unlikely,
    /// Roughly even chance (0.45-0.55, both ends included).
    RoughlyEvenChance,
    /// Likely (0.55-0.80).
    Likely,
    /// Very likely (0.80-0.95).
    VeryLikely,
    /// Almost certainly (about 0.95-0.99; everything above 0.95).
    AlmostCertainly,
}

impl Likelihood {
    /// The words for a probability. The bands of ICD 203 are closed towards
    /// even odds: below one half a band includes its lower bound (0.20 is
    /// unlikely), above one half its upper bound (0.80 is likely), and 0.45
    /// and 0.55 are a roughly even chance. Values outside `[0, 1]` are read as
    /// the nearest end; NaN (no information) as a roughly even chance.
    pub fn from_probability(p: f64) -> Likelihood {
        if p.is_nan() {
            Likelihood::RoughlyEvenChance
        } else if p < 0.05 {
            Likelihood::AlmostNoChance
        } else if p < 0.20 {
            Likelihood::VeryUnlikely
        } else if p < 0.45 {
            Likelihood::Unlikely
        } else if p <= 0.55 {
            Likelihood::RoughlyEvenChance
        } else if p <= 0.80 {
            Likelihood::Likely
        } else if p <= 0.95 {
            Likelihood::VeryLikely
        } else {
            Likelihood::AlmostCertainly
        }
    }

    /// The words, e.g. "very likely".
    pub fn words(self) -> &'static str {
        match self {
            Likelihood::AlmostNoChance => "almost no chance",
            Likelihood::VeryUnlikely => "very unlikely",
            Likelihood::Unlikely => "unlikely",
            Likelihood::RoughlyEvenChance => "roughly even chance",
            Likelihood::Likely => "likely",
            Likelihood::VeryLikely => "very likely",
            Likelihood::AlmostCertainly => "almost certainly",
        }
    }

    /// The band of probabilities ICD 203 gives these words.
    pub fn range(self) -> (f64, f64) {
        match self {
            Likelihood::AlmostNoChance => (0.01, 0.05),
            Likelihood::VeryUnlikely => (0.05, 0.20),
            Likelihood::Unlikely => (0.20, 0.45),
            Likelihood::RoughlyEvenChance => (0.45, 0.55),
            Likelihood::Likely => (0.55, 0.80),
            Likelihood::VeryLikely => (0.80, 0.95),
            Likelihood::AlmostCertainly => (0.95, 0.99),
        }
    }
}

impl fmt::Display for Likelihood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str) -> Grade {
        Grade::parse(text).expect("valid grade in test")
    }

    #[test]
    fn parses_and_prints_every_grade() {
        for r in RELIABILITIES {
            for c in CREDIBILITIES {
                let grade = Grade::new(r, c);
                let text = grade.to_string();
                assert_eq!(Grade::parse(&text), Ok(grade), "{text}");
            }
        }
        assert_eq!(g("b2"), g("B2"));
        assert_eq!(g("C3").reliability, Reliability::C);
        assert_eq!(g("C3").credibility, Credibility::Possible);
    }

    #[test]
    fn rejects_what_is_not_a_grade() {
        for bad in [
            "", "B", "2", "B0", "B7", "G2", "2B", "B22", "BB", " B2", "B²",
        ] {
            let err = Grade::parse(bad).expect_err(bad);
            assert!(err.0.contains("A-F") && err.0.contains("1-6"), "{err}");
        }
    }

    #[test]
    fn serde_uses_the_written_form() {
        let text = serde_json::to_string(&g("A1")).expect("serializes");
        assert_eq!(text, "\"A1\"");
        let back: Grade = serde_json::from_str("\"E5\"").expect("deserializes");
        assert_eq!(back, g("E5"));
        let err = serde_json::from_str::<Grade>("\"E9\"").expect_err("E9 is no grade");
        assert!(err.to_string().contains("not an Admiralty grade"), "{err}");
        assert!(serde_json::from_str::<Grade>("12").is_err());
    }

    #[test]
    fn confidence_follows_the_documented_table() {
        assert_eq!(g("A1").confidence_permille(), 970);
        assert_eq!(g("B2").confidence_permille(), 755);
        assert_eq!(g("C2").confidence_permille(), 710);
        assert_eq!(g("C3").confidence_permille(), 570);
        assert_eq!(g("C4").confidence_permille(), 395);
        assert_eq!(g("A5").confidence_permille(), 100);
        assert_eq!(g("D3").confidence_permille(), 550);
        assert_eq!(g("F1").confidence_permille(), 735);
        for r in RELIABILITIES {
            assert_eq!(Grade::new(r, Credibility::CannotBeJudged).confidence(), 0.5);
        }
        assert_eq!(g("C2").confidence(), 0.71);
    }

    #[test]
    fn confidence_never_rises_as_the_grade_worsens() {
        for c in CREDIBILITIES {
            let values: Vec<i64> = RELIABILITIES[..5]
                .iter()
                .map(|&r| (Grade::new(r, c).confidence_permille() - 500).abs())
                .collect();
            assert!(values.windows(2).all(|w| w[0] >= w[1]), "{c:?}: {values:?}");
        }
        for r in RELIABILITIES {
            let values: Vec<i64> = CREDIBILITIES[..5]
                .iter()
                .map(|&c| Grade::new(r, c).confidence_permille())
                .collect();
            assert!(values.windows(2).all(|w| w[0] >= w[1]), "{r:?}: {values:?}");
            for v in values {
                assert!((0..=1000).contains(&v));
            }
        }
    }

    #[test]
    fn lowering_weakens_credibility_only() {
        assert_eq!(g("C2").lowered(), g("C3"));
        assert_eq!(g("A1").lowered(), g("A2"));
        assert_eq!(g("B5").lowered(), g("B5"));
        assert_eq!(g("B6").lowered(), g("B6"));
        assert!(Credibility::Possible.is_weaker_than(Credibility::Probable));
        assert!(Credibility::CannotBeJudged.is_weaker_than(Credibility::Improbable));
        assert!(!Credibility::Probable.is_weaker_than(Credibility::Probable));
    }

    #[test]
    fn likelihood_words_cover_the_icd_203_bands() {
        use Likelihood::*;
        let cases = [
            (0.0, AlmostNoChance),
            (0.03, AlmostNoChance),
            (0.05, VeryUnlikely),
            (0.19, VeryUnlikely),
            (0.20, Unlikely),
            (0.44, Unlikely),
            (0.45, RoughlyEvenChance),
            (0.5, RoughlyEvenChance),
            (0.55, RoughlyEvenChance),
            (0.56, Likely),
            (0.80, Likely),
            (0.81, VeryLikely),
            (0.95, VeryLikely),
            (0.96, AlmostCertainly),
            (1.0, AlmostCertainly),
            (-3.0, AlmostNoChance),
            (7.0, AlmostCertainly),
            (f64::NAN, RoughlyEvenChance),
        ];
        for (p, words) in cases {
            assert_eq!(Likelihood::from_probability(p), words, "{p}");
        }
        assert_eq!(g("A1").likelihood().words(), "almost certainly");
        assert_eq!(g("C2").likelihood().to_string(), "likely");
        assert_eq!(g("C4").likelihood(), Unlikely);
        assert_eq!(g("D3").likelihood(), RoughlyEvenChance);
        assert_eq!(VeryUnlikely.range(), (0.05, 0.20));
    }

    #[test]
    fn words_spell_out_both_parts() {
        assert_eq!(g("C2").words(), "fairly reliable source, probably true");
    }
}
