//! This module defines sleuth's pictures: what analysts look at before they
//! read.
//!
//! ```text
//!  Workspace ──facts + provenance──▶ timeline ──▶ text (month bars) / HTML table
//!      │
//!      └──query answers──▶ chart (typed nodes, labelled edges) ──▶ DOT / GraphML / SVG
//!                                                     │
//!  conclusions (derived relations) ───────────────────┴──▶ report (one HTML page)
//! ```
//!
//! - [`timeline()`]: every dated event (operations, arrests) with its source
//!   paragraph and grade, grouped by month, narrowed by a [`TimelineFilter`];
//!   [`render_text`] draws it for a terminal.
//! - [`graph`]: the answers of a query as a [`Chart`] of entities typed by
//!   [`Kind`]; [`to_dot`], [`to_graphml`], [`layout_svg`] and
//!   [`render_svg_with_graphviz`] write it.
//! - [`report_html`]: the one-page report, with a hook for explanations.
//! - [`write_atomic`]: writes an output file whole or not at all.
//!
//! The library never prints: every function returns text or an error, and
//! the command line and the REPL decide where it goes.

// `Diagnostic` is the crate's error type (see `diag`), returned by value on
// the error path only; boxing it would change the contract for no gain.
#![allow(clippy::result_large_err)]

mod base;
mod chart;
mod escape;
mod kinds;
mod output;
mod report;
mod timeline;

pub use chart::{
    Chart, ChartOptions, DEFAULT_MAX_NODES, Edge, GraphArgs, GraphvizError, Node, chart_text,
    graph, layout_svg, relation_chart, render_svg_with_graphviz, to_dot, to_graphml,
};
pub use escape::escape_xml;
pub use kinds::Kind;
pub use output::{ChartFormat, write_atomic};
pub use report::{
    CONCLUSIONS, Conclusion, ExplainFn, ReportOptions, RowExplanation, proof_explainer, report_html,
};
pub use timeline::{
    Actor, Arrested, Event, EventKind, Located, Month, TextOptions, Timeline, TimelineArgs,
    TimelineFilter, render_text, render_text_with, timeline,
};
