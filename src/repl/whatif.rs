//! This module defines `:whatif`, a thin shell over [`crate::whatif`]: what
//! changes, relation by relation, if a source were not loaded, base facts
//! were retracted or facts were added. The session is not changed.

use std::io::Write;

use super::analysis::usage;
use super::{Repl, ReplError};
use crate::diag::Code;
use crate::whatif::{self, Scenario};

/// Runs `:whatif ARGS` (see [`Scenario::parse_line`]).
pub(super) fn run(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    let (scenario, json) = Scenario::parse_line(arg)
        .map_err(|m| usage(repl, Code::BadArgument, m, Scenario::USAGE))?;
    let answer = whatif::whatif(repl.workspace(), &scenario)?;
    let text = if json {
        whatif::render_json(&answer)
    } else {
        whatif::render_text(&answer)
    };
    write!(out, "{text}")?;
    Ok(())
}
