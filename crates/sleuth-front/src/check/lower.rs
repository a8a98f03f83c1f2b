//! This module defines lowering of a whole program: each fact, rule (one
//! per head and per `;` alternative), query and `eqrel` declaration becomes
//! a rule of the working form (see `builder` for one rule, `exprs` for its
//! expressions).
//!
//! Rules of thumb:
//! - a fact whose arguments are all literals is a ground fact; any other
//!   fact is a rule without body (its variables are then unbound);
//! - a query derives a hidden relation `?queryN` with one column per named
//!   variable outside aggregates, in order of first appearance;
//! - an `eqrel` relation gets the rules of an equivalence (reflexive on its
//!   values, symmetric, transitive).

use super::builder::Builder;
use super::form::{Const, Expr, Fact, Head, Lowered, Origin, Rule, Scalar};
use super::names::Table;
use super::types::{Solver, TypeSet, Why};
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use crate::ir::VarId;
use crate::syntax::ast;
use crate::value::Type;

/// Lowers every clause and query of the program, and the rules that make
/// `eqrel` relations equivalences.
pub(super) fn lower_program(
    modules: &[ast::Module],
    table: &mut Table,
    solver: &mut Solver,
    diags: &mut Vec<Diagnostic>,
) -> Lowered {
    let mut out = Lowered::default();
    let mut queries = 0;
    for item in modules.iter().flat_map(|m| &m.items) {
        match item {
            ast::Item::Clause(c) => lower_clause(c, table, solver, diags, &mut out),
            ast::Item::Query(q) => {
                if let Some(rule) = lower_query(q, queries, table, solver, diags) {
                    out.rules.push(rule);
                }
                queries += 1;
            }
            _ => {}
        }
    }
    for clause in eqrel_clauses(table) {
        lower_clause(&clause, table, solver, diags, &mut out);
    }
    out
}

fn lower_clause(
    c: &ast::Clause,
    table: &Table,
    solver: &mut Solver,
    diags: &mut Vec<Diagnostic>,
    out: &mut Lowered,
) {
    for head in &c.heads {
        let span = if c.heads.len() == 1 {
            c.span
        } else {
            head.span
        };
        let Some(body) = &c.body else {
            match ground_fact(head, span, table, solver) {
                Some(fact) => out.facts.push(fact),
                None => out.rules.push(lower_rule(
                    head,
                    &[],
                    span,
                    Origin::Fact,
                    table,
                    solver,
                    diags,
                )),
            }
            continue;
        };
        for alternative in &body.alternatives {
            out.rules.push(lower_rule(
                head,
                alternative,
                c.span,
                Origin::Rule,
                table,
                solver,
                diags,
            ));
        }
    }
}

/// A fact whose arguments are all literals; `None` when one is not (it is
/// then lowered as a rule without body, so variables are reported as unbound
/// and expressions are evaluated).
fn ground_fact(head: &ast::Atom, span: Span, table: &Table, solver: &mut Solver) -> Option<Fact> {
    let rel = table
        .id(&head.name.name)
        .expect("name resolution registered every head");
    let columns = table.columns(rel, head.args.len());
    let mut args = Vec::with_capacity(head.args.len());
    for (i, arg) in head.args.iter().enumerate() {
        let c = constant(arg, solver)?;
        if let Some(cols) = columns {
            solver.unify(cols[i], c.slot, c.span);
        }
        args.push(c);
    }
    Some(Fact { rel, args, span })
}

/// A literal's constant with a fresh slot of the types it may take.
pub(super) fn constant(e: &ast::Expr, solver: &mut Solver) -> Option<Const> {
    let (scalar, set, why, span) = match e {
        ast::Expr::Number(n, s) => (Scalar::Int(*n), TypeSet::NUMERIC, Why::IntLiteral, *s),
        ast::Expr::Float(x, s) => (
            Scalar::Float(*x),
            TypeSet::of(Type::Float),
            Why::FloatLiteral,
            *s,
        ),
        ast::Expr::Str(t, s) => (
            Scalar::Text(t.clone()),
            TypeSet::TEXT,
            Why::StringLiteral,
            *s,
        ),
        _ => return None,
    };
    let slot = solver.fresh(set, Some((span, why)));
    Some(Const { scalar, slot, span })
}

fn lower_rule(
    head: &ast::Atom,
    body: &[ast::Literal],
    span: Span,
    origin: Origin,
    table: &Table,
    solver: &mut Solver,
    diags: &mut Vec<Diagnostic>,
) -> Rule {
    let mut b = Builder::new(table, solver, diags, Some(head), body);
    let head = b.head(head);
    let head_extras = std::mem::take(&mut b.extras);
    let mut literals = b.literals(body);
    literals.extend(head_extras);
    Rule {
        head,
        body: literals,
        vars: b.vars,
        span,
        origin,
    }
}

/// `?- body.` becomes a rule deriving `?queryN`, with one column per named
/// variable (outside aggregates) in order of first appearance.
fn lower_query(
    q: &ast::Query,
    index: usize,
    table: &mut Table,
    solver: &mut Solver,
    diags: &mut Vec<Diagnostic>,
) -> Option<Rule> {
    let [body] = q.body.alternatives.as_slice() else {
        diags.push(
            Diagnostic::new(
                Code::Unsupported,
                "a query cannot contain `;`",
                Some(q.span),
            )
            .with_help("ask one query per alternative"),
        );
        return None;
    };
    let mut b = Builder::new(table, solver, diags, None, body);
    let columns = b.outside_order.clone();
    let literals = b.literals(body);
    let head_vars: Vec<VarId> = columns
        .iter()
        .map(|name| {
            *b.scope
                .get(name)
                .expect("a name outside aggregates gets a variable")
        })
        .collect();
    let vars = b.vars;
    let slots = head_vars.iter().map(|v| vars[*v].slot).collect();
    let rel = table.add_query(format!("?query{index}"), q.span, slots);
    let head = Head {
        rel,
        args: head_vars.into_iter().map(Expr::Var).collect(),
        span: q.span,
    };
    Some(Rule {
        head,
        body: literals,
        vars,
        span: q.span,
        origin: Origin::Query(columns),
    })
}

/// `r(X, X) :- r(X, _).`, `r(Y, X) :- r(X, Y).`, `r(X, Z) :- r(X, Y), r(Y, Z).`
/// for each relation declared `eqrel`.
fn eqrel_clauses(table: &Table) -> Vec<ast::Clause> {
    let mut clauses = Vec::new();
    for rel in &table.relations {
        let Some(decl) = rel.decl.as_ref().filter(|d| d.eqrel) else {
            continue;
        };
        let span = decl.span;
        let term = |n: &str| match n {
            "_" => ast::Expr::Wildcard(span),
            n => ast::Expr::Var(ast::Ident {
                name: n.into(),
                span,
            }),
        };
        let atom = |a: &str, b: &str| ast::Atom {
            name: ast::Ident {
                name: rel.name.clone(),
                span,
            },
            args: vec![term(a), term(b)],
            span,
        };
        let rule = |head: ast::Atom, body: Vec<ast::Atom>| ast::Clause {
            heads: vec![head],
            body: Some(ast::Body {
                alternatives: vec![body.into_iter().map(ast::Literal::Atom).collect()],
            }),
            span,
        };
        clauses.push(rule(atom("X", "X"), vec![atom("X", "_")]));
        clauses.push(rule(atom("Y", "X"), vec![atom("X", "Y")]));
        clauses.push(rule(atom("X", "Z"), vec![atom("X", "Y"), atom("Y", "Z")]));
    }
    clauses
}
