//! This module defines small builders for hand-made `ir::Program`s used by
//! the evaluator's tests: relations, facts, rules with named variables, and a
//! stratifier (strongly connected components in dependency order).
#![allow(dead_code)] // each test file uses a different part of the builder

use sleuth::diag::{SourceId, Span};
use sleuth::ir::*;
use sleuth::value::{Type, Value};

/// A span for the `n`th thing built (distinct so tests can tell them apart).
pub fn span(n: u32) -> Span {
    Span::new(SourceId(0), n as usize, n as usize + 1)
}

/// A program under construction.
#[derive(Default)]
pub struct P {
    pub prog: Program,
    next_span: u32,
}

/// A rule under construction.
pub struct R {
    pub head: Option<(RelId, Vec<Expr>)>,
    pub body: Vec<Literal>,
    pub vars: Vec<Var>,
}

pub fn sym(s: &str) -> Value {
    Value::Symbol(s.to_string())
}
pub fn num(n: i64) -> Value {
    Value::Number(n)
}
pub fn v(x: VarId) -> Expr {
    Expr::Var(x)
}
pub fn t(x: VarId) -> Term {
    Term::Var(x)
}
pub fn c(val: Value) -> Term {
    Term::Const(val)
}
pub fn e(val: Value) -> Expr {
    Expr::Const(val)
}

impl P {
    pub fn new() -> P {
        P::default()
    }

    pub fn span(&mut self) -> Span {
        self.next_span += 1;
        span(self.next_span)
    }

    pub fn rel(&mut self, name: &str, types: &[Type]) -> RelId {
        self.prog.relations.push(Relation {
            name: name.to_string(),
            columns: types
                .iter()
                .enumerate()
                .map(|(i, ty)| Column {
                    name: format!("_{i}"),
                    ty: *ty,
                })
                .collect(),
            span: None,
            declared: true,
            is_query: false,
        });
        self.prog.relations.len() - 1
    }

    pub fn fact(&mut self, rel: RelId, values: Vec<Value>) {
        let span = self.span();
        self.prog.facts.push(Fact { rel, values, span });
    }

    pub fn rule(&mut self, r: R) -> RuleId {
        let span = self.span();
        let (rel, args) = r.head.expect("rule has a head");
        self.prog.rules.push(Rule {
            head: Head { rel, args, span },
            body: r.body,
            vars: r.vars,
            span,
        });
        self.prog.rules.len() - 1
    }

    pub fn binary(&mut self, op: BinOp, l: Expr, r: Expr, ty: Type) -> Expr {
        let span = self.span();
        Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
            ty,
            span,
        }
    }

    pub fn call(&mut self, functor: Functor, args: Vec<Expr>, ty: Type) -> Expr {
        let span = self.span();
        Expr::Call {
            functor,
            args,
            ty,
            span,
        }
    }

    pub fn cmp(&mut self, op: CmpOp, left: Expr, right: Expr, ty: Type) -> Literal {
        let span = self.span();
        Literal::Compare(Compare {
            op,
            left,
            right,
            ty,
            span,
        })
    }

    pub fn atom(&mut self, rel: RelId, args: Vec<Term>) -> Literal {
        let span = self.span();
        Literal::Atom(Atom { rel, args, span })
    }

    pub fn neg(&mut self, rel: RelId, args: Vec<Term>) -> Literal {
        let span = self.span();
        Literal::Negated(Atom { rel, args, span })
    }

    /// Computes strata: strongly connected components of the dependency
    /// graph in an order where each only depends on earlier ones.
    pub fn stratify(&mut self) -> &Program {
        let n = self.prog.relations.len();
        let mut deps: Vec<Vec<RelId>> = vec![Vec::new(); n];
        fn body_rels(lits: &[Literal], out: &mut Vec<RelId>) {
            for l in lits {
                match l {
                    Literal::Atom(a) | Literal::Negated(a) => out.push(a.rel),
                    Literal::Aggregate(ag) => body_rels(&ag.body, out),
                    _ => {}
                }
            }
        }
        for r in &self.prog.rules {
            let mut out = Vec::new();
            body_rels(&r.body, &mut out);
            deps[r.head.rel].extend(out);
        }
        // Tarjan's algorithm emits components dependencies-first.
        struct T<'a> {
            deps: &'a [Vec<RelId>],
            index: Vec<Option<usize>>,
            low: Vec<usize>,
            on: Vec<bool>,
            stack: Vec<RelId>,
            next: usize,
            out: Vec<Vec<RelId>>,
        }
        fn visit(t: &mut T, v: RelId) {
            t.index[v] = Some(t.next);
            t.low[v] = t.next;
            t.next += 1;
            t.stack.push(v);
            t.on[v] = true;
            for &w in &t.deps[v] {
                match t.index[w] {
                    None => {
                        visit(t, w);
                        t.low[v] = t.low[v].min(t.low[w]);
                    }
                    Some(i) if t.on[w] => t.low[v] = t.low[v].min(i),
                    _ => {}
                }
            }
            if Some(t.low[v]) == t.index[v] {
                let mut comp = Vec::new();
                loop {
                    let w = t.stack.pop().expect("on stack");
                    t.on[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.sort_unstable();
                t.out.push(comp);
            }
        }
        let mut t = T {
            deps: &deps,
            index: vec![None; n],
            low: vec![0; n],
            on: vec![false; n],
            stack: Vec::new(),
            next: 0,
            out: Vec::new(),
        };
        for r in 0..n {
            if t.index[r].is_none() {
                visit(&mut t, r);
            }
        }
        let comps = t.out;
        self.prog.strata = comps
            .into_iter()
            .map(|rels| {
                let rules: Vec<RuleId> = (0..self.prog.rules.len())
                    .filter(|&i| rels.contains(&self.prog.rules[i].head.rel))
                    .collect();
                let recursive = rules.iter().any(|&i| {
                    deps[self.prog.rules[i].head.rel]
                        .iter()
                        .any(|d| rels.contains(d))
                });
                Stratum {
                    relations: rels,
                    rules,
                    recursive,
                }
            })
            .collect();
        &self.prog
    }
}

impl R {
    pub fn new() -> R {
        R {
            head: None,
            body: Vec::new(),
            vars: Vec::new(),
        }
    }

    pub fn var(&mut self, name: &str, ty: Type) -> VarId {
        self.vars.push(Var {
            name: name.to_string(),
            ty,
            span: span(0),
        });
        self.vars.len() - 1
    }

    pub fn head(mut self, rel: RelId, args: Vec<Expr>) -> R {
        self.head = Some((rel, args));
        self
    }

    pub fn lit(mut self, l: Literal) -> R {
        self.body.push(l);
        self
    }
}
