//! This module defines stratification: the strongly connected components of
//! the dependency graph between derived relations, in an order where each
//! depends only on itself and earlier ones.
//!
//! Rule of thumb: a relation may depend on itself positively (recursion) but
//! not through a negation or an aggregate: that is `unstratifiable`, and the
//! message names the relations on the cycle in order. Only relations with at
//! least one rule get a stratum; relations filled only by facts or `.input`
//! are in no stratum (a back end loads them before the first stratum).

use crate::diag::Code;
use std::collections::VecDeque;

use super::form::{Literal, Rule};
use super::names::Table;
use crate::diag::{Diagnostic, Span};
use crate::ir::{RelId, RuleId, Stratum};

/// Why a relation depends on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Positive,
    Negation,
    Aggregate,
}

/// `from` (a head) depends on `to` (a body relation).
#[derive(Clone, Copy, Debug)]
struct Edge {
    to: RelId,
    kind: Kind,
    span: Span,
}

/// Orders the derived relations into strata; reports negation or
/// aggregation through recursion.
pub(super) fn stratify(table: &Table, rules: &[Rule], diags: &mut Vec<Diagnostic>) -> Vec<Stratum> {
    let n = table.relations.len();
    let mut rules_of: Vec<Vec<RuleId>> = vec![Vec::new(); n];
    for (id, rule) in rules.iter().enumerate() {
        rules_of[rule.head.rel].push(id);
    }
    let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); n];
    for rule in rules {
        let mut deps = Vec::new();
        dependencies(&rule.body, Kind::Positive, &mut deps);
        deps.retain(|e| !rules_of[e.to].is_empty());
        edges[rule.head.rel].extend(deps);
    }
    let components = tarjan(&edges, |r| !rules_of[r].is_empty());
    let mut component_of = vec![usize::MAX; n];
    for (c, relations) in components.iter().enumerate() {
        for &r in relations {
            component_of[r] = c;
        }
    }
    let mut strata = Vec::with_capacity(components.len());
    for (c, mut relations) in components.into_iter().enumerate() {
        relations.sort_unstable();
        let inside = |e: &&Edge| component_of[e.to] == c;
        let internal: Vec<(RelId, &Edge)> = relations
            .iter()
            .flat_map(|&r| edges[r].iter().filter(inside).map(move |e| (r, e)))
            .collect();
        if let Some((from, edge)) = internal.iter().find(|(_, e)| e.kind != Kind::Positive) {
            diags.push(unstratifiable(table, &edges, &component_of, *from, edge));
        }
        let mut stratum_rules: Vec<RuleId> = relations
            .iter()
            .flat_map(|&r| rules_of[r].iter().copied())
            .collect();
        stratum_rules.sort_unstable();
        strata.push(Stratum {
            recursive: !internal.is_empty(),
            relations,
            rules: stratum_rules,
        });
    }
    strata
}

/// The relations a body reads; everything inside an aggregate counts as
/// aggregated.
fn dependencies(body: &[Literal], kind: Kind, out: &mut Vec<Edge>) {
    for literal in body {
        match literal {
            Literal::Atom(a) => out.push(Edge {
                to: a.rel,
                kind,
                span: a.span,
            }),
            Literal::Negated(a) => {
                let kind = if kind == Kind::Aggregate {
                    kind
                } else {
                    Kind::Negation
                };
                out.push(Edge {
                    to: a.rel,
                    kind,
                    span: a.span,
                });
            }
            Literal::Aggregate(a) => dependencies(&a.body, Kind::Aggregate, out),
            Literal::Compare { .. } | Literal::Test { .. } => {}
        }
    }
}

/// Tarjan's algorithm without recursion (programs can have long chains of
/// relations). Components come out dependencies first.
fn tarjan(edges: &[Vec<Edge>], include: impl Fn(RelId) -> bool) -> Vec<Vec<RelId>> {
    let mut t = Tarjan {
        index: vec![UNSEEN; edges.len()],
        low: vec![0; edges.len()],
        on_stack: vec![false; edges.len()],
        stack: Vec::new(),
        calls: Vec::new(),
        next: 0,
        components: Vec::new(),
    };
    for root in 0..edges.len() {
        if include(root) && t.index[root] == UNSEEN {
            t.run(edges, root);
        }
    }
    t.components
}

const UNSEEN: usize = usize::MAX;

struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<RelId>,
    /// The simulated call stack: a node and its next edge to follow.
    calls: Vec<(RelId, usize)>,
    next: usize,
    components: Vec<Vec<RelId>>,
}

impl Tarjan {
    fn visit(&mut self, v: RelId) {
        self.index[v] = self.next;
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        self.calls.push((v, 0));
    }

    fn run(&mut self, edges: &[Vec<Edge>], root: RelId) {
        self.visit(root);
        while let Some(&(v, i)) = self.calls.last() {
            if let Some(edge) = edges[v].get(i) {
                self.calls.last_mut().expect("non-empty").1 += 1;
                let w = edge.to;
                if self.index[w] == UNSEEN {
                    self.visit(w);
                } else if self.on_stack[w] {
                    self.low[v] = self.low[v].min(self.index[w]);
                }
                continue;
            }
            self.calls.pop();
            if let Some(&(u, _)) = self.calls.last() {
                self.low[u] = self.low[u].min(self.low[v]);
            }
            if self.low[v] == self.index[v] {
                self.pop_component(v);
            }
        }
    }

    fn pop_component(&mut self, v: RelId) {
        let mut component = Vec::new();
        while let Some(w) = self.stack.pop() {
            self.on_stack[w] = false;
            component.push(w);
            if w == v {
                break;
            }
        }
        self.components.push(component);
    }
}

fn unstratifiable(
    table: &Table,
    edges: &[Vec<Edge>],
    component_of: &[usize],
    from: RelId,
    edge: &Edge,
) -> Diagnostic {
    let cycle = cycle_through(edges, component_of, from, edge.to);
    let names: Vec<String> = cycle
        .iter()
        .map(|&r| format!("`{}`", table.relations[r].name))
        .collect();
    let (through, label) = match edge.kind {
        Kind::Aggregate => ("an aggregate", "aggregated here, inside its own recursion"),
        _ => ("a negation", "negated here, inside its own recursion"),
    };
    Diagnostic::new(
        Code::Unstratifiable,
        format!(
            "`{}` depends on itself through {through}: {}",
            table.relations[from].name,
            names.join(" -> ")
        ),
        Some(edge.span),
    )
    .with_label(label)
    .with_help("a relation cannot depend on the negation or an aggregate of itself; compute the negated or aggregated part in a relation that does not depend on the result")
}

/// The cycle `from -> to -> ... -> from` inside one component (breadth
/// first, so the shortest).
fn cycle_through(
    edges: &[Vec<Edge>],
    component_of: &[usize],
    from: RelId,
    to: RelId,
) -> Vec<RelId> {
    let c = component_of[from];
    let mut previous = vec![usize::MAX; edges.len()];
    let mut queue = VecDeque::from([to]);
    previous[to] = to;
    while let Some(v) = queue.pop_front() {
        if v == from {
            break;
        }
        for e in &edges[v] {
            if component_of[e.to] == c && previous[e.to] == usize::MAX {
                previous[e.to] = v;
                queue.push_back(e.to);
            }
        }
    }
    let mut path = vec![from];
    let mut v = from;
    while v != to && previous[v] != usize::MAX {
        v = previous[v];
        path.push(v);
    }
    path.push(from);
    let last = path.len() - 1;
    path[1..last].reverse();
    path
}
