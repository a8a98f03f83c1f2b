//! This module defines a chart in GraphML, the XML graph format Gephi, yEd
//! and i2 Analyst's Notebook import: keys declared for the node label,
//! kind and colour and the edge label, then one element per node and edge.

use std::fmt::Write as _;

use super::super::escape::escape_xml;
use super::Chart;

/// The chart as a GraphML document (UTF-8, directed edges).
pub fn to_graphml(chart: &Chart) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(concat!(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"",
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns",
        " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
    ));
    for (id, on, name) in [
        ("query", "graph", "query"),
        ("label", "node", "label"),
        ("kind", "node", "kind"),
        ("color", "node", "color"),
        ("edge_label", "edge", "label"),
    ] {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"string\"/>"
        );
    }
    if chart.is_empty() {
        out.push_str("  <!-- the query has no answers: the chart is empty -->\n");
    }
    out.push_str("  <graph id=\"sleuth\" edgedefault=\"directed\">\n");
    let _ = writeln!(
        out,
        "    <data key=\"query\">{}</data>",
        escape_xml(&chart.title)
    );
    for (i, node) in chart.nodes.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <node id=\"n{i}\"><data key=\"label\">{}</data><data key=\"kind\">{}</data><data key=\"color\">{}</data></node>",
            escape_xml(&node.label),
            node.kind.name(),
            node.kind.color()
        );
    }
    for (i, edge) in chart.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"n{}\" target=\"n{}\"><data key=\"edge_label\">{}</data></edge>",
            edge.from,
            edge.to,
            escape_xml(&edge.label)
        );
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
