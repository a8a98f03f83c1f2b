//! This module defines the [`Workspace`]: the library facade the command line
//! and the REPL stand on. A workspace holds the rule library, the loaded data
//! (with provenance) and the clauses an analyst added, keeps them checked and
//! evaluated, and answers queries. Every change is all or nothing: when a new
//! clause, file or query is rejected, the workspace stays exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::diag::{Diagnostic, Diagnostics, SourceId, SourceMap};
use crate::eval::{self, Database, EvalOptions, EvalStats};
use crate::io::data::{DataLoader, GroundFact, SourceDoc};
use crate::ir::{self, RelId};
use crate::value::Value;
use crate::{check, syntax};

/// Why a workspace operation failed: diagnostics over the workspace's texts.
#[derive(Clone, Debug)]
pub struct Error {
    /// The problems found.
    pub diagnostics: Diagnostics,
    /// The texts the diagnostics point into, for rendering.
    pub sources: SourceMap,
}

impl Error {
    fn new(diagnostics: impl Into<Diagnostics>, sources: &SourceMap) -> Error {
        Error {
            diagnostics: diagnostics.into(),
            sources: sources.clone(),
        }
    }

    /// The rendered diagnostics, with carets.
    pub fn render(&self) -> String {
        self.diagnostics.render(&self.sources)
    }

    /// The error codes in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.diagnostics.codes()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

impl std::error::Error for Error {}

/// The answers to a query: one column per named variable, rows sorted and
/// deduplicated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    /// Variable names, in order of first appearance.
    pub columns: Vec<String>,
    /// One row per distinct binding.
    pub rows: Vec<Vec<Value>>,
}

impl Answers {
    /// The rows with every value printed (symbols bare, dates ISO).
    pub fn strings(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|row| row.iter().map(ToString::to_string).collect())
            .collect()
    }
}

/// How a relation came to be, for listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationKind {
    /// Filled only from data files or facts.
    Base,
    /// Derived by the rule library.
    Derived,
    /// Defined or extended by the analyst in this session.
    Session,
}

/// A row of [`Workspace::relations`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationSummary {
    /// Its name.
    pub name: String,
    /// Number of columns.
    pub arity: usize,
    /// Number of tuples now.
    pub tuples: usize,
    /// Base, derived or session.
    pub kind: RelationKind,
}

/// A text in the workspace, with whether it belongs to the library or the
/// session.
#[derive(Clone, Debug)]
struct Clauses {
    id: SourceId,
    module: syntax::ast::Module,
}

/// The checked and evaluated state. Replaced whole on every accepted change.
struct Evaluated {
    program: ir::Program,
    db: Database,
    stats: EvalStats,
}

/// The rule library, the data and the analyst's additions, checked and
/// evaluated.
pub struct Workspace {
    sources: SourceMap,
    library: Vec<Clauses>,
    session: Vec<Clauses>,
    loader: DataLoader,
    facts: Vec<GroundFact>,
    documents: Vec<SourceDoc>,
    options: EvalOptions,
    state: Evaluated,
}

/// One line of what changed after an accepted change: `hot/1: 3 tuples (+3)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The relation.
    pub relation: String,
    /// Its arity.
    pub arity: usize,
    /// Tuples now.
    pub tuples: usize,
    /// Tuples before.
    pub before: usize,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let delta = self.tuples as i64 - self.before as i64;
        write!(
            f,
            "{}/{}: {} tuple{} ({}{})",
            self.relation,
            self.arity,
            self.tuples,
            if self.tuples == 1 { "" } else { "s" },
            if delta >= 0 { "+" } else { "" },
            delta
        )
    }
}

impl Workspace {
    /// An empty workspace: no rules, no data.
    pub fn empty() -> Workspace {
        let program = ir::Program::default();
        let db = Database::new(&program);
        Workspace {
            sources: SourceMap::new(),
            library: Vec::new(),
            session: Vec::new(),
            loader: DataLoader::new(),
            facts: Vec::new(),
            documents: Vec::new(),
            options: EvalOptions {
                record_rounds: true,
                ..EvalOptions::default()
            },
            state: Evaluated {
                program,
                db,
                stats: EvalStats::default(),
            },
        }
    }

    /// A workspace over the data/ and rules/ sleuth was built with.
    pub fn embedded() -> Result<Workspace, Error> {
        Workspace::embedded_with(Workspace::empty().options)
    }

    /// [`Workspace::embedded`] with evaluation options.
    pub fn embedded_with(options: EvalOptions) -> Result<Workspace, Error> {
        let mut ws = Workspace::empty();
        ws.options = options;
        ws.load_texts(
            &embedded_texts(crate::io::data::embedded()),
            &embedded_texts(crate::embedded::RULES),
        )?;
        Ok(ws)
    }

    /// A workspace over data files (JSON) and rule files (.dl). A directory
    /// stands for its `.json` or `.dl` files, in name order.
    pub fn open(data: &[PathBuf], rules: &[PathBuf]) -> Result<Workspace, Error> {
        Workspace::open_with(data, rules, Workspace::empty().options)
    }

    /// [`Workspace::open`] with evaluation options.
    pub fn open_with(
        data: &[PathBuf],
        rules: &[PathBuf],
        options: EvalOptions,
    ) -> Result<Workspace, Error> {
        let mut ws = Workspace::empty();
        ws.options = options;
        let data = read_all(data, "json", &ws.sources)?;
        let rules = read_all(rules, "dl", &ws.sources)?;
        ws.load_texts(&data, &rules)?;
        Ok(ws)
    }

    /// Checks rule files (the embedded library when none are given) and,
    /// when given, loads data files against them, without evaluating.
    /// Reports every error found.
    pub fn check_only(data: &[PathBuf], rules: &[PathBuf]) -> Result<ir::Program, Error> {
        let mut ws = Workspace::empty();
        let rules = if rules.is_empty() {
            embedded_texts(crate::embedded::RULES)
        } else {
            read_all(rules, "dl", &ws.sources)?
        };
        let data = read_all(data, "json", &ws.sources)?;
        for (name, text) in &data {
            ws.add_data(name, text)?;
        }
        let mut diagnostics = Diagnostics::default();
        for (name, text) in &rules {
            match ws.parse_text(name, text) {
                Ok(c) => ws.library.push(c),
                Err(e) => diagnostics.0.extend(e.diagnostics.0),
            }
        }
        if !diagnostics.is_empty() {
            return Err(Error::new(diagnostics, &ws.sources));
        }
        let modules: Vec<syntax::ast::Module> =
            ws.library.iter().map(|c| c.module.clone()).collect();
        let program =
            check::check(&ws.sources, &modules).map_err(|d| Error::new(d, &ws.sources))?;
        for fact in &ws.facts {
            ws.fact_relation(&program, fact)?;
        }
        Ok(program)
    }

    fn load_texts(
        &mut self,
        data: &[(String, String)],
        rules: &[(String, String)],
    ) -> Result<(), Error> {
        for (name, text) in data {
            self.add_data(name, text)?;
        }
        let mut library = Vec::new();
        for (name, text) in rules {
            library.push(self.parse_text(name, text)?);
        }
        self.library = library;
        self.reevaluate()?;
        Ok(())
    }

    /// Sets the evaluation options (tuple bound, cancellation, recording).
    pub fn set_options(&mut self, options: EvalOptions) {
        self.options = options;
    }

    /// The evaluation options in force.
    pub fn options(&self) -> &EvalOptions {
        &self.options
    }

    /// A flag that cancels the evaluation in progress when set.
    pub fn cancel_flag(&mut self) -> Arc<AtomicBool> {
        self.options
            .cancel
            .get_or_insert_with(|| Arc::new(AtomicBool::new(false)))
            .clone()
    }

    fn parse_text(&mut self, name: &str, text: &str) -> Result<Clauses, Error> {
        let id = self.sources.add(name, text);
        match syntax::parse(&self.sources, id) {
            Ok(module) => Ok(Clauses { id, module }),
            Err(diags) => {
                let err = Error::new(diags, &self.sources);
                self.sources.truncate(id.0 as usize);
                Err(err)
            }
        }
    }

    fn add_data(&mut self, name: &str, text: &str) -> Result<Vec<Change>, Error> {
        let before = self.sources.len();
        match self.loader.load_str(&mut self.sources, name, text) {
            Ok(set) => {
                self.facts.extend(set.facts);
                self.documents.extend(set.sources);
                Ok(Vec::new())
            }
            Err(d) => {
                let err = Error::new(d, &self.sources);
                self.sources.truncate(before);
                Err(err)
            }
        }
    }

    /// Checks and evaluates library + session + `extra` into a fresh state.
    fn build(&self, extra: Option<&Clauses>) -> Result<Evaluated, Error> {
        let modules: Vec<syntax::ast::Module> = self
            .library
            .iter()
            .chain(&self.session)
            .chain(extra)
            .map(|c| c.module.clone())
            .collect();
        let program =
            check::check(&self.sources, &modules).map_err(|d| Error::new(d, &self.sources))?;
        let mut db = Database::new(&program);
        db.load_program_facts(&program)
            .map_err(|d| Error::new(d, &self.sources))?;
        for fact in &self.facts {
            let rel = self.fact_relation(&program, fact)?;
            db.insert(rel, &fact.values)
                .map_err(|d| Error::new(d, &self.sources))?;
        }
        let stats = eval::evaluate(&program, &mut db, &self.options)
            .map_err(|d| Error::new(d, &self.sources))?;
        Ok(Evaluated { program, db, stats })
    }

    /// The relation a data fact belongs to, or an error when the rules do
    /// not declare it.
    fn fact_relation(&self, program: &ir::Program, fact: &GroundFact) -> Result<RelId, Error> {
        program.relation_id(&fact.relation).ok_or_else(|| {
            Error::new(
                Diagnostic::new(
                    "unknown-relation",
                    format!(
                        "the data names relation `{}`, which the rules do not declare",
                        fact.relation
                    ),
                    None,
                )
                .with_help("declare it in the rule library's schema (rules/schema.dl)"),
                &self.sources,
            )
        })
    }

    fn reevaluate(&mut self) -> Result<(), Error> {
        self.state = self.build(None)?;
        Ok(())
    }

    /// Answers a text holding zero or more facts and rules followed by one
    /// `?-` query. The facts and rules hold for this query only.
    pub fn query(&mut self, text: &str) -> Result<Answers, Error> {
        let mark = self.sources.len();
        let name = format!("<query:{}>", mark + 1);
        let clauses = self.parse_text(&name, text)?;
        let result = self.answer(&clauses);
        if result.is_err() {
            self.sources.truncate(mark);
        }
        result
    }

    fn answer(&self, clauses: &Clauses) -> Result<Answers, Error> {
        let state = self.build(Some(clauses))?;
        let query = match state.program.queries.as_slice() {
            [q] => q,
            [] => {
                return Err(Error::new(
                    Diagnostic::new("no-query", "the text holds no `?-` query", None)
                        .with_help("end it with a query such as `?- recurring_hotspot(P).`"),
                    &self.sources,
                ));
            }
            [_, second, ..] => {
                return Err(Error::new(
                    Diagnostic::new(
                        "too-many-queries",
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

    /// Adds facts and rules to the session (they persist), re-evaluates and
    /// reports the relations whose size changed. A query in the text is
    /// answered too. Nothing changes when the text is rejected.
    pub fn add_clauses(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<(Vec<Change>, Option<Answers>), Error> {
        let mark = self.sources.len();
        let clauses = self.parse_text(name, text)?;
        self.session.push(clauses);
        match self.build(None) {
            Ok(state) => {
                let changes = self.diff(&state);
                self.state = state;
                Ok((changes, None))
            }
            Err(e) => {
                self.session.pop();
                self.sources.truncate(mark);
                Err(e)
            }
        }
    }

    fn diff(&self, new: &Evaluated) -> Vec<Change> {
        let old: BTreeMap<&str, usize> = self
            .state
            .program
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.as_str(), self.state.db.len(i)))
            .collect();
        new.program
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_query)
            .filter_map(|(i, r)| {
                let now = new.db.len(i);
                let before = old.get(r.name.as_str()).copied().unwrap_or(0);
                let is_new = !old.contains_key(r.name.as_str());
                (now != before || is_new).then(|| Change {
                    relation: r.name.clone(),
                    arity: r.arity(),
                    tuples: now,
                    before,
                })
            })
            .collect()
    }

    /// Loads a JSON data file into the workspace, all or nothing.
    pub fn load_data_file(&mut self, path: &Path) -> Result<Vec<Change>, Error> {
        let text = read_text(path, &self.sources)?;
        let mark = self.sources.len();
        let saved_facts = self.facts.len();
        let saved_docs = self.documents.len();
        let saved_loader = self.loader.clone();
        self.add_data(&path.display().to_string(), &text)?;
        match self.build(None) {
            Ok(state) => {
                let changes = self.diff(&state);
                self.state = state;
                Ok(changes)
            }
            Err(e) => {
                self.facts.truncate(saved_facts);
                self.documents.truncate(saved_docs);
                self.loader = saved_loader;
                self.sources.truncate(mark);
                Err(e)
            }
        }
    }

    /// The checked program now in force (library + session).
    pub fn program(&self) -> &ir::Program {
        &self.state.program
    }

    /// The evaluated relations.
    pub fn database(&self) -> &Database {
        &self.state.db
    }

    /// Statistics of the last evaluation.
    pub fn stats(&self) -> &EvalStats {
        &self.state.stats
    }

    /// Every text the workspace has read.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The base facts loaded from data files, with provenance.
    pub fn facts(&self) -> &[GroundFact] {
        &self.facts
    }

    /// The source documents of the loaded data.
    pub fn documents(&self) -> &[SourceDoc] {
        &self.documents
    }

    /// Number of rules in the library and the session.
    pub fn rule_count(&self) -> usize {
        self.state
            .program
            .rules
            .iter()
            .filter(|r| !self.state.program.relations[r.head.rel].is_query)
            .count()
    }

    /// Every visible relation with its size and kind, by name.
    pub fn relations(&self) -> Vec<RelationSummary> {
        let program = &self.state.program;
        let session_heads = self.session_heads();
        let mut out: Vec<RelationSummary> = program
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_query)
            .map(|(i, r)| RelationSummary {
                name: r.name.clone(),
                arity: r.arity(),
                tuples: self.state.db.len(i),
                kind: if session_heads.contains(&i) {
                    RelationKind::Session
                } else if program.rules.iter().any(|rule| rule.head.rel == i) {
                    RelationKind::Derived
                } else {
                    RelationKind::Base
                },
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn session_heads(&self) -> Vec<RelId> {
        let session: Vec<SourceId> = self.session.iter().map(|c| c.id).collect();
        let program = &self.state.program;
        let mut heads: Vec<RelId> = program
            .rules
            .iter()
            .filter(|r| session.contains(&r.span.source))
            .map(|r| r.head.rel)
            .chain(
                program
                    .facts
                    .iter()
                    .filter(|f| session.contains(&f.span.source))
                    .map(|f| f.rel),
            )
            .collect();
        heads.sort_unstable();
        heads.dedup();
        heads
    }
}

fn embedded_texts(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

fn read_text(path: &Path, sources: &SourceMap) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            Diagnostic::new("io", format!("cannot read `{}`: {e}", path.display()), None)
                .with_help("check the path and that the file is readable text"),
            sources,
        )
    })
}

/// Reads files, expanding directories into their files with the extension,
/// sorted by name.
fn read_all(
    paths: &[PathBuf],
    ext: &str,
    sources: &SourceMap,
) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                Error::new(
                    Diagnostic::new("io", format!("cannot list `{}`: {e}", path.display()), None),
                    sources,
                )
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect();
            files.sort();
            for file in files {
                out.push((file.display().to_string(), read_text(&file, sources)?));
            }
        } else {
            out.push((path.display().to_string(), read_text(path, sources)?));
        }
    }
    Ok(out)
}
