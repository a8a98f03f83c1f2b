//! This module defines how the loader reads a STIX 2.1 bundle: mapped onto
//! sources and facts by [`crate::io::stix`], its entities declared like a
//! document's, all of it loaded or none. The same bundle loaded again adds
//! nothing; another one giving a source id already loaded is an error.

use crate::diag::{Code, Diagnostic, SourceMap, Span};
use crate::io::stix::bundle::Bundle;
use crate::io::stix::import::import;
use crate::io::stix::map::Entity;

use std::collections::HashMap;
use std::sync::Arc;

use crate::value::Value;

use super::dataset::DataSet;
use super::loader::{DataLoader, parse_json};
use super::locate::{JsonPath, element_starts, locate};
use super::registry::IdInfo;

impl DataLoader {
    /// Loads a STIX bundle from its text (see [`DataLoader::load_str`]).
    pub(super) fn load_stix(
        &mut self,
        sources: &mut SourceMap,
        name: &str,
        text: &str,
        json: serde_json::Value,
    ) -> Result<DataSet, Diagnostic> {
        let file = sources.add(name, text);
        let bundle: Bundle = parse_json(sources, file)?;
        let imported = import(&bundle, sources, file)?;
        let loaded_again = imported.sources.iter().all(|s| {
            self.loaded
                .get(&s.id)
                .is_some_and(|(_, before)| **before == json)
        });
        if loaded_again && !imported.sources.is_empty() {
            return Ok(DataSet::default());
        }
        for (s, report) in imported.sources.iter().zip(&imported.reports) {
            if let Some((first, _)) = self.loaded.get(&s.id) {
                let at = JsonPath::default().key("objects");
                let at = match report {
                    Some(i) => at.index(*i),
                    None => at,
                };
                let span = locate(&sources.file(file).text, &at)
                    .map(|l| Span::new(file, l.value.0, l.value.0 + 1));
                return Err(Diagnostic::new(
                    Code::DuplicateSource,
                    format!("{at}: the source `{}` is already loaded, from `{first}`", s.id),
                    span,
                )
                .with_label("this source is loaded already")
                .with_help(
                    "a source is loaded once: load the bundle without the documents it was \
                     exported from (--no-builtin-data for the built-in report), or in a new session",
                ));
            }
        }
        // Each place's kind and containing area by source: the first fact
        // of `place_kind` and `located_in` each source gives.
        let mut first: HashMap<(&str, &str, &str), &str> = HashMap::new();
        for f in &imported.facts {
            if let ("place_kind" | "located_in", [Value::Symbol(a), Value::Symbol(b)]) =
                (f.relation.as_str(), f.values.as_slice())
            {
                first
                    .entry((
                        f.relation.as_str(),
                        a.as_str(),
                        f.provenance.source.as_str(),
                    ))
                    .or_insert(b.as_str());
            }
        }
        let mut registry = self.registry.clone();
        let starts = element_starts(
            &sources.file(file).text,
            &JsonPath::default().key("objects"),
        );
        for (entity, id, by, i) in &imported.declarations {
            let location = starts.get(*i).map_or_else(
                || name.to_string(),
                |&at| sources.location(Span::new(file, at, at + 1)),
            );
            for source in by {
                let first = |relation: &str| {
                    first
                        .get(&(relation, id.as_str(), source.as_str()))
                        .map(|v| v.to_string())
                };
                let info = IdInfo {
                    source: source.clone(),
                    location: location.clone(),
                    place_kind: (*entity == Entity::Place)
                        .then(|| first("place_kind"))
                        .flatten(),
                    inside: (*entity == Entity::Place)
                        .then(|| first("located_in"))
                        .flatten(),
                };
                // One bundle may declare an id once per source; a second
                // object of the same name adds nothing.
                let _ = registry.declare(entity.kind(), id, info);
            }
        }
        self.registry = registry;
        let json = Arc::new(json);
        for s in &imported.sources {
            self.loaded
                .insert(s.id.clone(), (name.to_string(), Arc::clone(&json)));
        }
        let loaded = DataSet {
            sources: imported.sources,
            facts: imported.facts,
        };
        self.data.extend(loaded.clone());
        self.stix.push((name.to_string(), imported.summary));
        Ok(loaded)
    }
}
