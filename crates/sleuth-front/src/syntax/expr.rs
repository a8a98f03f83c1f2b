//! This module defines the grammar of expressions: constants, variables,
//! `_`, functor calls, arithmetic with Soufflé's precedence (`^` binds
//! tighter than unary `-`, `bnot` and `lnot`, which bind tighter than
//! `* / %`, then `+ -`, then the shifts `bshl bshr bshru`, then `band`,
//! `bxor`, `bor`, `land`, `lxor` and loosest `lor`), and aggregates
//! (`count : { ... }`, `sum X : { ... }`, `mean X : { ... }`,
//! `min X : atom(...)`).

use super::ast::{Aggregate, Expr, Ident, Literal};
use super::parser::{PResult, Parser};
use super::token::Tok;
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use crate::ir::{AggOp, BinOp};

/// Binding power of unary minus: tighter than `*`, looser than `^`.
const PREFIX_BP: u8 = 25;

const EXPR_HELP: &str =
    "an argument is a variable, `_`, a number, a \"string\", a functor call or arithmetic";

impl Parser {
    /// A full expression.
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.expr_bp(0)
    }

    /// Operators binding at least as tightly as `min_bp` (Pratt parsing).
    /// Each operator applied counts as one nesting level, so a long chain
    /// `1 + 1 + ...` is bounded like deep parentheses.
    fn expr_bp(&mut self, min_bp: u8) -> PResult<Expr> {
        self.nested(|p| {
            let depth = p.depth;
            let mut lhs = p.prefix()?;
            while let Some((op, lbp, rbp)) = infix(p.peek()) {
                if lbp < min_bp {
                    break;
                }
                p.bump();
                p.deeper()?;
                let rhs = p.expr_bp(rbp)?;
                let span = lhs.span().to(rhs.span());
                lhs = Expr::Binary {
                    op,
                    left: Box::new(lhs),
                    right: Box::new(rhs),
                    span,
                };
            }
            p.depth = depth;
            Ok(lhs)
        })
    }

    fn prefix(&mut self) -> PResult<Expr> {
        let start = self.span();
        match self.peek().clone() {
            Tok::Int(text) => {
                self.bump();
                self.integer(&text, false, start)
            }
            Tok::Float(x) => {
                self.bump();
                Ok(Expr::Float(x, start))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr::Str(s, start))
            }
            Tok::Minus => self.negation(start),
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                self.expect(
                    &Tok::RParen,
                    "`)`",
                    "to close the parenthesis",
                    "balance the parentheses",
                )?;
                Ok(inner)
            }
            Tok::At => {
                self.bump();
                let name = self.ident("a functor name", "after `@`", EXPR_HELP)?;
                let name = Ident {
                    name: format!("@{}", name.name),
                    span: start.to(name.span),
                };
                self.expect(&Tok::LParen, "`(`", "after the functor name", EXPR_HELP)?;
                let args = self.args()?;
                let span = self.since(start);
                Ok(Expr::Call { name, args, span })
            }
            Tok::Ident(name) => self.named(name, start),
            _ => Err(self.fail("an expression", "", EXPR_HELP)),
        }
    }

    /// `-x`: folded into the literal for `-5` and `-1.5`, so that
    /// `-9223372036854775808` is a valid number.
    fn negation(&mut self, start: Span) -> PResult<Expr> {
        self.bump();
        let folds = *self.peek_at(1) != Tok::Caret;
        match self.peek().clone() {
            Tok::Int(text) if folds => {
                self.bump();
                let span = self.since(start);
                self.integer(&text, true, span)
            }
            Tok::Float(x) if folds => {
                self.bump();
                Ok(Expr::Float(-x, self.since(start)))
            }
            _ => {
                let arg = self.expr_bp(PREFIX_BP)?;
                let span = start.to(arg.span());
                Ok(Expr::Neg {
                    arg: Box::new(arg),
                    span,
                })
            }
        }
    }

    /// A variable, `_`, a functor call, a prefix operator or an aggregate.
    fn named(&mut self, name: String, start: Span) -> PResult<Expr> {
        if (name == "bnot" || name == "lnot") && starts_operand(self.peek_at(1)) {
            self.bump();
            let arg = self.expr_bp(PREFIX_BP)?;
            let span = start.to(arg.span());
            let name = Ident { name, span: start };
            return Ok(Expr::Call {
                name,
                args: vec![arg],
                span,
            });
        }
        if let Some(op) = self.aggregate_follows(&name) {
            self.bump();
            let target = match op {
                AggOp::Count => None,
                _ => Some(self.expr()?),
            };
            return self.aggregate(op, target, start);
        }
        self.bump();
        if name == "_" {
            return Ok(Expr::Wildcard(start));
        }
        let name = Ident { name, span: start };
        if *self.peek() != Tok::LParen {
            return Ok(Expr::Var(name));
        }
        self.bump();
        let mut args = self.args()?;
        if *self.peek() == Tok::Colon
            && args.len() == 1
            && let Some(op) = aggregate_op(&name.name).filter(|op| *op != AggOp::Count)
        {
            return self.aggregate(op, args.pop(), start);
        }
        let span = self.since(start);
        Ok(Expr::Call { name, args, span })
    }

    /// Whether an aggregate starts at this name: `count :` or `sum X :`
    /// (`sum(X) :` is recognised after its argument list).
    fn aggregate_follows(&self, name: &str) -> Option<AggOp> {
        let next = self.peek_at(1);
        if name == "count" {
            return (*next == Tok::Colon).then_some(AggOp::Count);
        }
        if !starts_target(next) {
            return None;
        }
        aggregate_op(name)
    }

    /// `: { literals }` or `: atom(...)` after an aggregate's target.
    fn aggregate(&mut self, op: AggOp, target: Option<Expr>, start: Span) -> PResult<Expr> {
        self.expect(
            &Tok::Colon,
            "`:`",
            "after the aggregate",
            "write an aggregate as `sum X : { rel(X) }`",
        )?;
        let body = self.nested(|p| p.aggregate_body())?;
        let span = self.since(start);
        Ok(Expr::Aggregate(Box::new(Aggregate {
            op,
            target,
            body,
            span,
        })))
    }

    fn aggregate_body(&mut self) -> PResult<Vec<Literal>> {
        if !self.eat(&Tok::LBrace) {
            // Soufflé's short form `count : atom(...)`: one atom, no braces.
            return Ok(vec![Literal::Atom(self.atom()?)]);
        }
        let mut body = Vec::new();
        loop {
            body.push(self.literal()?);
            match self.peek() {
                Tok::Comma => self.bump(),
                Tok::RBrace => {
                    self.bump();
                    return Ok(body);
                }
                Tok::Semi => {
                    let span = self.span();
                    return Err(self.unsupported(
                        span,
                        "`;` inside an aggregate is not supported".into(),
                        "aggregate over a helper relation defined by one rule per alternative",
                    ));
                }
                _ => {
                    return Err(self.fail(
                        "`,` or `}`",
                        "after a literal in an aggregate",
                        "close the aggregate's body with `}`",
                    ));
                }
            }
        }
    }

    /// An integer literal's value, negated when a `-` preceded it.
    fn integer(&mut self, text: &str, negative: bool, span: Span) -> PResult<Expr> {
        match parse_integer(text, negative) {
            Some(n) => Ok(Expr::Number(n, span)),
            None => {
                self.errors.push(
                    Diagnostic::new(
                        Code::Syntax,
                        format!(
                            "number `{}{text}` does not fit in 64 bits",
                            if negative { "-" } else { "" }
                        ),
                        Some(span),
                    )
                    .with_help("numbers range from -9223372036854775808 to 9223372036854775807"),
                );
                Err(super::parser::Failed)
            }
        }
    }
}

/// Whether a token can start an aggregate's target (`sum X`, `min -Y`);
/// `(` is left out because `min(a, b)` is a functor call.
fn starts_target(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Ident(_) | Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::Minus | Tok::At
    )
}

/// Whether a token can start the operand of a prefix operator (`bnot X`).
fn starts_operand(tok: &Tok) -> bool {
    starts_target(tok) || *tok == Tok::LParen
}

/// The aggregate a keyword names.
fn aggregate_op(name: &str) -> Option<AggOp> {
    Some(match name {
        "count" => AggOp::Count,
        "sum" => AggOp::Sum,
        "min" => AggOp::Min,
        "max" => AggOp::Max,
        "mean" => AggOp::Mean,
        _ => return None,
    })
}

/// The binary operators written as words, with their left binding power.
pub(super) fn word_operator(word: &str) -> Option<(BinOp, u8)> {
    Some(match word {
        "lor" => (BinOp::LOr, 1),
        "lxor" => (BinOp::LXor, 2),
        "land" => (BinOp::LAnd, 3),
        "bor" => (BinOp::BOr, 4),
        "bxor" => (BinOp::BXor, 5),
        "band" => (BinOp::BAnd, 6),
        "bshl" => (BinOp::BShl, 7),
        "bshr" => (BinOp::BShr, 7),
        "bshru" => (BinOp::BShrU, 7),
        _ => return None,
    })
}

/// Binary operators with their left and right binding powers (all left
/// associative but `^`).
fn infix(tok: &Tok) -> Option<(BinOp, u8, u8)> {
    Some(match tok {
        Tok::Ident(word) => {
            let (op, bp) = word_operator(word)?;
            (op, bp, bp + 1)
        }
        Tok::Plus => (BinOp::Add, 10, 11),
        Tok::Minus => (BinOp::Sub, 10, 11),
        Tok::Star => (BinOp::Mul, 20, 21),
        Tok::Slash => (BinOp::Div, 20, 21),
        Tok::Percent => (BinOp::Mod, 20, 21),
        Tok::Caret => (BinOp::Pow, 31, 30),
        _ => return None,
    })
}

/// Parses a decimal, `0x` hexadecimal or `0b` binary literal.
fn parse_integer(text: &str, negative: bool) -> Option<i64> {
    let (digits, radix) = match text.get(..2) {
        Some("0x" | "0X") => (&text[2..], 16),
        Some("0b" | "0B") => (&text[2..], 2),
        _ => (text, 10),
    };
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_integer;

    #[test]
    fn integers_in_every_radix_and_at_the_limits() {
        assert_eq!(parse_integer("42", false), Some(42));
        assert_eq!(parse_integer("0x2A", false), Some(42));
        assert_eq!(parse_integer("0b101010", false), Some(42));
        assert_eq!(parse_integer("9223372036854775808", true), Some(i64::MIN));
        assert_eq!(parse_integer("9223372036854775808", false), None);
        assert_eq!(parse_integer("0b102", false), None);
        assert_eq!(
            parse_integer("99999999999999999999999999999999999999999", false),
            None
        );
    }
}
