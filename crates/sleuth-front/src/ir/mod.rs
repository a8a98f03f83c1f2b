//! This module defines the checked program, the contract between the front
//! end and every back end. The checker (`check`) lowers parsed modules to an
//! [`ir::Program`](Program): names resolved to [`RelId`]s, variables numbered
//! per rule and typed, body atoms flattened to plain [`Term`]s, strata in
//! evaluation order. The interpreter (`eval`), the crepe code generator
//! (the crate `sleuth-codegen`, which build.rs runs) and the explainer
//! (`provenance`) all read this form and nothing else.
//!
//! Invariants the checker guarantees (back ends may rely on them):
//! - every relation used has one arity and one type per column;
//! - every rule is range-restricted: there is an order of its body literals in
//!   which each variable is bound by a positive atom, by `X = expr` with `expr`
//!   bound, or by an aggregate's result before it is used in a negation, a
//!   comparison, an expression, an aggregate's outer variables or the head;
//! - every expression and comparison carries the type it operates on;
//! - negation and aggregation only refer to relations of earlier strata.
//!
//! What the IR means beyond its shape lives beside it: [`functors`] (what
//! each operator and functor computes) and the methods of `meaning` (the
//! variables and types of expressions, the bindings an aggregate counts).
//!
//! This module depends only on `diag` and `value`.

pub mod functors;
mod meaning;

use crate::diag::Span;
use crate::value::{Type, Value};

/// Index of a relation in [`Program::relations`].
pub type RelId = usize;
/// Index of a rule in [`Program::rules`].
pub type RuleId = usize;
/// Index of a variable in [`Rule::vars`].
pub type VarId = usize;

/// A checked, stratified program.
#[derive(Clone, Debug, Default)]
pub struct Program {
    /// Every relation: declared, used, read, or a query's answer relation.
    pub relations: Vec<Relation>,
    /// Every rule (including the rules behind queries).
    pub rules: Vec<Rule>,
    /// Ground facts written in the program text.
    pub facts: Vec<Fact>,
    /// Strongly connected components of the dependency graph, in an order
    /// where each stratum only depends on itself and earlier strata.
    pub strata: Vec<Stratum>,
    /// `.input` directives.
    pub inputs: Vec<Input>,
    /// `.output` directives.
    pub outputs: Vec<Output>,
    /// `.printsize` directives, in program order.
    pub printsize: Vec<RelId>,
    /// `?-` queries, in program order.
    pub queries: Vec<Query>,
}

impl Program {
    /// The id of the relation with this name.
    pub fn relation_id(&self, name: &str) -> Option<RelId> {
        self.relations.iter().position(|r| r.name == name)
    }
}

/// A relation's signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// Its name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    /// Where it was declared, or first used when undeclared.
    pub span: Option<Span>,
    /// Whether a `.decl` declared it (otherwise its types were inferred).
    pub declared: bool,
    /// Whether it is the answer relation of a `?-` query (hidden from listings).
    pub is_query: bool,
}

impl Relation {
    /// Number of columns.
    pub fn arity(&self) -> usize {
        self.columns.len()
    }

    /// Column types in order.
    pub fn types(&self) -> Vec<Type> {
        self.columns.iter().map(|c| c.ty).collect()
    }
}

/// One column of a relation.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Attribute name from `.decl` (`x`, `place`), or `_0`, `_1` ... when inferred.
    pub name: String,
    /// Its type.
    pub ty: Type,
}

/// A ground fact from the program text.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The relation.
    pub rel: RelId,
    /// One value per column, already of the column's type.
    pub values: Vec<Value>,
    /// Where it was written.
    pub span: Span,
}

/// A rule `head :- body.`
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The head. Its arguments may be expressions (`n(X + 1) :- n(X).`).
    pub head: Head,
    /// The body literals, in source order (back ends choose their own order).
    pub body: Vec<Literal>,
    /// The rule's variables, indexed by [`VarId`].
    pub vars: Vec<Var>,
    /// The whole rule in its source.
    pub span: Span,
}

/// A rule's head.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    /// The relation derived.
    pub rel: RelId,
    /// One expression per column.
    pub args: Vec<Expr>,
    /// The head atom in its source.
    pub span: Span,
}

/// A variable of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    /// Its name as written; generated variables (for `_` turned into a
    /// variable, or flattened body expressions) start with `$`.
    pub name: String,
    /// Its inferred type.
    pub ty: Type,
    /// Its first occurrence.
    pub span: Span,
}

/// One body literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A positive atom: binds its variables.
    Atom(Atom),
    /// `!atom(...)` or `not atom(...)`: every variable in it is bound elsewhere
    /// (wildcards are allowed and mean "any").
    Negated(Atom),
    /// `left op right`. With `op == Eq` and one side a single variable that is
    /// not yet bound when the literal is reached, it binds that variable.
    Compare(Compare),
    /// A boolean built-in such as `contains(sub, s)`, possibly negated.
    Test(Test),
    /// `result = op target : { body }`.
    Aggregate(Aggregate),
}

/// An atom in a body: arguments are plain terms (the checker flattens body
/// expressions into fresh variables plus an equality).
#[derive(Clone, Debug, PartialEq)]
pub struct Atom {
    /// The relation.
    pub rel: RelId,
    /// One term per column.
    pub args: Vec<Term>,
    /// The atom in its source.
    pub span: Span,
}

/// An argument of a body atom.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// A variable.
    Var(VarId),
    /// A constant of the column's type.
    Const(Value),
    /// `_`: matches anything, binds nothing.
    Wildcard,
}

/// A comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    /// The operator.
    pub op: CmpOp,
    /// Left side.
    pub left: Expr,
    /// Right side.
    pub right: Expr,
    /// The type both sides have.
    pub ty: Type,
    /// The comparison in its source.
    pub span: Span,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A boolean built-in in a body.
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// Which test.
    pub predicate: Predicate,
    /// Its arguments (symbols).
    pub args: Vec<Expr>,
    /// `!contains(...)`: the literal holds when the test fails.
    pub negated: bool,
    /// Where it is written.
    pub span: Span,
}

/// Boolean built-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Predicate {
    /// `contains(sub, s)`: `sub` occurs in `s`.
    Contains,
    /// `match(pattern, s)`: the whole of `s` matches the regular expression
    /// `pattern` (ECMAScript syntax, as Soufflé's `std::regex_match`; see
    /// [`syntax::regex`](crate::syntax::regex)). A constant pattern is
    /// checked by the checker; a computed one that does not compile is the
    /// runtime error `bad-regex`.
    Match,
}

impl Predicate {
    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            Predicate::Contains => "contains",
            Predicate::Match => "match",
        }
    }
}

/// An aggregate `result = op target : { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// The variable that receives the aggregate's value.
    pub result: VarId,
    /// The aggregate function.
    pub op: AggOp,
    /// What is summed, minimised or maximised (`None` for `count`).
    pub target: Option<Expr>,
    /// The literals inside the braces (positive atoms, negations, comparisons;
    /// no nested aggregates).
    pub body: Vec<Literal>,
    /// Variables of `body` that also occur outside the braces: they are bound
    /// before the aggregate and group it. All other variables of `body` are
    /// local to it.
    pub outer: Vec<VarId>,
    /// The type of `result`.
    pub ty: Type,
    /// The aggregate in its source.
    pub span: Span,
}

/// Aggregate functions. Over an empty group, `count` and `sum` give 0 and
/// `min`/`max` give no value (the rule does not fire), as in Soufflé.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggOp {
    /// Number of matches of the body. A match is a distinct combination of
    /// the tuples its atoms match: a wildcard counts like a local variable, so
    /// `count : { arrest(_, C, _) }` counts arrest tuples, as in Soufflé.
    Count,
    /// Sum of `target` over the matches of the body (same notion of match as
    /// `count`: two matching tuples with equal targets both add), except
    /// where Soufflé materializes the body (more than one atom, or one atom
    /// with a repeated variable) and it has a wildcard: then over the
    /// distinct bindings of the body's variables, as in Soufflé.
    Sum,
    /// Smallest `target`.
    Min,
    /// Largest `target`.
    Max,
    /// Arithmetic mean of `target` as a float (no value over an empty
    /// group, like `min`/`max`; the same matches as `sum`).
    Mean,
}

impl AggOp {
    /// The keyword.
    pub fn name(self) -> &'static str {
        match self {
            AggOp::Count => "count",
            AggOp::Sum => "sum",
            AggOp::Min => "min",
            AggOp::Max => "max",
            AggOp::Mean => "mean",
        }
    }
}

/// An expression (in heads, comparisons and aggregate targets).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A variable.
    Var(VarId),
    /// A constant.
    Const(Value),
    /// `-e`.
    Neg {
        /// Operand.
        arg: Box<Expr>,
        /// Number or float.
        ty: Type,
        /// Where.
        span: Span,
    },
    /// `l op r`.
    Binary {
        /// Operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
        /// Number or float.
        ty: Type,
        /// Where (division by zero is reported here).
        span: Span,
    },
    /// A functor call.
    Call {
        /// Which functor.
        functor: Functor,
        /// Arguments.
        args: Vec<Expr>,
        /// For `min`/`max`: the type compared. Otherwise the result type.
        ty: Type,
        /// Where.
        span: Span,
    },
}

/// Arithmetic operators on numbers and floats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (integer division on numbers; error `division-by-zero` on 0)
    Div,
    /// `%` (error `division-by-zero` on 0)
    Mod,
    /// `^` (power)
    Pow,
    /// `band`: bitwise and (numbers only, as are all the operators below).
    BAnd,
    /// `bor`: bitwise or.
    BOr,
    /// `bxor`: bitwise exclusive or.
    BXor,
    /// `bshl`: shift left (the shift amount is taken modulo 64).
    BShl,
    /// `bshr`: arithmetic shift right (sign-extending).
    BShr,
    /// `bshru`: logical shift right (zero-filling).
    BShrU,
    /// `land`: 1 if both operands are non-zero, else 0.
    LAnd,
    /// `lor`: 1 if either operand is non-zero, else 0.
    LOr,
    /// `lxor`: 1 if exactly one operand is non-zero, else 0.
    LXor,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
            BinOp::BAnd => "band",
            BinOp::BOr => "bor",
            BinOp::BXor => "bxor",
            BinOp::BShl => "bshl",
            BinOp::BShr => "bshr",
            BinOp::BShrU => "bshru",
            BinOp::LAnd => "land",
            BinOp::LOr => "lor",
            BinOp::LXor => "lxor",
        }
    }

    /// Whether the operator works on numbers only (the bitwise and logical
    /// ones), never on floats.
    pub fn integral(self) -> bool {
        !matches!(
            self,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow
        )
    }
}

/// Functors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Functor {
    /// `cat(a, b, ...)`: concatenation of symbols.
    Cat,
    /// `strlen(s)`: length in characters.
    Strlen,
    /// `substr(s, i, n)`: `n` characters from index `i` (0-based); as in
    /// Soufflé, a start outside the string gives `""` and a negative length
    /// takes the rest of the string.
    Substr,
    /// `to_number(x)`: a symbol parsed as a number (error `bad-number` if it
    /// is not one), a float truncated toward zero, or a number unchanged.
    ToNumber,
    /// `to_string(x)`: print a number, float or date (a symbol unchanged).
    /// Floats print with six decimals, as Soufflé's `to_string` does.
    ToString,
    /// `to_float(x)`: a number as a float, a symbol parsed as a float, or a
    /// float unchanged.
    ToFloat,
    /// `to_unsigned(x)`: as `to_number` (Soufflé's `unsigned` is read as
    /// `number`).
    ToUnsigned,
    /// `ord(s)`: the symbol's number in this evaluation (distinct symbols
    /// have distinct numbers; the numbers are not portable across runs).
    Ord,
    /// `bnot x`: bitwise complement of a number.
    BNot,
    /// `lnot x`: 1 if the number is 0, else 0.
    LNot,
    /// `min(a, b)`: the smaller (numbers, floats, symbols or dates).
    Min,
    /// `max(a, b)`: the larger.
    Max,
    /// `add_months(d, n)`: the date `n` months after `d`.
    AddMonths,
    /// `months_between(a, b)`: whole months from `a` to `b` (`b` later gives a
    /// positive number).
    MonthsBetween,
    /// `year(d)`.
    Year,
    /// `month(d)`: 1..=12.
    Month,
}

impl Functor {
    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            Functor::Cat => "cat",
            Functor::Strlen => "strlen",
            Functor::Substr => "substr",
            Functor::ToNumber => "to_number",
            Functor::ToString => "to_string",
            Functor::ToFloat => "to_float",
            Functor::ToUnsigned => "to_unsigned",
            Functor::Ord => "ord",
            Functor::BNot => "bnot",
            Functor::LNot => "lnot",
            Functor::Min => "min",
            Functor::Max => "max",
            Functor::AddMonths => "add_months",
            Functor::MonthsBetween => "months_between",
            Functor::Year => "year",
            Functor::Month => "month",
        }
    }
}

/// A stratum: relations evaluated together to a fixpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Stratum {
    /// The relations defined in it.
    pub relations: Vec<RelId>,
    /// The rules whose head is one of `relations`.
    pub rules: Vec<RuleId>,
    /// Whether some rule uses a relation of this stratum in its body (needs a
    /// fixpoint loop rather than one pass).
    pub recursive: bool,
}

/// `.input rel` or `.input rel(filename="x.tsv")`.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// The relation read.
    pub rel: RelId,
    /// File name relative to the fact directory (`rel.facts` by default).
    pub filename: String,
    /// Field delimiter (tab unless `delimiter=","` was given).
    pub delimiter: char,
    /// The directive in its source.
    pub span: Span,
}

/// `.output rel`.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The relation written.
    pub rel: RelId,
    /// File name relative to the output directory (`rel.csv` by default).
    pub filename: String,
    /// `IO=stdout`: always printed to standard output, under Soufflé's
    /// header, whatever the output directory.
    pub stdout: bool,
    /// Field delimiter (tab unless `delimiter=","` was given).
    pub delimiter: char,
    /// The directive in its source.
    pub span: Span,
}

/// A `?- body.` query, lowered to a rule deriving a hidden answer relation.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The hidden relation holding the answers (one column per named variable).
    pub rel: RelId,
    /// The rule deriving it.
    pub rule: RuleId,
    /// The named variables, in order of first appearance: the answer's header.
    pub columns: Vec<String>,
    /// The query in its source.
    pub span: Span,
}
