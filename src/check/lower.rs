//! This module defines lowering: each fact, rule (one per head and per `;`
//! alternative), query and `eqrel` declaration becomes a rule of the working
//! form, with relations resolved, variables numbered per rule, body atoms
//! flattened and type constraints handed to the solver as it goes.
//!
//! Rules of thumb:
//! - an expression in a body atom (`e(X + 1)`) becomes a fresh `$` variable
//!   and an equality `$n = X + 1`;
//! - an aggregate binds a variable: `N = count : {...}` binds `N` directly
//!   when nothing else binds it; an aggregate anywhere else gets a fresh `$`
//!   variable;
//! - a variable inside an aggregate's braces that also occurs outside them
//!   groups the aggregate; any other is local to that aggregate;
//! - `_` is fine in a body atom and an error in a head or an expression.

use std::collections::{HashMap, HashSet};

use super::form::{
    Aggregate, Atom, Const, Expr, Fact, Head, Literal, Lowered, Origin, Rule, Scalar, Term, Var,
};
use super::functors;
use super::names::Table;
use super::types::{Slot, Solver, TypeSet, Why};
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::ir::{AggOp, CmpOp, Functor, VarId};
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
fn constant(e: &ast::Expr, solver: &mut Solver) -> Option<Const> {
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
            Diagnostic::new("unsupported", "a query cannot contain `;`", Some(q.span))
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

/// The variables of the aggregate being lowered.
#[derive(Default)]
struct AggregateScope {
    locals: HashMap<String, VarId>,
    outer: Vec<VarId>,
}

/// Lowers one rule.
struct Builder<'a, 's> {
    table: &'a Table,
    solver: &'a mut Solver<'s>,
    diags: &'a mut Vec<Diagnostic>,
    vars: Vec<Var>,
    scope: HashMap<String, VarId>,
    /// Names used outside aggregate braces, in order of first appearance.
    outside_order: Vec<String>,
    outside: HashSet<String>,
    /// Names that are a direct argument of a positive body atom.
    in_positive_atoms: HashSet<String>,
    aggregate: Option<AggregateScope>,
    /// Literals generated while lowering the current literal.
    extras: Vec<Literal>,
    direct_results: HashSet<VarId>,
    generated: usize,
}

impl<'a, 's> Builder<'a, 's> {
    fn new(
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

    fn new_var(&mut self, name: String, span: Span) -> VarId {
        let slot = self.solver.any();
        self.vars.push(Var { name, slot, span });
        self.vars.len() - 1
    }

    /// The variable a name stands for here (see the module's rules of thumb).
    fn var(&mut self, id: &ast::Ident) -> VarId {
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
    fn fresh_var(&mut self, span: Span) -> VarId {
        let name = format!("${}", self.generated);
        self.generated += 1;
        self.new_var(name, span)
    }

    fn slot(&self, e: &Expr) -> Slot {
        e.slot(&self.vars)
    }

    /// A placeholder for a construct already reported as an error.
    fn placeholder(&mut self, span: Span) -> Expr {
        let slot = self.solver.any();
        Expr::Const(Const {
            scalar: Scalar::Int(0),
            slot,
            span,
        })
    }

    fn literals(&mut self, literals: &[ast::Literal]) -> Vec<Literal> {
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
            ast::Literal::Atom(a) => Some(Literal::Atom(self.atom(a))),
            ast::Literal::Negated { atom, .. } => Some(Literal::Negated(self.atom(atom))),
            ast::Literal::Test(t) => self.contains(t),
            ast::Literal::Compare(c) => Some(self.compare(c)),
        }
    }

    /// `contains(sub, s)`: two symbols.
    fn contains(&mut self, t: &ast::Atom) -> Option<Literal> {
        let args: Vec<Expr> = t.args.iter().map(|a| self.expr(a)).collect();
        if args.len() != 2 {
            self.diags.push(
                Diagnostic::new(
                    "arity-mismatch",
                    format!("`contains` takes 2 arguments, found {}", args.len()),
                    Some(t.span),
                )
                .with_help("call it as `contains(part, whole)`"),
            );
            return None;
        }
        for (i, (arg, e)) in t.args.iter().zip(&args).enumerate() {
            let slot = self.slot(e);
            self.solver.constrain(
                slot,
                TypeSet::of(Type::Symbol),
                arg.span(),
                Why::Argument("contains", i),
            );
        }
        Some(Literal::Contains { args, span: t.span })
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

    fn atom(&mut self, a: &ast::Atom) -> Atom {
        let rel = self
            .table
            .id(&a.name.name)
            .expect("name resolution registered every atom");
        let table = self.table;
        let columns = table.columns(rel, a.args.len());
        let mut args = Vec::with_capacity(a.args.len());
        for (i, arg) in a.args.iter().enumerate() {
            args.push(self.term(arg, columns.map(|c| c[i])));
        }
        Atom {
            rel,
            args,
            span: a.span,
        }
    }

    /// A body atom's argument; `column` is its column's slot when the arity is right.
    fn term(&mut self, arg: &ast::Expr, column: Option<Slot>) -> Term {
        let span = arg.span();
        let (term, slot) = match arg {
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

    fn head(&mut self, a: &ast::Atom) -> Head {
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

    fn expr(&mut self, e: &ast::Expr) -> Expr {
        match e {
            ast::Expr::Var(id) => Expr::Var(self.var(id)),
            ast::Expr::Wildcard(span) => {
                self.diags.push(wildcard_in_expression(*span));
                self.placeholder(*span)
            }
            ast::Expr::Number(..) | ast::Expr::Float(..) | ast::Expr::Str(..) => {
                Expr::Const(constant(e, self.solver).expect("a literal is a constant"))
            }
            ast::Expr::Neg { arg, span } => {
                let at = arg.span();
                let arg = self.expr(arg);
                let slot = self.arithmetic(&[(&arg, at)], *span);
                Expr::Neg {
                    arg: Box::new(arg),
                    slot,
                    span: *span,
                }
            }
            ast::Expr::Binary {
                op,
                left,
                right,
                span,
            } => {
                let spans = (left.span(), right.span());
                let (left, right) = (self.expr(left), self.expr(right));
                let slot = self.arithmetic(&[(&left, spans.0), (&right, spans.1)], *span);
                Expr::Binary {
                    op: *op,
                    left: Box::new(left),
                    right: Box::new(right),
                    slot,
                    span: *span,
                }
            }
            ast::Expr::Call { name, args, span } => self.call(name, args, *span),
            ast::Expr::Aggregate(a) => self.nested_aggregate(a),
        }
    }

    /// The result slot of arithmetic: a number or float, the type of every
    /// operand. A wrong operand is reported here and does not spread to
    /// whatever uses the result.
    fn arithmetic(&mut self, operands: &[(&Expr, Span)], span: Span) -> Slot {
        let result = self
            .solver
            .fresh(TypeSet::NUMERIC, Some((span, Why::Arithmetic)));
        for (operand, at) in operands {
            let slot = self.slot(operand);
            self.solver.unify(result, slot, *at);
        }
        result
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> Expr {
        let lowered: Vec<Expr> = args.iter().map(|a| self.expr(a)).collect();
        let Some(functor) = functors::lookup(&name.name) else {
            self.diags.push(unknown_functor(name));
            return self.placeholder(span);
        };
        if matches!(functor, Functor::Min | Functor::Max) && lowered.len() > 2 {
            return self.fold_min_max(functor, lowered, args, span);
        }
        self.typed_call(
            functor,
            lowered,
            args.iter().map(|a| a.span()).collect(),
            span,
        )
    }

    /// `min(a, b, c)` is `min(min(a, b), c)`.
    fn fold_min_max(
        &mut self,
        functor: Functor,
        lowered: Vec<Expr>,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let mut items = lowered.into_iter().zip(args.iter().map(|a| a.span()));
        let (mut acc, mut acc_span) = items.next().expect("more than two arguments");
        for (e, s) in items {
            let pair_span = acc_span.to(s);
            acc = self.typed_call(
                functor,
                vec![acc, e],
                vec![acc_span, s],
                if pair_span == span { span } else { pair_span },
            );
            acc_span = pair_span;
        }
        acc
    }

    fn typed_call(
        &mut self,
        functor: Functor,
        args: Vec<Expr>,
        spans: Vec<Span>,
        span: Span,
    ) -> Expr {
        let slots: Vec<(Slot, Span)> = args.iter().map(|a| self.slot(a)).zip(spans).collect();
        match functors::type_call(functor, &slots, span, self.solver) {
            Ok(slot) => Expr::Call {
                functor,
                args,
                slot,
                span,
            },
            Err(d) => {
                self.diags.push(*d);
                self.placeholder(span)
            }
        }
    }

    /// An aggregate inside an expression: a fresh variable bound by it.
    fn nested_aggregate(&mut self, a: &ast::Aggregate) -> Expr {
        if self.aggregate.is_some() {
            self.diags.push(
                Diagnostic::new(
                    "unsupported",
                    "an aggregate inside an aggregate is not supported",
                    Some(a.span),
                )
                .with_help("compute the inner aggregate in a helper relation first"),
            );
            return self.placeholder(a.span);
        }
        let v = self.fresh_var(a.span);
        let agg = self.aggregate(a, v);
        self.extras.push(Literal::Aggregate(agg));
        Expr::Var(v)
    }

    fn aggregate(&mut self, a: &ast::Aggregate, result: VarId) -> Aggregate {
        let saved = self.aggregate.replace(AggregateScope::default());
        let body = self.literals(&a.body);
        let target = a.target.as_ref().map(|t| (self.expr(t), t.span()));
        let scope = std::mem::replace(&mut self.aggregate, saved).expect("set above");
        let slot = self.vars[result].slot;
        match (a.op, &target) {
            (AggOp::Count, _) => {
                self.solver
                    .constrain(slot, TypeSet::of(Type::Number), a.span, Why::Count)
            }
            (AggOp::Sum, Some((t, span))) => {
                let t = self.slot(t);
                self.solver.constrain(t, TypeSet::NUMERIC, *span, Why::Sum);
                self.solver.unify(slot, t, a.span);
            }
            (_, Some((t, _))) => {
                let t = self.slot(t);
                self.solver.unify(slot, t, a.span);
            }
            (_, None) => {}
        }
        Aggregate {
            result,
            op: a.op,
            target: target.map(|(t, _)| t),
            body,
            outer: scope.outer,
            slot,
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
            ast::Literal::Negated { atom: a, .. } | ast::Literal::Test(a) => {
                a.args.iter().for_each(|e| self.expr(e))
            }
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
        "wildcard-in-head",
        "`_` cannot appear in a head",
        Some(span),
    )
    .with_label("a head needs a value for every column")
    .with_help("replace `_` with a variable bound in the body, or with a constant")
}

fn wildcard_in_expression(span: Span) -> Diagnostic {
    Diagnostic::new(
        "unbound-variable",
        "`_` has no value to compute with",
        Some(span),
    )
    .with_label("`_` only matches an atom's argument")
    .with_help("name the variable, bind it in a positive atom, and use the name here")
}

fn unknown_functor(name: &ast::Ident) -> Diagnostic {
    let label = if name.name == "contains" {
        "`contains` is a test, not a value: use it alone as a body literal".to_string()
    } else {
        match did_you_mean(&name.name, functors::ALL.iter().map(|f| f.name())) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "not a built-in functor".to_string(),
        }
    };
    Diagnostic::new("unknown-functor", format!("unknown functor `{}`", name.name), Some(name.span))
        .with_label(label)
        .with_help("the functors are cat, strlen, substr, to_number, to_string, to_float, min, max, add_months, months_between, year and month")
}
