//! This module defines `sleuth explain`: why a fact holds (a proof down to
//! the report paragraphs, with its confidence) or, with `--whynot`, why it
//! does not, printed as text, JSON or Graphviz.

use std::io::Write;

use anyhow::Result;
use sleuth::provenance::{self, ExplainOptions, FollowUp};

use super::args::{EvalFlags, ExplainFlags, Inputs};
use super::open_workspace;

/// Runs `sleuth explain`. Returns false after reporting an error (a fact
/// that does not hold included).
pub fn explain(
    inputs: &Inputs,
    flags: &ExplainFlags,
    fact: &str,
    eval: &EvalFlags,
) -> Result<bool> {
    let Some(ws) = open_workspace(inputs, eval) else {
        return Ok(false);
    };
    let mut opts = ExplainOptions {
        strongest: flags.strongest,
        // Suggestions name `sleuth explain ...`, not the REPL's `:whynot`.
        follow_up: FollowUp::CommandLine,
        ..ExplainOptions::default()
    };
    if let Some(d) = flags.depth {
        opts.max_depth = d;
    }
    let mut explainer = provenance::Explainer::new(&ws);
    let printed = if flags.whynot {
        explainer
            .whynot(fact, &opts)
            .map(|w| provenance::render_whynot(&w, flags.format))
    } else {
        explainer
            .why(fact, &opts)
            .map(|p| provenance::render(&p, flags.format))
    };
    match printed {
        Ok(text) => {
            write!(std::io::stdout().lock(), "{text}")?;
            Ok(true)
        }
        Err(e) => {
            eprint!("{}", e.render());
            Ok(false)
        }
    }
}
