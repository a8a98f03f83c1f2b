//! This module defines explanations: why a conclusion holds, down to the
//! paragraph of the source report behind each fact; why a fact does not
//! hold; and how far a conclusion can be trusted.
//!
//! ```text
//!  "recurring_hotspot(\"Tangier\")" ──target──▶ relation + constants (checked like a query)
//!        │
//!        ├─ why ───▶ build: rule instances over the evaluated database, each
//!        │           premise derived in an earlier round ──▶ Proof ──▶ render: text | json | dot
//!        │           (negated premises: assumptions of absence, kept apart)
//!        ├─ whynot ▶ each rule's body matched in written order: the closest miss ──▶ WhyNot
//!        └─ confidence: fixpoint of max-over-derivations of min-over-premises
//!                   of the premises' grades ──▶ Confidence ("likely (0.71)")
//! ```
//!
//! - `target`: the fact asked about, read by the real front end.
//! - `exec`: rule bodies planned by the evaluator's planner and run by its
//!   executor against the evaluated database, keeping the rows each instance
//!   matched (one meaning of every literal, shared with evaluation).
//! - `context`: the program, database, strata and compiled bodies.
//! - `citations`: where base tuples come from.
//! - `assumptions`: the absences a proof assumes (closed world), events
//!   or background.
//! - `silence`: which tuples and answers rest on the absence of an event
//!   (no derivation free of one).
//! - `fixpoint`: [`Confidences`], the confidence of every tuple.
//! - `build`: [`Proof`]s, rebuilt on demand from the rounds the evaluator
//!   recorded ([`EvalOptions::record_rounds`](crate::eval::EvalOptions)).
//! - `whynot`: [`WhyNot`].
//! - `answers`: the confidence of query answers.
//! - `render`: text, JSON and Graphviz forms.
//!
//! A workspace records rounds by default. Everything here reads the
//! workspace and never changes it; an [`Explainer`] keeps what it computed
//! (indexes, confidences) for the explanations that follow.
//!
//! ```
//! use sleuth::provenance::{self, ExplainOptions, Format};
//! use sleuth::session::Workspace;
//!
//! let mut ws = Workspace::builder().builtins().open()?;
//! let opts = ExplainOptions::default();
//!
//! // `:why`
//! let proof = provenance::why(&ws, r#"recurring_hotspot("Tangier")"#, &opts)?;
//! assert_eq!(proof.confidence().to_string(), "likely (0.60)");
//! assert_eq!(proof.cited_paragraphs()[0].1, vec![5, 6]);
//! print!("{}", provenance::render(&proof, Format::Text));
//!
//! // A negated premise is an assumption about what was loaded, listed
//! // apart from the evidence; this one assumes no earlier arrest at home.
//! let fact = r#"theater_arrest_without_home_record("ofin-syrian-1")"#;
//! let assumed = provenance::why(&ws, fact, &opts)?;
//! assert!(assumed.rests_on_silence());
//! assert_eq!(assumed.assumptions()[1].relation, "arrested_at_home_before");
//!
//! // `:whynot`
//! let w = provenance::whynot(&ws, r#"recurring_hotspot("Casablanca")"#, &opts)?;
//! print!("{}", provenance::render_whynot(&w, Format::Text));
//!
//! // A confidence column beside a query's answers.
//! let query = "?- recruitment_pipeline(C, T).";
//! let answers = ws.query(query)?;
//! let column = provenance::answer_confidences(&ws, query, &answers)?;
//! assert_eq!(column.len(), answers.rows.len());
//! # Ok::<(), sleuth::session::Error>(())
//! ```

// Diagnostic is the crate's error type by contract and is returned by value.
#![allow(clippy::result_large_err)]

mod answers;
mod assumptions;
mod build;
mod citations;
mod confidence;
mod context;
mod exec;
mod fixpoint;
mod follow_up;
mod proof;
mod render;
mod silence;
pub(crate) mod target;
mod whynot;

pub use answers::{AnswerSupport, MinConfidence};
pub use assumptions::{Assumption, SILENCE_MARK, absence_kind};
pub use citations::Citation;
pub use confidence::Confidence;
pub use fixpoint::Confidences;
pub use follow_up::FollowUp;
pub use proof::{Binding, CutReason, Node, NodeKind, Proof, RuleRef, Tuple};
pub use render::{Format, render, render_dot, render_json, render_text, render_whynot};
pub use whynot::{Attempt, Outcome, WhyNot};

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::eval::pack::pack_existing;
use crate::ir::RelId;
use crate::session::{Answers, Error, Workspace};
use crate::value::Value;

use assumptions::Absences;
use citations::Citations;
use context::Context;
use fixpoint::Measure;

/// How explanations are built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainOptions {
    /// Rule steps shown from the conclusion down before a derived tuple is
    /// cut with a marker (base facts are always shown).
    pub max_depth: usize,
    /// Nodes a proof may have before the remaining derived tuples are cut.
    pub max_nodes: usize,
    /// Matches shown per aggregate (the total is always given).
    pub aggregate_limit: usize,
    /// Show the derivation that gives the conclusion its confidence rather
    /// than the proof of least height.
    pub strongest: bool,
    /// Rows one search may visit before it stops (a `whynot` then reports
    /// the closest miss found so far).
    pub search_budget: u64,
    /// How suggestions of the next question are worded (the REPL's
    /// `:whynot` or the command line's `sleuth explain --whynot`).
    pub follow_up: FollowUp,
}

impl Default for ExplainOptions {
    fn default() -> ExplainOptions {
        ExplainOptions {
            max_depth: 32,
            max_nodes: 2000,
            aggregate_limit: 10,
            strongest: false,
            search_budget: 5_000_000,
            follow_up: FollowUp::Repl,
        }
    }
}

/// Explains facts of one workspace state, keeping indexes and confidences
/// between explanations. Make a new one after the workspace changes (keep
/// the [`Confidences`] with [`Explainer::into_confidences`] to reuse them
/// while the workspace stays the same).
pub struct Explainer<'w> {
    ws: &'w Workspace,
    cx: Context<'w>,
    cites: Citations,
    conf: Confidences,
    absences: Absences,
    /// Which tuples are grounded (not resting on silence), computed when
    /// first asked for.
    grounded: Option<Confidences>,
    /// How many independent sources support each tuple, computed when
    /// first asked for.
    counts: Option<Confidences>,
}

impl<'w> Explainer<'w> {
    /// An explainer over the workspace's current state.
    pub fn new(ws: &'w Workspace) -> Explainer<'w> {
        Explainer::with_confidences(ws, None)
    }

    /// An explainer reusing confidences computed earlier, when they are for
    /// the workspace's current state (otherwise they are recomputed).
    pub fn with_confidences(ws: &'w Workspace, kept: Option<Confidences>) -> Explainer<'w> {
        let cx = Context::new(ws.program(), ws.database(), ws.sources());
        let cites = Citations::new(
            ws.program(),
            ws.database(),
            ws.sources(),
            ws.facts(),
            ws.documents(),
            &ws.typed_spans(),
        );
        let conf = kept
            .filter(|c| c.is_current(ws))
            .unwrap_or_else(|| Confidences::new(ws));
        Explainer {
            ws,
            cx,
            cites,
            conf,
            absences: Absences::default(),
            grounded: None,
            counts: None,
        }
    }

    /// How many independent sources support a stored row (distinct origins,
    /// combined as confidences are: see [`Node::independent_sources`]);
    /// `None` when no source does.
    pub(crate) fn independent_sources_of(
        &mut self,
        rel: RelId,
        id: u32,
    ) -> Result<Option<usize>, Diagnostic> {
        self.ensure_counts(rel)?;
        let n = self.counts.as_ref().map_or(0, |c| c.get(rel, id));
        Ok((n > 0 && n < citations::NO_SOURCE).then_some(usize::from(n)))
    }

    /// Computes the counts of independent sources of `rel` and what it
    /// rests on.
    fn ensure_counts(&mut self, rel: RelId) -> Result<(), Diagnostic> {
        let Explainer {
            ws,
            cx,
            cites,
            counts,
            ..
        } = self;
        counts
            .get_or_insert_with(|| Confidences::of(ws, Measure::Origins))
            .ensure(cx, cites, rel)
    }

    /// Computes which tuples of `rel` and what it rests on are grounded.
    fn ensure_grounded(&mut self, rel: RelId) -> Result<(), Diagnostic> {
        let Explainer {
            ws,
            cx,
            cites,
            grounded,
            ..
        } = self;
        grounded
            .get_or_insert_with(|| Confidences::of(ws, Measure::Grounded))
            .ensure(cx, cites, rel)
    }

    /// Gives every tuple node of a proof its count of independent sources.
    fn count_sources(&mut self, proof: &mut Proof) -> Result<(), Diagnostic> {
        for i in 0..proof.nodes.len() {
            let Some(tuple) = proof.nodes[i].kind.tuple() else {
                continue;
            };
            let Some(rel) = self.cx.program.relation_id(&tuple.relation) else {
                continue;
            };
            let Some(id) = self.row(rel, &tuple.values) else {
                continue;
            };
            proof.nodes[i].independent_sources = self.independent_sources_of(rel, id)?;
        }
        Ok(())
    }

    /// The confidences computed so far, to pass to the next explainer.
    pub fn into_confidences(self) -> Confidences {
        self.conf
    }

    fn error(&self, d: Diagnostic) -> Error {
        Error {
            diagnostics: d.into(),
            sources: self.ws.sources().clone(),
        }
    }

    fn row(&self, rel: RelId, values: &[Value]) -> Option<u32> {
        let r = self.cx.db.rels.get(rel)?;
        if values.len() != r.arity || values.iter().zip(&r.types).any(|(v, t)| v.ty() != *t) {
            return None;
        }
        let words: Option<Vec<u64>> = values
            .iter()
            .map(|v| pack_existing(v, &self.cx.db.interner))
            .collect();
        r.find(&words?)
    }

    /// Why a fact holds: its proof tree. `fact` is an atom with constant
    /// arguments (`recurring_hotspot("Tangier")`, with or without `?-` and
    /// the final dot). A fact that does not hold is an error (`not-derived`)
    /// that points to [`Explainer::whynot`].
    pub fn why(&mut self, fact: &str, opts: &ExplainOptions) -> Result<Proof, Error> {
        let target = target::parse(self.ws, fact, "why")?;
        let Some(values) = target.ground() else {
            return Err(target.error(
                Diagnostic::new(
                    Code::NotGround,
                    "`why` explains one fact, but this one has variables or `_`",
                    Some(target.span),
                )
                .with_help(format!(
                    "list the facts that match with a query `?- ...`, then ask `{}` about one of them",
                    opts.follow_up.why_command()
                )),
            ));
        };
        let rel = target.rel;
        let name = &self.cx.program.relations[rel].name;
        let Some(id) = self.row(rel, &values) else {
            let args: Vec<String> = values.iter().map(Value::to_datalog).collect();
            let fact = format!("{name}({})", args.join(", "));
            return Err(target.error(
                Diagnostic::new(
                    Code::NotDerived,
                    format!("{fact} does not hold"),
                    Some(target.span),
                )
                .with_label("no such fact is stored or derived")
                .with_help(match opts.follow_up {
                    FollowUp::Repl => format!(
                        "ask `{}` (or `sleuth explain --whynot`) to see which premise fails",
                        opts.follow_up.whynot(&fact)
                    ),
                    FollowUp::CommandLine => format!(
                        "ask `{}` to see which premise fails",
                        opts.follow_up.whynot(&fact)
                    ),
                }),
            ));
        };
        let derived = !self.cx.rules_of[rel].is_empty();
        if derived && !opts.strongest && self.cx.db.rels[rel].rounds.is_none() {
            return Err(target.error(
                Diagnostic::new(
                    Code::NoProvenance,
                    "derivation rounds were not recorded, so the proof of least height cannot be rebuilt",
                    Some(target.span),
                )
                .with_help("evaluate without --no-provenance, or ask for the strongest proof (--strongest), which does not need them"),
            ));
        }
        let Explainer {
            cx,
            cites,
            conf,
            absences,
            ..
        } = self;
        conf.ensure(cx, cites, rel).map_err(|d| target.error(d))?;
        let mut proof = build::Builder::new(cx, conf, cites, opts, absences)
            .build((rel, id))
            .map_err(|d| target.error(d))?;
        if !proof.grounded {
            // This proof assumes an absence of an event; another derivation
            // may not.
            self.ensure_grounded(rel).map_err(|d| target.error(d))?;
            proof.grounded = self.grounded.as_ref().is_some_and(|g| g.get(rel, id) > 0);
        }
        self.count_sources(&mut proof)
            .map_err(|d| target.error(d))?;
        Ok(proof)
    }

    /// Why a fact does not hold: for each rule that could derive it, the
    /// first body literal that fails for the closest binding. The fact may
    /// have variables and `_`. When it holds after all, [`WhyNot::holds`]
    /// lists the matching tuples.
    pub fn whynot(&mut self, fact: &str, opts: &ExplainOptions) -> Result<WhyNot, Error> {
        let target = target::parse(self.ws, fact, "whynot")?;
        whynot::whynot(&mut self.cx, &target, opts).map_err(|d| target.error(d))
    }

    /// The confidence of a stored tuple, or `None` when it does not hold.
    pub fn confidence_of(
        &mut self,
        rel: RelId,
        tuple: &[Value],
    ) -> Result<Option<Confidence>, Error> {
        let Some(id) = self.row(rel, tuple) else {
            return Ok(None);
        };
        let Explainer {
            cx, cites, conf, ..
        } = self;
        if let Err(d) = conf.ensure(cx, cites, rel) {
            return Err(self.error(d));
        }
        Ok(Some(Confidence::from_raw(self.conf.get(rel, id))))
    }

    /// The confidence of each answer of a query: for each row, the best
    /// (max) over the bindings of the query's body that give the row of the
    /// weakest (min) tuple its positive atoms match. `query` is the text the
    /// answers came from (`Workspace::query`); it must hold the query alone.
    pub fn answer_confidences(
        &mut self,
        query: &str,
        answers: &Answers,
    ) -> Result<Vec<Confidence>, Error> {
        answers::confidences(self, query, answers)
    }

    /// The confidence of each answer of a query (as
    /// [`Explainer::answer_confidences`]) and how many independent sources
    /// support it: the distinct origins (a source and what relays it count
    /// once) behind the best binding's weakest tuple, combined as
    /// confidences are.
    pub fn answer_supports(
        &mut self,
        query: &str,
        answers: &Answers,
    ) -> Result<Vec<AnswerSupport>, Error> {
        answers::supports(self, query, answers, true)
    }

    /// For each answer of a query, whether it rests on silence: no binding
    /// of the query's body that gives it is free of an assumed absence of
    /// an event (through the query's own negations or the derivations of
    /// the tuples it reads). `query` is the text the answers came from; it
    /// must hold the query alone.
    pub fn answers_resting_on_silence(
        &mut self,
        query: &str,
        answers: &Answers,
    ) -> Result<Vec<bool>, Error> {
        let q = answers::query_rule(self.ws, query, answers)?;
        silence::answers(self, &q.rule, &q.columns, answers).map_err(|d| silence::internal(self, d))
    }
}

/// For each answer of a query (see [`Explainer::answers_resting_on_silence`]),
/// whether it rests on silence.
pub fn answers_resting_on_silence(
    ws: &Workspace,
    query: &str,
    answers: &Answers,
) -> Result<Vec<bool>, Error> {
    Explainer::new(ws).answers_resting_on_silence(query, answers)
}

/// Why a fact holds (see [`Explainer::why`]).
pub fn why(ws: &Workspace, fact: &str, opts: &ExplainOptions) -> Result<Proof, Error> {
    Explainer::new(ws).why(fact, opts)
}

/// Why a fact does not hold (see [`Explainer::whynot`]).
pub fn whynot(ws: &Workspace, fact: &str, opts: &ExplainOptions) -> Result<WhyNot, Error> {
    Explainer::new(ws).whynot(fact, opts)
}

/// The confidence of a stored tuple (see [`Explainer::confidence_of`]).
pub fn confidence_of(
    ws: &Workspace,
    rel: RelId,
    tuple: &[Value],
) -> Result<Option<Confidence>, Error> {
    Explainer::new(ws).confidence_of(rel, tuple)
}

/// The answers of `query` with their `confidence` and `sources` (how many
/// independent sources support each, 0 when none does) as two more
/// columns, and, when some answer rests on silence, an `assumption`
/// column marking those ([`SILENCE_MARK`]), keeping the answers `min`
/// admits: what `:confidence` and `sleuth query --confidence` print.
/// `query` is the text the answers came from.
pub(crate) fn answers_with_support(
    ws: &Workspace,
    query: &str,
    answers: &Answers,
    min: Option<MinConfidence>,
) -> Result<Answers, Error> {
    let mut ex = Explainer::new(ws);
    // The query is read once, for its confidences, counts and assumptions.
    let q = answers::query_rule(ws, query, answers)?;
    let supports = answers::supports_of(&mut ex, &q, answers, true)?;
    let silent = silence::answers(&mut ex, &q.rule, &q.columns, answers)
        .map_err(|d| silence::internal(&ex, d))?;
    Ok(answers::table(answers, &supports, &silent, min))
}

/// Answers a text of facts and rules ending in one `?-` query (as
/// [`Workspace::query`] does, for `sleuth query`), with the answers'
/// `confidence` and `sources` columns, keeping those `min` admits. The
/// text's facts and rules join the workspace (so that the query's
/// confidence can be computed over them); use a workspace opened for it.
pub fn query_with_support(
    ws: &mut Workspace,
    text: &str,
    min: Option<MinConfidence>,
) -> Result<Answers, Error> {
    let submission = ws.submit("<query>", text)?;
    let Some(query) = query_text(text) else {
        return Err(Error {
            diagnostics: Diagnostic::new(Code::NoQuery, "the text holds no `?-` query", None)
                .with_help("end it with a query such as `?- recurring_hotspot(P).`")
                .into(),
            sources: ws.sources().clone(),
        });
    };
    let answers = match submission.answers.as_slice() {
        [answers] => answers.clone(),
        _ => {
            return Err(Error {
                diagnostics: Diagnostic::new(
                    Code::TooManyQueries,
                    "the text holds more than one `?-` query",
                    None,
                )
                .with_help("ask one query at a time")
                .into(),
                sources: ws.sources().clone(),
            });
        }
    };
    answers_with_support(ws, &query, &answers, min)
}

/// The text of the last `?-` query of `text`, ending with its `.`.
fn query_text(text: &str) -> Option<String> {
    let mut sources = crate::diag::SourceMap::new();
    let id = sources.add("<query>", text);
    let module = crate::syntax::parse(&sources, id).ok()?;
    let span = module.items.iter().rev().find_map(|item| match item {
        crate::syntax::ast::Item::Query(q) => Some(q.span),
        _ => None,
    })?;
    let mut query = sources.snippet(span).trim().to_string();
    if !query.ends_with('.') {
        query.push('.');
    }
    Some(query)
}

/// The confidence and count of independent sources of each answer of a
/// query (see [`Explainer::answer_supports`]).
pub fn answer_supports(
    ws: &Workspace,
    query: &str,
    answers: &Answers,
) -> Result<Vec<AnswerSupport>, Error> {
    Explainer::new(ws).answer_supports(query, answers)
}

/// The confidence of each answer of a query (see
/// [`Explainer::answer_confidences`]).
pub fn answer_confidences(
    ws: &Workspace,
    query: &str,
    answers: &Answers,
) -> Result<Vec<Confidence>, Error> {
    Explainer::new(ws).answer_confidences(query, answers)
}
