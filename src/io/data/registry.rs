//! This module defines the ids declared by the data documents a loader has
//! read, by kind, so references can be checked across files. Several
//! documents may declare the same id (they merge: see `conflicts`); one
//! document may not declare an id twice.

use std::collections::{BTreeMap, HashMap};

/// The kinds of things data documents declare; each has its own id space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Source,
    Place,
    Theater,
    Organisation,
    Person,
    Operation,
    Cell,
}

impl Kind {
    /// The name used in messages ("a place").
    pub fn name(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Place => "place",
            Kind::Theater => "theater",
            Kind::Organisation => "organisation",
            Kind::Person => "person",
            Kind::Operation => "operation",
            Kind::Cell => "cell",
        }
    }

    /// Where such things are declared in a document.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Source => "`source`",
            Kind::Place => "`places`",
            Kind::Theater => "`theaters`",
            Kind::Organisation => "`organisations`",
            Kind::Person => "`persons`",
            Kind::Operation => "`operations`",
            Kind::Cell => "an operation's `cells`",
        }
    }
}

/// One declaration of an id, by one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IdInfo {
    /// The id of the source whose document declares it.
    pub source: String,
    /// `file:line:col` of its declaration.
    pub location: String,
    /// For a place: its kind (`city`, `country` ...).
    pub place_kind: Option<String>,
    /// For a place: the area directly containing it.
    pub inside: Option<String>,
}

/// Every declared id, by kind, with each document's declaration of it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Registry {
    ids: BTreeMap<Kind, BTreeMap<String, Declarations>>,
}

/// The declarations of one id, in load order, with where each source's is
/// (an ACLED export makes every row a source, so a country may be declared
/// by a hundred thousand of them: finding a source's must not be a scan).
#[derive(Clone, Debug, Default)]
struct Declarations {
    list: Vec<IdInfo>,
    by_source: HashMap<String, usize>,
    /// For a place: the kinds and containing areas of `list`, without
    /// repeats, in load order.
    place_kinds: Vec<String>,
    containers: Vec<String>,
}

impl Registry {
    /// Every declaration of `id` as a `kind`, in load order (empty when it
    /// is not declared).
    pub fn declarations(&self, kind: Kind, id: &str) -> &[IdInfo] {
        self.ids
            .get(&kind)
            .and_then(|m| m.get(id))
            .map_or(&[], |d| d.list.as_slice())
    }

    /// Whether `id` is declared as a `kind` by any document.
    pub fn is_declared(&self, kind: Kind, id: &str) -> bool {
        !self.declarations(kind, id).is_empty()
    }

    /// Declares `id` for the document of `info.source`. Another document's
    /// declaration of the same id is kept beside it (the documents merge);
    /// when the same document declared it already, returns that declaration
    /// and changes nothing.
    pub fn declare(&mut self, kind: Kind, id: &str, info: IdInfo) -> Result<(), &IdInfo> {
        let decls = self
            .ids
            .entry(kind)
            .or_default()
            .entry(id.to_string())
            .or_default();
        match decls.by_source.get(&info.source) {
            Some(&at) => Err(&decls.list[at]),
            None => {
                decls
                    .by_source
                    .insert(info.source.clone(), decls.list.len());
                for (seen, value) in [
                    (&mut decls.place_kinds, &info.place_kind),
                    (&mut decls.containers, &info.inside),
                ] {
                    if let Some(v) = value
                        && !seen.contains(v)
                    {
                        seen.push(v.clone());
                    }
                }
                decls.list.push(info);
                Ok(())
            }
        }
    }

    /// Every area some document says directly contains place `id`, without
    /// repeats, in load order.
    pub fn containers(&self, id: &str) -> Vec<&str> {
        self.place_fields(id, |d| &d.containers)
    }

    /// The kinds the documents give place `id` (`city`, `country` ...),
    /// without repeats, in load order.
    pub fn place_kinds(&self, id: &str) -> Vec<&str> {
        self.place_fields(id, |d| &d.place_kinds)
    }

    fn place_fields(&self, id: &str, field: impl Fn(&Declarations) -> &Vec<String>) -> Vec<&str> {
        self.ids
            .get(&Kind::Place)
            .and_then(|m| m.get(id))
            .map(|d| field(d).iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The declared ids of some kinds (for did-you-mean).
    pub fn names<'a>(&'a self, kinds: &'a [Kind]) -> impl Iterator<Item = &'a str> + 'a {
        kinds
            .iter()
            .filter_map(|k| self.ids.get(k))
            .flat_map(|m| m.keys().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(source: &str, kind: &str, inside: Option<&str>) -> IdInfo {
        IdInfo {
            source: source.into(),
            location: format!("{source}.json:1:1"),
            place_kind: Some(kind.into()),
            inside: inside.map(str::to_string),
        }
    }

    #[test]
    fn two_documents_declaring_one_id_are_both_kept() {
        let mut reg = Registry::default();
        reg.declare(Kind::Place, "Shata", place("a", "city", Some("Morocco")))
            .expect("first");
        reg.declare(Kind::Place, "Shata", place("b", "town", Some("Spain")))
            .expect("another document merges");
        assert_eq!(reg.declarations(Kind::Place, "Shata").len(), 2);
        assert_eq!(reg.containers("Shata"), ["Morocco", "Spain"]);
        assert_eq!(reg.place_kinds("Shata"), ["city", "town"]);
    }

    #[test]
    fn one_document_declaring_an_id_twice_is_refused() {
        let mut reg = Registry::default();
        reg.declare(Kind::Person, "p", place("a", "x", None))
            .expect("first");
        let first = reg
            .declare(Kind::Person, "p", place("a", "y", None))
            .expect_err("same document");
        assert_eq!(first.location, "a.json:1:1");
        assert_eq!(reg.declarations(Kind::Person, "p").len(), 1);
    }
}
