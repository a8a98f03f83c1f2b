//! This module defines the Graphviz form of a proof: one node per proof
//! node, edges from each conclusion to its premises. Derived tuples name
//! their rule's location, base facts their source paragraph and grade,
//! comparisons are ellipses. A negation is an assumption, not evidence: a
//! dashed note naming the sources searched, filled in orange when it is
//! about an event, and a conclusion that rests on such an absence says so
//! in the graph's label.
//!
//! ```text
//! sleuth explain --format dot 'recurring_hotspot("Tangier")' | dot -Tsvg > proof.svg
//! ```

use crate::provenance::assumptions::SILENCE_MARK;
use crate::provenance::citations::Citation;
use crate::provenance::proof::{NodeKind, Proof};

use super::text::describe;

/// Escapes a label for a double-quoted DOT string.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The proof as a Graphviz digraph.
pub fn render_dot(proof: &Proof) -> String {
    let mut out = String::from(
        "digraph proof {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n  edge [arrowsize=0.6];\n",
    );
    for (i, node) in proof.nodes.iter().enumerate() {
        let (line, _) = describe(node);
        let mut label = vec![escape(&line)];
        let mut attrs = String::new();
        match &node.kind {
            NodeKind::Derived { rule, .. } => {
                label.push(escape(&format!("rule {}", rule.location())));
            }
            NodeKind::Fact { citations, .. } => {
                for c in citations {
                    label.push(escape(&match c {
                        Citation::Report {
                            source,
                            paragraph,
                            grade,
                            ..
                        } => format!("{source} ¶{paragraph} ({grade})"),
                        other => other.short(),
                    }));
                }
                attrs.push_str(", style=\"rounded,filled\", fillcolor=\"#eef3fb\"");
            }
            NodeKind::Absent(a) => {
                label.push(escape(&format!("assumed, not evidence ({})", a.scope())));
                attrs.push_str(if a.is_event() {
                    ", shape=note, style=\"dashed,filled\", fillcolor=\"#fdecd2\", color=\"#b35c00\""
                } else {
                    ", shape=note, style=dashed"
                });
            }
            NodeKind::Comparison { .. } | NodeKind::Test { .. } => {
                attrs.push_str(", shape=ellipse")
            }
            NodeKind::Aggregate { total, .. } => {
                label.push(format!("{total} counted"));
                attrs.push_str(", shape=hexagon");
            }
            NodeKind::Cut { .. } | NodeKind::Unexplained { .. } => {
                label.push("…".to_string());
                attrs.push_str(", style=dotted");
            }
            NodeKind::Match { .. } => attrs.push_str(", shape=point"),
        }
        out.push_str(&format!(
            "  n{i} [label=\"{}\"{attrs}];\n",
            label.join("\\n")
        ));
    }
    for (i, node) in proof.nodes.iter().enumerate() {
        for c in &node.children {
            out.push_str(&format!("  n{i} -> n{c};\n"));
        }
    }
    if proof.rests_on_silence() {
        out.push_str(&format!(
            "  label=\"{}\";\n  labelloc=t;\n",
            escape(&format!(
                "{SILENCE_MARK}: rests on the absence of an event in the loaded sources"
            ))
        ));
    }
    out.push_str("}\n");
    out
}
