//! This module defines what reading a STIX bundle reports: the objects it
//! mapped onto the base schema and those it left out, counted per object
//! type, with why (loading prints it as a note; tests read it).

use std::collections::{BTreeMap, BTreeSet};

/// What a bundle gave and what was left out, counted per STIX object type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Objects mapped onto the base schema, by type.
    pub mapped: BTreeMap<String, usize>,
    /// Objects left out, by type, with why.
    pub skipped: BTreeMap<String, Skipped>,
}

/// Objects of one type left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// How many.
    pub count: usize,
    /// Why, in words (one line per reason).
    pub reasons: BTreeSet<String>,
}

impl ImportSummary {
    /// How many objects were mapped.
    pub fn mapped_count(&self) -> usize {
        self.mapped.values().sum()
    }

    /// How many objects were left out.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(|s| s.count).sum()
    }

    /// The summary in one paragraph: `mapped 12 objects (report 1,
    /// threat-actor 5 ...); skipped 40 (malware 6: ...)`.
    pub fn text(&self) -> String {
        let mapped: Vec<String> = self
            .mapped
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        let skipped: Vec<String> = self
            .skipped
            .iter()
            .map(|(t, s)| {
                let why: Vec<&str> = s.reasons.iter().map(String::as_str).collect();
                format!("{t} {} ({})", s.count, why.join("; "))
            })
            .collect();
        let mut out = format!(
            "mapped {} object{} ({})",
            self.mapped_count(),
            if self.mapped_count() == 1 { "" } else { "s" },
            mapped.join(", ")
        );
        if !skipped.is_empty() {
            out.push_str(&format!(
                "; skipped {}: {}",
                self.skipped_count(),
                skipped.join(", ")
            ));
        }
        out
    }

    pub(crate) fn map(&mut self, ty: &str) {
        *self.mapped.entry(ty.to_string()).or_default() += 1;
    }

    pub(crate) fn skip(&mut self, ty: &str, why: impl Into<String>) {
        let s = self.skipped.entry(ty.to_string()).or_default();
        s.count += 1;
        s.reasons.insert(why.into());
    }
}
