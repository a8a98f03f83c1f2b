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

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics, SourceId, SourceMap};

/// How many syntax errors of one text are reported; past that, a text is
/// probably not a program at all, and one more line says how many were left out.
const MAX_ERRORS: usize = 50;

/// Parses the text registered as `id`. On failure, returns all its syntax
/// errors (code `syntax`, or `unsupported` for Soufflé features sleuth does
/// not run), in the order they occur.
pub fn parse(sources: &SourceMap, id: SourceId) -> Result<ast::Module, Diagnostics> {
    let (tokens, mut errors) = lexer::lex(id, &sources.file(id).text);
    let (items, pragmas, parse_errors) = parser::parse_tokens(tokens);
    errors.extend(parse_errors);
    if errors.is_empty() {
        Ok(ast::Module {
            source: id,
            items,
            pragmas,
        })
    } else {
        errors.sort_by_key(|d| d.span);
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            let span = errors[MAX_ERRORS].span;
            errors.truncate(MAX_ERRORS);
            errors.push(
                Diagnostic::new(
                    Code::Syntax,
                    format!("{more} more syntax errors are not shown"),
                    span,
                )
                .with_help("fix the errors above and check again"),
            );
        }
        Err(Diagnostics(errors))
    }
}
