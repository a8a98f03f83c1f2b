//! This module defines how a rule's body is compiled for explanations: an
//! order of its literals (join order for proofs and confidence, source order
//! for `whynot`, so the first failing premise is the one the analyst reads
//! first), and for each literal a step over packed words that the executor
//! (`exec`) runs against the evaluated database. Expressions are compiled to
//! the evaluator's [`CExpr`] so they are evaluated by the evaluator's own code.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::eval::exec::Scratch;
use crate::eval::intern::Interner;
use crate::eval::pack::pack_existing;
use crate::eval::plan::{CExpr, expr_type, expr_vars};
use crate::ir::{AggOp, CmpOp, Expr, Literal, RelId, Rule, Term, VarId};
use crate::value::{Type, Value};

/// How to order a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Strategy {
    /// Bound literals first, then the atom with most bound columns: fast.
    Join,
    /// Source order, deferring a test until its variables are bound: the
    /// order an analyst reads the rule in.
    Source,
}

/// What a step does with one column of a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    /// Store the value in a register.
    Bind(VarId),
    /// Require it equal to a register.
    Check(VarId),
    /// Require it equal to a constant.
    Const(u64),
    /// Ignore it.
    Skip,
}

/// One word of a lookup key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Key {
    /// A bound register.
    Var(VarId),
    /// A constant.
    Const(u64),
}

/// One compiled body literal.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// A positive atom: visit its matching rows.
    Atom {
        /// Body position.
        pos: usize,
        /// Relation read.
        rel: RelId,
        /// One op per column.
        ops: Vec<Op>,
        /// Columns bound before the atom is reached (the lookup key).
        key_cols: Vec<usize>,
        /// The key, in `key_cols` order.
        key: Vec<Key>,
    },
    /// A positive atom with a constant no stored row holds: never matches.
    Never {
        /// Body position.
        pos: usize,
    },
    /// `!atom`: continue when no row matches the non-wildcard columns.
    Negated {
        /// Body position.
        pos: usize,
        /// Relation read.
        rel: RelId,
        /// The non-wildcard columns.
        cols: Vec<usize>,
        /// Their values.
        key: Vec<Key>,
        /// A constant no stored row holds: the negation always holds.
        vacuous: bool,
    },
    /// A comparison with both sides bound.
    Filter {
        /// Body position.
        pos: usize,
        /// Operator.
        op: CmpOp,
        /// Left side.
        left: CExpr,
        /// Right side.
        right: CExpr,
        /// Type compared.
        ty: Type,
    },
    /// `X = expr` with `X` unbound.
    Bind {
        /// Body position.
        pos: usize,
        /// Variable bound.
        var: VarId,
        /// Its value.
        expr: CExpr,
    },
    /// `contains(sub, s)`.
    Contains {
        /// Body position.
        pos: usize,
        /// Needle.
        sub: CExpr,
        /// Haystack.
        s: CExpr,
    },
    /// An aggregate, evaluated for the current binding of its outer variables.
    Aggregate(Box<AggPlan>),
}

impl Step {
    /// The body position of the literal.
    pub(crate) fn pos(&self) -> usize {
        match self {
            Step::Atom { pos, .. }
            | Step::Never { pos }
            | Step::Negated { pos, .. }
            | Step::Filter { pos, .. }
            | Step::Bind { pos, .. }
            | Step::Contains { pos, .. } => *pos,
            Step::Aggregate(a) => a.pos,
        }
    }
}

/// A compiled aggregate.
#[derive(Clone, Debug)]
pub(crate) struct AggPlan {
    /// Body position.
    pub pos: usize,
    /// Register receiving the value.
    pub result: VarId,
    /// Whether `result` is bound before (then the aggregate is a test).
    pub result_bound: bool,
    /// The function.
    pub op: AggOp,
    /// What is summed or compared.
    pub target: Option<CExpr>,
    /// Type of the value.
    pub ty: Type,
    /// The body, ordered for joining.
    pub steps: Vec<Step>,
    /// Number of literals in the aggregate's body.
    pub body_len: usize,
    /// For `sum` and `mean` over a body Soufflé materializes: the variables
    /// whose distinct bindings are aggregated (the evaluator's rule, see
    /// `eval::plan::distinct_bindings`).
    pub distinct: Option<Vec<VarId>>,
    /// The aggregate in its source.
    pub span: crate::diag::Span,
}

/// A body compiled for one set of initially bound variables.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The steps in execution order.
    pub steps: Vec<Step>,
    /// The variables bound before each step (and, last, after all of them).
    pub bound_before: Vec<Vec<bool>>,
    /// Indexes the steps read: relation and key columns.
    pub indexes: Vec<(RelId, Vec<usize>)>,
}

/// Whether a literal can run with `bound` variables bound.
fn ready(lit: &Literal, bound: &[bool]) -> bool {
    let all = |e: &Expr| {
        let mut vs = Vec::new();
        expr_vars(e, &mut vs);
        vs.iter().all(|v| bound[*v])
    };
    match lit {
        Literal::Atom(_) => true,
        Literal::Negated(a) => a.args.iter().all(|t| match t {
            Term::Var(v) => bound[*v],
            _ => true,
        }),
        Literal::Compare(c) => {
            (all(&c.left) && all(&c.right))
                || (c.op == CmpOp::Eq
                    && matches!((&c.left, &c.right),
                        (Expr::Var(x), e) | (e, Expr::Var(x)) if !bound[*x] && all(e)))
        }
        Literal::Test(t) => t.args.iter().all(all),
        Literal::Aggregate(a) => a.outer.iter().all(|v| bound[*v]),
    }
}

/// The variables a literal binds when it runs.
fn binds(lit: &Literal, bound: &mut [bool]) {
    match lit {
        Literal::Atom(a) => {
            for t in &a.args {
                if let Term::Var(v) = t {
                    bound[*v] = true;
                }
            }
        }
        Literal::Compare(c) if c.op == CmpOp::Eq => {
            for side in [&c.left, &c.right] {
                if let Expr::Var(v) = side {
                    bound[*v] = true;
                }
            }
        }
        Literal::Aggregate(a) => bound[a.result] = true,
        _ => {}
    }
}

fn bound_columns(lit: &Literal, bound: &[bool]) -> (bool, usize) {
    let Literal::Atom(a) = lit else {
        return (false, 0);
    };
    let n = a
        .args
        .iter()
        .filter(|t| match t {
            Term::Const(_) => true,
            Term::Var(v) => bound[*v],
            Term::Wildcard => false,
        })
        .count();
    (n == a.args.len(), n)
}

/// Orders the literals `lits` (positions in `body`) given bound variables.
pub(crate) fn order(
    body: &[Literal],
    lits: &[usize],
    bound: &[bool],
    strategy: Strategy,
) -> Option<Vec<usize>> {
    let mut bound = bound.to_vec();
    let mut left: Vec<usize> = lits.to_vec();
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let pick = match strategy {
            Strategy::Source => left.iter().position(|&p| ready(&body[p], &bound)),
            Strategy::Join => left
                .iter()
                .position(|&p| !matches!(body[p], Literal::Atom(_)) && ready(&body[p], &bound))
                .or_else(|| {
                    // The atom with all columns bound, else the most bound, else the first.
                    let mut best: Option<(usize, (bool, usize))> = None;
                    for (i, &p) in left.iter().enumerate() {
                        if matches!(body[p], Literal::Atom(_)) {
                            let score = bound_columns(&body[p], &bound);
                            if best.is_none_or(|(_, b)| score > b) {
                                best = Some((i, score));
                            }
                        }
                    }
                    best.map(|(i, _)| i)
                }),
        }?;
        let p = left.remove(pick);
        binds(&body[p], &mut bound);
        out.push(p);
    }
    Some(out)
}

/// Compiles literals of one rule to steps.
pub(crate) struct Compiler<'a> {
    /// The rule.
    pub rule: &'a Rule,
    /// Symbols of the database.
    pub interner: &'a Interner,
    /// Where symbols the database does not know get temporary ids.
    pub scratch: &'a mut Scratch,
}

fn internal(rule: &Rule, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Internal,
        format!("the explainer cannot order this rule: {what}"),
        Some(rule.span),
    )
    .with_help("this is a bug in sleuth's explainer; please report it with the rule")
}

impl Compiler<'_> {
    /// A constant as a word; symbols the database never saw get a temporary id.
    pub(crate) fn constant(&mut self, v: &Value) -> u64 {
        match v {
            Value::Symbol(s) => self.scratch.make_sym(self.interner, s),
            other => pack_existing(other, self.interner).expect("only symbols need interning"),
        }
    }

    /// An expression over registers.
    pub(crate) fn expr(&mut self, e: &Expr) -> CExpr {
        match e {
            Expr::Var(v) => CExpr::Var(*v),
            Expr::Const(c) => CExpr::Const(self.constant(c)),
            Expr::Neg { arg, ty, span } => CExpr::Neg(Box::new(self.expr(arg)), *ty, *span),
            Expr::Binary {
                op,
                left,
                right,
                ty,
                span,
            } => CExpr::Binary(
                *op,
                Box::new(self.expr(left)),
                Box::new(self.expr(right)),
                *ty,
                *span,
            ),
            Expr::Call {
                functor,
                args,
                span,
                ..
            } => {
                let cargs = args
                    .iter()
                    .map(|a| (self.expr(a), expr_type(a, self.rule)))
                    .collect();
                CExpr::Call(*functor, cargs, expr_type(e, self.rule), *span)
            }
        }
    }

    /// Compiles the outer body (all literals but `skip`) with `bound`
    /// variables bound before it.
    pub(crate) fn plan(
        &mut self,
        bound: &[bool],
        strategy: Strategy,
        skip: Option<usize>,
    ) -> Result<Plan, Diagnostic> {
        let rule = self.rule;
        let lits: Vec<usize> = (0..rule.body.len()).filter(|&p| Some(p) != skip).collect();
        let order = order(&rule.body, &lits, bound, strategy)
            .ok_or_else(|| internal(rule, "a literal's variables are never bound"))?;
        let mut bound = bound.to_vec();
        let mut plan = Plan {
            steps: Vec::new(),
            bound_before: Vec::new(),
            indexes: Vec::new(),
        };
        for p in order {
            plan.bound_before.push(bound.clone());
            let step = self.step(&rule.body, p, &mut bound, &mut plan.indexes)?;
            plan.steps.push(step);
        }
        plan.bound_before.push(bound);
        Ok(plan)
    }

    fn step(
        &mut self,
        body: &[Literal],
        pos: usize,
        bound: &mut [bool],
        indexes: &mut Vec<(RelId, Vec<usize>)>,
    ) -> Result<Step, Diagnostic> {
        Ok(match &body[pos] {
            Literal::Atom(a) => {
                let mut ops = Vec::with_capacity(a.args.len());
                let mut key_cols = Vec::new();
                let mut key = Vec::new();
                for (c, t) in a.args.iter().enumerate() {
                    match t {
                        Term::Const(v) => {
                            let Some(w) = pack_existing(v, self.interner) else {
                                return Ok(Step::Never { pos });
                            };
                            key_cols.push(c);
                            key.push(Key::Const(w));
                            ops.push(Op::Const(w));
                        }
                        Term::Var(v) if bound[*v] => {
                            key_cols.push(c);
                            key.push(Key::Var(*v));
                            ops.push(Op::Check(*v));
                        }
                        Term::Var(v) if ops.contains(&Op::Bind(*v)) => ops.push(Op::Check(*v)),
                        Term::Var(v) => ops.push(Op::Bind(*v)),
                        Term::Wildcard => ops.push(Op::Skip),
                    }
                }
                for op in &ops {
                    if let Op::Bind(v) = op {
                        bound[*v] = true;
                    }
                }
                if !key_cols.is_empty() && key_cols.len() < ops.len() {
                    let need = (a.rel, key_cols.clone());
                    if !indexes.contains(&need) {
                        indexes.push(need);
                    }
                }
                Step::Atom {
                    pos,
                    rel: a.rel,
                    ops,
                    key_cols,
                    key,
                }
            }
            Literal::Negated(a) => {
                let mut cols = Vec::new();
                let mut key = Vec::new();
                let mut vacuous = false;
                for (c, t) in a.args.iter().enumerate() {
                    match t {
                        Term::Const(v) => match pack_existing(v, self.interner) {
                            Some(w) => {
                                cols.push(c);
                                key.push(Key::Const(w));
                            }
                            None => vacuous = true,
                        },
                        Term::Var(v) => {
                            cols.push(c);
                            key.push(Key::Var(*v));
                        }
                        Term::Wildcard => {}
                    }
                }
                if !cols.is_empty() && cols.len() < a.args.len() {
                    let need = (a.rel, cols.clone());
                    if !indexes.contains(&need) {
                        indexes.push(need);
                    }
                }
                Step::Negated {
                    pos,
                    rel: a.rel,
                    cols,
                    key,
                    vacuous,
                }
            }
            Literal::Compare(c) => {
                let all = |e: &Expr, bound: &[bool]| {
                    let mut vs = Vec::new();
                    expr_vars(e, &mut vs);
                    vs.iter().all(|v| bound[*v])
                };
                if all(&c.left, bound) && all(&c.right, bound) {
                    Step::Filter {
                        pos,
                        op: c.op,
                        left: self.expr(&c.left),
                        right: self.expr(&c.right),
                        ty: c.ty,
                    }
                } else {
                    let (var, e) = match (&c.left, &c.right) {
                        (Expr::Var(x), e) if !bound[*x] => (*x, e),
                        (e, Expr::Var(x)) if !bound[*x] => (*x, e),
                        _ => return Err(internal(self.rule, "a comparison is never bound")),
                    };
                    bound[var] = true;
                    Step::Bind {
                        pos,
                        var,
                        expr: self.expr(e),
                    }
                }
            }
            Literal::Test(t) => {
                let [sub, s] = t.args.as_slice() else {
                    return Err(internal(self.rule, "contains takes two arguments"));
                };
                Step::Contains {
                    pos,
                    sub: self.expr(sub),
                    s: self.expr(s),
                }
            }
            Literal::Aggregate(ag) => {
                let lits: Vec<usize> = (0..ag.body.len()).collect();
                let order = order(&ag.body, &lits, bound, Strategy::Join)
                    .ok_or_else(|| internal(self.rule, "an aggregate's body is never bound"))?;
                let mut inner = bound.to_vec();
                let mut steps = Vec::with_capacity(order.len());
                for p in order {
                    steps.push(self.step(&ag.body, p, &mut inner, indexes)?);
                }
                let target = ag.target.as_ref().map(|t| self.expr(t));
                let result_bound = bound[ag.result];
                bound[ag.result] = true;
                Step::Aggregate(Box::new(AggPlan {
                    pos,
                    result: ag.result,
                    result_bound,
                    op: ag.op,
                    target,
                    ty: ag.ty,
                    steps,
                    body_len: ag.body.len(),
                    distinct: crate::eval::plan::distinct_bindings(ag, &self.rule.vars),
                    span: ag.span,
                }))
            }
        })
    }
}
