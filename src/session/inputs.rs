//! This module defines what a workspace opens over ([`Inputs`]): the
//! built-in data/ and rules/, each kept unless left out, followed by the
//! files given. Giving files adds to the built-ins; it never drops them.

use std::path::PathBuf;

use crate::compiled::Engine;
use crate::diag::SourceMap;
use crate::eval::EvalOptions;
use crate::ir;

use super::{Error, Workspace, embedded_texts, read_all};

/// The data and rule files a workspace opens over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// JSON data files, or folders standing for their `.json` files, loaded
    /// after the built-in data.
    pub data: Vec<PathBuf>,
    /// `.dl` rule files, or folders standing for their `.dl` files, loaded
    /// after the built-in rules.
    pub rules: Vec<PathBuf>,
    /// Whether the built-in data/ is loaded (the CLI's `--no-builtin-data`
    /// turns it off).
    pub builtin_data: bool,
    /// Whether the built-in rules/ are loaded (the CLI's
    /// `--no-builtin-rules` turns them off).
    pub builtin_rules: bool,
}

impl Default for Inputs {
    /// The built-in data/ and rules/, and no files.
    fn default() -> Inputs {
        Inputs {
            data: Vec::new(),
            rules: Vec::new(),
            builtin_data: true,
            builtin_rules: true,
        }
    }
}

impl Inputs {
    /// Whether the built-ins are mixed with given files (a clash between
    /// them, such as a relation declared twice, is the user's to resolve).
    pub fn mixes_builtins_with_files(&self) -> bool {
        (self.builtin_data && !self.data.is_empty())
            || (self.builtin_rules && !self.rules.is_empty())
    }

    fn data_texts(&self, sources: &SourceMap) -> Result<Vec<(String, String)>, Error> {
        let mut texts = if self.builtin_data {
            embedded_texts(crate::io::data::embedded())
        } else {
            Vec::new()
        };
        texts.extend(read_all(&self.data, "json", sources)?);
        Ok(texts)
    }

    fn rule_texts(&self, sources: &SourceMap) -> Result<Vec<(String, String)>, Error> {
        let mut texts = if self.builtin_rules {
            embedded_texts(crate::embedded::RULES)
        } else {
            Vec::new()
        };
        // A file whose text is already in the list (`--rules rules` beside
        // the built-in rules/) is the same rules again: read once.
        for (name, text) in read_all(&self.rules, "dl", sources)? {
            if !texts.iter().any(|(_, seen)| *seen == text) {
                texts.push((name, text));
            }
        }
        Ok(texts)
    }
}

impl Workspace {
    /// A workspace over [`Inputs`]: the built-ins kept, then the files
    /// given, evaluated with `options` on `engine`.
    pub fn open_inputs(
        inputs: &Inputs,
        options: EvalOptions,
        engine: Engine,
    ) -> Result<Workspace, Error> {
        let mut ws = Workspace::empty();
        ws.options = options;
        ws.engine = engine;
        let data = inputs.data_texts(&ws.sources)?;
        let rules = inputs.rule_texts(&ws.sources)?;
        ws.load_texts(&data, &rules)?;
        Ok(ws)
    }

    /// Checks the rules of [`Inputs`] and loads its data against them,
    /// without evaluating. Reports every error found.
    pub fn check_inputs(inputs: &Inputs) -> Result<ir::Program, Error> {
        let mut ws = Workspace::empty();
        let rules = inputs.rule_texts(&ws.sources)?;
        let data = inputs.data_texts(&ws.sources)?;
        ws.check_texts(&data, &rules)
    }
}
