//! This module defines the conclusions the report sets out, one table
//! each: the rule library's main derived relations, with a title and a
//! sentence saying what a row means.

/// A conclusion of the rule library the report shows as a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conclusion {
    /// The derived relation holding it.
    pub relation: &'static str,
    /// A heading.
    pub title: &'static str,
    /// What one row says.
    pub meaning: &'static str,
}

/// The report's conclusions, in the order it shows them. A relation the
/// workspace's rules do not define is left out of the report.
pub const CONCLUSIONS: &[Conclusion] = &[
    Conclusion {
        relation: "recurring_hotspot",
        title: "Recurring hotspots",
        meaning: "Places where two or more distinct operations dismantled cells.",
    },
    Conclusion {
        relation: "hotspot_revisit",
        title: "Hotspots revisited",
        meaning: "A later operation hit a place again, so many months after an earlier one.",
    },
    Conclusion {
        relation: "recruitment_pipeline",
        title: "Recruitment pipelines",
        meaning: "People from or in the origin country are recruited for, sent to, or travel to the theater.",
    },
    Conclusion {
        relation: "pipeline_strength",
        title: "Strength of each pipeline",
        meaning: "How many independent kinds of evidence support the pipeline.",
    },
    Conclusion {
        relation: "multi_theater_origin",
        title: "Multi-theater origins",
        meaning: "Countries whose people feed two or more distinct theaters.",
    },
    Conclusion {
        relation: "joint_operation",
        title: "Joint operations",
        meaning: "Two countries conducted the operation together.",
    },
    Conclusion {
        relation: "escalation",
        title: "Escalation",
        meaning: "The report lists more places for a later operation than for an earlier one: a count of places named, not a sign that the crackdown widened.",
    },
    Conclusion {
        relation: "nationals_arrested_in",
        title: "Nationals arrested abroad and at home",
        meaning: "At least how many people of a nationality were arrested in a country (groups of unknown identity may hold more).",
    },
    Conclusion {
        relation: "theater_arrest_without_home_record",
        title: "Arrested in a theater, no earlier home arrest on record",
        meaning: "Foreigners arrested in a theater for whom the loaded sources record no earlier arrest in their own country. An absence in the sources, not evidence that they went undetected at home.",
    },
    Conclusion {
        relation: "senior_foreign_member",
        title: "Senior foreign members",
        meaning: "Senior members whose nationality is none of the countries where their organisation operates.",
    },
    Conclusion {
        relation: "multi_theater_fighter",
        title: "Multi-theater fighters",
        meaning: "People active in two or more distinct theaters.",
    },
];
