//! This module defines how a lowered rule's body is put in evaluation order
//! for crepe, which runs clauses exactly as written: every variable must be
//! bound before a comparison, a negation or an expression uses it, and joins
//! should look atoms up by bound columns rather than scan them.
//!
//! The order is greedy: filters as soon as their variables are bound, then
//! `X = expr` bindings, then the positive atom with the most bound columns.
//! The first atom of a recursive rule is one of the relations being computed,
//! so crepe's semi-naive loop scans the new tuples and looks the rest up.

use super::lowered::{Lit, LoweredRule, PlanRel};
use sleuth_front::ir::{CmpOp, Compare, Expr, Term, Test, VarId};

/// One argument of a scanned atom.
#[derive(Clone, Debug, PartialEq)]
pub enum ScanArg {
    /// Binds a variable.
    Bind(VarId),
    /// Must equal an already bound variable.
    Bound(VarId),
    /// Must equal a constant.
    Const(sleuth_front::value::Value),
    /// Anything.
    Wild,
}

/// One clause of the ordered body.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Scan or look up a positive atom.
    Scan {
        /// The relation.
        rel: PlanRel,
        /// Its arguments.
        args: Vec<ScanArg>,
    },
    /// Two variables must be equal (a variable repeated inside one atom).
    SameAs(VarId, VarId),
    /// A comparison between bound sides.
    Guard(Compare),
    /// `var = expr` with `expr` bound.
    Bind(VarId, Expr),
    /// A boolean built-in over bound arguments.
    Test(Test),
    /// A negated atom over bound variables.
    Not {
        /// The relation.
        rel: PlanRel,
        /// Its arguments.
        args: Vec<Term>,
    },
}

/// An ordered body, with the fresh variables it introduced.
#[derive(Clone, Debug, PartialEq)]
pub struct Ordered {
    /// The clauses in order.
    pub steps: Vec<Step>,
    /// Number of variables after ordering (fresh ones are appended to the rule's).
    pub var_count: usize,
}

fn lone_var(e: &Expr) -> Option<VarId> {
    match e {
        Expr::Var(v) => Some(*v),
        _ => None,
    }
}

fn all_bound(e: &Expr, bound: &[bool]) -> bool {
    let mut vs = Vec::new();
    e.vars(&mut vs);
    vs.iter().all(|&v| bound[v])
}

/// Orders the body of `rule`. Fails with a reason when some literal can never
/// have its variables bound (the checker rules this out).
pub fn order(rule: &LoweredRule) -> Result<Ordered, String> {
    let mut var_count = rule.vars.len();
    let mut bound = vec![false; var_count];
    let mut pending: Vec<&Lit> = rule.body.iter().collect();
    let mut steps = Vec::new();
    let mut first_atom = true;
    while !pending.is_empty() {
        // 1. Filters whose variables are all bound.
        if let Some(i) = pending.iter().position(|l| match l {
            Lit::Compare(c) => all_bound(&c.left, &bound) && all_bound(&c.right, &bound),
            Lit::Test(_) | Lit::Not { .. } => l.vars().iter().all(|&v| bound[v]),
            Lit::Atom { .. } => false,
        }) {
            match pending.remove(i) {
                Lit::Compare(c) => steps.push(Step::Guard(c.clone())),
                Lit::Test(t) => steps.push(Step::Test(t.clone())),
                Lit::Not { rel, args } => steps.push(Step::Not {
                    rel: *rel,
                    args: args.clone(),
                }),
                Lit::Atom { .. } => unreachable!("atoms are not filters"),
            }
            continue;
        }
        // 2. Bindings `X = expr` with `expr` bound.
        let binding = pending.iter().enumerate().find_map(|(i, l)| match l {
            Lit::Compare(c) if c.op == CmpOp::Eq => match (lone_var(&c.left), lone_var(&c.right)) {
                (Some(v), _) if !bound[v] && all_bound(&c.right, &bound) => {
                    Some((i, v, c.right.clone()))
                }
                (_, Some(v)) if !bound[v] && all_bound(&c.left, &bound) => {
                    Some((i, v, c.left.clone()))
                }
                _ => None,
            },
            _ => None,
        });
        if let Some((i, v, e)) = binding {
            pending.remove(i);
            bound[v] = true;
            steps.push(Step::Bind(v, e));
            continue;
        }
        // 3. The best positive atom.
        let score =
            |l: &Lit, idx: usize| -> Option<(bool, bool, usize, std::cmp::Reverse<usize>)> {
                let Lit::Atom { rel, args } = l else {
                    return None;
                };
                let fixed = args
                    .iter()
                    .filter(|t| match t {
                        Term::Var(v) => bound[*v],
                        Term::Const(_) => true,
                        Term::Wildcard => false,
                    })
                    .count();
                let recursive = first_atom && rule.recursive_with.contains(rel);
                Some((
                    fixed > 0 || first_atom,
                    recursive,
                    fixed,
                    std::cmp::Reverse(idx),
                ))
            };
        let best = pending
            .iter()
            .enumerate()
            .filter_map(|(i, l)| score(l, i).map(|s| (s, i)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, i)| i);
        let Some(i) = best else {
            return Err(format!(
                "no order binds every variable before use ({} literal(s) left)",
                pending.len()
            ));
        };
        let Lit::Atom { rel, args } = pending.remove(i) else {
            unreachable!("scored literals are atoms")
        };
        first_atom = false;
        let mut scan = Vec::with_capacity(args.len());
        let mut checks = Vec::new();
        let mut here: Vec<VarId> = Vec::new();
        for t in args {
            scan.push(match t {
                Term::Var(v) if bound[*v] && !here.contains(v) => ScanArg::Bound(*v),
                Term::Var(v) if here.contains(v) => {
                    // crepe looks a repeated variable up before binding it:
                    // bind a fresh one and compare.
                    let fresh = var_count;
                    var_count += 1;
                    bound.push(true);
                    checks.push(Step::SameAs(*v, fresh));
                    ScanArg::Bind(fresh)
                }
                Term::Var(v) => {
                    here.push(*v);
                    ScanArg::Bind(*v)
                }
                Term::Const(c) => ScanArg::Const(c.clone()),
                Term::Wildcard => ScanArg::Wild,
            });
        }
        for v in here {
            bound[v] = true;
        }
        steps.push(Step::Scan {
            rel: *rel,
            args: scan,
        });
        steps.extend(checks);
    }
    if let Some(e) = rule.head.iter().find(|e| !all_bound(e, &bound)) {
        let mut vs = Vec::new();
        e.vars(&mut vs);
        let names: Vec<&str> = vs
            .iter()
            .filter(|&&v| !bound[v])
            .map(|&v| rule.vars.get(v).map_or("?", |x| x.name.as_str()))
            .collect();
        return Err(format!(
            "head variable(s) {} are never bound",
            names.join(", ")
        ));
    }
    Ok(Ordered { steps, var_count })
}
