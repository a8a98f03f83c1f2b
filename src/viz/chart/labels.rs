//! This module defines how a chart names its edges: by the relation of the
//! query's atom that holds both variables an edge joins, read from the
//! query's text.

use std::collections::BTreeSet;

use crate::diag::SourceMap;
use crate::syntax::{self, ast};

/// The positive atoms of a query: relation names and the variables each
/// holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct QueryShape {
    atoms: Vec<(String, BTreeSet<String>)>,
}

impl QueryShape {
    /// Reads the atoms of the `?-` query in a text (none when it does not
    /// parse: the labels then fall back to the column names).
    pub(crate) fn parse(text: &str) -> QueryShape {
        let mut sources = SourceMap::new();
        let id = sources.add("<chart>", text);
        let Ok(module) = syntax::parse(&sources, id) else {
            return QueryShape::default();
        };
        let mut atoms = Vec::new();
        for item in &module.items {
            if let ast::Item::Query(q) = item {
                for literal in q.body.alternatives.iter().flatten() {
                    if let ast::Literal::Atom(atom) = literal {
                        let vars = atom
                            .args
                            .iter()
                            .filter_map(|a| match a {
                                ast::Expr::Var(v) => Some(v.name.clone()),
                                _ => None,
                            })
                            .collect();
                        atoms.push((atom.name.name.clone(), vars));
                    }
                }
            }
        }
        QueryShape { atoms }
    }

    /// One atom holding every column: the shape of a relation drawn whole.
    pub(crate) fn single(relation: &str, columns: &[String]) -> QueryShape {
        QueryShape {
            atoms: vec![(relation.to_string(), columns.iter().cloned().collect())],
        }
    }

    /// The label of an edge between two columns: the relations whose atoms
    /// hold both (`a / b` when several), or `A-B` when none does.
    pub(crate) fn between(&self, a: &str, b: &str) -> String {
        let mut names: Vec<&str> = self
            .atoms
            .iter()
            .filter(|(_, vars)| vars.contains(a) && vars.contains(b))
            .map(|(name, _)| name.as_str())
            .collect();
        names.dedup();
        let mut seen = BTreeSet::new();
        names.retain(|n| seen.insert(*n));
        if names.is_empty() {
            format!("{a}-{b}")
        } else {
            names.join(" / ")
        }
    }

    /// The label of a hub joining all the columns: the relations of the
    /// query's atoms (`answer` when it has none).
    pub(crate) fn hub(&self) -> String {
        let mut seen = BTreeSet::new();
        let names: Vec<&str> = self
            .atoms
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| seen.insert(*n))
            .collect();
        if names.is_empty() {
            "answer".to_string()
        } else {
            names.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_the_atom_holding_both_variables() {
        let shape = QueryShape::parse("?- arrest(P, L, _), nationality(P, C), !rank(P, \"x\").");
        assert_eq!(shape.between("P", "L"), "arrest");
        assert_eq!(shape.between("P", "C"), "nationality");
        assert_eq!(shape.between("L", "C"), "L-C");
        assert_eq!(shape.hub(), "arrest, nationality");
        assert_eq!(QueryShape::parse("?- (").hub(), "answer");
    }
}
