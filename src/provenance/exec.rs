//! This module defines the executor of compiled bodies (`steps`) over the
//! evaluated database: a depth-first join over packed rows that records, for
//! each complete instance, the row each positive atom matched and, for each
//! aggregate, its value and the matches it counted. A filter on rows
//! (`admit`) is how proofs only use tuples derived earlier; a work budget
//! bounds searches that could otherwise take long.

use std::collections::HashMap;

use super::steps::{AggPlan, Key, Op, Step};
use crate::diag::Diagnostic;
use crate::eval::Database;
use crate::eval::aggregate::Accumulator;
use crate::eval::exec::Scratch;
use crate::eval::expr::{compare, eval};
use crate::eval::index::StaticIndex;
use crate::ir::RelId;

/// Indexes over the evaluated relations, keyed by relation and key columns.
#[derive(Default)]
pub(crate) struct Indexes {
    map: HashMap<(RelId, Vec<usize>), StaticIndex>,
}

impl Indexes {
    /// Builds the indexes a plan needs that are not built yet.
    pub(crate) fn ensure(&mut self, db: &Database, needs: &[(RelId, Vec<usize>)]) {
        for need in needs {
            if !self.map.contains_key(need) {
                let r = &db.rels[need.0];
                let ix = StaticIndex::build(r.data(), r.arity, r.len(), &need.1, r.version);
                self.map.insert(need.clone(), ix);
            }
        }
    }

    fn get(&self, rel: RelId, cols: &[usize]) -> Option<&StaticIndex> {
        self.map.get(&(rel, cols.to_vec()))
    }
}

/// A matched row: relation and row id.
pub(crate) type RowId = (RelId, u32);

/// What an aggregate found for one binding of its group.
#[derive(Clone, Debug)]
pub(crate) struct AggMatch {
    /// Its value (packed).
    pub value: u64,
    /// Number of matches counted.
    pub total: usize,
    /// The first matches, each the rows of the body's positive atoms
    /// (with their positions in the aggregate's body).
    pub matches: Vec<Vec<(usize, RowId)>>,
    /// The lowest confidence among every counted row (1000 when none).
    pub weakest: u16,
}

/// The bindings of one (partial) rule instance.
#[derive(Clone, Debug)]
pub(crate) struct Frame {
    /// One register per rule variable.
    pub regs: Vec<u64>,
    /// Per body position: the row a positive atom matched.
    pub rows: Vec<Option<RowId>>,
    /// Per body position: what an aggregate found.
    pub aggs: Vec<Option<AggMatch>>,
}

impl Frame {
    /// An empty frame for a rule with `nvars` variables and `body` literals.
    pub(crate) fn new(nvars: usize, body: usize) -> Frame {
        Frame {
            regs: vec![0; nvars.max(1)],
            rows: vec![None; body],
            aggs: vec![None; body],
        }
    }
}

/// Whether to go on enumerating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Look for more instances.
    Continue,
    /// Stop here.
    Stop,
}

/// Receives the progress of an enumeration.
pub(crate) trait Visitor {
    /// Called when the first `k` steps hold (before step `k` runs).
    fn reached(&mut self, _k: usize, _frame: &Frame) {}
    /// Called for each complete instance.
    fn complete(&mut self, exec: &mut Exec<'_>, frame: &Frame) -> Result<Flow, Diagnostic>;
}

/// Runs compiled steps over a database.
pub(crate) struct Exec<'a> {
    /// The evaluated relations.
    pub db: &'a Database,
    /// Indexes the steps need (built beforehand).
    pub indexes: &'a Indexes,
    /// Temporary symbols made by functors.
    pub scratch: &'a mut Scratch,
    /// Which rows outer positive atoms may use.
    pub admit: &'a dyn Fn(RelId, u32) -> bool,
    /// Confidence of a row, for aggregates' weakest counted row.
    pub confidence: Option<&'a dyn Fn(RelId, u32) -> u16>,
    /// Matches an aggregate keeps for display.
    pub keep: usize,
    /// Rows that may still be visited; the search stops at 0.
    pub budget: u64,
    /// Whether the budget ran out.
    pub exhausted: bool,
}

fn admit_all(_: RelId, _: u32) -> bool {
    true
}

fn apply(ops: &[Op], row: &[u64], regs: &mut [u64]) -> bool {
    for (op, &w) in ops.iter().zip(row) {
        match *op {
            Op::Bind(v) => regs[v] = w,
            Op::Check(v) if regs[v] != w => return false,
            Op::Const(c) if c != w => return false,
            _ => {}
        }
    }
    true
}

fn key_words(key: &[Key], regs: &[u64]) -> Vec<u64> {
    key.iter()
        .map(|k| match *k {
            Key::Var(v) => regs[v],
            Key::Const(c) => c,
        })
        .collect()
}

/// The rows of `rel` that can match an atom whose key columns are bound.
fn candidates<'a>(
    db: &'a Database,
    indexes: &'a Indexes,
    rel: RelId,
    ops: &[Op],
    key_cols: &[usize],
    key: &[Key],
    regs: &[u64],
) -> Candidates<'a> {
    let r = &db.rels[rel];
    if ops.is_empty() || key_cols.is_empty() {
        return Candidates::Range(0, r.len() as u32);
    }
    let words = key_words(key, regs);
    if key_cols.len() == ops.len() {
        return match r.find(&words) {
            Some(id) => Candidates::Range(id, id + 1),
            None => Candidates::Range(0, 0),
        };
    }
    match indexes.get(rel, key_cols) {
        Some(ix) => {
            let (a, b) = ix.lookup(&words);
            Candidates::Ids(&ix.ids[a..b])
        }
        None => Candidates::Range(0, r.len() as u32),
    }
}

/// Collects an aggregate's matches.
struct AggSink<'p> {
    plan: &'p AggPlan,
    /// The value, folded as the evaluator folds it.
    acc: Accumulator<'p>,
    keep: usize,
    matches: Vec<Vec<(usize, RowId)>>,
    weakest: u16,
}

impl Exec<'_> {
    fn tick(&mut self) -> bool {
        if self.budget == 0 {
            self.exhausted = true;
            return false;
        }
        self.budget -= 1;
        true
    }

    /// Runs `steps[k..]` from the frame's bindings. `outer` says whether the
    /// steps are the rule's body (rows filtered by `admit`, positions
    /// recorded in the frame) rather than an aggregate's.
    pub(crate) fn run(
        &mut self,
        steps: &[Step],
        k: usize,
        frame: &mut Frame,
        visitor: &mut dyn Visitor,
    ) -> Result<Flow, Diagnostic> {
        visitor.reached(k, frame);
        let Some(step) = steps.get(k) else {
            return visitor.complete(self, frame);
        };
        match step {
            Step::Atom {
                pos,
                rel,
                ops,
                key_cols,
                key,
            } => {
                let (db, indexes) = (self.db, self.indexes);
                let found = candidates(db, indexes, *rel, ops, key_cols, key, &frame.regs);
                let r = &db.rels[*rel];
                for id in found {
                    if !self.tick() {
                        return Ok(Flow::Stop);
                    }
                    if !(self.admit)(*rel, id) || !apply(ops, r.row(id as usize), &mut frame.regs) {
                        continue;
                    }
                    frame.rows[*pos] = Some((*rel, id));
                    let flow = self.run(steps, k + 1, frame, visitor)?;
                    frame.rows[*pos] = None;
                    if flow == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                Ok(Flow::Continue)
            }
            Step::Never { .. } => Ok(Flow::Continue),
            Step::Negated { .. } | Step::Filter { .. } | Step::Contains { .. } => {
                if self.holds(step, &frame.regs)? {
                    self.run(steps, k + 1, frame, visitor)
                } else {
                    Ok(Flow::Continue)
                }
            }
            Step::Bind { var, expr, .. } => {
                frame.regs[*var] =
                    eval(expr, &frame.regs, &self.db.interner, self.scratch).map_err(|d| *d)?;
                self.run(steps, k + 1, frame, visitor)
            }
            Step::Aggregate(plan) => {
                let Some(found) = self.aggregate(plan, &mut frame.regs)? else {
                    return Ok(Flow::Continue);
                };
                if plan.result_bound {
                    if frame.regs[plan.result] != found.value {
                        return Ok(Flow::Continue);
                    }
                } else {
                    frame.regs[plan.result] = found.value;
                }
                frame.aggs[plan.pos] = Some(found);
                let flow = self.run(steps, k + 1, frame, visitor)?;
                frame.aggs[plan.pos] = None;
                Ok(flow)
            }
        }
    }

    /// Whether a negation, comparison or test holds for bound registers.
    pub(crate) fn holds(&mut self, step: &Step, regs: &[u64]) -> Result<bool, Diagnostic> {
        let ix = &self.db.interner;
        Ok(match step {
            Step::Negated {
                rel,
                cols,
                key,
                vacuous,
                ..
            } => *vacuous || self.matching(*rel, cols, key, regs, 1).is_empty(),
            Step::Filter {
                op,
                left,
                right,
                ty,
                ..
            } => {
                let a = eval(left, regs, ix, self.scratch).map_err(|d| *d)?;
                let b = eval(right, regs, ix, self.scratch).map_err(|d| *d)?;
                compare(*op, a, b, *ty, ix, self.scratch)
            }
            Step::Contains { sub, s, .. } => {
                let a = eval(sub, regs, ix, self.scratch).map_err(|d| *d)?;
                let b = eval(s, regs, ix, self.scratch).map_err(|d| *d)?;
                self.scratch.sym(ix, b).contains(self.scratch.sym(ix, a))
            }
            _ => true,
        })
    }

    /// Up to `limit` rows of `rel` whose columns `cols` equal `key`.
    pub(crate) fn matching(
        &self,
        rel: RelId,
        cols: &[usize],
        key: &[Key],
        regs: &[u64],
        limit: usize,
    ) -> Vec<u32> {
        let r = &self.db.rels[rel];
        let words = key_words(key, regs);
        let ops: Vec<Op> = (0..r.arity)
            .map(|c| match cols.iter().position(|&k| k == c) {
                Some(i) => Op::Const(words[i]),
                None => Op::Skip,
            })
            .collect();
        let found = candidates(self.db, self.indexes, rel, &ops, cols, key, regs);
        let mut scratch = regs.to_vec();
        found
            .filter(|&id| apply(&ops, r.row(id as usize), &mut scratch))
            .take(limit)
            .collect()
    }

    /// Evaluates an aggregate for the current outer binding; `None` when
    /// `min` or `max` sees an empty group.
    pub(crate) fn aggregate(
        &mut self,
        plan: &AggPlan,
        regs: &mut Vec<u64>,
    ) -> Result<Option<AggMatch>, Diagnostic> {
        let mut sink = AggSink {
            plan,
            acc: Accumulator::new(plan.op, plan.ty, plan.distinct.as_deref(), plan.span),
            keep: self.keep,
            matches: Vec::new(),
            weakest: 1000,
        };
        let mut inner = Frame {
            regs: std::mem::take(regs),
            rows: vec![None; plan.body_len],
            aggs: vec![None; plan.body_len],
        };
        // An aggregate counts every row of its group (lower strata, complete).
        let saved_admit = self.admit;
        self.admit = &admit_all;
        let result = self.run_inner(&plan.steps, &mut inner, &mut sink);
        self.admit = saved_admit;
        *regs = inner.regs;
        result?;
        let value = sink.acc.finish();
        Ok(value.map(|value| AggMatch {
            value,
            total: sink.acc.count() as usize,
            matches: sink.matches,
            weakest: sink.weakest,
        }))
    }

    fn run_inner(
        &mut self,
        steps: &[Step],
        frame: &mut Frame,
        sink: &mut AggSink<'_>,
    ) -> Result<(), Diagnostic> {
        self.run(steps, 0, frame, sink).map(|_| ())
    }
}

impl Visitor for AggSink<'_> {
    fn complete(&mut self, exec: &mut Exec<'_>, inst: &Frame) -> Result<Flow, Diagnostic> {
        let plan = self.plan;
        if !self.acc.admits(&inst.regs) {
            return Ok(Flow::Continue);
        }
        let ix = &exec.db.interner;
        let value = match &plan.target {
            Some(t) => eval(t, &inst.regs, ix, exec.scratch).map_err(|d| *d)?,
            None => 0,
        };
        self.acc.add(value, ix, exec.scratch).map_err(|d| *d)?;
        let rows = inst
            .rows
            .iter()
            .enumerate()
            .filter_map(|(p, r)| r.map(|r| (p, r)));
        if let Some(conf) = exec.confidence {
            for (_, (rel, id)) in rows.clone() {
                self.weakest = self.weakest.min(conf(rel, id));
            }
        }
        if self.matches.len() < self.keep {
            self.matches.push(rows.collect());
        }
        Ok(Flow::Continue)
    }
}

/// The rows an atom may match.
enum Candidates<'a> {
    /// Row ids `a..b`.
    Range(u32, u32),
    /// Row ids from an index.
    Ids(&'a [u32]),
}

impl Iterator for Candidates<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            Candidates::Range(a, b) => {
                let id = *a;
                (id < *b).then(|| {
                    *a += 1;
                    id
                })
            }
            Candidates::Ids(ids) => {
                let (first, rest) = ids.split_first()?;
                *ids = rest;
                Some(*first)
            }
        }
    }
}
