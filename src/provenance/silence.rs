//! This module defines which tuples rest on silence: those with no
//! derivation free of an assumed absence of an event. It is a fixpoint over
//! the rules like the confidences' (`fixpoint`), over two values:
//!
//! ```text
//! grounded(base fact)     = true
//! grounded(rule instance) = its rule negates no relation about events, and
//!                           every tuple its positive atoms match, or an
//!                           aggregate in it counted, is grounded
//! grounded(tuple)         = some instance deriving it is grounded
//! ```
//!
//! It is the confidences' fixpoint over two values (`Measure::Grounded`:
//! 1000 grounded, 0 not; min over premises, max over instances); this
//! module says which rules cannot ground and answers it for query answers.
//!
//! A tuple that is not grounded rests on silence: every way the loaded facts
//! give it assumes that an event the sources do not record did not happen.
//! A query's answer rests on silence when no binding of the query's body
//! that gives it is grounded (a query that negates a relation about events
//! has none).

use super::Explainer;
use super::assumptions::absence_kind_in;
use super::context::Context;
use super::exec::{Flow, Frame, Instance, Limits, Visitor, admit_all};
use super::fixpoint::instance_confidence;
use crate::diag::Diagnostic;
use crate::eval::exec::{Ctx, Scratch};
use crate::io::data::FactKind;
use crate::ir::{Literal, RelId, Rule};
use crate::session::{Answers, Error};

/// Whether a body negates a relation about events (aggregate bodies
/// included).
pub(super) fn negates_an_event(cx: &Context<'_>, body: &[Literal]) -> bool {
    body.iter().any(|l| match l {
        Literal::Negated(a) => absence_kind_in(cx.program, cx.db, a.rel) == FactKind::Event,
        Literal::Aggregate(ag) => negates_an_event(cx, &ag.body),
        _ => false,
    })
}

/// Stops at the first grounded instance.
struct AnyGrounded<'a> {
    value: &'a dyn Fn(RelId, u32) -> u16,
    found: bool,
}

impl Visitor for AnyGrounded<'_> {
    fn complete(
        &mut self,
        _: &Ctx,
        _: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        if instance_confidence(self.value, inst) > 0 {
            self.found = true;
            return Ok(Flow::Stop);
        }
        Ok(Flow::Continue)
    }
}

/// See [`Explainer::answers_resting_on_silence`]: for each answer, whether
/// no grounded binding of the query's body gives it.
pub(super) fn answers(
    ex: &mut Explainer<'_>,
    rule: &Rule,
    columns: &[usize],
    answers: &Answers,
) -> Result<Vec<bool>, Diagnostic> {
    let mut rels = Vec::new();
    positive_reads(&rule.body, &mut rels);
    if negates_an_event(&ex.cx, &rule.body) {
        return Ok(vec![true; answers.rows.len()]);
    }
    for &r in &rels {
        ex.ensure_grounded(r)?;
    }
    let Explainer { cx, grounded, .. } = &mut *ex;
    let grounded = grounded.as_ref().expect("computed above");
    let mut bound = vec![false; rule.vars.len()];
    for &v in columns {
        bound[v] = true;
    }
    let plan = cx.plan_rule(rule, bound, None)?;
    let value = |r: RelId, id: u32| grounded.get(r, id);
    let limits = Limits {
        admit: &admit_all,
        confidence: Some(&value),
        keep: 0,
        budget: u64::MAX,
    };
    let mut out = Vec::with_capacity(answers.rows.len());
    for row in &answers.rows {
        let mut frame = Frame::new(rule.vars.len(), rule.body.len());
        for (&v, value) in columns.iter().zip(row) {
            frame.regs[v] = cx.word(value);
        }
        let visitor = AnyGrounded {
            value: &value,
            found: false,
        };
        let found = cx.search(&plan, frame, &limits, visitor)?.visitor.found;
        out.push(!found);
    }
    Ok(out)
}

fn positive_reads(body: &[Literal], out: &mut Vec<RelId>) {
    for l in body {
        match l {
            Literal::Atom(a) => out.push(a.rel),
            Literal::Aggregate(ag) => positive_reads(&ag.body, out),
            _ => {}
        }
    }
}

/// Turns an error of the search into the explainer's error type.
pub(super) fn internal(ex: &Explainer<'_>, d: Diagnostic) -> Error {
    Error {
        diagnostics: d.into(),
        sources: ex.ws.sources().clone(),
    }
}
