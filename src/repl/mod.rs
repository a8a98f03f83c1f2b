//! This module defines the analyst's REPL as a library: [`Repl`] runs one
//! input at a time over a [`Workspace`] and prints through any
//! [`Write`], so sessions are testable without a terminal.
//! The binary's line editor and its piped mode are thin shells over it.
//!
//! ```text
//!  line editor / piped lines ──input::InputBuffer──▶ one input
//!       ──command::parse_command──▶ Command ──Repl::execute──▶ Workspace ──▶ output
//! ```
//!
//! The public part is [`Repl`], [`Outcome`], [`ReplError`], the input
//! splitting ([`InputBuffer`], [`split_inputs`], [`is_complete`]), the
//! command parser ([`parse_command`], [`Command`]) and Tab completion
//! ([`complete()`]). Inside the crate:
//!
//! - `input`: where an input ends (a clause at its `.`, a command at the
//!   end of its line).
//! - `command`: the [`Command`] enum, its parser and the command table.
//! - `extensions`: adding a command is one entry in `EXTENSIONS`.
//! - `settings`: `:limits` and `:set`, the bounds on each evaluation.
//! - `complete`: Tab completion.
//! - `help`, `show`: what `:help` and the listings print.
//!
//! Every input either runs to the end or is rejected with diagnostics and
//! leaves the session exactly as it was.

pub(crate) mod analysis;
pub(crate) mod command;
pub(crate) mod complete;
pub(crate) mod error;
pub(crate) mod extensions;
pub(crate) mod help;
pub(crate) mod input;
pub(crate) mod settings;
pub(crate) mod show;
mod whatif;

use std::io::Write;
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

pub use command::{ArgKind, Command, CommandError, CommandSpec, Retraction, parse_command};
pub use complete::{Completion, complete};
pub use error::{ReplError, output_failure};
pub use extensions::Extension;
pub use input::{Input, InputBuffer, is_complete, split_inputs};

use crate::diag::{Diagnostic, SourceMap, Span};
use crate::eval;
use crate::io::format::{self, Format};
use crate::session::{self, RelationKind, Submission, Workspace};

/// What the caller does after an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Read the next input.
    Continue,
    /// Leave (`:quit`).
    Quit,
}

/// An analyst's session: the workspace and how answers are shown.
pub struct Repl {
    ws: Workspace,
    format: Format,
    timing: bool,
    inputs: usize,
}

/// One input and where it was read, for naming it in diagnostics.
struct Located<'a> {
    name: &'a str,
    line: usize,
    text: &'a str,
}

impl Located<'_> {
    /// The text preceded by blank lines, so that diagnostics give the line
    /// numbers of the script it was read from.
    fn padded(&self) -> String {
        "\n".repeat(self.line.saturating_sub(1)) + self.text
    }

    fn offset(&self) -> usize {
        self.line.saturating_sub(1)
    }

    /// A command error as a diagnostic pointing into the input.
    fn command_error(&self, e: CommandError) -> ReplError {
        let mut sources = SourceMap::new();
        let id = sources.add(self.name, self.padded());
        let span = Span::new(id, self.offset() + e.at.start, self.offset() + e.at.end);
        let mut d = Diagnostic::new(e.code, e.message, Some(span)).with_help(e.help);
        if let Some(label) = e.label {
            d = d.with_label(label);
        }
        ReplError::Rejected(session::Error {
            diagnostics: d.into(),
            sources,
        })
    }

    /// Points the diagnostics of `e` that have no place at the command's
    /// argument (`at`, a range of the input).
    fn at_argument(&self, mut e: session::Error, at: Range<usize>) -> session::Error {
        if e.diagnostics.0.iter().any(|d| d.span.is_none()) {
            let id = e.sources.add(self.name, self.padded());
            let span = Span::new(id, self.offset() + at.start, self.offset() + at.end);
            for d in e.diagnostics.0.iter_mut().filter(|d| d.span.is_none()) {
                d.span = Some(span);
            }
        }
        e
    }

    /// The byte range of a command's argument in the input.
    fn argument(&self) -> Range<usize> {
        let lead = self.text.len() - self.text.trim_start().len();
        let trimmed = self.text.trim();
        match trimmed.find(char::is_whitespace) {
            Some(space) => {
                let arg = trimmed[space..].trim_start();
                let start = lead + trimmed.len() - arg.len();
                start..start + arg.len()
            }
            None => lead..lead + trimmed.len(),
        }
    }
}

impl Repl {
    /// A session over a workspace, printing tables, without timings.
    ///
    /// Its evaluations keep their per-rule statistics for `:profile`: the
    /// evaluator counts them whether or not they are kept, so keeping them
    /// costs nothing measurable.
    pub fn new(mut ws: Workspace) -> Repl {
        if !ws.options().profile {
            let options = eval::EvalOptions {
                profile: true,
                ..ws.options().clone()
            };
            ws.set_options(options);
        }
        Repl {
            ws,
            format: Format::Table,
            timing: false,
            inputs: 0,
        }
    }

    /// The workspace.
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// The workspace, to change it.
    pub fn workspace_mut(&mut self) -> &mut Workspace {
        &mut self.ws
    }

    /// How answers are printed.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether times are printed.
    pub fn timing(&self) -> bool {
        self.timing
    }

    /// The names of the visible relations, for completion.
    pub fn relation_names(&self) -> Vec<String> {
        self.ws.relations().into_iter().map(|r| r.name).collect()
    }

    /// The one-line greeting: facts and sources, rules, derived relations,
    /// and how long opening the workspace took.
    pub fn banner(&self, took: Duration) -> String {
        let facts = self.ws.facts().len() + self.ws.program().facts.len();
        let sources = self.ws.documents().len();
        let derived = self
            .ws
            .relations()
            .iter()
            .filter(|r| matches!(r.kind, RelationKind::Derived | RelationKind::Session))
            .count();
        format!(
            "sleuth: {} from {}, {}, {} derived relations, loaded in {}. :help for help, Ctrl-D to leave.",
            count(facts, "fact", "facts"),
            count(sources, "source", "sources"),
            count(self.ws.rule_count(), "rule", "rules"),
            derived,
            duration(took)
        )
    }

    /// Runs one input (see [`InputBuffer`] for where inputs end), naming it
    /// `<repl:N>` in diagnostics.
    pub fn execute(&mut self, input: &str, out: &mut dyn Write) -> Result<Outcome, ReplError> {
        self.inputs += 1;
        let name = format!("<repl:{}>", self.inputs);
        self.execute_at(&name, 1, input, out)
    }

    /// Runs one input read from `name` starting at line `line`, so that
    /// diagnostics point into the script (`<stdin>:12:5`). The workspace's
    /// cancel flag is cleared before and after: setting it meanwhile
    /// cancels the evaluation, and the input is rejected.
    pub fn execute_at(
        &mut self,
        name: &str,
        line: usize,
        input: &str,
        out: &mut dyn Write,
    ) -> Result<Outcome, ReplError> {
        let cancel = self.ws.options().cancel.clone();
        if let Some(flag) = &cancel {
            flag.store(false, Ordering::SeqCst);
        }
        let located = Located {
            name,
            line,
            text: input,
        };
        let result = self.run(&located, out);
        if let Some(flag) = &cancel {
            flag.store(false, Ordering::SeqCst);
        }
        result.map_err(explain_interruption)
    }

    fn run(&mut self, input: &Located<'_>, out: &mut dyn Write) -> Result<Outcome, ReplError> {
        let command = parse_command(input.text).map_err(|e| input.command_error(e))?;
        let started = Instant::now();
        let argument = input.argument();
        let at_arg =
            |e: session::Error| ReplError::Rejected(input.at_argument(e, argument.clone()));
        match command {
            Command::Empty => {}
            Command::Query(_) | Command::Clauses(_) => {
                let submission = self.ws.submit(input.name, &input.padded())?;
                self.show_submission(&submission, out)?;
                self.show_time(started, &submission, out)?;
            }
            Command::Help(None) => write!(out, "{}", help::full())?,
            Command::Help(Some(name)) => write!(out, "{}", help::command(&name))?,
            Command::Relations => write!(out, "{}", show::relations(&self.ws.relations()))?,
            Command::Schema(name) => {
                let schema = self.ws.schema(&name).map_err(at_arg)?;
                write!(out, "{}", show::schema(&schema))?;
            }
            Command::Load(path) => {
                let bundles = self.ws.stix_imports().len();
                let submission = self.ws.load_file(&path).map_err(at_arg)?;
                writeln!(out, "loaded {}", path.display())?;
                for (name, summary) in &self.ws.stix_imports()[bundles..] {
                    writeln!(out, "note: STIX bundle {name}: {}", summary.text())?;
                }
                self.show_submission(&submission, out)?;
                self.show_time(started, &submission, out)?;
            }
            Command::Rules => write!(out, "{}", show::entries(&self.ws.session_entries()))?,
            Command::Retract(what) => {
                let (entry, changes) = match what {
                    Retraction::Entry(n) => self.ws.retract(n).map_err(at_arg)?,
                    Retraction::Fact(fact) => {
                        // The fact at its place in the line, for the caret.
                        let text = " ".repeat(argument.start) + &fact;
                        let name = input.name;
                        let padded = Located {
                            text: &text,
                            ..*input
                        }
                        .padded();
                        self.ws.retract_fact(name, &padded)?
                    }
                };
                writeln!(out, "retracted {}: {}", entry.number, entry.text)?;
                write!(out, "{}", show::changes(&changes))?;
                self.show_time(started, &Submission::default(), out)?;
            }
            Command::Drop(name) => {
                let (entries, changes) = self.ws.drop_relation(&name).map_err(at_arg)?;
                writeln!(
                    out,
                    "dropped {name}: {} removed",
                    count(entries.len(), "entry", "entries")
                )?;
                write!(out, "{}", show::changes(&changes))?;
                self.show_time(started, &Submission::default(), out)?;
            }
            Command::Save(path) => {
                let n = self.ws.save_session(&path).map_err(at_arg)?;
                writeln!(
                    out,
                    "saved {} to {}",
                    count(n, "entry", "entries"),
                    path.display()
                )?;
            }
            Command::Format(Some(f)) => {
                self.format = f;
                writeln!(out, "format: {}", format_name(f))?;
            }
            Command::Format(None) => writeln!(out, "format: {}", format_name(self.format))?,
            Command::Timing(Some(on)) => {
                self.timing = on;
                writeln!(out, "timing: {}", if on { "on" } else { "off" })?;
            }
            Command::Timing(None) => {
                writeln!(out, "timing: {}", if self.timing { "on" } else { "off" })?
            }
            Command::Sources => write!(
                out,
                "{}",
                show::sources(self.ws.documents(), self.ws.facts())
            )?,
            Command::Conflicts => {
                let found = self.ws.conflicts();
                let text = match self.format {
                    Format::Json => crate::io::conflicts::json(&found),
                    _ => crate::io::conflicts::text(&found),
                };
                write!(out, "{text}")?
            }
            Command::Matches => write!(
                out,
                "{}",
                crate::io::acled::matches_text(&self.ws.possible_matches())
            )?,
            Command::Profile => write!(out, "{}", self.ws.profile_report())?,
            Command::Plan => write!(
                out,
                "{}",
                eval::plan_text_over(self.ws.program(), Some(self.ws.database()))
            )?,
            Command::Quit => return Ok(Outcome::Quit),
            Command::Extension(ext, arg) => (ext.run)(self, &arg, out).map_err(|e| match e {
                ReplError::Rejected(e) => {
                    ReplError::Rejected(input.at_argument(e, argument.clone()))
                }
                other => other,
            })?,
        }
        Ok(Outcome::Continue)
    }

    fn show_submission(&self, s: &Submission, out: &mut dyn Write) -> std::io::Result<()> {
        if s.added > 0 || !s.changes.is_empty() || s.answers.is_empty() {
            write!(out, "{}", show::changes(&s.changes))?;
        }
        for note in &s.notes {
            writeln!(out, "note: {note}")?;
        }
        for answers in &s.answers {
            write!(
                out,
                "{}",
                format::render(&answers.columns, &answers.rows, self.format)
            )?;
        }
        Ok(())
    }

    fn show_time(
        &self,
        started: Instant,
        s: &Submission,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        if self.timing {
            let how = if s.incremental { ", incremental" } else { "" };
            writeln!(out, "time: {}{how}", duration(started.elapsed()))?;
        }
        Ok(())
    }
}

/// Says, for a cancelled evaluation or one stopped by a limit, that nothing
/// changed.
fn explain_interruption(mut e: ReplError) -> ReplError {
    if let ReplError::Rejected(err) = &mut e {
        for d in &mut err.diagnostics.0 {
            if d.code == "interrupted" {
                d.help = Some("nothing changed: the session is as it was before this input".into());
            } else if eval::limits::is_stop(d.code) {
                d.notes
                    .push("nothing changed: the session is as it was before this input".into());
            }
        }
    }
    e
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Table => "table",
        Format::Json => "json",
        Format::Csv => "csv",
        Format::Tsv => "tsv",
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `12.3 ms` or `1.25 s`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}
