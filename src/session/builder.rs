//! This module defines how a [`Workspace`] is opened: a [`Builder`] says
//! what to load (the built-in data/ and rules/, files, or [`Inputs`] from
//! the command line), how to evaluate it and on which engine, then opens
//! the workspace or only checks it.
//!
//! ```no_run
//! use sleuth::session::Workspace;
//! # fn main() -> Result<(), sleuth::session::Error> {
//! // The data and rules sleuth was built with.
//! let ws = Workspace::builder().builtins().open()?;
//! // Only these files: a folder stands for its `.json` or `.dl` files.
//! let mine = Workspace::builder().data(["reports/"]).rules(["my.dl"]).open()?;
//! # Ok(()) }
//! ```

use std::path::PathBuf;

use crate::compiled::Engine;
use crate::eval::EvalOptions;
use crate::ir;

use super::{Error, Inputs, Workspace};

/// What a workspace opens over and how it evaluates: made by
/// [`Workspace::builder`], used by [`Builder::open`] or [`Builder::check`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `open` or `check`"]
pub struct Builder {
    inputs: Inputs,
    options: EvalOptions,
    engine: Engine,
}

impl Workspace {
    /// A builder with nothing to load yet (add [`Builder::builtins`] or
    /// files), the options of an interactive session that records how each
    /// fact was derived, and the engine chosen per rule library.
    pub fn builder() -> Builder {
        Builder {
            inputs: Inputs {
                builtin_data: false,
                builtin_rules: false,
                ..Inputs::default()
            },
            options: Workspace::default_options(),
            engine: Engine::Auto,
        }
    }
}

impl Builder {
    /// Also loads the built-in data/ and rules/ (before any files).
    pub fn builtins(mut self) -> Builder {
        self.inputs.builtin_data = true;
        self.inputs.builtin_rules = true;
        self
    }

    /// Also loads these JSON data files (a folder stands for its `.json`
    /// files, in name order).
    pub fn data<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Builder {
        self.inputs.data.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Also loads these rule files (a folder stands for its `.dl` files, in
    /// name order).
    pub fn rules<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Builder {
        self.inputs.rules.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Loads `inputs` (as the command line gives them) in place of what was
    /// chosen so far.
    pub fn inputs(mut self, inputs: Inputs) -> Builder {
        self.inputs = inputs;
        self
    }

    /// Evaluates with `options` (limits, recording, progress).
    pub fn options(mut self, options: EvalOptions) -> Builder {
        self.options = options;
        self
    }

    /// Runs the rule library on `engine` (`--engine`).
    pub fn engine(mut self, engine: Engine) -> Builder {
        self.engine = engine;
        self
    }

    /// Loads, checks and evaluates everything chosen. Reports every parse
    /// error found before giving up.
    pub fn open(self) -> Result<Workspace, Error> {
        let mut ws = Workspace::empty();
        ws.options = self.options;
        ws.engine = self.engine;
        let data = self.inputs.data_texts(&ws.sources)?;
        let rules = self.inputs.rule_texts(&ws.sources)?;
        ws.load_texts(&data, &rules)?;
        Ok(ws)
    }

    /// Checks the rules chosen and loads the data against them, without
    /// evaluating. Reports every error found.
    pub fn check(self) -> Result<ir::Program, Error> {
        let mut ws = Workspace::empty();
        let rules = self.inputs.rule_texts(&ws.sources)?;
        let data = self.inputs.data_texts(&ws.sources)?;
        ws.check_texts(&data, &rules)
    }
}
