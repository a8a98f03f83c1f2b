//! This module defines how the workspace reaches an evaluated state and
//! answers queries over it. A change is built aside and swapped in only on
//! success; when it only adds facts, the evaluation continues from them
//! instead of starting over. A query is answered over the state in force
//! without evaluating the rules again.

use super::{
    Answers, Attestation, Clauses, EngineReport, Error, Evaluated, SessionItem, Workspace,
};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::eval::{self, Database, EvalOptions, EvalStats};
use crate::io::data::{GroundFact, SourceDoc};
use crate::ir::{self, RelId};
use crate::syntax;

impl Workspace {
    /// Checks and evaluates the library, `session`, and the data plus
    /// `new_data` into a fresh state, leaving `self` untouched.
    ///
    /// When the new program only adds facts to the one in force (same
    /// relations, rules and strata), the current database is copied, the new
    /// facts are inserted and the evaluation continues from them: the
    /// evaluator recomputes only the strata that read a changed relation
    /// under negation or aggregation. Otherwise everything is evaluated from
    /// scratch.
    ///
    /// The provenance relations (see [`super::attestations`]) are filled
    /// with the attestations of the data and of the facts typed under a
    /// source, `new_docs` being the documents `new_data` comes from.
    pub(super) fn build(
        &self,
        session: &[SessionItem],
        new_data: &[GroundFact],
        new_docs: &[SourceDoc],
    ) -> Result<Evaluated, Error> {
        let program = self.check_modules(&self.modules(session, &[]))?;
        let err = |d: Diagnostic| Error::new(d, &self.sources);
        // Relations the compiled library filled are complete: new facts
        // would not reach them, so such a state is evaluated again whole.
        if let Some(first_new) = self.extends_state(&program)
            && !self.state.engine.compiled
        {
            let mut db = self.state.db.clone();
            for fact in &program.facts[first_new..] {
                db.insert(fact.rel, &fact.values).map_err(|mut d| {
                    d.span = Some(fact.span);
                    err(d)
                })?;
            }
            for fact in new_data {
                let rel = self.fact_relation(&program, fact)?;
                db.insert(rel, &fact.values).map_err(err)?;
            }
            self.fill_attestations(
                &program,
                &mut db,
                session,
                (false, new_data),
                new_docs,
                &program.facts[first_new..],
            )?;
            let stats = eval::evaluate(&program, &mut db, &self.options).map_err(err)?;
            return Ok(Evaluated {
                program,
                db,
                stats,
                incremental: true,
                engine: self.state.engine.clone(),
                profiled: self.options.profile,
            });
        }
        self.evaluate_from_scratch(program, session, new_data, new_docs)
    }

    /// Inserts the provenance rows of `new_data` (and of the workspace's
    /// data when `all` is set, for a fresh database) and of the facts among
    /// `facts` written under a source, with the origin of every source and
    /// the confidence of every grade.
    fn fill_attestations(
        &self,
        program: &ir::Program,
        db: &mut Database,
        session: &[SessionItem],
        (all, new_data): (bool, &[GroundFact]),
        new_docs: &[SourceDoc],
        facts: &[ir::Fact],
    ) -> Result<(), Error> {
        let err = |d: Diagnostic| Error::new(d, &self.sources);
        let mut typed = self.library_typed_spans();
        typed.extend(super::sourced::typed_spans(session));
        let data: Vec<&GroundFact> = if all {
            self.facts.iter().chain(new_data).collect()
        } else {
            new_data.iter().collect()
        };
        let typed_facts: Vec<(&ir::Fact, &super::SessionSource)> = facts
            .iter()
            .filter_map(|f| super::source_at(&typed, f.span).map(|s| (f, s)))
            .collect();
        let attestations =
            data.into_iter()
                .map(Attestation::of_data)
                .chain(typed_facts.iter().map(|(f, s)| Attestation {
                    relation: &program.relations[f.rel].name,
                    values: &f.values,
                    source: &s.id,
                    paragraph: 0,
                    grade: s.grade,
                    note: None,
                }));
        let documents: Vec<SourceDoc> = self.documents.iter().chain(new_docs).cloned().collect();
        let mut ids: Vec<String> = typed.iter().map(|(_, s)| s.id.clone()).collect();
        ids.sort();
        ids.dedup();
        super::attestations::fill(program, db, attestations, Some((&documents, &ids))).map_err(err)
    }

    /// A fresh database for `program` with its facts and the data (plus
    /// `new_data`), evaluated.
    pub(super) fn evaluate_from_scratch(
        &self,
        program: ir::Program,
        session: &[SessionItem],
        new_data: &[GroundFact],
        new_docs: &[SourceDoc],
    ) -> Result<Evaluated, Error> {
        let err = |d: Diagnostic| Error::new(d, &self.sources);
        let mut db = Database::new(&program);
        db.load_program_facts(&program).map_err(err)?;
        for fact in self.facts.iter().chain(new_data) {
            let rel = self.fact_relation(&program, fact)?;
            db.insert(rel, &fact.values).map_err(err)?;
        }
        self.fill_attestations(
            &program,
            &mut db,
            session,
            (true, new_data),
            new_docs,
            &program.facts,
        )?;
        let (stats, engine) = self.evaluate_fresh(&program, &mut db)?;
        Ok(Evaluated {
            program,
            db,
            stats,
            incremental: false,
            engine,
            profiled: self.options.profile,
        })
    }

    /// Evaluates a fresh database: the rule library through the path the
    /// workspace's engine choice allows (the crepe-compiled program when the
    /// loaded rules are the ones sleuth was built with), then everything
    /// else, ad-hoc rules included, through the interpreter.
    fn evaluate_fresh(
        &self,
        program: &ir::Program,
        db: &mut Database,
    ) -> Result<(EvalStats, EngineReport), Error> {
        let rule_files: Vec<(&str, &str)> = self
            .library
            .iter()
            .map(|c| {
                let file = self.sources.file(c.id);
                (file.name.as_str(), file.text.as_str())
            })
            .collect();
        let run = crate::compiled::evaluate(program, db, &self.options, self.engine, &rule_files)
            .map_err(|d| Error::new(d, &self.sources))?;
        Ok((
            run.stats,
            EngineReport {
                compiled: run.compiled.is_some(),
                note: run.note,
            },
        ))
    }

    /// When `program` is the program in force plus facts only, the index of
    /// its first new fact.
    fn extends_state(&self, program: &ir::Program) -> Option<usize> {
        let old = &self.state.program;
        let same = !old.relations.is_empty()
            && old.relations == program.relations
            && old.rules == program.rules
            && old.strata == program.strata
            && program.facts.starts_with(&old.facts);
        same.then_some(old.facts.len())
    }

    /// Checks and evaluates library + session + `extra` from scratch.
    fn build_with(&self, session: &[SessionItem], extra: &Clauses) -> Result<Evaluated, Error> {
        let program =
            self.check_modules(&self.modules(session, std::slice::from_ref(&extra.module)))?;
        self.evaluate_from_scratch(program, session, &[], &[])
    }

    /// Answers a text holding zero or more facts and rules followed by one
    /// `?-` query. The facts and rules hold for this query only.
    pub fn query(&mut self, text: &str) -> Result<Answers, Error> {
        let mark = self.sources.len();
        // Named without a number, so that a caret's place reads as
        // line:col of the text itself.
        let clauses = self.parse_text("<query>", text)?;
        let only_query = matches!(
            clauses.module.items.as_slice(),
            [syntax::ast::Item::Query(_)]
        );
        let result = if only_query {
            self.answer_query(&self.state, &self.session, clauses.module)
        } else {
            self.answer(&self.session, &clauses)
        };
        if result.is_err() {
            self.sources.truncate(mark);
        }
        result
    }

    fn answer(&self, session: &[SessionItem], clauses: &Clauses) -> Result<Answers, Error> {
        let state = self.build_with(session, clauses)?;
        let query = match state.program.queries.as_slice() {
            [q] => q,
            [] => {
                return Err(Error::new(
                    Diagnostic::new(Code::NoQuery, "the text holds no `?-` query", None)
                        .with_help("end it with a query such as `?- recurring_hotspot(P).`"),
                    &self.sources,
                ));
            }
            [_, second, ..] => {
                return Err(Error::new(
                    Diagnostic::new(
                        Code::TooManyQueries,
                        "the text holds more than one `?-` query",
                        Some(second.span),
                    )
                    .with_help("ask one query at a time"),
                    &self.sources,
                ));
            }
        };
        Ok(Answers {
            columns: query.columns.clone(),
            rows: state.db.tuples(query.rel),
        })
    }

    /// Answers the one query of `module` over an evaluated state without
    /// evaluating the rules again: the relations the query reads are copied
    /// from `state` into a database where every relation is complete, so
    /// only the query's own rule runs.
    pub(super) fn answer_query(
        &self,
        state: &Evaluated,
        session: &[SessionItem],
        module: syntax::ast::Module,
    ) -> Result<Answers, Error> {
        let program = self.check_modules(&self.modules(session, std::slice::from_ref(&module)))?;
        let err = |d: Diagnostic| Error::new(d, &self.sources);
        let query = program
            .queries
            .first()
            .expect("the module holds one query, so the program does");
        let mut reads = Vec::new();
        body_relations(&program.rules[query.rule].body, &mut reads);
        let mut db = Database::new(&program);
        for (rel, relation) in program.relations.iter().enumerate() {
            if relation.is_query {
                continue;
            }
            if reads.contains(&rel) {
                let old = state
                    .program
                    .relation_id(&relation.name)
                    .filter(|&old| state.program.relations[old].columns == relation.columns);
                let Some(old) = old else {
                    // The query changed what the program means (it cannot
                    // in a checked program, but never answer from stale
                    // data): evaluate everything with it.
                    return self.answer(
                        session,
                        &Clauses {
                            id: module.source,
                            module,
                        },
                    );
                };
                for row in state.db.rows(old) {
                    db.insert(rel, &row.values()).map_err(err)?;
                }
            }
            db.mark_complete(rel);
        }
        let options = EvalOptions {
            record_rounds: false,
            profile: false,
            ..self.options.clone()
        };
        eval::evaluate(&program, &mut db, &options).map_err(err)?;
        Ok(Answers {
            columns: query.columns.clone(),
            rows: db.tuples(query.rel),
        })
    }
}

/// The relations a rule body reads, positively, negated or in aggregates.
fn body_relations(body: &[ir::Literal], out: &mut Vec<RelId>) {
    for literal in body {
        match literal {
            ir::Literal::Atom(a) | ir::Literal::Negated(a) => out.push(a.rel),
            ir::Literal::Aggregate(agg) => body_relations(&agg.body, out),
            ir::Literal::Compare(_) | ir::Literal::Test(_) => {}
        }
    }
}
