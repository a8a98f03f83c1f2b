//! This module defines [`Database`], the storage of every relation of a
//! program: packed rows, the symbol interner, cached indexes, and the
//! bookkeeping that lets a later [`evaluate`](super::evaluate) continue from
//! where the previous one stopped.

use super::index::StaticIndex;
use super::intern::Interner;
use super::pack::{cmp_rows, pack, pack_existing, unpack};
use super::relation::Relation;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{self, RelId};
use crate::value::{Date, Type, Value};
use std::collections::HashMap;
use std::fmt;

/// Every relation of one program, with values packed into machine words.
///
/// A `Database` is made for one [`ir::Program`] ([`Database::new`]) and keeps
/// its relation ids. Base facts enter through [`Database::insert`],
/// [`Database::load_program_facts`] or `io::tsv::read_inputs`;
/// [`evaluate`](super::evaluate) derives the rest. Cloning a database is how a
/// caller keeps a copy to roll back to.
#[derive(Clone, Debug)]
pub struct Database {
    pub(crate) rels: Vec<Relation>,
    pub(crate) interner: Interner,
    pub(crate) names: Vec<String>,
    pub(crate) complete: Vec<bool>,
    /// Whether some rule derives the relation (its base facts are kept apart).
    pub(crate) derived: Vec<bool>,
    pub(crate) static_indexes: HashMap<(RelId, Vec<usize>), StaticIndex>,
    /// The global round counter (base facts are round 0).
    pub(crate) round: u32,
    /// Whether an evaluation has completed since the last failure.
    pub(crate) evaluated: bool,
    /// Whether rounds are being recorded for every row.
    pub(crate) rounds_on: bool,
    /// Rules of the program already evaluated; a stratum holding a later
    /// (new) rule is recomputed from scratch.
    pub(crate) rules_seen: usize,
}

/// A borrowed row of a relation, read without copying it out.
#[derive(Clone, Copy)]
pub struct RowRef<'a> {
    db: &'a Database,
    rel: RelId,
    id: usize,
}

/// One field of a [`RowRef`], printable without allocating.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field<'a> {
    /// A symbol's text.
    Symbol(&'a str),
    /// A number.
    Number(i64),
    /// A float.
    Float(f64),
    /// A date.
    Date(Date),
}

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Symbol(s) => f.write_str(s),
            Field::Number(n) => write!(f, "{n}"),
            Field::Float(x) => write!(f, "{}", Value::Float(*x)),
            Field::Date(d) => write!(f, "{d}"),
        }
    }
}

impl Field<'_> {
    /// The field as an owned [`Value`].
    pub fn to_value(self) -> Value {
        match self {
            Field::Symbol(s) => Value::Symbol(s.to_string()),
            Field::Number(n) => Value::Number(n),
            Field::Float(x) => Value::Float(x),
            Field::Date(d) => Value::Date(d),
        }
    }
}

impl<'a> RowRef<'a> {
    /// Number of fields.
    pub fn arity(&self) -> usize {
        self.db.rels[self.rel].arity
    }

    /// Field `i`.
    pub fn field(&self, i: usize) -> Field<'a> {
        let r = &self.db.rels[self.rel];
        let w = r.word(self.id, i);
        match r.types[i] {
            Type::Symbol => Field::Symbol(self.db.interner.resolve(w as u32)),
            Type::Number => Field::Number(w as i64),
            Type::Float => Field::Float(f64::from_bits(w)),
            Type::Date => Field::Date(Date::from_packed(w as u32)),
        }
    }

    /// Every field.
    pub fn fields(&self) -> impl Iterator<Item = Field<'a>> + '_ {
        (0..self.arity()).map(|i| self.field(i))
    }

    /// The row as owned values.
    pub fn values(&self) -> Vec<Value> {
        self.fields().map(Field::to_value).collect()
    }

    /// The round the row was first derived in, if rounds were recorded.
    pub fn round(&self) -> Option<u32> {
        self.db.rels[self.rel]
            .rounds
            .as_ref()
            .and_then(|r| r.get(self.id).copied())
    }
}

fn relation_error(db: &Database, rel: RelId) -> Option<Diagnostic> {
    (rel >= db.rels.len()).then(|| {
        Diagnostic::new(
            Code::UnknownRelation,
            format!("relation id {rel} is not part of this program"),
            None,
        )
        .with_help("use a relation id from the program the database was made for")
    })
}

/// Whether `indexes` holds a static index on `cols` of relation `rel` built
/// from the relation as it is now (taking the two fields apart, so that a
/// planner can ask while it interns constants).
pub(crate) fn index_is_current(
    indexes: &HashMap<(RelId, Vec<usize>), StaticIndex>,
    rels: &[Relation],
    rel: RelId,
    cols: &[usize],
) -> bool {
    indexes
        .get(&(rel, cols.to_vec()))
        .is_some_and(|ix| rels.get(rel).is_some_and(|r| ix.version == r.version))
}

impl Database {
    /// An empty database with one relation per relation of `program`.
    pub fn new(program: &ir::Program) -> Database {
        let mut derived = vec![false; program.relations.len()];
        for r in &program.rules {
            derived[r.head.rel] = true;
        }
        Database {
            rels: program
                .relations
                .iter()
                .map(|r| Relation::new(r.types()))
                .collect(),
            interner: Interner::new(),
            names: program.relations.iter().map(|r| r.name.clone()).collect(),
            complete: vec![false; program.relations.len()],
            derived,
            static_indexes: HashMap::new(),
            round: 0,
            evaluated: false,
            rounds_on: false,
            rules_seen: 0,
        }
    }

    /// Follows a program that grew (relations and rules appended, as a REPL
    /// session adds them): new relations start empty, data is kept, and the
    /// next [`evaluate`](super::evaluate) runs the strata with new rules from
    /// scratch. Fails when an existing relation's columns changed.
    pub fn adopt(&mut self, program: &ir::Program) -> Result<(), Diagnostic> {
        if program.relations.len() < self.rels.len() {
            return Err(Diagnostic::new(
                Code::Internal,
                "the program has fewer relations than the database",
                None,
            )
            .with_help("adopt only a program that grew from the one the database was made for"));
        }
        for (rel, r) in self.rels.iter().zip(&program.relations) {
            if rel.types != r.types() {
                return Err(Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "relation `{}` changed its columns since the data was loaded",
                        r.name
                    ),
                    r.span,
                )
                .with_help("keep a relation's declaration unchanged, or start a new session"));
            }
        }
        for r in &program.relations[self.rels.len()..] {
            self.rels.push(Relation::new(r.types()));
            self.names.push(r.name.clone());
            self.complete.push(false);
            self.derived.push(false);
            if let (true, Some(last)) = (self.rounds_on, self.rels.last_mut()) {
                last.rounds = Some(Vec::new());
            }
        }
        for rule in &program.rules {
            let h = rule.head.rel;
            if !self.derived[h] {
                // Rows so far were all base facts: keep them as such.
                self.derived[h] = true;
                let rel = &mut self.rels[h];
                rel.base = rel.wide_words();
                rel.base_rows = rel.len();
            }
        }
        Ok(())
    }

    /// Number of relations.
    pub fn relation_count(&self) -> usize {
        self.rels.len()
    }

    /// The name of a relation.
    pub fn name(&self, rel: RelId) -> &str {
        &self.names[rel]
    }

    /// Inserts a base fact, checked against the relation's arity and column
    /// types. Returns whether the tuple was new.
    pub fn insert(&mut self, rel: RelId, tuple: &[Value]) -> Result<bool, Diagnostic> {
        if let Some(d) = relation_error(self, rel) {
            return Err(d);
        }
        let r = &self.rels[rel];
        if tuple.len() != r.arity {
            return Err(Diagnostic::new(
                Code::ArityMismatch,
                format!(
                    "`{}` has {} column(s) but the fact has {} value(s)",
                    self.names[rel],
                    r.arity,
                    tuple.len()
                ),
                None,
            )
            .with_help("give one value per declared column"));
        }
        for (i, (v, ty)) in tuple.iter().zip(&r.types).enumerate() {
            if v.ty() != *ty {
                return Err(Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "column {} of `{}` is a {} but the fact gives the {} {}",
                        i + 1,
                        self.names[rel],
                        ty,
                        v.ty(),
                        v.to_datalog()
                    ),
                    None,
                )
                .with_help(format!("give a {ty} in this column")));
            }
        }
        let mut row = Vec::with_capacity(tuple.len());
        for v in tuple {
            row.push(pack(v, &mut self.interner).map_err(|m| {
                Diagnostic::new(Code::SymbolTableFull, m, None)
                    .with_help("use fewer distinct symbols")
            })?);
        }
        Ok(self.insert_packed(rel, &row))
    }

    /// Inserts a packed base row (the TSV reader's fast path).
    pub(crate) fn insert_packed(&mut self, rel: RelId, row: &[u64]) -> bool {
        let new = self.rels[rel].insert(row, 0);
        if self.derived[rel] {
            self.rels[rel].base.extend_from_slice(row);
            self.rels[rel].base_rows += 1;
        }
        new
    }

    /// Inserts `n` packed base rows (`arity` words each) in one batch;
    /// returns how many were new.
    pub(crate) fn insert_packed_batch(
        &mut self,
        rel: RelId,
        rows: &[u64],
        n: usize,
        hashes: &mut Vec<u64>,
    ) -> usize {
        let r = &mut self.rels[rel];
        if self.derived[rel] {
            r.base.extend_from_slice(&rows[..n * r.arity]);
            r.base_rows += n;
        }
        r.insert_batch(rows, n, 0, hashes, 1)
    }

    /// Inserts every fact written in the program text.
    pub fn load_program_facts(&mut self, program: &ir::Program) -> Result<(), Diagnostic> {
        for f in &program.facts {
            self.insert(f.rel, &f.values).map_err(|mut d| {
                d.span = Some(f.span);
                d
            })?;
        }
        Ok(())
    }

    /// Number of tuples of a relation.
    pub fn len(&self, rel: RelId) -> usize {
        self.rels.get(rel).map_or(0, Relation::len)
    }

    /// Whether the database holds no tuple at all.
    pub fn is_empty(&self) -> bool {
        self.rels.iter().all(Relation::is_empty)
    }

    /// Whether a relation holds a tuple.
    pub fn contains(&self, rel: RelId, tuple: &[Value]) -> bool {
        self.find(rel, tuple).is_some()
    }

    fn find(&self, rel: RelId, tuple: &[Value]) -> Option<usize> {
        let r = self.rels.get(rel)?;
        if tuple.len() != r.arity || tuple.iter().zip(&r.types).any(|(v, t)| v.ty() != *t) {
            return None;
        }
        let row: Option<Vec<u64>> = tuple
            .iter()
            .map(|v| pack_existing(v, &self.interner))
            .collect();
        r.find(&row?).map(|id| id as usize)
    }

    /// The round in which a tuple was first derived (0 for base facts), when
    /// the evaluation that derived it ran with `record_rounds`.
    pub fn round_of(&self, rel: RelId, tuple: &[Value]) -> Option<u32> {
        let id = self.find(rel, tuple)?;
        self.rels[rel].rounds.as_ref()?.get(id).copied()
    }

    /// Every tuple of a relation as owned values, sorted.
    pub fn tuples(&self, rel: RelId) -> Vec<Vec<Value>> {
        self.sorted_rows(rel).iter().map(RowRef::values).collect()
    }

    /// The rows of a relation in insertion order, borrowed.
    pub fn rows(&self, rel: RelId) -> impl Iterator<Item = RowRef<'_>> + '_ {
        (0..self.len(rel)).map(move |id| RowRef { db: self, rel, id })
    }

    /// The rows of a relation sorted by value (symbols lexicographically), borrowed.
    pub fn sorted_rows(&self, rel: RelId) -> Vec<RowRef<'_>> {
        let Some(r) = self.rels.get(rel) else {
            return Vec::new();
        };
        // Words rewritten so that plain unsigned order is value order
        // (symbols by the rank of their text), then one sort of row ids.
        let k = r.arity;
        let ranks = r.types.contains(&Type::Symbol).then(|| self.symbol_ranks());
        let mut keys: Vec<u64> = Vec::with_capacity(r.len() * k);
        for id in 0..r.len() {
            for (c, &w) in r.row(id).iter().enumerate() {
                keys.push(match r.types[c] {
                    Type::Symbol => u64::from(ranks.as_ref().map_or(0, |rk| rk[w as usize])),
                    Type::Number => w ^ (1 << 63),
                    Type::Float if w >> 63 == 1 => !w,
                    Type::Float => w ^ (1 << 63),
                    Type::Date => w,
                });
            }
        }
        let mut ids: Vec<usize> = (0..r.len()).collect();
        ids.sort_unstable_by(|&a, &b| keys[a * k..a * k + k].cmp(&keys[b * k..b * k + k]));
        ids.into_iter()
            .map(|id| RowRef { db: self, rel, id })
            .collect()
    }

    /// The rank of every interned symbol in text order.
    fn symbol_ranks(&self) -> Vec<u32> {
        let mut by_text: Vec<u32> = (0..self.interner.len() as u32).collect();
        by_text.sort_unstable_by(|&a, &b| self.interner.resolve(a).cmp(self.interner.resolve(b)));
        let mut ranks = vec![0u32; by_text.len()];
        for (rank, &id) in by_text.iter().enumerate() {
            ranks[id as usize] = rank as u32;
        }
        ranks
    }

    /// The tuples of a relation that match a pattern (`None` matches
    /// anything), sorted. A scan: meant for explanations and small answers.
    pub fn matching(&self, rel: RelId, pattern: &[Option<Value>]) -> Vec<Vec<Value>> {
        let Some(r) = self.rels.get(rel) else {
            return Vec::new();
        };
        if pattern.len() != r.arity {
            return Vec::new();
        }
        let mut want: Vec<(usize, u64)> = Vec::new();
        for (c, p) in pattern.iter().enumerate() {
            if let Some(v) = p {
                if v.ty() != r.types[c] {
                    return Vec::new();
                }
                match pack_existing(v, &self.interner) {
                    Some(w) => want.push((c, w)),
                    None => return Vec::new(),
                }
            }
        }
        let mut ids: Vec<usize> = (0..r.len())
            .filter(|&id| want.iter().all(|&(c, w)| r.word(id, c) == w))
            .collect();
        ids.sort_unstable_by(|&a, &b| cmp_rows(&r.row(a), &r.row(b), &r.types, &self.interner));
        ids.into_iter()
            .map(|id| RowRef { db: self, rel, id }.values())
            .collect()
    }

    /// Marks a relation complete: rules deriving it are skipped (another
    /// engine, such as the compiled rule library, has filled it).
    pub fn mark_complete(&mut self, rel: RelId) {
        if let Some(c) = self.complete.get_mut(rel) {
            *c = true;
        }
    }

    /// Whether a relation is marked complete.
    pub fn is_complete(&self, rel: RelId) -> bool {
        self.complete.get(rel).copied().unwrap_or(false)
    }

    /// Unpacks a word of a column of type `ty` (for callers holding packed rows).
    #[allow(dead_code)] // kept for callers holding packed rows (explanations)
    pub(crate) fn unpack(&self, w: u64, ty: Type) -> Value {
        unpack(w, ty, &self.interner)
    }

    /// Bytes held by rows, their sets, rounds and indexes, and the symbols:
    /// what `max_memory` bounds (see [`EvalOptions`](super::EvalOptions)).
    pub fn heap_bytes(&self) -> usize {
        self.rels.iter().map(Relation::heap_bytes).sum::<usize>()
            + self
                .static_indexes
                .values()
                .map(StaticIndex::heap_bytes)
                .sum::<usize>()
            + self.interner.heap_bytes()
    }
}
