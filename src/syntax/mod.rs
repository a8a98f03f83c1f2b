//! This module defines the parser of Soufflé-syntax programs: the lexer, the
//! parser and the AST with spans. [`parse`] turns one registered text into an
//! [`ast::Module`], or into every syntax error of the text (the parser
//! recovers at the next top-level `.` and goes on).

pub mod ast;
mod clause;
mod directive;
mod expr;
pub mod lexer;
mod parser;
pub mod regex;
pub mod token;

#[cfg(test)]
mod tests;

use crate::diag::{Diagnostics, SourceId, SourceMap};

/// Parses the text registered as `id`. On failure, returns all its syntax
/// errors (code `syntax`, or `unsupported` for Soufflé features sleuth does
/// not run), in the order they occur.
pub fn parse(sources: &SourceMap, id: SourceId) -> Result<ast::Module, Diagnostics> {
    let (tokens, mut errors) = lexer::lex(id, &sources.file(id).text);
    let (items, parse_errors) = parser::parse_tokens(tokens);
    errors.extend(parse_errors);
    if errors.is_empty() {
        Ok(ast::Module { source: id, items })
    } else {
        errors.sort_by_key(|d| d.span);
        Err(Diagnostics(errors))
    }
}
