//! This module defines type inference: a union-find over type slots (one per
//! relation column, rule variable, literal and expression). Each class holds
//! the set of types it may still take and the place that narrowed it last;
//! unifying two classes intersects their sets. An empty intersection is a
//! `type-mismatch` that shows why each side has its type.
//!
//! Rule of thumb: declared column types are fixed; an integer literal may be
//! a number or a float, a string literal a symbol or a date; arithmetic wants
//! numbers or floats; whatever stays open at the end takes its default
//! (`number` for numeric classes, `symbol` otherwise).

use crate::diag::Code;
use std::collections::HashSet;

use crate::diag::{Diagnostic, SourceMap, Span};
use crate::value::Type;

/// A type slot.
pub(super) type Slot = usize;

/// A set of types, one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TypeSet(u8);

impl TypeSet {
    /// Any type.
    pub(super) const ANY: TypeSet = TypeSet(0b1111);
    /// `number` or `float`.
    pub(super) const NUMERIC: TypeSet = TypeSet(0b0110);
    /// `symbol` or `date`: what a string literal can be.
    pub(super) const TEXT: TypeSet = TypeSet(0b1001);

    const ORDER: [Type; 4] = [Type::Symbol, Type::Number, Type::Float, Type::Date];

    /// Just `ty`.
    pub(super) fn of(ty: Type) -> TypeSet {
        TypeSet(match ty {
            Type::Symbol => 1,
            Type::Number => 2,
            Type::Float => 4,
            Type::Date => 8,
        })
    }

    /// `a` or `b`.
    pub(super) fn union(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 | other.0)
    }

    fn intersect(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 & other.0)
    }

    fn contains(self, ty: Type) -> bool {
        self.0 & TypeSet::of(ty).0 != 0
    }

    fn types(self) -> Vec<Type> {
        TypeSet::ORDER
            .into_iter()
            .filter(|t| self.contains(*t))
            .collect()
    }

    /// The type a class with this set takes: its only member, else `number`
    /// if possible, else `symbol` if possible, else the first member.
    pub(super) fn choose(self) -> Type {
        let types = self.types();
        match types.as_slice() {
            [only] => *only,
            _ if self == TypeSet::ANY => Type::Symbol,
            _ if self.contains(Type::Number) => Type::Number,
            _ => types.first().copied().unwrap_or(Type::Symbol),
        }
    }

    /// "`number`", "`number` or `float`", "`number`, `float` or `date`".
    pub(super) fn describe(self) -> String {
        let names: Vec<String> = self.types().iter().map(|t| format!("`{t}`")).collect();
        match names.as_slice() {
            [] => "no type".into(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

/// Why a class has its set of types: what the user wrote that narrowed it.
#[derive(Clone, Debug)]
pub(super) enum Why {
    /// A column's declared type.
    Declared,
    /// An integer literal.
    IntLiteral,
    /// A float literal.
    FloatLiteral,
    /// A string literal.
    StringLiteral,
    /// An operand of arithmetic.
    Arithmetic,
    /// Argument `index` (0-based) of a functor.
    Argument(&'static str, usize),
    /// A functor's result.
    Result(&'static str),
    /// `count`'s result.
    Count,
    /// `sum`'s target.
    Sum,
    /// `mean`'s target or result.
    Mean,
}

impl Why {
    fn noun(&self) -> String {
        match self {
            Why::Declared => "declaration".into(),
            Why::IntLiteral => "integer literal".into(),
            Why::FloatLiteral => "float literal".into(),
            Why::StringLiteral => "string literal".into(),
            Why::Arithmetic => "arithmetic".into(),
            Why::Argument(f, i) => format!("argument {} of `{f}`", i + 1),
            Why::Result(f) => format!("result of `{f}`"),
            Why::Count => "`count`".into(),
            Why::Sum => "`sum`".into(),
            Why::Mean => "`mean`".into(),
        }
    }
}

#[derive(Clone, Debug)]
struct Class {
    parent: Slot,
    rank: u8,
    set: TypeSet,
    why: Option<(Span, Why)>,
    poisoned: bool,
}

/// What one slot was given when it was made, before any unification: the
/// class's `set` and `why` change as classes merge, these do not.
#[derive(Clone, Debug)]
struct Own {
    set: TypeSet,
    why: Option<(Span, Why)>,
    /// The slots it was unified with directly (both ways).
    links: Vec<Slot>,
}

/// The union-find of type slots, with the type errors found so far.
pub(super) struct Solver<'s> {
    sources: &'s SourceMap,
    classes: Vec<Class>,
    /// Each slot's own constraint and direct links, to find the place that
    /// fixed a conflicting type nearest to where the conflict shows.
    own: Vec<Own>,
    /// Places already reported.
    reported: HashSet<Span>,
    /// `type-mismatch` diagnostics, in the order found.
    pub(super) errors: Vec<Diagnostic>,
}

impl<'s> Solver<'s> {
    /// An empty solver; `sources` quotes the code in error labels.
    pub(super) fn new(sources: &'s SourceMap) -> Solver<'s> {
        Solver {
            sources,
            classes: Vec::new(),
            own: Vec::new(),
            reported: HashSet::new(),
            errors: Vec::new(),
        }
    }

    /// A new slot that may take any type in `set`, narrowed by `why`.
    pub(super) fn fresh(&mut self, set: TypeSet, why: Option<(Span, Why)>) -> Slot {
        let slot = self.classes.len();
        self.own.push(Own {
            set,
            why: why.clone(),
            links: Vec::new(),
        });
        self.classes.push(Class {
            parent: slot,
            rank: 0,
            set,
            why,
            poisoned: false,
        });
        slot
    }

    /// A new unconstrained slot.
    pub(super) fn any(&mut self) -> Slot {
        self.fresh(TypeSet::ANY, None)
    }

    /// Narrows `slot` to `set` because of `why` at `span`.
    pub(super) fn constrain(&mut self, slot: Slot, set: TypeSet, span: Span, why: Why) {
        let other = self.fresh(set, Some((span, why)));
        self.unify(slot, other, span);
    }

    fn find(&mut self, mut slot: Slot) -> Slot {
        while self.classes[slot].parent != slot {
            let grandparent = self.classes[self.classes[slot].parent].parent;
            self.classes[slot].parent = grandparent;
            slot = grandparent;
        }
        slot
    }

    fn root(&self, mut slot: Slot) -> Slot {
        while self.classes[slot].parent != slot {
            slot = self.classes[slot].parent;
        }
        slot
    }

    /// Makes `expected` and `found` the same type; they meet at `at`. On a
    /// conflict records a `type-mismatch` (one per place, so that `X + 1`
    /// with a symbol `X` is one error) and leaves the classes apart, so the
    /// expected side (often a declared column) still catches other misuses.
    pub(super) fn unify(&mut self, expected: Slot, found: Slot, at: Span) {
        let (a, b) = (self.find(expected), self.find(found));
        if a == b {
            return;
        }
        let (sa, sb) = (self.classes[a].set, self.classes[b].set);
        let both = sa.intersect(sb);
        if both == TypeSet(0) {
            if self.reported.insert(at) {
                let d = self.mismatch((expected, a), (found, b), at);
                self.errors.push(d);
            }
            self.classes[b].poisoned = true;
            return;
        }
        self.own[expected].links.push(found);
        self.own[found].links.push(expected);
        let poisoned = self.classes[a].poisoned || self.classes[b].poisoned;
        let (set, why) = if both == sa {
            (sa, self.classes[a].why.clone())
        } else {
            (both, self.classes[b].why.clone())
        };
        let (child, parent) = if self.classes[a].rank < self.classes[b].rank {
            (a, b)
        } else {
            (b, a)
        };
        if self.classes[child].rank == self.classes[parent].rank {
            self.classes[parent].rank += 1;
        }
        self.classes[child].parent = parent;
        let class = &mut self.classes[parent];
        class.set = set;
        class.why = why;
        class.poisoned = poisoned;
    }

    /// Why `slot`'s class cannot be `other`: the constraint nearest to
    /// `slot` (fewest unifications away) that alone rules `other` out. The
    /// class's own `why` is only the last narrowing, which may belong to
    /// another relation joined to this one by some rule; the nearest
    /// constraint is the declaration or use that fixed the type here.
    fn reason(&self, slot: Slot, class: Slot, other: TypeSet) -> Option<(Span, Why)> {
        let mut seen = vec![false; self.own.len()];
        let mut queue = std::collections::VecDeque::from([slot]);
        seen[slot] = true;
        while let Some(s) = queue.pop_front() {
            let own = &self.own[s];
            if own.why.is_some() && own.set.intersect(other) == TypeSet(0) {
                return own.why.clone();
            }
            for &next in &own.links {
                if !seen[next] {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        }
        self.classes[class].why.clone()
    }

    /// The `type-mismatch` between `expected` and `found` (each a slot as
    /// given and its class) meeting at `at`.
    fn mismatch(&self, expected: (Slot, Slot), found: (Slot, Slot), at: Span) -> Diagnostic {
        let (e, f) = (&self.classes[expected.1], &self.classes[found.1]);
        let code = self.sources.snippet(at);
        let label = if code.len() <= 40 && !code.contains('\n') {
            format!("`{code}` is {}", f.set.describe())
        } else {
            format!("this is {}", f.set.describe())
        };
        let mut d = Diagnostic::new(
            Code::TypeMismatch,
            format!(
                "type mismatch: expected {}, found {}",
                e.set.describe(),
                f.set.describe()
            ),
            Some(at),
        )
        .with_label(label);
        let reasons = [
            (e.set, self.reason(expected.0, expected.1, f.set)),
            (f.set, self.reason(found.0, found.1, e.set)),
        ];
        for (set, reason) in reasons {
            if let Some((span, why)) = reason
                && span != at
            {
                let label = format!("{} because of this {}", set.describe(), why.noun());
                d = d.with_secondary(span, label);
            }
        }
        d.with_help(
            "give both sides the same type; convert with `to_string(...)`, `to_number(...)` or `to_float(...)`",
        )
    }

    /// The type `slot` ends up with.
    pub(super) fn resolve(&self, slot: Slot) -> Type {
        self.classes[self.root(slot)].set.choose()
    }

    /// Whether `slot`'s class was the offending side of a reported conflict.
    pub(super) fn is_poisoned(&self, slot: Slot) -> bool {
        self.classes[self.root(slot)].poisoned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceId;

    fn span(start: usize, end: usize) -> Span {
        Span::new(SourceId(0), start, end)
    }

    fn sources() -> SourceMap {
        let mut map = SourceMap::new();
        map.add("t.dl", "a(1). a(\"x\").");
        map
    }

    #[test]
    fn literals_narrow_and_default() {
        let map = sources();
        let mut s = Solver::new(&map);
        let col = s.any();
        let int = s.fresh(TypeSet::NUMERIC, Some((span(2, 3), Why::IntLiteral)));
        s.unify(col, int, span(2, 3));
        assert_eq!(s.resolve(col), Type::Number);
        let float = s.fresh(
            TypeSet::of(Type::Float),
            Some((span(2, 3), Why::FloatLiteral)),
        );
        s.unify(col, float, span(2, 3));
        assert_eq!(s.resolve(int), Type::Float);
        let text = s.fresh(TypeSet::TEXT, None);
        assert_eq!(s.resolve(text), Type::Symbol);
        let date = s.fresh(TypeSet::of(Type::Date), Some((span(0, 1), Why::Declared)));
        s.unify(date, text, span(0, 1));
        assert_eq!(s.resolve(text), Type::Date);
        assert!(s.errors.is_empty());
    }

    #[test]
    fn conflicts_report_once_with_both_places() {
        let map = sources();
        let mut s = Solver::new(&map);
        let col = s.any();
        let int = s.fresh(TypeSet::NUMERIC, Some((span(2, 3), Why::IntLiteral)));
        let text = s.fresh(TypeSet::TEXT, Some((span(8, 11), Why::StringLiteral)));
        s.unify(col, int, span(2, 3));
        s.unify(col, text, span(8, 11));
        let again = s.fresh(TypeSet::TEXT, Some((span(8, 11), Why::StringLiteral)));
        s.unify(col, again, span(8, 11));
        assert_eq!(s.errors.len(), 1, "one error per place");
        let d = &s.errors[0];
        assert_eq!(
            d.message,
            "type mismatch: expected `number` or `float`, found `symbol` or `date`"
        );
        assert_eq!(d.label.as_deref(), Some("`\"x\"` is `symbol` or `date`"));
        assert_eq!(d.secondary.len(), 1);
        assert!(s.is_poisoned(text) && !s.is_poisoned(col));
        assert_eq!(s.resolve(col), Type::Number, "the column keeps its type");
    }

    /// Regression (type error cites the wrong declaration): two declared
    /// columns joined by a rule share one class, and a conflict at the
    /// second column cited the first one's declaration.
    #[test]
    fn conflict_cites_the_constraint_nearest_to_it() {
        let mut map = SourceMap::new();
        map.add("t.dl", ".decl a(x: symbol)\n.decl b(x: symbol)\nb(1).\n");
        let (decl_a, decl_b, one) = (span(8, 17), span(27, 36), span(40, 41));
        let mut s = Solver::new(&map);
        let col_a = s.fresh(TypeSet::of(Type::Symbol), Some((decl_a, Why::Declared)));
        let col_b = s.fresh(TypeSet::of(Type::Symbol), Some((decl_b, Why::Declared)));
        let var = s.any();
        s.unify(var, col_a, span(0, 1));
        s.unify(var, col_b, span(0, 1));
        let int = s.fresh(TypeSet::NUMERIC, Some((one, Why::IntLiteral)));
        s.unify(col_b, int, one);
        assert_eq!(s.errors.len(), 1);
        let cited: Vec<Span> = s.errors[0].secondary.iter().map(|(sp, _)| *sp).collect();
        assert_eq!(cited, vec![decl_b], "{:?}", s.errors[0].secondary);
        // Through a variable: the declaration it was bound to, not another.
        let mut s = Solver::new(&map);
        let col_a = s.fresh(TypeSet::of(Type::Symbol), Some((decl_a, Why::Declared)));
        let col_b = s.fresh(TypeSet::of(Type::Symbol), Some((decl_b, Why::Declared)));
        let (x, y) = (s.any(), s.any());
        s.unify(x, col_a, span(0, 1));
        s.unify(y, col_b, span(0, 1));
        s.unify(x, y, span(0, 1));
        let int = s.fresh(TypeSet::NUMERIC, Some((one, Why::IntLiteral)));
        s.unify(y, int, one);
        let cited: Vec<Span> = s.errors[0].secondary.iter().map(|(sp, _)| *sp).collect();
        assert_eq!(cited, vec![decl_b], "{:?}", s.errors[0].secondary);
    }

    #[test]
    fn describes_sets() {
        assert_eq!(TypeSet::of(Type::Date).describe(), "`date`");
        assert_eq!(
            TypeSet::NUMERIC.union(TypeSet::of(Type::Date)).describe(),
            "`number`, `float` or `date`"
        );
    }
}
