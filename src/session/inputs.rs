//! This module defines what a workspace opens over ([`Inputs`]): the
//! built-in data/ and rules/, each kept unless left out, followed by the
//! files given. Giving files adds to the built-ins; it never drops them.

use std::path::PathBuf;

use crate::diag::SourceMap;

use super::{Error, embedded_texts, read_all};

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

    pub(super) fn data_texts(&self, sources: &SourceMap) -> Result<Vec<(String, String)>, Error> {
        let mut texts = if self.builtin_data {
            embedded_texts(crate::io::data::embedded())
        } else {
            Vec::new()
        };
        texts.extend(read_all(&self.data, "json", sources)?);
        Ok(texts)
    }

    pub(super) fn rule_texts(&self, sources: &SourceMap) -> Result<Vec<(String, String)>, Error> {
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
