//! This module defines the changes an analyst makes to a workspace: typed
//! text (facts, rules, declarations, queries), data and rule files loaded
//! during the session, and what each change did, relation by relation. Each
//! is all or nothing.

use crate::diag::Code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::saved::{Document, normalized};
use super::sourced::{self, SessionSource};
use super::{
    Answers, Change, Clauses, Error, Evaluated, SessionItem, Submission, Workspace, read_all,
    read_text,
};
use crate::diag::Diagnostic;
use crate::io::data::{GroundFact, SourceDoc};
use crate::ir::RelId;
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
        let result = sourced::sources_of_items(&clauses.module, self.typed_source.clone())
            .map_err(|d| Error::new(d, &self.sources))
            .and_then(|sources| self.submit_parsed(clauses, sources, &NewData::default()));
        match &result {
            // A text of queries only leaves nothing behind that points into it.
            Ok(s) if s.added == 0 => self.sources.truncate(mark),
            Ok(_) => {}
            Err(_) => self.sources.truncate(mark),
        }
        result
    }

    /// Adds the text's items to the session and `new_data` to the data,
    /// re-evaluating, and answers the text's queries. Changes nothing on
    /// error.
    /// `sources` gives the source each item was typed under.
    fn submit_parsed(
        &mut self,
        clauses: Clauses,
        sources: Vec<Option<SessionSource>>,
        new_data: &NewData,
    ) -> Result<Submission, Error> {
        let (queries, items): (Vec<_>, Vec<_>) = clauses
            .module
            .items
            .into_iter()
            .zip(sources)
            .partition(|(item, _)| matches!(item, syntax::ast::Item::Query(_)));
        let added = items.len();
        let mut session = self.session.clone();
        session.extend(items.into_iter().map(|(item, source)| SessionItem {
            id: clauses.id,
            item,
            source,
        }));
        let new_state = if added > 0 || !new_data.facts.is_empty() {
            Some(self.build(&session, &new_data.facts, &new_data.documents)?)
        } else {
            None
        };
        let state = new_state.as_ref().unwrap_or(&self.state);
        let mut answers = Vec::with_capacity(queries.len());
        for (query, _) in queries {
            let module = syntax::ast::Module {
                source: clauses.id,
                items: vec![query],
                pragmas: Vec::new(),
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
        let state = self.build(&session, &[], &[])?;
        let changes = self.diff(&state);
        self.install(state);
        self.session = session;
        Ok(changes)
    }

    /// The relations whose tuples differ between the state in force and
    /// `new`, by name: new relations, changed ones (in size, or in content
    /// at the same size), and removed ones.
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
                let replaced = match before {
                    Some(n) if n == now => self.replaced(&r.name, new, i),
                    _ => 0,
                };
                (before != Some(now) || replaced > 0).then(|| Change {
                    relation: r.name.clone(),
                    arity: r.arity(),
                    tuples: now,
                    before: before.unwrap_or(0),
                    new: before.is_none(),
                    removed: false,
                    replaced,
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
                    replaced: 0,
                });
            }
        }
        changes.sort_by(|a, b| a.relation.cmp(&b.relation));
        changes
    }

    /// How many tuples of relation `name` in the state in force are not in
    /// relation `rel` of `new` (for two relations of the same size: as many
    /// came in as went out).
    fn replaced(&self, name: &str, new: &Evaluated, rel: RelId) -> usize {
        let Some(old) = self.state.program.relation_id(name) else {
            return 0;
        };
        self.state
            .db
            .rows(old)
            .filter(|row| !new.db.contains(rel, &row.values()))
            .count()
    }

    /// Loads a JSON data file into the workspace, all or nothing. When the
    /// rules are unchanged, the evaluation continues from the new facts.
    pub fn load_data_file(&mut self, path: &Path) -> Result<Vec<Change>, Error> {
        self.load_data_paths(std::slice::from_ref(&path.to_path_buf()))
    }

    /// Loads data files, a folder standing for its `.json` files in name
    /// order (as `--data` does), as one change: all or nothing.
    pub(crate) fn load_data_paths(&mut self, paths: &[PathBuf]) -> Result<Vec<Change>, Error> {
        Ok(self.load_data_noting(paths)?.changes)
    }

    /// [`Workspace::load_data_paths`], with a note for each document that was
    /// already loaded (the same source, the same JSON) and so added nothing.
    fn load_data_noting(&mut self, paths: &[PathBuf]) -> Result<Submission, Error> {
        for path in paths.iter().filter(|p| p.is_dir()) {
            let has_json = std::fs::read_dir(path).is_ok_and(|entries| {
                entries.filter_map(Result::ok).any(|e| {
                    e.path()
                        .extension()
                        .is_some_and(|x| x == "json" || x == "csv")
                })
            });
            if !has_json {
                return Err(Error::new(
                    Diagnostic::new(
                        Code::NoDataFiles,
                        format!(
                            "the folder `{}` holds no .json data file or .csv ACLED export",
                            path.display()
                        ),
                        None,
                    )
                    .with_help("give a folder of data documents (*.json), or one file"),
                    &self.sources,
                ));
            }
        }
        let texts = read_all(paths, "json", &self.sources)?;
        let documents = texts
            .into_iter()
            .map(|(name, text)| Document {
                name,
                text,
                parse_as: None,
            })
            .collect();
        self.all_or_nothing(|ws| {
            let before = ws.possible_matches();
            let data = ws.read_documents(documents)?;
            let mut notes = data.already.clone();
            let state = ws.build(&ws.session, &data.facts, &data.documents)?;
            let changes = ws.diff(&state);
            ws.install(state);
            ws.keep_data(data);
            notes.extend(new_matches(&before, &ws.possible_matches()));
            Ok(Submission {
                changes,
                notes,
                incremental: ws.state.incremental,
                ..Submission::default()
            })
        })
    }

    /// Runs a change that reads data documents; on error, forgets the texts
    /// and documents it read, so the workspace is as it was.
    fn all_or_nothing<T>(
        &mut self,
        change: impl FnOnce(&mut Workspace) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mark = self.sources.len();
        let saved_loader = self.loader.clone();
        let result = change(self);
        if result.is_err() {
            self.loader = saved_loader;
            self.sources.truncate(mark);
        }
        result
    }

    /// Reads data documents into the loader (the caller restores it on
    /// error, see [`Workspace::all_or_nothing`]).
    fn read_documents(&mut self, documents: Vec<Document>) -> Result<NewData, Error> {
        let mut data = NewData::default();
        for doc in documents {
            let (name, text) = doc
                .parse_as
                .clone()
                .unwrap_or_else(|| (doc.name.clone(), doc.text.clone()));
            let set = self
                .loader
                .load_str(&mut self.sources, &name, &text)
                .map_err(|d| Error::new(d, &self.sources))?;
            if set.is_empty() {
                // The same document again (same source, same JSON).
                data.already.push(format!(
                    "{} is already loaded (the same source, the same content): not loaded again",
                    doc.name
                ));
                continue;
            }
            data.facts.extend(set.facts);
            data.documents
                .extend(set.sources.into_iter().map(|mut source| {
                    source.file = doc.name.clone();
                    source
                }));
            data.texts.push((doc.name, doc.text));
        }
        Ok(data)
    }

    /// Makes data read by an accepted change part of the workspace.
    fn keep_data(&mut self, data: NewData) {
        self.facts.extend(data.facts);
        self.documents.extend(data.documents);
        self.session_documents.extend(data.texts);
    }

    /// Loads a rule file (`.dl`) into the session as if its text had been
    /// typed: its declarations, facts and rules join the session (so they
    /// are listed, retracted and saved like typed ones) and its queries are
    /// answered. The data documents a saved session keeps (see
    /// [`Workspace::session_text`]) are loaded with their provenance.
    /// Entries already in the session, and documents already loaded in it,
    /// are not added again (a note says so). All or nothing.
    pub fn load_rules_file(&mut self, path: &Path) -> Result<Submission, Error> {
        let text = read_text(path, &self.sources)?;
        let name = path.display().to_string();
        self.all_or_nothing(|ws| ws.load_rules_text(&name, &text))
    }

    fn load_rules_text(&mut self, name: &str, text: &str) -> Result<Submission, Error> {
        let mark = self.sources.len();
        let mut clauses = self.parse_text(name, text)?;
        if let Some(io) = clauses.module.items.iter().find_map(|item| match item {
            syntax::ast::Item::Io(io) if io.kind == syntax::ast::IoKind::Input => Some(io),
            _ => None,
        }) {
            return Err(Error::new(
                Diagnostic::new(
                    Code::InputInSession,
                    "`:load` does not read the files `.input` names",
                    Some(io.span),
                )
                .with_label("the session has no folder of fact files")
                .with_help(
                    "load the facts as a data document (`:load FILE.json`) or write them as facts in the file; `sleuth run PROGRAM.dl -F DIR` reads `.input` files",
                ),
                &self.sources,
            ));
        }
        let mut notes = Vec::new();
        let (documents, already) = self.kept_documents(name, text);
        for doc in already {
            notes.push(format!(
                "{doc} is already loaded in the session: not loaded again"
            ));
        }
        let data = self.read_documents(documents)?;
        let sources = sourced::sources_of_items(&clauses.module, None)
            .map_err(|d| Error::new(d, &self.sources))?;
        let existing: Vec<(String, Option<SessionSource>)> = self
            .session
            .iter()
            .zip(self.session_entries())
            .map(|(item, e)| (normalized(&e.text), item.source.clone()))
            .collect();
        let before = clauses.module.items.len();
        let (items, sources): (Vec<_>, Vec<_>) = std::mem::take(&mut clauses.module.items)
            .into_iter()
            .zip(sources)
            .filter(|(item, source)| {
                matches!(item, syntax::ast::Item::Query(_))
                    || !existing.contains(&(normalized(&self.item_text(item)), source.clone()))
            })
            .unzip();
        clauses.module.items = items;
        let skipped = before - clauses.module.items.len();
        if skipped > 0 {
            notes.push(format!(
                "{skipped} {} of {name} {} already in the session: not added again (`:rules` lists them)",
                if skipped == 1 { "entry" } else { "entries" },
                if skipped == 1 { "is" } else { "are" },
            ));
        }
        let mut submission = self.submit_parsed(clauses, sources, &data)?;
        if submission.added == 0 && data.texts.is_empty() {
            self.sources.truncate(mark);
        }
        self.keep_data(data);
        submission.notes = notes;
        Ok(submission)
    }

    /// The text of an item of a text being loaded, as `:rules` shows it.
    fn item_text(&self, item: &syntax::ast::Item) -> String {
        let mut text = self
            .sources
            .snippet(super::edit::item_span(item))
            .to_string();
        if matches!(item, syntax::ast::Item::Clause(_)) && !text.ends_with('.') {
            text.push('.');
        }
        text
    }

    /// Loads a `.json` data file, a `.csv` ACLED export or a `.dl` rule
    /// file, by its extension. A folder is loaded as its `.json` data files
    /// and `.csv` exports, as `--data` does.
    pub fn load_file(&mut self, path: &Path) -> Result<Submission, Error> {
        if path.is_dir() {
            return self.load_data_noting(&[path.to_path_buf()]);
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("json" | "csv") => self.load_data_noting(&[path.to_path_buf()]),
            Some("dl") => self.load_rules_file(path),
            _ => Err(Error::new(
                Diagnostic::new(
                    Code::UnknownFileKind,
                    format!(
                        "`{}` is neither a .json data file, a .csv ACLED export nor a .dl rule file",
                        path.display()
                    ),
                    None,
                )
                .with_help(
                    "load a data document ending in .json, an ACLED export ending in .csv, a folder of them, or a rule file ending in .dl",
                ),
                &self.sources,
            )),
        }
    }
}

/// A note for each possible match (an ACLED name like a declared one) that
/// loading added.
fn new_matches(
    before: &[crate::io::acled::PossibleMatch],
    after: &[crate::io::acled::PossibleMatch],
) -> Vec<String> {
    let key = |m: &crate::io::acled::PossibleMatch| (m.kind, m.acled.clone(), m.known.clone());
    let old: std::collections::BTreeSet<_> = before.iter().map(key).collect();
    after
        .iter()
        .filter(|m| !old.contains(&key(m)))
        .map(|m| {
            format!(
                "possible match: ACLED's {} `{}` may be `{}` of {}; not merged (`:matches` lists them)",
                m.kind,
                m.acled,
                m.known,
                m.sources.join(", ")
            )
        })
        .collect()
}

/// Data documents read by a change, not yet part of the workspace.
#[derive(Default)]
pub(super) struct NewData {
    facts: Vec<GroundFact>,
    documents: Vec<SourceDoc>,
    /// Each document's name and text, for `:save`.
    texts: Vec<(String, String)>,
    /// A note for each document that was already loaded, so added nothing.
    already: Vec<String>,
}
