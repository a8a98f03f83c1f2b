//! This module defines how the loader reads a STIX 2.1 bundle: mapped onto
//! sources and facts by [`crate::io::stix`], its entities declared like a
//! document's, all of it loaded or none. The same bundle loaded again adds
//! nothing; another one giving a source id already loaded is an error.

use crate::diag::{Code, Diagnostic, SourceMap, Span};
use crate::io::stix::bundle::Bundle;
use crate::io::stix::import::import;
use crate::io::stix::map::Entity;

use super::dataset::{DataSet, GroundFact};
use super::loader::{DataLoader, parse_json};
use super::locate::{JsonPath, locate};
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
                .is_some_and(|(_, before)| *before == json)
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
        let mut registry = self.registry.clone();
        for (entity, id, by, i) in &imported.declarations {
            let at = JsonPath::default().key("objects").index(*i);
            let location = locate(&sources.file(file).text, &at).map_or_else(
                || name.to_string(),
                |l| sources.location(Span::new(file, l.value.0, l.value.0 + 1)),
            );
            for source in by {
                let first = |relation: &str| first_value(&imported.facts, relation, id, source);
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
        for s in &imported.sources {
            self.loaded
                .insert(s.id.clone(), (name.to_string(), json.clone()));
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

/// The second column of the first fact of `relation` about `id` from
/// `source` (a place's kind, or the area containing it).
fn first_value(facts: &[GroundFact], relation: &str, id: &str, source: &str) -> Option<String> {
    facts.iter().find_map(|f| match f.values.as_slice() {
        [
            crate::value::Value::Symbol(a),
            crate::value::Value::Symbol(b),
        ] if f.relation == relation && a == id && f.provenance.source == source => Some(b.clone()),
        _ => None,
    })
}
