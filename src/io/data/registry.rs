//! This module defines the ids declared by the data documents a loader has
//! read, by kind, so references can be checked across files and an id cannot
//! be declared twice.

use std::collections::BTreeMap;

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

/// What is remembered about a declared id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IdInfo {
    /// `file:line:col` of its declaration.
    pub location: String,
    /// For a place: its kind (`city`, `country` ...).
    pub place_kind: Option<String>,
    /// For a place: the area directly containing it.
    pub inside: Option<String>,
}

/// Every declared id, by kind.
#[derive(Clone, Debug, Default)]
pub(crate) struct Registry {
    ids: BTreeMap<Kind, BTreeMap<String, IdInfo>>,
}

impl Registry {
    /// The declaration of `id` as a `kind`.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&IdInfo> {
        self.ids.get(&kind)?.get(id)
    }

    /// Declares `id`; returns the earlier declaration if there is one (and
    /// then changes nothing).
    pub fn declare(&mut self, kind: Kind, id: &str, info: IdInfo) -> Result<(), &IdInfo> {
        let map = self.ids.entry(kind).or_default();
        if map.contains_key(id) {
            return Err(&map[id]);
        }
        map.insert(id.to_string(), info);
        Ok(())
    }

    /// The declared ids of some kinds (for did-you-mean).
    pub fn names<'a>(&'a self, kinds: &'a [Kind]) -> impl Iterator<Item = &'a str> + 'a {
        kinds
            .iter()
            .filter_map(|k| self.ids.get(k))
            .flat_map(|m| m.keys().map(String::as_str))
    }
}
