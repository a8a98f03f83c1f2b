//! This module defines [`Proof`]: why a tuple holds, as a tree of nodes kept
//! in one vector (a node's children are indices, so no part of a proof,
//! however deep, is walked by recursion). A derived tuple names the rule
//! instance that derives it; a base tuple names where it comes from; the
//! other body literals of a rule instance (negations, comparisons, tests,
//! aggregates) are nodes too, so every premise of a step is shown. A
//! negation's node is an [`Assumption`] of absence, which
//! [`Proof::assumptions`] lists apart from the evidence.

use std::fmt;

use super::assumptions::Assumption;
use super::citations::Citation;
use super::confidence::Confidence;
use crate::ir::{AggOp, CmpOp, RuleId};
use crate::value::Value;

/// A tuple of a relation.
#[derive(Clone, Debug, PartialEq)]
pub struct Tuple {
    /// The relation's name.
    pub relation: String,
    /// One value per column.
    pub values: Vec<Value>,
}

/// As Datalog: `recurring_hotspot("Tangier")`.
impl fmt::Display for Tuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<String> = self.values.iter().map(Value::to_datalog).collect();
        write!(f, "{}({})", self.relation, args.join(", "))
    }
}

/// A rule as a proof cites it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleRef {
    /// Its index in the program.
    pub id: RuleId,
    /// The file it is written in.
    pub file: String,
    /// The line it starts on.
    pub line: usize,
    /// Its text as written, on one line.
    pub text: String,
}

impl RuleRef {
    /// `rules/cells.dl:20`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// A variable's value in a rule instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The variable as written.
    pub name: String,
    /// Its value.
    pub value: Value,
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.name, self.value.to_datalog())
    }
}

/// Why a proof stops early at a tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutReason {
    /// The proof reached the depth bound (the bound is given).
    Depth(usize),
    /// The proof reached the bound on its number of nodes.
    Size(usize),
}

/// What a proof node shows.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A tuple derived by a rule instance; its children are the instance's
    /// body literals, in the rule's order.
    Derived {
        /// The tuple.
        tuple: Tuple,
        /// The rule.
        rule: RuleRef,
        /// The instance's variables (those written outside aggregates).
        bindings: Vec<Binding>,
    },
    /// A base tuple and where it comes from (best-graded origin first).
    Fact {
        /// The tuple.
        tuple: Tuple,
        /// Its origins.
        citations: Vec<Citation>,
    },
    /// A negated body atom: no tuple matches it in what was loaded, which
    /// the proof assumes (a closed-world assumption, not evidence).
    Absent(Assumption),
    /// A comparison that holds.
    Comparison {
        /// The comparison as written.
        text: String,
        /// The operator.
        op: CmpOp,
        /// Its left side's value.
        left: Value,
        /// Its right side's value.
        right: Value,
    },
    /// A boolean built-in that holds, such as `contains(a, b)`.
    Test {
        /// As written.
        text: String,
        /// Its arguments' values.
        args: Vec<Value>,
    },
    /// An aggregate: its group, its value, and (as children) the matches it
    /// counted, up to a limit.
    Aggregate {
        /// As written.
        text: String,
        /// The function.
        op: AggOp,
        /// The variables that group it, with their values.
        group: Vec<Binding>,
        /// Its value.
        result: Value,
        /// How many matches it counted (children show the first ones).
        total: usize,
    },
    /// One match counted by an aggregate whose body has several atoms.
    Match {
        /// 1-based number of the match.
        index: usize,
    },
    /// A derived tuple whose proof is not expanded further.
    Cut {
        /// The tuple.
        tuple: Tuple,
        /// Which bound was reached.
        reason: CutReason,
    },
    /// A tuple for which no rule instance was found (the recorded rounds do
    /// not match the rules, e.g. after the database was changed by hand).
    Unexplained {
        /// The tuple.
        tuple: Tuple,
    },
}

impl NodeKind {
    /// The tuple a tuple node stands for.
    pub fn tuple(&self) -> Option<&Tuple> {
        match self {
            NodeKind::Derived { tuple, .. }
            | NodeKind::Fact { tuple, .. }
            | NodeKind::Cut { tuple, .. }
            | NodeKind::Unexplained { tuple } => Some(tuple),
            _ => None,
        }
    }

    /// The kind's name, as the JSON form writes it.
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Derived { .. } => "derived",
            NodeKind::Fact { .. } => "fact",
            NodeKind::Absent { .. } => "negation",
            NodeKind::Comparison { .. } => "comparison",
            NodeKind::Test { .. } => "test",
            NodeKind::Aggregate { .. } => "aggregate",
            NodeKind::Match { .. } => "match",
            NodeKind::Cut { .. } => "cut",
            NodeKind::Unexplained { .. } => "unexplained",
        }
    }
}

/// The text of a negated atom: `theater_country("Somalia", _)`.
pub fn absent_text(relation: &str, values: &[Option<Value>]) -> String {
    let args: Vec<String> = values
        .iter()
        .map(|v| v.as_ref().map_or("_".to_string(), Value::to_datalog))
        .collect();
    format!("{relation}({})", args.join(", "))
}

/// One node of a proof.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it shows.
    pub kind: NodeKind,
    /// For a tuple: its confidence; for an aggregate: the weakest tuple it
    /// counted.
    pub confidence: Option<Confidence>,
    /// For a tuple: how many independent sources (distinct origins)
    /// support it, counted as its confidence is combined (a derived tuple
    /// has its best derivation's weakest premise's count); `None` when no
    /// source supports it or for other nodes.
    pub independent_sources: Option<usize>,
    /// For a premise of a rule instance: its position in the rule's body.
    pub literal: Option<usize>,
    /// Its premises, as indices into [`Proof::nodes`].
    pub children: Vec<usize>,
}

/// Why a tuple holds: a proof tree whose root (node 0) is the conclusion.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof {
    /// Every node; node 0 is the root and a child always follows its parent.
    pub nodes: Vec<Node>,
    /// Whether the proof follows the derivation that gives the conclusion
    /// its confidence (otherwise it is the proof of least height).
    pub strongest: bool,
    /// Whether the conclusion has a derivation that assumes no absence of
    /// an event (this proof's or another); otherwise it rests on silence.
    pub grounded: bool,
}

impl Proof {
    /// The conclusion's node.
    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    /// The conclusion.
    pub fn conclusion(&self) -> &Tuple {
        self.root().kind.tuple().expect("a proof's root is a tuple")
    }

    /// How many independent sources support the conclusion (see
    /// [`Node::independent_sources`]).
    pub fn independent_sources(&self) -> Option<usize> {
        self.root().independent_sources
    }

    /// The conclusion's confidence.
    pub fn confidence(&self) -> Confidence {
        self.root().confidence.unwrap_or(Confidence::UNGRADED)
    }

    /// The confidence this proof alone supports: the weakest base fact,
    /// aggregate or unexpanded tuple in it. It is the conclusion's
    /// confidence for the strongest proof, and may be lower for the proof
    /// of least height.
    pub fn supports(&self) -> Confidence {
        self.nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.kind,
                    NodeKind::Fact { .. }
                        | NodeKind::Aggregate { .. }
                        | NodeKind::Cut { .. }
                        | NodeKind::Unexplained { .. }
                )
            })
            .filter_map(|n| n.confidence)
            .min()
            .unwrap_or(Confidence::UNGRADED)
    }

    /// Whether some part of the proof was cut by a bound.
    pub fn is_cut(&self) -> bool {
        self.nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Cut { .. } | NodeKind::Unexplained { .. }))
    }

    /// The assumptions of absence among a node's premises (those of the
    /// rule instance a derived node stands for).
    pub fn assumptions_of(&self, node: usize) -> Vec<&Assumption> {
        self.nodes[node]
            .children
            .iter()
            .filter_map(|&c| match &self.nodes[c].kind {
                NodeKind::Absent(a) => Some(a),
                _ => None,
            })
            .collect()
    }

    /// Every assumption of absence the proof relies on, in the order of the
    /// tree, each once.
    pub fn assumptions(&self) -> Vec<&Assumption> {
        let mut out: Vec<&Assumption> = Vec::new();
        for n in &self.nodes {
            if let NodeKind::Absent(a) = &n.kind
                && !out
                    .iter()
                    .any(|b| b.relation == a.relation && b.values == a.values)
            {
                out.push(a);
            }
        }
        out
    }

    /// Whether the conclusion rests on silence: every derivation of it
    /// assumes the absence of an event in the loaded sources, so it is not
    /// a stated fact.
    pub fn rests_on_silence(&self) -> bool {
        !self.grounded
    }

    /// Whether this proof assumes the absence of an event (the conclusion
    /// may still have a derivation that does not: see
    /// [`Proof::rests_on_silence`]).
    pub fn assumes_an_event(&self) -> bool {
        self.assumptions().iter().any(|a| a.is_event())
    }

    /// Every citation of the proof's base facts, in the order of the tree.
    pub fn citations(&self) -> Vec<&Citation> {
        self.nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::Fact { citations, .. } => Some(citations.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The report paragraphs the proof cites, by source, sorted and distinct.
    pub fn cited_paragraphs(&self) -> Vec<(String, Vec<u32>)> {
        let mut out: Vec<(String, Vec<u32>)> = Vec::new();
        for c in self.citations() {
            if let Citation::Report {
                source, paragraph, ..
            } = c
            {
                match out.iter_mut().find(|(s, _)| s == source) {
                    Some((_, ps)) => ps.push(*paragraph),
                    None => out.push((source.clone(), vec![*paragraph])),
                }
            }
        }
        out.sort();
        for (_, ps) in &mut out {
            ps.sort_unstable();
            ps.dedup();
        }
        out
    }
}
