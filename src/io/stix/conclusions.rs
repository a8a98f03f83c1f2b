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
            // Without recorded derivations there is no proof: the tuple is
            // still a conclusion, and its note says why it has none.
            let (why, permille) = match explainer.why(&fact, &ExplainOptions::default()) {
                Ok(proof) => {
                    let c = proof.confidence();
                    let graded = c.is_graded() && c.is_judged();
                    (render_text(&proof), graded.then(|| c.permille()))
                }
                Err(e) => (format!("{fact}: no proof: {}", e.render()), None),
            };
            out.push(ConclusionRow {
                relation: relation.to_string(),
                values,
                why,
                permille,
            });
        }
    }
    out
}
