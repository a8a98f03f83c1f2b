//! This module defines how a REPL input fails: rejected with diagnostics
//! (the session is unchanged), or unable to print its output.

use crate::diag::{Code, Diagnostic, SourceMap};
use crate::session;

/// Why an input did not run to the end.
#[derive(Debug)]
pub enum ReplError {
    /// The input was rejected: a syntax, checking or evaluation error, a bad
    /// command or file. The session is exactly as it was before the input.
    Rejected(session::Error),
    /// Writing the output failed.
    Output(std::io::Error),
}

impl ReplError {
    /// The error as shown to the analyst: diagnostics with carets.
    pub fn render(&self) -> String {
        match self {
            ReplError::Rejected(e) => e.render(),
            ReplError::Output(e) => output_failure(e).render(&SourceMap::new()),
        }
    }

    /// The diagnostic codes (`unwritable-output` for an output failure).
    pub fn codes(&self) -> Vec<&'static str> {
        match self {
            ReplError::Rejected(e) => e.codes(),
            ReplError::Output(_) => vec![Code::UnwritableOutput.as_str()],
        }
    }
}

/// The diagnostic of a failure to write the output (standard output closed,
/// a full disk ...).
pub fn output_failure(e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::UnwritableOutput,
        format!("cannot write the output: {e}"),
        None,
    )
    .with_help("standard output was closed or could not take more; what was not written is lost")
}

impl std::fmt::Display for ReplError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

impl std::error::Error for ReplError {}

impl From<session::Error> for ReplError {
    fn from(e: session::Error) -> ReplError {
        ReplError::Rejected(e)
    }
}

impl From<std::io::Error> for ReplError {
    fn from(e: std::io::Error) -> ReplError {
        ReplError::Output(e)
    }
}
