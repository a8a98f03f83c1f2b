//! This module defines what loading data documents produces: the source
//! reports, and ground facts over the base relations, each with the
//! provenance an explanation cites (document, paragraph, Admiralty grade, and
//! a note when the value was inferred rather than stated).

use crate::grade::Grade;
use crate::value::{Date, Value};

/// Facts loaded from one or more data documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataSet {
    /// The source reports, in load order.
    pub sources: Vec<SourceDoc>,
    /// The base facts, in document order.
    pub facts: Vec<GroundFact>,
}

/// A source report as its data document describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDoc {
    /// Its id, cited by every fact taken from it.
    pub id: String,
    /// A short title.
    pub title: String,
    /// Who published it.
    pub publisher: String,
    /// When it was published, if known.
    pub date: Option<Date>,
    /// What it is and how far it can be trusted, in the analyst's words.
    pub description: String,
    /// The grade every fact from it has unless the fact says otherwise.
    pub grade: Grade,
    /// How many body paragraphs it has (facts cite paragraphs `0..=paragraphs`).
    pub paragraphs: u32,
    /// How its paragraphs are counted.
    pub paragraph_counting: String,
    /// The name of the data file it was loaded from.
    pub file: String,
    /// The id of the source it relays (restates), if it says so. A relay is
    /// not independent of what it relays: see [`DataSet::origin_of`].
    pub relays: Option<String>,
}

/// One tuple of a base relation and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct GroundFact {
    /// The base relation, e.g. `arrest`.
    pub relation: String,
    /// One value per column, of the column's type.
    pub values: Vec<Value>,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// Where a base fact comes from and how far it can be trusted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Provenance {
    /// The id of the source report.
    pub source: String,
    /// The paragraph of the report (0 is the headline, 1 the first body
    /// paragraph; the source's `paragraph_counting` says how they are counted).
    pub paragraph: u32,
    /// The Admiralty grade of this fact.
    pub grade: Grade,
    /// For a value the report leaves to inference: what was inferred and why.
    pub note: Option<String>,
}

impl Provenance {
    /// Whether the fact was inferred rather than stated.
    pub fn is_inferred(&self) -> bool {
        self.note.is_some()
    }
}

impl DataSet {
    /// The facts of one relation.
    pub fn facts_of<'a>(&'a self, relation: &'a str) -> impl Iterator<Item = &'a GroundFact> {
        self.facts.iter().filter(move |f| f.relation == relation)
    }

    /// The source report with this id.
    pub fn source(&self, id: &str) -> Option<&SourceDoc> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The origin of a source: the source it relays, followed through the
    /// loaded sources (a relayed source need not be loaded); the source itself
    /// when it relays nothing. Two sources with one origin are not
    /// independent of each other.
    pub fn origin_of<'a>(&'a self, source: &'a str) -> &'a str {
        self.relay_chain(source).last().unwrap_or(source)
    }

    /// A source and what it relays, in turn, up to its origin (a cycle of
    /// relays ends after one step per loaded source).
    pub fn relay_chain<'a>(&'a self, source: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::successors(Some(source), move |&current| {
            self.source(current).and_then(|s| s.relays.as_deref())
        })
        .take(self.sources.len() + 1)
    }

    /// Appends another data set.
    pub fn extend(&mut self, other: DataSet) {
        self.sources.extend(other.sources);
        self.facts.extend(other.facts);
    }

    /// Whether nothing was loaded.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.facts.is_empty()
    }
}

impl GroundFact {
    /// The fact as Datalog source, e.g. `arrest("ofin-syrian-1", "Ofin", "2024-02").`
    pub fn to_datalog(&self) -> String {
        let args: Vec<String> = self.values.iter().map(Value::to_datalog).collect();
        format!("{}({}).", self.relation, args.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, relays: Option<&str>) -> SourceDoc {
        SourceDoc {
            id: id.to_string(),
            title: String::new(),
            publisher: String::new(),
            date: None,
            description: String::new(),
            grade: Grade::parse("C2").unwrap(),
            paragraphs: 1,
            paragraph_counting: String::new(),
            file: String::new(),
            relays: relays.map(str::to_string),
        }
    }

    #[test]
    fn origin_follows_relays_through_loaded_sources() {
        let data = DataSet {
            sources: vec![doc("a", Some("b")), doc("b", Some("c")), doc("d", None)],
            facts: Vec::new(),
        };
        assert_eq!(data.origin_of("a"), "c");
        assert_eq!(data.origin_of("b"), "c");
        assert_eq!(data.origin_of("d"), "d");
        assert_eq!(data.origin_of("unloaded"), "unloaded");
    }

    #[test]
    fn origin_ends_on_a_cycle_of_relays() {
        let data = DataSet {
            sources: vec![doc("a", Some("b")), doc("b", Some("a"))],
            facts: Vec::new(),
        };
        let origin = data.origin_of("a");
        assert!(origin == "a" || origin == "b");
    }
}
