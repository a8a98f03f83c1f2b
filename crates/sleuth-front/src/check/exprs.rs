//! This module defines the lowering of expressions inside a rule:
//! constants, arithmetic (numbers or floats, one type for all operands),
//! functor calls typed by their signatures, and aggregates.
//!
//! Rules of thumb:
//! - an aggregate anywhere but `N = agg` gets a fresh `$` variable bound by
//!   it; an aggregate inside an aggregate is `unsupported`;
//! - `count` gives a number; `sum` needs numbers or floats; `mean` takes
//!   numbers or floats and gives a float; `min`/`max`
//!   keep their target's type;
//! - `+` on symbols concatenates them (it becomes `cat`);
//! - the bitwise and logical operators (`band`, `bshl`, `land`, ...) take
//!   numbers only;
//! - `min(a, b, c)` is `min(min(a, b), c)`;
//! - `_` in an expression has no value: `unbound-variable`.

use super::builder::{AggregateScope, Builder};
use super::form::{Aggregate, Expr, Literal, Scalar};
use super::functors;
use super::lower::constant;
use super::types::{Slot, TypeSet, Why};
use crate::diag::Code;
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::ir::{AggOp, BinOp, Functor, VarId};
use crate::syntax::ast;
use crate::value::Type;

impl Builder<'_, '_> {
    pub(super) fn expr(&mut self, e: &ast::Expr) -> Expr {
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
                let slot = self.arithmetic(&[(&arg, at)], TypeSet::NUMERIC, *span);
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
                let types = if *op == BinOp::Add {
                    add_types(&left, &right)
                } else {
                    TypeSet::NUMERIC
                };
                let slot = self.arithmetic(&[(&left, spans.0), (&right, spans.1)], types, *span);
                if op.integral() {
                    self.solver.constrain(
                        slot,
                        TypeSet::of(Type::Number),
                        *span,
                        Why::Argument(op.symbol(), 0),
                    );
                }
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
    fn arithmetic(&mut self, operands: &[(&Expr, Span)], types: TypeSet, span: Span) -> Slot {
        let result = self.solver.fresh(types, Some((span, Why::Arithmetic)));
        for (operand, at) in operands {
            let slot = self.slot(operand);
            self.solver.unify(result, slot, *at);
        }
        result
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> Expr {
        let lowered: Vec<Expr> = args.iter().map(|a| self.expr(a)).collect();
        let Some(functor) = functors::lookup(&name.name) else {
            self.diags.push(match name.name.as_str() {
                "range" | "autoinc" | "as" => unsupported_functor(name),
                _ => unknown_functor(name),
            });
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
                    Code::Unsupported,
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

    pub(super) fn aggregate(&mut self, a: &ast::Aggregate, result: VarId) -> Aggregate {
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
            (AggOp::Mean, Some((t, span))) => {
                let t = self.slot(t);
                self.solver.constrain(t, TypeSet::NUMERIC, *span, Why::Mean);
                self.solver
                    .constrain(slot, TypeSet::of(Type::Float), a.span, Why::Mean);
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

/// What `+` may compute: it also concatenates symbols, as in Soufflé. A
/// numeric literal operand makes it arithmetic and a string literal operand
/// a concatenation, so that a mistake is reported at the operand that does
/// not fit rather than spreading through the result.
fn add_types(left: &Expr, right: &Expr) -> TypeSet {
    let literal = |e: &Expr| match e {
        Expr::Const(c) => Some(matches!(c.scalar, Scalar::Text(_))),
        _ => None,
    };
    match (literal(left), literal(right)) {
        (Some(false), _) | (_, Some(false)) => TypeSet::NUMERIC,
        (Some(true), _) | (_, Some(true)) => TypeSet::of(Type::Symbol),
        _ => TypeSet::NUMERIC.union(TypeSet::of(Type::Symbol)),
    }
}

fn wildcard_in_expression(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::UnboundVariable,
        "`_` has no value to compute with",
        Some(span),
    )
    .with_label("`_` only matches an atom's argument")
    .with_help("name the variable, bind it in a positive atom, and use the name here")
}

/// Soufflé functors sleuth knows but does not run.
fn unsupported_functor(name: &ast::Ident) -> Diagnostic {
    let help = match name.name.as_str() {
        "range" => "list the values in a relation and join with it",
        "autoinc" => "number the tuples with a key from the data instead",
        _ => "convert explicitly with `to_number`, `to_float` or `to_string`",
    };
    Diagnostic::new(
        Code::Unsupported,
        format!("Soufflé's `{}` functor is not supported", name.name),
        Some(name.span),
    )
    .with_help(help)
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
    Diagnostic::new(Code::UnknownFunctor, format!("unknown functor `{}`", name.name), Some(name.span))
        .with_label(label)
        .with_help("the functors are cat, strlen, substr, ord, to_number, to_unsigned, to_string, to_float, min, max, add_months, months_between, year and month")
}
