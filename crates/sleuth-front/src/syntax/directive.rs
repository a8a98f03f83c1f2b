//! This module defines the grammar of directives: `.decl`, `.type`,
//! `.input`, `.output`, `.printsize`, and the Soufflé directives sleuth
//! skips (`.pragma`, `.plan`) or rejects with an `unsupported` error.

use super::ast::{Attr, Decl, Ident, IoDirective, IoKind, Item, Param, Pragma, TypeDecl};
use super::parser::{PResult, Parser};
use super::token::Tok;
use crate::diag::Code;
use crate::diag::did_you_mean;

/// The directives sleuth reads.
const SUPPORTED: &[&str] = &[
    "decl",
    "type",
    "input",
    "output",
    "printsize",
    "pragma",
    "plan",
    "number_type",
    "symbol_type",
];

/// Soufflé directives sleuth knows but does not run.
const UNSUPPORTED: &[&str] = &[
    "comp",
    "init",
    "functor",
    "override",
    "limitsize",
    "include",
    "once",
];

/// Relation qualifiers after `.decl name(...)`: storage hints sleuth ignores,
/// plus `eqrel` and the old `input`/`output`/`printsize` forms it honours.
const QUALIFIERS: &[&str] = &[
    "btree",
    "btree_delete",
    "brie",
    "eqrel",
    "overridable",
    "inline",
    "no_inline",
    "magic",
    "no_magic",
    "input",
    "output",
    "printsize",
    "choice",
];

const DECL_HELP: &str = "declare a relation as `.decl name(attr: type, ...)`";

impl Parser {
    /// `.NAME ...`: dispatches on the directive's name.
    pub(super) fn directive(&mut self) -> PResult<()> {
        let start = self.span();
        self.bump();
        let keyword = self.ident("a directive name", "after `.`", DECL_HELP)?;
        match keyword.name.as_str() {
            "decl" => self.decl(start)?,
            "type" => self.type_decl(start)?,
            "number_type" | "symbol_type" => self.legacy_type(start, &keyword)?,
            "input" => self.io(start, IoKind::Input)?,
            "output" => self.io(start, IoKind::Output)?,
            "printsize" => self.io(start, IoKind::PrintSize)?,
            "pragma" => {
                let mut strings = Vec::new();
                while let Tok::Str(s) = self.peek() {
                    strings.push(s.clone());
                    self.bump();
                }
                let mut strings = strings.into_iter();
                self.pragmas.push(Pragma {
                    key: strings.next().unwrap_or_default(),
                    value: strings.next().unwrap_or_default(),
                    span: self.since(start),
                    before: self.items.len(),
                });
            }
            "plan" => self.skip_plan(),
            name if UNSUPPORTED.contains(&name) => {
                let span = self.since(start);
                self.unsupported(
                    span,
                    format!("the `.{name}` directive is not supported"),
                    "write plain declarations, facts and rules",
                );
                if name == "comp" {
                    self.skip_braces();
                    return Ok(());
                }
                return Err(super::parser::Failed);
            }
            name => {
                let span = self.since(start);
                let mut d = crate::diag::Diagnostic::new(
                    Code::Syntax,
                    format!("unknown directive `.{name}`"),
                    Some(span),
                );
                d = match did_you_mean(name, SUPPORTED.iter().copied()) {
                    Some(s) => d.with_label(format!("did you mean `.{s}`?")),
                    None => d.with_label("not a directive"),
                };
                self.errors.push(d.with_help(
                    "the directives are `.decl`, `.type`, `.input`, `.output`, `.printsize` and `.pragma`",
                ));
                return Err(super::parser::Failed);
            }
        }
        // A stray `.` after a directive (`.decl a(x: number).`) is harmless.
        if *self.peek() == Tok::Dot && !self.directive_follows() {
            self.bump();
        }
        Ok(())
    }

    /// `.decl a, b(x: type, ...) qualifiers`.
    fn decl(&mut self, start: crate::diag::Span) -> PResult<()> {
        let mut names = vec![self.ident("a relation name", "after `.decl`", DECL_HELP)?];
        while self.eat(&Tok::Comma) {
            names.push(self.ident("a relation name", "after `,`", DECL_HELP)?);
        }
        self.expect(
            &Tok::LParen,
            "`(`",
            "after the relation name",
            "list the attributes in parentheses: `.decl edge(x: number, y: number)`",
        )?;
        let mut attrs = Vec::new();
        if !self.eat(&Tok::RParen) {
            loop {
                attrs.push(self.attr()?);
                if self.eat(&Tok::Comma) {
                    continue;
                }
                self.expect(&Tok::RParen, "`,` or `)`", "after an attribute", DECL_HELP)?;
                break;
            }
        }
        let mut qualifiers = Vec::new();
        while let Tok::Ident(q) = self.peek() {
            if !QUALIFIERS.contains(&q.as_str()) {
                break;
            }
            let q = self.ident("a qualifier", "", DECL_HELP)?;
            if q.name == "choice" {
                return Err(self.unsupported(
                    q.span,
                    "`choice-domain` relations are not supported".into(),
                    "remove the qualifier; sleuth keeps every tuple",
                ));
            }
            qualifiers.push(q);
        }
        let span = self.since(start);
        self.legacy_io_qualifiers(&names, &qualifiers);
        self.items.push(Item::Decl(Decl {
            names,
            attrs,
            qualifiers,
            span,
        }));
        Ok(())
    }

    /// `name: type`.
    fn attr(&mut self) -> PResult<Attr> {
        let name = self.ident("an attribute name", "in a declaration", DECL_HELP)?;
        self.expect(
            &Tok::Colon,
            "`:`",
            "after the attribute name",
            "give each attribute a type: `x: number`",
        )?;
        let ty = self.ident(
            "a type",
            "after `:`",
            "the types are `symbol`, `number`, `unsigned`, `float`, `date` or a `.type` name",
        )?;
        Ok(Attr { name, ty })
    }

    /// The old `.decl r(...) output` form: an `.output r` directive.
    fn legacy_io_qualifiers(&mut self, names: &[Ident], qualifiers: &[Ident]) {
        for q in qualifiers {
            let kind = match q.name.as_str() {
                "input" => IoKind::Input,
                "output" => IoKind::Output,
                "printsize" => IoKind::PrintSize,
                _ => continue,
            };
            self.items.push(Item::Io(IoDirective {
                kind,
                relations: names.to_vec(),
                params: Vec::new(),
                span: q.span,
            }));
        }
    }

    /// `.type Name <: base`, `.type Name = base | other`, or `.type Name`
    /// (Soufflé's old spelling of a symbol type).
    fn type_decl(&mut self, start: crate::diag::Span) -> PResult<()> {
        const HELP: &str = "define a type as `.type Name <: symbol` or `.type Name = number`";
        let name = self.ident("a type name", "after `.type`", HELP)?;
        let mut of = Vec::new();
        if self.eat(&Tok::Subtype) {
            of.push(self.ident("a base type", "after `<:`", HELP)?);
        } else if self.eat(&Tok::Eq) {
            if *self.peek() == Tok::LBracket {
                let span = self.span();
                return Err(self.unsupported(
                    span,
                    "record types are not supported".into(),
                    "use one relation column per field",
                ));
            }
            of.push(self.ident("a type", "after `=`", HELP)?);
            while self.eat(&Tok::Pipe) {
                of.push(self.ident("a type", "after `|`", HELP)?);
            }
            if *self.peek() == Tok::LBrace {
                let span = self.span();
                return Err(self.unsupported(
                    span,
                    "algebraic data types are not supported".into(),
                    "use one relation per constructor",
                ));
            }
        } else {
            of.push(Ident {
                name: "symbol".into(),
                span: name.span,
            });
        }
        let span = self.since(start);
        self.items.push(Item::Type(TypeDecl { name, of, span }));
        Ok(())
    }

    /// `.number_type Name` and `.symbol_type Name` (old Soufflé).
    fn legacy_type(&mut self, start: crate::diag::Span, keyword: &Ident) -> PResult<()> {
        let name = self.ident(
            "a type name",
            "after the directive",
            "write `.type Name <: symbol`",
        )?;
        let base = keyword.name.trim_end_matches("_type");
        let of = vec![Ident {
            name: base.to_string(),
            span: keyword.span,
        }];
        let span = self.since(start);
        self.items.push(Item::Type(TypeDecl { name, of, span }));
        Ok(())
    }

    /// `.input a, b(key = value, ...)` and likewise `.output`, `.printsize`.
    fn io(&mut self, start: crate::diag::Span, kind: IoKind) -> PResult<()> {
        let help = format!(
            "write `{} name` or `{} name(filename=\"x.tsv\")`",
            kind.keyword(),
            kind.keyword()
        );
        let context = format!("after `{}`", kind.keyword());
        let mut relations = vec![self.ident("a relation name", &context, &help)?];
        while self.eat(&Tok::Comma) {
            relations.push(self.ident("a relation name", "after `,`", &help)?);
        }
        let mut params = Vec::new();
        if self.eat(&Tok::LParen) && !self.eat(&Tok::RParen) {
            loop {
                params.push(self.param(&help)?);
                if self.eat(&Tok::Comma) {
                    continue;
                }
                self.expect(&Tok::RParen, "`,` or `)`", "after a parameter", &help)?;
                break;
            }
        }
        let span = self.since(start);
        self.items.push(Item::Io(IoDirective {
            kind,
            relations,
            params,
            span,
        }));
        Ok(())
    }

    /// `key = value` with a string, name or number as the value.
    fn param(&mut self, help: &str) -> PResult<Param> {
        let key = self.ident("a parameter name", "in the parameter list", help)?;
        self.expect(&Tok::Eq, "`=`", "after the parameter name", help)?;
        let value = match self.peek() {
            Tok::Str(s) | Tok::Ident(s) | Tok::Int(s) => s.clone(),
            Tok::Float(x) => x.to_string(),
            _ => return Err(self.fail("a value", "after `=`", help)),
        };
        self.bump();
        let span = self.since(key.span);
        Ok(Param { key, value, span })
    }

    /// Skips a component's body `... { ... }`, nested braces included.
    fn skip_braces(&mut self) {
        while !matches!(self.peek(), Tok::LBrace | Tok::Eof) {
            self.bump();
        }
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::LBrace => depth += 1,
                Tok::RBrace => depth = depth.saturating_sub(1),
                Tok::Eof => return,
                _ => {}
            }
            self.bump();
            if depth == 0 {
                return;
            }
        }
    }

    /// `.plan 0: (1, 2), 1: (2, 1)`: a join-order hint for Soufflé; sleuth
    /// plans its own joins, so the hint is skipped.
    fn skip_plan(&mut self) {
        while matches!(
            self.peek(),
            Tok::Int(_) | Tok::Colon | Tok::LParen | Tok::RParen | Tok::Comma
        ) {
            self.bump();
        }
    }
}
