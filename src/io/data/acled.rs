//! This module defines how the loader reads an ACLED export: each row, read
//! and checked by [`crate::io::acled`], is a document of its own source
//! (`acled:<event_id_cnty>`), lowered like a hand-written one, plus the
//! event's own facts. The export loads whole or not at all; a row already
//! loaded (the same fields) adds nothing, a changed one is an error.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, SourceMap};
use crate::io::acled;

use super::dataset::DataSet;
use super::loader::DataLoader;
use super::lower::lower;
use super::registry::Kind;

impl DataLoader {
    /// Loads an ACLED export from its text (see [`DataLoader::load_str`]).
    pub(super) fn load_acled(
        &mut self,
        sources: &mut SourceMap,
        name: &str,
        text: &str,
    ) -> Result<DataSet, Diagnostic> {
        let file = sources.add(name, text);
        let events = acled::read(sources, file)?;
        let mut registry = self.registry.clone();
        let mut loaded = DataSet::default();
        let mut new: BTreeMap<String, (String, Arc<serde_json::Value>)> = BTreeMap::new();
        for ev in &events {
            let id = acled::source_id(&ev.id);
            // The row's fields as one JSON text: compared whole when the
            // event is loaded again, and far smaller than an array of values.
            let fields = serde_json::Value::String(
                serde_json::to_string(&ev.fields).expect("strings serialise"),
            );
            if let Some((first, before)) = self.loaded.get(&id).or_else(|| new.get(&id)) {
                if **before == fields {
                    continue;
                }
                return Err(changed_event(ev, &id, first));
            }
            let doc = acled::document(ev, name, &|p| registry.is_declared(Kind::Place, p));
            let set = lower(&doc, sources, file, &mut registry).map_err(|d| in_row(d, ev))?;
            loaded.extend(set);
            loaded.facts.extend(acled::event_facts(ev));
            new.insert(id, (name.to_string(), Arc::new(fields)));
        }
        self.registry = registry;
        self.loaded.extend(new);
        self.data.extend(loaded.clone());
        Ok(loaded)
    }
}

/// An error found lowering an event's document, placed at its row.
fn in_row(mut d: Diagnostic, ev: &acled::Event) -> Diagnostic {
    d.span = Some(ev.id_span);
    d.message = format!("line {}, event {}: {}", ev.line, ev.id, d.message);
    d.with_label("in this event").with_note(
        "an event's places are its `location`, `admin2`, `admin1` and `country`, \
             its organisations its `actor1` and `actor2`",
    )
}

/// A row of an event already loaded, with other fields.
fn changed_event(ev: &acled::Event, id: &str, first: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateSource,
        format!(
            "line {}: the event `{id}` is already loaded, from `{first}`, with other fields",
            ev.line
        ),
        Some(ev.id_span),
    )
    .with_label("this event is loaded already")
    .with_help(
        "an ACLED event is loaded once: load one export of it (ACLED's newer export of an \
         event replaces the older; start a new session to load it instead)",
    )
}
