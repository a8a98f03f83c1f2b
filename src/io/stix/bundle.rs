//! This module defines the serde shape of a STIX 2.1 bundle as sleuth
//! writes and reads it: one [`Object`] type holding the properties of every
//! object type sleuth uses (each optional, left out when absent), and
//! sleuth's extension properties (`x_sleuth_*`, see README "STIX 2.1").
//! Reading is lenient about properties sleuth does not use (a bundle from
//! elsewhere has many); a property sleuth uses must have the right shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::io::data::attested::{GradeText, IsoDate};

/// A STIX bundle: `{"type": "bundle", "id": ..., "objects": [...]}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Bundle {
    /// Always `bundle`.
    #[serde(rename = "type")]
    pub ty: String,
    /// `bundle--` and a UUID.
    pub id: String,
    /// The objects.
    #[serde(default)]
    pub objects: Vec<Object>,
}

/// One STIX object, of any type sleuth writes or reads.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Object {
    /// The object type (`report`, `location`, `relationship` ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// Always `2.1` in what sleuth writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_version: Option<String>,
    /// `TYPE--UUID`.
    pub id: String,
    /// The identity that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by_ref: Option<String>,
    /// When it was made (sleuth: from the data's dates, never the clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When it last changed (sleuth: as `created`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// A name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A report's types (`threat-report`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_types: Option<Vec<String>>,
    /// When a report was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// What a report, a note or an opinion is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_refs: Option<Vec<String>>,
    /// An identity's class (`individual`, `organization`, `system` ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_class: Option<String>,
    /// A location's `region-ov` region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A location's ISO 3166-1 alpha-2 country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// A location's city.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// A location's administrative area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrative_area: Option<String>,
    /// A threat actor's resource level (`individual`, `team`, `organization`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_level: Option<String>,
    /// A relationship's type (`located-at`, `attributed-to` ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_type: Option<String>,
    /// A relationship's source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    /// A relationship's target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<String>,
    /// What a sighting saw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sighting_of_ref: Option<String>,
    /// Where a sighting saw it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub where_sighted_refs: Option<Vec<String>>,
    /// When a sighting began.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// When a sighting ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// A note's summary.
    #[serde(rename = "abstract", skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// A note's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// An extension definition's schema (its normative text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// An extension definition's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// An extension definition's types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_types: Option<Vec<String>>,
    /// The top-level properties an extension definition adds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_properties: Option<Vec<String>>,
    /// How sure the producer is, 0 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u8>,
    /// The extensions the object uses, by extension definition id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<BTreeMap<String, serde_json::Value>>,
    /// What sleuth entity a domain object stands for (`place`, `theater`,
    /// `organisation`, `person`, `operation`, `cell`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_kind: Option<String>,
    /// A report's sleuth source id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_id: Option<String>,
    /// A report's default Admiralty grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_grade: Option<GradeText>,
    /// A report's publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_publisher: Option<String>,
    /// A report's paragraphs: how many, and how they are counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_paragraphs: Option<Paragraphs>,
    /// The source id a report relays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_relays: Option<String>,
    /// The base relation of the fact a note or sighting records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_relation: Option<String>,
    /// The derived relation of the conclusion a note records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_conclusion: Option<String>,
    /// The fact's (or the conclusion's) values, one per column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_values: Option<Vec<serde_json::Value>>,
    /// A sighting's date as sleuth gives it (a month or a day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_date: Option<IsoDate>,
    /// Every attestation of the fact the object records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_sleuth_provenance: Option<Vec<Attestation>>,
}

/// How a report's paragraphs are numbered.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Paragraphs {
    /// How many body paragraphs it has.
    pub count: u32,
    /// How they are counted.
    pub counting: String,
}

/// One attestation of a fact: the source, its paragraph, the grade and,
/// for an inferred value, why.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Attestation {
    /// The sleuth source id (a report of the bundle's `x_sleuth_id`).
    pub source: String,
    /// The paragraph cited.
    pub paragraph: u32,
    /// The Admiralty grade.
    pub grade: GradeText,
    /// What was inferred and why, for an inferred value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
}
