//! This module defines the text form of a proof: an indented tree, one line
//! per node with detail lines under it, then the conclusion's confidence and
//! the paragraphs cited.
//!
//! ```text
//! recurring_hotspot("Tangier")  likely (0.71)
//! │ rule rules/cells.dl:20: recurring_hotspot(P) :- cell(C1, P), ...
//! │ with P = "Tangier", C1 = "op-2023-10/Tangier", ...
//! ├─ cell("op-2023-10/Tangier", "Tangier")  likely (0.71)
//! │    fact: morocco-sahel-recruitment ¶5, graded C2
//! ...
//! └─ O1 != O2  ("op-2023-10" != "op-2024-01")
//! ```
//!
//! A negated premise reads `no fact ...` with the assumption it makes, and
//! the proof ends with its assumptions of absence listed apart from the
//! evidence, then the mark of a conclusion that rests on the absence of an
//! event.

use crate::provenance::assumptions::SILENCE_MARK;
use crate::provenance::citations::Citation;
use crate::provenance::proof::{CutReason, Node, NodeKind, Proof};

/// Levels drawn before the tree restarts at the left margin (a deeper proof
/// would otherwise print lines that grow with its depth).
const MAX_LEVELS: usize = 24;

/// `, 2 sources` after a tuple's confidence: how many independent sources
/// support it.
pub(super) fn sources_suffix(count: Option<usize>) -> String {
    match count {
        Some(n) => format!(", {n} source{}", if n == 1 { "" } else { "s" }),
        None => String::new(),
    }
}

/// The node's line and its detail lines.
pub(super) fn describe(node: &Node) -> (String, Vec<String>) {
    let conf = node
        .confidence
        .map(|c| format!("  {c}{}", sources_suffix(node.independent_sources)))
        .unwrap_or_default();
    match &node.kind {
        NodeKind::Derived {
            tuple,
            rule,
            bindings,
        } => {
            let mut details = vec![format!("rule {}: {}", rule.location(), rule.text)];
            if !bindings.is_empty() {
                let b: Vec<String> = bindings.iter().map(ToString::to_string).collect();
                details.push(format!("with {}", b.join(", ")));
            }
            (format!("{tuple}{conf}"), details)
        }
        NodeKind::Fact { tuple, citations } => {
            let mut details = Vec::new();
            for c in citations {
                details.push(format!("fact: {}", c.short()));
                if let Citation::Report {
                    note: Some(note), ..
                } = c
                {
                    details.push(format!("inferred: {note}"));
                }
            }
            (format!("{tuple}{conf}"), details)
        }
        NodeKind::Absent(a) => (
            format!("no fact {}", a.atom()),
            vec![format!("assumed, not evidence ({})", a.scope())],
        ),
        NodeKind::Comparison {
            text,
            op,
            left,
            right,
        } => (
            format!(
                "{text}  ({} {} {})",
                left.to_datalog(),
                op.symbol(),
                right.to_datalog()
            ),
            Vec::new(),
        ),
        NodeKind::Test { text, args } => {
            let a: Vec<String> = args.iter().map(|v| v.to_datalog()).collect();
            (format!("{text}  (holds for {})", a.join(", ")), Vec::new())
        }
        NodeKind::Aggregate {
            text,
            group,
            result,
            total,
            ..
        } => {
            let mut details = Vec::new();
            if !group.is_empty() {
                let g: Vec<String> = group.iter().map(ToString::to_string).collect();
                details.push(format!("group {}", g.join(", ")));
            }
            let shown = node.children.len();
            details.push(format!(
                "{total} match{} counted{}{}",
                if *total == 1 { "" } else { "es" },
                if shown < *total {
                    format!(", the first {shown} shown")
                } else {
                    String::new()
                },
                node.confidence
                    .filter(|c| c.is_graded())
                    .map(|c| format!(", the weakest {c}"))
                    .unwrap_or_default()
            ));
            (format!("{text}  = {}", result.to_datalog()), details)
        }
        NodeKind::Match { index } => (format!("match {index}"), Vec::new()),
        NodeKind::Cut { tuple, reason } => {
            let why = match reason {
                CutReason::Depth(d) => {
                    format!(
                        "… proof not expanded: {d} rule steps shown (raise the bound with --depth)"
                    )
                }
                CutReason::Size(n) => {
                    format!("… proof not expanded: the proof reached {n} nodes")
                }
            };
            (format!("{tuple}{conf}"), vec![why])
        }
        NodeKind::Unexplained { tuple } => (
            format!("{tuple}{conf}"),
            vec!["no rule instance found for it in the recorded rounds".to_string()],
        ),
    }
}

/// The proof as an indented tree, with the conclusion's confidence and the
/// cited paragraphs at the end.
pub fn render_text(proof: &Proof) -> String {
    let mut out = String::new();
    // (node, prefix of its line, is the root, is the last child)
    let mut stack: Vec<(usize, String, bool, bool)> = vec![(0, String::new(), true, true)];
    while let Some((n, prefix, root, last)) = stack.pop() {
        let node = &proof.nodes[n];
        let (line, details) = describe(node);
        let (lead, cont) = match (root, last) {
            (true, _) => ("", ""),
            (false, true) => ("└─ ", "   "),
            (false, false) => ("├─ ", "│  "),
        };
        out.push_str(&format!("{prefix}{lead}{line}\n"));
        let below = format!("{prefix}{cont}");
        let bar = if node.children.is_empty() {
            "  "
        } else {
            "│ "
        };
        for d in details {
            out.push_str(&format!("{below}{bar}{d}\n"));
        }
        let below = if below.chars().count() > 3 * MAX_LEVELS && !node.children.is_empty() {
            out.push_str(&format!("{below}┆ (continued at the left margin)\n"));
            String::new()
        } else {
            below
        };
        let k = node.children.len();
        for (i, &c) in node.children.iter().enumerate().rev() {
            stack.push((c, below.clone(), false, i + 1 == k));
        }
    }
    let confidence = proof.confidence();
    out.push_str(&format!("\nconfidence: {confidence}"));
    if confidence.is_graded() {
        out.push_str(", the weakest premise of its strongest derivation");
    }
    out.push('\n');
    if let Some(n) = proof.independent_sources() {
        out.push_str(&format!(
            "independent sources: {n}, counted by origin (a source and what relays it count once), the fewest behind a premise of its best derivation\n"
        ));
    }
    let supports = proof.supports();
    if supports < confidence {
        out.push_str(&format!(
            "note: this proof (of least height) rests on a premise of {supports}; ask for the strongest proof (--strongest) to see the derivation behind {confidence}\n"
        ));
    }
    let cited = proof.cited_paragraphs();
    if !cited.is_empty() {
        let parts: Vec<String> = cited
            .iter()
            .map(|(s, ps)| {
                let ps: Vec<String> = ps.iter().map(|p| format!("¶{p}")).collect();
                format!("{s} {}", ps.join(" "))
            })
            .collect();
        out.push_str(&format!("cited: {}\n", parts.join("; ")));
    }
    if proof.is_cut() {
        out.push_str("note: parts of the proof are not expanded (marked …)\n");
    }
    out.push_str(&assumptions(proof));
    out
}

/// The proof's assumptions of absence, apart from its evidence, and the
/// mark of a conclusion that rests on the absence of an event.
pub(super) fn assumptions(proof: &Proof) -> String {
    let all = proof.assumptions();
    if all.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "assumptions (closed world: absent from the loaded sources, not evidence of absence):\n",
    );
    for a in &all {
        out.push_str(&format!("  - {}\n", a.sentence()));
    }
    if proof.rests_on_silence() {
        out.push_str(&format!(
            "{SILENCE_MARK}: this conclusion rests on the absence of an event in the loaded sources, not on a stated fact\n"
        ));
    } else if proof.assumes_an_event() {
        out.push_str(
            "note: this proof assumes the absence of an event, but the conclusion also follows from a derivation that assumes none\n",
        );
    }
    out
}
