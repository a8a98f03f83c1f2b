//! This module defines the generator of random stratified programs, as text,
//! over the whole language sleuth accepts: the types `symbol`, `number`
//! (also written `unsigned` and through `.type` subtypes, aliases and
//! unions), `float` and `date`; facts, nullary relations and `eqrel`
//! relations; rules with joins, repeated variables, constants and
//! wildcards, several heads, negation of lower strata, comparisons, `!(..)`,
//! disjunction, `contains`/`match` and their negations, bindings `X = expr`
//! and expressions in heads (arithmetic, bitwise and logical operators,
//! hexadecimal and binary literals, every functor but `ord`), aggregates
//! `count`/`sum`/`min`/`max`/`mean` grouped by outer variables, with
//! negation, comparisons and tests inside; recursion and mutual recursion.
//!
//! Relations fall into groups: group 0 holds base relations; a rule of group
//! `g` reads groups `<= g` positively and groups `< g` under negation or
//! aggregation, so every program is stratifiable. A rule that reads its own
//! group (recursion) computes only with bounded expressions (results taken
//! modulo 4, substrings of two characters, minima and maxima of values at
//! hand), so every fixpoint is finite; other rules use any expression.
//! With [`Options::errors`], some expressions may fail at run time
//! (`division-by-zero`, `arithmetic-overflow`, `bad-number`).
//!
//! `ord` is left out: its numbers are the engine's symbol ids, which no
//! reference computes.

use std::fmt::Write as _;

use super::rng::Rng;

/// What the generated programs may contain.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Expressions that may fail at run time.
    pub errors: bool,
    /// Relations defined elsewhere (by data or other rules), by name and
    /// column types: the program reads them like its own base relations,
    /// without declaring them or giving them facts.
    pub external: Vec<(String, Vec<Ty>)>,
    /// A prefix for the program's own relation names (to keep clear of the
    /// external ones).
    pub prefix: String,
}

/// Numbers of the facts range over `0..DOMAIN`.
pub const DOMAIN: i64 = 4;
/// Symbols of the facts: letters, the empty symbol and symbols that read as
/// numbers (for `to_number`).
pub const SYMBOLS: [&str; 6] = ["a", "b", "ab", "", "12", "-3"];
/// Floats of the facts (no zero, so no `-0.0` arises from products).
pub const FLOATS: [&str; 4] = ["0.5", "1.0", "2.25", "-1.5"];
/// Dates of the facts: months and days (days before the 29th, so adding
/// months never clamps).
pub const DATES: [&str; 4] = ["2024-01", "2024-02-15", "2023-12", "2024-02"];

/// Which strings a pattern matches.
pub type Matches = fn(&str) -> bool;

/// Regular expressions for `match`, each with the set of strings it matches
/// as a plain predicate (the reference evaluator reads this table rather
/// than running a regular-expression engine).
pub const PATTERNS: &[(&str, Matches)] = &[
    ("a|b", |s| s == "a" || s == "b"),
    ("[^c]", |s| s.chars().count() == 1 && s != "c"),
    (".*", |_| true),
    ("[a-b]+", |s| {
        !s.is_empty() && s.chars().all(|c| c == 'a' || c == 'b')
    }),
    ("(a)?", |s| s.is_empty() || s == "a"),
    ("-?[0-9]+", |s| {
        let d = s.strip_prefix('-').unwrap_or(s);
        !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())
    }),
    ("a.*", |s| s.starts_with('a')),
    (".*b", |s| s.ends_with('b')),
    ("c{2}", |s| s == "cc"),
];

/// A column or variable type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Num,
    Sym,
    Float,
    Date,
}

const TYPES: [Ty; 4] = [Ty::Num, Ty::Sym, Ty::Float, Ty::Date];

/// The `.type` declarations every program starts with.
const TYPE_DECLS: &str = ".type Id_ <: symbol\n.type Name_ = symbol\n.type Code_ = Id_ | Name_\n.type Count_ <: number\n";

fn type_name(rng: &mut Rng, ty: Ty) -> &'static str {
    match ty {
        Ty::Num => {
            const NAMES: [&str; 4] = ["number", "number", "unsigned", "Count_"];
            NAMES[rng.below(NAMES.len())]
        }
        Ty::Sym => {
            const NAMES: [&str; 5] = ["symbol", "symbol", "Id_", "Name_", "Code_"];
            NAMES[rng.below(NAMES.len())]
        }
        Ty::Float => "float",
        Ty::Date => "date",
    }
}

struct Rel {
    name: String,
    cols: Vec<Ty>,
    group: usize,
    eqrel: bool,
}

struct Var {
    name: String,
    ty: Ty,
}

/// Which expressions a rule may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// In a rule that may be recursive: results stay in a finite set.
    Bounded,
    /// Anything that cannot fail.
    Free,
    /// Anything, including what may fail at run time.
    Risky,
}

struct RuleGen<'a> {
    rng: &'a mut Rng,
    rels: &'a [Rel],
    bound: Vec<Var>,
    next_var: usize,
    mode: Mode,
    /// Whether the head is being written: only head expressions may fail
    /// (every body literal holds there, so an engine must meet the failure,
    /// whatever order it runs the body in).
    in_head: bool,
}

fn constant(rng: &mut Rng, ty: Ty) -> String {
    match ty {
        Ty::Num => match rng.below(12) {
            0 => "0x3".into(),
            1 => "0b10".into(),
            2 => "-1".into(),
            _ => rng.below(DOMAIN as usize).to_string(),
        },
        Ty::Sym => format!("\"{}\"", rng.pick(&SYMBOLS)),
        Ty::Float => rng.pick(&FLOATS).to_string(),
        Ty::Date => format!("\"{}\"", rng.pick(&DATES)),
    }
}

impl RuleGen<'_> {
    fn fresh(&mut self, ty: Ty) -> String {
        self.next_var += 1;
        let prefix = match ty {
            Ty::Num => "N",
            Ty::Sym => "S",
            Ty::Float => "F",
            Ty::Date => "D",
        };
        format!("{prefix}{}", self.next_var)
    }

    fn constant(&mut self, ty: Ty) -> String {
        constant(self.rng, ty)
    }

    fn bound_of(&mut self, ty: Ty) -> Option<String> {
        let names: Vec<String> = self
            .bound
            .iter()
            .filter(|v| v.ty == ty)
            .map(|v| v.name.clone())
            .collect();
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    /// A bound variable of the type, else a constant (in parentheses when
    /// negative, so that it can follow any operator).
    fn operand(&mut self, ty: Ty) -> String {
        match self.bound_of(ty) {
            Some(v) if self.rng.chance(80) => v,
            _ => {
                let c = self.constant(ty);
                if c.starts_with('-') {
                    format!("({c})")
                } else {
                    c
                }
            }
        }
    }

    fn new_bound(&mut self, ty: Ty) -> String {
        let name = self.fresh(ty);
        self.bound.push(Var {
            name: name.clone(),
            ty,
        });
        name
    }

    /// A relation the head's group may read: positively (`strict` false)
    /// or under negation and aggregation (`strict` true), with a column of
    /// type `col` when given.
    fn readable(
        &mut self,
        group: usize,
        strict: bool,
        min_arity: usize,
        col: Option<Ty>,
    ) -> Option<usize> {
        let ids: Vec<usize> = (0..self.rels.len())
            .filter(|&i| {
                let r = &self.rels[i];
                r.cols.len() >= min_arity
                    && col.is_none_or(|t| r.cols.contains(&t))
                    && (r.group == 0 || r.group < group || (!strict && r.group == group))
            })
            .collect();
        (!ids.is_empty()).then(|| *self.rng.pick(&ids))
    }

    /// An expression of type `ty` over the bound variables (constants stand
    /// in for missing ones), as the rule's mode allows.
    fn expr(&mut self, ty: Ty) -> String {
        let mode = match self.mode {
            Mode::Risky if !self.in_head || !self.rng.chance(70) => Mode::Free,
            mode => mode,
        };
        let k = self.rng.below(DOMAIN as usize);
        match ty {
            Ty::Num => {
                let x = self.operand(Ty::Num);
                let y = self.operand(Ty::Num);
                match mode {
                    Mode::Bounded => match self.rng.below(17) {
                        0 => format!("({x} + {k}) % {DOMAIN}"),
                        1 => format!("({x} * {k}) % {DOMAIN}"),
                        2 => format!("({x} / 2) % {DOMAIN}"),
                        3 => format!("({x} bxor {k}) band 3"),
                        4 => format!("({x} bshr 1) bor (lnot {x})"),
                        5 => format!("min({x}, {k}, 2)"),
                        6 => format!("max({x}, {y}) % {DOMAIN}"),
                        7 => format!("(bnot {x}) band 3"),
                        8 => format!("({x} bshl 1) band 0x3"),
                        9 => format!("{x} bshru 62"),
                        10 => format!("({x} land {y}) lor ({x} lxor {k})"),
                        11 => format!("(-{x}) % {DOMAIN}"),
                        12 => format!("strlen({})", self.operand(Ty::Sym)),
                        13 => format!("to_number(to_string({x} % {DOMAIN}))"),
                        14 => format!("month({})", self.operand(Ty::Date)),
                        15 => format!(
                            "months_between({}, {}) % {DOMAIN}",
                            self.operand(Ty::Date),
                            self.operand(Ty::Date)
                        ),
                        _ => format!("to_number({}) % {DOMAIN}", self.operand(Ty::Float)),
                    },
                    Mode::Free => match self.rng.below(10) {
                        // Operands at most double: numbers stay far from
                        // overflow through the few non-recursive rules.
                        0 => format!("{x} + {y}"),
                        1 => format!("{x} - {k}"),
                        2 => format!("{x} * 2 - {k}"),
                        3 => format!("({x} % 3) ^ 2"),
                        4 => format!("-{x}"),
                        5 => format!("{x} / 2"),
                        6 => format!("year({})", self.operand(Ty::Date)),
                        7 => format!(
                            "strlen(cat({}, {}))",
                            self.operand(Ty::Sym),
                            self.operand(Ty::Sym)
                        ),
                        8 => format!("to_unsigned({})", self.operand(Ty::Float)),
                        _ => format!("max({x}, {y}) + min({x}, {k})"),
                    },
                    Mode::Risky => match self.rng.below(8) {
                        0 => format!("{x} / {y}"),
                        1 => format!("{x} % {y}"),
                        2 => format!("to_number({})", self.operand(Ty::Sym)),
                        // What does not overflow is taken modulo 4: an
                        // extreme value that survives would make later
                        // bodies fail, in an order-dependent way.
                        3 => format!("({x} * 4611686018427387904) % {DOMAIN}"),
                        4 => format!("({x} + 9223372036854775806) % {DOMAIN}"),
                        5 => format!("({x} ^ {y}) % {DOMAIN}"),
                        6 => format!("(({x} - 2) ^ 63) % {DOMAIN}"),
                        _ => format!("(-9223372036854775807 - {x}) % {DOMAIN}"),
                    },
                }
            }
            Ty::Sym => {
                let s = self.operand(Ty::Sym);
                let t = self.operand(Ty::Sym);
                match mode {
                    Mode::Bounded => match self.rng.below(7) {
                        0 => format!("substr(cat({s}, {t}), 0, 2)"),
                        1 => format!("substr({s}, {}, 1)", self.operand(Ty::Num)),
                        2 => format!("to_string({} % {DOMAIN})", self.operand(Ty::Num)),
                        3 => format!("min({s}, {t})"),
                        4 => format!("max({s}, \"ab\")"),
                        5 => format!("to_string({})", self.operand(Ty::Date)),
                        _ => format!("substr({s}, 1, -1)"),
                    },
                    _ => match self.rng.below(6) {
                        0 => format!("cat({s}, {t})"),
                        1 => format!("cat({s}, \"-\", to_string({}))", self.operand(Ty::Num)),
                        2 => format!("to_string({})", self.operand(Ty::Float)),
                        3 => format!("to_string({})", self.operand(Ty::Num)),
                        4 => format!("{s} + {t}"),
                        _ => format!(
                            "substr({s}, {}, {})",
                            self.operand(Ty::Num),
                            self.operand(Ty::Num)
                        ),
                    },
                }
            }
            Ty::Float => {
                let f = self.operand(Ty::Float);
                let g = self.operand(Ty::Float);
                match mode {
                    Mode::Bounded => match self.rng.below(3) {
                        0 => format!("to_float({} % {DOMAIN})", self.operand(Ty::Num)),
                        1 => format!("min({f}, 1.5)"),
                        _ => format!("max({f}, {g})"),
                    },
                    Mode::Free => match self.rng.below(7) {
                        0 => format!("{f} + 0.5"),
                        1 => format!("{f} * 2.0"),
                        2 => format!("{f} / 4.0"),
                        3 => format!("{f} - {g}"),
                        4 => format!("to_float({})", self.operand(Ty::Num)),
                        5 => format!("{f} ^ 2.0"),
                        _ => format!("to_float(to_string({f}))"),
                    },
                    Mode::Risky => match self.rng.below(2) {
                        0 => format!("{f} / ({f} - {g})"),
                        _ => format!("to_float({})", self.operand(Ty::Sym)),
                    },
                }
            }
            Ty::Date => {
                let d = self.operand(Ty::Date);
                let e = self.operand(Ty::Date);
                match mode {
                    Mode::Bounded => match self.rng.below(2) {
                        0 => format!("min({d}, \"2024-02\")"),
                        _ => format!("max({d}, {e})"),
                    },
                    Mode::Free => format!("add_months({d}, {})", self.operand(Ty::Num)),
                    Mode::Risky => {
                        format!("add_months({d}, {} * 100000)", self.operand(Ty::Num))
                    }
                }
            }
        }
    }

    /// A positive atom: variables (new or reused, so joins and repeated
    /// variables occur), constants and wildcards.
    fn positive_atom(&mut self, group: usize, base_case: bool) -> String {
        let rel = self
            .readable(group, base_case, 0, None)
            .expect("base relations exist");
        let cols = self.rels[rel].cols.clone();
        let mut args = Vec::new();
        for ty in cols {
            let roll = self.rng.below(100);
            let arg = if roll < 35 {
                self.bound_of(ty).unwrap_or_else(|| self.new_bound(ty))
            } else if roll < 68 {
                self.new_bound(ty)
            } else if roll < 84 {
                self.constant(ty)
            } else {
                "_".to_string()
            };
            args.push(arg);
        }
        format!("{}({})", self.rels[rel].name, args.join(", "))
    }

    /// `(a(.., V, ..) ; b(.., V, ..))`: both branches bind the same new
    /// variable.
    fn atom_disjunction(&mut self, group: usize, base_case: bool) -> Option<String> {
        let ty = *self.rng.pick(&TYPES);
        let mut branches = Vec::new();
        let name = self.fresh(ty);
        for _ in 0..2 {
            let rel = self.readable(group, base_case, 1, Some(ty))?;
            let cols = self.rels[rel].cols.clone();
            let at = cols
                .iter()
                .position(|&t| t == ty)
                .expect("a column of the type");
            let args: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, &t)| {
                    if i == at {
                        name.clone()
                    } else if self.rng.chance(40) {
                        constant(self.rng, t)
                    } else {
                        "_".into()
                    }
                })
                .collect();
            branches.push(format!("{}({})", self.rels[rel].name, args.join(", ")));
        }
        self.bound.push(Var {
            name: name.clone(),
            ty,
        });
        Some(format!("({})", branches.join(" ; ")))
    }

    /// An argument for a literal that only reads: a bound variable of the
    /// type, a constant, or (when `wildcards`) `_`.
    fn read_arg(&mut self, ty: Ty, wildcards: bool) -> String {
        let roll = self.rng.below(100);
        if roll < 70
            && let Some(v) = self.bound_of(ty)
        {
            return v;
        }
        if wildcards && roll >= 85 {
            return "_".into();
        }
        self.constant(ty)
    }

    fn negation(&mut self, group: usize) -> Option<String> {
        let rel = self.readable(group, true, 0, None)?;
        let cols = self.rels[rel].cols.clone();
        let args: Vec<String> = cols.iter().map(|&ty| self.read_arg(ty, true)).collect();
        let bang = if self.rng.chance(20) { "not " } else { "!" };
        Some(format!(
            "{bang}{}({})",
            self.rels[rel].name,
            args.join(", ")
        ))
    }

    /// A comparison, a `contains`/`match` test, their negations, or a
    /// disjunction of two of them.
    fn filter(&mut self) -> Option<String> {
        let one = self.simple_filter()?;
        Some(match self.rng.below(8) {
            0 => format!("!({one})"),
            1 => match self.simple_filter() {
                Some(two) => format!("({one} ; {two})"),
                None => one,
            },
            _ => one,
        })
    }

    fn simple_filter(&mut self) -> Option<String> {
        let ty = *self
            .rng
            .pick(&[Ty::Num, Ty::Num, Ty::Sym, Ty::Sym, Ty::Float, Ty::Date]);
        let left = self.bound_of(ty)?;
        let op = *self.rng.pick(&["=", "!=", "<", "<=", ">", ">="]);
        Some(match self.rng.below(9) {
            0 | 1 if ty == Ty::Sym => {
                let bang = if self.rng.chance(40) { "!" } else { "" };
                let sub = self.operand(Ty::Sym);
                format!("{bang}contains({sub}, {left})")
            }
            2 | 3 if ty == Ty::Sym => {
                let (pattern, _) = self.rng.pick(PATTERNS);
                let bang = if self.rng.chance(40) { "!" } else { "" };
                format!("{bang}match(\"{pattern}\", {left})")
            }
            4 => {
                let right = self.expr(ty);
                format!("{left} {op} {right}")
            }
            5 if self.rng.chance(20) => self.rng.pick(&["true", "false"]).to_string(),
            _ => {
                let mut right = self.constant(ty);
                for _ in 0..4 {
                    match self.bound_of(ty) {
                        Some(v) if v != left => {
                            right = v;
                            break;
                        }
                        _ => {}
                    }
                }
                format!("{left} {op} {right}")
            }
        })
    }

    /// `Y = expr` for a new variable `Y`.
    fn binding(&mut self) -> Option<String> {
        let ty = *self.rng.pick(&TYPES);
        let expr = self.expr(ty);
        let y = self.new_bound(ty);
        Some(if self.rng.chance(15) {
            format!("{expr} = {y}")
        } else {
            format!("{y} = {expr}")
        })
    }

    /// `R = agg T : { body }` over relations of lower groups, grouped by the
    /// outer variables it shares.
    fn aggregate(&mut self, group: usize) -> Option<String> {
        let op = *self.rng.pick(&["count", "sum", "min", "max", "mean"]);
        let min_arity = usize::from(op != "count");
        let rel = self.readable(group, true, min_arity, None)?;
        let cols = self.rels[rel].cols.clone();
        let mut locals: Vec<Var> = Vec::new();
        let mut args = Vec::new();
        for &ty in &cols {
            let roll = self.rng.below(100);
            let arg = if roll < 30
                && let Some(v) = self.bound_of(ty)
            {
                v
            } else if roll < 80 {
                let name = self.fresh(ty);
                locals.push(Var {
                    name: name.clone(),
                    ty,
                });
                name
            } else if roll < 90 {
                self.constant(ty)
            } else {
                "_".into()
            };
            args.push(arg);
        }
        let mut body = vec![format!("{}({})", self.rels[rel].name, args.join(", "))];
        if self.rng.chance(30)
            && let Some(other) = self.readable(group, true, 1, None)
        {
            let cols = self.rels[other].cols.clone();
            let mut args = Vec::new();
            for &ty in &cols {
                let shared: Vec<String> = locals
                    .iter()
                    .filter(|v| v.ty == ty)
                    .map(|v| v.name.clone())
                    .collect();
                let arg = if !shared.is_empty() && self.rng.chance(60) {
                    self.rng.pick(&shared).clone()
                } else if self.rng.chance(50) {
                    self.constant(ty)
                } else {
                    "_".into()
                };
                args.push(arg);
            }
            // Every variable of the second atom is a local of the first,
            // so it may be negated.
            let bang = if self.rng.chance(25) { "!" } else { "" };
            body.push(format!(
                "{bang}{}({})",
                self.rels[other].name,
                args.join(", ")
            ));
        }
        if self.rng.chance(20)
            && let Some(v) = locals.first()
        {
            let c = constant(self.rng, v.ty);
            body.push(format!("{} != {c}", v.name));
        }
        // A test on a local symbol inside the braces.
        let symbols: Vec<String> = locals
            .iter()
            .filter(|v| v.ty == Ty::Sym)
            .map(|v| v.name.clone())
            .collect();
        if !symbols.is_empty() && self.rng.chance(25) {
            let v = self.rng.pick(&symbols).clone();
            let bang = if self.rng.chance(40) { "!" } else { "" };
            body.push(if self.rng.chance(50) {
                format!("{bang}contains({}, {v})", constant(self.rng, Ty::Sym))
            } else {
                let (pattern, _) = self.rng.pick(PATTERNS);
                format!("{bang}match(\"{pattern}\", {v})")
            });
        }
        let target = match op {
            "count" => String::new(),
            _ => {
                let candidates: Vec<&Var> = locals
                    .iter()
                    .filter(|v| {
                        !matches!(op, "sum" | "mean") || matches!(v.ty, Ty::Num | Ty::Float)
                    })
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let v = *self.rng.pick(&candidates);
                let ty = v.ty;
                let name = v.name.clone();
                let result_ty = if op == "mean" { Ty::Float } else { ty };
                let target = if ty == Ty::Num && self.rng.chance(20) {
                    format!("{name} * 2")
                } else {
                    name
                };
                let result = self.new_bound(result_ty);
                return Some(format!(
                    "{result} = {op} {target} : {{ {} }}",
                    body.join(", ")
                ));
            }
        };
        let result = self.new_bound(Ty::Num);
        Some(format!(
            "{result} = count{target} : {{ {} }}",
            body.join(", ")
        ))
    }

    /// The head arguments of relation `head`.
    fn head(&mut self, head: usize) -> String {
        let cols = self.rels[head].cols.clone();
        let args: Vec<String> = cols
            .iter()
            .map(|&ty| {
                let roll = self.rng.below(100);
                let var_below = if self.mode == Mode::Risky { 40 } else { 75 };
                if roll < var_below
                    && let Some(v) = self.bound_of(ty)
                {
                    return v;
                }
                if roll < 92 {
                    return self.expr(ty);
                }
                self.constant(ty)
            })
            .collect();
        format!("{}({})", self.rels[head].name, args.join(", "))
    }

    /// A rule for `head` (and sometimes a second head of its group); a
    /// `base_case` reads no relation of its own group, so that recursive
    /// groups have somewhere to start.
    fn rule(&mut self, head: usize, base_case: bool, errors: bool) -> String {
        let group = self.rels[head].group;
        self.mode = if !base_case {
            Mode::Bounded
        } else if errors && self.rng.chance(60) {
            Mode::Risky
        } else {
            Mode::Free
        };
        let mut body = Vec::new();
        let atoms = 1 + self.rng.below(3).min(self.rng.below(3));
        for _ in 0..atoms {
            body.push(self.positive_atom(group, base_case));
        }
        if self.rng.chance(10) {
            body.extend(self.atom_disjunction(group, base_case));
        }
        for _ in 0..self.rng.below(4) {
            let literal = match self.rng.below(5) {
                0 => self.negation(group),
                1 => self.filter(),
                2 => self.binding(),
                3 => self.filter(),
                _ => self.aggregate(group),
            };
            body.extend(literal);
        }
        self.in_head = true;
        let mut heads = vec![self.head(head)];
        if self.rng.chance(10) {
            let others: Vec<usize> = (0..self.rels.len())
                .filter(|&i| i != head && self.rels[i].group == group)
                .collect();
            if !others.is_empty() {
                let other = *self.rng.pick(&others);
                heads.push(self.head(other));
            }
        }
        format!("{} :- {}.", heads.join(", "), body.join(", "))
    }
}

fn random_cols(rng: &mut Rng) -> (Vec<Ty>, bool) {
    let arity = *rng.pick(&[0, 1, 1, 2, 2, 2, 3, 3]);
    let ty = |rng: &mut Rng| match rng.below(20) {
        0..=7 => Ty::Num,
        8..=14 => Ty::Sym,
        15..=16 => Ty::Float,
        _ => Ty::Date,
    };
    if arity == 2 && rng.chance(15) {
        let t = *rng.pick(&[Ty::Num, Ty::Sym, Ty::Date]);
        return (vec![t, t], true);
    }
    ((0..arity).map(|_| ty(rng)).collect(), false)
}

fn fact(rng: &mut Rng, rel: &Rel) -> String {
    let args: Vec<String> = rel
        .cols
        .iter()
        .map(|&ty| match ty {
            Ty::Num => rng.below(DOMAIN as usize).to_string(),
            _ => constant(rng, ty),
        })
        .collect();
    format!("{}({}).", rel.name, args.join(", "))
}

/// A random stratifiable program, as text.
pub fn generate(seed: u64, options: &Options) -> String {
    let mut rng = Rng(seed);
    let mut rels = Vec::new();
    let prefix = &options.prefix;
    for i in 0..2 + rng.below(2) {
        let (cols, eqrel) = random_cols(&mut rng);
        rels.push(Rel {
            name: format!("{prefix}e{i}"),
            cols,
            group: 0,
            eqrel,
        });
    }
    let groups = 1 + rng.below(3);
    for g in 1..=groups {
        for j in 0..1 + rng.below(2) {
            let (cols, eqrel) = random_cols(&mut rng);
            rels.push(Rel {
                name: format!("{prefix}r{g}{}", ["a", "b"][j]),
                cols,
                group: g,
                eqrel,
            });
        }
    }
    let own = rels.len();
    for (name, cols) in &options.external {
        rels.push(Rel {
            name: name.clone(),
            cols: cols.clone(),
            group: 0,
            eqrel: false,
        });
    }
    let mut text = String::from(TYPE_DECLS);
    for r in &rels[..own] {
        // Some derived relations are left undeclared: their types are
        // inferred (dates need a declaration: a quoted date is a symbol
        // elsewhere).
        if r.group > 0 && !r.eqrel && !r.cols.contains(&Ty::Date) && rng.chance(15) {
            continue;
        }
        let attrs: Vec<String> = r
            .cols
            .iter()
            .enumerate()
            .map(|(i, &ty)| format!("c{i}: {}", type_name(&mut rng, ty)))
            .collect();
        let eqrel = if r.eqrel { " eqrel" } else { "" };
        let _ = writeln!(text, ".decl {}({}){eqrel}", r.name, attrs.join(", "));
    }
    for r in &rels[..own] {
        let n = if r.group == 0 {
            if r.cols.is_empty() {
                rng.below(2)
            } else {
                rng.below(7)
            }
        } else if rng.chance(20) {
            1 + rng.below(2)
        } else {
            0
        };
        for _ in 0..n {
            let _ = writeln!(text, "{}", fact(&mut rng, r));
        }
    }
    for head in 0..own {
        if rels[head].group == 0 {
            continue;
        }
        for k in 0..1 + rng.below(3) {
            let base_case = k == 0 && rng.chance(80);
            let mut g = RuleGen {
                rng: &mut rng,
                rels: &rels,
                bound: Vec::new(),
                next_var: 0,
                mode: Mode::Free,
                in_head: false,
            };
            let rule = g.rule(head, base_case, options.errors);
            let _ = writeln!(text, "{rule}");
        }
    }
    text
}
