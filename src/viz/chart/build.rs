//! This module defines how answers become nodes and edges (the rules are
//! in the parent module's documentation), within the bound on nodes.

use std::collections::{BTreeSet, HashMap};

use crate::session::Answers;
use crate::value::Value;

use super::super::kinds::{Kind, KindIndex};
use super::labels::QueryShape;
use super::{Chart, ChartOptions, Edge, Node, label_of};

/// What one answer adds: nodes (id, label, kind) and edges between them
/// (positions in that list).
struct Piece {
    nodes: Vec<Node>,
    edges: Vec<(usize, usize, String)>,
}

/// Builds the chart of a query's answers.
pub(crate) fn build(
    answers: &Answers,
    shape: &QueryShape,
    kinds: &KindIndex,
    title: &str,
    options: &ChartOptions,
) -> Chart {
    let width = answers.columns.len();
    // The kind of each cell, column by column.
    let column_kinds: Vec<Vec<Kind>> = (0..width)
        .map(|j| {
            let values: Vec<&Value> = answers.rows.iter().map(|r| &r[j]).collect();
            kinds.column_kinds(&values)
        })
        .collect();
    let entity_columns: Vec<usize> = (0..width)
        .filter(|&j| column_kinds[j].iter().any(|k| *k != Kind::Value))
        .collect();
    let mut chart = Chart {
        title: title.to_string(),
        columns: answers.columns.clone(),
        nodes: Vec::new(),
        edges: Vec::new(),
        answers: answers.rows.len(),
        max_nodes: options.max_nodes,
        omitted_answers: 0,
        omitted_nodes: 0,
    };
    let hub_key = if width > 2 && entity_columns.len() != 2 {
        hub_key_length(answers, shape, &entity_columns)
    } else {
        0
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut edges_seen: BTreeSet<(usize, usize, String)> = BTreeSet::new();
    let mut left_out: BTreeSet<String> = BTreeSet::new();
    for (i, row) in answers.rows.iter().enumerate() {
        let node = |j: usize| {
            let kind = column_kinds[j][i];
            let label = label_of(&row[j]);
            Node {
                id: format!("{}:{label}", kind.name()),
                label,
                kind,
            }
        };
        let piece = match width {
            0 => continue,
            1 => Piece {
                nodes: vec![node(0)],
                edges: Vec::new(),
            },
            2 => Piece {
                nodes: vec![node(0), node(1)],
                edges: vec![(
                    0,
                    1,
                    shape.between(&answers.columns[0], &answers.columns[1]),
                )],
            },
            _ if entity_columns.len() == 2 => {
                let (a, b) = (entity_columns[0], entity_columns[1]);
                let label = format!(
                    "{} ({})",
                    shape.between(&answers.columns[a], &answers.columns[b]),
                    attributes(answers, row, |j| j != a && j != b)
                );
                Piece {
                    nodes: vec![node(a), node(b)],
                    edges: vec![(0, 1, label)],
                }
            }
            _ => {
                let drawn = hub_columns(width, &entity_columns);
                let mut nodes = vec![Node {
                    id: format!("row:{}", i + 1),
                    label: hub_label(answers, row, shape, &drawn, hub_key),
                    kind: Kind::Row,
                }];
                let mut edges = Vec::new();
                for &j in &drawn {
                    nodes.push(node(j));
                    edges.push((0, nodes.len() - 1, answers.columns[j].clone()));
                }
                Piece { nodes, edges }
            }
        };
        let new: BTreeSet<&str> = piece
            .nodes
            .iter()
            .map(|n| n.id.as_str())
            .filter(|id| !index.contains_key(*id))
            .collect();
        if chart.nodes.len() + new.len() > options.max_nodes {
            chart.omitted_answers += 1;
            left_out.extend(new.into_iter().map(str::to_string));
            continue;
        }
        let at: Vec<usize> = piece
            .nodes
            .into_iter()
            .map(|n| {
                *index.entry(n.id.clone()).or_insert_with(|| {
                    chart.nodes.push(n);
                    chart.nodes.len() - 1
                })
            })
            .collect();
        for (from, to, label) in piece.edges {
            let key = (at[from], at[to], label);
            if edges_seen.insert(key.clone()) {
                chart.edges.push(Edge {
                    from: key.0,
                    to: key.1,
                    label: key.2,
                });
            }
        }
    }
    chart.omitted_nodes = left_out
        .iter()
        .filter(|id| !index.contains_key(*id))
        .count();
    chart
}

/// The columns an answer's hub is linked to: its entity columns, or every
/// column when none holds entities.
fn hub_columns(width: usize, entity_columns: &[usize]) -> Vec<usize> {
    if entity_columns.is_empty() {
        (0..width).collect()
    } else {
        entity_columns.to_vec()
    }
}

/// A hub's label: the query's relations, the values of the first `key`
/// linked columns and the answer's other values in parentheses
/// (`hotspot_revisit: Tangier (M=3)`).
fn hub_label(
    answers: &Answers,
    row: &[Value],
    shape: &QueryShape,
    drawn: &[usize],
    key: usize,
) -> String {
    let mut label = shape.hub();
    if key > 0 {
        let values: Vec<String> = drawn.iter().take(key).map(|&j| label_of(&row[j])).collect();
        label.push_str(": ");
        label.push_str(&values.join(", "));
    }
    let extra = attributes(answers, row, |j| !drawn.contains(&j));
    if !extra.is_empty() {
        label.push_str(&format!(" ({extra})"));
    }
    label
}

/// The fewest linked columns whose values, with the answer's other values,
/// tell every hub apart: 0 when the other values already do.
fn hub_key_length(answers: &Answers, shape: &QueryShape, entity_columns: &[usize]) -> usize {
    let width = answers.columns.len();
    let drawn = hub_columns(width, entity_columns);
    (0..drawn.len())
        .find(|&key| {
            let mut seen = BTreeSet::new();
            answers
                .rows
                .iter()
                .all(|row| seen.insert(hub_label(answers, row, shape, &drawn, key)))
        })
        .unwrap_or(drawn.len())
}

/// `n=3, months=7`: the values of the columns `keep` chooses.
fn attributes(answers: &Answers, row: &[Value], keep: impl Fn(usize) -> bool) -> String {
    (0..row.len())
        .filter(|&j| keep(j))
        .map(|j| format!("{}={}", answers.columns[j], label_of(&row[j])))
        .collect::<Vec<_>>()
        .join(", ")
}
