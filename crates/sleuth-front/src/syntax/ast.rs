//! This module defines the abstract syntax tree of a program as written, with
//! a span on every node. It stays close to the text: disjunctions are already
//! expanded into alternatives (each alternative is one rule body), but names
//! are not resolved and nothing is typed; the checker does that.

use crate::diag::{SourceId, Span};
use crate::ir::{AggOp, BinOp, CmpOp};

/// One parsed text.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The text it came from.
    pub source: SourceId,
    /// Its items, in order.
    pub items: Vec<Item>,
    /// Its `.pragma` directives, in order. Evaluation ignores them, as
    /// Soufflé ignores those it does not know; a session reads
    /// `.pragma "source" "ID GRADE"` (see `session::sourced`).
    pub pragmas: Vec<Pragma>,
}

/// `.pragma "key" "value"`, and where it stands among the items.
#[derive(Clone, Debug, PartialEq)]
pub struct Pragma {
    /// The key (the first string).
    pub key: String,
    /// The value (the second string; empty when absent).
    pub value: String,
    /// Where the directive is written.
    pub span: Span,
    /// How many items of the module come before it.
    pub before: usize,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `.decl name(attr: type, ...)`.
    Decl(Decl),
    /// `.type Name <: symbol` or `.type Name = number`.
    Type(TypeDecl),
    /// `.input`, `.output` or `.printsize`.
    Io(IoDirective),
    /// A fact or a rule.
    Clause(Clause),
    /// `?- body.`
    Query(Query),
}

/// A name with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// `.decl a, b(x: number, y: symbol) qualifiers`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// The relations declared (usually one).
    pub names: Vec<Ident>,
    /// The attributes.
    pub attrs: Vec<Attr>,
    /// Qualifiers after the attribute list (`btree`, `eqrel`, ...).
    pub qualifiers: Vec<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// `name: type` in a declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    /// The attribute's name.
    pub name: Ident,
    /// The type's name, as written (a built-in type or a `.type` alias).
    pub ty: Ident,
}

/// `.type Name <: base`, `.type Name = base` or `.type Name = a | b`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDecl {
    /// The new type's name.
    pub name: Ident,
    /// The types it stands for (one for an alias or subtype, several for a union).
    pub of: Vec<Ident>,
    /// The whole directive.
    pub span: Span,
}

/// Which input/output directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoKind {
    /// `.input`
    Input,
    /// `.output`
    Output,
    /// `.printsize`
    PrintSize,
}

impl IoKind {
    /// The directive as written.
    pub fn keyword(self) -> &'static str {
        match self {
            IoKind::Input => ".input",
            IoKind::Output => ".output",
            IoKind::PrintSize => ".printsize",
        }
    }
}

/// `.input a, b(key = value, ...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct IoDirective {
    /// Which directive.
    pub kind: IoKind,
    /// The relations it applies to.
    pub relations: Vec<Ident>,
    /// Its parameters, applying to every relation named.
    pub params: Vec<Param>,
    /// The whole directive.
    pub span: Span,
}

/// `key = value` in a directive's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The key (`filename`, `IO`, `delimiter`).
    pub key: Ident,
    /// The value, unquoted.
    pub value: String,
    /// The whole parameter.
    pub span: Span,
}

/// A fact (`body` is `None`) or a rule. Several heads (`a(X), b(X) :- c(X).`)
/// mean one rule per head.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// The head atoms.
    pub heads: Vec<Atom>,
    /// The body, or `None` for a fact.
    pub body: Option<Body>,
    /// The whole clause, up to its final `.`.
    pub span: Span,
}

/// A rule body in disjunctive normal form: each alternative is a conjunction
/// of literals and gives one rule (`a :- b ; c.` has two alternatives).
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The alternatives (at least one).
    pub alternatives: Vec<Vec<Literal>>,
}

/// `?- body.`
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The body.
    pub body: Body,
    /// The whole query.
    pub span: Span,
}

/// `name(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Atom {
    /// The relation's name.
    pub name: Ident,
    /// The arguments.
    pub args: Vec<Expr>,
    /// From the name to the closing parenthesis.
    pub span: Span,
}

/// A body literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A positive atom.
    Atom(Atom),
    /// `!atom` or `not atom`.
    Negated {
        /// The atom negated.
        atom: Atom,
        /// From the `!` or `not` to the closing parenthesis.
        span: Span,
    },
    /// `left op right`.
    Compare(Compare),
    /// A boolean built-in such as `contains(sub, s)` or `match(re, s)`.
    Test(Atom),
    /// `!contains(sub, s)`: a boolean built-in that must fail.
    NegatedTest {
        /// The test.
        atom: Atom,
        /// From the `!` to the closing parenthesis.
        span: Span,
    },
    /// `true` or `false`.
    Bool(bool, Span),
}

/// The names of the boolean built-ins written like atoms.
pub const TESTS: [&str; 2] = ["contains", "match"];

impl Literal {
    /// Where the literal is written.
    pub fn span(&self) -> Span {
        match self {
            Literal::Atom(a) | Literal::Test(a) => a.span,
            Literal::Negated { span, .. } | Literal::NegatedTest { span, .. } => *span,
            Literal::Compare(c) => c.span,
            Literal::Bool(_, span) => *span,
        }
    }
}

/// A comparison literal.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    /// The operator.
    pub op: CmpOp,
    /// Left side.
    pub left: Expr,
    /// Right side.
    pub right: Expr,
    /// The whole comparison.
    pub span: Span,
}

/// An expression: an atom's argument, a side of a comparison, an aggregate's target.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A variable (any identifier in argument position).
    Var(Ident),
    /// `_`.
    Wildcard(Span),
    /// An integer literal (a leading `-` is folded in).
    Number(i64, Span),
    /// A float literal.
    Float(f64, Span),
    /// A string literal.
    Str(String, Span),
    /// `-arg`.
    Neg {
        /// Operand.
        arg: Box<Expr>,
        /// Where.
        span: Span,
    },
    /// `left op right`.
    Binary {
        /// Operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
        /// Where.
        span: Span,
    },
    /// `name(args)`: a functor call (user-defined functors are written `@name`).
    Call {
        /// The functor's name.
        name: Ident,
        /// Arguments.
        args: Vec<Expr>,
        /// Where.
        span: Span,
    },
    /// `op target : { body }`.
    Aggregate(Box<Aggregate>),
}

impl Expr {
    /// Where the expression is written.
    pub fn span(&self) -> Span {
        match self {
            Expr::Var(id) => id.span,
            Expr::Wildcard(span)
            | Expr::Number(_, span)
            | Expr::Float(_, span)
            | Expr::Str(_, span)
            | Expr::Neg { span, .. }
            | Expr::Binary { span, .. }
            | Expr::Call { span, .. } => *span,
            Expr::Aggregate(a) => a.span,
        }
    }
}

/// `count : { body }`, `sum X : { body }`, `min X : { body }`, `max X : { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// The function.
    pub op: AggOp,
    /// What is summed or compared (`None` for `count`).
    pub target: Option<Expr>,
    /// The literals in the braces.
    pub body: Vec<Literal>,
    /// From the keyword to the closing brace.
    pub span: Span,
}
