//! This module defines how a rule is planned for the dataflow engine: the
//! order of its body literals (a first positive atom, then each atom
//! joined on the variables already bound, every comparison, test,
//! negation and aggregate as soon as its variables are bound), the
//! variables each binding keeps (only those still needed; all of them in
//! an aggregate's body, whose bindings are its matches) and each join's key.

use super::Stop;
use super::plan::{AggPlan, Chain, From, Index, KeyPart, Op, RulePlan, Start, Test};
use crate::diag::{Code, Diagnostic};
use crate::eval::plan::{CExpr, Symbols, compile_expr};
use crate::ir::{Aggregate, CmpOp, Expr, Literal, Predicate, Rule, Term, VarId};
use crate::syntax::regex::Regex;
use crate::value::Value;

fn internal(rule: &Rule, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Internal,
        format!("the dataflow engine cannot order this rule: {what}"),
        Some(rule.span),
    )
}

/// A constant's word.
pub fn pack(v: &Value, word: &dyn Fn(&str) -> u64) -> u64 {
    match v {
        Value::Symbol(s) => word(s),
        Value::Number(n) => *n as u64,
        Value::Float(x) => x.to_bits(),
        Value::Date(d) => u64::from(d.packed()),
    }
}

struct Planner<'a> {
    rule: &'a Rule,
    word: &'a dyn Fn(&str) -> u64,
    /// Registers used so far (variables, then wildcards of aggregates).
    regs: usize,
}

/// Plans a rule; `word` gives a symbol constant's word.
pub fn plan_rule(rule: &Rule, word: &dyn Fn(&str) -> u64) -> Result<RulePlan, Stop> {
    let mut p = Planner {
        rule,
        word,
        regs: rule.vars.len(),
    };
    let mut needed = Vec::new();
    rule.head.args.iter().for_each(|e| e.vars(&mut needed));
    let lits: Vec<&Literal> = rule.body.iter().collect();
    let chain = p.chain(&lits, None, &needed, false)?;
    let mut head_args = Vec::new();
    for e in &rule.head.args {
        head_args.push(p.expr(e)?);
    }
    Ok(RulePlan {
        chain,
        head: rule.head.rel,
        head_args,
        regs: p.regs,
    })
}

fn atom_of(l: &Literal) -> Option<&crate::ir::Atom> {
    match l {
        Literal::Atom(a) => Some(a),
        _ => None,
    }
}

impl Planner<'_> {
    fn expr(&mut self, e: &Expr) -> Result<CExpr, Stop> {
        compile_expr(self.rule, e, Symbols::Words(self.word)).map_err(Box::new)
    }

    fn constant(&mut self, v: &Value) -> u64 {
        pack(v, self.word)
    }

    /// Plans `lits` from `groups` (an aggregate's outer variables) or from
    /// nothing; `needed` are the variables used after the chain; `keep`
    /// keeps every variable (an aggregate's body, whose bindings are its
    /// matches).
    fn chain(
        &mut self,
        lits: &[&Literal],
        groups: Option<&[VarId]>,
        needed: &[VarId],
        keep: bool,
    ) -> Result<Chain, Stop> {
        let mut left: Vec<usize> = (0..lits.len()).collect();
        // The terms of each literal with wildcards of aggregate bodies
        // named (they tell matches apart).
        let mut layout: Vec<VarId> = groups.map(<[VarId]>::to_vec).unwrap_or_default();
        let mut order: Vec<usize> = Vec::new();
        let start_atom = if groups.is_some() {
            None
        } else {
            left.iter().position(|&i| atom_of(lits[i]).is_some())
        };
        if let Some(k) = start_atom {
            order.push(left.remove(k));
        }
        // The order: ready non-atoms first, then the atom sharing most.
        let mut bound: Vec<VarId> = layout.clone();
        if let Some(&i) = order.first() {
            lits[i].vars(&mut bound);
        }
        while !left.is_empty() {
            if let Some(k) = left
                .iter()
                .position(|&i| atom_of(lits[i]).is_none() && ready(lits[i], &bound))
            {
                let i = left.remove(k);
                if let Literal::Compare(c) = lits[i] {
                    c.left.vars(&mut bound);
                    c.right.vars(&mut bound);
                }
                if let Literal::Aggregate(a) = lits[i] {
                    bound.push(a.result);
                }
                order.push(i);
                continue;
            }
            let best = left
                .iter()
                .enumerate()
                .filter_map(|(k, &i)| atom_of(lits[i]).map(|a| (k, a)))
                .max_by_key(|(k, a)| {
                    let shared = a
                        .args
                        .iter()
                        .filter(|t| matches!(t, Term::Var(v) if bound.contains(v)))
                        .count();
                    (shared, usize::MAX - k)
                })
                .map(|(k, _)| k);
            let Some(k) = best else {
                return Err(Box::new(internal(
                    self.rule,
                    "a literal's variables are never bound",
                )));
            };
            let i = left.remove(k);
            lits[i].vars(&mut bound);
            order.push(i);
        }
        // Liveness: what each step and the steps after it need.
        let mut later: Vec<Vec<VarId>> = vec![needed.to_vec(); order.len() + 1];
        for s in (0..order.len()).rev() {
            let mut v = later[s + 1].clone();
            lits[order[s]].vars(&mut v);
            later[s] = v;
        }
        let live = |v: VarId, s: usize| keep || later[s].contains(&v);
        let mut ops = Vec::new();
        let mut start = if groups.is_some() {
            Start::Groups
        } else {
            Start::Unit
        };
        let mut step = 0;
        if start_atom.is_some() {
            let a = atom_of(lits[order[0]]).expect("the first literal is an atom");
            let (mut consts, mut same, mut out) = (Vec::new(), Vec::new(), Vec::new());
            let mut first_col: Vec<(VarId, usize)> = Vec::new();
            for (c, t) in a.args.iter().enumerate() {
                match t {
                    Term::Const(v) => consts.push((c, self.constant(v))),
                    Term::Var(v) => match first_col.iter().find(|(w, _)| w == v) {
                        Some(&(_, c0)) => same.push((c0, c)),
                        None => {
                            first_col.push((*v, c));
                            if live(*v, 1) {
                                out.push(c);
                                layout.push(*v);
                            }
                        }
                    },
                    Term::Wildcard => {
                        if keep {
                            out.push(c);
                            layout.push(self.fresh());
                        }
                    }
                }
            }
            start = Start::Scan {
                rel: a.rel,
                consts,
                same,
                out,
            };
            step = 1;
        }
        let mut pending: Vec<Test> = Vec::new();
        let mut map_in: Option<Vec<VarId>> = None;
        for s in step..order.len() {
            let lit = lits[order[s]];
            let is_test = matches!(lit, Literal::Compare(_) | Literal::Test(_));
            if is_test {
                if map_in.is_none() {
                    map_in = Some(layout.clone());
                }
                let before = layout.clone();
                pending.push(self.test(lit, &before)?);
                if let Test::Bind(v, _) = pending.last().expect("just pushed") {
                    layout.push(*v);
                }
                // A map ends before the next literal that is not a test.
                let next_is_test = order
                    .get(s + 1)
                    .is_some_and(|&i| matches!(lits[i], Literal::Compare(_) | Literal::Test(_)));
                if !next_is_test {
                    layout.retain(|&v| live(v, s + 1));
                    ops.push(Op::Map {
                        layout_in: map_in.take().expect("a map was started"),
                        tests: std::mem::take(&mut pending),
                        layout_out: layout.clone(),
                    });
                }
                continue;
            }
            match lit {
                Literal::Atom(a) => {
                    let mut cols = Vec::new();
                    let mut key_of_col = Vec::new();
                    for (c, t) in a.args.iter().enumerate() {
                        match t {
                            Term::Const(v) => {
                                cols.push(c);
                                key_of_col.push(KeyPart::Const(self.constant(v)));
                            }
                            Term::Var(v) if layout.contains(v) => {
                                cols.push(c);
                                let at = layout.iter().position(|w| w == v).expect("bound");
                                key_of_col.push(KeyPart::At(at));
                            }
                            _ => {}
                        }
                    }
                    let index = Index { rel: a.rel, cols };
                    let rest = index.rest(a.args.len());
                    let mut out: Vec<From> = Vec::new();
                    let mut new_layout = Vec::new();
                    let mut left = Vec::new();
                    for (at, &v) in layout.iter().enumerate() {
                        if live(v, s + 1) {
                            let in_key = key_of_col
                                .iter()
                                .position(|k| matches!(k, KeyPart::At(i) if *i == at));
                            out.push(match in_key {
                                Some(i) => From::Key(i),
                                None => {
                                    left.push(at);
                                    From::Left(left.len() - 1)
                                }
                            });
                            new_layout.push(v);
                        }
                    }
                    let mut same = Vec::new();
                    let mut first_pos: Vec<(VarId, usize)> = Vec::new();
                    for (pos, &c) in rest.iter().enumerate() {
                        match &a.args[c] {
                            Term::Var(v) => match first_pos.iter().find(|(w, _)| w == v) {
                                Some(&(_, p0)) => same.push((p0, pos)),
                                None => {
                                    first_pos.push((*v, pos));
                                    if live(*v, s + 1) {
                                        out.push(From::Right(pos));
                                        new_layout.push(*v);
                                    }
                                }
                            },
                            Term::Wildcard if keep => {
                                out.push(From::Right(pos));
                                new_layout.push(self.fresh());
                            }
                            _ => {}
                        }
                    }
                    layout = new_layout;
                    ops.push(Op::Join {
                        index,
                        key: key_of_col,
                        left,
                        out,
                        same,
                    });
                }
                Literal::Negated(a) => {
                    let mut cols = Vec::new();
                    let mut key = Vec::new();
                    for (c, t) in a.args.iter().enumerate() {
                        match t {
                            Term::Const(v) => {
                                cols.push(c);
                                key.push(KeyPart::Const(self.constant(v)));
                            }
                            Term::Var(v) => {
                                let Some(at) = layout.iter().position(|w| w == v) else {
                                    return Err(Box::new(internal(
                                        self.rule,
                                        "a negated variable is unbound",
                                    )));
                                };
                                cols.push(c);
                                key.push(KeyPart::At(at));
                            }
                            Term::Wildcard => {}
                        }
                    }
                    let out: Vec<usize> = (0..layout.len())
                        .filter(|&at| live(layout[at], s + 1))
                        .collect();
                    layout = out.iter().map(|&at| layout[at]).collect();
                    ops.push(Op::Anti {
                        index: Index { rel: a.rel, cols },
                        key,
                        out,
                    });
                }
                Literal::Aggregate(g) => {
                    let plan = self.aggregate(g, &layout, s, &live)?;
                    let mut new_layout: Vec<VarId> =
                        plan.out.iter().map(|&at| layout[at]).collect();
                    if plan.check.is_none() {
                        new_layout.push(g.result);
                    }
                    layout = new_layout;
                    ops.push(Op::Aggregate(Box::new(plan)));
                }
                _ => unreachable!("tests are handled above"),
            }
        }
        Ok(Chain { start, ops, layout })
    }

    fn fresh(&mut self) -> VarId {
        self.regs += 1;
        self.regs - 1
    }

    fn aggregate(
        &mut self,
        g: &Aggregate,
        layout: &[VarId],
        s: usize,
        live: &dyn Fn(VarId, usize) -> bool,
    ) -> Result<AggPlan, Stop> {
        let outer: Vec<usize> = g
            .outer
            .iter()
            .map(|v| layout.iter().position(|w| w == v))
            .collect::<Option<_>>()
            .ok_or_else(|| Box::new(internal(self.rule, "an aggregate's group is unbound")))?;
        let lits: Vec<&Literal> = g.body.iter().collect();
        let mut needed = Vec::new();
        if let Some(t) = &g.target {
            t.vars(&mut needed);
        }
        let body = self.chain(&lits, Some(&g.outer), &needed, true)?;
        let identity_vars: Vec<VarId> = match g.distinct_bindings(&self.rule.vars) {
            Some(vars) => {
                let mut id = g.outer.clone();
                id.extend(
                    vars.into_iter()
                        .filter(|v| body.layout.contains(v) && !g.outer.contains(v)),
                );
                id
            }
            None => body.layout.clone(),
        };
        let identity = identity_vars
            .iter()
            .map(|v| {
                body.layout
                    .iter()
                    .position(|w| w == v)
                    .expect("in the body's layout")
            })
            .collect();
        let target = match &g.target {
            Some(t) => Some(self.expr(t)?),
            None => None,
        };
        let check = layout.iter().position(|&v| v == g.result);
        let out = (0..layout.len())
            .filter(|&at| live(layout[at], s + 1))
            .collect();
        Ok(AggPlan {
            op: g.op,
            ty: g.ty,
            span: g.span,
            outer,
            body,
            identity,
            identity_vars,
            target,
            out,
            check,
        })
    }

    fn test(&mut self, lit: &Literal, bound: &[VarId]) -> Result<Test, Stop> {
        Ok(match lit {
            Literal::Compare(c) => {
                let unbound = |e: &Expr| match e {
                    Expr::Var(v) if !bound.contains(v) => Some(*v),
                    _ => None,
                };
                match (c.op, unbound(&c.left), unbound(&c.right)) {
                    (CmpOp::Eq, Some(v), _) => Test::Bind(v, self.expr(&c.right)?),
                    (CmpOp::Eq, None, Some(v)) => Test::Bind(v, self.expr(&c.left)?),
                    _ => Test::Compare(c.op, self.expr(&c.left)?, self.expr(&c.right)?, c.ty),
                }
            }
            Literal::Test(t) => {
                let a = self.expr(&t.args[0])?;
                let b = self.expr(&t.args[1])?;
                match t.predicate {
                    Predicate::Contains => Test::Contains(a, b, t.negated),
                    Predicate::Match => {
                        let regex = match &t.args[0] {
                            Expr::Const(Value::Symbol(p)) => Regex::new(p).ok(),
                            _ => None,
                        };
                        Test::Match(regex, a, b, t.negated, t.span)
                    }
                }
            }
            _ => return Err(Box::new(internal(self.rule, "not a test"))),
        })
    }
}

/// Whether a non-atom literal can run with `bound` variables.
fn ready(lit: &Literal, bound: &[VarId]) -> bool {
    let all = |vs: &[VarId]| vs.iter().all(|v| bound.contains(v));
    match lit {
        Literal::Compare(c) => {
            let (mut l, mut r) = (Vec::new(), Vec::new());
            c.left.vars(&mut l);
            c.right.vars(&mut r);
            let lone = |e: &Expr| matches!(e, Expr::Var(v) if !bound.contains(v));
            (all(&l) && all(&r))
                || (c.op == CmpOp::Eq && lone(&c.left) && all(&r))
                || (c.op == CmpOp::Eq && lone(&c.right) && all(&l))
        }
        Literal::Aggregate(a) => all(&a.outer),
        other => {
            let mut v = Vec::new();
            other.vars(&mut v);
            all(&v)
        }
    }
}
