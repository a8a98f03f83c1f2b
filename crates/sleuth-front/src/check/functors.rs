//! This module defines the built-in functors' names and signatures.
//!
//! Rule of thumb: each functor fixes its argument and result types
//! (`substr(symbol, number, number) -> symbol`); `min` and `max` take two or
//! more arguments of any one type; the conversions are overloaded as in
//! Soufflé: `to_number`, `to_unsigned` and `to_float` take a symbol, a number
//! or a float, `to_string` any value.

use super::types::{Slot, Solver, TypeSet, Why};
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use crate::ir::Functor;
use crate::value::Type;

/// Every functor, for lookups and did-you-mean hints.
pub(super) const ALL: [Functor; 16] = [
    Functor::Cat,
    Functor::Strlen,
    Functor::Substr,
    Functor::ToNumber,
    Functor::ToString,
    Functor::ToFloat,
    Functor::ToUnsigned,
    Functor::Ord,
    Functor::BNot,
    Functor::LNot,
    Functor::Min,
    Functor::Max,
    Functor::AddMonths,
    Functor::MonthsBetween,
    Functor::Year,
    Functor::Month,
];

/// The functor called `name`.
pub(super) fn lookup(name: &str) -> Option<Functor> {
    ALL.into_iter().find(|f| f.name() == name)
}

/// How the functor is called, for help lines.
fn usage(f: Functor) -> &'static str {
    match f {
        Functor::Cat => "cat(a, b, ...)",
        Functor::Strlen => "strlen(s)",
        Functor::Substr => "substr(s, start, length)",
        Functor::ToNumber => "to_number(s)",
        Functor::ToString => "to_string(n)",
        Functor::ToFloat => "to_float(n)",
        Functor::ToUnsigned => "to_unsigned(s)",
        Functor::Ord => "ord(s)",
        Functor::BNot => "bnot n",
        Functor::LNot => "lnot n",
        Functor::Min => "min(a, b)",
        Functor::Max => "max(a, b)",
        Functor::AddMonths => "add_months(date, n)",
        Functor::MonthsBetween => "months_between(from, to)",
        Functor::Year => "year(date)",
        Functor::Month => "month(date)",
    }
}

/// Argument types and result type (`min`/`max` are handled apart).
fn signature(f: Functor, n: usize) -> (Vec<TypeSet>, TypeSet) {
    let sym = TypeSet::of(Type::Symbol);
    let num = TypeSet::of(Type::Number);
    let float = TypeSet::of(Type::Float);
    let date = TypeSet::of(Type::Date);
    match f {
        Functor::Cat => (vec![sym; n.max(1)], sym),
        Functor::Strlen | Functor::Ord => (vec![sym], num),
        Functor::ToNumber | Functor::ToUnsigned => (vec![sym.union(num).union(float)], num),
        Functor::BNot | Functor::LNot => (vec![num], num),
        Functor::Substr => (vec![sym, num, num], sym),
        Functor::ToString => (vec![TypeSet::ANY], sym),
        Functor::ToFloat => (vec![sym.union(num).union(float)], float),
        Functor::AddMonths => (vec![date, num], date),
        Functor::MonthsBetween => (vec![date, date], num),
        Functor::Year | Functor::Month => (vec![date], num),
        Functor::Min | Functor::Max => (vec![TypeSet::ANY; n.max(2)], TypeSet::ANY),
    }
}

/// Types a call of `f` whose arguments have the given slots and spans, and
/// returns the slot of its result (for `min`/`max`: of the type compared).
/// A wrong number of arguments is an `arity-mismatch`.
pub(super) fn type_call(
    f: Functor,
    args: &[(Slot, Span)],
    span: Span,
    solver: &mut Solver,
) -> Result<Slot, Box<Diagnostic>> {
    let (params, result) = signature(f, args.len());
    if params.len() != args.len() {
        return Err(Box::new(wrong_count(f, params.len(), args.len(), span)));
    }
    if matches!(f, Functor::Min | Functor::Max) {
        let (first, _) = args[0];
        for &(slot, at) in &args[1..] {
            solver.unify(first, slot, at);
        }
        return Ok(first);
    }
    for (i, (&(slot, at), set)) in args.iter().zip(params).enumerate() {
        solver.constrain(slot, set, at, Why::Argument(f.name(), i));
    }
    Ok(solver.fresh(result, Some((span, Why::Result(f.name())))))
}

fn wrong_count(f: Functor, expected: usize, found: usize, span: Span) -> Diagnostic {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let at_least = if matches!(f, Functor::Min | Functor::Max | Functor::Cat) {
        "at least "
    } else {
        ""
    };
    Diagnostic::new(
        Code::ArityMismatch,
        format!(
            "`{}` takes {at_least}{expected} argument{}, found {found}",
            f.name(),
            plural(expected)
        ),
        Some(span),
    )
    .with_label(format!("{found} argument{} here", plural(found)))
    .with_help(format!("call it as `{}`", usage(f)))
}
