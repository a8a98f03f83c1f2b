//! This module defines a small builder of checked programs for the code
//! generator's tests: relations, rules written as IR with their Datalog text
//! (for the generated comments), and strata computed from the rules.

use sleuth_front::diag::{SourceMap, Span};
use sleuth_front::ir::{
    AggOp, Aggregate, Atom, CmpOp, Column, Compare, Expr, Head, Literal, Program, RelId, Relation,
    Rule, Stratum, Term, Var,
};
use sleuth_front::value::{Type, Value};

/// Builds a [`Program`] and its [`SourceMap`].
#[derive(Default)]
pub struct Builder {
    /// The program so far.
    pub program: Program,
    text: String,
}

/// A variable term.
pub fn v(id: usize) -> Term {
    Term::Var(id)
}

/// A symbol constant term.
pub fn s(text: &str) -> Term {
    Term::Const(Value::Symbol(text.into()))
}

/// A number constant term.
pub fn n(x: i64) -> Term {
    Term::Const(Value::Number(x))
}

/// A variable expression.
pub fn ev(id: usize) -> Expr {
    Expr::Var(id)
}

/// A constant expression.
pub fn ec(c: Value) -> Expr {
    Expr::Const(c)
}

fn span() -> Span {
    Span::new(sleuth_front::diag::SourceId(0), 0, 0)
}

/// A positive atom.
pub fn atom(rel: RelId, args: Vec<Term>) -> Literal {
    Literal::Atom(Atom {
        rel,
        args,
        span: span(),
    })
}

/// A negated atom.
pub fn not(rel: RelId, args: Vec<Term>) -> Literal {
    Literal::Negated(Atom {
        rel,
        args,
        span: span(),
    })
}

/// A comparison.
pub fn cmp(op: CmpOp, left: Expr, right: Expr, ty: Type) -> Literal {
    Literal::Compare(Compare {
        op,
        left,
        right,
        ty,
        span: span(),
    })
}

/// An aggregate.
pub fn agg(
    result: usize,
    op: AggOp,
    target: Option<Expr>,
    body: Vec<Literal>,
    outer: Vec<usize>,
    ty: Type,
) -> Literal {
    Literal::Aggregate(Aggregate {
        result,
        op,
        target,
        body,
        outer,
        ty,
        span: span(),
    })
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The byte offset where the next rule's text starts.
    pub fn offset(&self) -> usize {
        self.text.len()
    }

    /// Declares a relation.
    pub fn rel(&mut self, name: &str, types: &[Type]) -> RelId {
        self.program.relations.push(Relation {
            name: name.into(),
            columns: types
                .iter()
                .enumerate()
                .map(|(i, &ty)| Column {
                    name: format!("_{i}"),
                    ty,
                })
                .collect(),
            span: None,
            declared: true,
            is_query: false,
        });
        self.program.relations.len() - 1
    }

    /// Adds a rule: its Datalog text, variables, head and body.
    pub fn rule(
        &mut self,
        text: &str,
        vars: &[(&str, Type)],
        head: (RelId, Vec<Expr>),
        body: Vec<Literal>,
    ) {
        let start = self.text.len();
        self.text.push_str(text);
        let end = self.text.len();
        self.text.push('\n');
        let sp = Span::new(sleuth_front::diag::SourceId(0), start, end);
        self.program.rules.push(Rule {
            head: Head {
                rel: head.0,
                args: head.1,
                span: sp,
            },
            body,
            vars: vars
                .iter()
                .map(|(name, ty)| Var {
                    name: (*name).into(),
                    ty: *ty,
                    span: sp,
                })
                .collect(),
            span: sp,
        });
    }

    /// Finishes: strata from the dependency graph, and the source map.
    pub fn finish(mut self) -> (Program, SourceMap) {
        let n = self.program.relations.len();
        let mut deps = vec![Vec::new(); n];
        fn collect(l: &Literal, out: &mut Vec<RelId>) {
            match l {
                Literal::Atom(a) | Literal::Negated(a) => out.push(a.rel),
                Literal::Aggregate(g) => g.body.iter().for_each(|b| collect(b, out)),
                _ => {}
            }
        }
        for r in &self.program.rules {
            for l in &r.body {
                collect(l, &mut deps[r.head.rel]);
            }
        }
        // reach[a][b]: a depends on b, transitively.
        let mut reach = vec![vec![false; n]; n];
        for (a, ds) in deps.iter().enumerate() {
            for &b in ds {
                reach[a][b] = true;
            }
        }
        for k in 0..n {
            let via = reach[k].clone();
            for row in reach.iter_mut() {
                if row[k] {
                    for (b, &r) in via.iter().enumerate() {
                        row[b] |= r;
                    }
                }
            }
        }
        let mut done = vec![false; n];
        let mut strata = Vec::new();
        while done.iter().any(|d| !d) {
            // A relation whose dependencies outside its component are all done.
            let next = (0..n)
                .find(|&a| {
                    !done[a] && (0..n).all(|b| done[b] || !reach[a][b] || reach[b][a] || a == b)
                })
                .expect("some component is ready");
            let comp: Vec<RelId> = (0..n)
                .filter(|&b| b == next || (reach[next][b] && reach[b][next]))
                .collect();
            for &c in &comp {
                done[c] = true;
            }
            let rules: Vec<usize> = (0..self.program.rules.len())
                .filter(|&r| comp.contains(&self.program.rules[r].head.rel))
                .collect();
            let recursive = comp.iter().any(|&c| comp.iter().any(|&d| reach[c][d]));
            strata.push(Stratum {
                relations: comp,
                rules,
                recursive,
            });
        }
        self.program.strata = strata;
        let mut sources = SourceMap::new();
        sources.add("lib.dl", self.text);
        (self.program, sources)
    }
}
