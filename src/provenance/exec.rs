//! This module defines how explanations run rule bodies: planned by the
//! evaluator's planner (`eval::plan`) and run by its executor
//! (`eval::exec`), through a traced sink that keeps, for each complete
//! instance, the row each positive atom matched and what each aggregate
//! counted. A filter on rows (`admit`) is how proofs use only tuples derived
//! earlier, or only strong enough ones; a work budget bounds searches that
//! could otherwise take long. Nothing here matches a literal: what a literal
//! means is the evaluator's code alone.

use std::collections::HashMap;
use std::rc::Rc;

use crate::diag::Diagnostic;
use crate::eval::Database;
use crate::eval::aggregate::Accumulator;
use crate::eval::database::index_is_current;
use crate::eval::exec::{Ctx, IndexView, Scratch, Sink, Stop, run};
use crate::eval::expr::eval;
use crate::eval::index::StaticIndex;
use crate::eval::plan::{AggStep, CExpr, IndexReq, Step};
use crate::ir::RelId;

/// A matched row: relation and row id.
pub(crate) type RowId = (RelId, u32);

/// The index a plan's request reads.
enum Slot<'w> {
    /// The evaluator's own, current.
    Db(&'w StaticIndex),
    /// Built for explanations.
    Own(Rc<StaticIndex>),
}

/// The indexes the plans made so far read, one per request (by position).
#[derive(Default)]
pub(crate) struct Indexes<'w> {
    built: HashMap<(RelId, Vec<usize>), Rc<StaticIndex>>,
    slots: Vec<Slot<'w>>,
}

impl<'w> Indexes<'w> {
    /// Finds or builds the index of every request not served yet.
    pub(crate) fn ensure(&mut self, db: &'w Database, reqs: &[IndexReq]) {
        for req in &reqs[self.slots.len().min(reqs.len())..] {
            let key = (req.rel, req.cols.clone());
            let slot = if index_is_current(&db.static_indexes, &db.rels, req.rel, &req.cols) {
                Slot::Db(&db.static_indexes[&key])
            } else {
                let r = &db.rels[req.rel];
                let ix = self.built.entry(key).or_insert_with(|| {
                    Rc::new(StaticIndex::build(
                        r.rows(),
                        r.arity,
                        r.len(),
                        &req.cols,
                        r.version,
                    ))
                });
                Slot::Own(ix.clone())
            };
            self.slots.push(slot);
        }
    }

    /// Whether an index on these columns exists (for the planner's costs).
    pub(crate) fn has(&self, db: &Database, rel: RelId, cols: &[usize]) -> bool {
        index_is_current(&db.static_indexes, &db.rels, rel, cols)
            || self.built.contains_key(&(rel, cols.to_vec()))
    }

    fn views(&self) -> Vec<IndexView<'_>> {
        self.slots
            .iter()
            .map(|s| match s {
                Slot::Db(ix) => IndexView::Static(ix),
                Slot::Own(ix) => IndexView::Static(ix),
            })
            .collect()
    }
}

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

/// The bindings of one rule instance, owned.
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

/// A complete instance as the search sees it.
pub(crate) struct Instance<'a> {
    /// One register per rule variable.
    pub regs: &'a [u64],
    /// Per body position: the row a positive atom matched.
    pub rows: &'a [Option<RowId>],
    /// Per body position: what an aggregate found.
    pub aggs: &'a [Option<AggMatch>],
}

impl Instance<'_> {
    /// An owned copy.
    pub(crate) fn to_frame(&self) -> Frame {
        Frame {
            regs: self.regs.to_vec(),
            rows: self.rows.to_vec(),
            aggs: self.aggs.to_vec(),
        }
    }

    /// A word of an expression over the instance's registers.
    pub(crate) fn eval(&self, e: &CExpr, ctx: &Ctx, sc: &mut Scratch) -> Result<u64, Diagnostic> {
        eval(e, self.regs, ctx.interner, sc).map_err(|d| *d)
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

/// Receives the progress of a search.
pub(crate) trait Visitor {
    /// Called when the first `k` steps hold (before step `k` runs).
    fn reached(&mut self, _k: usize, _regs: &[u64]) {}
    /// Called for each complete instance.
    fn complete(
        &mut self,
        ctx: &Ctx,
        sc: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic>;
}

/// What a search may use and how far it may go.
pub(crate) struct Limits<'a> {
    /// Which rows the body's own positive atoms may use (an aggregate
    /// counts every row: it reads complete lower strata).
    pub admit: &'a dyn Fn(RelId, u32) -> bool,
    /// Confidence of a row, for aggregates' weakest counted row.
    pub confidence: Option<&'a dyn Fn(RelId, u32) -> u16>,
    /// Matches an aggregate keeps for display.
    pub keep: usize,
    /// Rows that may be visited; the search stops at 0.
    pub budget: u64,
}

/// Admits every row.
pub(crate) fn admit_all(_: RelId, _: u32) -> bool {
    true
}

/// The end of a search.
pub(crate) struct Searched<V> {
    /// The visitor, with what it gathered.
    pub visitor: V,
    /// Whether the budget ran out.
    pub exhausted: bool,
}

/// Runs `steps` over the database from `frame`'s bindings.
pub(crate) fn search<V: Visitor>(
    db: &Database,
    indexes: &Indexes<'_>,
    scratch: &mut Scratch,
    steps: &[Step],
    frame: Frame,
    limits: &Limits<'_>,
    visitor: V,
) -> Result<Searched<V>, Diagnostic> {
    let views = indexes.views();
    let unbounded = crate::eval::limits::Limits::unbounded();
    let ctx = ctx(db, &views, &unbounded);
    let Frame {
        mut regs,
        rows,
        aggs,
    } = frame;
    let mut sink = Traced {
        limits,
        rows,
        aggs,
        budget: limits.budget,
        exhausted: false,
        stop: false,
        total: steps.len(),
        visitor,
    };
    run(&ctx, steps, &mut regs, scratch, &mut sink).map_err(|d| *d)?;
    Ok(Searched {
        visitor: sink.visitor,
        exhausted: sink.exhausted,
    })
}

/// An aggregate's value and matches for the binding in `regs`; `None` when
/// `min`, `max` or `mean` sees an empty group.
pub(crate) fn aggregate(
    db: &Database,
    indexes: &Indexes<'_>,
    scratch: &mut Scratch,
    ag: &AggStep,
    regs: &[u64],
    limits: &Limits<'_>,
) -> Result<Option<AggMatch>, Diagnostic> {
    let views = indexes.views();
    let unbounded = crate::eval::limits::Limits::unbounded();
    let ctx = ctx(db, &views, &unbounded);
    let mut regs = regs.to_vec();
    let mut budget = limits.budget;
    let mut exhausted = false;
    fold(
        &ctx,
        ag,
        &mut regs,
        scratch,
        limits,
        &mut budget,
        &mut exhausted,
    )
    .map_err(|d| *d)
}

/// The executor's context over the explained database. The explainer's
/// search is bounded by its own budget, not by the evaluation's limits.
fn ctx<'a>(
    db: &'a Database,
    views: &'a [IndexView<'a>],
    unbounded: &'a crate::eval::limits::Limits<'a>,
) -> Ctx<'a> {
    Ctx {
        rels: &db.rels,
        indexes: views,
        interner: &db.interner,
        limits: unbounded,
        at: crate::eval::limits::At {
            stratum: 0,
            relation: "",
        },
        fold_groups_after: 0,
    }
}

/// The sink of a search: keeps the rows and aggregates of the binding being
/// built, and hands complete ones to the visitor.
struct Traced<'a, 'l, V> {
    limits: &'a Limits<'l>,
    rows: Vec<Option<RowId>>,
    aggs: Vec<Option<AggMatch>>,
    budget: u64,
    exhausted: bool,
    stop: bool,
    total: usize,
    visitor: V,
}

impl<V: Visitor> Sink for Traced<'_, '_, V> {
    const TRACED: bool = true;

    fn accept(&mut self, ctx: &Ctx, sc: &mut Scratch, regs: &[u64]) -> Result<(), Stop> {
        let inst = Instance {
            regs,
            rows: &self.rows,
            aggs: &self.aggs,
        };
        if self.visitor.complete(ctx, sc, &inst).map_err(Box::new)? == Flow::Stop {
            self.stop = true;
        }
        Ok(())
    }

    fn row(&mut self, lit: usize, rel: usize, id: u32) -> bool {
        if self.stop {
            return false;
        }
        if self.budget == 0 {
            self.exhausted = true;
            self.stop = true;
            return false;
        }
        self.budget -= 1;
        if !(self.limits.admit)(rel, id) {
            return false;
        }
        self.rows[lit] = Some((rel, id));
        true
    }

    fn reached(&mut self, remaining: usize, regs: &[u64]) {
        self.visitor.reached(self.total - remaining, regs);
    }

    fn stopped(&self) -> bool {
        self.stop
    }

    fn aggregate(
        &mut self,
        ctx: &Ctx,
        ag: &AggStep,
        regs: &mut [u64],
        sc: &mut Scratch,
    ) -> Result<Option<u64>, Stop> {
        let found = fold(
            ctx,
            ag,
            regs,
            sc,
            self.limits,
            &mut self.budget,
            &mut self.exhausted,
        )?;
        self.stop |= self.exhausted;
        let value = found.as_ref().map(|f| f.value);
        self.aggs[ag.lit] = found;
        Ok(value)
    }
}

/// Folds an aggregate's matches as the evaluator folds them, keeping the
/// first ones and the weakest row counted.
fn fold(
    ctx: &Ctx,
    ag: &AggStep,
    regs: &mut [u64],
    sc: &mut Scratch,
    limits: &Limits<'_>,
    budget: &mut u64,
    exhausted: &mut bool,
) -> Result<Option<AggMatch>, Stop> {
    let mut sink = Fold {
        ag,
        acc: Accumulator::new(ag.op, ag.ty, ag.distinct.as_deref(), ag.span),
        limits,
        rows: Vec::new(),
        matches: Vec::new(),
        weakest: 1000,
        budget,
        exhausted,
    };
    run(ctx, &ag.steps, regs, sc, &mut sink)?;
    let total = sink.acc.count() as usize;
    Ok(sink.acc.finish().map(|value| AggMatch {
        value,
        total,
        matches: sink.matches,
        weakest: sink.weakest,
    }))
}

/// The sink of an aggregate's body.
struct Fold<'a, 'l> {
    ag: &'a AggStep,
    acc: Accumulator<'a>,
    limits: &'a Limits<'l>,
    rows: Vec<Option<RowId>>,
    matches: Vec<Vec<(usize, RowId)>>,
    weakest: u16,
    budget: &'a mut u64,
    exhausted: &'a mut bool,
}

impl Sink for Fold<'_, '_> {
    const TRACED: bool = true;

    fn accept(&mut self, ctx: &Ctx, sc: &mut Scratch, regs: &[u64]) -> Result<(), Stop> {
        if !self.acc.admits(regs) {
            return Ok(());
        }
        let value = match &self.ag.target {
            Some(t) => eval(t, regs, ctx.interner, sc)?,
            None => 0,
        };
        self.acc.add(value, ctx.interner, sc)?;
        let rows = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(p, r)| r.map(|r| (p, r)));
        if let Some(conf) = self.limits.confidence {
            for (_, (rel, id)) in rows.clone() {
                self.weakest = self.weakest.min(conf(rel, id));
            }
        }
        if self.matches.len() < self.limits.keep {
            self.matches.push(rows.collect());
        }
        Ok(())
    }

    fn row(&mut self, lit: usize, rel: usize, id: u32) -> bool {
        if *self.budget == 0 {
            *self.exhausted = true;
            return false;
        }
        *self.budget -= 1;
        if self.rows.len() <= lit {
            self.rows.resize(lit + 1, None);
        }
        self.rows[lit] = Some((rel, id));
        true
    }

    fn stopped(&self) -> bool {
        *self.exhausted
    }

    fn aggregate(
        &mut self,
        ctx: &Ctx,
        ag: &AggStep,
        regs: &mut [u64],
        sc: &mut Scratch,
    ) -> Result<Option<u64>, Stop> {
        let found = fold(ctx, ag, regs, sc, self.limits, self.budget, self.exhausted)?;
        Ok(found.map(|f| f.value))
    }
}
