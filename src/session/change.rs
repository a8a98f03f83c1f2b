//! This module defines the changes an analyst makes to a workspace: typed
//! text (facts, rules, declarations, queries), data and rule files loaded
//! during the session, and what each change did, relation by relation. Each
//! is all or nothing.

use std::collections::BTreeMap;
use std::path::Path;

use super::{
    Answers, Change, Clauses, Error, Evaluated, SessionItem, Submission, Workspace, read_text,
};
use crate::diag::Diagnostic;
use crate::syntax;

impl Workspace {
    /// Adds the declarations, facts, rules and directives of `text` to the
    /// session (they persist), re-evaluates, and answers the text's `?-`
    /// queries over the result. All or nothing: when any part is rejected
    /// (syntax, checking, evaluation, a query), the workspace stays exactly
    /// as it was.
    pub fn submit(&mut self, name: &str, text: &str) -> Result<Submission, Error> {
        let mark = self.sources.len();
        let clauses = self.parse_text(name, text)?;
        let result = self.submit_parsed(clauses);
        match &result {
            // A text of queries only leaves nothing behind that points into it.
            Ok(s) if s.added == 0 => self.sources.truncate(mark),
            Ok(_) => {}
            Err(_) => self.sources.truncate(mark),
        }
        result
    }

    fn submit_parsed(&mut self, clauses: Clauses) -> Result<Submission, Error> {
        let (queries, items): (Vec<_>, Vec<_>) = clauses
            .module
            .items
            .into_iter()
            .partition(|item| matches!(item, syntax::ast::Item::Query(_)));
        let added = items.len();
        let mut session = self.session.clone();
        session.extend(items.into_iter().map(|item| SessionItem {
            id: clauses.id,
            item,
        }));
        let new_state = if added > 0 {
            Some(self.build(&session, &[])?)
        } else {
            None
        };
        let state = new_state.as_ref().unwrap_or(&self.state);
        let mut answers = Vec::with_capacity(queries.len());
        for query in queries {
            let module = syntax::ast::Module {
                source: clauses.id,
                items: vec![query],
            };
            answers.push(self.answer_query(state, &session, module)?);
        }
        let mut submission = Submission {
            added,
            answers,
            ..Submission::default()
        };
        if let Some(state) = new_state {
            submission.changes = self.diff(&state);
            submission.incremental = state.incremental;
            self.install(state);
            self.session = session;
        }
        Ok(submission)
    }

    /// Adds facts and rules to the session (they persist), re-evaluates and
    /// reports the relations whose size changed. A query in the text is
    /// answered too. Nothing changes when the text is rejected.
    pub fn add_clauses(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<(Vec<Change>, Option<Answers>), Error> {
        let submission = self.submit(name, text)?;
        Ok((submission.changes, submission.answers.into_iter().next()))
    }

    /// Replaces the session's items, re-evaluating; nothing changes on error.
    pub(super) fn replace_session(
        &mut self,
        session: Vec<SessionItem>,
    ) -> Result<Vec<Change>, Error> {
        let state = self.build(&session, &[])?;
        let changes = self.diff(&state);
        self.install(state);
        self.session = session;
        Ok(changes)
    }

    /// The relations whose size differs between the state in force and
    /// `new`, by name: new relations, changed ones, and removed ones.
    fn diff(&self, new: &Evaluated) -> Vec<Change> {
        let old: BTreeMap<&str, (usize, usize)> = self
            .state
            .program
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_query)
            .map(|(i, r)| (r.name.as_str(), (self.state.db.len(i), r.arity())))
            .collect();
        let mut changes: Vec<Change> = new
            .program
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_query)
            .filter_map(|(i, r)| {
                let now = new.db.len(i);
                let before = old.get(r.name.as_str()).map(|(n, _)| *n);
                (before != Some(now)).then(|| Change {
                    relation: r.name.clone(),
                    arity: r.arity(),
                    tuples: now,
                    before: before.unwrap_or(0),
                    new: before.is_none(),
                    removed: false,
                })
            })
            .collect();
        for (name, (before, arity)) in old {
            if new.program.relation_id(name).is_none() {
                changes.push(Change {
                    relation: name.to_string(),
                    arity,
                    tuples: 0,
                    before,
                    new: false,
                    removed: true,
                });
            }
        }
        changes.sort_by(|a, b| a.relation.cmp(&b.relation));
        changes
    }

    /// Loads a JSON data file into the workspace, all or nothing. When the
    /// rules are unchanged, the evaluation continues from the new facts.
    pub fn load_data_file(&mut self, path: &Path) -> Result<Vec<Change>, Error> {
        let text = read_text(path, &self.sources)?;
        let mark = self.sources.len();
        let saved_loader = self.loader.clone();
        let loaded = self
            .loader
            .load_str(&mut self.sources, &path.display().to_string(), &text)
            .map_err(|d| Error::new(d, &self.sources));
        let result = loaded.and_then(|set| {
            let state = self.build(&self.session, &set.facts)?;
            Ok((set, state))
        });
        match result {
            Ok((set, state)) => {
                let changes = self.diff(&state);
                self.install(state);
                self.facts.extend(set.facts);
                self.documents.extend(set.sources);
                Ok(changes)
            }
            Err(e) => {
                self.loader = saved_loader;
                self.sources.truncate(mark);
                Err(e)
            }
        }
    }

    /// Loads a rule file (`.dl`) into the session as if its text had been
    /// typed: its declarations, facts and rules join the session (so they
    /// are listed, retracted and saved like typed ones) and its queries are
    /// answered. All or nothing.
    pub fn load_rules_file(&mut self, path: &Path) -> Result<Submission, Error> {
        let text = read_text(path, &self.sources)?;
        self.submit(&path.display().to_string(), &text)
    }

    /// Loads a `.json` data file or a `.dl` rule file, by its extension.
    pub fn load_file(&mut self, path: &Path) -> Result<Submission, Error> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Ok(Submission {
                changes: self.load_data_file(path)?,
                incremental: self.state.incremental,
                ..Submission::default()
            }),
            Some("dl") => self.load_rules_file(path),
            _ => Err(Error::new(
                Diagnostic::new(
                    "unknown-file-kind",
                    format!(
                        "`{}` is neither a .json data file nor a .dl rule file",
                        path.display()
                    ),
                    None,
                )
                .with_help("load a data document ending in .json or a rule file ending in .dl"),
                &self.sources,
            )),
        }
    }
}
