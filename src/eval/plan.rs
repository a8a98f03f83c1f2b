//! This module defines how a rule becomes executable steps: its semi-naive
//! versions (one per positive body atom read as the last round's delta, plus a
//! full version for the first pass), a join order chosen greedily by
//! boundness (filters as early as their variables allow; never a cross
//! product while some atom has a bound column), and for each atom the access
//! path: a scan, a lookup through an index on its bound columns, or a
//! membership test when every column is bound.
//!
//! Where a new outer loop must be chosen and the relations' sizes are known,
//! each candidate's whole greedy order is costed (see [`plan_cost`]): rows
//! scanned, lookups made, and the rows of every index the order would have to
//! build. Building an index on a large relation to scan a small one costs
//! more than scanning the large one through an index that exists.

use super::exec::Scratch;
use super::intern::Interner;
use super::pack::{pack, pack_existing};
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use crate::ir::{self, AggOp, BinOp, CmpOp, Expr, Functor, Literal, RelId, Rule, Term};
use crate::syntax::regex::Regex;
use crate::value::Type;

/// Which rows of a relation an atom reads, in semi-naive terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Every row visible in this round (`0..delta_end`).
    All,
    /// Rows known before the last round (`0..old_end`).
    Old,
    /// The last round's new rows (`old_end..delta_end`).
    Delta,
}

/// A value a step reads: a register or a packed constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    /// A variable's register.
    Var(usize),
    /// A packed constant.
    Const(u64),
}

/// What a step does with one column of a row it visits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColOp {
    /// Store the value in a register.
    Bind(usize),
    /// Require it equal to a register.
    Check(usize),
    /// Require it equal to a constant.
    Const(u64),
    /// Ignore it (wildcard, or a key column already matched).
    Skip,
}

/// An index a stratum needs: on `rel`, keyed by `cols`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexReq {
    /// The relation.
    pub rel: RelId,
    /// Key columns, ascending.
    pub cols: Vec<usize>,
    /// Maintained on insert (the relation belongs to the running stratum).
    pub dynamic: bool,
    /// Read by a version that runs every round (one whose delta is a
    /// relation of the running stratum): it is built whatever else is chosen.
    pub recurring: bool,
}

/// A compiled expression over registers.
#[derive(Clone, Debug, PartialEq)]
pub enum CExpr {
    /// A register.
    Var(usize),
    /// A packed constant.
    Const(u64),
    /// Negation.
    Neg(Box<CExpr>, Type, Span),
    /// Arithmetic.
    Binary(BinOp, Box<CExpr>, Box<CExpr>, Type, Span),
    /// A functor call with its arguments' types.
    Call(Functor, Vec<(CExpr, Type)>, Type, Span),
}

/// One step of a join.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Visit every row of a range.
    Scan {
        /// The atom's position in its body.
        lit: usize,
        /// The relation.
        rel: RelId,
        /// Which rows.
        source: Source,
        /// One op per column.
        cols: Vec<ColOp>,
    },
    /// Visit the rows whose key columns equal `key`.
    Lookup {
        /// The atom's position in its body.
        lit: usize,
        /// The relation.
        rel: RelId,
        /// Which rows.
        source: Source,
        /// Position in the stratum's [`IndexReq`] list.
        index: usize,
        /// The key, in key-column order.
        key: Vec<Operand>,
        /// The non-key columns, ascending.
        val_cols: Vec<usize>,
        /// One op per non-key column.
        vals: Vec<ColOp>,
    },
    /// Continue once if the fully bound row is present.
    Member {
        /// The atom's position in its body.
        lit: usize,
        /// The relation.
        rel: RelId,
        /// Which rows.
        source: Source,
        /// The row.
        row: Vec<Operand>,
    },
    /// Continue once if the fully bound row is absent.
    NotMember {
        /// The relation.
        rel: RelId,
        /// The row.
        row: Vec<Operand>,
    },
    /// Continue once if no row has this key (a negation with wildcards).
    NotExists {
        /// The relation.
        rel: RelId,
        /// Index position, or `None` when the key is empty (relation empty?).
        index: Option<usize>,
        /// The key.
        key: Vec<Operand>,
    },
    /// A comparison used as a filter.
    Filter {
        /// Operator.
        op: CmpOp,
        /// Left side.
        left: CExpr,
        /// Right side.
        right: CExpr,
        /// Type compared.
        ty: Type,
    },
    /// `X = expr` with `X` unbound: binds it.
    Bind {
        /// The register bound.
        var: usize,
        /// The value.
        expr: CExpr,
    },
    /// `contains(sub, s)`, or `!contains(sub, s)` when `negated`.
    Contains {
        /// The needle.
        sub: CExpr,
        /// The haystack.
        s: CExpr,
        /// Whether the test must fail.
        negated: bool,
    },
    /// `match(pattern, s)`, or `!match(pattern, s)` when `negated`.
    Match {
        /// The compiled pattern when it is a constant.
        regex: Option<Regex>,
        /// The pattern (compiled on each test when not a constant).
        pattern: CExpr,
        /// The text.
        s: CExpr,
        /// Whether the test must fail.
        negated: bool,
        /// Where the test is written (a bad computed pattern is reported here).
        span: Span,
    },
    /// An aggregate evaluated for the current binding of its outer variables.
    Aggregate(Box<AggStep>),
}

/// A compiled aggregate.
#[derive(Clone, Debug, PartialEq)]
pub struct AggStep {
    /// Tells the aggregates of one rule apart (its value is memoized per
    /// group while a version runs).
    pub id: usize,
    /// The aggregate's position in its body.
    pub lit: usize,
    /// The registers bound before the aggregate that its value depends on,
    /// ascending: the group key.
    pub group: Vec<usize>,
    /// Which of `group` hold symbols (which may be temporary ones).
    pub group_symbols: Vec<bool>,
    /// The body's join with the group's registers unbound (it binds them),
    /// when it can be ordered so: one run of it folds every group at once.
    pub grouped: Option<Vec<Step>>,
    /// Register receiving the value.
    pub result: usize,
    /// Whether `result` is already bound (then the aggregate is a filter).
    pub result_bound: bool,
    /// The function.
    pub op: AggOp,
    /// What is summed or compared.
    pub target: Option<CExpr>,
    /// Type of the value.
    pub ty: Type,
    /// The body's join.
    pub steps: Vec<Step>,
    /// For `sum` and `mean` over a body Soufflé materializes: the registers
    /// of the body's variables, whose distinct bindings are aggregated
    /// (rather than the matching tuples).
    pub distinct: Option<Vec<usize>>,
    /// Where it is written.
    pub span: Span,
}

/// One executable version of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    /// The body literal read as delta (`None` for the full version).
    pub delta: Option<usize>,
    /// Body literal positions of the positive atoms read as `Old`.
    pub old_atoms: Vec<usize>,
    /// The join.
    pub steps: Vec<Step>,
}

/// A rule compiled for one stratum.
#[derive(Clone, Debug, PartialEq)]
pub struct RulePlan {
    /// The rule.
    pub rule: ir::RuleId,
    /// Head relation.
    pub head: RelId,
    /// Head expressions.
    pub head_args: Vec<CExpr>,
    /// Positive atoms: (body position, relation).
    pub atoms: Vec<(usize, RelId)>,
    /// The version reading everything (first pass).
    pub full: Version,
    /// One version per positive atom, reading it as delta.
    pub deltas: Vec<Version>,
    /// Number of registers.
    pub nvars: usize,
}

/// Inputs of planning that come from the running database.
pub struct PlanEnv<'a> {
    /// Whether a relation is derived in the running stratum.
    pub in_stratum: &'a dyn Fn(RelId) -> bool,
    /// Current sizes (to pick the outer loop among unbound atoms), if known.
    pub sizes: Option<&'a [usize]>,
    /// Whether a static index on these columns of a relation is built and
    /// current (using it costs nothing to build).
    pub indexed: &'a dyn Fn(RelId, &[usize]) -> bool,
}

/// Cost units of the planner's estimate, per row: reading a row in a scan,
/// probing an index (a random access), and building an index (three passes
/// over the relation, two of them random).
const SCAN_COST: f64 = 0.1;
const PROBE_COST: f64 = 1.0;
const BUILD_COST: f64 = 3.0;

/// Estimated cost of running `steps` once: the outer scan's rows, one probe
/// per outer row at every later lookup or test (a crude fan-out of one), and
/// the rows of each index that is neither built nor [`IndexReq::recurring`]
/// (built anyway). An index on a relation of the running stratum is kept up
/// to date as the relation grows: it is charged as a build over `grows_to`
/// rows.
pub fn plan_cost(steps: &[Step], reqs: &[IndexReq], grows_to: usize, env: &PlanEnv) -> f64 {
    let Some(sizes) = env.sizes else {
        return 0.0;
    };
    let mut rows: f64 = 1.0;
    let mut cost = 0.0;
    let build = |index: usize, cost: &mut f64| {
        let req = &reqs[index];
        if req.recurring {
            return;
        }
        if req.dynamic {
            *cost += BUILD_COST * sizes[req.rel].max(grows_to) as f64;
        } else if !(env.indexed)(req.rel, &req.cols) {
            *cost += BUILD_COST * sizes[req.rel] as f64;
        }
    };
    for s in steps {
        match s {
            Step::Scan { rel, .. } => {
                let n = sizes[*rel] as f64;
                cost += rows * n * SCAN_COST;
                rows *= n.max(1.0);
            }
            Step::Lookup { index, .. } => {
                cost += rows * PROBE_COST;
                build(*index, &mut cost);
            }
            Step::NotExists { index, .. } => {
                cost += rows * PROBE_COST;
                if let Some(i) = index {
                    build(*i, &mut cost);
                }
            }
            Step::Member { .. } | Step::NotMember { .. } => cost += rows * PROBE_COST,
            Step::Aggregate(ag) => {
                let each = plan_cost(&ag.steps, reqs, grows_to, env);
                cost += rows * each.max(1.0);
            }
            _ => {}
        }
    }
    cost
}

/// Compiles a rule; `reqs` collects the indexes it needs.
pub fn plan_rule(
    program: &ir::Program,
    rule_id: ir::RuleId,
    env: &PlanEnv,
    interner: &mut Interner,
    reqs: &mut Vec<IndexReq>,
) -> Result<RulePlan, Diagnostic> {
    let rule = &program.rules[rule_id];
    let mut p = Planner::new(rule, env, Symbols::Intern(interner), reqs);
    let atoms: Vec<(usize, RelId)> = rule
        .body
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l {
            Literal::Atom(a) => Some((i, a.rel)),
            _ => None,
        })
        .collect();
    let all: Vec<usize> = (0..rule.body.len()).collect();
    let nvars = rule.vars.len();
    // The delta versions first: the indexes of those that run every round
    // (see `IndexReq::recurring`) are then free to the full version's order.
    let mut deltas = Vec::new();
    for (k, &(pos, rel)) in atoms.iter().enumerate() {
        let old_atoms: Vec<usize> = atoms[..k].iter().map(|a| a.0).collect();
        p.recurring = (env.in_stratum)(rel);
        let steps = p.order(&all, Some(pos), &old_atoms, vec![false; nvars]);
        p.recurring = false;
        let steps = steps?;
        deltas.push(Version {
            delta: Some(pos),
            old_atoms,
            steps,
        });
    }
    let full = Version {
        delta: None,
        old_atoms: Vec::new(),
        steps: p.order(&all, None, &[], vec![false; nvars])?,
    };
    let head_args = rule
        .head
        .args
        .iter()
        .map(|e| p.expr(e))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RulePlan {
        rule: rule_id,
        head: rule.head.rel,
        head_args,
        atoms,
        full,
        deltas,
        nvars,
    })
}

/// Where the planner's constants get their words.
pub enum Symbols<'a> {
    /// Symbols are interned (the evaluator, which owns the database).
    Intern(&'a mut Interner),
    /// A symbol the interner does not hold gets a temporary id in the
    /// scratch (a reader of an evaluated database that leaves it unchanged:
    /// such a constant matches no stored row).
    Temporary(&'a Interner, &'a mut Scratch),
    /// A symbol's word is whatever this gives for its text (the dataflow
    /// engine's ids, which every process works out alike). Only the
    /// dataflow engine plans so, hence the allowance without it.
    #[cfg_attr(not(feature = "dataflow"), allow(dead_code))]
    Words(&'a dyn Fn(&str) -> u64),
}

/// A body planned in written order: one step per literal, each literal
/// placed as soon as it can run (a test waits for its variables).
#[derive(Clone, Debug, PartialEq)]
pub struct WrittenPlan {
    /// The steps.
    pub steps: Vec<Step>,
    /// The body position of each step's literal.
    pub lits: Vec<usize>,
    /// The variables bound before each step and, last, after all of them.
    pub bound_before: Vec<Vec<bool>>,
}

/// Plans the body of `rule` (all literals but `skip`) in join order, with
/// the variables marked in `bound` bound beforehand; `reqs` collects the
/// indexes it needs. This is how a reader of an evaluated database (the
/// explainer) runs a body: by the evaluator's planner and executor.
pub fn plan_body(
    rule: &Rule,
    bound: Vec<bool>,
    skip: Option<usize>,
    env: &PlanEnv,
    symbols: Symbols,
    reqs: &mut Vec<IndexReq>,
) -> Result<Vec<Step>, Diagnostic> {
    let mut p = Planner::new(rule, env, symbols, reqs);
    let lits: Vec<usize> = (0..rule.body.len()).filter(|&l| Some(l) != skip).collect();
    p.order(&lits, None, &[], bound)
}

/// Plans the body of `rule` in written order (see [`WrittenPlan`]) with
/// the variables marked in `bound` bound beforehand.
pub fn plan_written(
    rule: &Rule,
    mut bound: Vec<bool>,
    env: &PlanEnv,
    symbols: Symbols,
    reqs: &mut Vec<IndexReq>,
) -> Result<WrittenPlan, Diagnostic> {
    let mut p = Planner::new(rule, env, symbols, reqs);
    let mut left: Vec<usize> = (0..rule.body.len()).collect();
    let mut plan = WrittenPlan {
        steps: Vec::new(),
        lits: Vec::new(),
        bound_before: Vec::new(),
    };
    while !left.is_empty() {
        let mut placed = None;
        for (i, &pos) in left.iter().enumerate() {
            let before = bound.clone();
            let step = match &rule.body[pos] {
                Literal::Atom(a) => Some(p.atom_step(pos, a, Source::All, &mut bound)?),
                lit => p.ready_step(pos, lit, &mut bound)?,
            };
            if let Some(step) = step {
                placed = Some((i, pos, step, before));
                break;
            }
        }
        let Some((i, pos, step, before)) = placed else {
            return Err(internal(
                rule,
                "a literal's variables are never bound by a positive atom",
            ));
        };
        left.remove(i);
        plan.steps.push(step);
        plan.lits.push(pos);
        plan.bound_before.push(before);
    }
    plan.bound_before.push(bound);
    Ok(plan)
}

/// Compiles an expression of `rule` over its registers.
pub fn compile_expr(rule: &Rule, e: &Expr, symbols: Symbols) -> Result<CExpr, Diagnostic> {
    let env = PlanEnv {
        in_stratum: &|_| false,
        sizes: None,
        indexed: &|_, _| false,
    };
    let mut reqs = Vec::new();
    Planner::new(rule, &env, symbols, &mut reqs).expr(e)
}

struct Planner<'a, 'e> {
    rule: &'a Rule,
    env: &'a PlanEnv<'e>,
    symbols: Symbols<'a>,
    reqs: &'a mut Vec<IndexReq>,
    /// Set while a candidate order is costed (which then stays greedy).
    costing: bool,
    /// Set while a version that runs every round is planned.
    recurring: bool,
    /// Aggregates compiled so far (their ids).
    aggregates: usize,
}

fn internal(rule: &Rule, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Internal,
        format!("the evaluator cannot order this rule: {what}"),
        Some(rule.span),
    )
    .with_help("this is a bug in sleuth's checker or evaluator; please report it with the rule")
}

impl<'a, 'e> Planner<'a, 'e> {
    fn new(
        rule: &'a Rule,
        env: &'a PlanEnv<'e>,
        symbols: Symbols<'a>,
        reqs: &'a mut Vec<IndexReq>,
    ) -> Self {
        Planner {
            rule,
            env,
            symbols,
            reqs,
            costing: false,
            recurring: false,
            aggregates: 0,
        }
    }

    fn constant(&mut self, v: &crate::value::Value) -> Result<u64, Diagnostic> {
        match &mut self.symbols {
            Symbols::Intern(interner) => pack(v, interner).map_err(|m| {
                Diagnostic::new(Code::SymbolTableFull, m, Some(self.rule.span))
                    .with_help("use fewer distinct symbols")
            }),
            Symbols::Temporary(interner, scratch) => Ok(match v {
                crate::value::Value::Symbol(s) => scratch.make_sym(interner, s),
                other => pack_existing(other, interner)
                    .expect("only a symbol can be missing from the interner"),
            }),
            Symbols::Words(word) => Ok(match v {
                crate::value::Value::Symbol(s) => word(s),
                other => pack_existing(other, &Interner::new())
                    .expect("only a symbol needs the interner"),
            }),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<CExpr, Diagnostic> {
        Ok(match e {
            Expr::Var(v) => CExpr::Var(*v),
            Expr::Const(c) => CExpr::Const(self.constant(c)?),
            Expr::Neg { arg, ty, span } => CExpr::Neg(Box::new(self.expr(arg)?), *ty, *span),
            Expr::Binary {
                op,
                left,
                right,
                ty,
                span,
            } => CExpr::Binary(
                *op,
                Box::new(self.expr(left)?),
                Box::new(self.expr(right)?),
                *ty,
                *span,
            ),
            Expr::Call {
                functor,
                args,
                ty,
                span,
            } => {
                let mut cargs = Vec::with_capacity(args.len());
                for a in args {
                    cargs.push((self.expr(a)?, a.ty(&self.rule.vars)));
                }
                let _ = ty;
                CExpr::Call(*functor, cargs, e.ty(&self.rule.vars), *span)
            }
        })
    }

    fn index(&mut self, rel: RelId, cols: Vec<usize>) -> usize {
        let dynamic = (self.env.in_stratum)(rel);
        let recurring = self.recurring && !self.costing;
        let same = |r: &IndexReq| r.rel == rel && r.cols == cols && r.dynamic == dynamic;
        match self.reqs.iter().position(same) {
            Some(i) => {
                self.reqs[i].recurring |= recurring;
                i
            }
            None => {
                let req = IndexReq {
                    rel,
                    cols,
                    dynamic,
                    recurring,
                };
                self.reqs.push(req);
                self.reqs.len() - 1
            }
        }
    }

    fn operand(&mut self, t: &Term) -> Result<Operand, Diagnostic> {
        match t {
            Term::Var(v) => Ok(Operand::Var(*v)),
            Term::Const(c) => Ok(Operand::Const(self.constant(c)?)),
            Term::Wildcard => Err(internal(self.rule, "a wildcard used as a key")),
        }
    }

    /// Orders `lits` (body positions) into steps. `delta` goes first.
    fn order(
        &mut self,
        lits: &[usize],
        delta: Option<usize>,
        old_atoms: &[usize],
        mut bound: Vec<bool>,
    ) -> Result<Vec<Step>, Diagnostic> {
        let rule = self.rule;
        self.order_in(&rule.body, lits, delta, old_atoms, &mut bound)
    }

    fn order_in(
        &mut self,
        body: &[Literal],
        lits: &[usize],
        delta: Option<usize>,
        old_atoms: &[usize],
        bound: &mut [bool],
    ) -> Result<Vec<Step>, Diagnostic> {
        let mut left: Vec<usize> = lits.to_vec();
        let mut steps = Vec::new();
        let source_of = |pos: usize| {
            if Some(pos) == delta {
                Source::Delta
            } else if old_atoms.contains(&pos) {
                Source::Old
            } else {
                Source::All
            }
        };
        if let Some(d) = delta {
            left.retain(|&p| p != d);
            let Literal::Atom(a) = &body[d] else {
                return Err(internal(self.rule, "delta on a non-atom"));
            };
            steps.push(self.atom_step(d, a, Source::Delta, bound)?);
        }
        while !left.is_empty() {
            // Place every literal that is ready and binds or filters.
            let mut placed = true;
            while placed {
                placed = false;
                let mut i = 0;
                while i < left.len() {
                    if let Some(step) = self.ready_step(left[i], &body[left[i]], bound)? {
                        steps.push(step);
                        left.remove(i);
                        placed = true;
                    } else {
                        i += 1;
                    }
                }
            }
            // Pick the best positive atom.
            let mut best: Option<(usize, (usize, bool, usize, usize))> = None;
            for (i, &pos) in left.iter().enumerate() {
                let Literal::Atom(a) = &body[pos] else {
                    continue;
                };
                let nbound = a
                    .args
                    .iter()
                    .filter(|t| match t {
                        Term::Const(_) => true,
                        Term::Var(v) => bound[*v],
                        Term::Wildcard => false,
                    })
                    .count();
                let full = nbound == a.args.len();
                let size = self
                    .env
                    .sizes
                    .map_or(0, |s| if nbound == 0 { s[a.rel] } else { 0 });
                // Higher is better: all bound, most bound, smallest, earliest.
                let score = (usize::from(full), nbound > 0, nbound, usize::MAX - size);
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((i, score));
                }
            }
            // A new outer loop: cost each unbound candidate's whole order.
            if let Some((_, (0, false, _, _))) = best
                && self.env.sizes.is_some()
                && !self.costing
            {
                best = self.cheapest_outer(body, &left, old_atoms, bound)?.or(best);
            }
            match best {
                Some((i, _)) => {
                    let pos = left.remove(i);
                    let Literal::Atom(a) = &body[pos] else {
                        unreachable!("picked among atoms")
                    };
                    steps.push(self.atom_step(pos, a, source_of(pos), bound)?);
                }
                None if left.is_empty() => {}
                None => {
                    return Err(internal(
                        self.rule,
                        "a literal's variables are never bound by a positive atom",
                    ));
                }
            }
        }
        Ok(steps)
    }

    /// Among the unbound atoms of `left`, the one whose greedy order costs
    /// least (see [`plan_cost`]); ties go to the earliest. The candidates'
    /// index requests are dropped again.
    #[allow(clippy::type_complexity)] // the same score tuple as `order_in`'s
    fn cheapest_outer(
        &mut self,
        body: &[Literal],
        left: &[usize],
        old_atoms: &[usize],
        bound: &[bool],
    ) -> Result<Option<(usize, (usize, bool, usize, usize))>, Diagnostic> {
        // A relation derived here is guessed to grow as large as the largest
        // relation the rule reads.
        let grows_to = body
            .iter()
            .filter_map(|l| match l {
                Literal::Atom(a) => self.env.sizes.map(|s| s[a.rel]),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let mut best: Option<(usize, f64)> = None;
        for (i, &pos) in left.iter().enumerate() {
            let Literal::Atom(a) = &body[pos] else {
                continue;
            };
            let mut b = bound.to_vec();
            let saved = self.reqs.len();
            self.costing = true;
            let source = if old_atoms.contains(&pos) {
                Source::Old
            } else {
                Source::All
            };
            let mut steps = vec![self.atom_step(pos, a, source, &mut b)?];
            let rest: Vec<usize> = left.iter().copied().filter(|&p| p != pos).collect();
            let tail = self.order_in(body, &rest, None, old_atoms, &mut b);
            self.costing = false;
            let cost = match tail {
                Ok(tail) => {
                    steps.extend(tail);
                    plan_cost(&steps, self.reqs, grows_to, self.env)
                }
                Err(_) => f64::INFINITY,
            };
            self.reqs.truncate(saved);
            if best.is_none_or(|(_, c)| cost < c) {
                best = Some((i, cost));
            }
        }
        Ok(best.map(|(i, _)| (i, (0, false, 0, 0))))
    }

    fn atom_step(
        &mut self,
        lit: usize,
        a: &ir::Atom,
        source: Source,
        bound: &mut [bool],
    ) -> Result<Step, Diagnostic> {
        let mut key_cols = Vec::new();
        let mut key = Vec::new();
        let mut ops = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for (c, t) in a.args.iter().enumerate() {
            match t {
                Term::Const(v) => {
                    let w = self.constant(v)?;
                    key_cols.push(c);
                    key.push(Operand::Const(w));
                    ops.push(ColOp::Const(w));
                }
                Term::Var(v) if bound[*v] => {
                    key_cols.push(c);
                    key.push(Operand::Var(*v));
                    ops.push(ColOp::Check(*v));
                }
                Term::Var(v) if seen.contains(v) => ops.push(ColOp::Check(*v)),
                Term::Var(v) => {
                    seen.push(*v);
                    ops.push(ColOp::Bind(*v));
                }
                Term::Wildcard => ops.push(ColOp::Skip),
            }
        }
        for v in seen {
            bound[v] = true;
        }
        let arity = a.args.len();
        Ok(if key_cols.len() == arity {
            Step::Member {
                lit,
                rel: a.rel,
                source,
                row: key,
            }
        } else if key_cols.is_empty() {
            Step::Scan {
                lit,
                rel: a.rel,
                source,
                cols: ops,
            }
        } else {
            let val_cols: Vec<usize> = (0..arity).filter(|c| !key_cols.contains(c)).collect();
            let vals = val_cols.iter().map(|&c| ops[c]).collect();
            let index = self.index(a.rel, key_cols);
            Step::Lookup {
                lit,
                rel: a.rel,
                source,
                index,
                key,
                val_cols,
                vals,
            }
        })
    }

    fn all_bound(e: &Expr, bound: &[bool]) -> bool {
        let mut vs = Vec::new();
        e.vars(&mut vs);
        vs.iter().all(|v| bound[*v])
    }

    /// A step for a non-atom literal whose inputs are bound, or `None`.
    fn ready_step(
        &mut self,
        pos: usize,
        lit: &Literal,
        bound: &mut [bool],
    ) -> Result<Option<Step>, Diagnostic> {
        Ok(match lit {
            Literal::Atom(_) => None,
            Literal::Negated(a) => {
                let ready = a.args.iter().all(|t| match t {
                    Term::Var(v) => bound[*v],
                    _ => true,
                });
                if !ready {
                    return Ok(None);
                }
                let mut cols = Vec::new();
                let mut key = Vec::new();
                for (c, t) in a.args.iter().enumerate() {
                    if !matches!(t, Term::Wildcard) {
                        cols.push(c);
                        key.push(self.operand(t)?);
                    }
                }
                if cols.len() == a.args.len() {
                    Some(Step::NotMember {
                        rel: a.rel,
                        row: key,
                    })
                } else if cols.is_empty() {
                    Some(Step::NotExists {
                        rel: a.rel,
                        index: None,
                        key,
                    })
                } else {
                    let index = Some(self.index(a.rel, cols));
                    Some(Step::NotExists {
                        rel: a.rel,
                        index,
                        key,
                    })
                }
            }
            Literal::Compare(c) => {
                let lb = Self::all_bound(&c.left, bound);
                let rb = Self::all_bound(&c.right, bound);
                if lb && rb {
                    Some(Step::Filter {
                        op: c.op,
                        left: self.expr(&c.left)?,
                        right: self.expr(&c.right)?,
                        ty: c.ty,
                    })
                } else if c.op == CmpOp::Eq {
                    match (&c.left, &c.right) {
                        (Expr::Var(x), e) | (e, Expr::Var(x))
                            if !bound[*x] && Self::all_bound(e, bound) =>
                        {
                            let expr = self.expr(e)?;
                            bound[*x] = true;
                            Some(Step::Bind { var: *x, expr })
                        }
                        _ => None,
                    }
                } else {
                    None
                }
            }
            Literal::Test(t) => {
                if !t.args.iter().all(|e| Self::all_bound(e, bound)) {
                    return Ok(None);
                }
                match t.predicate {
                    ir::Predicate::Contains => {
                        let [sub, s] = t.args.as_slice() else {
                            return Err(internal(self.rule, "contains takes two arguments"));
                        };
                        Some(Step::Contains {
                            sub: self.expr(sub)?,
                            s: self.expr(s)?,
                            negated: t.negated,
                        })
                    }
                    ir::Predicate::Match => {
                        let [pattern, s] = t.args.as_slice() else {
                            return Err(internal(self.rule, "match takes two arguments"));
                        };
                        // A constant pattern compiles once (the checker
                        // reported it if it does not compile).
                        let regex = match pattern {
                            Expr::Const(crate::value::Value::Symbol(p)) => Regex::new(p).ok(),
                            _ => None,
                        };
                        Some(Step::Match {
                            regex,
                            pattern: self.expr(pattern)?,
                            s: self.expr(s)?,
                            negated: t.negated,
                            span: t.span,
                        })
                    }
                }
            }
            Literal::Aggregate(ag) => {
                if !ag.outer.iter().all(|v| bound[*v]) {
                    return Ok(None);
                }
                let mut inner = bound.to_vec();
                let lits: Vec<usize> = (0..ag.body.len()).collect();
                let steps = self.order_in(&ag.body, &lits, None, &[], &mut inner)?;
                let target = match &ag.target {
                    Some(t) => Some(self.expr(t)?),
                    None => None,
                };
                // The registers bound outside that decide the value: the
                // group's variables, and any the target reads from outside.
                let mut group = ag.outer.clone();
                if let Some(t) = &ag.target {
                    t.vars(&mut group);
                }
                group.retain(|&v| bound[v]);
                group.sort_unstable();
                group.dedup();
                // The same body with the group's variables left for it to
                // bind: one pass then yields every group's value.
                let grouped = if !group.is_empty() && group.iter().all(|v| ag.outer.contains(v)) {
                    let mut g = bound.to_vec();
                    for &v in &group {
                        g[v] = false;
                    }
                    // Only when the body binds every variable of the group.
                    self.order_in(&ag.body, &lits, None, &[], &mut g)
                        .ok()
                        .filter(|_| group.iter().all(|&v| g[v]))
                } else {
                    None
                };
                let result_bound = bound[ag.result];
                bound[ag.result] = true;
                self.aggregates += 1;
                Some(Step::Aggregate(Box::new(AggStep {
                    id: self.aggregates,
                    lit: pos,
                    group_symbols: group
                        .iter()
                        .map(|&v| self.rule.vars[v].ty == Type::Symbol)
                        .collect(),
                    group,
                    grouped,
                    result: ag.result,
                    result_bound,
                    op: ag.op,
                    target,
                    ty: ag.ty,
                    steps,
                    distinct: ag.distinct_bindings(&self.rule.vars),
                    span: ag.span,
                })))
            }
        })
    }
}
