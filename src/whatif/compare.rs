//! This module defines what a what-if found: for each relation, the tuples
//! lost, gained, and kept with another confidence, by comparing two
//! evaluated workspaces tuple by tuple with the explainer's confidences.

use std::collections::BTreeSet;

use crate::ir::RelId;
use crate::provenance::{Confidence, Explainer};
use crate::session::{Error, Workspace};
use crate::value::Value;

/// A tuple and its confidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conclusion {
    /// The tuple's values.
    pub values: Vec<Value>,
    /// Its confidence where it holds (before when lost, after when gained).
    pub confidence: Confidence,
}

/// A tuple that holds before and after, with a different confidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    /// The tuple's values.
    pub values: Vec<Value>,
    /// Its confidence now.
    pub before: Confidence,
    /// Its confidence in the what-if.
    pub after: Confidence,
}

/// How many tuples were lost, gained and changed in confidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tuples that no longer hold.
    pub lost: usize,
    /// Tuples that hold only in the what-if.
    pub gained: usize,
    /// Tuples that hold in both with another confidence.
    pub changed: usize,
}

impl Counts {
    /// Whether nothing changed.
    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }

    fn add(&mut self, other: Counts) {
        self.lost += other.lost;
        self.gained += other.gained;
        self.changed += other.changed;
    }
}

/// What changed in one relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationChanges {
    /// The relation.
    pub relation: String,
    /// Its arity.
    pub arity: usize,
    /// Tuples that no longer hold, in value order, with their confidence now.
    pub lost: Vec<Conclusion>,
    /// Tuples that hold only in the what-if, with their confidence there.
    pub gained: Vec<Conclusion>,
    /// Tuples whose confidence changed.
    pub changed: Vec<Shift>,
}

impl RelationChanges {
    /// Its counts.
    pub fn counts(&self) -> Counts {
        Counts {
            lost: self.lost.len(),
            gained: self.gained.len(),
            changed: self.changed.len(),
        }
    }
}

/// The changes of a group of relations (derived, or base).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// The relations that changed, by name.
    pub changed: Vec<RelationChanges>,
    /// How many relations of the group did not change.
    pub unchanged: usize,
}

impl Group {
    /// The counts summed over the group.
    pub fn counts(&self) -> Counts {
        let mut total = Counts::default();
        for r in &self.changed {
            total.add(r.counts());
        }
        total
    }

    /// The changes of one relation, if it changed.
    pub fn relation(&self, name: &str) -> Option<&RelationChanges> {
        self.changed.iter().find(|r| r.relation == name)
    }
}

/// Compares the workspace now (`before`) with a variant of it (`after`):
/// the derived relations (those some rule derives) and the base ones.
pub(super) fn compare(before: &Workspace, after: &Workspace) -> Result<(Group, Group), Error> {
    let mut then = Explainer::new(before);
    let mut now = Explainer::new(after);
    let program = before.program();
    let mut derived = Group::default();
    let mut base = Group::default();
    for (rel, relation) in program.relations.iter().enumerate() {
        // The provenance relations change exactly with the attestations
        // they describe (the base facts listed); what a rule draws from
        // them is listed with the derived relations.
        if relation.is_query || crate::session::is_provenance(program, &relation.name) {
            continue;
        }
        let group = if program.rules.iter().any(|r| r.head.rel == rel) {
            &mut derived
        } else {
            &mut base
        };
        let other = after.program().relation_id(&relation.name);
        let changes = relation_changes(
            (&mut then, before, rel),
            (&mut now, after, other),
            &relation.name,
            relation.arity(),
        )?;
        if changes.counts().is_zero() {
            group.unchanged += 1;
        } else {
            group.changed.push(changes);
        }
    }
    for group in [&mut derived, &mut base] {
        group.changed.sort_by(|a, b| a.relation.cmp(&b.relation));
    }
    Ok((derived, base))
}

/// One side of a comparison: its explainer, its workspace and the
/// relation's id there (none when the relation does not exist there).
type Side<'a, 'w, R> = (&'a mut Explainer<'w>, &'w Workspace, R);

fn relation_changes(
    (then, before, rel): Side<'_, '_, RelId>,
    (now, after, other): Side<'_, '_, Option<RelId>>,
    name: &str,
    arity: usize,
) -> Result<RelationChanges, Error> {
    let old: BTreeSet<Vec<Value>> = before.database().tuples(rel).into_iter().collect();
    let new: BTreeSet<Vec<Value>> = match other {
        Some(o) => after.database().tuples(o).into_iter().collect(),
        None => BTreeSet::new(),
    };
    let confidence = |ex: &mut Explainer<'_>, rel: RelId, values: &[Value]| {
        ex.confidence_of(rel, values)
            .map(|c| c.expect("the tuple was read from this relation"))
    };
    let mut changes = RelationChanges {
        relation: name.to_string(),
        arity,
        lost: Vec::new(),
        gained: Vec::new(),
        changed: Vec::new(),
    };
    for values in &old {
        let before = confidence(then, rel, values)?;
        if new.contains(values) {
            let o = other.expect("a tuple is kept only where the relation exists");
            let after = confidence(now, o, values)?;
            if after != before {
                changes.changed.push(Shift {
                    values: values.clone(),
                    before,
                    after,
                });
            }
        } else {
            changes.lost.push(Conclusion {
                values: values.clone(),
                confidence: before,
            });
        }
    }
    if let Some(o) = other {
        for values in new.difference(&old) {
            changes.gained.push(Conclusion {
                values: values.clone(),
                confidence: confidence(now, o, values)?,
            });
        }
    }
    Ok(changes)
}
