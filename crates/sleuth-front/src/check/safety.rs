//! This module defines the safety check (range restriction).
//!
//! Rule of thumb: a variable is bound by a positive atom, by `X = expr` once
//! everything in `expr` is bound, or by an aggregate's result once the
//! aggregate's grouping variables are bound. Every variable read by the head,
//! a negation, a comparison, arithmetic, a test, an aggregate's target or an
//! aggregate's grouping must be bound; otherwise it is an `unbound-variable`
//! naming the variable. Inside an aggregate, its grouping variables count as
//! bound and its own atoms bind its local variables.

use super::form::{Aggregate, Expr, Literal, Origin, Rule, Term};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{CmpOp, VarId};

/// Reports every unbound variable of every rule.
pub(super) fn check(rules: &[Rule], diags: &mut Vec<Diagnostic>) {
    for rule in rules {
        check_rule(rule, diags);
    }
}

fn check_rule(rule: &Rule, diags: &mut Vec<Diagnostic>) {
    let mut bound = vec![false; rule.vars.len()];
    bind(&rule.body, &mut bound);
    assume_aggregate_results(&rule.body, &mut bound);
    let mut reported = vec![false; rule.vars.len()];
    let mut reads = Vec::new();
    for arg in &rule.head.args {
        arg.vars(&mut reads);
    }
    reads_of(&rule.body, &mut reads);
    report(rule, &reads, &bound, &mut reported, diags);
    for agg in rule.body.iter().filter_map(as_aggregate) {
        let mut inner = bound.clone();
        bind(&agg.body, &mut inner);
        let mut reads = Vec::new();
        reads_of(&agg.body, &mut reads);
        if let Some(target) = &agg.target {
            target.vars(&mut reads);
        }
        report(rule, &reads, &inner, &mut reported, diags);
    }
}

fn as_aggregate(literal: &Literal) -> Option<&Aggregate> {
    match literal {
        Literal::Aggregate(a) => Some(a),
        _ => None,
    }
}

/// Marks what `body` binds, repeating until nothing changes (an equality
/// may only become usable once a later literal has bound its other side).
fn bind(body: &[Literal], bound: &mut [bool]) {
    loop {
        let mut changed = false;
        for literal in body {
            match literal {
                Literal::Atom(a) => {
                    for term in &a.args {
                        if let Term::Var(v) = term {
                            changed |= !bound[*v];
                            bound[*v] = true;
                        }
                    }
                }
                Literal::Compare {
                    op: CmpOp::Eq,
                    left,
                    right,
                    ..
                } => {
                    changed |=
                        bind_equality(left, right, bound) || bind_equality(right, left, bound);
                }
                Literal::Aggregate(a) if !bound[a.result] && a.outer.iter().all(|v| bound[*v]) => {
                    bound[a.result] = true;
                    changed = true;
                }
                _ => {}
            }
        }
        if !changed {
            return;
        }
    }
}

/// An aggregate whose grouping variables are unbound cannot bind its
/// result; those variables are reported, so its result is taken as bound to
/// avoid reporting the same mistake again through it (unless the result is
/// one of its own grouping variables: `N = count : { a(N) }`).
fn assume_aggregate_results(body: &[Literal], bound: &mut [bool]) {
    for literal in body {
        if let Literal::Aggregate(a) = literal
            && !bound[a.result]
            && !a.outer.contains(&a.result)
        {
            bound[a.result] = true;
            bind(body, bound);
        }
    }
}

/// `X = expr` binds `X` when `expr` is fully bound.
fn bind_equality(side: &Expr, other: &Expr, bound: &mut [bool]) -> bool {
    let Expr::Var(v) = side else { return false };
    if bound[*v] {
        return false;
    }
    let mut vars = Vec::new();
    other.vars(&mut vars);
    if vars.iter().all(|w| bound[*w]) {
        bound[*v] = true;
        return true;
    }
    false
}

/// The variables `body` reads (as opposed to binds).
fn reads_of(body: &[Literal], out: &mut Vec<VarId>) {
    for literal in body {
        match literal {
            Literal::Atom(_) => {}
            Literal::Negated(a) => out.extend(a.args.iter().filter_map(|t| match t {
                Term::Var(v) => Some(*v),
                _ => None,
            })),
            Literal::Compare { left, right, .. } => {
                left.vars(out);
                right.vars(out);
            }
            Literal::Test { args, .. } => args.iter().for_each(|a| a.vars(out)),
            Literal::Aggregate(a) => out.extend(&a.outer),
        }
    }
}

fn report(
    rule: &Rule,
    reads: &[VarId],
    bound: &[bool],
    reported: &mut [bool],
    diags: &mut Vec<Diagnostic>,
) {
    for &v in reads {
        let var = &rule.vars[v];
        if bound[v] || reported[v] || var.name.starts_with('$') {
            continue;
        }
        reported[v] = true;
        diags.push(unbound(rule, &var.name, var.span));
    }
}

fn unbound(rule: &Rule, name: &str, span: crate::diag::Span) -> Diagnostic {
    if rule.origin == Origin::Fact {
        return Diagnostic::new(
            Code::UnboundVariable,
            format!("variable `{name}` in a fact has no value"),
            Some(span),
        )
        .with_label("a fact holds constants only")
        .with_help(format!(
            "write a constant; quote a name to make it a symbol: `\"{name}\"`"
        ));
    }
    Diagnostic::new(Code::UnboundVariable, format!("variable `{name}` is not bound"), Some(span))
        .with_label(format!("no positive atom gives `{name}` a value"))
        .with_help(format!(
            "use `{name}` in a positive body atom or bind it with `{name} = ...`; heads, negations, comparisons and arithmetic only read variables"
        ))
}
