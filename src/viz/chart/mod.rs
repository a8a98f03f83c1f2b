//! This module defines link charts: the answers of a query drawn as
//! entities (nodes typed by [`Kind`]) joined by the query's relation
//! (labelled edges), and the formats they are written in.
//!
//! How answers become a chart:
//! - one column: a node per value, no edges;
//! - two columns: an edge per answer from the first column's value to the
//!   second's, labelled with the relation whose atom holds both variables;
//! - three or more columns, of which exactly two hold entities and the rest
//!   plain values (numbers, dates, unknown symbols): an edge per answer
//!   between the two entities, its label followed by the other values
//!   (`pipeline_strength (n=3)`);
//! - otherwise: a hub node per answer (kind `row`), with an edge from the
//!   hub to each entity of the answer labelled with the column's name. The
//!   hub's label tells the answers apart: the query's relations, the values
//!   of as few of the linked columns (first ones first) as that takes, and
//!   the plain values in parentheses (`hotspot_revisit: Tangier (M=3)`).
//!
//! A value's kind comes from the base relations it appears in (see
//! `kinds`); a value known as several kinds takes the one its column
//! shares. Nodes are one per kind and value, in order of first appearance.
//!
//! - `args`: the arguments of `sleuth graph` and `:graph`.
//! - `build`: answers to nodes and edges, within the size bound.
//! - `labels`: edge labels read from the query's atoms.
//! - `dot`, `graphml`: the text formats.
//! - `layout`: a deterministic two-column SVG drawn without Graphviz.
//! - `graphviz`: SVG rendered by Graphviz's `dot`, when installed.

mod args;
mod build;
mod dot;
mod graphml;
mod graphviz;
mod labels;
mod layout;

pub use args::{GraphArgs, chart_text};
pub use dot::to_dot;
pub use graphml::to_graphml;
pub use graphviz::{GraphvizError, render_svg_with_graphviz};
pub use layout::layout_svg;

use crate::diag::{Diagnostic, SourceMap, Span, did_you_mean};
use crate::session::{self, Answers, Workspace};
use crate::value::Value;

use super::base::tuples;
use super::kinds::{Kind, KindIndex};
use labels::QueryShape;

/// The default bound on a chart's nodes.
pub const DEFAULT_MAX_NODES: usize = 500;

/// How to build a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartOptions {
    /// Answers that would take the chart past this many nodes are left
    /// out (and counted).
    pub max_nodes: usize,
}

impl Default for ChartOptions {
    fn default() -> ChartOptions {
        ChartOptions {
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// A link chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// What it draws: the query text or the relation's name.
    pub title: String,
    /// The answer's columns.
    pub columns: Vec<String>,
    /// The entities (and hubs), in order of first appearance.
    pub nodes: Vec<Node>,
    /// The links between them.
    pub edges: Vec<Edge>,
    /// How many answers the query gave.
    pub answers: usize,
    /// The bound on nodes it was built with.
    pub max_nodes: usize,
    /// How many answers were left out by the size bound.
    pub omitted_answers: usize,
    /// How many distinct nodes those answers would have added.
    pub omitted_nodes: usize,
}

/// One node of a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// A stable id: `kind:value` (`country:Morocco`), or `row:N` for a hub.
    pub id: String,
    /// What is written on it.
    pub label: String,
    /// What it stands for.
    pub kind: Kind,
}

/// One edge of a chart, between two nodes (indexes into [`Chart::nodes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The node it starts from.
    pub from: usize,
    /// The node it points to.
    pub to: usize,
    /// The relation (and, for wide answers, the other values).
    pub label: String,
}

impl Chart {
    /// `7 nodes, 6 edges` (and what the bound left out).
    pub fn describe(&self) -> String {
        let n = self.nodes.len();
        let e = self.edges.len();
        let mut text = format!(
            "{n} node{}, {e} edge{}",
            if n == 1 { "" } else { "s" },
            if e == 1 { "" } else { "s" }
        );
        if let Some(o) = self.omission() {
            text.push_str(&format!("; {o}"));
        }
        text
    }

    /// Whether the query had no answers.
    pub fn is_empty(&self) -> bool {
        self.answers == 0
    }

    /// A sentence on what the size bound left out, when it left out
    /// anything.
    pub fn omission(&self) -> Option<String> {
        (self.omitted_answers > 0).then(|| {
            format!(
                "the chart is bounded at {} nodes: {} more node{} from {} answer{} left out",
                self.max_nodes,
                self.omitted_nodes,
                if self.omitted_nodes == 1 { "" } else { "s" },
                self.omitted_answers,
                if self.omitted_answers == 1 {
                    " was"
                } else {
                    "s were"
                },
            )
        })
    }
}

/// Draws the answers of a query as a link chart. `query` is a text ending
/// in a `?-` query, or just a relation's name (`recruitment_pipeline`),
/// which stands for all its tuples.
pub fn graph(
    ws: &mut Workspace,
    query: &str,
    options: &ChartOptions,
) -> Result<Chart, session::Error> {
    let text = match expand_relation_name(ws, query) {
        Some(text) => text,
        None if is_bare_name(query) => return Err(unknown_relation(ws, query.trim())),
        None => query.trim().to_string(),
    };
    let answers = ws.query(&text)?;
    let shape = QueryShape::parse(&text);
    let kinds = KindIndex::new(ws);
    Ok(build::build(&answers, &shape, &kinds, &text, options))
}

/// Draws every tuple of a relation as a link chart; `None` when the
/// program has no relation of that name.
pub fn relation_chart(ws: &Workspace, relation: &str, options: &ChartOptions) -> Option<Chart> {
    let program = ws.program();
    let rel = program.relation_id(relation)?;
    let columns: Vec<String> = program.relations[rel]
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let answers = Answers {
        rows: tuples(ws, relation, columns.len()),
        columns: columns.clone(),
    };
    let shape = QueryShape::single(relation, &columns);
    let kinds = KindIndex::new(ws);
    Some(build::build(&answers, &shape, &kinds, relation, options))
}

/// Whether the text is a name alone (`recruitment_pipeline`), which stands
/// for a relation, rather than a query.
fn is_bare_name(text: &str) -> bool {
    let name = text.trim();
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The error for a name alone that names no relation: a caret under it and
/// the closest relation's name.
fn unknown_relation(ws: &Workspace, name: &str) -> session::Error {
    let mut sources = SourceMap::new();
    let id = sources.add("<graph>", name);
    let program = ws.program();
    let known = program
        .relations
        .iter()
        .filter(|r| !r.is_query)
        .map(|r| r.name.as_str());
    let mut d = Diagnostic::new(
        crate::diag::Code::UnknownRelation,
        format!("relation `{name}` is not defined"),
        Some(Span::new(id, 0, name.len())),
    )
    .with_help("give the name of a relation, or a query such as `?- relation(X, Y).`");
    if let Some(close) = did_you_mean(name, known) {
        d = d.with_label(format!("did you mean `{close}`?"));
    }
    session::Error {
        diagnostics: d.into(),
        sources,
    }
}

/// `recruitment_pipeline` → `?- recruitment_pipeline(Origin_country, Theater).`
/// when the text is the name of one of the program's relations.
fn expand_relation_name(ws: &Workspace, text: &str) -> Option<String> {
    let name = text.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let program = ws.program();
    let relation = &program.relations[program.relation_id(name)?];
    if relation.is_query {
        return None;
    }
    let mut vars: Vec<String> = Vec::new();
    for (i, c) in relation.columns.iter().enumerate() {
        let mut chars = c.name.chars();
        let var = match chars.next() {
            Some(first) if first.is_ascii_alphabetic() => {
                format!("{}{}", first.to_ascii_uppercase(), chars.as_str())
            }
            _ => format!("X{i}"),
        };
        let var = if vars.contains(&var) {
            format!("{var}{i}")
        } else {
            var
        };
        vars.push(var);
    }
    Some(format!("?- {name}({}).", vars.join(", ")))
}

/// The text of a value as a node label.
fn label_of(value: &Value) -> String {
    value.to_string()
}
