//! This module defines how generated tokens become readable text. Ordinary
//! Rust (tables, functions, modules) is laid out by `prettyplease`. A
//! `crepe!` program is not Rust its printer understands, and comments do
//! not survive tokens, so each crepe rule is laid out here: its Datalog
//! text and `file:line` as `//` comments, the head, then one clause a line,
//! each clause laid out by `prettyplease` as the Rust statement it resembles.
//! The crepe programs then take the place of a placeholder in the module
//! that holds them.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// One clause of a crepe rule.
pub enum Clause {
    /// A relation, a negated relation or a parenthesised condition.
    Expr(TokenStream),
    /// `let PATTERN = EXPR`.
    Let(TokenStream, TokenStream),
    /// `for PATTERN in EXPR`.
    For(TokenStream, TokenStream),
}

/// A crepe rule: comment lines (without `//`), head and clauses.
pub struct CrepeRule {
    /// The comment above the rule, one entry a line.
    pub comment: Vec<String>,
    /// The head, as a relation applied to expressions.
    pub head: TokenStream,
    /// The body, in order.
    pub clauses: Vec<Clause>,
}

/// The body of one `crepe!` invocation, laid out.
#[derive(Default)]
pub struct CrepeProgram {
    text: String,
}

impl CrepeProgram {
    /// A comment line.
    pub fn comment(&mut self, line: &str) {
        self.text.push_str(&format!("// {line}\n"));
    }

    /// A relation declaration (`@input`, `@output` or none) of `decl`, a
    /// tuple struct.
    pub fn relation(&mut self, attribute: Option<&str>, decl: TokenStream) {
        if let Some(a) = attribute {
            self.text.push_str(&format!("@{a}\n"));
        }
        self.text.push_str(items(decl).trim_end());
        self.text.push('\n');
    }

    /// A blank line.
    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A rule, followed by a blank line.
    pub fn rule(&mut self, rule: CrepeRule) {
        for line in &rule.comment {
            self.comment(line);
        }
        let head = &rule.head;
        let head = statement(quote!(#head;));
        let head = head.strip_suffix(';').unwrap_or(&head);
        self.text.push_str(head);
        self.text.push_str(" <-\n");
        let n = rule.clauses.len();
        for (i, clause) in rule.clauses.into_iter().enumerate() {
            let text = match clause {
                Clause::Expr(e) => statement(quote!(#e;)),
                Clause::Let(p, e) => statement(quote!(let #p = #e;)),
                Clause::For(p, e) => statement(quote!(for #p in #e {})),
            };
            let text = text
                .strip_suffix(';')
                .or_else(|| text.strip_suffix(" {}"))
                .or_else(|| text.strip_suffix("\n{}"))
                .unwrap_or(&text);
            let end = if i + 1 == n { ";" } else { "," };
            self.text.push_str(&indent(&format!("{text}{end}"), "    "));
        }
        self.text.push('\n');
    }

    /// The placeholder the program takes the place of in its module.
    pub fn placeholder(stage: usize) -> Ident {
        format_ident!("__crepe_program_of_stage_{stage}")
    }
}

/// Lays out a whole file of items, then puts each crepe program in the
/// place of its placeholder (`programs[s]` for stage `s`).
pub fn file(header: &str, items_: TokenStream, programs: Vec<CrepeProgram>) -> String {
    let mut text = items(items_);
    for (s, program) in programs.into_iter().enumerate() {
        let placeholder = CrepeProgram::placeholder(s).to_string();
        let Some(at) = text.find(&placeholder) else {
            continue;
        };
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let pad = " ".repeat(at - line_start);
        let body = indent(program.text.trim_end(), &pad);
        text.replace_range(line_start..line_end, &body);
    }
    format!("{header}{text}")
}

/// Rust items laid out by `prettyplease`. The generator only writes tokens
/// that parse; if it did not, the build would fail here with the parser's
/// message rather than in rustc on text nobody wrote.
fn items(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => panic!("the code generator wrote Rust that does not parse: {e}"),
    }
}

/// One statement laid out, without the function it was laid out in.
fn statement(stmt: TokenStream) -> String {
    let text = items(quote!(fn f() { #stmt }));
    let lines: Vec<&str> = text.lines().collect();
    // `fn f() {`, the statement's lines, `}`
    lines[1..lines.len().saturating_sub(1)]
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every line of `text` indented by `pad`, each ending in a newline.
fn indent(text: &str, pad: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{pad}{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_laid_out_one_clause_a_line_under_its_comment() {
        let mut p = CrepeProgram::default();
        p.rule(CrepeRule {
            comment: vec!["r(X) :- s(X).".into(), "  lib.dl:3".into()],
            head: quote!(R(x_0)),
            clauses: vec![
                Clause::Expr(quote!(Inputs(env__))),
                Clause::For(quote!(&(x_0,)), quote!(env__.t_1.rows())),
                Clause::Let(quote!((x_0,)), quote!((x_0,))),
                Clause::Expr(quote!(!Q(x_0, _))),
            ],
        });
        assert_eq!(
            p.text,
            "// r(X) :- s(X).\n//   lib.dl:3\nR(x_0) <-\n    Inputs(env__),\n    for &(x_0,) in env__.t_1.rows(),\n    let (x_0,) = (x_0,),\n    !Q(x_0, _);\n\n"
        );
    }

    #[test]
    fn a_program_takes_the_place_of_its_placeholder() {
        let ph = CrepeProgram::placeholder(0);
        let mut p = CrepeProgram::default();
        p.comment("inputs");
        p.relation(
            Some("input"),
            quote!(
                pub struct Inputs<'a>(pub &'a Env);
            ),
        );
        let text = file(
            "// header\n",
            quote!(
                mod stage_0 {
                    ::crepe::crepe! { #ph }
                }
            ),
            vec![p],
        );
        assert_eq!(
            text,
            "// header\nmod stage_0 {\n    ::crepe::crepe! {\n        // inputs\n        @input\n        pub struct Inputs<'a>(pub &'a Env);\n    }\n}\n"
        );
    }
}
