//! This module defines the lowering of one rule: variables numbered and
//! scoped, body literals and atoms flattened, type constraints handed to the
//! solver as it goes (expressions and aggregates are in `exprs`).
//!
//! Rules of thumb:
//! - an expression in a body atom (`e(X + 1)`) becomes a fresh `$` variable
//!   and an equality `$n = X + 1`;
//! - `N = agg` binds `N` directly when no positive atom binds it;
//! - a variable inside an aggregate's braces that also occurs outside them
//!   groups the aggregate; any other is local to that aggregate;
//! - `_` is fine in a body atom and a `wildcard-in-head` in a head;
//! - `true` is `0 = 0` and `false` is `0 != 0`; a constant pattern of
//!   `match` must compile (`bad-regex`).

use crate::diag::Code;
use std::collections::{HashMap, HashSet};

use super::form::{Aggregate, Atom, Const, Expr, Head, Literal, Scalar, Term, Var};
use super::lower::constant;
use super::names::Table;
use super::types::{Slot, Solver, TypeSet, Why};
use crate::diag::{Diagnostic, Span};
use crate::ir::{CmpOp, Predicate, VarId};
use crate::syntax::ast;
use crate::value::Type;

/// The variables of the aggregate being lowered.
#[derive(Default)]
pub(super) struct AggregateScope {
    pub(super) locals: HashMap<String, VarId>,
    pub(super) outer: Vec<VarId>,
}

/// Lowers one rule.
pub(super) struct Builder<'a, 's> {
    pub(super) table: &'a Table,
    pub(super) solver: &'a mut Solver<'s>,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) vars: Vec<Var>,
    pub(super) scope: HashMap<String, VarId>,
    /// Names used outside aggregate braces, in order of first appearance.
    pub(super) outside_order: Vec<String>,
    pub(super) outside: HashSet<String>,
    /// Names that are a direct argument of a positive body atom.
    pub(super) in_positive_atoms: HashSet<String>,
    pub(super) aggregate: Option<AggregateScope>,
    /// Literals generated while lowering the current literal.
    pub(super) extras: Vec<Literal>,
    pub(super) direct_results: HashSet<VarId>,
    pub(super) generated: usize,
}

impl<'a, 's> Builder<'a, 's> {
    pub(super) fn new(
        table: &'a Table,
        solver: &'a mut Solver<'s>,
        diags: &'a mut Vec<Diagnostic>,
        head: Option<&ast::Atom>,
        body: &[ast::Literal],
    ) -> Builder<'a, 's> {
        let mut names = Names::default();
        for arg in head.iter().flat_map(|h| &h.args) {
            names.expr(arg);
        }
        for literal in body {
            names.literal(literal);
        }
        Builder {
            table,
            solver,
            diags,
            vars: Vec::new(),
            scope: HashMap::new(),
            outside_order: names.order,
            outside: names.seen,
            in_positive_atoms: names.positive,
            aggregate: None,
            extras: Vec::new(),
            direct_results: HashSet::new(),
            generated: 0,
        }
    }

    pub(super) fn new_var(&mut self, name: String, span: Span) -> VarId {
        let slot = self.solver.any();
        self.vars.push(Var { name, slot, span });
        self.vars.len() - 1
    }

    /// The variable a name stands for here (see the module's rules of thumb).
    pub(super) fn var(&mut self, id: &ast::Ident) -> VarId {
        let outside = self.outside.contains(&id.name);
        if let (Some(scope), false) = (&self.aggregate, outside) {
            if let Some(&v) = scope.locals.get(&id.name) {
                return v;
            }
            let v = self.new_var(id.name.clone(), id.span);
            if let Some(scope) = &mut self.aggregate {
                scope.locals.insert(id.name.clone(), v);
            }
            return v;
        }
        let v = match self.scope.get(&id.name) {
            Some(&v) => v,
            None => {
                let v = self.new_var(id.name.clone(), id.span);
                self.scope.insert(id.name.clone(), v);
                v
            }
        };
        if let Some(scope) = &mut self.aggregate
            && !scope.outer.contains(&v)
        {
            scope.outer.push(v);
        }
        v
    }

    /// A generated variable (`$0`, `$1`, ...).
    pub(super) fn fresh_var(&mut self, span: Span) -> VarId {
        let name = format!("${}", self.generated);
        self.generated += 1;
        self.new_var(name, span)
    }

    pub(super) fn slot(&self, e: &Expr) -> Slot {
        e.slot(&self.vars)
    }

    /// A placeholder for a construct already reported as an error.
    pub(super) fn placeholder(&mut self, span: Span) -> Expr {
        let slot = self.solver.any();
        Expr::Const(Const {
            scalar: Scalar::Int(0),
            slot,
            span,
        })
    }

    pub(super) fn literals(&mut self, literals: &[ast::Literal]) -> Vec<Literal> {
        let mut out = Vec::with_capacity(literals.len());
        for literal in literals {
            let pending = std::mem::take(&mut self.extras);
            if let Some(l) = self.literal(literal) {
                out.push(l);
            }
            out.append(&mut self.extras);
            self.extras = pending;
        }
        out
    }

    fn literal(&mut self, literal: &ast::Literal) -> Option<Literal> {
        match literal {
            ast::Literal::Atom(a) => Some(Literal::Atom(self.atom(a, true))),
            ast::Literal::Negated { atom, .. } => Some(Literal::Negated(self.atom(atom, false))),
            ast::Literal::Test(t) => self.test(t, false),
            ast::Literal::NegatedTest { atom, .. } => self.test(atom, true),
            ast::Literal::Compare(c) => Some(self.compare(c)),
            ast::Literal::Bool(value, span) => Some(self.boolean(*value, *span)),
        }
    }

    /// `contains(sub, s)` or `match(pattern, s)` (two symbols), possibly
    /// negated; a constant pattern must compile.
    fn test(&mut self, t: &ast::Atom, negated: bool) -> Option<Literal> {
        let args: Vec<Expr> = t.args.iter().map(|a| self.expr(a)).collect();
        let (predicate, usage) = match t.name.name.as_str() {
            "match" => (Predicate::Match, "match(pattern, text)"),
            _ => (Predicate::Contains, "contains(part, whole)"),
        };
        let name = predicate.name();
        if args.len() != 2 {
            self.diags.push(
                Diagnostic::new(
                    Code::ArityMismatch,
                    format!("`{name}` takes 2 arguments, found {}", args.len()),
                    Some(t.span),
                )
                .with_help(format!("call it as `{usage}`")),
            );
            return None;
        }
        for (i, (arg, e)) in t.args.iter().zip(&args).enumerate() {
            let slot = self.slot(e);
            self.solver.constrain(
                slot,
                TypeSet::of(Type::Symbol),
                arg.span(),
                Why::Argument(name, i),
            );
        }
        if let (Predicate::Match, ast::Expr::Str(pattern, span)) = (predicate, &t.args[0])
            && let Err(e) = crate::syntax::regex::Regex::new(pattern)
        {
            self.diags.push(e.diagnostic(*span));
        }
        Some(Literal::Test {
            predicate,
            negated,
            args,
            span: t.span,
        })
    }

    /// `true` is `0 = 0`, `false` is `0 != 0`.
    fn boolean(&mut self, value: bool, span: Span) -> Literal {
        let zero = ast::Expr::Number(0, span);
        let left = Expr::Const(constant(&zero, self.solver).expect("a literal is a constant"));
        let right = Expr::Const(constant(&zero, self.solver).expect("a literal is a constant"));
        let slot = self.slot(&left);
        let other = self.slot(&right);
        self.solver.unify(slot, other, span);
        Literal::Compare {
            op: if value { CmpOp::Eq } else { CmpOp::Ne },
            left,
            right,
            slot,
            span,
        }
    }

    fn compare(&mut self, c: &ast::Compare) -> Literal {
        if let Some(agg) = self.direct_aggregate(c) {
            return Literal::Aggregate(agg);
        }
        let left = self.expr(&c.left);
        let right = self.expr(&c.right);
        let slot = self.slot(&left);
        let other = self.slot(&right);
        self.solver.unify(slot, other, c.span);
        Literal::Compare {
            op: c.op,
            left,
            right,
            slot,
            span: c.span,
        }
    }

    /// `N = agg` (or `agg = N`) where nothing else binds `N`: the aggregate
    /// binds `N` itself.
    fn direct_aggregate(&mut self, c: &ast::Compare) -> Option<Aggregate> {
        if c.op != CmpOp::Eq || self.aggregate.is_some() {
            return None;
        }
        let (id, agg) = match (&c.left, &c.right) {
            (ast::Expr::Var(id), ast::Expr::Aggregate(a))
            | (ast::Expr::Aggregate(a), ast::Expr::Var(id)) => (id, a),
            _ => return None,
        };
        if self.in_positive_atoms.contains(&id.name) {
            return None;
        }
        let v = self.var(id);
        if !self.direct_results.insert(v) {
            return None;
        }
        Some(self.aggregate(agg, v))
    }

    /// A body atom. Inside an aggregate, `_` in a positive atom becomes a
    /// fresh local variable, so that `count : { member(_, C) }` counts the
    /// matching tuples (the IR aggregates over bindings of local variables).
    fn atom(&mut self, a: &ast::Atom, positive: bool) -> Atom {
        let rel = self
            .table
            .id(&a.name.name)
            .expect("name resolution registered every atom");
        let table = self.table;
        let columns = table.columns(rel, a.args.len());
        let mut args = Vec::with_capacity(a.args.len());
        let wildcards_bind = positive && self.aggregate.is_some();
        for (i, arg) in a.args.iter().enumerate() {
            args.push(self.term(arg, columns.map(|c| c[i]), wildcards_bind));
        }
        Atom {
            rel,
            args,
            span: a.span,
        }
    }

    /// A body atom's argument; `column` is its column's slot when the arity
    /// is right; `wildcards_bind` turns `_` into a fresh variable.
    fn term(&mut self, arg: &ast::Expr, column: Option<Slot>, wildcards_bind: bool) -> Term {
        let span = arg.span();
        let (term, slot) = match arg {
            ast::Expr::Wildcard(_) if wildcards_bind => {
                let v = self.fresh_var(span);
                (Term::Var(v), self.vars[v].slot)
            }
            ast::Expr::Wildcard(_) => return Term::Wildcard,
            ast::Expr::Var(id) => {
                let v = self.var(id);
                (Term::Var(v), self.vars[v].slot)
            }
            ast::Expr::Number(..) | ast::Expr::Float(..) | ast::Expr::Str(..) => {
                let c = constant(arg, self.solver).expect("a literal is a constant");
                let slot = c.slot;
                (Term::Const(c), slot)
            }
            _ => {
                let e = self.expr(arg);
                let v = self.fresh_var(span);
                let slot = self.vars[v].slot;
                let other = self.slot(&e);
                self.solver.unify(slot, other, span);
                self.extras.push(Literal::Compare {
                    op: CmpOp::Eq,
                    left: Expr::Var(v),
                    right: e,
                    slot,
                    span,
                });
                (Term::Var(v), slot)
            }
        };
        if let Some(col) = column {
            self.solver.unify(col, slot, span);
        }
        term
    }

    pub(super) fn head(&mut self, a: &ast::Atom) -> Head {
        let rel = self
            .table
            .id(&a.name.name)
            .expect("name resolution registered every head");
        let table = self.table;
        let columns = table.columns(rel, a.args.len());
        let mut args = Vec::with_capacity(a.args.len());
        for (i, arg) in a.args.iter().enumerate() {
            let e = match arg {
                ast::Expr::Wildcard(span) => {
                    self.diags.push(wildcard_in_head(*span));
                    self.placeholder(*span)
                }
                _ => self.expr(arg),
            };
            if let Some(cols) = columns {
                let slot = self.slot(&e);
                self.solver.unify(cols[i], slot, arg.span());
            }
            args.push(e);
        }
        Head {
            rel,
            args,
            span: a.span,
        }
    }
}

/// Collects the variable names of a rule outside aggregate braces.
#[derive(Default)]
struct Names {
    order: Vec<String>,
    seen: HashSet<String>,
    positive: HashSet<String>,
}

impl Names {
    fn literal(&mut self, literal: &ast::Literal) {
        match literal {
            ast::Literal::Atom(a) => {
                for arg in &a.args {
                    if let ast::Expr::Var(id) = arg {
                        self.positive.insert(id.name.clone());
                    }
                    self.expr(arg);
                }
            }
            ast::Literal::Negated { atom: a, .. }
            | ast::Literal::Test(a)
            | ast::Literal::NegatedTest { atom: a, .. } => a.args.iter().for_each(|e| self.expr(e)),
            ast::Literal::Bool(..) => {}
            ast::Literal::Compare(c) => {
                self.expr(&c.left);
                self.expr(&c.right);
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        match e {
            ast::Expr::Var(id) if self.seen.insert(id.name.clone()) => {
                self.order.push(id.name.clone())
            }
            ast::Expr::Neg { arg, .. } => self.expr(arg),
            ast::Expr::Binary { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            ast::Expr::Call { args, .. } => args.iter().for_each(|a| self.expr(a)),
            _ => {}
        }
    }
}

fn wildcard_in_head(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::WildcardInHead,
        "`_` cannot appear in a head",
        Some(span),
    )
    .with_label("a head needs a value for every column")
    .with_help("replace `_` with a variable bound in the body, or with a constant")
}
