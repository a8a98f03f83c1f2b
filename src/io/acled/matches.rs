//! This module defines the possible matches between names an ACLED export
//! brings and names the other loaded sources declare: `Tanger` beside the
//! report's `Tangier`, `Islamic State (Sahel)` beside `Islamic State in the
//! Sahel`. Exact names are the same entity already; a near miss is never
//! merged, only listed (on load, and by `sleuth matches` and `:matches`),
//! for the analyst to judge.

use std::collections::{BTreeMap, BTreeSet};

use crate::io::data::GroundFact;
use crate::value::Value;

/// A name only ACLED events declare that is close to one another source declares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PossibleMatch {
    /// `place` or `organisation`.
    pub kind: &'static str,
    /// The name as the ACLED events spell it.
    pub acled: String,
    /// The name another source declares.
    pub known: String,
    /// The ACLED events (source ids) that name it.
    pub events: Vec<String>,
    /// The other sources that declare the known name.
    pub sources: Vec<String>,
}

/// Every possible match among loaded facts, by kind and name.
pub fn possible_matches(facts: &[GroundFact]) -> Vec<PossibleMatch> {
    let mut out = Vec::new();
    for (kind, relation) in [("place", "place_kind"), ("organisation", "organisation")] {
        // Each declared name and the sources declaring it, ACLED or not.
        let mut acled: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut other: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for fact in facts.iter().filter(|f| f.relation == relation) {
            let Some(Value::Symbol(name)) = fact.values.first() else {
                continue;
            };
            let name = name.as_str();
            let source = fact.provenance.source.as_str();
            let side = if is_acled(source) {
                &mut acled
            } else {
                &mut other
            };
            side.entry(name).or_default().insert(source);
        }
        for (name, events) in &acled {
            if other.contains_key(name) {
                continue;
            }
            for (known, sources) in &other {
                if near(name, known) {
                    out.push(PossibleMatch {
                        kind,
                        acled: name.to_string(),
                        known: known.to_string(),
                        events: events.iter().map(|s| s.to_string()).collect(),
                        sources: sources.iter().map(|s| s.to_string()).collect(),
                    });
                }
            }
        }
    }
    out
}

/// Whether a source is an ACLED event.
pub fn is_acled(source: &str) -> bool {
    source.starts_with("acled:")
}

/// Whether two different names may well name one thing: the same letters
/// once case, accents aside, punctuation and the words `in`, `the`, `of`
/// and `al`, `el` are dropped; or, for longer names, one letter apart (six to
/// nine letters) or two (ten and more).
fn near(a: &str, b: &str) -> bool {
    let (a, b) = (folded(a), folded(b));
    if a == b {
        return true;
    }
    let shorter = a.chars().count().min(b.chars().count());
    let allowed = match shorter {
        0..=5 => 0,
        6..=9 => 1,
        _ => 2,
    };
    allowed > 0 && distance(&a, &b) <= allowed
}

fn folded(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .filter(|w| !w.is_empty() && !matches!(w.as_str(), "in" | "the" | "of" | "al" | "el"))
        .map(|w| w.chars().map(unaccented).collect::<String>())
        .collect()
}

fn unaccented(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The matches as text: one line each, then a count.
pub fn text(matches: &[PossibleMatch]) -> String {
    if matches.is_empty() {
        return "no possible matches: every ACLED name is either a declared name or unlike any\n"
            .to_string();
    }
    let mut out = String::new();
    for m in matches {
        out.push_str(&format!(
            "{} `{}` ({}) may be `{}` ({})\n",
            m.kind,
            m.acled,
            m.events.join(", "),
            m.known,
            m.sources.join(", ")
        ));
    }
    out.push_str(&format!(
        "{} possible match{}: not merged; if one is the same, correct the name in the export and load it again\n",
        matches.len(),
        if matches.len() == 1 { "" } else { "es" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_and_not() {
        assert!(near("Tanger", "Tangier"));
        assert!(near("Islamic State (Sahel)", "Islamic State in the Sahel"));
        assert!(near("Salé", "Sale"));
        assert!(!near("Tetouan", "Tangier"));
        assert!(!near("Mali", "Bali"));
    }
}
