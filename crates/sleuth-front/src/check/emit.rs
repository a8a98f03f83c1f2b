//! This module defines the last step of checking: the working form, with
//! every type slot resolved, becomes the `ir::Program`. Constants take their
//! column's type here, which is where a string in a date position is parsed.
//!
//! Rule of thumb: a quoted string whose type is `date` must be an ISO date
//! (`2024-02` or `2024-02-15`); anything else is a `bad-date` at the string.

use super::form::{self, Const, Expr, Lowered, Origin, Scalar};
use super::names::{Relation, Table};
use super::types::Solver;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir;
use crate::value::{Date, Type, Value};

/// Builds the program; reports bad dates into `diags`.
pub(super) fn emit(
    table: &Table,
    lowered: &Lowered,
    strata: Vec<ir::Stratum>,
    solver: &Solver,
    diags: &mut Vec<Diagnostic>,
) -> ir::Program {
    let mut e = Emitter {
        solver,
        diags,
        var_slots: Vec::new(),
    };
    let rules: Vec<ir::Rule> = lowered.rules.iter().map(|r| e.rule(r)).collect();
    let facts = lowered.facts.iter().map(|f| e.fact(f)).collect();
    let queries = lowered
        .rules
        .iter()
        .enumerate()
        .filter_map(|(id, r)| match &r.origin {
            Origin::Query(columns) => Some(ir::Query {
                rel: r.head.rel,
                rule: id,
                columns: columns.clone(),
                span: r.span,
            }),
            _ => None,
        })
        .collect();
    ir::Program {
        relations: table
            .relations
            .iter()
            .map(|r| relation(r, solver))
            .collect(),
        rules,
        facts,
        strata,
        inputs: table.inputs.clone(),
        outputs: table.outputs.clone(),
        printsize: table.printsize.clone(),
        queries,
    }
}

fn relation(r: &Relation, solver: &Solver) -> ir::Relation {
    let columns = match &r.decl {
        Some(d) => d
            .attrs
            .iter()
            .map(|a| ir::Column {
                name: a.name.clone(),
                ty: a.ty,
            })
            .collect(),
        None => r
            .columns
            .iter()
            .enumerate()
            .map(|(i, slot)| ir::Column {
                name: format!("_{i}"),
                ty: solver.resolve(*slot),
            })
            .collect(),
    };
    ir::Relation {
        name: r.name.clone(),
        columns,
        span: Some(r.decl.as_ref().map_or(r.first_span, |d| d.span)),
        declared: r.decl.is_some(),
        is_query: r.is_query,
    }
}

struct Emitter<'a, 's> {
    solver: &'a Solver<'s>,
    diags: &'a mut Vec<Diagnostic>,
    /// The type slots of the variables of the rule being emitted.
    var_slots: Vec<super::types::Slot>,
}

impl Emitter<'_, '_> {
    fn rule(&mut self, r: &form::Rule) -> ir::Rule {
        self.var_slots = r.vars.iter().map(|v| v.slot).collect();
        ir::Rule {
            head: ir::Head {
                rel: r.head.rel,
                args: r.head.args.iter().map(|a| self.expr(a)).collect(),
                span: r.head.span,
            },
            body: r.body.iter().map(|l| self.literal(l)).collect(),
            vars: r
                .vars
                .iter()
                .map(|v| ir::Var {
                    name: v.name.clone(),
                    ty: self.solver.resolve(v.slot),
                    span: v.span,
                })
                .collect(),
            span: r.span,
        }
    }

    fn fact(&mut self, f: &form::Fact) -> ir::Fact {
        ir::Fact {
            rel: f.rel,
            values: f.args.iter().map(|c| self.value(c)).collect(),
            span: f.span,
        }
    }

    fn literal(&mut self, l: &form::Literal) -> ir::Literal {
        match l {
            form::Literal::Atom(a) => ir::Literal::Atom(self.atom(a)),
            form::Literal::Negated(a) => ir::Literal::Negated(self.atom(a)),
            form::Literal::Compare {
                op,
                left,
                right,
                slot,
                span,
            } => ir::Literal::Compare(ir::Compare {
                op: *op,
                left: self.expr(left),
                right: self.expr(right),
                ty: self.solver.resolve(*slot),
                span: *span,
            }),
            form::Literal::Test {
                predicate,
                negated,
                args,
                span,
            } => ir::Literal::Test(ir::Test {
                predicate: *predicate,
                args: args.iter().map(|a| self.expr(a)).collect(),
                negated: *negated,
                span: *span,
            }),
            form::Literal::Aggregate(a) => ir::Literal::Aggregate(ir::Aggregate {
                result: a.result,
                op: a.op,
                target: a.target.as_ref().map(|t| self.target(a.op, t, a.span)),
                body: a.body.iter().map(|l| self.literal(l)).collect(),
                outer: a.outer.clone(),
                ty: self.solver.resolve(a.slot),
                span: a.span,
            }),
        }
    }

    /// An aggregate's target; `mean` of numbers averages them as floats.
    fn target(&mut self, op: ir::AggOp, t: &Expr, span: crate::diag::Span) -> ir::Expr {
        let e = self.expr(t);
        let slot = match t {
            Expr::Var(v) => self.var_slots[*v],
            other => other.slot(&[]),
        };
        if op != ir::AggOp::Mean || self.solver.resolve(slot) == Type::Float {
            return e;
        }
        ir::Expr::Call {
            functor: ir::Functor::ToFloat,
            args: vec![e],
            ty: Type::Float,
            span,
        }
    }

    fn atom(&mut self, a: &form::Atom) -> ir::Atom {
        let args = a
            .args
            .iter()
            .map(|t| match t {
                form::Term::Var(v) => ir::Term::Var(*v),
                form::Term::Const(c) => ir::Term::Const(self.value(c)),
                form::Term::Wildcard => ir::Term::Wildcard,
            })
            .collect();
        ir::Atom {
            rel: a.rel,
            args,
            span: a.span,
        }
    }

    fn expr(&mut self, e: &Expr) -> ir::Expr {
        match e {
            Expr::Var(v) => ir::Expr::Var(*v),
            Expr::Const(c) => ir::Expr::Const(self.value(c)),
            Expr::Neg { arg, slot, span } => ir::Expr::Neg {
                arg: Box::new(self.expr(arg)),
                ty: self.solver.resolve(*slot),
                span: *span,
            },
            Expr::Binary {
                op: ir::BinOp::Add,
                left,
                right,
                slot,
                span,
            } if self.solver.resolve(*slot) == Type::Symbol => ir::Expr::Call {
                functor: ir::Functor::Cat,
                args: vec![self.expr(left), self.expr(right)],
                ty: Type::Symbol,
                span: *span,
            },
            Expr::Binary {
                op,
                left,
                right,
                slot,
                span,
            } => ir::Expr::Binary {
                op: *op,
                left: Box::new(self.expr(left)),
                right: Box::new(self.expr(right)),
                ty: self.solver.resolve(*slot),
                span: *span,
            },
            Expr::Call {
                functor,
                args,
                slot,
                span,
            } => ir::Expr::Call {
                functor: *functor,
                args: args.iter().map(|a| self.expr(a)).collect(),
                ty: self.solver.resolve(*slot),
                span: *span,
            },
        }
    }

    /// The constant as a value of its resolved type. Combinations the type
    /// rules exclude only occur after a reported `type-mismatch`, and then
    /// the program is rejected anyway.
    fn value(&mut self, c: &Const) -> Value {
        let ty = self.solver.resolve(c.slot);
        match (&c.scalar, ty) {
            (Scalar::Int(n), Type::Float) => Value::Float(*n as f64),
            (Scalar::Int(n), _) => Value::Number(*n),
            (Scalar::Float(x), _) => Value::Float(*x),
            (Scalar::Text(s), Type::Date) => match Date::parse(s) {
                Ok(d) => Value::Date(d),
                Err(e) => {
                    if !self.solver.is_poisoned(c.slot) {
                        self.diags.push(
                            Diagnostic::new(Code::BadDate, format!("\"{}\" is not a valid date", s.escape_debug()), Some(c.span))
                                .with_label(e.to_string())
                                .with_help("write dates as \"YYYY-MM\" or \"YYYY-MM-DD\", e.g. \"2024-02\" or \"2024-02-15\""),
                        );
                    }
                    Value::Symbol(s.clone())
                }
            },
            (Scalar::Text(s), _) => Value::Symbol(s.clone()),
        }
    }
}
