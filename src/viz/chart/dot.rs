//! This module defines a chart in Graphviz's DOT language: one node
//! statement per entity with its label, shape, fill colour and kind (as the
//! `class` attribute, which Graphviz carries into SVG), one edge statement
//! per link with its label.

use std::fmt::Write as _;

use super::super::escape::dot_string;
use super::Chart;

/// The chart as a DOT digraph, laid out left to right.
pub fn to_dot(chart: &Chart) -> String {
    let mut out = String::new();
    for line in chart.title.lines() {
        let _ = writeln!(out, "// sleuth link chart: {line}");
    }
    let _ = writeln!(
        out,
        "// {} answer{}, {} node{}, {} edge{}",
        chart.answers,
        plural(chart.answers),
        chart.nodes.len(),
        plural(chart.nodes.len()),
        chart.edges.len(),
        plural(chart.edges.len())
    );
    if chart.is_empty() {
        out.push_str("// the query has no answers: the chart is empty\n");
    }
    if let Some(omission) = chart.omission() {
        let _ = writeln!(out, "// {omission}");
    }
    out.push_str("digraph sleuth {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label={}];",
        dot_string(&chart.title)
    );
    out.push_str("  node [style=filled, fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    for (i, node) in chart.nodes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  n{i} [label={}, shape={}, fillcolor=\"{}\", class=\"{}\", tooltip={}];",
            dot_string(&node.label),
            node.kind.shape(),
            node.kind.color(),
            node.kind.name(),
            dot_string(&format!("{}: {}", node.kind, node.label))
        );
    }
    for edge in &chart.edges {
        let _ = writeln!(
            out,
            "  n{} -> n{} [label={}];",
            edge.from,
            edge.to,
            dot_string(&edge.label)
        );
    }
    out.push_str("}\n");
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
