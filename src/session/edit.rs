//! This module defines the session's own entries as the analyst sees them:
//! numbered declarations, facts, rules and directives; retracting one,
//! dropping everything the session says about a relation, and writing the
//! session to a `.dl` file that loads back into the same answers.

use crate::diag::Code;
use std::io::Write as _;
use std::path::Path;

use super::{Change, Error, SessionItem, SessionSource, Workspace, place};
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::syntax::ast::Item;

/// What a session entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// `.decl` or `.type`.
    Declaration,
    /// A fact (a clause without body).
    Fact,
    /// A rule.
    Rule,
    /// `.input`, `.output` or `.printsize`.
    Directive,
}

/// One numbered entry of the session, as listed by the REPL's `:rules`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEntry {
    /// Its number, from 1, in the order entries were added.
    pub number: usize,
    /// What it is.
    pub kind: EntryKind,
    /// Its text as written (possibly several lines).
    pub text: String,
    /// Where it was written: `file:line`.
    pub location: String,
    /// The relations it defines or declares.
    pub relations: Vec<String>,
    /// For a fact typed under a source (`:source`), the source and grade.
    pub source: Option<SessionSource>,
}

pub(super) fn item_span(item: &Item) -> Span {
    match item {
        Item::Decl(d) => d.span,
        Item::Type(t) => t.span,
        Item::Io(io) => io.span,
        Item::Clause(c) => c.span,
        Item::Query(q) => q.span,
    }
}

fn item_kind(item: &Item) -> EntryKind {
    match item {
        Item::Decl(_) | Item::Type(_) => EntryKind::Declaration,
        Item::Io(_) => EntryKind::Directive,
        Item::Clause(c) if c.body.is_none() => EntryKind::Fact,
        Item::Clause(_) | Item::Query(_) => EntryKind::Rule,
    }
}

fn item_relations(item: &Item) -> Vec<String> {
    match item {
        Item::Decl(d) => d.names.iter().map(|n| n.name.clone()).collect(),
        Item::Io(io) => io.relations.iter().map(|n| n.name.clone()).collect(),
        Item::Clause(c) => c.heads.iter().map(|h| h.name.name.clone()).collect(),
        Item::Type(_) | Item::Query(_) => Vec::new(),
    }
}

impl Workspace {
    fn entry(&self, number: usize, item: &SessionItem) -> SessionEntry {
        let span = item_span(&item.item);
        let mut text = self.sources.snippet(span).to_string();
        if matches!(item.item, Item::Clause(_)) && !text.ends_with('.') {
            text.push('.');
        }
        SessionEntry {
            number,
            kind: item_kind(&item.item),
            text,
            location: place(&self.sources, span),
            relations: item_relations(&item.item),
            source: match item_kind(&item.item) {
                EntryKind::Fact => item.source.clone(),
                _ => None,
            },
        }
    }

    /// The session's entries, numbered from 1 in the order they were added.
    pub fn session_entries(&self) -> Vec<SessionEntry> {
        self.session
            .iter()
            .enumerate()
            .map(|(i, item)| self.entry(i + 1, item))
            .collect()
    }

    /// Removes session entry `number` (see [`Workspace::session_entries`])
    /// and re-evaluates. Rejected, changing nothing, when other entries
    /// still need it.
    pub fn retract(&mut self, number: usize) -> Result<(SessionEntry, Vec<Change>), Error> {
        if number == 0 || number > self.session.len() {
            let n = self.session.len();
            let help = if n == 0 {
                "the session has no entries yet: type a fact or a rule to add one".to_string()
            } else {
                format!("give a number from 1 to {n}; `:rules` lists them")
            };
            return Err(Error::new(
                Diagnostic::new(
                    Code::NoSuchEntry,
                    format!("the session has no entry {number}"),
                    None,
                )
                .with_help(help),
                &self.sources,
            ));
        }
        let entry = self.entry(number, &self.session[number - 1]);
        let mut session = self.session.clone();
        session.remove(number - 1);
        let changes = self
            .replace_session(session)
            .map_err(|e| self.in_use(e, &[number], &format!("retract entry {number}")))?;
        Ok((entry, changes))
    }

    /// Removes the session fact equal to the one written in `text` (such as
    /// `hot("Tangier").`); `name` names the text in diagnostics. Only facts
    /// the session added can be retracted.
    pub fn retract_fact(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<(SessionEntry, Vec<Change>), Error> {
        let mark = self.sources.len();
        let found = self.find_session_fact(name, text);
        self.sources.truncate(mark);
        self.retract(found?)
    }

    /// The number of the session entry holding the fact written in `text`.
    fn find_session_fact(&mut self, name: &str, text: &str) -> Result<usize, Error> {
        let clauses = self.parse_text(name, text)?;
        let lead = text.len() - text.trim_start().len();
        let whole = Span::new(clauses.id, lead, text.trim_end().len());
        let is_fact = matches!(
            clauses.module.items.as_slice(),
            [Item::Clause(c)] if c.body.is_none() && c.heads.len() == 1
        );
        if !is_fact {
            return Err(Error::new(
                Diagnostic::new(Code::NotAFact, "`:retract` takes one fact", Some(whole))
                    .with_help(
                        "write the fact as it was added, e.g. `:retract hot(\"Tangier\").`, or give its number from `:rules`",
                    ),
                &self.sources,
            ));
        }
        let program = self
            .check_modules(&self.modules(&self.session, std::slice::from_ref(&clauses.module)))?;
        let wanted = program
            .facts
            .iter()
            .find(|f| f.span.source == clauses.id)
            .expect("the text is one fact, so the program has it");
        let holds = |item: &SessionItem| {
            let Item::Clause(c) = &item.item else {
                return false;
            };
            c.body.is_none()
                && program.facts.iter().any(|f| {
                    f.span.source == item.id
                        && c.span.start <= f.span.start
                        && f.span.end <= c.span.end
                        && f.rel == wanted.rel
                        && f.values == wanted.values
                })
        };
        match self.session.iter().position(holds) {
            Some(i) => Ok(i + 1),
            None => Err(Error::new(
                Diagnostic::new(
                    Code::NotInSession,
                    "this fact was not added in this session",
                    Some(whole),
                )
                .with_help(
                    "`:rules` lists the session's facts; facts from the data and the rule library cannot be retracted",
                ),
                &self.sources,
            )),
        }
    }

    /// Removes every session entry about relation `name`: its facts, the
    /// rules deriving it, its declaration and directives. Rejected, changing
    /// nothing, when the session has none or other entries still need them.
    pub fn drop_relation(&mut self, name: &str) -> Result<(Vec<SessionEntry>, Vec<Change>), Error> {
        let (dropped, kept): (Vec<_>, Vec<_>) = self
            .session
            .iter()
            .cloned()
            .enumerate()
            .partition(|(_, item)| item_relations(&item.item).iter().any(|r| r == name));
        if dropped.is_empty() {
            return Err(Error::new(self.not_in_session(name), &self.sources));
        }
        let entries = dropped
            .iter()
            .map(|(i, item)| self.entry(i + 1, item))
            .collect();
        let numbers: Vec<usize> = dropped.iter().map(|(i, _)| i + 1).collect();
        let changes = self
            .replace_session(kept.into_iter().map(|(_, item)| item).collect())
            .map_err(|e| self.in_use(e, &numbers, &format!("drop `{name}`")))?;
        Ok((entries, changes))
    }

    /// Explains a removal (`what`, of the entries `removed`) rejected
    /// because other session entries still need what it removes: one
    /// `entry-in-use` error per such entry, naming it and saying what to
    /// remove first, then the checker's own diagnostics.
    fn in_use(&self, mut e: Error, removed: &[usize], what: &str) -> Error {
        let mut relations: Vec<String> = Vec::new();
        for &n in removed {
            for r in item_relations(&self.session[n - 1].item) {
                if !relations.contains(&r) {
                    relations.push(r);
                }
            }
        }
        let mut explained = Vec::new();
        for (i, item) in self.session.iter().enumerate() {
            let number = i + 1;
            if removed.contains(&number) {
                continue;
            }
            let span = item_span(&item.item);
            let inside = |d: &Diagnostic| {
                d.span.is_some_and(|s| {
                    s.source == span.source && span.start <= s.start && s.end <= span.end
                })
            };
            if !e.diagnostics.0.iter().any(inside) {
                continue;
            }
            let entry = self.entry(number, item);
            let uses: Vec<String> = relations
                .iter()
                .filter(|r| !entry.relations.contains(r))
                .map(|r| format!("`{r}`"))
                .collect();
            let needs = if uses.is_empty() {
                "what it removes".to_string()
            } else {
                uses.join(", ")
            };
            let first = match entry.relations.first() {
                Some(rel) if entry.kind == EntryKind::Rule => {
                    format!("`:retract {number}` or `:drop {rel}`")
                }
                _ => format!("`:retract {number}`"),
            };
            explained.push(
                Diagnostic::new(
                    Code::EntryInUse,
                    format!("cannot {what}: session entry {number} still uses {needs}"),
                    Some(span),
                )
                .with_label(format!("entry {number} uses {needs}"))
                .with_help(format!(
                    "remove entry {number} first ({first}), then {what} again; nothing changed"
                )),
            );
        }
        if !explained.is_empty() {
            explained.append(&mut e.diagnostics.0);
            e.diagnostics.0 = explained;
        }
        e
    }

    fn not_in_session(&self, name: &str) -> Diagnostic {
        let program = &self.state.program;
        let known = program.relations.iter().filter(|r| !r.is_query);
        if program.relation_id(name).is_some() {
            return Diagnostic::new(
                Code::NotASessionRelation,
                format!("the session adds nothing to `{name}`"),
                None,
            )
            .with_help(
                "`:drop` removes what the session added; the rule library and the data stay (`:rules` lists the session)",
            );
        }
        let mut d = Diagnostic::new(
            Code::UnknownRelation,
            format!("relation `{name}` is not defined"),
            None,
        )
        .with_help("`:relations` lists every relation");
        if let Some(close) = did_you_mean(name, known.map(|r| r.name.as_str())) {
            d = d.with_label(format!("did you mean `{close}`?"));
        }
        d
    }

    /// The session as a `.dl` text: its entries as written, then the data
    /// documents loaded during the session, whole, in comment lines (see
    /// `super::saved`). Loading it with [`Workspace::load_rules_file`]
    /// into a new workspace over the same library and data gives the same
    /// answers, with the same sources, paragraphs and grades.
    pub fn session_text(&self) -> String {
        let mut out = String::from("// A sleuth session: load it in the REPL with `:load FILE`.\n");
        // Facts typed under a source follow a pragma naming it, so `:load`
        // restores their source and grade.
        let mut current: Option<SessionSource> = None;
        for entry in self.session_entries() {
            if entry.kind == EntryKind::Fact && entry.source != current {
                out.push_str(&SessionSource::pragma(entry.source.as_ref()));
                out.push('\n');
                current = entry.source.clone();
            }
            out.push_str(&entry.text);
            out.push('\n');
        }
        if current.is_some() {
            out.push_str(&SessionSource::pragma(None));
            out.push('\n');
        }
        out.push_str(&super::saved::write_documents(&self.session_documents));
        out
    }

    /// Writes [`Workspace::session_text`] to `path` atomically (a temporary
    /// file beside it, then a rename), so a failed save never leaves a
    /// half-written file. Returns how many entries were written.
    pub fn save_session(&self, path: &Path) -> Result<usize, Error> {
        write_atomically(path, self.session_text().as_bytes()).map_err(|e| {
            Error::new(
                Diagnostic::new(
                    Code::UnwritableOutput,
                    format!("cannot write `{}`: {e}", path.display()),
                    None,
                )
                .with_help("check that the folder exists and can be written; nothing was saved"),
                &self.sources,
            )
        })?;
        Ok(self.session.len())
    }
}

/// Writes `bytes` to a temporary file in `path`'s folder, then renames it
/// over `path`; on failure removes the temporary file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let file_name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
