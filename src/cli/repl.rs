//! This module defines the `sleuth repl` shell around the library's
//! [`Repl`]: in a terminal, a rustyline editor (multi-line clauses, Tab
//! completion, hints and history kept in the user's state folder, Ctrl-C to
//! cancel a long evaluation); from a pipe, the same inputs read line by line
//! with results on standard output and errors on standard error.

use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::Result;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::HistoryHinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Config, Context, Editor, Helper, Hinter};
use sleuth::diag::{Code, Diagnostic, SourceMap};
use sleuth::repl::{self, InputBuffer, Outcome, Repl, ReplError, output_failure};

use super::args::{EvalFlags, Inputs};

const PROMPT: &str = "sleuth> ";

/// `sleuth repl` (and `sleuth` alone): opens the workspace, then reads
/// inputs from the terminal or from a pipe. Returns false when the
/// workspace cannot be opened, or when a piped input failed.
pub fn run(inputs: &Inputs, flags: &EvalFlags) -> Result<bool> {
    let started = Instant::now();
    let Some(ws) = super::open_workspace(inputs, flags) else {
        return Ok(false);
    };
    let took = started.elapsed();
    let mut repl = Repl::new(ws);
    if std::io::stdin().is_terminal() {
        println!("{}", repl.banner(took));
        interactive(&mut repl)?;
        Ok(true)
    } else {
        piped(&mut repl)
    }
}

/// Runs the inputs of standard input; no prompt, no banner, no echo.
/// Stops at `:quit`; returns whether every input succeeded.
fn piped(repl: &mut Repl) -> Result<bool> {
    let mut stdin = std::io::stdin().lock();
    let stdout = std::io::stdout();
    let mut ok = true;
    let mut buffer = InputBuffer::new();
    let mut number = 0;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let read = stdin.read_until(b'\n', &mut bytes).map_err(|e| {
            Diagnostic::new(
                Code::UnreadableFile,
                format!("cannot read standard input: {e}"),
                None,
            )
        })?;
        let input = if read > 0 {
            number += 1;
            if bytes.ends_with(b"\n") {
                bytes.pop();
            }
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
            let Ok(line) = std::str::from_utf8(&bytes) else {
                let d = Diagnostic::new(
                    Code::NotUtf8,
                    format!("line {number} of the input is not UTF-8 text; it was skipped"),
                    None,
                );
                eprint!("{}", d.render(&SourceMap::new()));
                ok = false;
                buffer.push_line("");
                continue;
            };
            match buffer.push_line(line) {
                Some(input) => input,
                None => continue,
            }
        } else {
            match buffer.finish() {
                Some(input) => input,
                None => break,
            }
        };
        let mut out = stdout.lock();
        let result = repl.execute_at("<stdin>", input.line, &input.text, &mut out);
        let flushed = out.flush();
        match (result, flushed) {
            (Ok(Outcome::Continue), Ok(())) => {}
            (Ok(Outcome::Quit), Ok(())) => break,
            (Err(ReplError::Output(e)), _) | (_, Err(e)) => {
                eprint!("{}", output_failure(&e).render(&SourceMap::new()));
                return Ok(false);
            }
            (Err(e), Ok(())) => {
                ok = false;
                eprint!("{}", e.render());
            }
        }
    }
    Ok(ok)
}

/// The line editor's helper: completion, hints from history, and the
/// validator that keeps reading until a clause's final `.`.
#[derive(Helper, Hinter)]
struct ReplHelper {
    /// Relation names, refreshed after each input.
    relations: Vec<String>,
    files: FilenameCompleter,
    #[rustyline(Hinter)]
    hinter: HistoryHinter,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let completion = repl::complete(line, pos, &self.relations);
        if completion.path {
            return self.files.complete_path(line, pos);
        }
        let pairs = completion
            .candidates
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((completion.start, pairs))
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if repl::is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }
}

/// Where history is kept: `$XDG_STATE_HOME/sleuth/history`, else
/// `~/.local/state/sleuth/history`.
fn history_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("sleuth").join("history"))
}

fn interactive(repl: &mut Repl) -> Result<()> {
    let config = Config::builder()
        .max_history_size(1000)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .auto_add_history(true)
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(ReplHelper {
        relations: repl.relation_names(),
        files: FilenameCompleter::new(),
        hinter: HistoryHinter::new(),
    }));
    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("warning: cannot create `{}`: {e}", dir.display());
        }
        if path.exists()
            && let Err(e) = editor.load_history(path)
        {
            eprintln!("warning: cannot read history `{}`: {e}", path.display());
        }
    }

    // Ctrl-C during an evaluation arrives as SIGINT (at the prompt the
    // editor reads it as a key): it sets the cancel flag, the evaluation
    // stops, and the input is rejected with the session unchanged. The REPL
    // clears the flag before and after each input.
    let cancel = repl.workspace_mut().cancel_flag();
    if let Err(e) = ctrlc::set_handler(move || cancel.store(true, Ordering::SeqCst)) {
        eprintln!("warning: Ctrl-C cannot cancel evaluations: {e}");
    }

    loop {
        match editor.readline(PROMPT) {
            Ok(line) => {
                let mut out = std::io::stdout().lock();
                let result = repl.execute(&line, &mut out);
                let flushed = out.flush();
                drop(out);
                match (result, flushed) {
                    (Ok(Outcome::Continue), Ok(())) => {}
                    (Ok(Outcome::Quit), Ok(())) => break,
                    (Err(ReplError::Output(e)), _) | (_, Err(e)) => {
                        eprint!("{}", output_failure(&e).render(&SourceMap::new()));
                        break;
                    }
                    (Err(e), Ok(())) => eprint!("{}", e.render()),
                }
                if let Some(helper) = editor.helper_mut() {
                    helper.relations = repl.relation_names();
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(path) = &history
        && let Err(e) = editor.save_history(path)
    {
        eprintln!("warning: cannot save history to `{}`: {e}", path.display());
    }
    Ok(())
}
