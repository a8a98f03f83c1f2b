//! This module defines the [`Workspace`]: the library facade the command line
//! and the REPL stand on. A workspace holds the rule library, the loaded data
//! (with provenance) and the clauses an analyst added, keeps them checked and
//! evaluated, and answers queries. Every change is all or nothing: when a new
//! clause, file or query is rejected, the workspace stays exactly as it was.

use crate::diag::Code;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::diag::{Diagnostic, Diagnostics, SourceId, SourceMap};
use crate::eval::{Database, EvalOptions, EvalStats};
use crate::io::data::{DataLoader, GroundFact, SourceDoc};
use crate::ir::{self, RelId};
use crate::progress::{Loading, Reporter};
use crate::value::Value;
use crate::{check, syntax};

mod attestations;
mod builder;
mod change;
mod edit;
mod evaluate;
mod inputs;
mod saved;
mod schema;
mod sourced;
mod variant;

pub use attestations::{ATTESTED_SUFFIX, GRADE_CONFIDENCE, SOURCE_ORIGIN, attested_name};
pub(crate) use attestations::{Attestation, is_provenance, origins};
pub use builder::Builder;
pub use edit::{EntryKind, SessionEntry};
pub use inputs::Inputs;
pub(crate) use schema::Schema;
pub use sourced::SessionSource;
pub(crate) use sourced::source_at;
pub use variant::BaseFact;

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
    /// A provenance relation filled from the attestations of base facts
    /// (`R_attested`, `source_origin`, `grade_confidence`).
    Provenance,
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

/// A text in the rule library.
#[derive(Clone, Debug)]
struct Clauses {
    id: SourceId,
    module: syntax::ast::Module,
}

/// One top-level item the analyst added (a declaration, a fact, a rule or a
/// directive), with the text it was written in. The session is a list of
/// them so that one can be retracted on its own.
#[derive(Clone, Debug)]
struct SessionItem {
    id: SourceId,
    item: syntax::ast::Item,
    /// The source and grade a fact was typed under (`:source`, or
    /// `.pragma "source"` in a loaded file).
    source: Option<SessionSource>,
}

impl SessionItem {
    fn module(&self) -> syntax::ast::Module {
        syntax::ast::Module {
            source: self.id,
            items: vec![self.item.clone()],
            pragmas: Vec::new(),
        }
    }
}

/// The checked and evaluated state. Replaced whole on every accepted change.
#[derive(Clone)]
struct Evaluated {
    program: ir::Program,
    db: Database,
    stats: EvalStats,
    /// Whether it was reached by continuing the previous evaluation from new
    /// facts rather than by evaluating from scratch.
    incremental: bool,
    /// What evaluated the rule library: whether the compiled program ran,
    /// and why not when the automatic choice fell back to the interpreter.
    engine: EngineReport,
    /// Whether the evaluation kept its per-rule statistics
    /// ([`EvalOptions::profile`]).
    profiled: bool,
}

/// Which path evaluated the rule library in the state in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineReport {
    /// Whether the crepe-compiled library filled the library's relations.
    pub compiled: bool,
    /// Why the interpreter evaluated the library instead, when it did.
    pub note: Option<String>,
}

/// The rule library, the data and the analyst's additions, checked and
/// evaluated. A clone is an independent session over the same state (it
/// shares only the cancel flag of [`Workspace::options`]).
#[derive(Clone)]
pub struct Workspace {
    sources: SourceMap,
    library: Vec<Clauses>,
    session: Vec<SessionItem>,
    loader: DataLoader,
    facts: Vec<GroundFact>,
    documents: Vec<SourceDoc>,
    /// The name and text of each data document loaded during the session,
    /// for `:save` to keep whole.
    session_documents: Vec<(String, String)>,
    /// The source facts typed from now on are attested by (`:source`).
    typed_source: Option<SessionSource>,
    options: EvalOptions,
    engine: crate::compiled::Engine,
    state: Evaluated,
    /// Names the state in force (see [`Workspace::generation`]).
    generation: u64,
}

/// The last generation given to a workspace state, process-wide, so that
/// states of different workspaces never share one.
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
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
    /// Whether the relation did not exist before.
    pub new: bool,
    /// Whether the relation no longer exists (its last rule, fact or
    /// declaration was removed).
    pub removed: bool,
    /// When the number of tuples stayed the same but the tuples did not:
    /// how many came in and went out (the same number), such as an
    /// aggregate going from 1 to 2 for one group. Zero otherwise.
    pub replaced: usize,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = format!("{}/{}", self.relation, self.arity);
        if self.removed {
            return write!(f, "{name}: removed (-{})", self.before);
        }
        let tuples = format!(
            "{} tuple{}",
            self.tuples,
            if self.tuples == 1 { "" } else { "s" }
        );
        if self.new && self.tuples == 0 {
            return write!(f, "{name}: {tuples} (new)");
        }
        if self.replaced > 0 {
            let n = self.replaced;
            return write!(f, "{name}: {tuples} (changed: +{n} -{n})");
        }
        let delta = self.tuples as i64 - self.before as i64;
        write!(
            f,
            "{name}: {tuples} ({}{delta})",
            if delta >= 0 { "+" } else { "" }
        )
    }
}

/// What an accepted [`Workspace::submit`] did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Submission {
    /// How many declarations, facts, rules and directives joined the session.
    pub added: usize,
    /// The relations whose tuples changed (or that are new), by name.
    pub changes: Vec<Change>,
    /// The answers to the text's `?-` queries, in order.
    pub answers: Vec<Answers>,
    /// Whether the change was evaluated incrementally (only facts were added,
    /// so the previous evaluation continued from them).
    pub incremental: bool,
    /// What the analyst should know about how the change was made (parts
    /// of a loaded file already in the session and not added again).
    pub notes: Vec<String>,
}

impl Workspace {
    /// The options a workspace evaluates with unless told otherwise: an
    /// interactive session's, recording how each fact was derived.
    fn default_options() -> EvalOptions {
        EvalOptions {
            record_rounds: true,
            ..EvalOptions::interactive()
        }
    }

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
            session_documents: Vec::new(),
            typed_source: None,
            options: Workspace::default_options(),
            engine: crate::compiled::Engine::Auto,
            state: Evaluated {
                program,
                db,
                stats: EvalStats::default(),
                incremental: false,
                engine: EngineReport::default(),
                profiled: false,
            },
            generation: next_generation(),
        }
    }

    /// Checks rule texts and loads data texts against them, collecting
    /// every parse error before reporting.
    fn check_texts(
        &mut self,
        data: &[(String, String)],
        rules: &[(String, String)],
    ) -> Result<ir::Program, Error> {
        for (name, text) in data {
            self.add_data(name, text)?;
        }
        let mut diagnostics = Diagnostics::default();
        for (name, text) in rules {
            match self.parse_text(name, text) {
                Ok(c) => self.library.push(c),
                Err(e) => diagnostics.0.extend(e.diagnostics.0),
            }
        }
        if !diagnostics.is_empty() {
            return Err(Error::new(diagnostics, &self.sources));
        }
        let program = self.check_modules(&self.modules(&[], &[]))?;
        for fact in &self.facts {
            self.fact_relation(&program, fact)?;
        }
        Ok(program)
    }

    fn load_texts(
        &mut self,
        data: &[(String, String)],
        rules: &[(String, String)],
    ) -> Result<(), Error> {
        let progress = self.options.progress.clone();
        let mut reporter = Reporter::new(progress.as_deref());
        for (done, (name, text)) in data.iter().enumerate() {
            if let Some((progress, elapsed)) = reporter.due() {
                progress.loading(&Loading {
                    file: name,
                    files_done: done,
                    files: data.len(),
                    rows: self.facts.len() as u64,
                    elapsed,
                });
            }
            self.add_data(name, text)?;
        }
        drop(reporter);
        let mut library = Vec::new();
        for (name, text) in rules {
            library.push(self.parse_text(name, text)?);
        }
        self.library = library;
        let state = self.build(&[], &[], &[])?;
        self.install(state);
        Ok(())
    }

    /// Sets the evaluation options (bounds, cancellation, recording,
    /// progress). A workspace starts with [`EvalOptions::interactive`]'s
    /// bounds, recording derivation rounds.
    pub fn set_options(&mut self, options: EvalOptions) {
        self.options = options;
    }

    /// The evaluation options in force.
    pub fn options(&self) -> &EvalOptions {
        &self.options
    }

    /// A flag that cancels the evaluation in progress when set. The change
    /// being evaluated is then rejected and the workspace stays as it was;
    /// clear the flag before the next change.
    pub fn cancel_flag(&mut self) -> Arc<AtomicBool> {
        self.options
            .cancel
            .get_or_insert_with(|| Arc::new(AtomicBool::new(false)))
            .clone()
    }

    fn parse_text(&mut self, name: &str, text: &str) -> Result<Clauses, Error> {
        let id = self.sources.add(name, text);
        match syntax::parse(&self.sources, id).and_then(|module| {
            match sourced::check_pragmas(&module) {
                Ok(()) => Ok(module),
                Err(d) => Err(d.into()),
            }
        }) {
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

    /// The library's modules, then the session's items, then `extra`.
    fn modules(
        &self,
        session: &[SessionItem],
        extra: &[syntax::ast::Module],
    ) -> Vec<syntax::ast::Module> {
        self.library
            .iter()
            .map(|c| c.module.clone())
            .chain(session.iter().map(SessionItem::module))
            .chain(extra.iter().cloned())
            .collect()
    }

    fn check_modules(&self, modules: &[syntax::ast::Module]) -> Result<ir::Program, Error> {
        check::check(&self.sources, modules).map_err(|d| Error::new(d, &self.sources))
    }

    /// The relation a data fact belongs to, or an error when the rules do
    /// not declare it.
    fn fact_relation(&self, program: &ir::Program, fact: &GroundFact) -> Result<RelId, Error> {
        program.relation_id(&fact.relation).ok_or_else(|| {
            Error::new(
                Diagnostic::new(
                    Code::UnknownRelation,
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

    /// Which path evaluated the rule library in the state in force, and why
    /// the interpreter did when the automatic choice fell back to it.
    pub fn engine_report(&self) -> &EngineReport {
        &self.state.engine
    }

    /// A number naming the state in force: every accepted change (facts or
    /// rules added, a retraction, a dropped relation, a data file loaded)
    /// gives a new one, never used before in this process. What was computed
    /// from a state (such as explanations' confidences) is current while the
    /// generation is the same.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Puts a new evaluated state in force.
    fn install(&mut self, state: Evaluated) {
        self.state = state;
        self.generation = next_generation();
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

    /// [`Workspace::stats`] as a profile (`:profile`, `--profile`), with a
    /// note when the per-rule table cannot show every rule, and why.
    pub fn profile_report(&self) -> String {
        let mut out = self.state.stats.render();
        if self.state.engine.compiled {
            out.push_str(
                "\nnote: the rule library ran compiled, which counts no time or tuples per rule, \
                 so its rules are not in the table (rules added in the session are); use \
                 `--engine interpreted` for a breakdown of every rule\n",
            );
        } else if !self.state.profiled {
            out.push_str(
                "\nnote: this evaluation ran when the workspace opened, before per-rule times \
                 were kept; the table fills from the next change (a fact, a rule or a `:load`)\n",
            );
        }
        out
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

    /// What each STIX bundle loaded mapped onto the schema and what it
    /// left out, with the name it was loaded as.
    pub fn stix_imports(&self) -> &[(String, crate::io::stix::ImportSummary)] {
        self.loader.stix_imports()
    }

    /// The single-valued fields the loaded sources give differently (both
    /// values are facts; see [`crate::io::data::Conflict`]), by kind, entity
    /// and field.
    pub fn conflicts(&self) -> Vec<crate::io::data::Conflict> {
        crate::io::data::conflicts_of(&self.facts)
    }

    /// The names ACLED events bring that may be names the other sources
    /// declare under another spelling (never merged; see
    /// [`crate::io::acled::PossibleMatch`]).
    pub fn possible_matches(&self) -> Vec<crate::io::acled::PossibleMatch> {
        crate::io::acled::possible_matches(&self.facts)
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
                kind: self.kind_of(i, &session_heads),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn kind_of(&self, rel: RelId, session_heads: &[RelId]) -> RelationKind {
        if session_heads.contains(&rel) {
            RelationKind::Session
        } else if self.state.program.rules.iter().any(|r| r.head.rel == rel) {
            RelationKind::Derived
        } else if attestations::relation(
            &self.state.program,
            &self.state.program.relations[rel].name,
        )
        .ok()
        .flatten()
        .is_some()
        {
            RelationKind::Provenance
        } else {
            RelationKind::Base
        }
    }

    /// The relations the session defines or extends: heads of its rules and
    /// facts, and the relations it declares.
    fn session_heads(&self) -> Vec<RelId> {
        let session: Vec<SourceId> = self.session.iter().map(|c| c.id).collect();
        let program = &self.state.program;
        let declared = self.session.iter().flat_map(|s| match &s.item {
            syntax::ast::Item::Decl(d) => d.names.iter().map(|n| n.name.as_str()).collect(),
            _ => Vec::new(),
        });
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
            .chain(declared.filter_map(|name| program.relation_id(name)))
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
            Diagnostic::new(
                Code::UnreadableFile,
                format!("cannot read `{}`: {e}", path.display()),
                None,
            )
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
                    Diagnostic::new(
                        Code::UnreadableFile,
                        format!("cannot list `{}`: {e}", path.display()),
                        None,
                    ),
                    sources,
                )
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == ext || (ext == "json" && x == "csv"))
                })
                .collect();
            // A folder's ACLED exports (*.csv) load after its documents, so
            // the places the reports declare are the ones events name.
            files.sort_by_key(|p| (p.extension().is_some_and(|x| x == "csv"), p.clone()));
            for file in files {
                out.push((file.display().to_string(), read_text(&file, sources)?));
            }
        } else {
            out.push((path.display().to_string(), read_text(path, sources)?));
        }
    }
    Ok(out)
}

/// `file:line` of the start of a span.
fn place(sources: &SourceMap, span: crate::diag::Span) -> String {
    let file = sources.file(span.source);
    let (line, _) = file.line_col(span.start as usize);
    format!("{}:{}", file.name, line)
}
