//! This module defines the tables a generated program carries about itself:
//! its relations and their roles, the library rules it compiled (so run-time
//! errors point at the rule in the loaded program), the places where an
//! operation can fail, and what it left to the interpreter and why.

use crate::value::Type;

/// What the compiled program does with a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationRole {
    /// Read from the database.
    Base,
    /// Derived by the compiled program and written back.
    Derived,
    /// Left to the interpreter.
    // The generator writes this role and the next only for a program that
    // has such relations; the rule library today has none.
    #[allow(dead_code)]
    Interpreted,
    /// A query's answer relation (not the library's).
    #[allow(dead_code)]
    Query,
    /// Internal: the matches of an aggregate's body.
    AggregateBody,
    /// Internal: an aggregate's grouped results.
    AggregateResult,
}

/// A relation of the compiled program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelationInfo {
    /// Its Datalog name (helpers start with `$`).
    pub name: &'static str,
    /// Column types.
    pub types: &'static [Type],
    /// What the compiled program does with it.
    pub role: RelationRole,
}

/// A library rule the compiled program evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Its [`signature`](super::signature::rule_signature).
    pub signature: &'static str,
    /// `file:line` in the rule library.
    pub location: &'static str,
}

/// A place where an operation can fail: a byte range relative to the start
/// of its rule's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    /// Index into the rule table.
    pub rule: u32,
    /// Start offset from the rule's start.
    pub start: u32,
    /// End offset from the rule's start.
    pub end: u32,
}

/// A relation the compiled program leaves to the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterpretedInfo {
    /// The relation.
    pub relation: &'static str,
    /// Why.
    pub reason: &'static str,
}

/// A library rule that could not be compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnsupportedInfo {
    /// `file:line` in the rule library.
    pub location: &'static str,
    /// Why.
    pub reason: &'static str,
}
