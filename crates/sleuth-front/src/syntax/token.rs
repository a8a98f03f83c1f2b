//! This module defines the tokens the lexer produces and how a syntax error
//! names the token it found.

use crate::diag::Span;

/// The kind of a token, with its content for names, numbers and strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A name: relation, variable, functor, type or keyword (`edge`, `X`, `_`).
    Ident(String),
    /// An integer literal as written, without sign or `u` suffix (`42`, `0x2A`, `0b101`).
    Int(String),
    /// A float literal (`1.5`, `2e3`).
    Float(f64),
    /// A string literal with its escapes resolved.
    Str(String),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `:`
    Colon,
    /// `;`
    Semi,
    /// `:-`
    Turnstile,
    /// `?-`
    QueryStart,
    /// `!`
    Bang,
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
    /// `<:`
    Subtype,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `^`
    Caret,
    /// `|`
    Pipe,
    /// `@`
    At,
    /// Text the lexer rejected (already reported as a diagnostic).
    Error,
    /// The end of the text.
    Eof,
}

impl Tok {
    /// The punctuation as written, or `None` for tokens with content.
    pub fn punctuation(&self) -> Option<&'static str> {
        Some(match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Colon => ":",
            Tok::Semi => ";",
            Tok::Turnstile => ":-",
            Tok::QueryStart => "?-",
            Tok::Bang => "!",
            Tok::Eq => "=",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Subtype => "<:",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Caret => "^",
            Tok::Pipe => "|",
            Tok::At => "@",
            _ => return None,
        })
    }

    /// How a syntax error names this token after "found": `` `)` ``,
    /// `` `edge` ``, `string "x"`, `end of input`.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Int(text) => format!("`{text}`"),
            Tok::Float(x) => format!("`{x}`"),
            Tok::Str(s) => {
                let short: String = s.chars().take(30).collect();
                let more = if short.len() < s.len() { "..." } else { "" };
                format!("string \"{}{more}\"", short.escape_debug())
            }
            Tok::Error => "invalid text".to_string(),
            Tok::Eof => "end of input".to_string(),
            other => format!("`{}`", other.punctuation().unwrap_or("?")),
        }
    }
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it is.
    pub span: Span,
}
