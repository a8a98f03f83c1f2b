//! This module defines `sleuth whatif`: what changes, relation by relation,
//! if a source were not loaded, base facts were retracted or facts were
//! added, printed as text or JSON. A thin shell over [`sleuth::whatif`].

use std::io::Write;

use anyhow::Result;
use sleuth::whatif;

use super::args::WhatifCommand;
use super::open_workspace;

/// Runs `sleuth whatif`. Returns false after reporting an error.
pub fn whatif(command: &WhatifCommand) -> Result<bool> {
    let Some(ws) = open_workspace(&command.inputs, &command.eval) else {
        return Ok(false);
    };
    match whatif::whatif(&ws, &command.scenario()) {
        Ok(answer) => {
            let text = if command.format == "json" {
                whatif::render_json(&answer)
            } else {
                whatif::render_text(&answer)
            };
            write!(std::io::stdout().lock(), "{text}")?;
            Ok(true)
        }
        Err(e) => {
            eprint!("{}", e.render());
            Ok(false)
        }
    }
}
