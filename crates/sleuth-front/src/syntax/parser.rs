//! This module defines the parser's core: a cursor over the tokens, syntax
//! errors that say what was expected and what was found, recovery at the next
//! top-level `.`, and the loop over a module's items. The grammar itself is in
//! `directive` (`.decl`, `.type`, `.input`, ...), `clause` (facts, rules,
//! queries, bodies) and `expr` (expressions and aggregates).

use super::ast::{Ident, Item, Pragma};
use super::token::{Tok, Token};
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};

/// How deeply expressions, parentheses and aggregates may nest. Deeper input
/// is an error rather than a stack overflow (in the parser or in any later
/// pass that walks the tree).
pub(super) const MAX_DEPTH: usize = 200;

/// How many rules one clause may expand into through `;` (the expansion is a
/// product over the disjunctions of a conjunction).
pub(super) const MAX_ALTERNATIVES: usize = 1024;

/// Marks a failed parse; its diagnostic is already recorded.
pub(super) struct Failed;

/// The result of a grammar function.
pub(super) type PResult<T> = Result<T, Failed>;

/// The parser's state: tokens, position, collected items and errors.
pub(super) struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Current nesting depth (reset at each item).
    pub(super) depth: usize,
    /// Items parsed so far (a declaration's `output` qualifier adds one).
    pub(super) items: Vec<Item>,
    /// The `.pragma` directives read so far.
    pub(super) pragmas: Vec<Pragma>,
    /// Every error found so far.
    pub(super) errors: Vec<Diagnostic>,
}

/// Parses a token list into items, collecting every syntax error.
pub(super) fn parse_tokens(toks: Vec<Token>) -> (Vec<Item>, Vec<Pragma>, Vec<Diagnostic>) {
    let mut parser = Parser {
        toks,
        pos: 0,
        depth: 0,
        items: Vec::new(),
        pragmas: Vec::new(),
        errors: Vec::new(),
    };
    while *parser.peek() != Tok::Eof {
        parser.depth = 0;
        let start = parser.pos;
        if parser.item().is_err() {
            parser.recover();
            if parser.pos == start {
                parser.bump();
            }
        }
    }
    (parser.items, parser.pragmas, parser.errors)
}

impl Parser {
    fn item(&mut self) -> PResult<()> {
        match self.peek() {
            Tok::Dot if self.directive_follows() => self.directive(),
            Tok::QueryStart => self.query(),
            Tok::Ident(_) => self.clause(),
            _ => Err(self.fail(
                "a declaration, a fact, a rule or a query",
                "",
                "items are `.decl ...`, `fact(...).`, `head(...) :- body.` or `?- body.`",
            )),
        }
    }

    /// Skips to the end of the broken item: past the next `.` that ends a
    /// clause, or up to the next directive or query, or the end of the text.
    fn recover(&mut self) {
        loop {
            match self.peek() {
                Tok::Eof | Tok::QueryStart => return,
                Tok::Dot if self.directive_follows() => return,
                Tok::Dot => {
                    self.bump();
                    return;
                }
                _ => self.bump(),
            }
        }
    }

    /// The current token.
    pub(super) fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    /// The token `n` places ahead (the end marker past the end).
    pub(super) fn peek_at(&self, n: usize) -> &Tok {
        let last = self.toks.len() - 1;
        &self.toks[(self.pos + n).min(last)].tok
    }

    /// The current token's span.
    pub(super) fn span(&self) -> Span {
        self.toks[self.pos].span
    }

    /// The span of the token `n` places ahead.
    pub(super) fn span_at(&self, n: usize) -> Span {
        let last = self.toks.len() - 1;
        self.toks[(self.pos + n).min(last)].span
    }

    /// The span of the last token consumed.
    pub(super) fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }

    /// Moves past the current token (never past the end marker).
    pub(super) fn bump(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    /// Consumes the current token if it is `tok`.
    pub(super) fn eat(&mut self, tok: &Tok) -> bool {
        let found = self.peek() == tok;
        if found {
            self.bump();
        }
        found
    }

    /// Consumes `tok` or fails with "expected EXPECTED CONTEXT, found ...".
    pub(super) fn expect(
        &mut self,
        tok: &Tok,
        expected: &str,
        context: &str,
        help: &str,
    ) -> PResult<Span> {
        if self.eat(tok) {
            Ok(self.prev_span())
        } else {
            Err(self.fail(expected, context, help))
        }
    }

    /// Consumes an identifier or fails.
    pub(super) fn ident(&mut self, expected: &str, context: &str, help: &str) -> PResult<Ident> {
        match self.peek() {
            Tok::Ident(name) => {
                let ident = Ident {
                    name: name.clone(),
                    span: self.span(),
                };
                self.bump();
                Ok(ident)
            }
            _ => Err(self.fail(expected, context, help)),
        }
    }

    /// Records "expected EXPECTED CONTEXT, found TOKEN" at the current token.
    /// A token the lexer already rejected is not reported twice.
    pub(super) fn fail(&mut self, expected: &str, context: &str, help: &str) -> Failed {
        if *self.peek() == Tok::Error {
            return Failed;
        }
        let found = self.peek().describe();
        let context = if context.is_empty() {
            String::new()
        } else {
            format!(" {context}")
        };
        let message = format!("expected {expected}{context}, found {found}");
        let diagnostic = Diagnostic::new(Code::Syntax, message, Some(self.span()))
            .with_label(format!("expected {expected}"))
            .with_help(help);
        self.errors.push(diagnostic);
        Failed
    }

    /// Records a construct sleuth knows but does not support.
    pub(super) fn unsupported(&mut self, span: Span, message: String, help: &str) -> Failed {
        self.errors
            .push(Diagnostic::new(Code::Unsupported, message, Some(span)).with_help(help));
        Failed
    }

    /// Runs `f` one nesting level deeper, failing when input nests too deeply.
    pub(super) fn nested<T>(&mut self, f: impl FnOnce(&mut Parser) -> PResult<T>) -> PResult<T> {
        self.deeper()?;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Goes one nesting level deeper (the caller restores `depth`).
    pub(super) fn deeper(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.span();
            self.errors.push(
                Diagnostic::new(
                    Code::Syntax,
                    format!("this is nested more than {MAX_DEPTH} levels deep"),
                    Some(span),
                )
                .with_help("split the expression into several comparisons with named variables"),
            );
            return Err(Failed);
        }
        Ok(())
    }

    /// Whether a directive starts here: `.` immediately followed by a name.
    pub(super) fn directive_follows(&self) -> bool {
        *self.peek() == Tok::Dot
            && matches!(self.peek_at(1), Tok::Ident(_))
            && self.span().end == self.span_at(1).start
    }

    /// The span from `start` to the last token consumed.
    pub(super) fn since(&self, start: Span) -> Span {
        start.to(self.prev_span())
    }
}
