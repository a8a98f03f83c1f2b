//! This module defines how an aggregate's value is accumulated over the
//! matches of its body: `count`, `sum`, `min`, `max` and `mean`, and the
//! distinct bindings a materialized `sum`/`mean` adds once. The interpreter
//! and the explainer both fold matches through one [`Accumulator`], so a
//! proof always shows the value the evaluator computed; each step's meaning
//! (an overflowing sum, which of equal extremes stays, a mean) comes from
//! [`functors`], as in the compiled program.

use crate::diag::Code;
use std::collections::HashSet;

use super::exec::{Scratch, Stop};
use super::expr::{InternedText, SymbolText, order_in};
use super::intern::Interner;
use crate::diag::{Diagnostic, Span};
use crate::ir::AggOp;
use crate::ir::functors;
use crate::value::Type;

/// An aggregate's running value for one group.
pub struct Accumulator<'p> {
    op: AggOp,
    ty: Type,
    span: Span,
    count: u64,
    acc: Option<u64>,
    /// Registers whose distinct bindings are aggregated, and those seen.
    distinct: Option<(&'p [usize], HashSet<Vec<u64>>)>,
}

impl<'p> Accumulator<'p> {
    /// An empty accumulator for `op` over values of type `ty`; `distinct`
    /// names the registers whose distinct bindings count once (see
    /// [`Aggregate::distinct_bindings`](crate::ir::Aggregate::distinct_bindings));
    /// `span` locates an overflow.
    pub fn new(op: AggOp, ty: Type, distinct: Option<&'p [usize]>, span: Span) -> Accumulator<'p> {
        Accumulator {
            op,
            ty,
            span,
            count: 0,
            acc: None,
            distinct: distinct.map(|v| (v, HashSet::new())),
        }
    }

    /// Whether a match with these registers is aggregated: false for a
    /// binding of the distinct registers already seen.
    pub fn admits(&mut self, regs: &[u64]) -> bool {
        match &mut self.distinct {
            Some((vars, seen)) => seen.insert(vars.iter().map(|&v| regs[v]).collect()),
            None => true,
        }
    }

    /// Adds one admitted match whose target evaluated to `value` (0 for
    /// `count`).
    pub fn add(&mut self, value: u64, ix: &Interner, sc: &Scratch) -> Result<(), Stop> {
        self.add_in(value, &InternedText { ix, sc })
    }

    /// Adds one admitted match, symbols ordered by their text in `syms`.
    pub fn add_in<S: SymbolText>(&mut self, value: u64, syms: &S) -> Result<(), Stop> {
        self.count += 1;
        match self.op {
            AggOp::Count => {}
            // The checker makes a `mean`'s target a float.
            AggOp::Mean => self.add_float(value),
            AggOp::Sum if self.ty == Type::Float => self.add_float(value),
            AggOp::Sum => {
                let acc = self.acc.unwrap_or(0) as i64;
                let sum = functors::sum_step(acc, value as i64).map_err(|_| {
                    Box::new(
                        Diagnostic::new(
                            Code::ArithmeticOverflow,
                            "arithmetic overflow: the sum does not fit in a 64-bit number",
                            Some(self.span),
                        )
                        .with_help("numbers are 64-bit integers; sum smaller values"),
                    )
                })?;
                self.acc = Some(sum as u64);
            }
            AggOp::Min | AggOp::Max => {
                let better = match self.acc {
                    None => true,
                    Some(cur) => {
                        functors::extreme_replaces(self.op, order_in(value, cur, self.ty, syms)?)
                    }
                };
                if better {
                    self.acc = Some(value);
                }
            }
        }
        Ok(())
    }

    fn add_float(&mut self, value: u64) {
        let acc = f64::from_bits(self.acc.unwrap_or(0f64.to_bits()));
        self.acc = Some(functors::sum_step_float(acc, f64::from_bits(value)).to_bits());
    }

    /// How many matches were added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The aggregate's value: `count` and `sum` of an empty group are 0;
    /// `min`, `max` and `mean` of an empty group have none.
    pub fn finish(&self) -> Option<u64> {
        match self.op {
            AggOp::Count => Some(self.count),
            AggOp::Sum => Some(self.acc.unwrap_or(if self.ty == Type::Float {
                0f64.to_bits()
            } else {
                0
            })),
            AggOp::Min | AggOp::Max => self.acc,
            AggOp::Mean => self
                .acc
                .map(|sum| functors::mean(f64::from_bits(sum), self.count).to_bits()),
        }
    }
}
