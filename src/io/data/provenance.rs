//! This module defines how a fact's provenance is resolved: the paragraph
//! and grade written at a value or inherited from the entities around it,
//! and for an inferred value its note and a lower credibility. A fact built
//! from several values cites the most specific paragraph, takes the weakest
//! grade and keeps every note.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::grade::{Credibility, Grade};
use crate::value::Value;

use super::attested::Attested;
use super::dataset::{GroundFact, Provenance};
use super::locate::JsonPath;
use super::lower::Lowering;

/// The provenance in force at one place of the document: what the enclosing
/// entities and the value itself say.
#[derive(Clone)]
pub(super) struct Ctx {
    depth: usize,
    paragraph: u32,
    paragraph_depth: usize,
    /// The nearest explicit grade, the depth it was given at and its path.
    grade: Option<(Grade, usize, JsonPath)>,
    /// The inference notes in force and the depth of the innermost one.
    notes: Vec<String>,
    note_depth: usize,
}

/// A fact's resolved provenance, before it is combined with others.
struct Resolved {
    paragraph: u32,
    paragraph_depth: usize,
    grade: Grade,
    notes: Vec<String>,
}

impl Lowering<'_> {
    /// The provenance at the document's root: the source's headline and grade.
    pub(super) fn root_ctx(&self) -> Ctx {
        Ctx {
            depth: 0,
            paragraph: 0,
            paragraph_depth: 0,
            grade: None,
            notes: Vec::new(),
            note_depth: 0,
        }
    }

    /// Enters an entity or a value with its own provenance fields.
    pub(super) fn enter(
        &self,
        outer: &Ctx,
        path: &JsonPath,
        paragraph: Option<u32>,
        grade: Option<Grade>,
        inferred: Option<&str>,
    ) -> Result<Ctx, Diagnostic> {
        let mut ctx = outer.clone();
        ctx.depth += 1;
        if let Some(p) = paragraph {
            if p > self.count {
                return Err(self
                    .error(
                        Code::BadParagraph,
                        &path.key("paragraph"),
                        format!("paragraph {p} does not exist: the source has {} body paragraphs", self.count),
                    )
                    .with_label("out of range")
                    .with_help(format!(
                        "cite 1..={} (0 for the headline), counted as the source's `paragraphs.counting` says",
                        self.count
                    )));
            }
            ctx.paragraph = p;
            ctx.paragraph_depth = ctx.depth;
        }
        if let Some(g) = grade {
            ctx.grade = Some((g, ctx.depth, path.key("grade")));
        }
        if let Some(note) = inferred {
            if note.trim().is_empty() {
                return Err(self
                    .error(
                        Code::EmptyNote,
                        &path.key("inferred"),
                        "an inferred value needs a note saying what was inferred and why".into(),
                    )
                    .with_help("write the reasoning, e.g. \"the year is not stated; ...\""));
            }
            ctx.notes.push(note.to_string());
            ctx.note_depth = ctx.depth;
        }
        Ok(ctx)
    }

    /// The provenance of an attested value inside `outer`.
    pub(super) fn value_ctx<T>(
        &self,
        outer: &Ctx,
        a: &Attested<T>,
        path: &JsonPath,
    ) -> Result<Ctx, Diagnostic> {
        match &a.detail {
            None => Ok(outer.clone()),
            Some(d) => self.enter(outer, path, d.paragraph, d.grade, d.inferred.as_deref()),
        }
    }

    /// The paragraph, grade and notes of one part of a fact.
    fn resolve(&self, ctx: &Ctx) -> Result<Resolved, Diagnostic> {
        let explicit = ctx.grade.as_ref();
        let grade = match (&ctx.notes[..], explicit) {
            ([], g) => g.map_or(self.default, |g| g.0),
            (_, Some((g, depth, _))) if *depth >= ctx.note_depth => *g,
            (_, g) => g.map_or(self.default, |g| g.0).lowered(),
        };
        if !ctx.notes.is_empty()
            && let Some((g, _, path)) = explicit
            && grade == *g
            && !grade.credibility.is_weaker_than(self.default.credibility)
            && grade.credibility != Credibility::CannotBeJudged
        {
            return Err(self
                .error(
                    Code::InferredGrade,
                    path,
                    format!(
                        "an inferred value is graded {grade}, as credible as the source's default {}",
                        self.default
                    ),
                )
                .with_label("credibility must be lower than the source's")
                .with_help(format!(
                    "give a credibility digit above {} (or leave `grade` out: an inferred value gets one step lower by itself)",
                    self.default.credibility.digit()
                )));
        }
        Ok(Resolved {
            paragraph: ctx.paragraph,
            paragraph_depth: ctx.paragraph_depth,
            grade,
            notes: ctx.notes.clone(),
        })
    }

    /// Records a fact whose values come from the parts `ctxs`: it cites the
    /// most specific paragraph, takes the weakest grade and every note.
    pub(super) fn fact(
        &mut self,
        relation: &str,
        values: Vec<Value>,
        ctxs: &[&Ctx],
    ) -> Result<(), Diagnostic> {
        let mut best: Option<Resolved> = None;
        let mut notes: Vec<String> = Vec::new();
        for ctx in ctxs {
            let r = self.resolve(ctx)?;
            for n in &r.notes {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
            best = Some(match best {
                None => r,
                Some(b) => Resolved {
                    paragraph: if r.paragraph_depth > b.paragraph_depth {
                        r.paragraph
                    } else {
                        b.paragraph
                    },
                    paragraph_depth: b.paragraph_depth.max(r.paragraph_depth),
                    grade: if r.grade.confidence_permille() < b.grade.confidence_permille() {
                        r.grade
                    } else {
                        b.grade
                    },
                    notes: Vec::new(),
                },
            });
        }
        let best = best.expect("every fact has at least one part");
        self.facts.push(GroundFact {
            relation: relation.to_string(),
            values,
            provenance: Provenance {
                source: self.source_id.clone(),
                paragraph: best.paragraph,
                grade: best.grade,
                note: (!notes.is_empty()).then(|| notes.join("; ")),
            },
        });
        Ok(())
    }
}
