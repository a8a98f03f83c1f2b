//! This module defines the checks on a document's ids: each id is declared
//! once in a document (several documents may declare one id: they merge),
//! every reference names an id some loaded document declares (with a
//! did-you-mean), nationalities and operating countries are countries, and
//! no place ends up inside itself, whichever documents the containment comes
//! from.

use crate::diag::Code;
use crate::diag::{Diagnostic, did_you_mean};

use super::format::Document;
use super::locate::JsonPath;
use super::lower::{Lowering, cell_id, root_path, value_path};
use super::registry::{IdInfo, Kind, Registry};

impl Lowering<'_> {
    // ---- pass 1: declarations ----

    fn declare(
        &self,
        registry: &mut Registry,
        kind: Kind,
        id: &str,
        path: &JsonPath,
        place: Option<(&str, Option<&str>)>,
    ) -> Result<(), Diagnostic> {
        let info = IdInfo {
            source: self.source_id.clone(),
            location: self.location(path),
            place_kind: place.map(|(k, _)| k.to_string()),
            inside: place.and_then(|(_, inside)| inside.map(str::to_string)),
        };
        registry.declare(kind, id, info).map_err(|first| {
            self.error(
                Code::DuplicateId,
                path,
                format!(
                    "the {} id `{id}` is declared twice in this document",
                    kind.name()
                ),
            )
            .with_label("declared again here")
            .with_note(format!("first declared at {}", first.location))
            .with_help(
                "a document declares each id once: merge the two entries into one, or rename one \
                 (other documents may declare the same id: their values merge)",
            )
        })
    }

    pub(super) fn declare_all(
        &self,
        doc: &Document,
        registry: &mut Registry,
    ) -> Result<(), Diagnostic> {
        let root = JsonPath::default();
        let src = root.key("source").key("id");
        self.declare(registry, Kind::Source, &doc.source.id, &src, None)?;
        for (i, p) in doc.places.iter().enumerate() {
            let path = root.key("places").index(i).key("id");
            let inside = p.inside.as_ref().map(|a| a.value.0.as_str());
            let place = Some((p.kind.value.0.as_str(), inside));
            self.declare(registry, Kind::Place, &p.id, &path, place)?;
        }
        for (i, t) in doc.theaters.iter().enumerate() {
            let path = root.key("theaters").index(i).key("id");
            self.declare(registry, Kind::Theater, &t.id, &path, None)?;
        }
        for (i, o) in doc.organisations.iter().enumerate() {
            let path = root.key("organisations").index(i).key("id");
            self.declare(registry, Kind::Organisation, &o.id, &path, None)?;
        }
        for (i, p) in doc.persons.iter().enumerate() {
            let path = root.key("persons").index(i).key("id");
            self.declare(registry, Kind::Person, &p.id, &path, None)?;
        }
        for (i, op) in doc.operations.iter().enumerate() {
            let op_path = root.key("operations").index(i);
            self.declare(registry, Kind::Operation, &op.id, &op_path.key("id"), None)?;
            for (j, cell) in op.cells.iter().enumerate() {
                let cell_path = op_path.key("cells").index(j);
                let path = match cell.id {
                    Some(_) => cell_path.key("id"),
                    None => value_path(&cell.place, &cell_path.key("place")),
                };
                let id = cell_id(&op.id, cell);
                self.declare(registry, Kind::Cell, &id, &path, None)?;
            }
        }
        Ok(())
    }

    // ---- containment cycles ----

    /// Refuses a place whose `in` (in this document) leads back to it
    /// through what any loaded document says contains what: a new cycle
    /// must pass through one of this document's `in` fields.
    pub(super) fn check_cycles(
        &self,
        doc: &Document,
        registry: &Registry,
    ) -> Result<(), Diagnostic> {
        for (i, p) in doc.places.iter().enumerate() {
            let Some(inside) = &p.inside else { continue };
            let Some(chain) = chain_to(registry, &inside.value.0, &p.id) else {
                continue;
            };
            let path = value_path(inside, &root_path("places", i).key("in"));
            return Err(self
                .error(
                    Code::ContainmentCycle,
                    &path,
                    format!(
                        "`{}` ends up inside itself: {} -> {}",
                        p.id,
                        p.id,
                        chain.join(" -> ")
                    ),
                )
                .with_label("this closes the loop")
                .with_help("a place's `in` names the larger area that contains it; fix the chain so it ends at a country (check every loaded document's `in` for these places)"));
        }
        Ok(())
    }

    // ---- references ----

    pub(super) fn reference(
        &self,
        registry: &Registry,
        kinds: &[Kind],
        name: &str,
        path: &JsonPath,
    ) -> Result<(), Diagnostic> {
        if kinds.iter().any(|&k| registry.is_declared(k, name)) {
            return Ok(());
        }
        let what = kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" or ");
        let where_ = kinds
            .iter()
            .map(|k| k.section())
            .collect::<Vec<_>>()
            .join(" or ");
        let mut d = self.error(
            Code::DanglingReference,
            path,
            format!("`{name}` is not a declared {what}"),
        );
        d = match did_you_mean(name, registry.names(kinds)) {
            Some(close) => d.with_label(format!("did you mean `{close}`?")),
            None => d.with_label(format!("no {what} has this id")),
        };
        Err(d.with_help(format!(
            "declare it in {where_} (in this file or one loaded before it) or fix the name"
        )))
    }

    pub(super) fn country(
        &self,
        registry: &Registry,
        name: &str,
        path: &JsonPath,
    ) -> Result<(), Diagnostic> {
        self.reference(registry, &[Kind::Place], name, path)?;
        let kinds = registry.place_kinds(name);
        if kinds.contains(&"country") {
            return Ok(());
        }
        let kind = kinds.join(" or ");
        let kind = if kind.is_empty() { "place" } else { &kind };
        Err(self
            .error(
                Code::WrongKind,
                path,
                format!("`{name}` is a {kind}, not a country"),
            )
            .with_label("a country is expected here")
            .with_help("name the country (a place whose `kind` is \"country\")"))
    }
}

/// The containment chain from `from` up to `target` (`from`, ..., `target`)
/// through every document's `in`, if `target` contains `from` at some depth.
fn chain_to(registry: &Registry, from: &str, target: &str) -> Option<Vec<String>> {
    use std::collections::{BTreeMap, VecDeque};
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    came_from.insert(from, from);
    while let Some(at) = queue.pop_front() {
        if at == target {
            let mut chain = vec![at.to_string()];
            let mut step = at;
            while step != from {
                step = came_from[step];
                chain.push(step.to_string());
            }
            chain.reverse();
            return Some(chain);
        }
        for next in registry.containers(at) {
            if !came_from.contains_key(next) {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}
