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
use super::citations::NO_SOURCE;
use super::confidence::Confidence;
use super::exec::{Flow, Frame, Instance, Limits, Visitor, admit_all};
use super::fixpoint::instance_confidence;
use crate::diag::Code;
use crate::diag::Span;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::eval::exec::{Ctx, Scratch};
use crate::grade::Likelihood;
use crate::ir::{Expr, Literal, RelId, Rule};
use crate::session::{Answers, Error, Workspace};
use crate::value::Value;
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

/// A query read as the rule deriving its answers, over the workspace's
/// relations: what the confidence, the count of sources and the
/// assumptions of answers are computed from.
pub(super) struct QueryRule {
    pub rule: Rule,
    /// The variable of each answer column.
    pub columns: Vec<usize>,
    /// The query in `sources`.
    pub span: Span,
    /// The workspace's sources with the query's text.
    pub sources: SourceMap,
}

/// Reads `query` (a text holding one query and nothing else, the one
/// `answers` came from) as its rule.
pub(super) fn query_rule(
    ws: &Workspace,
    query: &str,
    answers: &Answers,
) -> Result<QueryRule, Error> {
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
    let plain = Diagnostic::new(Code::PlainQueryOnly, Code::PlainQueryOnly.meaning(), None)
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
                Code::AnswersMismatch,
                "the answers do not come from this query (their columns differ)",
                Some(q.span),
            )
            .with_help("pass the query text the answers were computed from")
            .into(),
            &sources,
        ));
    }
    let program = ws.program();
    let mut rule: Rule = rule.clone();
    let map = |r: RelId| program.relation_id(&checked.relations[r].name);
    let columns: Option<Vec<usize>> = rule
        .head
        .args
        .iter()
        .map(|a| match a {
            Expr::Var(v) => Some(*v),
            _ => None,
        })
        .collect();
    match (remap(&mut rule.body, &map), columns) {
        (Some(()), Some(columns)) => Ok(QueryRule {
            rule,
            columns,
            span: q.span,
            sources,
        }),
        _ => Err(fail(plain.into(), &sources)),
    }
}

/// See [`Explainer::answer_confidences`].
pub(super) fn confidences(
    ex: &mut Explainer<'_>,
    query: &str,
    answers: &Answers,
) -> Result<Vec<Confidence>, Error> {
    Ok(supports(ex, query, answers, false)?
        .into_iter()
        .map(|s| s.confidence)
        .collect())
}

/// How far an answer can be trusted, and how many independent sources
/// support it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnswerSupport {
    /// The answer's confidence (see [`Explainer::answer_confidences`]).
    pub confidence: Confidence,
    /// How many independent sources (distinct origins) support it, combined
    /// as the confidence is: the best binding's weakest tuple's count.
    /// `None` when no source does (every premise written in rule text).
    pub independent_sources: Option<usize>,
}

/// See [`Explainer::answer_supports`]; with `count` false the count of
/// sources is left `None` and not computed.
pub(super) fn supports(
    ex: &mut Explainer<'_>,
    query: &str,
    answers: &Answers,
    count: bool,
) -> Result<Vec<AnswerSupport>, Error> {
    let q = query_rule(ex.ws, query, answers)?;
    supports_of(ex, &q, answers, count)
}

/// [`supports`] of a query already read as its rule.
pub(super) fn supports_of(
    ex: &mut Explainer<'_>,
    q: &QueryRule,
    answers: &Answers,
    count: bool,
) -> Result<Vec<AnswerSupport>, Error> {
    let QueryRule {
        rule,
        columns,
        span,
        sources,
    } = q;
    let fail = |d: Diagnostics, sources: &SourceMap| Error {
        diagnostics: d,
        sources: sources.clone(),
    };
    let mut rels = Vec::new();
    reads(&rule.body, &mut rels);
    let internal = |d: Diagnostic| fail(d.into(), sources);
    {
        let Explainer {
            cx, cites, conf, ..
        } = &mut *ex;
        for &r in &rels {
            conf.ensure(cx, cites, r).map_err(internal)?;
        }
    }
    if count {
        for &r in &rels {
            ex.ensure_counts(r).map_err(internal)?;
        }
    }
    let mut bound = vec![false; rule.vars.len()];
    for &v in columns {
        bound[v] = true;
    }
    let Explainer {
        cx, conf, counts, ..
    } = &mut *ex;
    let plan = cx.plan_rule(rule, bound, None).map_err(internal)?;
    let lookup = |r: RelId, id: u32| conf.get(r, id);
    let counted = |r: RelId, id: u32| counts.as_ref().map_or(NO_SOURCE, |c| c.get(r, id));
    let mut out = Vec::with_capacity(answers.rows.len());
    for row in &answers.rows {
        let mut best = None;
        let mut found = None;
        let measures: &[&dyn Fn(RelId, u32) -> u16] = if count {
            &[&lookup, &counted]
        } else {
            &[&lookup]
        };
        for (m, measure) in measures.iter().enumerate() {
            let mut frame = Frame::new(rule.vars.len(), rule.body.len());
            for (&v, value) in columns.iter().zip(row) {
                frame.regs[v] = cx.word(value);
            }
            let limits = Limits {
                admit: &admit_all,
                confidence: Some(*measure),
                keep: 0,
                budget: u64::MAX,
            };
            let visitor = Strongest {
                conf: *measure,
                best: None,
            };
            let searched = cx.search(&plan, frame, &limits, visitor);
            let value = searched.map_err(internal)?.visitor.best;
            if m == 0 {
                best = value;
            } else {
                found = value.filter(|&n| n > 0 && n < NO_SOURCE).map(usize::from);
            }
        }
        let Some(best) = best else {
            return Err(fail(
                Diagnostic::new(
                    Code::AnswersMismatch,
                    "an answer does not follow from the query over the workspace",
                    Some(*span),
                )
                .with_help("compute the answers and their confidence from the same workspace state")
                .into(),
                sources,
            ));
        };
        out.push(AnswerSupport {
            confidence: Confidence::from_raw(best),
            independent_sources: found,
        });
    }
    Ok(out)
}

/// A lower bound on the confidence of answers: `:confidence --min WORD|NUMBER`
/// and `sleuth query --min-confidence WORD|NUMBER`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MinConfidence {
    /// ICD 203 words: answers read with these words or stronger ones (from
    /// the lower bound of the words' range).
    Words(Likelihood),
    /// A number from 0 to 1: answers at least this confident.
    Number(f64),
}

impl MinConfidence {
    /// Reads ICD 203 words (`likely`, `roughly even chance`, any case) or a
    /// number from 0 to 1 (`0.6`); a `bad-confidence` error otherwise.
    pub fn parse(text: &str) -> Result<MinConfidence, Diagnostic> {
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = words.to_lowercase();
        if let Some(l) = LIKELIHOODS.iter().find(|l| l.words() == lower) {
            return Ok(MinConfidence::Words(*l));
        }
        let bad = |message: String| {
            let mut d = Diagnostic::new(Code::BadConfidence, message, None).with_help(format!(
                "give ICD 203 words ({}) or a number from 0 to 1 such as 0.6",
                LIKELIHOODS
                    .iter()
                    .map(|l| format!("`{}`", l.words()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            if let Some(close) =
                crate::diag::did_you_mean(&lower, LIKELIHOODS.iter().map(|l| l.words()))
            {
                d = d.with_label(format!("did you mean `{close}`?"));
            }
            d
        };
        match words.parse::<f64>() {
            Ok(p) if (0.0..=1.0).contains(&p) => Ok(MinConfidence::Number(p)),
            Ok(p) => Err(bad(format!(
                "a minimum confidence of {p} is outside 0 to 1"
            ))),
            Err(_) if words.is_empty() => Err(bad("no minimum confidence given".to_string())),
            Err(_) => Err(bad(format!(
                "`{words}` is neither ICD 203 words nor a number from 0 to 1"
            ))),
        }
    }

    /// Whether an answer of confidence `c` is kept. An ungraded answer (no
    /// graded premise: it rests on facts written in rule text) counts as
    /// certain, as everywhere else, and is kept.
    pub fn admits(self, c: Confidence) -> bool {
        match (self, c.likelihood()) {
            (_, None) => true,
            (MinConfidence::Words(min), Some(l)) => l >= min,
            (MinConfidence::Number(p), Some(_)) => c.value() + 1e-9 >= p,
        }
    }
}

/// Every ICD 203 likelihood, weakest first.
const LIKELIHOODS: &[Likelihood] = &[
    Likelihood::AlmostNoChance,
    Likelihood::VeryUnlikely,
    Likelihood::Unlikely,
    Likelihood::RoughlyEvenChance,
    Likelihood::Likely,
    Likelihood::VeryLikely,
    Likelihood::AlmostCertainly,
];

/// The answers of a query with two more columns, `confidence` (words and
/// number) and `sources` (how many independent sources support the answer,
/// 0 when none does), and a third, `assumption`, when some answer rests on
/// silence (`silent`, per answer), keeping only the answers `min` admits.
pub(super) fn table(
    answers: &Answers,
    supports: &[AnswerSupport],
    silent: &[bool],
    min: Option<MinConfidence>,
) -> Answers {
    let mut columns = answers.columns.clone();
    columns.push("confidence".to_string());
    columns.push("sources".to_string());
    let marked = silent.iter().any(|&s| s);
    if marked {
        columns.push("assumption".to_string());
    }
    let rows = answers
        .rows
        .iter()
        .zip(supports)
        .zip(silent)
        .filter(|((_, s), _)| min.is_none_or(|m| m.admits(s.confidence)))
        .map(|((row, s), &silent)| {
            let mut row = row.clone();
            row.push(Value::Symbol(s.confidence.to_string()));
            row.push(Value::Number(s.independent_sources.unwrap_or(0) as i64));
            if marked {
                let mark = if silent { super::SILENCE_MARK } else { "" };
                row.push(Value::Symbol(mark.to_string()));
            }
            row
        })
        .collect();
    Answers { columns, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_confidence_reads_words_and_numbers() {
        assert_eq!(
            MinConfidence::parse("Roughly  even chance").expect("words"),
            MinConfidence::Words(Likelihood::RoughlyEvenChance)
        );
        assert_eq!(
            MinConfidence::parse("0.6").expect("number"),
            MinConfidence::Number(0.6)
        );
        for bad in ["likly", "1.5", "-0.1", "", "often"] {
            let d = MinConfidence::parse(bad).expect_err(bad);
            assert_eq!(d.code, Code::BadConfidence, "{bad}");
        }
        let d = MinConfidence::parse("likly").expect_err("typo");
        assert!(format!("{d:?}").contains("did you mean `likely`"), "{d:?}");
    }

    #[test]
    fn min_confidence_keeps_answers_at_or_above_it() {
        let c = |p: i64| Confidence::from_permille(p);
        let likely = MinConfidence::Words(Likelihood::Likely);
        assert!(likely.admits(c(710)));
        assert!(likely.admits(c(570)), "0.57 reads as likely");
        assert!(
            !likely.admits(c(550)),
            "0.55 reads as a roughly even chance"
        );
        assert!(!likely.admits(c(500)));
        assert!(likely.admits(Confidence::UNGRADED));
        let number = MinConfidence::Number(0.6);
        assert!(number.admits(c(600)) && number.admits(c(710)));
        assert!(!number.admits(c(599)));
    }
}
