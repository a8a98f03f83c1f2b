//! This module defines the lexer: it turns a program's text into tokens with
//! spans, skipping whitespace and `//` and `/* */` comments. It never stops at
//! the first bad character: each one becomes an [`Tok::Error`] token and a
//! diagnostic, so the parser can go on and report the rest of the text.

use super::token::{Tok, Token};
use crate::diag::Code;
use crate::diag::{Diagnostic, SourceId, Span};

/// Splits `text` into tokens, ending with [`Tok::Eof`]. Lexical errors
/// (an unexpected character, an unterminated string or comment, a malformed
/// number) come back as diagnostics beside an `Error` token.
pub fn lex(source: SourceId, text: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lexer = Lexer {
        source,
        text,
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
    };
    lexer.run();
    let end = Span::new(source, text.len(), text.len());
    lexer.tokens.push(Token {
        tok: Tok::Eof,
        span: end,
    });
    (lexer.tokens, lexer.errors)
}

struct Lexer<'a> {
    source: SourceId,
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<Diagnostic>,
}

impl Lexer<'_> {
    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                c if c.is_whitespace() => self.pos += c.len_utf8(),
                '/' if self.peek_at(1) == Some('/') => self.skip_line(),
                '/' if self.peek_at(1) == Some('*') => self.block_comment(start),
                '#' => self.preprocessor(start),
                '"' => self.string(start),
                c if c.is_ascii_digit() => self.number(start),
                c if c.is_ascii_alphabetic() || c == '_' => self.ident(start),
                _ => self.punctuation(start, c),
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    /// The character `n` bytes ahead; only used to look past ASCII characters.
    fn peek_at(&self, n: usize) -> Option<char> {
        self.text.get(self.pos + n..).and_then(|s| s.chars().next())
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.source, start, self.pos)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        let span = self.span(start);
        self.tokens.push(Token { tok, span });
    }

    fn error(&mut self, code: Code, start: usize, message: String, help: &str) {
        let span = self.span(start);
        self.errors
            .push(Diagnostic::new(code, message, Some(span)).with_help(help));
        self.tokens.push(Token {
            tok: Tok::Error,
            span,
        });
    }

    fn skip_line(&mut self) {
        match self.text[self.pos..].find('\n') {
            Some(i) => self.pos += i,
            None => self.pos = self.text.len(),
        }
    }

    fn block_comment(&mut self, start: usize) {
        match self.text[self.pos + 2..].find("*/") {
            Some(i) => self.pos += 2 + i + 2,
            None => {
                self.pos += 2;
                let span = self.span(start);
                self.pos = self.text.len();
                self.errors.push(
                    Diagnostic::new(Code::Syntax, "unterminated block comment", Some(span))
                        .with_label("this comment is never closed")
                        .with_help("close the comment with `*/`"),
                );
            }
        }
    }

    /// `#include`, `#define` and other C preprocessor lines: Soufflé runs
    /// the C preprocessor, sleuth does not.
    fn preprocessor(&mut self, start: usize) {
        self.skip_line();
        let span = self.span(start);
        self.errors.push(
            Diagnostic::new(
                Code::Unsupported,
                "C preprocessor directives (`#include`, `#define`, ...) are not supported",
                Some(span),
            )
            .with_help("give every rule file to sleuth directly (`--rules PATH` can be repeated)"),
        );
    }

    fn string(&mut self, start: usize) {
        self.pos += 1;
        let mut value = String::new();
        let mut bad_escape = None;
        loop {
            let Some(c) = self.peek() else {
                return self.unterminated_string(start);
            };
            match c {
                '\n' => return self.unterminated_string(start),
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    let escape_start = self.pos;
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return self.unterminated_string(start);
                    };
                    self.pos += e.len_utf8();
                    match e {
                        '"' => value.push('"'),
                        '\\' => value.push('\\'),
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        'r' => value.push('\r'),
                        '\'' => value.push('\''),
                        'a' => value.push('\x07'),
                        'b' => value.push('\x08'),
                        'f' => value.push('\x0C'),
                        'v' => value.push('\x0B'),
                        '\n' => return self.unterminated_string(start),
                        other => {
                            bad_escape.get_or_insert((escape_start, other));
                        }
                    }
                }
                c => {
                    value.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        match bad_escape {
            None => self.push(Tok::Str(value), start),
            Some((at, c)) => {
                let end = self.pos;
                self.pos = at + 1 + c.len_utf8();
                self.errors.push(
                    Diagnostic::new(
                        Code::Syntax,
                        format!("unknown escape `\\{c}` in a string"),
                        Some(self.span(at)),
                    )
                    .with_help(
                        "the escapes are `\\\"`, `\\'`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\a`, `\\b`, `\\f` and `\\v`; write `\\\\` for a backslash",
                    ),
                );
                self.pos = end;
                self.tokens.push(Token {
                    tok: Tok::Error,
                    span: self.span(start),
                });
            }
        }
    }

    fn unterminated_string(&mut self, start: usize) {
        self.error(
            Code::Syntax,
            start,
            "unterminated string: a string ends with `\"` on the line where it starts".into(),
            "close the string with `\"`; write `\\\"` for a quote inside it",
        );
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && keep(bytes[self.pos]) {
            self.pos += 1;
        }
    }

    fn number(&mut self, start: usize) {
        let bytes = self.text.as_bytes();
        let radix_prefix = bytes[self.pos] == b'0'
            && matches!(self.peek_at(1), Some('x' | 'X' | 'b' | 'B'))
            && self.peek_at(2).is_some_and(|c| c.is_ascii_hexdigit());
        if let Some(end) = self.ip_address() {
            let text = &self.text[start..end];
            self.pos = end;
            // Soufflé reads `a.b.c.d` as the 32-bit number of the address.
            let mut n: i32 = 0;
            for part in text.split('.') {
                match part.parse::<u8>() {
                    Ok(b) => n = n.wrapping_shl(8).wrapping_add(i32::from(b)),
                    Err(_) => {
                        return self.error(
                            Code::Syntax,
                            start,
                            format!("`{text}` is not an IP address: each part is 0 to 255"),
                            "write an IP address as four numbers from 0 to 255, e.g. `10.0.0.1`",
                        );
                    }
                }
            }
            return self.push(Tok::Int(n.to_string()), start);
        }
        let mut float = false;
        if radix_prefix {
            self.pos += 2;
            self.take_while(|b| b.is_ascii_hexdigit());
        } else {
            self.take_while(|b| b.is_ascii_digit());
            if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
                float = true;
                self.pos += 1;
                self.take_while(|b| b.is_ascii_digit());
            }
            if matches!(self.peek(), Some('e' | 'E')) {
                let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
                if self.peek_at(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                    float = true;
                    self.pos += 1 + sign;
                    self.take_while(|b| b.is_ascii_digit());
                }
            }
        }
        let digits_end = self.pos;
        if !float && self.peek() == Some('u') {
            self.pos += 1;
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_');
            let text = &self.text[start..self.pos];
            return self.error(
                Code::Syntax,
                start,
                format!("`{text}` is not a number"),
                "numbers are written `42`, `-7`, `0x2A`, `0b101` or `1.5`; a name cannot start with a digit",
            );
        }
        let text = &self.text[start..digits_end];
        if !float {
            return self.push(Tok::Int(text.to_string()), start);
        }
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => self.push(Tok::Float(x), start),
            _ => self.error(
                Code::Syntax,
                start,
                format!("float `{text}` is out of range"),
                "write a float within about ±1.8e308",
            ),
        }
    }

    /// The end of an IP address literal `a.b.c.d` starting here, if one does.
    fn ip_address(&self) -> Option<usize> {
        let b = self.text.as_bytes();
        let mut i = self.pos;
        for part in 0..4 {
            let from = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == from {
                return None;
            }
            if part < 3 {
                if b.get(i) != Some(&b'.') {
                    return None;
                }
                i += 1;
            }
        }
        let ends = b
            .get(i)
            .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_');
        ends.then_some(i)
    }

    fn ident(&mut self, start: usize) {
        self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_');
        let name = self.text[start..self.pos].to_string();
        self.push(Tok::Ident(name), start);
    }

    fn punctuation(&mut self, start: usize, c: char) {
        let next = self.peek_at(1);
        let (tok, len) = match (c, next) {
            (':', Some('-')) => (Tok::Turnstile, 2),
            ('?', Some('-')) => (Tok::QueryStart, 2),
            ('!', Some('=')) => (Tok::Ne, 2),
            ('<', Some('=')) => (Tok::Le, 2),
            ('<', Some(':')) => (Tok::Subtype, 2),
            ('>', Some('=')) => (Tok::Ge, 2),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('{', _) => (Tok::LBrace, 1),
            ('}', _) => (Tok::RBrace, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            (',', _) => (Tok::Comma, 1),
            ('.', _) => (Tok::Dot, 1),
            (':', _) => (Tok::Colon, 1),
            (';', _) => (Tok::Semi, 1),
            ('!', _) => (Tok::Bang, 1),
            ('=', _) => (Tok::Eq, 1),
            ('<', _) => (Tok::Lt, 1),
            ('>', _) => (Tok::Gt, 1),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            ('/', _) => (Tok::Slash, 1),
            ('%', _) => (Tok::Percent, 1),
            ('^', _) => (Tok::Caret, 1),
            ('|', _) => (Tok::Pipe, 1),
            ('@', _) => (Tok::At, 1),
            (c, _) => {
                self.pos += c.len_utf8();
                while let Some(next) = self.peek().filter(|c| is_stray(*c)) {
                    self.pos += next.len_utf8();
                }
                let text = &self.text[start..self.pos];
                let message = if text.chars().count() == 1 {
                    format!("unexpected character `{}`", text.escape_debug())
                } else {
                    let shown: String = text.chars().take(20).collect();
                    format!("unexpected characters `{}`", shown.escape_debug())
                };
                return self.error(
                    Code::Syntax,
                    start,
                    message,
                    "remove it; names are ASCII letters, digits and `_`, and text goes in double quotes",
                );
            }
        };
        self.pos += len;
        self.push(tok, start);
    }
}

/// A character that starts no token (a run of them is one error).
fn is_stray(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || c.is_whitespace() || "_\"#()[]{},.:;?!=<>+-*/%^|@".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        let (tokens, errors) = lex(SourceId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        tokens.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_rules_comments_and_operators() {
        let toks = kinds("p(X) :- e(X, _), X != 3. // tail\n/* block\n */ ?- p(x).");
        assert_eq!(toks[0], Tok::Ident("p".into()));
        assert!(toks.contains(&Tok::Turnstile));
        assert!(toks.contains(&Tok::Ne));
        assert!(toks.contains(&Tok::QueryStart));
        assert_eq!(toks.last(), Some(&Tok::Eof));
        assert_eq!(toks.iter().filter(|t| **t == Tok::Dot).count(), 2);
    }

    #[test]
    fn numbers_do_not_eat_the_final_dot() {
        let toks = kinds("a(1). b(1.5). c(0x1F, 0b11, 7u, 2e3).");
        assert_eq!(toks[2], Tok::Int("1".into()));
        assert_eq!(toks[4], Tok::Dot);
        assert_eq!(toks[7], Tok::Float(1.5));
        assert!(toks.contains(&Tok::Int("0x1F".into())));
        assert!(toks.contains(&Tok::Int("0b11".into())));
        assert!(toks.contains(&Tok::Int("7".into())));
        assert!(toks.contains(&Tok::Float(2000.0)));
    }

    #[test]
    fn ip_addresses_are_numbers_as_in_souffle() {
        let toks = kinds("a(10.0.0.1). b(192.168.1.1). c(1.5).");
        assert_eq!(toks[2], Tok::Int("167772161".into()));
        assert_eq!(toks[7], Tok::Int((-1062731519i64).to_string()));
        assert_eq!(toks[12], Tok::Float(1.5));
        let (_, errors) = lex(SourceId(0), "a(1.2.3.256).");
        assert!(errors[0].message.contains("not an IP address"));
    }

    #[test]
    fn strings_resolve_escapes() {
        let toks = kinds(r#"a("say \"hi\"\\ \n\t")."#);
        assert_eq!(toks[2], Tok::Str("say \"hi\"\\ \n\t".into()));
    }

    #[test]
    fn errors_become_tokens_and_diagnostics() {
        let (tokens, errors) = lex(SourceId(0), "a(\"open\nb(1) ~ 12ab /* never");
        let codes: Vec<_> = errors.iter().map(|d| d.message.clone()).collect();
        assert_eq!(errors.len(), 4, "{codes:?}");
        assert!(codes[0].contains("unterminated string"));
        assert!(codes[1].contains("unexpected character `~`"));
        assert!(codes[2].contains("`12ab` is not a number"));
        assert!(codes[3].contains("unterminated block comment"));
        assert_eq!(tokens.iter().filter(|t| t.tok == Tok::Error).count(), 3);
    }

    #[test]
    fn a_run_of_stray_characters_is_one_error() {
        let (tokens, errors) = lex(SourceId(0), "a(1). ~~~~$$$ b(2).");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "unexpected characters `~~~~$$$`");
        assert_eq!(tokens.iter().filter(|t| t.tok == Tok::Error).count(), 1);
    }

    #[test]
    fn non_ascii_text_is_an_error_outside_strings_only() {
        let (tokens, errors) = lex(SourceId(0), "a(\"Tétouan\"). é");
        assert_eq!(tokens[2].tok, Tok::Str("Tétouan".into()));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span.map(|s| s.end - s.start), Some(2));
    }

    #[test]
    fn spans_cover_the_token_text() {
        let text = "edge(12, \"x\").";
        let (tokens, _) = lex(SourceId(0), text);
        let pieces: Vec<&str> = tokens
            .iter()
            .map(|t| &text[t.span.start as usize..t.span.end as usize])
            .collect();
        assert_eq!(pieces, ["edge", "(", "12", ",", "\"x\"", ")", ".", ""]);
    }
}
