//! This module defines how the REPL's listings look: aligned columns for
//! relations and sources, numbered session entries, a relation's schema,
//! and the lines saying what a change did.

use crate::io::data::{GroundFact, SourceDoc};
use crate::session::{Change, RelationKind, RelationSummary, Schema, SessionEntry};

/// Aligned columns under a header and a rule of dashes; the columns whose
/// index is in `right` are aligned right.
pub fn columns(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    crate::io::format::aligned(headers, rows, right)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `hot/1: 3 tuples (+3)`, one line per change, or `no change`.
pub fn changes(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no change\n".to_string();
    }
    changes.iter().map(|c| format!("{c}\n")).collect()
}

fn kind_word(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Base => "base",
        RelationKind::Derived => "derived",
        RelationKind::Session => "session",
        RelationKind::Provenance => "provenance",
    }
}

/// The `:relations` table and a count by kind.
pub fn relations(relations: &[RelationSummary]) -> String {
    let rows: Vec<Vec<String>> = relations
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.arity.to_string(),
                r.tuples.to_string(),
                kind_word(r.kind).to_string(),
            ]
        })
        .collect();
    let mut out = columns(&["relation", "arity", "tuples", "kind"], &rows, &[1, 2]);
    let count = |k| relations.iter().filter(|r| r.kind == k).count();
    out.push_str(&format!(
        "{}: {} base, {} derived, {} session, {} provenance\n",
        plural(relations.len(), "relation", "relations"),
        count(RelationKind::Base),
        count(RelationKind::Derived),
        count(RelationKind::Session),
        count(RelationKind::Provenance)
    ));
    out
}

/// At most `max` characters, with `...` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(3)).collect();
        format!("{}...", cut.trim_end())
    }
}

/// Indents every line of `text` after the first by `indent` spaces.
fn hanging(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                format!("{pad}{}", l.trim_start())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `:schema` description.
pub fn schema(s: &Schema) -> String {
    let mut out = format!("{}\n", s.signature());
    let mut origin = format!(
        "  {}, {}",
        kind_word(s.kind),
        plural(s.tuples, "tuple", "tuples")
    );
    let mut from = Vec::new();
    if s.data_facts > 0 {
        from.push(format!("{} from data", s.data_facts));
    }
    if s.written_facts > 0 {
        from.push(format!("{} written as facts", s.written_facts));
    }
    if !from.is_empty() {
        origin.push_str(&format!(" ({})", from.join(", ")));
    }
    out.push_str(&origin);
    out.push('\n');
    match &s.declared_at {
        Some(at) => out.push_str(&format!("  declared at {at}\n")),
        None => out.push_str("  not declared: column types inferred from its facts and rules\n"),
    }
    if s.rules.is_empty() {
        out.push_str("  no rules derive it\n");
    } else {
        out.push_str(&format!("  {}:\n", plural(s.rules.len(), "rule", "rules")));
        for rule in &s.rules {
            out.push_str(&format!("    {}\n", rule.location));
            out.push_str(&format!("      {}\n", hanging(&rule.text, 8)));
        }
    }
    out
}

/// The `:rules` listing: the session's entries, numbered.
pub fn entries(entries: &[SessionEntry]) -> String {
    if entries.is_empty() {
        return "the session has no facts or rules yet: type one to add it\n".to_string();
    }
    let width = entries.len().to_string().len();
    entries
        .iter()
        .map(|e| {
            let source = e
                .source
                .as_ref()
                .map(|s| format!("  (source {s})"))
                .unwrap_or_default();
            format!(
                "{:>width$}  {}{source}\n",
                e.number,
                hanging(&e.text, width + 4)
            )
        })
        .collect()
}

/// The `:sources` table: each document with its grade, date and how many
/// facts it gave, then the grades in words.
pub fn sources(docs: &[SourceDoc], facts: &[GroundFact]) -> String {
    if docs.is_empty() {
        return "no source documents are loaded\n".to_string();
    }
    let rows: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.grade.to_string(),
                d.date.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
                facts
                    .iter()
                    .filter(|f| f.provenance.source == d.id)
                    .count()
                    .to_string(),
                shorten(&d.title, 60),
            ]
        })
        .collect();
    let mut out = columns(&["source", "grade", "date", "facts", "title"], &rows, &[3]);
    let mut grades: Vec<_> = docs.iter().map(|d| d.grade).collect();
    grades.sort_by_key(|g| g.to_string());
    grades.dedup();
    for grade in grades {
        out.push_str(&format!("{grade}: {}\n", grade.words()));
    }
    out
}
