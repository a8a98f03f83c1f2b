//! This module defines run-time faults of the compiled program. Generated
//! rules cannot return errors from inside crepe, so a failing operation
//! (division by zero, a string that is not a number, a date out of range)
//! records a [`Fault`] on this thread and the rule does not fire; after each
//! stage the runner takes the fault and the run stops with it, as the
//! interpreter stops with the same error.

use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use std::cell::RefCell;

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// `/` or `%` by zero.
    DivisionByZero,
    /// Arithmetic overflowed, or a date left the calendar (what was computed).
    Overflow(String),
    /// An integer `sum` aggregate overflowed.
    SumOverflow,
    /// `to_number` of a string that is not a number (the string).
    BadNumber(String),
    /// The run was interrupted or ran out of time between two stages (the
    /// runner says which, from the evaluation's bounds).
    Stopped,
}

/// A fault and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Index into the generated program's site table (which rule, which expression).
    pub site: u32,
    /// What went wrong.
    pub kind: FaultKind,
}

thread_local! {
    static FIRST: RefCell<Option<Fault>> = const { RefCell::new(None) };
}

/// Records a fault unless one is already recorded (the first one is reported).
#[cold]
pub fn record(site: u32, kind: FaultKind) {
    FIRST.with(|f| {
        let mut f = f.borrow_mut();
        if f.is_none() {
            *f = Some(Fault { site, kind });
        }
    });
}

/// Takes the recorded fault, if any.
pub fn take() -> Option<Fault> {
    FIRST.with(|f| f.borrow_mut().take())
}

/// Takes the recorded fault, or says that an operation failed without one.
pub fn take_or(site: u32) -> Fault {
    take().unwrap_or(Fault {
        site,
        kind: FaultKind::Overflow("an operation failed".into()),
    })
}

impl Fault {
    /// The diagnostic the interpreter gives for the same failure, at `span`
    /// (the failing expression in the loaded program, when it was found).
    pub fn to_diagnostic(&self, span: Option<Span>) -> Diagnostic {
        match &self.kind {
            FaultKind::DivisionByZero => {
                Diagnostic::new(Code::DivisionByZero, "division by zero", span)
                    .with_label("the divisor is 0 for some binding of the rule")
                    .with_help(
                        "guard the divisor with a comparison such as `Y != 0` before dividing",
                    )
            }
            FaultKind::Overflow(what) => Diagnostic::new(
                Code::ArithmeticOverflow,
                format!("arithmetic overflow: {what}"),
                span,
            )
            .with_help("numbers are 64-bit integers; keep intermediate values within ±9.2e18"),
            FaultKind::SumOverflow => Diagnostic::new(
                Code::ArithmeticOverflow,
                "arithmetic overflow: the sum does not fit in a 64-bit number",
                span,
            )
            .with_help("numbers are 64-bit integers; sum smaller values"),
            FaultKind::BadNumber(s) => Diagnostic::new(
                Code::BadNumber,
                format!("to_number: `{s}` is not a number"),
                span,
            )
            .with_help("filter the symbols first, or fix the data so this column holds digits"),
            FaultKind::Stopped => Diagnostic::new(
                Code::Interrupted,
                "the compiled rule library stopped between two stages",
                span,
            )
            .with_help("run the evaluation again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_fault_wins_and_take_clears() {
        record(3, FaultKind::DivisionByZero);
        record(4, FaultKind::SumOverflow);
        assert_eq!(
            take(),
            Some(Fault {
                site: 3,
                kind: FaultKind::DivisionByZero
            })
        );
        assert_eq!(take(), None);
    }
}
