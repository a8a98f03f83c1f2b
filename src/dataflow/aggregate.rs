//! This module defines how the dataflow engine folds one group of an
//! aggregate: the matches `reduce` hands over, each with its multiplicity,
//! go through the interpreter's [`Accumulator`], so `count`, `sum`
//! (overflow included), `min`/`max` (by the value's type) and `mean` mean
//! what they mean there.

use super::Stop;
use crate::diag::Span;
use crate::eval::aggregate::Accumulator;
use crate::eval::expr::SymbolText;
use crate::ir::AggOp;
use crate::value::Type;

/// The aggregate's value over `matches` (value, multiplicity); `None` for
/// `min`, `max` and `mean` of an empty group.
pub fn fold<S: SymbolText>(
    op: AggOp,
    ty: Type,
    span: Span,
    matches: impl Iterator<Item = (u64, u64)>,
    syms: &S,
) -> Result<Option<u64>, Stop> {
    let mut acc = Accumulator::new(op, ty, None, span);
    for (value, n) in matches {
        for _ in 0..n {
            acc.add_in(value, syms)?;
        }
    }
    Ok(acc.finish())
}
