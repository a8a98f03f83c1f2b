//! This module defines the join executor: it runs a rule version's steps
//! depth-first over a register file of packed words, reading relations and
//! indexes that stay immutable for the whole pass, and hands every complete
//! binding to a sink (the head, which appends a candidate row to a buffer, or
//! an aggregate's accumulator). Nothing is allocated per tuple; new rows are
//! deduplicated later, when the buffer is merged into the relation.
//!
//! Strings a functor makes that the interner does not know yet get temporary
//! ids (with [`TEMP_BIT`] set) in the [`Scratch`]; the merge interns them.
//!
//! It is the only executor of rule bodies: explanations run it too, with a
//! traced [`Sink`] that sees each row used and how far each binding gets.

use super::aggregate::Accumulator;
use super::ahead;
use super::expr::{compare, eval};
use super::index::{DynIndex, NIL, StaticIndex};
use super::intern::{Interner, TEMP_BIT};
use super::limits::{At, Limits, is_stop};
use super::plan::{AggStep, CExpr, ColOp, Operand, Source, Step};
use super::relation::Relation;
use super::rows::{Word, with_words};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::syntax::regex::Regex;
use std::collections::HashMap;

/// A runtime error on its way out of a join (boxed to keep results small).
pub type Stop = Box<Diagnostic>;

/// How often (in visited rows) the cancel flag and the clock are read.
const TICK_MASK: u32 = (1 << 14) - 1;

/// An index as a join reads it.
#[derive(Clone, Copy)]
pub enum IndexView<'a> {
    /// Grouped copy of a complete relation.
    Static(&'a StaticIndex),
    /// Chains over a relation of the running stratum.
    Dyn(&'a DynIndex),
    /// Not built: only versions that cannot run in this evaluation read it.
    Unused,
}

/// What a join reads: relations, indexes, symbols.
pub struct Ctx<'a> {
    /// Every relation.
    pub rels: &'a [Relation],
    /// The stratum's indexes, by [`IndexReq`](super::plan::IndexReq) position.
    pub indexes: &'a [IndexView<'a>],
    /// Symbols.
    pub interner: &'a Interner,
    /// What stops the evaluation early (a Ctrl-C, the time limit).
    pub limits: &'a Limits<'a>,
    /// The relation being derived, for the message when it stops.
    pub at: At<'a>,
    /// See [`EvalOptions::fold_groups_after`](super::EvalOptions::fold_groups_after).
    pub fold_groups_after: u32,
}

/// Per-thread mutable state of a join.
#[derive(Default)]
pub struct Scratch {
    /// Strings made during the join that are not interned yet.
    pub temps: Vec<String>,
    temp_ids: HashMap<String, u32>,
    ticks: u32,
    key: Vec<u64>,
    /// Per static index: the last key looked up and its position range
    /// (consecutive outer rows often share a key).
    cache: Vec<LookupCache>,
    /// Aggregate values by `[aggregate id, group values...]`: an aggregate
    /// reads only lower strata, which do not change while a version runs,
    /// so each group is evaluated once however many outer bindings share it.
    memo: HashMap<Vec<u64>, Option<u64>>,
    /// Whether some memoized group or value holds a temporary symbol.
    memo_temps: bool,
    /// Per aggregate id: how its groups are being worked out.
    agg_states: HashMap<usize, AggState>,
}

/// The last lookup of one static index.
#[derive(Clone, Copy, Default)]
struct LookupCache {
    valid: bool,
    key: [u64; 2],
    range: (usize, usize),
}

impl Scratch {
    /// The text of a symbol word.
    #[inline]
    pub fn sym<'s>(&'s self, ix: &'s Interner, w: u64) -> &'s str {
        let id = w as u32;
        if id & TEMP_BIT != 0 {
            &self.temps[(id & !TEMP_BIT) as usize]
        } else {
            ix.resolve(id)
        }
    }

    /// The word for a string: its interned id, or a temporary one.
    pub fn make_sym(&mut self, ix: &Interner, s: &str) -> u64 {
        if let Some(id) = ix.get(s) {
            return u64::from(id);
        }
        if let Some(&t) = self.temp_ids.get(s) {
            return u64::from(t | TEMP_BIT);
        }
        let t = self.temps.len() as u32;
        self.temps.push(s.to_string());
        self.temp_ids.insert(s.to_string(), t);
        u64::from(t | TEMP_BIT)
    }

    /// Forgets cached lookups and memoized aggregates (the indexes and
    /// relations are about to change).
    pub fn clear_cache(&mut self) {
        self.cache.clear();
        self.memo.clear();
        self.agg_states.clear();
        self.memo_temps = false;
    }

    /// Forgets the temporary symbols (after a merge interned them), and any
    /// memoized aggregate whose group or value held one.
    pub fn clear_temps(&mut self) {
        self.temps.clear();
        self.temp_ids.clear();
        if self.memo_temps {
            self.memo.clear();
            self.agg_states.clear();
            self.memo_temps = false;
        }
    }

    #[inline]
    fn tick(&mut self, ctx: &Ctx) -> Result<(), Stop> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks & TICK_MASK == 0 {
            ctx.limits.check_running(ctx.at)?;
        }
        Ok(())
    }
}

/// Receives each complete binding of a join.
///
/// A traced sink (the explainer's) also hears of every row a positive atom
/// visits, may refuse it, sees how far each binding gets, may stop the join,
/// and works out aggregates itself (to keep what they counted). The
/// evaluator's sinks are not traced: those calls then compile away.
pub trait Sink {
    /// Whether the join reports its progress to the sink.
    const TRACED: bool = false;

    /// Called once per binding.
    fn accept(&mut self, ctx: &Ctx, sc: &mut Scratch, regs: &[u64]) -> Result<(), Stop>;

    /// A positive atom at body position `lit` visits row `id` of `rel`
    /// (before its columns are matched): whether to use it. Traced only.
    #[inline(always)]
    fn row(&mut self, _lit: usize, _rel: usize, _id: u32) -> bool {
        true
    }

    /// The join is about to run its last `remaining` steps with these
    /// registers. Traced only.
    #[inline(always)]
    fn reached(&mut self, _remaining: usize, _regs: &[u64]) {}

    /// Whether the join should end now. Traced only.
    #[inline(always)]
    fn stopped(&self) -> bool {
        false
    }

    /// The value of an aggregate for the current binding (`None`: an empty
    /// group of `min`, `max` or `mean`).
    #[inline(always)]
    fn aggregate(
        &mut self,
        ctx: &Ctx,
        ag: &AggStep,
        regs: &mut [u64],
        sc: &mut Scratch,
    ) -> Result<Option<u64>, Stop> {
        aggregate(ctx, ag, regs, sc)
    }
}

/// Appends the head row of each binding to a buffer.
pub struct HeadSink<'p> {
    /// Head expressions.
    pub args: &'p [CExpr],
    /// Candidate rows, flattened.
    pub out: &'p mut Vec<u64>,
    /// Number of rows appended (a nullary head appends no word).
    pub rows: usize,
    /// [`scan_outer`] pauses once this many rows are buffered, so the
    /// candidates can be merged before memory runs out.
    pub pause_at: usize,
}

impl Sink for HeadSink<'_> {
    #[inline]
    fn accept(&mut self, ctx: &Ctx, sc: &mut Scratch, regs: &[u64]) -> Result<(), Stop> {
        for a in self.args {
            let w = match a {
                CExpr::Var(v) => regs[*v],
                CExpr::Const(c) => *c,
                e => eval(e, regs, ctx.interner, sc)?,
            };
            self.out.push(w);
        }
        self.rows += 1;
        Ok(())
    }
}

/// The rows `lo..hi` an atom reads from `rel`.
#[inline]
pub fn range(rel: &Relation, source: Source) -> (usize, usize) {
    match source {
        Source::All => (0, rel.delta_end),
        Source::Old => (0, rel.old_end),
        Source::Delta => (rel.old_end, rel.delta_end),
    }
}

#[inline]
fn apply<W: Word>(ops: &[ColOp], vals: &[W], regs: &mut [u64]) -> bool {
    for (op, &w) in ops.iter().zip(vals) {
        let w = w.word();
        match *op {
            ColOp::Bind(v) => regs[v] = w,
            ColOp::Check(v) => {
                if regs[v] != w {
                    return false;
                }
            }
            ColOp::Const(c) => {
                if c != w {
                    return false;
                }
            }
            ColOp::Skip => {}
        }
    }
    true
}

#[inline]
fn operand(o: &Operand, regs: &[u64]) -> u64 {
    match *o {
        Operand::Var(v) => regs[v],
        Operand::Const(c) => c,
    }
}

/// Runs `steps` from the current bindings, feeding `sink`.
pub fn run<S: Sink>(
    ctx: &Ctx,
    steps: &[Step],
    regs: &mut [u64],
    sc: &mut Scratch,
    sink: &mut S,
) -> Result<(), Stop> {
    if S::TRACED {
        sink.reached(steps.len(), regs);
    }
    let Some((step, rest)) = steps.split_first() else {
        return sink.accept(ctx, sc, regs);
    };
    match step {
        Step::Scan {
            lit,
            rel,
            source,
            cols,
        } => {
            let (lo, hi) = range(&ctx.rels[*rel], *source);
            scan(ctx, (*lit, *rel), cols, lo, hi, rest, regs, sc, sink)
        }
        Step::Lookup {
            lit,
            rel,
            source,
            index,
            key,
            val_cols,
            vals,
        } => {
            let r = &ctx.rels[*rel];
            let (lo, hi) = range(r, *source);
            if lo >= hi {
                return Ok(());
            }
            let mut kbuf = std::mem::take(&mut sc.key);
            kbuf.clear();
            kbuf.extend(key.iter().map(|o| operand(o, regs)));
            let result = match ctx.indexes[*index] {
                IndexView::Static(ix) => {
                    let (a, b) = if kbuf.len() <= 2 {
                        if sc.cache.len() <= *index {
                            sc.cache.resize(*index + 1, LookupCache::default());
                        }
                        let mut k2 = [0u64; 2];
                        k2[..kbuf.len()].copy_from_slice(&kbuf);
                        let c = &mut sc.cache[*index];
                        if !(c.valid && c.key == k2) {
                            *c = LookupCache {
                                valid: true,
                                key: k2,
                                range: ix.lookup(&kbuf),
                            };
                        }
                        c.range
                    } else {
                        ix.lookup(&kbuf)
                    };
                    sc.key = kbuf;
                    let vk = val_cols.len();
                    let whole = lo == 0 && hi >= r.len();
                    for pos in a..b {
                        if !whole {
                            let id = ix.ids[pos] as usize;
                            if id < lo || id >= hi {
                                continue;
                            }
                        }
                        if S::TRACED && !sink.row(*lit, *rel, ix.ids[pos]) {
                            if sink.stopped() {
                                break;
                            }
                            continue;
                        }
                        if apply(vals, &ix.vals[pos * vk..pos * vk + vk], regs) {
                            run(ctx, rest, regs, sc, sink)?;
                            if S::TRACED && sink.stopped() {
                                break;
                            }
                        }
                    }
                    Ok(())
                }
                IndexView::Dyn(ix) => {
                    let at = with_words!(r.rows(), |d| ix.head(d, r.arity, &kbuf));
                    sc.key = kbuf;
                    with_words!(r.rows(), |d| chain(
                        ctx,
                        (*lit, *rel),
                        (ix, at),
                        d,
                        (val_cols, vals),
                        (lo, hi),
                        rest,
                        regs,
                        sc,
                        sink
                    ))
                }
                IndexView::Unused => Err(Box::new(
                    Diagnostic::new(
                        Code::Internal,
                        "the evaluator read an index it did not build",
                        None,
                    )
                    .with_help(
                        "this is a bug in sleuth's evaluator; please report it with the program",
                    ),
                )),
            };
            sc.tick(ctx)?;
            result
        }
        Step::Member {
            lit,
            rel,
            source,
            row,
        } => {
            let r = &ctx.rels[*rel];
            let (lo, hi) = range(r, *source);
            if lo >= hi {
                return Ok(());
            }
            let found = with_row(sc, row, regs, |w| r.find(w));
            match found {
                Some(id)
                    if (id as usize) >= lo
                        && (id as usize) < hi
                        && (!S::TRACED || sink.row(*lit, *rel, id)) =>
                {
                    run(ctx, rest, regs, sc, sink)
                }
                _ => Ok(()),
            }
        }
        Step::NotMember { rel, row } => {
            let r = &ctx.rels[*rel];
            if with_row(sc, row, regs, |w| r.find(w)).is_some() {
                Ok(())
            } else {
                run(ctx, rest, regs, sc, sink)
            }
        }
        Step::NotExists { rel, index, key } => {
            let exists = match index {
                None => !ctx.rels[*rel].is_empty(),
                Some(i) => {
                    match ctx.indexes[*i] {
                        IndexView::Static(ix) => {
                            let (a, b) = with_row(sc, key, regs, |w| ix.lookup(w));
                            a < b
                        }
                        // Negation reads a lower stratum, whose indexes are static.
                        _ => return Err(Box::new(Diagnostic::new(
                            Code::Internal,
                            "a negated atom reads a relation of its own stratum",
                            None,
                        ).with_help("this is a bug in sleuth's checker; please report it with the program"))),
                    }
                }
            };
            if exists {
                Ok(())
            } else {
                run(ctx, rest, regs, sc, sink)
            }
        }
        Step::Filter {
            op,
            left,
            right,
            ty,
        } => {
            let a = eval(left, regs, ctx.interner, sc)?;
            let b = eval(right, regs, ctx.interner, sc)?;
            if compare(*op, a, b, *ty, ctx.interner, sc) {
                run(ctx, rest, regs, sc, sink)
            } else {
                Ok(())
            }
        }
        Step::Bind { var, expr } => {
            regs[*var] = eval(expr, regs, ctx.interner, sc)?;
            run(ctx, rest, regs, sc, sink)
        }
        Step::Match {
            regex,
            pattern,
            s,
            negated,
            span,
        } => {
            let p = eval(pattern, regs, ctx.interner, sc)?;
            let t = eval(s, regs, ctx.interner, sc)?;
            let text = sc.sym(ctx.interner, t);
            let found = match regex {
                Some(re) => re.full_match(text),
                None => Regex::new(sc.sym(ctx.interner, p))
                    .map_err(|e| Box::new(e.diagnostic(*span)))?
                    .full_match(text),
            };
            if found != *negated {
                run(ctx, rest, regs, sc, sink)
            } else {
                Ok(())
            }
        }
        Step::Contains { sub, s, negated } => {
            let a = eval(sub, regs, ctx.interner, sc)?;
            let b = eval(s, regs, ctx.interner, sc)?;
            if sc.sym(ctx.interner, b).contains(sc.sym(ctx.interner, a)) != *negated {
                run(ctx, rest, regs, sc, sink)
            } else {
                Ok(())
            }
        }
        Step::Aggregate(ag) => {
            let Some(value) = sink.aggregate(ctx, ag, regs, sc)? else {
                return Ok(());
            };
            if ag.result_bound {
                if regs[ag.result] != value {
                    return Ok(());
                }
            } else {
                regs[ag.result] = value;
            }
            run(ctx, rest, regs, sc, sink)
        }
    }
}

/// Visits the rows `lo..hi` of the chain of a dynamic index that starts at
/// row `at` (newest first); `data` is the relation's rows.
#[allow(clippy::too_many_arguments)] // the executor's state, passed to avoid a struct per call
fn chain<S: Sink, W: Word>(
    ctx: &Ctx,
    (lit, rel): (usize, usize),
    (ix, mut at): (&DynIndex, u32),
    data: &[W],
    (val_cols, vals): (&[usize], &[ColOp]),
    (lo, hi): (usize, usize),
    rest: &[Step],
    regs: &mut [u64],
    sc: &mut Scratch,
    sink: &mut S,
) -> Result<(), Stop> {
    let k = ctx.rels[rel].arity;
    while at != NIL && at as usize >= hi {
        at = ix.next[at as usize];
    }
    while at != NIL && at as usize >= lo {
        if S::TRACED && !sink.row(lit, rel, at) {
            if sink.stopped() {
                break;
            }
            at = ix.next[at as usize];
            continue;
        }
        let row = &data[at as usize * k..at as usize * k + k];
        let ok = val_cols
            .iter()
            .zip(vals)
            .all(|(&c, op)| apply(std::slice::from_ref(op), &row[c..c + 1], regs));
        if ok {
            run(ctx, rest, regs, sc, sink)?;
            if S::TRACED && sink.stopped() {
                break;
            }
        }
        at = ix.next[at as usize];
    }
    Ok(())
}

fn with_row<T>(sc: &mut Scratch, ops: &[Operand], regs: &[u64], f: impl FnOnce(&[u64]) -> T) -> T {
    let mut buf = std::mem::take(&mut sc.key);
    buf.clear();
    buf.extend(ops.iter().map(|o| operand(o, regs)));
    let t = f(&buf);
    sc.key = buf;
    t
}

/// Visits rows `lo..hi` of `rel` (the chunked outer loop of a version).
#[allow(clippy::too_many_arguments)] // the executor's state, passed to avoid a struct per call
pub fn scan<S: Sink>(
    ctx: &Ctx,
    (lit, rel): (usize, usize),
    cols: &[ColOp],
    lo: usize,
    hi: usize,
    rest: &[Step],
    regs: &mut [u64],
    sc: &mut Scratch,
    sink: &mut S,
) -> Result<(), Stop> {
    let r = &ctx.rels[rel];
    let k = r.arity;
    if k == 0 {
        if lo < hi && (!S::TRACED || sink.row(lit, rel, 0)) {
            return run(ctx, rest, regs, sc, sink);
        }
        return Ok(());
    }
    with_words!(r.rows(), |d| scan_rows(
        ctx,
        (lit, rel),
        cols,
        d,
        (lo, hi),
        rest,
        regs,
        sc,
        sink
    ))
}

/// [`scan`] over the relation's rows `data`.
#[allow(clippy::too_many_arguments)] // the executor's state, passed to avoid a struct per call
fn scan_rows<S: Sink, W: Word>(
    ctx: &Ctx,
    (lit, rel): (usize, usize),
    cols: &[ColOp],
    data: &[W],
    (lo, hi): (usize, usize),
    rest: &[Step],
    regs: &mut [u64],
    sc: &mut Scratch,
    sink: &mut S,
) -> Result<(), Stop> {
    let k = ctx.rels[rel].arity;
    for id in lo..hi {
        if S::TRACED && !sink.row(lit, rel, id as u32) {
            if sink.stopped() {
                break;
            }
            continue;
        }
        let row = &data[id * k..id * k + k];
        if apply(cols, row, regs) {
            run(ctx, rest, regs, sc, sink)?;
            if S::TRACED && sink.stopped() {
                break;
            }
        }
        sc.tick(ctx)?;
    }
    Ok(())
}

/// Like [`scan`] for a version's outer loop, but stops after the row at which
/// the head buffer passes its bound; returns where the next call resumes.
#[allow(clippy::too_many_arguments)] // the executor's state, passed to avoid a struct per call
pub fn scan_outer(
    ctx: &Ctx,
    (lit, rel): (usize, usize),
    cols: &[ColOp],
    lo: usize,
    hi: usize,
    rest: &[Step],
    regs: &mut [u64],
    sc: &mut Scratch,
    sink: &mut HeadSink,
) -> Result<usize, Stop> {
    let r = &ctx.rels[rel];
    let k = r.arity;
    if k == 0 {
        scan(ctx, (lit, rel), cols, lo, hi, rest, regs, sc, sink)?;
        return Ok(hi);
    }
    with_words!(r.rows(), |d| scan_outer_rows(
        ctx,
        rel,
        cols,
        d,
        (lo, hi),
        rest,
        regs,
        sc,
        sink
    ))
}

/// [`scan_outer`] over the relation's rows `data`.
#[allow(clippy::too_many_arguments)] // the executor's state, passed to avoid a struct per call
fn scan_outer_rows<W: Word>(
    ctx: &Ctx,
    rel: usize,
    cols: &[ColOp],
    data: &[W],
    (lo, hi): (usize, usize),
    rest: &[Step],
    regs: &mut [u64],
    sc: &mut Scratch,
    sink: &mut HeadSink,
) -> Result<usize, Stop> {
    let k = ctx.rels[rel].arity;
    let mut ahead = ahead::plan(ctx, cols, rest);
    for id in lo..hi {
        if let Some(a) = &mut ahead {
            a.fetch(data, k, id, hi);
        }
        let row = &data[id * k..id * k + k];
        if apply(cols, row, regs) {
            run(ctx, rest, regs, sc, sink)?;
            if sink.rows >= sink.pause_at {
                return Ok(id + 1);
            }
        }
        sc.tick(ctx)?;
    }
    Ok(hi)
}

/// Accumulates an aggregate over the bindings of its body.
struct AggSink<'p> {
    target: Option<&'p CExpr>,
    acc: Accumulator<'p>,
}

impl Sink for AggSink<'_> {
    fn accept(&mut self, ctx: &Ctx, sc: &mut Scratch, regs: &[u64]) -> Result<(), Stop> {
        if !self.acc.admits(regs) {
            return Ok(());
        }
        let value = match self.target {
            Some(t) => eval(t, regs, ctx.interner, sc)?,
            None => 0,
        };
        self.acc.add(value, ctx.interner, sc)
    }
}

/// Where an aggregate stands in the running version.
#[derive(Clone, Copy, Default)]
struct AggState {
    /// Groups evaluated one by one.
    evaluated: u32,
    /// Every group's value is in the memo: a group missing from it is empty.
    complete: bool,
    /// The one-pass fold failed (a runtime error in some group): stay with
    /// one group at a time, so only a group that is asked for can fail.
    one_by_one: bool,
}

/// Folds the matches of an aggregate's body into one accumulator per group.
struct GroupSink<'p> {
    ag: &'p AggStep,
    groups: HashMap<Vec<u64>, Accumulator<'p>>,
    key: Vec<u64>,
}

impl Sink for GroupSink<'_> {
    fn accept(&mut self, ctx: &Ctx, sc: &mut Scratch, regs: &[u64]) -> Result<(), Stop> {
        self.key.clear();
        self.key.extend(self.ag.group.iter().map(|&r| regs[r]));
        let ag = self.ag;
        let acc = match self.groups.get_mut(self.key.as_slice()) {
            Some(acc) => acc,
            None => self
                .groups
                .entry(self.key.clone())
                .or_insert_with(|| Accumulator::new(ag.op, ag.ty, ag.distinct.as_deref(), ag.span)),
        };
        if !acc.admits(regs) {
            return Ok(());
        }
        let value = match &ag.target {
            Some(t) => eval(t, regs, ctx.interner, sc)?,
            None => 0,
        };
        acc.add(value, ctx.interner, sc)
    }
}

/// Whether a memoized group or its value holds a temporary symbol (which
/// means something else once the temporaries are interned).
fn holds_temp(ag: &AggStep, group: &[u64], value: Option<u64>) -> bool {
    let temp = |w: u64| w as u32 & TEMP_BIT != 0;
    group
        .iter()
        .zip(&ag.group_symbols)
        .any(|(&w, &symbol)| symbol && temp(w))
        || (ag.ty == crate::value::Type::Symbol && value.is_some_and(temp))
}

/// The aggregate's value for the current outer binding; `None` when `min`,
/// `max` or `mean` sees an empty group.
///
/// An aggregate reads only lower strata, which do not change while a version
/// runs, so its value per group is memoized. The first groups are evaluated
/// one at a time; once outer bindings have asked for more different groups
/// than [`Ctx::fold_groups_after`], the body runs once with the group unbound
/// and every group's value is kept.
fn aggregate(
    ctx: &Ctx,
    ag: &AggStep,
    regs: &mut [u64],
    sc: &mut Scratch,
) -> Result<Option<u64>, Stop> {
    let mut key = std::mem::take(&mut sc.key);
    key.clear();
    key.push(ag.id as u64);
    key.extend(ag.group.iter().map(|&r| regs[r]));
    let found = sc.memo.get(key.as_slice()).copied();
    let result = match found {
        Some(value) => Ok(value),
        None => aggregate_miss(ctx, ag, regs, sc, &key),
    };
    sc.key = key;
    result
}

/// Works out a group's value that is not memoized yet (see [`aggregate`]).
fn aggregate_miss(
    ctx: &Ctx,
    ag: &AggStep,
    regs: &mut [u64],
    sc: &mut Scratch,
    key: &[u64],
) -> Result<Option<u64>, Stop> {
    let mut state = sc.agg_states.get(&ag.id).copied().unwrap_or_default();
    let empty = || Accumulator::new(ag.op, ag.ty, None, ag.span).finish();
    if state.complete {
        let value = empty();
        sc.memo.insert(key.to_vec(), value);
        return Ok(value);
    }
    if let Some(grouped) = &ag.grouped
        && !state.one_by_one
        && state.evaluated >= ctx.fold_groups_after
    {
        let mut sink = GroupSink {
            ag,
            groups: HashMap::new(),
            key: Vec::new(),
        };
        let saved: Vec<u64> = ag.group.iter().map(|&r| regs[r]).collect();
        let folded = run(ctx, grouped, regs, sc, &mut sink);
        for (&r, &w) in ag.group.iter().zip(&saved) {
            regs[r] = w;
        }
        match folded {
            Ok(()) => {
                let mut temps = false;
                for (group, acc) in sink.groups {
                    let value = acc.finish();
                    temps |= holds_temp(ag, &group, value);
                    let mut k = Vec::with_capacity(group.len() + 1);
                    k.push(ag.id as u64);
                    k.extend(group);
                    sc.memo.insert(k, value);
                }
                sc.memo_temps |= temps;
                state.complete = true;
                sc.agg_states.insert(ag.id, state);
                let value = match sc.memo.get(key) {
                    Some(&v) => v,
                    None => {
                        let v = empty();
                        sc.memo.insert(key.to_vec(), v);
                        v
                    }
                };
                return Ok(value);
            }
            // An interruption or a limit stops everything; any other
            // failure may belong to a group nobody asks for.
            Err(e) if is_stop(e.code) => return Err(e),
            Err(_) => state.one_by_one = true,
        }
    }
    let mut sink = AggSink {
        target: ag.target.as_ref(),
        acc: Accumulator::new(ag.op, ag.ty, ag.distinct.as_deref(), ag.span),
    };
    run(ctx, &ag.steps, regs, sc, &mut sink)?;
    let value = sink.acc.finish();
    sc.memo_temps |= holds_temp(ag, &key[1..], value);
    sc.memo.insert(key.to_vec(), value);
    state.evaluated += 1;
    sc.agg_states.insert(ag.id, state);
    Ok(value)
}
