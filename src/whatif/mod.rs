//! This module defines what-if questions: what changes if a source were not
//! loaded, if base facts were retracted, or if facts were added.
//!
//! ```text
//!  Scenario ──check: known sources, facts read like `:why` reads them──▶
//!  Workspace::variant (a copy: attestations left out, facts added, evaluated
//!  from scratch with the same rules and bounds) ──compare──▶ WhatIf
//!  (per relation: lost, gained, changed in confidence) ──render──▶ text | JSON
//! ```
//!
//! A source is left out by leaving out its attestations only: a fact that
//! another source (or the rule text) also attests survives, with the
//! confidence its remaining attestations give it. Naming the origin a
//! source relays leaves out every loaded source that relays it. A retracted fact loses
//! every attestation. An added fact is written, so it is ungraded (it counts
//! as certain, as a fact typed in the session does). The workspace asked
//! about is never changed: the question runs on a copy.
//!
//! ```
//! use sleuth::session::Workspace;
//! use sleuth::whatif::{self, Scenario};
//!
//! let ws = Workspace::builder().builtins().open()?;
//! let scenario = Scenario {
//!     retract: vec![r#"arrest("sale-moroccan-1", "Sale", "2024-02")"#.into()],
//!     ..Scenario::default()
//! };
//! let answer = whatif::whatif(&ws, &scenario)?;
//! let lost = answer.derived.relation("arrested_in_country").expect("changed");
//! assert_eq!(lost.lost[0].values[0].to_string(), "sale-moroccan-1");
//! print!("{}", whatif::render_text(&answer));
//! # Ok::<(), sleuth::session::Error>(())
//! ```

// Diagnostic is the crate's error type by contract and is returned by value.
#![allow(clippy::result_large_err)]

mod compare;
mod render;
mod scenario;

pub use compare::{Conclusion, Counts, Group, RelationChanges, Shift};
pub use render::{render_json, render_text};
pub use scenario::Scenario;

use crate::diag::{Code, Diagnostic, Span, did_you_mean};
use crate::io::data::DataSet;
use crate::provenance::target;
use crate::session::{BaseFact, Error, Workspace};
use crate::value::Value;

use scenario::Flag;

/// What a what-if found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatIf {
    /// The question.
    pub scenario: Scenario,
    /// The relations some rule derives.
    pub derived: Group,
    /// The relations only facts fill.
    pub base: Group,
}

impl WhatIf {
    /// The counts over every relation.
    pub fn totals(&self) -> Counts {
        let (d, b) = (self.derived.counts(), self.base.counts());
        Counts {
            lost: d.lost + b.lost,
            gained: d.gained + b.gained,
            changed: d.changed + b.changed,
        }
    }
}

/// A fact of the scenario, read against the workspace.
struct Read {
    relation: String,
    values: Vec<Value>,
}

/// Answers a what-if over the workspace, which stays exactly as it was.
/// Errors (an empty scenario, an unknown source, a fact that does not parse
/// or check, a retracted fact that is not a base fact) are located and
/// change nothing either.
pub fn whatif(ws: &Workspace, scenario: &Scenario) -> Result<WhatIf, Error> {
    if scenario.is_empty() {
        return Err(Error {
            diagnostics: Diagnostic::new(
                Code::MissingArgument,
                "a what-if needs something to change",
                None,
            )
            .with_help(format!(
                "give --without SOURCE, --retract FACT or --add FACT: {}",
                Scenario::USAGE
            ))
            .into(),
            sources: ws.sources().clone(),
        });
    }
    check_sources(ws, scenario)?;
    let mut retracted = Vec::new();
    let mut added = Vec::new();
    let (line, ranges) = scenario.line();
    for ((flag, text), at) in scenario.parts().zip(ranges) {
        let in_line = |e: Error, what: &str| into_line(e, what, &line, at.start, text);
        match flag {
            Flag::Without => {}
            Flag::Retract => {
                retracted.push(read_base_fact(ws, text).map_err(|e| in_line(e, "retract"))?)
            }
            Flag::Add => added.push(read_fact(ws, text, "add").map_err(|e| in_line(e, "add"))?.0),
        }
    }
    let without = &scenario.without;
    let relays = relays(ws);
    let keep = |fact: BaseFact<'_>| {
        let retracted = retracted
            .iter()
            .any(|r| r.relation == fact.relation && r.values == fact.values);
        let left_out = fact
            .provenance
            .is_some_and(|p| relays_any(&relays, &p.source, without));
        !retracted && !left_out
    };
    let text: String = added
        .iter()
        .map(|r| format!("{}.\n", datalog(&r.relation, &r.values)))
        .collect();
    let texts = if added.is_empty() {
        Vec::new()
    } else {
        vec![("<add>".to_string(), text)]
    };
    let variant = ws.variant(&keep, &texts)?;
    let (derived, base) = compare::compare(ws, &variant)?;
    Ok(WhatIf {
        scenario: scenario.clone(),
        derived,
        base,
    })
}

/// `rel("a", 1)`.
pub(crate) fn datalog(relation: &str, values: &[Value]) -> String {
    let args: Vec<String> = values.iter().map(Value::to_datalog).collect();
    format!("{relation}({})", args.join(", "))
}

/// The workspace's documents, to follow what each relays
/// ([`DataSet::origin_of`]).
fn relays(ws: &Workspace) -> DataSet {
    DataSet {
        sources: ws.documents().to_vec(),
        facts: Vec::new(),
    }
}

/// Whether `source`, or a source it relays (directly or through other
/// relays, as [`DataSet::origin_of`] follows them), is one of `named`.
fn relays_any(relays: &DataSet, source: &str, named: &[String]) -> bool {
    relays
        .relay_chain(source)
        .any(|s| named.iter().any(|n| n == s))
}

/// The sources the workspace knows: its documents, any other source its
/// data facts cite, the sources facts were typed under, and the origins its documents relay (leaving out an
/// origin leaves out every source that relays it).
fn known_sources(ws: &Workspace) -> Vec<String> {
    let relays = relays(ws);
    let mut known: Vec<String> = Vec::new();
    let cited = ws.facts().iter().map(|f| f.provenance.source.as_str());
    let typed = ws.typed_spans();
    let typed = typed.iter().map(|(_, s)| s.id.as_str());
    for id in ws
        .documents()
        .iter()
        .map(|d| d.id.as_str())
        .chain(cited)
        .chain(typed)
    {
        for name in [id, relays.origin_of(id)] {
            if !known.iter().any(|k| k == name) {
                known.push(name.to_string());
            }
        }
    }
    known.sort_unstable();
    known
}

/// Rejects a `--without` naming no loaded source, pointing at it in the
/// scenario's line, with a did-you-mean.
fn check_sources(ws: &Workspace, scenario: &Scenario) -> Result<(), Error> {
    let known = known_sources(ws);
    let (line, ranges) = scenario.line();
    for ((flag, source), at) in scenario.parts().zip(&ranges) {
        if flag != Flag::Without || known.iter().any(|k| k == source) {
            continue;
        }
        let mut sources = ws.sources().clone();
        let id = sources.add("<whatif>", line.clone());
        let mut d = Diagnostic::new(
            Code::UnknownSource,
            format!("no loaded source is named `{source}`"),
            Some(Span::new(id, at.start, at.end)),
        )
        .with_help(format!(
            "name a loaded source, or the origin one relays (`:sources` lists them): {}",
            known.join(", ")
        ));
        d = match did_you_mean(source, known.iter().map(String::as_str)) {
            Some(close) => d.with_label(format!("did you mean `{close}`?")),
            None => d.with_label("not a loaded source"),
        };
        return Err(Error {
            diagnostics: d.into(),
            sources,
        });
    }
    Ok(())
}

/// Points the diagnostics about a fact's own text (read as `?- FACT.` in a
/// text named `<what>`) at the fact where it stands in the scenario's line
/// (`line`, the fact starting at byte `at`), so every error of a what-if
/// shows the what-if as written.
fn into_line(mut e: Error, what: &str, line: &str, at: usize, text: &str) -> Error {
    let name = format!("<{what}>");
    let atom = target::atom_text(text);
    let Some(offset) = text.find(atom) else {
        return e;
    };
    let query = |span: Span| e.sources.file(span.source).name == name;
    let moved: Vec<bool> = e
        .diagnostics
        .0
        .iter()
        .flat_map(|d| d.span.iter().chain(d.secondary.iter().map(|(s, _)| s)))
        .map(|s| query(*s))
        .collect();
    if !moved.contains(&true) {
        return e;
    }
    let id = e.sources.add("<whatif>", line.to_string());
    let mut moved = moved.into_iter();
    let shift = |span: &mut Span, moved: bool| {
        if moved {
            // `?- ` precedes the fact in the text it was read as.
            let start = (span.start as usize).saturating_sub(3) + at + offset;
            let end = (span.end as usize).saturating_sub(3) + at + offset;
            *span = Span::new(id, start.min(line.len()), end.min(line.len()));
        }
    };
    for d in &mut e.diagnostics.0 {
        if let Some(span) = &mut d.span {
            shift(span, moved.next().unwrap_or(false));
        }
        for (span, _) in &mut d.secondary {
            shift(span, moved.next().unwrap_or(false));
        }
    }
    e
}

/// Reads a fact of the scenario as `:why` reads one: checked against the
/// workspace's relations, every argument a constant of its column's type.
fn read_fact(ws: &Workspace, text: &str, what: &str) -> Result<(Read, target::Target), Error> {
    let target = target::parse(ws, text, what)?;
    let Some(values) = target.ground() else {
        return Err(target.error(
            Diagnostic::new(
                Code::NotGround,
                format!("`--{what}` takes one fact, but this one has variables or `_`"),
                Some(target.span),
            )
            .with_help("give every argument a value; a query `?- ...` lists the facts that match"),
        ));
    };
    let relation = ws.program().relations[target.rel].name.clone();
    Ok((Read { relation, values }, target))
}

/// Reads a fact to retract, which must be a base fact: given by the data
/// or written as a fact in rule or session text.
fn read_base_fact(ws: &Workspace, text: &str) -> Result<Read, Error> {
    let (read, target) = read_fact(ws, text, "retract")?;
    let in_data = ws
        .facts()
        .iter()
        .any(|f| f.relation == read.relation && f.values == read.values);
    let written = ws
        .program()
        .facts
        .iter()
        .any(|f| f.rel == target.rel && f.values == read.values);
    if in_data || written {
        return Ok(read);
    }
    let fact = datalog(&read.relation, &read.values);
    let holds = ws.database().contains(target.rel, &read.values);
    let (label, help) = if holds {
        (
            "it is derived by the rules, not given as a fact",
            format!(
                "retract the base facts it rests on instead (`:why {fact}` or `sleuth explain '{fact}'` lists them), or leave out their source with --without"
            ),
        )
    } else {
        (
            "no such fact is loaded",
            format!(
                "retract a fact the data gives; `?- {}.` lists them",
                query_of(&read.relation, read.values.len())
            ),
        )
    };
    Err(target.error(
        Diagnostic::new(
            Code::NotABaseFact,
            format!("{fact} is not a base fact"),
            Some(target.span),
        )
        .with_label(label)
        .with_help(help),
    ))
}

/// `rel(_, _, _)`.
fn query_of(relation: &str, arity: usize) -> String {
    format!("{relation}({})", vec!["_"; arity].join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Grade;
    use crate::io::data::SourceDoc;

    fn doc(id: &str, relays: Option<&str>) -> SourceDoc {
        SourceDoc {
            id: id.to_string(),
            title: String::new(),
            publisher: String::new(),
            date: None,
            description: String::new(),
            grade: Grade::parse("C2").expect("a grade"),
            paragraphs: 1,
            paragraph_counting: String::new(),
            file: String::new(),
            relays: relays.map(str::to_string),
        }
    }

    /// Leaving out a source in the middle of a chain of relays leaves out
    /// the sources that relay it, not the one it relays.
    #[test]
    fn a_relay_is_left_out_with_anything_it_relays() {
        let set = DataSet {
            sources: vec![
                doc("news", Some("digest")),
                doc("digest", Some("study")),
                doc("loop-a", Some("loop-b")),
                doc("loop-b", Some("loop-a")),
            ],
            facts: Vec::new(),
        };
        let named = |n: &str| vec![n.to_string()];
        assert!(relays_any(&set, "news", &named("news")));
        assert!(relays_any(&set, "news", &named("digest")));
        assert!(relays_any(&set, "news", &named("study")));
        assert!(!relays_any(&set, "digest", &named("news")));
        assert!(!relays_any(&set, "loop-a", &named("news")));
        assert!(relays_any(&set, "loop-a", &named("loop-b")));
    }
}
