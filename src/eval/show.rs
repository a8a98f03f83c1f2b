//! This module defines the printable forms of rules and plans: a rule back
//! as Datalog text, and [`plan_text`], which shows for every rule its
//! semi-naive versions, their join order and the index (bound columns) each
//! atom is read through.

use super::database::{Database, index_is_current};
use super::intern::Interner;
use super::pack::unpack;
use super::plan::{CExpr, ColOp, IndexReq, Operand, PlanEnv, Source, Step, Version, plan_rule};
use crate::ir::{self, Expr, Literal, Rule, Term};
use crate::value::Type;
use std::fmt::Write as _;

fn expr_text(e: &Expr, rule: &Rule) -> String {
    match e {
        Expr::Var(v) => rule.vars[*v].name.clone(),
        Expr::Const(c) => c.to_datalog(),
        Expr::Neg { arg, .. } => format!("-{}", expr_text(arg, rule)),
        Expr::Binary {
            op, left, right, ..
        } => format!(
            "({} {} {})",
            expr_text(left, rule),
            op.symbol(),
            expr_text(right, rule)
        ),
        Expr::Call { functor, args, .. } => format!(
            "{}({})",
            functor.name(),
            args.iter()
                .map(|a| expr_text(a, rule))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn atom_text(p: &ir::Program, a: &ir::Atom, rule: &Rule) -> String {
    let args: Vec<String> = a
        .args
        .iter()
        .map(|t| match t {
            Term::Var(v) => rule.vars[*v].name.clone(),
            Term::Const(c) => c.to_datalog(),
            Term::Wildcard => "_".into(),
        })
        .collect();
    format!("{}({})", p.relations[a.rel].name, args.join(", "))
}

fn literal_text(p: &ir::Program, l: &Literal, rule: &Rule) -> String {
    match l {
        Literal::Atom(a) => atom_text(p, a, rule),
        Literal::Negated(a) => format!("!{}", atom_text(p, a, rule)),
        Literal::Compare(c) => format!(
            "{} {} {}",
            expr_text(&c.left, rule),
            c.op.symbol(),
            expr_text(&c.right, rule)
        ),
        Literal::Test(t) => format!(
            "contains({})",
            t.args
                .iter()
                .map(|a| expr_text(a, rule))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Literal::Aggregate(a) => format!(
            "{} = {}{} : {{ {} }}",
            rule.vars[a.result].name,
            a.op.name(),
            a.target
                .as_ref()
                .map(|t| format!(" {}", expr_text(t, rule)))
                .unwrap_or_default(),
            a.body
                .iter()
                .map(|l| literal_text(p, l, rule))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A rule as Datalog text.
pub fn rule_text(p: &ir::Program, rule: &Rule) -> String {
    let head = format!(
        "{}({})",
        p.relations[rule.head.rel].name,
        rule.head
            .args
            .iter()
            .map(|e| expr_text(e, rule))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if rule.body.is_empty() {
        return format!("{head}.");
    }
    format!(
        "{head} :- {}.",
        rule.body
            .iter()
            .map(|l| literal_text(p, l, rule))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

struct Show<'a> {
    p: &'a ir::Program,
    rule: &'a Rule,
    ix: &'a Interner,
    reqs: &'a [IndexReq],
}

impl Show<'_> {
    fn word(&self, w: u64, ty: Type) -> String {
        unpack(w, ty, self.ix).to_datalog()
    }

    fn var(&self, v: usize) -> &str {
        &self.rule.vars[v].name
    }

    fn cexpr(&self, e: &CExpr, ty: Type) -> String {
        match e {
            CExpr::Var(v) => self.var(*v).to_string(),
            CExpr::Const(c) => self.word(*c, ty),
            CExpr::Neg(a, t, _) => format!("-{}", self.cexpr(a, *t)),
            CExpr::Binary(op, l, r, t, _) => {
                format!(
                    "({} {} {})",
                    self.cexpr(l, *t),
                    op.symbol(),
                    self.cexpr(r, *t)
                )
            }
            CExpr::Call(f, args, _, _) => format!(
                "{}({})",
                f.name(),
                args.iter()
                    .map(|(a, t)| self.cexpr(a, *t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn rel_name(&self, rel: usize, source: Source) -> String {
        let name = &self.p.relations[rel].name;
        match source {
            Source::All => name.clone(),
            Source::Old => format!("old {name}"),
            Source::Delta => format!("delta {name}"),
        }
    }

    fn col_ops(&self, rel: usize, cols: &[usize], ops: &[ColOp]) -> String {
        let types = self.p.relations[rel].types();
        let parts: Vec<String> = cols
            .iter()
            .zip(ops)
            .filter_map(|(&c, op)| match op {
                ColOp::Bind(v) => Some(format!("{}:={}", c, self.var(*v))),
                ColOp::Check(v) => Some(format!("{}=={}", c, self.var(*v))),
                ColOp::Const(w) => Some(format!("{}=={}", c, self.word(*w, types[c]))),
                ColOp::Skip => None,
            })
            .collect();
        parts.join(" ")
    }

    fn key(&self, rel: usize, cols: &[usize], key: &[Operand]) -> String {
        let types = self.p.relations[rel].types();
        cols.iter()
            .zip(key)
            .map(|(&c, o)| match o {
                Operand::Var(v) => format!("{c}={}", self.var(*v)),
                Operand::Const(w) => format!("{c}={}", self.word(*w, types[c])),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn steps(&self, steps: &[Step], depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        for s in steps {
            let line = match s {
                Step::Scan {
                    rel, source, cols, ..
                } => {
                    let all: Vec<usize> = (0..cols.len()).collect();
                    format!(
                        "scan {} [{}]",
                        self.rel_name(*rel, *source),
                        self.col_ops(*rel, &all, cols)
                    )
                }
                Step::Lookup {
                    rel,
                    source,
                    index,
                    key,
                    val_cols,
                    vals,
                    ..
                } => {
                    let req = &self.reqs[*index];
                    format!(
                        "lookup {} by ({}) via {} index on {:?} [{}]",
                        self.rel_name(*rel, *source),
                        self.key(*rel, &req.cols, key),
                        if req.dynamic { "dynamic" } else { "static" },
                        req.cols,
                        self.col_ops(*rel, val_cols, vals)
                    )
                }
                Step::Member {
                    rel, source, row, ..
                } => {
                    let all: Vec<usize> = (0..row.len()).collect();
                    format!(
                        "member {} ({})",
                        self.rel_name(*rel, *source),
                        self.key(*rel, &all, row)
                    )
                }
                Step::NotMember { rel, row } => {
                    let all: Vec<usize> = (0..row.len()).collect();
                    format!(
                        "not member {} ({})",
                        self.rel_name(*rel, Source::All),
                        self.key(*rel, &all, row)
                    )
                }
                Step::NotExists { rel, index, key } => match index {
                    Some(i) => format!(
                        "not exists {} by ({}) via static index on {:?}",
                        self.rel_name(*rel, Source::All),
                        self.key(*rel, &self.reqs[*i].cols, key),
                        self.reqs[*i].cols
                    ),
                    None => format!("{} is empty", self.rel_name(*rel, Source::All)),
                },
                Step::Filter {
                    op,
                    left,
                    right,
                    ty,
                } => format!(
                    "filter {} {} {}",
                    self.cexpr(left, *ty),
                    op.symbol(),
                    self.cexpr(right, *ty)
                ),
                Step::Bind { var, expr } => format!(
                    "bind {} := {}",
                    self.var(*var),
                    self.cexpr(expr, self.rule.vars[*var].ty)
                ),
                Step::Match {
                    pattern,
                    s,
                    negated,
                    ..
                } => format!(
                    "filter {}match({}, {})",
                    if *negated { "!" } else { "" },
                    self.cexpr(pattern, Type::Symbol),
                    self.cexpr(s, Type::Symbol)
                ),
                Step::Contains { sub, s, negated } => format!(
                    "filter {}contains({}, {})",
                    if *negated { "!" } else { "" },
                    self.cexpr(sub, Type::Symbol),
                    self.cexpr(s, Type::Symbol)
                ),
                Step::Aggregate(a) => {
                    let _ = writeln!(
                        out,
                        "{pad}{} {} = {}{} over:",
                        if a.result_bound { "check" } else { "aggregate" },
                        self.var(a.result),
                        a.op.name(),
                        a.target
                            .as_ref()
                            .map(|t| format!(" {}", self.cexpr(t, a.ty)))
                            .unwrap_or_default()
                    );
                    self.steps(&a.steps, depth + 1, out);
                    continue;
                }
            };
            let _ = writeln!(out, "{pad}{line}");
        }
    }

    fn version(&self, name: &str, v: &Version, out: &mut String) {
        let _ = writeln!(out, "    {name}:");
        self.steps(&v.steps, 3, out);
    }
}

/// The evaluation plan of every rule, stratum by stratum: the full version
/// used on a first pass, one semi-naive version per body atom read as the
/// last round's delta, the join order, and the index each atom uses. Without
/// facts the outer loops are chosen greedily by boundness alone; see
/// `plan_text_over` for the order an evaluation over facts would take.
pub fn plan_text(program: &ir::Program) -> String {
    plan_text_over(program, None)
}

/// [`plan_text`] as planned over the facts of `db`: outer loops are chosen
/// by the relations' current sizes and the indexes already built, as an
/// evaluation continuing from `db` would.
pub fn plan_text_over(program: &ir::Program, db: Option<&Database>) -> String {
    let mut out = String::new();
    let mut ix = db.map_or_else(Interner::new, |db| db.interner.clone());
    let sizes: Option<Vec<usize>> = db.map(|db| {
        (0..program.relations.len())
            .map(|r| db.rels.get(r).map_or(0, |rel| rel.len()))
            .collect()
    });
    let indexed = |r: ir::RelId, cols: &[usize]| {
        db.is_some_and(|db| index_is_current(&db.static_indexes, &db.rels, r, cols))
    };
    for (si, stratum) in program.strata.iter().enumerate() {
        if stratum.rules.is_empty() {
            continue;
        }
        let names: Vec<&str> = stratum
            .relations
            .iter()
            .map(|&r| program.relations[r].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "stratum {si}: {}{}",
            names.join(", "),
            if stratum.recursive {
                " (recursive)"
            } else {
                ""
            }
        );
        let own = |rel: usize| stratum.relations.contains(&rel);
        // The full version runs on a first pass, when the stratum's own
        // relations are still empty.
        let sizes: Option<Vec<usize>> = sizes.as_ref().map(|s| {
            let mut s = s.clone();
            for &r in &stratum.relations {
                s[r] = 0;
            }
            s
        });
        let env = PlanEnv {
            in_stratum: &own,
            sizes: sizes.as_deref(),
            indexed: &indexed,
        };
        // One list of index requests per stratum, as an evaluation keeps.
        let mut reqs = Vec::new();
        for &rid in &stratum.rules {
            let rule = &program.rules[rid];
            let _ = writeln!(out, "  rule {rid}: {}", rule_text(program, rule));
            match plan_rule(program, rid, &env, &mut ix, &mut reqs) {
                Ok(plan) => {
                    let show = Show {
                        p: program,
                        rule,
                        ix: &ix,
                        reqs: &reqs,
                    };
                    show.version("full (first pass)", &plan.full, &mut out);
                    let recursive: Vec<&Version> = plan
                        .deltas
                        .iter()
                        .filter(|v| {
                            v.delta.is_some_and(
                                |d| matches!(&rule.body[d], Literal::Atom(a) if own(a.rel)),
                            )
                        })
                        .collect();
                    for v in recursive {
                        let d = v.delta.expect("filtered on delta");
                        let Literal::Atom(a) = &rule.body[d] else {
                            continue;
                        };
                        show.version(
                            &format!("delta {}", atom_text(program, a, rule)),
                            v,
                            &mut out,
                        );
                    }
                }
                Err(d) => {
                    let _ = writeln!(out, "    cannot plan: {}", d.message);
                }
            }
        }
    }
    out
}
