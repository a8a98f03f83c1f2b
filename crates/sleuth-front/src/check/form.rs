//! This module defines the checker's working form of a rule: the shape of
//! `ir::Rule` (relations resolved, variables numbered, body atoms flattened)
//! but with a type slot wherever the IR has a type, because types are only
//! known once every rule of the program has been seen. `emit` turns it into
//! the IR.

use super::types::Slot;
use crate::diag::Span;
use crate::ir::{AggOp, BinOp, CmpOp, Functor, Predicate, RelId, VarId};

/// Everything lowered from the program's clauses and queries.
#[derive(Default)]
pub(super) struct Lowered {
    /// Rules, including those behind facts with expressions, queries and `eqrel`.
    pub(super) rules: Vec<Rule>,
    /// Ground facts.
    pub(super) facts: Vec<Fact>,
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Origin {
    /// A rule in the text.
    Rule,
    /// A fact whose arguments are not all constants.
    Fact,
    /// A `?-` query, with its answer's column names.
    Query(Vec<String>),
}

/// A rule.
#[derive(Clone, Debug)]
pub(super) struct Rule {
    pub(super) head: Head,
    pub(super) body: Vec<Literal>,
    pub(super) vars: Vec<Var>,
    pub(super) span: Span,
    pub(super) origin: Origin,
}

/// A variable of a rule.
#[derive(Clone, Debug)]
pub(super) struct Var {
    pub(super) name: String,
    pub(super) slot: Slot,
    pub(super) span: Span,
}

/// A rule's head.
#[derive(Clone, Debug)]
pub(super) struct Head {
    pub(super) rel: RelId,
    pub(super) args: Vec<Expr>,
    pub(super) span: Span,
}

/// A body literal.
#[derive(Clone, Debug)]
pub(super) enum Literal {
    Atom(Atom),
    Negated(Atom),
    Compare {
        op: CmpOp,
        left: Expr,
        right: Expr,
        slot: Slot,
        span: Span,
    },
    Test {
        predicate: Predicate,
        negated: bool,
        args: Vec<Expr>,
        span: Span,
    },
    Aggregate(Aggregate),
}

/// A body atom with flat arguments.
#[derive(Clone, Debug)]
pub(super) struct Atom {
    pub(super) rel: RelId,
    pub(super) args: Vec<Term>,
    pub(super) span: Span,
}

/// An argument of a body atom.
#[derive(Clone, Debug)]
pub(super) enum Term {
    Var(VarId),
    Const(Const),
    Wildcard,
}

/// A literal constant; its value's type is its slot's.
#[derive(Clone, Debug)]
pub(super) struct Const {
    pub(super) scalar: Scalar,
    pub(super) slot: Slot,
    pub(super) span: Span,
}

/// A constant as written.
#[derive(Clone, Debug)]
pub(super) enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
}

/// An aggregate.
#[derive(Clone, Debug)]
pub(super) struct Aggregate {
    pub(super) result: VarId,
    pub(super) op: AggOp,
    pub(super) target: Option<Expr>,
    pub(super) body: Vec<Literal>,
    pub(super) outer: Vec<VarId>,
    pub(super) slot: Slot,
    pub(super) span: Span,
}

/// An expression; `slot` is its result type (for `min`/`max`, the type compared).
#[derive(Clone, Debug)]
pub(super) enum Expr {
    Var(VarId),
    Const(Const),
    Neg {
        arg: Box<Expr>,
        slot: Slot,
        span: Span,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        slot: Slot,
        span: Span,
    },
    Call {
        functor: Functor,
        args: Vec<Expr>,
        slot: Slot,
        span: Span,
    },
}

impl Expr {
    /// The expression's type slot.
    pub(super) fn slot(&self, vars: &[Var]) -> Slot {
        match self {
            Expr::Var(v) => vars[*v].slot,
            Expr::Const(c) => c.slot,
            Expr::Neg { slot, .. } | Expr::Binary { slot, .. } | Expr::Call { slot, .. } => *slot,
        }
    }

    /// Appends the variables the expression reads.
    pub(super) fn vars(&self, out: &mut Vec<VarId>) {
        match self {
            Expr::Var(v) => out.push(*v),
            Expr::Const(_) => {}
            Expr::Neg { arg, .. } => arg.vars(out),
            Expr::Binary { left, right, .. } => {
                left.vars(out);
                right.vars(out);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| a.vars(out)),
        }
    }
}

/// A ground fact.
#[derive(Clone, Debug)]
pub(super) struct Fact {
    pub(super) rel: RelId,
    pub(super) args: Vec<Const>,
    pub(super) span: Span,
}
