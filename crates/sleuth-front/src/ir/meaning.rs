//! This module defines what the IR's expressions, literals and aggregates
//! mean apart from evaluating them: the variables they read, the type of an
//! expression's value, and which matches a `sum` or `mean` adds once. The
//! interpreter, the explainer, the code generator and the verifier all ask
//! these methods rather than keep their own copies.

use super::{AggOp, Aggregate, Atom, Expr, Literal, Term, Var, VarId};
use crate::value::Type;

impl Expr {
    /// Appends the variables the expression reads, in order of occurrence.
    pub fn vars(&self, out: &mut Vec<VarId>) {
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

    /// The type of the expression's value. `vars` are the rule's variables;
    /// the checker numbers every variable an expression reads, so a variable
    /// outside them only occurs in a program the verifier rejects (typed as a
    /// symbol here, so that nothing panics on one).
    pub fn ty(&self, vars: &[Var]) -> Type {
        match self {
            Expr::Var(v) => vars.get(*v).map_or(Type::Symbol, |x| x.ty),
            Expr::Const(c) => c.ty(),
            Expr::Neg { ty, .. } | Expr::Binary { ty, .. } | Expr::Call { ty, .. } => *ty,
        }
    }

    /// Whether the expression computes a value (rather than naming a
    /// variable or a constant).
    pub fn is_compound(&self) -> bool {
        !matches!(self, Expr::Var(_) | Expr::Const(_))
    }
}

impl Atom {
    /// Appends the variables among the atom's arguments.
    pub fn vars(&self, out: &mut Vec<VarId>) {
        out.extend(self.args.iter().filter_map(|t| match t {
            Term::Var(v) => Some(*v),
            _ => None,
        }));
    }
}

impl Literal {
    /// Appends the variables the literal mentions; for an aggregate, its
    /// result, then those of its body and target.
    pub fn vars(&self, out: &mut Vec<VarId>) {
        match self {
            Literal::Atom(a) | Literal::Negated(a) => a.vars(out),
            Literal::Compare(c) => {
                c.left.vars(out);
                c.right.vars(out);
            }
            Literal::Test(t) => t.args.iter().for_each(|e| e.vars(out)),
            Literal::Aggregate(g) => {
                out.push(g.result);
                g.body.iter().for_each(|b| b.vars(out));
                if let Some(t) = &g.target {
                    t.vars(out);
                }
            }
        }
    }
}

impl Aggregate {
    /// The variables whose distinct bindings a `sum` or `mean` aggregates,
    /// as in Soufflé: it materializes an aggregate's body into a relation of
    /// the body's variables when the body has more than one atom or one atom
    /// with a repeated variable, and then aggregates that relation's rows,
    /// so tuples that differ only under a wildcard count once. `None` when
    /// every match counts (a body without wildcards has one binding per
    /// match anyway). The checker turns a `_` inside the braces into a
    /// `$`-named variable; one that occurs only once in the aggregate is a
    /// wildcard here. Every variable of the body's atoms not in the result
    /// is such a wildcard.
    pub fn distinct_bindings(&self, rule_vars: &[Var]) -> Option<Vec<VarId>> {
        if !matches!(self.op, AggOp::Sum | AggOp::Mean) {
            return None;
        }
        let atoms: Vec<&Atom> = self
            .body
            .iter()
            .filter_map(|l| match l {
                Literal::Atom(a) => Some(a),
                _ => None,
            })
            .collect();
        let repeated = match atoms.as_slice() {
            [one] => {
                let mut vars = Vec::new();
                one.vars(&mut vars);
                let n = vars.len();
                vars.sort_unstable();
                vars.dedup();
                vars.len() < n
            }
            _ => false,
        };
        // Variables outside the positive atoms (negations, comparisons,
        // tests, the target) are never wildcards; an aggregate nested in
        // the body binds nothing the body's rows hold.
        let mut others = Vec::new();
        for l in &self.body {
            if !matches!(l, Literal::Atom(_) | Literal::Aggregate(_)) {
                l.vars(&mut others);
            }
        }
        if let Some(t) = &self.target {
            t.vars(&mut others);
        }
        let mut in_atoms = Vec::new();
        atoms.iter().for_each(|a| a.vars(&mut in_atoms));
        let occurrences = |v: VarId| in_atoms.iter().chain(&others).filter(|&&o| o == v).count();
        let is_wildcard = |v: VarId| {
            rule_vars
                .get(v)
                .is_some_and(|var| var.name.starts_with('$'))
                && !self.outer.contains(&v)
                && occurrences(v) == 1
        };
        let wildcard = atoms.iter().any(|a| {
            a.args.iter().any(|t| match t {
                Term::Wildcard => true,
                Term::Var(v) => is_wildcard(*v),
                Term::Const(_) => false,
            })
        });
        if !(atoms.len() > 1 || repeated) || !wildcard {
            return None;
        }
        let mut vars: Vec<VarId> = in_atoms
            .iter()
            .copied()
            .filter(|&v| !is_wildcard(v))
            .collect();
        vars.extend(others);
        vars.sort_unstable();
        vars.dedup();
        Some(vars)
    }
}
