//! This module defines the assumptions of absence behind a conclusion.
//! Datalog reads a negated atom under a closed world: `!arrest(P, H, D)`
//! holds when no such fact was loaded. An explanation keeps that apart from
//! the evidence (ICD 203): each negated atom a proof relies on is an
//! [`Assumption`] that names the relation, whether it records events or
//! background knowledge (the table beside the schema,
//! [`fact_kind`](crate::io::data::fact_kind)), and the loaded sources that
//! were searched for it.
//!
//! A negated derived relation is an assumption about every relation it is
//! computed from: it is about events when any of them records events
//! (`!arrested_at_home_before(P, D)` rests on `arrest`), and background
//! otherwise (`!theater_country(T, C)` rests on geography alone). A
//! conclusion every derivation of which assumes the absence of an event
//! *rests on silence* (see `silence`): it must never read as a stated fact.
//!
//! Also here: the rule of a query read against the workspace's relations,
//! for marking its answers.

use std::collections::HashMap;
use std::rc::Rc;

use super::citations::{Citation, Citations};
use super::proof::absent_text;
use crate::eval::Database;
use crate::io::data::{FactKind, fact_kind};
use crate::ir::{self, Literal, RelId};
use crate::session::Workspace;
use crate::value::Value;

/// How an answer or a conclusion that rests on silence is marked beside
/// its confidence.
pub const SILENCE_MARK: &str = "assumes no recorded event";

/// One negated atom a proof relies on: a closed-world assumption about what
/// was loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumption {
    /// The negated relation.
    pub relation: String,
    /// The atom's values; `None` for a wildcard.
    pub values: Vec<Option<Value>>,
    /// Whether the absence is of an event or of background knowledge.
    pub kind: FactKind,
    /// The loaded sources that give facts of the relations the atom is
    /// computed from (documents by id, rule files by name), of events only
    /// when the atom is about events: those that were searched and could
    /// have recorded it.
    pub searched: Rc<Vec<String>>,
}

impl Assumption {
    /// The negated atom without its `!`: `arrested_at_home_before("x", 2024-03)`.
    pub fn atom(&self) -> String {
        absent_text(&self.relation, &self.values)
    }

    /// Whether it assumes an event did not happen.
    pub fn is_event(&self) -> bool {
        self.kind == FactKind::Event
    }

    /// `assumes no record of R(...) in the loaded sources (event; searched: a, b)`.
    pub fn sentence(&self) -> String {
        format!(
            "assumes no record of {} in the loaded sources ({})",
            self.atom(),
            self.scope()
        )
    }

    /// `event; searched: a, b`: the kind of fact and the sources searched.
    pub fn scope(&self) -> String {
        if self.searched.is_empty() {
            format!("{}; no loaded source gives it", self.kind.name())
        } else {
            format!(
                "{}; searched: {}",
                self.kind.name(),
                self.searched.join(", ")
            )
        }
    }
}

/// Every relation a relation is computed from, through positive and
/// negated atoms and aggregates, itself included.
fn dependency_cone(program: &ir::Program, rules_of: &[Vec<usize>], rel: RelId) -> Vec<RelId> {
    let mut seen = vec![false; program.relations.len()];
    let mut out = vec![rel];
    seen[rel] = true;
    let mut i = 0;
    while i < out.len() {
        let r = out[i];
        i += 1;
        for &rule in &rules_of[r] {
            let mut reads = Vec::new();
            body_reads(&program.rules[rule].body, &mut reads);
            for (q, _) in reads {
                if !seen[q] {
                    seen[q] = true;
                    out.push(q);
                }
            }
        }
    }
    out
}

/// The relations a body reads, each with whether it is negated.
fn body_reads(body: &[Literal], out: &mut Vec<(RelId, bool)>) {
    for l in body {
        match l {
            Literal::Atom(a) => out.push((a.rel, false)),
            Literal::Negated(a) => out.push((a.rel, true)),
            Literal::Aggregate(ag) => body_reads(&ag.body, out),
            _ => {}
        }
    }
}

fn rules_of(program: &ir::Program) -> Vec<Vec<usize>> {
    let mut rules_of = vec![Vec::new(); program.relations.len()];
    for (i, r) in program.rules.iter().enumerate() {
        rules_of[r.head.rel].push(i);
    }
    rules_of
}

/// Whether a relation holds facts given rather than derived (no rule
/// derives it, or some of its rows were given as facts).
fn is_given(db: &Database, rules_of: &[Vec<usize>], rel: RelId) -> bool {
    rules_of[rel].is_empty() || db.rels.get(rel).is_some_and(|r| r.base_rows > 0)
}

/// The relations given as facts that a relation is computed from.
fn given_cone(
    program: &ir::Program,
    db: &Database,
    rules_of: &[Vec<usize>],
    rel: RelId,
) -> Vec<RelId> {
    dependency_cone(program, rules_of, rel)
        .into_iter()
        .filter(|&r| is_given(db, rules_of, r))
        .collect()
}

fn kind_in(program: &ir::Program, db: &Database, rules_of: &[Vec<usize>], rel: RelId) -> FactKind {
    let event = given_cone(program, db, rules_of, rel)
        .into_iter()
        .any(|r| given_kind(program, r) == FactKind::Event);
    if event {
        FactKind::Event
    } else {
        FactKind::Background
    }
}

/// The kind of the facts given for relation `rel`: the schema's
/// classification, except for the provenance relations sleuth fills
/// (`R_attested`, `source_origin`, `grade_confidence`), which describe what
/// was loaded and so are known in full: their absences are background.
pub(crate) fn given_kind(program: &ir::Program, rel: RelId) -> FactKind {
    let name = &program.relations[rel].name;
    if crate::session::is_provenance(program, name) {
        FactKind::Background
    } else {
        fact_kind(name)
    }
}

/// What an absence of a relation's facts assumes, computed once per
/// relation for the proofs of one explainer.
#[derive(Default)]
pub(crate) struct Absences {
    memo: HashMap<RelId, (FactKind, Rc<Vec<String>>)>,
}

impl Absences {
    /// The assumption a negated atom of `rel` with these values makes.
    pub(crate) fn assumption(
        &mut self,
        program: &ir::Program,
        db: &Database,
        cites: &Citations,
        rel: RelId,
        values: Vec<Option<Value>>,
    ) -> Assumption {
        let (kind, searched) = self
            .memo
            .entry(rel)
            .or_insert_with(|| {
                let rules_of = rules_of(program);
                let kind = kind_in(program, db, &rules_of, rel);
                // Only a source of events could have recorded an event.
                let cone: Vec<RelId> = given_cone(program, db, &rules_of, rel)
                    .into_iter()
                    .filter(|&r| {
                        kind == FactKind::Background || given_kind(program, r) == FactKind::Event
                    })
                    .collect();
                (kind, Rc::new(searched_sources(db, cites, &cone)))
            })
            .clone();
        Assumption {
            relation: program.relations[rel].name.clone(),
            values,
            kind,
            searched,
        }
    }
}

/// The sources that give facts of these relations, sorted and distinct.
fn searched_sources(db: &Database, cites: &Citations, rels: &[RelId]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &rel in rels {
        for id in 0..db.len(rel) as u32 {
            if !cites.is_base(rel, id) {
                continue;
            }
            for c in cites.of(rel, id) {
                let name = match c {
                    Citation::Report { source, .. } | Citation::Typed { source, .. } => source,
                    Citation::Rules { location } => match location.rsplit_once(':') {
                        Some((file, _)) => file.to_string(),
                        None => location,
                    },
                    Citation::Unrecorded => continue,
                };
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out.sort();
    out
}

/// What an absence of a relation's facts is about: events when the
/// relation, or any relation given as facts it is computed from, records
/// events; background otherwise.
pub fn absence_kind(ws: &Workspace, rel: RelId) -> FactKind {
    let program = ws.program();
    kind_in(program, ws.database(), &rules_of(program), rel)
}

/// The kind of an absence of `rel`'s facts (see [`absence_kind`]).
pub(crate) fn absence_kind_in(program: &ir::Program, db: &Database, rel: RelId) -> FactKind {
    kind_in(program, db, &rules_of(program), rel)
}
