//! This module defines the confidence of query answers, the `confidence`
//! column an analyst can ask for beside any answer table.
//!
//! A query `?- body.` is a rule deriving its answers, so an answer's
//! confidence is that rule's: the best, over the bindings of the body that
//! give the answer, of the weakest tuple the body's positive atoms match
//! (negations and comparisons do not lower it; an aggregate counts with the
//! weakest tuple it counted). For `?- recruitment_pipeline(C, T).` it is
//! exactly the confidence of each `recruitment_pipeline` tuple.

use super::Explainer;
use super::confidence::Confidence;
use super::exec::{Flow, Frame, Instance, Limits, Visitor, admit_all};
use super::fixpoint::instance_confidence;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::eval::exec::{Ctx, Scratch};
use crate::ir::{Expr, Literal, RelId, Rule};
use crate::session::{Answers, Error};
use crate::{check, syntax};

/// The best instance's confidence.
struct Strongest<'a> {
    conf: &'a dyn Fn(RelId, u32) -> u16,
    best: Option<u16>,
}

impl Visitor for Strongest<'_> {
    fn complete(
        &mut self,
        _: &Ctx,
        _: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        let value = instance_confidence(self.conf, inst);
        self.best = Some(self.best.map_or(value, |b| b.max(value)));
        Ok(if value >= 1000 {
            Flow::Stop
        } else {
            Flow::Continue
        })
    }
}

/// Renames the relations of a rule's body from one program to another.
fn remap(body: &mut [Literal], map: &dyn Fn(RelId) -> Option<RelId>) -> Option<()> {
    for l in body {
        match l {
            Literal::Atom(a) | Literal::Negated(a) => a.rel = map(a.rel)?,
            Literal::Aggregate(ag) => remap(&mut ag.body, map)?,
            _ => {}
        }
    }
    Some(())
}

fn reads(body: &[Literal], out: &mut Vec<RelId>) {
    for l in body {
        match l {
            Literal::Atom(a) => out.push(a.rel),
            Literal::Aggregate(ag) => reads(&ag.body, out),
            _ => {}
        }
    }
}

/// See [`Explainer::answer_confidences`].
pub(super) fn confidences(
    ex: &mut Explainer<'_>,
    query: &str,
    answers: &Answers,
) -> Result<Vec<Confidence>, Error> {
    let ws = ex.ws;
    let mut sources = ws.sources().clone();
    let decls = sources.add("<relations>", super::target::declarations(ws.program()));
    let text = sources.add("<query>", query);
    let fail = |d: Diagnostics, sources: &SourceMap| Error {
        diagnostics: d,
        sources: sources.clone(),
    };
    let modules = [
        syntax::parse(&sources, decls).map_err(|d| fail(d, &sources))?,
        syntax::parse(&sources, text).map_err(|d| fail(d, &sources))?,
    ];
    let checked = check::check(&sources, &modules).map_err(|d| fail(d, &sources))?;
    let plain = Diagnostic::new(
        "plain-query-only",
        "the confidence of answers is given for a text holding one query and nothing else",
        None,
    )
    .with_help("add the facts and rules to the session first, then ask the query on its own");
    let ([q], [rule], []) = (
        checked.queries.as_slice(),
        checked.rules.as_slice(),
        checked.facts.as_slice(),
    ) else {
        return Err(fail(plain.into(), &sources));
    };
    if q.columns != answers.columns {
        return Err(fail(
            Diagnostic::new(
                "answers-mismatch",
                "the answers do not come from this query (their columns differ)",
                Some(q.span),
            )
            .with_help("pass the query text the answers were computed from")
            .into(),
            &sources,
        ));
    }
    let program = ex.cx.program;
    let mut rule: Rule = rule.clone();
    let map = |r: RelId| program.relation_id(&checked.relations[r].name);
    if remap(&mut rule.body, &map).is_none() {
        return Err(fail(plain.into(), &sources));
    }
    let mut rels = Vec::new();
    reads(&rule.body, &mut rels);
    let internal = |d: Diagnostic| fail(d.into(), &sources);
    {
        let Explainer {
            cx, cites, conf, ..
        } = &mut *ex;
        for &r in &rels {
            conf.ensure(cx, cites, r).map_err(internal)?;
        }
    }
    let Some(columns) = rule
        .head
        .args
        .iter()
        .map(|a| match a {
            Expr::Var(v) => Some(*v),
            _ => None,
        })
        .collect::<Option<Vec<usize>>>()
    else {
        return Err(fail(plain.into(), &sources));
    };
    let mut bound = vec![false; rule.vars.len()];
    for &v in &columns {
        bound[v] = true;
    }
    let Explainer { cx, conf, .. } = &mut *ex;
    let plan = cx.plan_rule(&rule, bound, None).map_err(internal)?;
    let lookup = |r: RelId, id: u32| conf.get(r, id);
    let limits = Limits {
        admit: &admit_all,
        confidence: Some(&lookup),
        keep: 0,
        budget: u64::MAX,
    };
    let mut out = Vec::with_capacity(answers.rows.len());
    for row in &answers.rows {
        let mut frame = Frame::new(rule.vars.len(), rule.body.len());
        for (&v, value) in columns.iter().zip(row) {
            frame.regs[v] = cx.word(value);
        }
        let visitor = Strongest {
            conf: &lookup,
            best: None,
        };
        let searched = cx.search(&plan, frame, &limits, visitor);
        let Some(best) = searched.map_err(internal)?.visitor.best else {
            return Err(fail(
                Diagnostic::new(
                    "answers-mismatch",
                    "an answer does not follow from the query over the workspace",
                    Some(q.span),
                )
                .with_help("compute the answers and their confidence from the same workspace state")
                .into(),
                &sources,
            ));
        };
        out.push(Confidence::from_raw(best));
    }
    Ok(out)
}
