//! This module defines the report's explanations: for a conclusion's row, a
//! collapsible proof down to the report's paragraphs and its confidence in
//! ICD 203 words, from the provenance module.

use std::cell::RefCell;

use super::RowExplanation;
use crate::provenance::{self, ExplainOptions};
use crate::session::Workspace;
use crate::value::Value;
use crate::viz::escape_xml;

/// A provider for [`ReportOptions::explain`](super::ReportOptions): each
/// row's proof (text form, in a `<details>` element) and confidence. Rows
/// that cannot be explained get no explanation.
pub fn proof_explainer(ws: &Workspace) -> impl Fn(&str, &[Value]) -> Option<RowExplanation> + '_ {
    let explainer = RefCell::new(provenance::Explainer::new(ws));
    move |relation, row| {
        let args: Vec<String> = row.iter().map(Value::to_datalog).collect();
        let fact = format!("{relation}({})", args.join(", "));
        let proof = explainer
            .borrow_mut()
            .why(&fact, &ExplainOptions::default())
            .ok()?;
        Some(RowExplanation {
            html: format!(
                "<details><summary>proof</summary><pre>{}</pre></details>",
                escape_xml(&provenance::render_text(&proof))
            ),
            confidence: proof.confidence().to_string(),
        })
    }
}
