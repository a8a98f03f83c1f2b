//! This module defines how planned rules become differential dataflow
//! operators inside a stratum's iterative scope: scans, joins against
//! arrangements shared per relation and key, antijoins against a
//! relation's distinct projection, tests and bindings through the
//! interpreter's expression evaluator, aggregates as `reduce`, heads.
//! A runtime error is kept in the worker's [`Ctx`] and the binding that
//! raised it dropped; the driver stops every process after the stratum.

use super::aggregate;
use super::plan::{AggPlan, Chain, From, Index, KeyPart, Op, RulePlan, Start, Test};
use super::row::Row;
use super::symbols::WorkerSymbols;
use super::{Ctx, Stop};
use crate::eval::expr::{SymbolText, compare_in, eval_in};
use crate::ir::{RelId, VarId, functors};
use crate::syntax::regex::Regex;
use differential_dataflow::VecCollection;
use differential_dataflow::operators::arrange::{Arranged, TraceAgent};
use differential_dataflow::trace::implementations::{KeySpine, ValSpine};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use timely::order::Product;

/// The time inside a stratum's loop.
pub type Time = Product<u32, u32>;
/// A relation or a stream of bindings.
pub type Coll<'s, const N: usize> = VecCollection<'s, Time, Row<N>, isize>;
type Keyed<'s, const N: usize> = VecCollection<'s, Time, (Row<N>, Row<N>), isize>;
type ByKey<'s, const N: usize> = Arranged<'s, TraceAgent<ValSpine<Row<N>, Row<N>, Time, isize>>>;
type KeySet<'s, const N: usize> = Arranged<'s, TraceAgent<KeySpine<Row<N>, Time, isize>>>;

/// The relations a stratum reads, and their arrangements built so far.
pub struct Rels<'s, const N: usize> {
    /// Each relation's collection in the loop.
    pub colls: BTreeMap<RelId, Coll<'s, N>>,
    /// One empty binding (on the first worker).
    pub unit: Coll<'s, N>,
    /// Arities.
    pub arity: Vec<usize>,
    by_key: HashMap<Index, ByKey<'s, N>>,
    sets: HashMap<Index, KeySet<'s, N>>,
}

impl<'s, const N: usize> Rels<'s, N> {
    /// The relations `colls`, nothing arranged yet.
    pub fn new(colls: BTreeMap<RelId, Coll<'s, N>>, unit: Coll<'s, N>, arity: Vec<usize>) -> Self {
        Rels {
            colls,
            unit,
            arity,
            by_key: HashMap::new(),
            sets: HashMap::new(),
        }
    }

    fn coll(&self, rel: RelId) -> Coll<'s, N> {
        self.colls
            .get(&rel)
            .expect("every relation read is in the scope")
            .clone()
    }

    /// The relation keyed on `index.cols`, the other columns as value.
    fn by_key(&mut self, index: &Index) -> ByKey<'s, N> {
        if let Some(a) = self.by_key.get(index) {
            return a.clone();
        }
        let cols = index.cols.clone();
        let rest = index.rest(self.arity[index.rel]);
        let a = self
            .coll(index.rel)
            .map(move |r| (r.pick(&cols), r.pick(&rest)))
            .arrange_by_key();
        self.by_key.insert(index.clone(), a.clone());
        a
    }

    /// The distinct projection of the relation on `index.cols`.
    fn set(&mut self, index: &Index) -> KeySet<'s, N> {
        if let Some(a) = self.sets.get(index) {
            return a.clone();
        }
        let cols = index.cols.clone();
        let a = self
            .coll(index.rel)
            .map(move |r| r.pick(&cols))
            .distinct()
            .arrange_by_self();
        self.sets.insert(index.clone(), a.clone());
        a
    }
}

/// A rule's derived rows.
pub fn rule<'s, const N: usize>(
    plan: &RulePlan,
    rels: &mut Rels<'s, N>,
    ctx: &Rc<Ctx>,
) -> Coll<'s, N> {
    let body = chain(&plan.chain, None, rels, ctx, plan.regs);
    let layout = plan.chain.layout.clone();
    let args = plan.head_args.clone();
    let ctx = Rc::clone(ctx);
    let mut regs = vec![0u64; plan.regs];
    body.flat_map(move |b| {
        load(&layout, &b, &mut regs);
        let mut syms = WorkerSymbols { dict: &ctx.dict };
        let mut head = Row::default();
        for (slot, e) in head.0.iter_mut().zip(&args) {
            match eval_in(e, &regs, &mut syms) {
                Ok(w) => *slot = w,
                Err(e) => {
                    ctx.fail(e);
                    return None;
                }
            }
        }
        Some(head)
    })
}

/// The binding's words into the registers of its variables.
#[inline]
fn load<const N: usize>(layout: &[VarId], b: &Row<N>, regs: &mut [u64]) {
    for (i, &v) in layout.iter().enumerate() {
        regs[v] = b.0[i];
    }
}

fn key_of<const N: usize>(key: &[KeyPart], b: &Row<N>) -> Row<N> {
    Row::of(key.iter().map(|k| match k {
        KeyPart::At(i) => b.0[*i],
        KeyPart::Const(c) => *c,
    }))
}

fn chain<'s, const N: usize>(
    c: &Chain,
    groups: Option<Coll<'s, N>>,
    rels: &mut Rels<'s, N>,
    ctx: &Rc<Ctx>,
    nregs: usize,
) -> Coll<'s, N> {
    let mut cur = match (&c.start, groups) {
        (Start::Groups, Some(g)) => g,
        (
            Start::Scan {
                rel,
                consts,
                same,
                out,
            },
            _,
        ) => {
            let (consts, same, out) = (consts.clone(), same.clone(), out.clone());
            rels.coll(*rel).flat_map(move |r| {
                let keep = consts.iter().all(|&(c, w)| r.0[c] == w)
                    && same.iter().all(|&(a, b)| r.0[a] == r.0[b]);
                keep.then(|| r.pick(&out))
            })
        }
        _ => rels.unit.clone(),
    };
    for op in &c.ops {
        cur = match op {
            Op::Join {
                index,
                key,
                left,
                out,
                same,
            } => {
                let arranged = rels.by_key(index);
                let (key, left, out, same) = (key.clone(), left.clone(), out.clone(), same.clone());
                let keyed: Keyed<'s, N> = cur.map(move |b| (key_of(&key, &b), b.pick(&left)));
                keyed.join_core(arranged, move |k: &Row<N>, b: &Row<N>, v: &Row<N>| {
                    if !same.iter().all(|&(x, y)| v.0[x] == v.0[y]) {
                        return None;
                    }
                    Some(Row::of(out.iter().map(|f| match f {
                        From::Key(i) => k.0[*i],
                        From::Left(i) => b.0[*i],
                        From::Right(i) => v.0[*i],
                    })))
                })
            }
            Op::Anti { index, key, out } => {
                let set = rels.set(index);
                let key = key.clone();
                let keyed: Keyed<'s, N> = cur.map(move |b| (key_of(&key, &b), b));
                let found = keyed
                    .clone()
                    .join_core(set, |k: &Row<N>, b: &Row<N>, _: &()| Some((*k, *b)));
                let out = out.clone();
                // Consolidated, so a binding the antijoin removes never
                // reaches a later expression (which might fail on it).
                keyed
                    .concat(found.negate())
                    .map(move |(_, b)| b.pick(&out))
                    .consolidate()
            }
            Op::Map {
                layout_in,
                tests,
                layout_out,
            } => {
                let (layout_in, tests, layout_out) =
                    (layout_in.clone(), tests.clone(), layout_out.clone());
                let ctx = Rc::clone(ctx);
                let mut regs = vec![0u64; nregs];
                cur.flat_map(move |b| {
                    load(&layout_in, &b, &mut regs);
                    let mut syms = WorkerSymbols { dict: &ctx.dict };
                    for t in &tests {
                        match run_test(t, &mut regs, &mut syms) {
                            Ok(true) => {}
                            Ok(false) => return None,
                            Err(e) => {
                                ctx.fail(e);
                                return None;
                            }
                        }
                    }
                    Some(Row::of(layout_out.iter().map(|&v| regs[v])))
                })
            }
            Op::Aggregate(a) => aggregate_op(a, cur, rels, ctx, nregs),
        };
    }
    cur
}

fn run_test(t: &Test, regs: &mut [u64], syms: &mut WorkerSymbols) -> Result<bool, Stop> {
    Ok(match t {
        Test::Compare(op, l, r, ty) => {
            let a = eval_in(l, regs, syms)?;
            let b = eval_in(r, regs, syms)?;
            compare_in(*op, a, b, *ty, syms)?
        }
        Test::Bind(v, e) => {
            regs[*v] = eval_in(e, regs, syms)?;
            true
        }
        Test::Contains(sub, s, negated) => {
            let a = eval_in(sub, regs, syms)?;
            let b = eval_in(s, regs, syms)?;
            functors::contains(syms.text(a)?, syms.text(b)?) != *negated
        }
        Test::Match(regex, pattern, s, negated, span) => {
            let p = eval_in(pattern, regs, syms)?;
            let t = eval_in(s, regs, syms)?;
            let text = syms.text(t)?;
            let found = match regex {
                Some(re) => re.full_match(text),
                None => Regex::new(syms.text(p)?)
                    .map_err(|e| Box::new(e.diagnostic(*span)))?
                    .full_match(text),
            };
            found != *negated
        }
    })
}

/// An aggregate: the distinct groups of the bindings, the body's matches
/// from each group, their values folded per group by `reduce` (a group
/// without matches holds a marker, so `count` and `sum` give 0), and each
/// binding joined with its group's value.
fn aggregate_op<'s, const N: usize>(
    a: &AggPlan,
    cur: Coll<'s, N>,
    rels: &mut Rels<'s, N>,
    ctx: &Rc<Ctx>,
    nregs: usize,
) -> Coll<'s, N> {
    let outer = a.outer.clone();
    let groups = cur.clone().map(move |b| b.pick(&outer)).distinct();
    let body = chain(&a.body, Some(groups.clone()), rels, ctx, nregs);
    let identity = a.identity.clone();
    let id_vars = a.identity_vars.clone();
    let group_len = a.outer.len();
    let target = a.target.clone();
    let tctx = Rc::clone(ctx);
    let mut regs = vec![0u64; nregs];
    let values: Keyed<'s, N> = body
        .map(move |b| b.pick(&identity))
        .distinct()
        .flat_map(move |m| {
            let value = match &target {
                None => 0,
                Some(e) => {
                    load(&id_vars, &m, &mut regs);
                    match eval_in(e, &regs, &mut WorkerSymbols { dict: &tctx.dict }) {
                        Ok(w) => w,
                        Err(e) => {
                            tctx.fail(e);
                            return None;
                        }
                    }
                }
            };
            Some((
                m.pick(&(0..group_len).collect::<Vec<_>>()),
                Row::of([1, value]),
            ))
        });
    let markers: Keyed<'s, N> = groups.map(|g| (g, Row::default()));
    let (op, ty, span) = (a.op, a.ty, a.span);
    let rctx = Rc::clone(ctx);
    let folded = markers
        .concat(values)
        .reduce(
            move |_g, input: &[(&Row<N>, isize)], out: &mut Vec<(Row<N>, isize)>| {
                let matches = input
                    .iter()
                    .filter(|(v, _)| v.0[0] == 1)
                    .map(|(v, n)| (v.0[1], *n as u64));
                match aggregate::fold(op, ty, span, matches, &WorkerSymbols { dict: &rctx.dict }) {
                    Ok(Some(w)) => out.push((Row::of([w]), 1)),
                    Ok(None) => {}
                    Err(e) => rctx.fail(e),
                }
            },
        )
        .arrange_by_key();
    let outer = a.outer.clone();
    let (out, check) = (a.out.clone(), a.check);
    let keyed: Keyed<'s, N> = cur.map(move |b| (b.pick(&outer), b));
    keyed.join_core(folded, move |_g, b: &Row<N>, v: &Row<N>| {
        let value = v.0[0];
        match check {
            Some(at) if b.0[at] != value => None,
            Some(_) => Some(b.pick(&out)),
            None => Some(Row::of(out.iter().map(|&i| b.0[i]).chain([value]))),
        }
    })
}
