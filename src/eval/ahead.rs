//! This module plans what an outer scan prefetches for the steps after it.
//!
//! A join's outer loop reads its rows in order, but the steps after it read
//! at random: a lookup in an index far larger than the caches, a membership
//! test (a negation such as `!arrested_in_country(p, co)`) that probes a
//! large row set and compares the row it finds there. Each of those reads
//! would stall the loop for a memory access. Instead, while on outer row
//! `id`, the scan fetches for rows further on. When the lookup comes first,
//! and the test after it takes values the lookup finds:
//!
//! ```text
//!  id + 16   the index slot of that row's key
//!  id +  8   the values of its group (the slot is cached by now)
//!  id +  4   the row set's slot for the test's row, made of the outer row's
//!            words and the group's first values (both cached by now)
//!  id +  2   the stored row in that slot, which the test will compare
//! ```
//!
//! When the test comes first (its row made of the outer row alone), its slot
//! is fetched 8 rows ahead and its stored row 4; a lookup after it, 16 and 8
//! rows ahead as above.
//!
//! Prefetching only reads; a plan that does not apply leaves the scan as it
//! was.

use super::exec::{Ctx, IndexView};
use super::index::StaticIndex;
use super::plan::{ColOp, Operand, Step};
use super::relation::Relation;
use super::rows::Word;

/// How many outer rows ahead the index slot is fetched.
const ROWS: usize = 16;

/// Index and row-set sizes below which everything is cached anyway.
const LARGE: usize = 1 << 15;

/// Where one word of a key or probed row comes from.
#[derive(Clone, Copy)]
enum Part {
    /// A column of the outer row.
    Row(usize),
    /// A value column of the lookup's first match (by position among them).
    Val(usize),
    /// A constant.
    Const(u64),
}

/// A membership test whose row can be made ahead.
struct Probe<'a> {
    rel: &'a Relation,
    row: Vec<Part>,
    /// Whether the row takes values of the lookup's first match.
    needs_vals: bool,
}

/// What a scan fetches ahead (see the module's documentation).
pub struct Ahead<'a> {
    /// The lookup after the scan, and its key (made of the outer row's
    /// columns and constants only).
    lookup: Option<(&'a StaticIndex, Vec<Part>)>,
    /// The membership test after the scan, or after the lookup.
    probe: Option<Probe<'a>>,
    /// How many rows ahead the test's slot is fetched (its stored row half
    /// as far).
    probe_rows: usize,
    /// The probed row's hash for each of the last outer rows, by `id % 8`.
    hashes: [Option<u64>; 8],
}

/// Where operand `o` comes from: a constant, or the variable's binding by
/// the outer row's column ops `cols`, else by the lookup's value ops `vals`.
fn part_of(o: Operand, cols: &[ColOp], vals: &[ColOp]) -> Option<Part> {
    match o {
        Operand::Const(w) => Some(Part::Const(w)),
        Operand::Var(v) => cols
            .iter()
            .position(|op| *op == ColOp::Bind(v))
            .map(Part::Row)
            .or_else(|| {
                vals.iter()
                    .position(|op| *op == ColOp::Bind(v))
                    .map(Part::Val)
            }),
    }
}

/// The membership test of `step`, when it reads a large relation and its
/// row comes from `cols` and `vals` (see [`part_of`]).
fn probe_of<'a>(
    ctx: &Ctx<'a>,
    step: Option<&Step>,
    cols: &[ColOp],
    vals: &[ColOp],
) -> Option<Probe<'a>> {
    let Some(Step::Member { rel, row, .. } | Step::NotMember { rel, row }) = step else {
        return None;
    };
    if row.len() > 4 || ctx.rels[*rel].len() < LARGE {
        return None;
    }
    let row = row
        .iter()
        .map(|&o| part_of(o, cols, vals))
        .collect::<Option<Vec<Part>>>()?;
    Some(Probe {
        rel: &ctx.rels[*rel],
        needs_vals: row.iter().any(|p| matches!(p, Part::Val(_))),
        row,
    })
}

/// The lookup of `step`, when it reads a large static index by a key of at
/// most two words made of the outer row's columns (`cols`) and constants:
/// the index, the key's parts and the ops on the lookup's values.
fn lookup_of<'a, 's>(
    ctx: &Ctx<'a>,
    step: Option<&'s Step>,
    cols: &[ColOp],
) -> Option<(&'a StaticIndex, Vec<Part>, &'s [ColOp])> {
    let Some(Step::Lookup {
        index, key, vals, ..
    }) = step
    else {
        return None;
    };
    let IndexView::Static(ix) = ctx.indexes[*index] else {
        return None;
    };
    if key.len() > 2 || ix.groups() < LARGE {
        return None;
    }
    let key = key
        .iter()
        .map(|&o| part_of(o, cols, &[]))
        .collect::<Option<Vec<Part>>>()?;
    Some((ix, key, vals))
}

/// The plan for an outer scan binding `cols` before the steps `rest`, when
/// the next step is one of:
/// - a lookup in a large static index by a key of at most two words made of
///   the outer row's columns and constants (and, when the step after it is
///   a membership test whose row those and the lookup's values make, that
///   test too);
/// - a membership test in a large relation whose row the outer row's columns
///   and constants make.
pub fn plan<'a>(ctx: &Ctx<'a>, cols: &[ColOp], rest: &[Step]) -> Option<Ahead<'a>> {
    let (lookup, probe, probe_rows) = match lookup_of(ctx, rest.first(), cols) {
        Some((ix, key, vals)) => {
            let probe = probe_of(ctx, rest.get(1), cols, vals);
            (Some((ix, key)), probe, ROWS / 4)
        }
        None => {
            let probe = probe_of(ctx, rest.first(), cols, &[]);
            let lookup = probe
                .as_ref()
                .and_then(|_| lookup_of(ctx, rest.get(1), cols));
            (lookup.map(|(ix, key, _)| (ix, key)), probe, ROWS / 2)
        }
    };
    if lookup.is_none() && probe.is_none() {
        return None;
    }
    Some(Ahead {
        lookup,
        probe,
        probe_rows,
        hashes: [None; 8],
    })
}

impl Ahead<'_> {
    /// Fetches ahead for outer row `id` of `data` (rows of `k` words; the
    /// scan ends before row `hi`).
    #[inline]
    pub fn fetch<W: Word>(&mut self, data: &[W], k: usize, id: usize, hi: usize) {
        let part = |p: Part, outer: &[W], vals: &[u64]| -> u64 {
            match p {
                Part::Row(c) => outer[c].word(),
                Part::Val(c) => vals.get(c).copied().unwrap_or(0),
                Part::Const(w) => w,
            }
        };
        let key_of = |key: &[Part], at: usize| -> [u64; 2] {
            let outer = &data[at * k..at * k + k];
            let mut words = [0u64; 2];
            for (w, &p) in words.iter_mut().zip(key) {
                *w = part(p, outer, &[]);
            }
            words
        };
        if let Some((ix, key)) = &self.lookup {
            let n = key.len();
            if id + ROWS < hi {
                ix.prefetch_slot(&key_of(key, id + ROWS)[..n]);
            }
            if id + ROWS / 2 < hi {
                ix.prefetch_values(&key_of(key, id + ROWS / 2)[..n]);
            }
        }
        let Some(probe) = &self.probe else {
            return;
        };
        let at = id + self.probe_rows;
        self.hashes[at % 8] = None;
        if at < hi {
            // The test's row may take values of the lookup's first match,
            // whose slot and values are cached by now.
            let vals: &[u64] = match &self.lookup {
                Some((ix, key)) if probe.needs_vals => {
                    let (a, b) = ix.lookup(&key_of(key, at)[..key.len()]);
                    let vk = ix.val_cols.len();
                    if a < b {
                        &ix.vals[a * vk..a * vk + vk]
                    } else {
                        &[]
                    }
                }
                _ => &[],
            };
            if !(probe.needs_vals && vals.is_empty()) {
                let outer = &data[at * k..at * k + k];
                let mut row = [0u64; 4];
                for (w, &p) in row.iter_mut().zip(&probe.row) {
                    *w = part(p, outer, vals);
                }
                self.hashes[at % 8] = Some(probe.rel.prefetch_slot(&row[..probe.row.len()]));
            }
        }
        if let Some(h) = self.hashes[(id + self.probe_rows / 2) % 8] {
            probe.rel.prefetch_stored(h);
        }
    }
}
