//! This module defines how symbols enter the compiled program: as [`Sym`],
//! a `u32` id, so crepe's tuples stay `Copy` and hash as one word.
//!
//! Ids are laid out so that ordering comparisons rarely need the strings:
//! - `0 .. CONSTANT_BASE`: the symbols of the loaded facts, numbered in
//!   lexicographic order, so `<` between two of them is `<` on ids;
//! - `CONSTANT_BASE + k`: the k-th string constant of the rule library
//!   (sorted at build time, so the generated code can write them as literals);
//! - `DYNAMIC_BASE + n`: strings made during the run by `cat`, `substr` or
//!   `to_string`.
//!
//! Comparisons that involve a constant or a made string fall back to the
//! strings, through the [`SymbolTable`] installed for the run.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

/// First id of the rule library's string constants.
pub const CONSTANT_BASE: u32 = 0x8000_0000;
/// First id of strings made during a run.
pub const DYNAMIC_BASE: u32 = 0xC000_0000;

/// An interned symbol inside the compiled program. Its `Ord` orders ids, for
/// grouping only; Datalog's `<` on symbols is [`sym_cmp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

impl Sym {
    /// The symbol of the library's k-th string constant.
    pub const fn constant(k: u32) -> Sym {
        Sym(CONSTANT_BASE + k)
    }

    /// Whether the id is a lexicographic rank (a symbol of the loaded facts).
    #[inline]
    pub fn is_ranked(self) -> bool {
        self.0 < CONSTANT_BASE
    }
}

/// The strings behind the [`Sym`]s of one run.
#[derive(Debug, Default)]
pub struct SymbolTable {
    ranked: Vec<Box<str>>,
    constants: &'static [&'static str],
    dynamic: Vec<Box<str>>,
    index: Option<HashMap<Box<str>, u32>>,
}

impl SymbolTable {
    /// Builds the table for a run: `constants` are the library's sorted string
    /// constants, `strings` the distinct strings of the loaded facts. Returns
    /// the table and, for each of `strings` in order, its symbol.
    pub fn new(constants: &'static [&'static str], strings: &[&str]) -> (SymbolTable, Vec<Sym>) {
        let mut order: Vec<usize> = (0..strings.len()).collect();
        order.sort_unstable_by(|&a, &b| strings[a].cmp(strings[b]));
        let mut syms = vec![Sym(0); strings.len()];
        let mut ranked: Vec<Box<str>> = Vec::with_capacity(strings.len());
        for i in order {
            let s = strings[i];
            syms[i] = match constants.binary_search(&s) {
                Ok(k) => Sym::constant(k as u32),
                Err(_) => {
                    if ranked.last().map(|last| &**last) != Some(s) {
                        ranked.push(s.into());
                    }
                    Sym(ranked.len() as u32 - 1)
                }
            };
        }
        let table = SymbolTable {
            ranked,
            constants,
            dynamic: Vec::new(),
            index: None,
        };
        (table, syms)
    }

    /// The string of a symbol.
    pub fn text(&self, sym: Sym) -> &str {
        let id = sym.0;
        if id < CONSTANT_BASE {
            &self.ranked[id as usize]
        } else if id < DYNAMIC_BASE {
            self.constants[(id - CONSTANT_BASE) as usize]
        } else {
            &self.dynamic[(id - DYNAMIC_BASE) as usize]
        }
    }

    /// The symbol of a string, adding it when it is new.
    pub fn intern(&mut self, text: &str) -> Sym {
        let index = self.index.get_or_insert_with(|| {
            let mut map = HashMap::with_capacity(self.ranked.len() + self.constants.len());
            for (i, s) in self.ranked.iter().enumerate() {
                map.insert(s.clone(), i as u32);
            }
            for (k, s) in self.constants.iter().enumerate() {
                map.insert(Box::from(*s), CONSTANT_BASE + k as u32);
            }
            map
        });
        if let Some(&id) = index.get(text) {
            return Sym(id);
        }
        let id = DYNAMIC_BASE + self.dynamic.len() as u32;
        self.dynamic.push(text.into());
        index.insert(text.into(), id);
        Sym(id)
    }

    /// Orders two symbols by their strings.
    #[inline]
    pub fn compare(&self, a: Sym, b: Sym) -> Ordering {
        if a.is_ranked() && b.is_ranked() {
            a.0.cmp(&b.0)
        } else {
            self.text(a).cmp(self.text(b))
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<SymbolTable>> = const { RefCell::new(None) };
}

/// Makes `table` the symbol table of the compiled program on this thread
/// until the returned guard is finished or dropped.
pub fn install(table: SymbolTable) -> Installed {
    CURRENT.with(|c| *c.borrow_mut() = Some(table));
    Installed { taken: false }
}

/// Keeps a [`SymbolTable`] installed; [`Installed::finish`] hands it back.
#[derive(Debug)]
pub struct Installed {
    taken: bool,
}

impl Installed {
    /// Uninstalls the table and returns it, with the strings made during the run.
    pub fn finish(mut self) -> SymbolTable {
        self.taken = true;
        CURRENT.with(|c| c.borrow_mut().take()).unwrap_or_default()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if !self.taken {
            CURRENT.with(|c| c.borrow_mut().take());
        }
    }
}

/// Runs `f` on the installed table.
pub fn with_table<R>(f: impl FnOnce(&SymbolTable) -> R) -> R {
    CURRENT.with(|c| {
        let table = c.borrow();
        f(table
            .as_ref()
            .expect("the compiled program only runs with a symbol table installed"))
    })
}

/// Runs `f` on the installed table, mutably.
pub fn with_table_mut<R>(f: impl FnOnce(&mut SymbolTable) -> R) -> R {
    CURRENT.with(|c| {
        let mut table = c.borrow_mut();
        f(table
            .as_mut()
            .expect("the compiled program only runs with a symbol table installed"))
    })
}

/// Orders two symbols by their strings (the generated code's `<` on symbols).
#[inline]
pub fn sym_cmp(a: Sym, b: Sym) -> Ordering {
    if a.is_ranked() && b.is_ranked() {
        a.0.cmp(&b.0)
    } else {
        with_table(|t| t.compare(a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static CONSTANTS: &[&str] = &["Morocco", "Sahel"];

    #[test]
    fn ranks_follow_lexicographic_order_and_constants_keep_their_ids() {
        let (table, syms) = SymbolTable::new(CONSTANTS, &["Tetouan", "Sahel", "Almskad", "Ofin"]);
        assert_eq!(syms[1], Sym::constant(1));
        assert!(syms[2].0 < syms[3].0 && syms[3].0 < syms[0].0);
        assert_eq!(table.text(syms[0]), "Tetouan");
        assert_eq!(table.compare(Sym::constant(0), syms[3]), Ordering::Less);
        assert_eq!(table.compare(syms[1], syms[0]), Ordering::Less);
    }

    #[test]
    fn interning_finds_existing_symbols_first() {
        let (table, syms) = SymbolTable::new(CONSTANTS, &["Ofin"]);
        let guard = install(table);
        let again = with_table_mut(|t| t.intern("Ofin"));
        let constant = with_table_mut(|t| t.intern("Sahel"));
        let made = with_table_mut(|t| t.intern("Ofin-Sahel"));
        assert_eq!(again, syms[0]);
        assert_eq!(constant, Sym::constant(1));
        assert!(made.0 >= DYNAMIC_BASE);
        assert_eq!(sym_cmp(made, syms[0]), Ordering::Greater);
        let table = guard.finish();
        assert_eq!(table.text(made), "Ofin-Sahel");
    }
}
