//! This module defines the grammar of clauses: facts, rules (with several
//! heads and `;` disjunctions, expanded into alternatives), queries, body
//! literals and atoms.

use super::ast::{Atom, Body, Clause, Compare, Expr, Item, Literal, Query, TESTS};
use super::parser::{MAX_ALTERNATIVES, PResult, Parser};
use super::token::Tok;
use crate::ir::CmpOp;

const RULE_HELP: &str = "a rule is `head(X) :- body(X), other(X).`; end it with `.`";
const ATOM_HELP: &str = "an atom is a relation name with arguments in parentheses: `edge(X, Y)`";

impl Parser {
    /// A fact `a(1).`, several facts `a(1), b(2).`, or a rule `h(X) :- body.`
    pub(super) fn clause(&mut self) -> PResult<()> {
        let start = self.span();
        let mut heads = vec![self.atom()?];
        while self.eat(&Tok::Comma) {
            heads.push(self.atom()?);
        }
        let body = match self.peek() {
            Tok::Dot => None,
            Tok::Turnstile => {
                self.bump();
                Some(self.body()?)
            }
            Tok::Le if heads.len() == 1 => {
                let span = self.span();
                return Err(self.unsupported(
                    span,
                    "subsumptive clauses (`a(...) <= b(...) :- ...`) are not supported".into(),
                    "keep every tuple, and select the dominating ones with a rule using negation",
                ));
            }
            _ => {
                return Err(self.fail(
                    "`.`, `,` or `:-`",
                    "after a head atom",
                    "end a fact with `.`, or write `:-` and a body for a rule",
                ));
            }
        };
        self.end_clause(if body.is_some() {
            "after a body literal"
        } else {
            "after a fact"
        })?;
        let span = self.since(start);
        self.items.push(Item::Clause(Clause { heads, body, span }));
        Ok(())
    }

    /// `?- body.`
    pub(super) fn query(&mut self) -> PResult<()> {
        let start = self.span();
        self.bump();
        let body = self.body()?;
        self.end_clause("after a body literal")?;
        let span = self.since(start);
        self.items.push(Item::Query(Query { body, span }));
        Ok(())
    }

    fn end_clause(&mut self, context: &str) -> PResult<()> {
        let expected = if context.contains("body") {
            "`.` or `,`"
        } else {
            "`.`"
        };
        self.expect(&Tok::Dot, expected, context, RULE_HELP)
            .map(|_| ())
    }

    /// A body: conjunctions separated by `;`.
    fn body(&mut self) -> PResult<Body> {
        let alternatives = self.disjunction()?;
        Ok(Body { alternatives })
    }

    fn disjunction(&mut self) -> PResult<Vec<Vec<Literal>>> {
        let mut alternatives = self.conjunction()?;
        while self.eat(&Tok::Semi) {
            let more = self.conjunction()?;
            alternatives.extend(more);
            self.check_alternatives(alternatives.len())?;
        }
        Ok(alternatives)
    }

    /// Literals and parenthesised disjunctions separated by `,`, expanded
    /// into the product of their alternatives.
    fn conjunction(&mut self) -> PResult<Vec<Vec<Literal>>> {
        let mut alternatives: Vec<Vec<Literal>> = vec![Vec::new()];
        loop {
            let part = if self.group_follows() {
                self.group()?
            } else {
                vec![vec![self.literal()?]]
            };
            self.check_alternatives(alternatives.len().saturating_mul(part.len()))?;
            alternatives = product(&alternatives, &part);
            if !self.eat(&Tok::Comma) {
                return Ok(alternatives);
            }
        }
    }

    fn check_alternatives(&mut self, n: usize) -> PResult<()> {
        if n <= MAX_ALTERNATIVES {
            return Ok(());
        }
        let span = self.span();
        Err(self.unsupported(
            span,
            format!("this body expands into more than {MAX_ALTERNATIVES} rules through `;`"),
            "split the rule into several rules over helper relations",
        ))
    }

    /// `( disjunction )`.
    fn group(&mut self) -> PResult<Vec<Vec<Literal>>> {
        self.nested(|p| {
            p.bump();
            let inner = p.disjunction()?;
            p.expect(
                &Tok::RParen,
                "`)`, `,` or `;`",
                "after a literal in parentheses",
                "close the group with `)`",
            )?;
            Ok(inner)
        })
    }

    /// Whether a `(` here opens a group of literals rather than an
    /// expression: it is a group unless its closing `)` is followed by an
    /// operator (`(X + 1) < Y`).
    fn group_follows(&self) -> bool {
        if *self.peek() != Tok::LParen {
            return false;
        }
        let mut depth = 0usize;
        let mut n = 0;
        loop {
            match self.peek_at(n) {
                Tok::LParen => depth += 1,
                Tok::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return !is_operator(self.peek_at(n + 1));
                    }
                }
                Tok::Eof | Tok::Dot => return true,
                _ => {}
            }
            n += 1;
        }
    }

    /// One body literal: `!literal`, `not atom`, an atom, a test, a
    /// comparison, `true` or `false`.
    pub(super) fn literal(&mut self) -> PResult<Literal> {
        let start = self.span();
        let negated = match (self.peek(), self.peek_at(1)) {
            (Tok::Bang, _) => true,
            (Tok::Ident(not), Tok::Ident(_)) => not == "not",
            _ => false,
        };
        if negated {
            self.bump();
            let inner = self.nested(|p| {
                if *p.peek() != Tok::LParen {
                    return p.literal();
                }
                // `!(X < Y)`: one parenthesised literal.
                p.bump();
                let inner = p.literal()?;
                p.expect(
                    &Tok::RParen,
                    "`)`",
                    "after a negated literal",
                    "negate one literal: `!(X < Y)`, `!rel(X)` or `!contains(a, b)`",
                )?;
                Ok(inner)
            })?;
            let span = self.since(start);
            return Ok(negate(inner, span));
        }
        if let Tok::Ident(word) = self.peek()
            && (word == "true" || word == "false")
            && ends_literal(self.peek_at(1))
        {
            let value = word == "true";
            self.bump();
            return Ok(Literal::Bool(value, start));
        }
        let left = self.expr()?;
        if let Some(op) = comparison(self.peek()) {
            self.bump();
            let right = self.expr()?;
            let span = left.span().to(right.span());
            return Ok(Literal::Compare(Compare {
                op,
                left,
                right,
                span,
            }));
        }
        match left {
            Expr::Call { name, args, span } if !name.name.starts_with('@') => {
                let atom = Atom { name, args, span };
                Ok(if TESTS.contains(&atom.name.name.as_str()) {
                    Literal::Test(atom)
                } else {
                    Literal::Atom(atom)
                })
            }
            _ => Err(self.fail(
                "a comparison operator (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
                "after this expression",
                "a body literal is an atom `rel(X)`, a negation `!rel(X)` or a comparison `X < Y`",
            )),
        }
    }

    /// `name(args)`.
    pub(super) fn atom(&mut self) -> PResult<Atom> {
        let name = self.ident("a relation name", "", ATOM_HELP)?;
        if *self.peek() != Tok::LParen {
            return Err(self.fail(
                "`(`",
                &format!("after the relation name `{}`", name.name),
                "write the arguments in parentheses, `ok()` for a relation without columns",
            ));
        }
        self.bump();
        let args = self.args()?;
        let span = self.since(name.span);
        Ok(Atom { name, args, span })
    }

    /// Arguments after `(`, up to and including `)`.
    pub(super) fn args(&mut self) -> PResult<Vec<Expr>> {
        let mut args = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat(&Tok::Comma) {
                continue;
            }
            self.expect(
                &Tok::RParen,
                "`,` or `)`",
                "after an argument",
                "separate arguments with `,` and close the list with `)`",
            )?;
            return Ok(args);
        }
    }
}

/// Every combination of one alternative from `left` and one from `right`.
fn product(left: &[Vec<Literal>], right: &[Vec<Literal>]) -> Vec<Vec<Literal>> {
    let mut out = Vec::with_capacity(left.len() * right.len());
    for l in left {
        for r in right {
            let mut both = l.clone();
            both.extend(r.iter().cloned());
            out.push(both);
        }
    }
    out
}

/// The comparison operator a token stands for.
pub(super) fn comparison(tok: &Tok) -> Option<CmpOp> {
    Some(match tok {
        Tok::Eq => CmpOp::Eq,
        Tok::Ne => CmpOp::Ne,
        Tok::Lt => CmpOp::Lt,
        Tok::Le => CmpOp::Le,
        Tok::Gt => CmpOp::Gt,
        Tok::Ge => CmpOp::Ge,
        _ => return None,
    })
}

/// The negation of a literal: `!atom` is a negated atom, `!(X < Y)` is
/// `X >= Y`, `!contains(...)` a negated test, and a double negation cancels.
fn negate(inner: Literal, span: crate::diag::Span) -> Literal {
    match inner {
        Literal::Atom(atom) => Literal::Negated { atom, span },
        Literal::Negated { atom, .. } => Literal::Atom(atom),
        Literal::Test(atom) => Literal::NegatedTest { atom, span },
        Literal::NegatedTest { atom, .. } => Literal::Test(atom),
        Literal::Bool(b, _) => Literal::Bool(!b, span),
        Literal::Compare(c) => Literal::Compare(Compare {
            op: match c.op {
                CmpOp::Eq => CmpOp::Ne,
                CmpOp::Ne => CmpOp::Eq,
                CmpOp::Lt => CmpOp::Ge,
                CmpOp::Le => CmpOp::Gt,
                CmpOp::Gt => CmpOp::Le,
                CmpOp::Ge => CmpOp::Lt,
            },
            span,
            ..c
        }),
    }
}

/// Whether a token can follow a complete body literal.
fn ends_literal(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Comma | Tok::Dot | Tok::Semi | Tok::RParen | Tok::RBrace
    )
}

fn is_operator(tok: &Tok) -> bool {
    comparison(tok).is_some()
        || matches!(
            tok,
            Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash | Tok::Percent | Tok::Caret
        )
        || matches!(tok, Tok::Ident(word) if super::expr::word_operator(word).is_some())
}
