//! This module defines the lowered rules the code generator emits: the
//! library's rules after aggregates have been split off into helper
//! relations, over one relation table (the program's relations first, by
//! `RelId`, then the helpers). Each lowered rule keeps its source rule for
//! the comment above the generated code.

use sleuth_front::ir::{Compare, Expr, RuleId, Term, Test, Var, VarId};

/// Index into the plan's relation table.
pub type PlanRel = usize;

/// A body literal of a lowered rule (no aggregates left).
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// A positive atom.
    Atom {
        /// The relation.
        rel: PlanRel,
        /// Its arguments.
        args: Vec<Term>,
    },
    /// A negated atom.
    Not {
        /// The relation.
        rel: PlanRel,
        /// Its arguments.
        args: Vec<Term>,
    },
    /// A comparison or an `X = expr` binding.
    Compare(Compare),
    /// A boolean built-in.
    Test(Test),
}

impl Lit {
    /// The variables the literal mentions.
    pub fn vars(&self) -> Vec<VarId> {
        let mut out = Vec::new();
        match self {
            Lit::Atom { args, .. } | Lit::Not { args, .. } => {
                out.extend(args.iter().filter_map(|t| match t {
                    Term::Var(v) => Some(*v),
                    _ => None,
                }));
            }
            Lit::Compare(c) => {
                c.left.vars(&mut out);
                c.right.vars(&mut out);
            }
            Lit::Test(t) => {
                for e in &t.args {
                    e.vars(&mut out);
                }
            }
        }
        out
    }
}

/// What a lowered rule is for.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    /// A library rule (without aggregates, or with them replaced by lookups
    /// in their result relations).
    Rule,
    /// A library rule with aggregates, in the variant where the listed
    /// `count`/`sum` aggregates have an empty group and so give 0.
    EmptyGroups(Vec<usize>),
    /// Collects the matches of aggregate `k`'s body, grouped by its outer variables.
    AggregateBody(usize),
}

/// A rule ready for code generation.
#[derive(Clone, Debug, PartialEq)]
pub struct LoweredRule {
    /// The library rule it comes from.
    pub origin: RuleId,
    /// Why it exists.
    pub purpose: Purpose,
    /// The relation it derives.
    pub head_rel: PlanRel,
    /// One expression per head column.
    pub head: Vec<Expr>,
    /// Body literals, unordered (the generator orders them).
    pub body: Vec<Lit>,
    /// Variables: the source rule's, then fresh ones.
    pub vars: Vec<Var>,
    /// Relations evaluated in the same fixpoint as the head (recursion).
    pub recursive_with: Vec<PlanRel>,
}
