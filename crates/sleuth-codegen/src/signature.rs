//! This module defines a rule's signature: its text rebuilt from the checked
//! program, with relations by name rather than by id. Two programs checked
//! from the same rule text give the same signatures, whatever other rules
//! they hold, so the compiled program finds its rules in the program loaded
//! at run time (to point a run-time error at the right place).

use sleuth_front::ir::{Expr, Literal, Program, Rule, Term};

fn term(rule: &Rule, t: &Term, out: &mut String) {
    match t {
        Term::Var(v) => out.push_str(&rule.vars[*v].name),
        Term::Const(c) => out.push_str(&c.to_datalog()),
        Term::Wildcard => out.push('_'),
    }
}

fn expr(rule: &Rule, e: &Expr, out: &mut String) {
    match e {
        Expr::Var(v) => out.push_str(&rule.vars[*v].name),
        Expr::Const(c) => out.push_str(&c.to_datalog()),
        Expr::Neg { arg, .. } => {
            out.push_str("-(");
            expr(rule, arg, out);
            out.push(')');
        }
        Expr::Binary {
            op, left, right, ..
        } => {
            out.push('(');
            expr(rule, left, out);
            out.push_str(op.symbol());
            expr(rule, right, out);
            out.push(')');
        }
        Expr::Call { functor, args, .. } => {
            out.push_str(functor.name());
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                expr(rule, a, out);
            }
            out.push(')');
        }
    }
}

fn literal(program: &Program, rule: &Rule, l: &Literal, out: &mut String) {
    match l {
        Literal::Atom(a) | Literal::Negated(a) => {
            if matches!(l, Literal::Negated(_)) {
                out.push('!');
            }
            out.push_str(&program.relations[a.rel].name);
            out.push('(');
            for (i, t) in a.args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                term(rule, t, out);
            }
            out.push(')');
        }
        Literal::Compare(c) => {
            expr(rule, &c.left, out);
            out.push_str(c.op.symbol());
            expr(rule, &c.right, out);
        }
        Literal::Test(t) => {
            out.push_str("contains(");
            for (i, a) in t.args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                expr(rule, a, out);
            }
            out.push(')');
        }
        Literal::Aggregate(g) => {
            out.push_str(&rule.vars[g.result].name);
            out.push('=');
            out.push_str(g.op.name());
            if let Some(t) = &g.target {
                out.push(' ');
                expr(rule, t, out);
            }
            out.push_str(":{");
            for (i, b) in g.body.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                literal(program, rule, b, out);
            }
            out.push('}');
        }
    }
}

/// The signature of a rule of `program`.
pub fn rule_signature(program: &Program, rule: &Rule) -> String {
    let mut out = String::new();
    out.push_str(&program.relations[rule.head.rel].name);
    out.push('(');
    for (i, a) in rule.head.args.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        expr(rule, a, &mut out);
    }
    out.push_str("):-");
    for (i, l) in rule.body.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        literal(program, rule, l, &mut out);
    }
    out.push('.');
    out
}
