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
