//! This module defines the one-page HTML report: the sources, the conflicts
//! between them (when there are any), the timeline,
//! the link chart of the recruitment pipelines (inline SVG) and each main
//! conclusion as a table. The page is self-contained (inline CSS and SVG,
//! no scripts, nothing fetched) and every text in it is escaped.
//!
//! Explanations and confidence come from outside this module: a caller
//! passes an [`ExplainFn`] in [`ReportOptions::explain`], asked once per row
//! of each conclusion. Without one the report is complete all the same.
//!
//! - `conclusions`: which relations the report shows, with their titles.
//! - `conflicts_html`: the fields the sources give differently, when any.
//! - `page`: the page frame, sources, chart and conclusion tables.
//! - `timeline_html`: the timeline as a table with tempo bars.

mod conclusions;
mod conflicts_html;
mod page;
mod proofs;
mod timeline_html;

pub use conclusions::{CONCLUSIONS, Conclusion};
pub use proofs::proof_explainer;

use crate::session::Workspace;
use crate::value::Value;

/// What an explanation provider says about one row of a conclusion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowExplanation {
    /// Why the row holds, as an HTML fragment. It is inserted as it is:
    /// the provider escapes its text (with [`escape_xml`](super::escape_xml))
    /// and uses only inline markup (no scripts, no links out).
    pub html: String,
    /// How sure we are, in words (`likely (0.57)`); escaped by the report.
    pub confidence: String,
    /// Whether the row rests on the absence of an event in the loaded
    /// sources (the report marks it beside the confidence).
    pub rests_on_silence: bool,
}

/// An explanation provider: given a conclusion's relation and one of its
/// rows, the explanation and confidence, or `None` to leave the row
/// unexplained.
pub type ExplainFn<'a> = dyn Fn(&str, &[Value]) -> Option<RowExplanation> + 'a;

/// How to build the report.
pub struct ReportOptions<'a> {
    /// The page's heading and title.
    pub title: String,
    /// Draw the chart with Graphviz when it is installed (otherwise, and
    /// when this is off, with sleuth's own two-column layout).
    pub graphviz: bool,
    /// The explanation provider, if any.
    pub explain: Option<&'a ExplainFn<'a>>,
}

impl Default for ReportOptions<'_> {
    fn default() -> Self {
        ReportOptions {
            title: "sleuth report".to_string(),
            graphviz: true,
            explain: None,
        }
    }
}

/// The report as one HTML page.
pub fn report_html(ws: &Workspace, options: &ReportOptions<'_>) -> String {
    page::page(ws, options)
}
