//! This module defines the serde shape of a data document: what an analyst
//! writes by hand in `data/*.json`. Every struct denies unknown fields, so a
//! misspelt field is an error rather than a silently ignored fact.

use serde::Deserialize;

use super::attested::{Attested, GradeText, IsoDate, Name};

/// One source report and the entities and facts taken from it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Document {
    pub source: SourceEntry,
    #[serde(default)]
    pub places: Vec<PlaceEntry>,
    #[serde(default)]
    pub theaters: Vec<TheaterEntry>,
    #[serde(default)]
    pub organisations: Vec<OrganisationEntry>,
    #[serde(default)]
    pub persons: Vec<PersonEntry>,
    #[serde(default)]
    pub operations: Vec<OperationEntry>,
    #[serde(default)]
    pub arrests: Vec<ArrestEntry>,
    #[serde(default)]
    pub fighter_flows: Vec<FlowEntry>,
}

/// The report itself.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceEntry {
    pub id: String,
    pub title: String,
    pub publisher: String,
    #[serde(default)]
    pub date: Option<IsoDate>,
    pub description: String,
    pub grade: GradeText,
    pub paragraphs: ParagraphsEntry,
    /// The id of the source this one relays (restates), loaded or not.
    #[serde(default)]
    pub relays: Option<String>,
}

/// How the report's paragraphs are numbered.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParagraphsEntry {
    pub count: u32,
    pub counting: String,
}

/// A place: `id` is its name as the report spells it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceEntry {
    pub id: String,
    pub kind: Attested<Name>,
    #[serde(rename = "in", default)]
    pub inside: Option<Attested<Name>>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// A theater of conflict and the areas it covers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TheaterEntry {
    pub id: String,
    #[serde(default)]
    pub areas: Vec<Attested<Name>>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// An organisation, the theaters it operates in, and its parent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationEntry {
    pub id: String,
    #[serde(default)]
    pub theaters: Vec<Attested<Name>>,
    #[serde(default)]
    pub part_of: Option<Attested<Name>>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// A person, named or with a stable made-up id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonEntry {
    pub id: String,
    #[serde(default)]
    pub nationality: Option<Attested<Name>>,
    #[serde(default)]
    pub member_of: Vec<Attested<Name>>,
    #[serde(default)]
    pub rank: Option<Attested<Name>>,
    #[serde(default)]
    pub travel_intent: Vec<Attested<Name>>,
    #[serde(default)]
    pub contacts: Vec<Attested<Name>>,
    /// Theaters or places the person recruited fighters for.
    #[serde(default)]
    pub recruiting_for: Vec<Attested<Name>>,
    /// Set when the entry stands for a group of people whose identities and
    /// number the report does not give: at least this many.
    #[serde(default)]
    pub at_least: Option<u32>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// A counter-terrorism operation and the cells it dismantled.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationEntry {
    pub id: String,
    pub date: Attested<IsoDate>,
    #[serde(default)]
    pub conducted_by: Vec<Attested<Name>>,
    #[serde(default)]
    pub cells: Vec<CellEntry>,
    #[serde(default)]
    pub seized: Vec<Attested<Name>>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// A cell dismantled by the enclosing operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CellEntry {
    #[serde(default)]
    pub id: Option<String>,
    pub place: Attested<Name>,
    #[serde(default)]
    pub activities: Vec<Attested<Name>>,
    #[serde(default)]
    pub targets: Vec<Attested<Name>>,
    /// Organisations the report ties the cell to (it aided them, or sought
    /// training in their camps).
    #[serde(default)]
    pub linked_to: Vec<Attested<Name>>,
    #[serde(default)]
    pub paragraph: Option<u32>,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// One arrest event: declared persons arrested at a place in a month.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArrestEntry {
    pub place: Attested<Name>,
    pub date: Attested<IsoDate>,
    pub persons: Vec<Attested<Name>>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}

/// A historical flow of fighters from a place of origin to a theater.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlowEntry {
    pub origin: Attested<Name>,
    pub theater: Attested<Name>,
    pub paragraph: u32,
    #[serde(default)]
    pub grade: Option<GradeText>,
    #[serde(default)]
    pub inferred: Option<String>,
}
