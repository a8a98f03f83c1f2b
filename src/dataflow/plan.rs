//! This module defines what a rule's plan is: a chain of dataflow steps
//! from a start (a scan, one empty binding, an aggregate's groups), the
//! layout of the binding after each step, the key of each join, and how
//! wide rows must be. `planner` makes plans; `render` builds them.

use crate::diag::Span;
use crate::eval::plan::CExpr;
use crate::ir::{AggOp, CmpOp, RelId, VarId};
use crate::syntax::regex::Regex;
use crate::value::Type;

/// Where a key word of a join comes from on the binding's side.
#[derive(Clone, Debug)]
pub enum KeyPart {
    /// The binding's word at this position.
    At(usize),
    /// A constant.
    Const(u64),
}

/// Where a word of a join's output comes from.
#[derive(Clone, Copy, Debug)]
pub enum From {
    /// The key's word at this position.
    Key(usize),
    /// The carried binding's word at this position (see `Op::Join::left`).
    Left(usize),
    /// The atom's non-key word at this position.
    Right(usize),
}

/// A relation read through its arrangement on `cols`: the key is those
/// columns, the value the others in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Index {
    /// The relation.
    pub rel: RelId,
    /// Key columns, ascending.
    pub cols: Vec<usize>,
}

impl Index {
    /// The relation's columns outside the key.
    pub fn rest(&self, arity: usize) -> Vec<usize> {
        (0..arity).filter(|c| !self.cols.contains(c)).collect()
    }
}

/// A body literal evaluated on each binding.
#[derive(Clone, Debug)]
pub enum Test {
    /// `left op right`.
    Compare(CmpOp, CExpr, CExpr, Type),
    /// `var = expr`, binding `var`.
    Bind(VarId, CExpr),
    /// `contains(sub, s)` (or its negation).
    Contains(CExpr, CExpr, bool),
    /// `match(pattern, s)` (or its negation), the pattern compiled when constant.
    Match(Option<Regex>, CExpr, CExpr, bool, Span),
}

/// One step of a chain.
#[derive(Clone, Debug)]
pub enum Op {
    /// Join with a relation.
    Join {
        /// The relation's arrangement.
        index: Index,
        /// The binding's side of the key.
        key: Vec<KeyPart>,
        /// The binding's words carried beside the key (positions).
        left: Vec<usize>,
        /// The output binding, word by word.
        out: Vec<From>,
        /// Non-key words of the atom that must be equal (a variable
        /// repeated in the atom).
        same: Vec<(usize, usize)>,
    },
    /// Keep the bindings whose key is not in the relation's projection.
    Anti {
        /// The projection's columns.
        index: Index,
        /// The binding's side of the key.
        key: Vec<KeyPart>,
        /// The output binding (positions of the input).
        out: Vec<usize>,
    },
    /// Tests and bindings on each binding; `layout_out` is the output.
    Map {
        /// The variables of the input binding.
        layout_in: Vec<VarId>,
        /// In order.
        tests: Vec<Test>,
        /// The variables of the output binding.
        layout_out: Vec<VarId>,
    },
    /// An aggregate for each binding's group.
    Aggregate(Box<AggPlan>),
}

/// How a chain starts.
#[derive(Clone, Debug)]
pub enum Start {
    /// The rows of a relation matching an atom.
    Scan {
        /// The relation.
        rel: RelId,
        /// Columns that must hold a constant.
        consts: Vec<(usize, u64)>,
        /// Pairs of columns that must be equal.
        same: Vec<(usize, usize)>,
        /// The columns kept, in binding order.
        out: Vec<usize>,
    },
    /// One empty binding (a body without positive atoms).
    Unit,
    /// The groups of an aggregate (given).
    Groups,
}

/// A chain of steps from a start.
#[derive(Clone, Debug)]
pub struct Chain {
    /// The first binding.
    pub start: Start,
    /// The steps.
    pub ops: Vec<Op>,
    /// The variables of the last binding.
    pub layout: Vec<VarId>,
}

/// An aggregate's plan: its groups are the distinct bindings of `outer`.
#[derive(Clone, Debug)]
pub struct AggPlan {
    /// The aggregate function.
    pub op: AggOp,
    /// The value's type.
    pub ty: Type,
    /// Where a sum overflows.
    pub span: Span,
    /// Positions of the group's variables in the input binding.
    pub outer: Vec<usize>,
    /// The body from the group's binding (layout `outer` variables).
    pub body: Chain,
    /// Positions in the body's last binding of the variables whose distinct
    /// bindings are the matches.
    pub identity: Vec<usize>,
    /// The identity's variables (for the target).
    pub identity_vars: Vec<VarId>,
    /// What is aggregated.
    pub target: Option<CExpr>,
    /// The output binding: the input's positions, then the result.
    pub out: Vec<usize>,
    /// Whether the result goes into the binding (else it is compared with
    /// the binding's word at `check`).
    pub check: Option<usize>,
}

/// A rule's plan.
#[derive(Clone, Debug)]
pub struct RulePlan {
    /// The rule's body.
    pub chain: Chain,
    /// The head relation.
    pub head: RelId,
    /// One expression per head column.
    pub head_args: Vec<CExpr>,
    /// Registers the expressions need (the rule's variables and the
    /// wildcards of its aggregates).
    pub regs: usize,
}

impl RulePlan {
    /// The most words any row, key or binding of the plan holds.
    pub fn width(&self) -> usize {
        self.head_args.len().max(chain_width(&self.chain))
    }
}

fn chain_width(c: &Chain) -> usize {
    let mut w = c.layout.len().max(2);
    if let Start::Scan { out, .. } = &c.start {
        w = w.max(out.len());
    }
    for op in &c.ops {
        w = w.max(match op {
            Op::Join { key, left, out, .. } => key.len().max(left.len()).max(out.len()),
            Op::Anti { key, out, .. } => key.len().max(out.len()),
            Op::Map {
                layout_in,
                layout_out,
                ..
            } => layout_in.len().max(layout_out.len()),
            Op::Aggregate(a) => chain_width(&a.body)
                .max(a.outer.len())
                .max(a.identity.len())
                .max(a.out.len()),
        });
    }
    w
}
