//! This module defines Admiralty grades (source reliability A-F, information credibility 1-6), their numeric confidence, and the ICD 203 likelihood words analysts use.
//!
//! A grade such as `B2` reads "usually reliable source, probably true
//! information". [`Grade::confidence`] turns it into a number in `[0, 1]` so
//! conclusions can combine the grades of their premises, and [`Likelihood`]
//! puts a number back into the words of ICD 203 ("likely", "very unlikely").
//!
//! # From a grade to a number
//!
//! Credibility is the analyst's judgement of the information itself. Its
//! number is the published mapping of the Admiralty credibility scale in
//! STIX 2.1 (OASIS Standard, 2021; appendix "Confidence Scales", table
//! "Admiralty Credibility"): 1 → 90, 2 → 70, 3 → 50, 4 → 30, 5 → 10, and
//! 6 ("truth cannot be judged") has no value.
//!
//! Reliability is the source's track record. STIX maps credibility only, so
//! sleuth combines the two by discounting: a source's reliability says how
//! much of the credibility judgement's distance from even odds is kept,
//!
//! ```text
//! confidence = 0.5 + trust(reliability) × (stix(credibility) − 0.5)
//! ```
//!
//! with trust the numeric values of the same Admiralty reliability scale in
//! the MISP taxonomy `admiralty-scale` (A 100, B 75, C 50, D 25, E 0).
//! A discount rather than a cap, because a weaker source carries less
//! information in both directions: a cap would lower what a fairly reliable
//! source calls probable but leave its "improbable" as strong as a
//! completely reliable source's. So an unreliable source (E) moves nothing
//! from even odds, and "possibly true" (3) is a roughly even chance from
//! every source, never "likely".
//!
//! | credibility | STIX | A | B | C | D | E | F |
//! |---|---|---|---|---|---|---|---|
//! | 1 confirmed | 0.90 | 0.90 very likely | 0.80 likely | 0.70 likely | 0.60 likely | 0.50 even | cannot be judged |
//! | 2 probably true | 0.70 | 0.70 likely | 0.65 likely | 0.60 likely | 0.55 even | 0.50 even | cannot be judged |
//! | 3 possibly true | 0.50 | 0.50 even | 0.50 even | 0.50 even | 0.50 even | 0.50 even | cannot be judged |
//! | 4 doubtful | 0.30 | 0.30 unlikely | 0.35 unlikely | 0.40 unlikely | 0.45 even | 0.50 even | cannot be judged |
//! | 5 improbable | 0.10 | 0.10 very unlikely | 0.20 unlikely | 0.30 unlikely | 0.40 unlikely | 0.50 even | cannot be judged |
//! | 6 cannot be judged | none | cannot be judged | ... | | | | cannot be judged |
//!
//! ("even" is ICD 203's "roughly even chance".) "Cannot be judged" stays
//! so: credibility 6 has no STIX value, and a source whose reliability
//! cannot be judged (F) gives no basis to weigh its judgement, so sleuth
//! does not invent one (MISP's 50 for F would rank an unknown source with a
//! fairly reliable one). When other sources confirm such a fact, their own
//! attestations carry its confidence. A grade that cannot be judged sorts
//! below every judged one ([`CANNOT_BE_JUDGED_PERMILLE`]): it is the weakest
//! premise of a conclusion (which then cannot be judged either) and the
//! weakest of a fact's attestations (any judged one is preferred). The
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

    /// How much of the credibility judgement is kept, in thousandths (the
    /// MISP `admiralty-scale` values); `None` for F, whose reliability cannot
    /// be judged.
    fn trust_permille(self) -> Option<i64> {
        match self {
            Reliability::A => Some(1000),
            Reliability::B => Some(750),
            Reliability::C => Some(500),
            Reliability::D => Some(250),
            Reliability::E => Some(0),
            Reliability::F => None,
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

    /// The STIX 2.1 confidence of this credibility, in thousandths; `None`
    /// for 6, which STIX leaves without a value.
    pub fn stix_permille(self) -> Option<i64> {
        match self {
            Credibility::Confirmed => Some(900),
            Credibility::Probable => Some(700),
            Credibility::Possible => Some(500),
            Credibility::Doubtful => Some(300),
            Credibility::Improbable => Some(100),
            Credibility::CannotBeJudged => None,
        }
    }
}

/// The confidence, in thousandths, of a grade that cannot be judged
/// (reliability F or credibility 6): below every judged grade (the lowest is
/// 100), so it is the weakest premise of a conclusion and the weakest
/// attestation of a fact, and above zero, which means "nothing derived yet"
/// to the confidence fixpoint.
pub const CANNOT_BE_JUDGED_PERMILLE: i64 = 1;

/// What a confidence that cannot be judged reads as.
pub const CANNOT_BE_JUDGED: &str = "cannot be judged";

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

    /// [`Grade::confidence`] in exact thousandths;
    /// [`CANNOT_BE_JUDGED_PERMILLE`] when either part cannot be judged.
    pub fn confidence_permille(self) -> i64 {
        match (
            self.reliability.trust_permille(),
            self.credibility.stix_permille(),
        ) {
            (Some(trust), Some(stix)) => 500 + trust * (stix - 500) / 1000,
            _ => CANNOT_BE_JUDGED_PERMILLE,
        }
    }

    /// Whether a likelihood can be given: neither the source's reliability
    /// (F) nor the information's credibility (6) is "cannot be judged".
    pub fn is_judged(self) -> bool {
        self.confidence_permille() != CANNOT_BE_JUDGED_PERMILLE
    }

    /// The ICD 203 words for this grade's confidence, or `None` when it
    /// cannot be judged.
    pub fn likelihood(self) -> Option<Likelihood> {
        self.is_judged()
            .then(|| Likelihood::from_probability(self.confidence()))
    }

    /// The likelihood in words: "likely", or "cannot be judged".
    pub fn likelihood_words(self) -> &'static str {
        self.likelihood()
            .map_or(CANNOT_BE_JUDGED, Likelihood::words)
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

    /// The whole table of the module documentation: every grade, its
    /// confidence in thousandths and its words.
    const TABLE: [(&str, i64, &str); 36] = [
        ("A1", 900, "very likely"),
        ("A2", 700, "likely"),
        ("A3", 500, "roughly even chance"),
        ("A4", 300, "unlikely"),
        ("A5", 100, "very unlikely"),
        ("A6", 1, "cannot be judged"),
        ("B1", 800, "likely"),
        ("B2", 650, "likely"),
        ("B3", 500, "roughly even chance"),
        ("B4", 350, "unlikely"),
        ("B5", 200, "unlikely"),
        ("B6", 1, "cannot be judged"),
        ("C1", 700, "likely"),
        ("C2", 600, "likely"),
        ("C3", 500, "roughly even chance"),
        ("C4", 400, "unlikely"),
        ("C5", 300, "unlikely"),
        ("C6", 1, "cannot be judged"),
        ("D1", 600, "likely"),
        ("D2", 550, "roughly even chance"),
        ("D3", 500, "roughly even chance"),
        ("D4", 450, "roughly even chance"),
        ("D5", 400, "unlikely"),
        ("D6", 1, "cannot be judged"),
        ("E1", 500, "roughly even chance"),
        ("E2", 500, "roughly even chance"),
        ("E3", 500, "roughly even chance"),
        ("E4", 500, "roughly even chance"),
        ("E5", 500, "roughly even chance"),
        ("E6", 1, "cannot be judged"),
        ("F1", 1, "cannot be judged"),
        ("F2", 1, "cannot be judged"),
        ("F3", 1, "cannot be judged"),
        ("F4", 1, "cannot be judged"),
        ("F5", 1, "cannot be judged"),
        ("F6", 1, "cannot be judged"),
    ];

    #[test]
    fn every_grade_has_the_documented_confidence_and_words() {
        for (text, permille, words) in TABLE {
            let grade = g(text);
            assert_eq!(grade.confidence_permille(), permille, "{text}");
            assert_eq!(grade.likelihood_words(), words, "{text}");
            assert_eq!(grade.is_judged(), permille != CANNOT_BE_JUDGED_PERMILLE);
        }
        let listed: std::collections::BTreeSet<&str> = TABLE.iter().map(|r| r.0).collect();
        assert_eq!(listed.len(), 36, "every grade once");
        assert_eq!(g("C2").confidence(), 0.6);
    }

    #[test]
    fn credibility_follows_the_stix_admiralty_mapping() {
        let stix: Vec<Option<i64>> = CREDIBILITIES.iter().map(|c| c.stix_permille()).collect();
        assert_eq!(
            stix,
            [Some(900), Some(700), Some(500), Some(300), Some(100), None]
        );
        // A completely reliable source keeps the STIX value as it is.
        for c in CREDIBILITIES {
            let a = Grade::new(Reliability::A, c).confidence_permille();
            assert_eq!(a, c.stix_permille().unwrap_or(CANNOT_BE_JUDGED_PERMILLE));
        }
    }

    /// Regression: "possibly true" (3) read "likely", the same word as
    /// "probably true" (2).
    #[test]
    fn possibly_true_never_reads_likely() {
        for r in RELIABILITIES {
            let grade = Grade::new(r, Credibility::Possible);
            let words = grade.likelihood_words();
            assert!(
                words == "roughly even chance" || words == "cannot be judged",
                "{grade}: {words}"
            );
            assert!(grade.likelihood() <= Some(Likelihood::RoughlyEvenChance));
        }
    }

    #[test]
    fn cannot_be_judged_is_below_every_judged_grade() {
        let lowest_judged = RELIABILITIES
            .iter()
            .flat_map(|&r| CREDIBILITIES.map(|c| Grade::new(r, c)))
            .filter(|g| g.is_judged())
            .map(Grade::confidence_permille)
            .min();
        assert_eq!(lowest_judged, Some(100));
        const { assert!(CANNOT_BE_JUDGED_PERMILLE < 100 && CANNOT_BE_JUDGED_PERMILLE > 0) };
        assert_eq!(g("F6").likelihood(), None);
    }

    #[test]
    fn confidence_never_rises_as_the_grade_worsens() {
        for c in &CREDIBILITIES[..5] {
            let values: Vec<i64> = RELIABILITIES[..5]
                .iter()
                .map(|&r| (Grade::new(r, *c).confidence_permille() - 500).abs())
                .collect();
            assert!(values.windows(2).all(|w| w[0] >= w[1]), "{c:?}: {values:?}");
        }
        for r in &RELIABILITIES[..5] {
            let values: Vec<i64> = CREDIBILITIES[..5]
                .iter()
                .map(|&c| Grade::new(*r, c).confidence_permille())
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
        assert_eq!(g("A1").likelihood(), Some(VeryLikely));
        assert_eq!(
            g("C2").likelihood().map(|l| l.to_string()).as_deref(),
            Some("likely")
        );
        assert_eq!(g("C4").likelihood(), Some(Unlikely));
        assert_eq!(g("D3").likelihood(), Some(RoughlyEvenChance));
        assert_eq!(VeryUnlikely.range(), (0.05, 0.20));
    }

    #[test]
    fn words_spell_out_both_parts() {
        assert_eq!(g("C2").words(), "fairly reliable source, probably true");
    }
}
