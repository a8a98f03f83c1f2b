//! This module defines which conclusions of the rule library a STIX export
//! carries, and reads them off a workspace with their proofs: the HTML
//! report's conclusions and the other main ones README's rule library
//! table lists.

use crate::provenance::{ExplainOptions, Explainer, render_text};
use crate::session::Workspace;
use crate::value::Value;
use crate::viz::CONCLUSIONS;

use super::export::ConclusionRow;

/// The main conclusions beyond the HTML report's ([`CONCLUSIONS`]).
pub const CONCLUSION_RELATIONS: &[&str] = &[
    "fighter_relocation",
    "org_cell_country",
    "arrested_at_least",
    "active_in",
    "cells_per_operation",
];

/// Every tuple of the exported conclusions the workspace's rules derive,
/// in the order of the lists, sorted within a relation, with its proof
/// and confidence.
pub fn conclusions(ws: &Workspace) -> Vec<ConclusionRow> {
    let mut explainer = Explainer::new(ws);
    let program = ws.program();
    let relations = CONCLUSIONS
        .iter()
        .map(|c| c.relation)
        .chain(CONCLUSION_RELATIONS.iter().copied());
    let mut out = Vec::new();
    for relation in relations {
        let Some(rel) = program.relation_id(relation) else {
            continue;
        };
        let mut rows = ws.database().tuples(rel);
        rows.sort_by_key(|row| row.iter().map(Value::to_datalog).collect::<Vec<_>>());
        for values in rows {
            let args: Vec<String> = values.iter().map(Value::to_datalog).collect();
            let fact = format!("{relation}({})", args.join(", "));
            let Ok(proof) = explainer.why(&fact, &ExplainOptions::default()) else {
                continue;
            };
            let c = proof.confidence();
            out.push(ConclusionRow {
                relation: relation.to_string(),
                values,
                why: render_text(&proof),
                permille: (c.is_graded() && c.is_judged()).then(|| c.permille()),
            });
        }
    }
    out
}
