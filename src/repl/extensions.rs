//! This module defines how a REPL command is added: one [`Extension`] entry
//! in [`EXTENSIONS`] gives its name, help and completion ([`CommandSpec`])
//! and the function that runs it. Parsing, `:help`, Tab completion and
//! did-you-mean pick it up from the table; nothing else changes.
//!
//! ```text
//! Extension {
//!     spec: CommandSpec {
//!         name: "why",
//!         aliases: &[],
//!         args: "FACT",
//!         summary: "why a derived fact holds, down to the report's paragraphs",
//!         example: ":why recurring_hotspot(\"Tangier\")",
//!         arg: ArgKind::Relation,
//!     },
//!     run: |repl, arg, out| {
//!         // `arg` is the text after the command's name, trimmed. Read the
//!         // session through `repl.workspace()`, print through `out`
//!         // (`writeln!(out, ..)?` works: io errors convert), and return a
//!         // `ReplError::Rejected(session::Error)` to report a problem.
//!         let _ = (repl, arg, out);
//!         Ok(())
//!     },
//! },
//! ```

use std::io::Write;

use super::analysis::ANALYSIS;
use super::command::CommandSpec;
use super::settings::SETTINGS;
use super::{Repl, ReplError};

/// Runs a command: the REPL, the argument text (trimmed), and where to print.
pub type Handler = fn(&mut Repl, &str, &mut dyn Write) -> Result<(), ReplError>;

/// A command beyond the built-ins.
#[derive(Clone, Copy)]
pub struct Extension {
    /// Its name, help and argument kind.
    pub spec: CommandSpec,
    /// What it does.
    pub run: Handler,
}

impl std::fmt::Debug for Extension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Extension(:{})", self.spec.name)
    }
}

impl PartialEq for Extension {
    fn eq(&self, other: &Extension) -> bool {
        self.spec == other.spec
    }
}

/// The commands added to the built-ins, in the order `:help` lists them:
/// the analysis commands, then the settings.
pub static EXTENSIONS: &[Extension] =
    &join::<{ ANALYSIS.len() + SETTINGS.len() }>(ANALYSIS, SETTINGS);

/// Two tables of commands as one, at compile time.
const fn join<const N: usize>(first: &[Extension], second: &[Extension]) -> [Extension; N] {
    assert!(
        first.len() + second.len() == N,
        "N is the length of both tables"
    );
    let mut out = [first[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < first.len() {
            first[i]
        } else {
            second[i - first.len()]
        };
        i += 1;
    }
    out
}
