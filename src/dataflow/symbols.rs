//! This module defines symbols in the dataflow engine. A symbol's word is
//! a 64-bit hash of its text ([`id`]), so every worker of every process
//! gives a string the same word without asking anyone. Each process keeps a
//! [`Dictionary`] from words back to text for what needs the text (`<` on
//! symbols, `min`/`max`, `cat`, `substr`, `strlen`, `to_number`, tests,
//! output); processes send each other the entries they made after loading
//! and after each stratum. Two strings with one word are the error
//! `symbol-collision`.

use super::Stop;
use crate::diag::{Code, Diagnostic, Span};
use crate::eval::expr::{SymbolText, SymbolWords};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::{Mutex, RwLock};

/// The word of a symbol: SipHash-1-3 of its bytes under fixed keys, the
/// same in every process of one build.
pub fn id(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(s.as_bytes());
    h.finish()
}

/// The text of every symbol word a process has met. Texts are kept for the
/// life of the process (a run's symbols are few beside its rows).
#[derive(Default)]
pub struct Dictionary {
    texts: RwLock<HashMap<u64, &'static str>>,
    /// Words added here since the processes last shared their entries.
    fresh: Mutex<Vec<u64>>,
}

fn collision(a: &str, b: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SymbolCollision,
        format!("the symbols `{a}` and `{b}` have the same 64-bit id"),
        None,
    )
}

impl Dictionary {
    /// The word of `s`, recording its text.
    pub fn add(&self, s: &str) -> Result<u64, Diagnostic> {
        let w = id(s);
        if let Some(known) = self.texts.read().expect("dictionary lock").get(&w) {
            return if *known == s {
                Ok(w)
            } else {
                Err(collision(known, s))
            };
        }
        self.learn(w, s, true)?;
        Ok(w)
    }

    /// Records that `w` is the word of `s` (`fresh`: made here, to be sent
    /// to the other processes).
    pub fn learn(&self, w: u64, s: &str, fresh: bool) -> Result<(), Diagnostic> {
        let mut texts = self.texts.write().expect("dictionary lock");
        match texts.get(&w) {
            Some(known) if *known == s => Ok(()),
            Some(known) => Err(collision(known, s)),
            None => {
                texts.insert(w, Box::leak(s.to_string().into_boxed_str()));
                if fresh {
                    self.fresh.lock().expect("dictionary lock").push(w);
                }
                Ok(())
            }
        }
    }

    /// The text of a word, if known here.
    pub fn text(&self, w: u64) -> Option<&'static str> {
        self.texts.read().expect("dictionary lock").get(&w).copied()
    }

    /// The entries made here since the last call.
    pub fn take_fresh(&self) -> Vec<(u64, String)> {
        let words = std::mem::take(&mut *self.fresh.lock().expect("dictionary lock"));
        words
            .into_iter()
            .filter_map(|w| self.text(w).map(|s| (w, s.to_string())))
            .collect()
    }
}

/// A worker's view of the dictionary, as the shared expression evaluator
/// reads and makes symbols.
pub struct WorkerSymbols<'a> {
    /// The process's dictionary.
    pub dict: &'a Dictionary,
}

fn unknown(w: u64) -> Stop {
    Box::new(
        Diagnostic::new(
            Code::Unsupported,
            format!("the text of symbol #{w:016x}, made on another process in this stratum, is not known here"),
            None,
        )
        .with_help(
            "derive the symbol made by cat, substr or to_string into a relation first, and read its text in a rule of a later stratum",
        ),
    )
}

impl SymbolText for WorkerSymbols<'_> {
    fn text(&self, w: u64) -> Result<&str, Stop> {
        self.dict.text(w).ok_or_else(|| unknown(w))
    }
}

impl SymbolWords for WorkerSymbols<'_> {
    fn word(&mut self, s: &str) -> Result<u64, Stop> {
        self.dict.add(s).map_err(Box::new)
    }

    fn ord(&self, w: u64, _span: Span) -> Result<u64, Stop> {
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_texts_come_back() {
        let d = Dictionary::default();
        let a = d.add("Tangier").expect("no collision");
        assert_eq!(a, id("Tangier"));
        assert_eq!(d.text(a), Some("Tangier"));
        assert_eq!(d.take_fresh(), vec![(a, "Tangier".to_string())]);
        assert!(d.take_fresh().is_empty());
        assert!(
            d.learn(a, "Rabat", false).is_err(),
            "a collision is an error"
        );
    }
}
