//! This module defines what the workspace says about one relation: its
//! columns and types, where it is declared, how many tuples it holds and
//! where they come from, and the rules that derive it with their places.

use super::{Error, RelationKind, Workspace, place};
use crate::diag::Code;
use crate::diag::{Diagnostic, did_you_mean};
use crate::ir;

/// A relation's description, for the REPL's `:schema`.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// Its name.
    pub name: String,
    /// Its columns (attribute names and types).
    pub columns: Vec<ir::Column>,
    /// Base, derived or session.
    pub kind: RelationKind,
    /// Tuples now.
    pub tuples: usize,
    /// Where its `.decl` is (`file:line`), or `None` when its types were
    /// inferred.
    pub declared_at: Option<String>,
    /// The rules deriving it, in program order.
    pub rules: Vec<RuleSource>,
    /// Facts written in rule files or typed in the session.
    pub written_facts: usize,
    /// Facts from data documents.
    pub data_facts: usize,
}

/// A rule as written, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSource {
    /// `file:line`.
    pub location: String,
    /// The rule's text as written (possibly several lines).
    pub text: String,
}

impl Schema {
    /// `name(column: type, ...)`.
    pub(crate) fn signature(&self) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{}: {}", c.name, c.ty))
            .collect();
        format!("{}({})", self.name, columns.join(", "))
    }
}

impl Workspace {
    /// Describes relation `name`; an unknown name is an `unknown-relation`
    /// error with a did-you-mean.
    pub(crate) fn schema(&self, name: &str) -> Result<Schema, Error> {
        let program = &self.state.program;
        let Some(rel) = program
            .relation_id(name)
            .filter(|&r| !program.relations[r].is_query)
        else {
            let known = program
                .relations
                .iter()
                .filter(|r| !r.is_query)
                .map(|r| r.name.as_str());
            let mut d = Diagnostic::new(
                Code::UnknownRelation,
                format!("relation `{name}` is not defined"),
                None,
            )
            .with_help("`:relations` lists every relation");
            if let Some(close) = did_you_mean(name, known) {
                d = d.with_label(format!("did you mean `{close}`?"));
            }
            return Err(Error::new(d, &self.sources));
        };
        let relation = &program.relations[rel];
        let mut rules: Vec<RuleSource> = Vec::new();
        let mut seen = Vec::new();
        for rule in program.rules.iter().filter(|r| r.head.rel == rel) {
            // Alternatives of one `;` body, and several heads, share a span.
            if seen.contains(&rule.span) {
                continue;
            }
            seen.push(rule.span);
            let mut text = self.sources.snippet(rule.span).to_string();
            if !text.ends_with('.') {
                text.push('.');
            }
            rules.push(RuleSource {
                location: place(&self.sources, rule.span),
                text,
            });
        }
        let mut columns = relation.columns.clone();
        if !relation.declared {
            name_columns(program, rel, &mut columns);
        }
        Ok(Schema {
            name: relation.name.clone(),
            columns,
            kind: self.kind_of(rel, &self.session_heads()),
            tuples: self.state.db.len(rel),
            declared_at: relation
                .declared
                .then_some(relation.span)
                .flatten()
                .map(|span| place(&self.sources, span)),
            rules,
            written_facts: program.facts.iter().filter(|f| f.rel == rel).count(),
            data_facts: self.facts.iter().filter(|f| f.relation == name).count(),
        })
    }
}

/// Names the inferred columns (`_0`, `_1` ...) of an undeclared relation
/// after the variables its rules' heads put there: column `i` takes the name
/// of the first rule (in program order) whose head has a plain variable at
/// `i` not already naming another column. Columns no head names keep `_i`.
fn name_columns(program: &ir::Program, rel: ir::RelId, columns: &mut [ir::Column]) {
    let mut named = vec![false; columns.len()];
    for rule in program.rules.iter().filter(|r| r.head.rel == rel) {
        for (i, arg) in rule.head.args.iter().enumerate().take(columns.len()) {
            let ir::Expr::Var(v) = arg else { continue };
            let name = &rule.vars[*v].name;
            let taken = columns.iter().any(|c| &c.name == name);
            if !named[i] && !name.starts_with('$') && !taken {
                columns[i].name = name.clone();
                named[i] = true;
            }
        }
    }
}
