//! This module defines the report's explanations: for a conclusion's row, a
//! collapsible proof down to the report's paragraphs and its confidence in
//! ICD 203 words, from the provenance module, with the absences the proof
//! assumes listed apart from it and a mark on a row that rests on the
//! absence of an event. The proof keeps its tree but
//! wraps to the page: each line is a block whose continuation lines hang
//! under the text after the line's tree branches.

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
                "{}<details><summary>proof</summary><div class=\"proof\">{}</div></details>",
                assumptions(&proof),
                proof_lines(&provenance::render_text(&proof))
            ),
            confidence: proof.confidence().to_string(),
            rests_on_silence: proof.rests_on_silence(),
        })
    }
}

/// The proof's assumptions of absence, shown apart from its evidence and
/// outside the collapsed proof (ICD 203: assumptions kept apart from
/// evidence).
fn assumptions(proof: &provenance::Proof) -> String {
    proof
        .assumptions()
        .iter()
        .map(|a| format!("<p class=\"assumes\">{}</p>", escape_xml(&a.sentence())))
        .collect()
}

/// The proof's text as one block per line, each hanging past its indent
/// and tree branches (`│ ├─ └─`) so that a wrapped line stays in its
/// branch.
fn proof_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let indent = line
            .chars()
            .take_while(|c| matches!(c, ' ' | '│' | '├' | '└' | '─'))
            .count()
            + 2;
        if line.trim().is_empty() {
            out.push_str("<div class=\"pl\">&#160;</div>");
        } else {
            out.push_str(&format!(
                "<div class=\"pl\" style=\"padding-left: {indent}ch; text-indent: -{indent}ch\">{}</div>",
                escape_xml(line)
            ));
        }
    }
    out
}
