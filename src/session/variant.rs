//! This module defines a variant of a workspace: a copy in which some base
//! facts are left out and some are added, evaluated from scratch with the
//! same rules and bounds. It is what a what-if question runs on
//! ([`crate::whatif`]); the workspace it comes from is not touched.

use super::{Error, Workspace};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::io::data::Provenance;
use crate::syntax::ast::Item;
use crate::value::Value;

/// One base fact as a variant sees it, to decide whether to keep it.
#[derive(Clone, Copy, Debug)]
pub struct BaseFact<'a> {
    /// Its relation's name.
    pub relation: &'a str,
    /// Its values, of the columns' types.
    pub values: &'a [Value],
    /// Where a data fact comes from, or the source a fact written in rule
    /// or session text was typed under (paragraph 0); `None` for a written
    /// fact without one.
    pub provenance: Option<&'a Provenance>,
}

impl Workspace {
    /// A copy of the workspace in which every base fact `keep` rejects is
    /// left out (each attestation of a data fact is asked about on its own,
    /// so a fact survives while one of them is kept) and the facts written
    /// in each text of `added` (`(name, text)`, facts only) are added as
    /// written facts; the copy is checked and evaluated from scratch with
    /// the workspace's options. `self` is unchanged, also on error.
    pub fn variant(
        &self,
        keep: &dyn Fn(BaseFact<'_>) -> bool,
        added: &[(String, String)],
    ) -> Result<Workspace, Error> {
        let mut alt = self.clone();
        let mut extra = Vec::new();
        for (name, text) in added {
            let clauses = alt.parse_text(name, text)?;
            if let Some(item) = clauses.module.items.iter().find(
                |item| !matches!(item, Item::Clause(c) if c.body.is_none() && c.heads.len() == 1),
            ) {
                return Err(Error::new(
                    Diagnostic::new(
                        Code::NotAFact,
                        "only facts can be added to a what-if",
                        Some(super::edit::item_span(item)),
                    )
                    .with_help("write facts with constant arguments, e.g. `watch(\"Tangier\").`"),
                    &alt.sources,
                ));
            }
            extra.push(clauses.module);
        }
        let mut program = alt.check_modules(&alt.modules(&alt.session, &extra))?;
        let added_sources: Vec<_> = extra.iter().map(|m| m.source).collect();
        let relations = &program.relations;
        // A fact written under a source (`.pragma "source"`, `:source`) is
        // asked about with that source, as a data fact is with its own.
        let typed = alt.typed_spans();
        program.facts.retain(|f| {
            let provenance = super::source_at(&typed, f.span).map(|s| Provenance {
                source: s.id.clone(),
                paragraph: 0,
                grade: s.grade,
                note: None,
            });
            added_sources.contains(&f.span.source)
                || keep(BaseFact {
                    relation: &relations[f.rel].name,
                    values: &f.values,
                    provenance: provenance.as_ref(),
                })
        });
        let cited = |facts: &[crate::io::data::GroundFact]| -> std::collections::HashSet<String> {
            facts.iter().map(|f| f.provenance.source.clone()).collect()
        };
        let before = cited(&alt.facts);
        alt.facts.retain(|f| {
            keep(BaseFact {
                relation: &f.relation,
                values: &f.values,
                provenance: Some(&f.provenance),
            })
        });
        // A document none of whose facts is kept is not loaded in the
        // variant: it is no longer a source (`source_origin`), and what
        // relays it has it as its origin, as when it was never loaded.
        let after = cited(&alt.facts);
        alt.documents
            .retain(|d| !before.contains(&d.id) || after.contains(&d.id));
        let state = alt.evaluate_from_scratch(program, &alt.session, &[], &[])?;
        alt.install(state);
        Ok(alt)
    }
}
