//! This module defines where one REPL input ends, for the line editor's
//! validator and for piped input alike:
//!
//! - a command (`:name ...`) is one line;
//! - a fact, a rule or a query runs to its terminating `.`, over as many
//!   lines as it takes; a `.` inside a string, a comment or a number such as
//!   `1.5` does not end it (the text is read with the real lexer);
//! - a directive (`.decl ...`) ends with its line once its parentheses are
//!   closed;
//! - an unclosed `/* comment` keeps the input open.

use crate::diag::SourceId;
use crate::syntax::lexer;
use crate::syntax::token::Tok;

/// One complete input and the line it starts on (1-based) in the text it
/// was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The text, lines joined with `\n`.
    pub text: String,
    /// The number of its first line.
    pub line: usize,
}

/// Whether `text` is a complete input: `false` while a clause waits for its
/// `.` (the line editor then reads another line).
pub fn is_complete(text: &str) -> bool {
    let trimmed = text.trim_start();
    if trimmed.is_empty() || is_command(trimmed) {
        return true;
    }
    let (tokens, errors) = lexer::lex(SourceId(0), text);
    let opens = |what: &str| {
        errors.iter().any(|d| {
            d.span
                .is_some_and(|s| text[s.start as usize..s.end as usize].starts_with(what))
        })
    };
    if opens("/*") {
        // A block comment not closed yet: more lines may close it.
        return false;
    }
    if opens("\"") {
        // Strings end on their line: show the error now.
        return true;
    }
    let line_of = |offset: u32| text[..offset as usize].matches('\n').count();
    #[derive(PartialEq)]
    enum State {
        Idle,
        Clause,
        Directive { depth: i32, line: usize },
    }
    let mut state = State::Idle;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if token.tok == Tok::Eof {
            break;
        }
        match &mut state {
            State::Idle => {
                let directive = token.tok == Tok::Dot
                    && tokens.get(i + 1).is_some_and(|next| {
                        matches!(next.tok, Tok::Ident(_)) && next.span.start == token.span.end
                    });
                if directive {
                    state = State::Directive {
                        depth: 0,
                        line: line_of(token.span.end),
                    };
                } else if token.tok != Tok::Dot {
                    state = State::Clause;
                }
            }
            State::Clause => {
                if token.tok == Tok::Dot {
                    state = State::Idle;
                }
            }
            State::Directive { depth, line } => {
                if *depth <= 0 && line_of(token.span.start) > *line {
                    // The directive ended with its line; read this token anew.
                    state = State::Idle;
                    continue;
                }
                match token.tok {
                    Tok::LParen => *depth += 1,
                    Tok::RParen => *depth -= 1,
                    _ => {}
                }
                *line = line_of(token.span.end);
            }
        }
        i += 1;
    }
    match state {
        State::Idle => true,
        State::Clause => false,
        State::Directive { depth, .. } => depth <= 0,
    }
}

/// Whether a (left-trimmed) text is a `:command` line rather than Datalog
/// (`:-` starts a rule body, not a command).
pub fn is_command(trimmed: &str) -> bool {
    trimmed.starts_with(':') && !trimmed.starts_with(":-")
}

/// Gathers lines into complete inputs, for reading a script line by line.
#[derive(Clone, Debug, Default)]
pub struct InputBuffer {
    text: String,
    start: usize,
    lines: usize,
}

impl InputBuffer {
    /// An empty buffer before line 1.
    pub fn new() -> InputBuffer {
        InputBuffer::default()
    }

    /// Adds the next line (without its line break); returns an input when
    /// this line completes one. Blank lines and lines holding only comments
    /// between inputs give nothing.
    pub fn push_line(&mut self, line: &str) -> Option<Input> {
        self.lines += 1;
        if self.text.is_empty() {
            if line.trim().is_empty() {
                return None;
            }
            self.start = self.lines;
            if is_command(line.trim_start()) {
                return Some(Input {
                    text: line.to_string(),
                    line: self.lines,
                });
            }
        }
        self.text.push_str(line);
        self.text.push('\n');
        if is_complete(&self.text) {
            self.take()
        } else {
            None
        }
    }

    /// The text left at the end of the input, if any (an unfinished clause:
    /// running it reports what is missing).
    pub fn finish(&mut self) -> Option<Input> {
        self.take()
    }

    fn take(&mut self) -> Option<Input> {
        let text = std::mem::take(&mut self.text);
        let (tokens, _) = lexer::lex(SourceId(0), &text);
        let only_comments = tokens.iter().all(|t| t.tok == Tok::Eof);
        (!only_comments).then(|| Input {
            text: text.trim_end_matches('\n').to_string(),
            line: self.start,
        })
    }
}

/// Splits a whole script into its inputs (see [`InputBuffer`]).
pub fn split_inputs(text: &str) -> Vec<Input> {
    let mut buffer = InputBuffer::new();
    let mut inputs: Vec<Input> = text.lines().filter_map(|l| buffer.push_line(l)).collect();
    inputs.extend(buffer.finish());
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_table() {
        let cases = [
            ("", true),
            ("   ", true),
            (":help", true),
            (":load a b.dl", true),
            ("?- recurring_hotspot(P).", true),
            ("?- recurring_hotspot(P)", false),
            ("hot(P) :-\n  recurring_hotspot(P)", false),
            ("hot(P) :-\n  recurring_hotspot(P).", true),
            ("p(\"a.b\")", false),
            ("p(\"a.b\").", true),
            ("p(X) :- q(X), X < 1.5", false),
            ("p(X) :- q(X), X < 1.5.", true),
            ("p(1).", true),
            ("p(1). // done.", true),
            ("p(1) // not yet.", false),
            ("p(1) /* not. yet */", false),
            ("p(1). /* open", false),
            ("p(1). /* open\n closed */", true),
            (".decl hot(p: symbol)", true),
            (".decl hot(p: symbol,", false),
            (".decl hot(p: symbol,\n  q: number)", true),
            (".decl a(x: number)\nhot(P) :- a(P)", false),
            (".decl a(x: number)\nhot(P) :- a(P).", true),
            ("p(\"unterminated", true),
            ("p(1). q(2", false),
            (":- oops", false),
        ];
        for (text, complete) in cases {
            assert_eq!(is_complete(text), complete, "{text:?}");
        }
    }

    #[test]
    fn splits_scripts_into_inputs_with_their_lines() {
        let script = "// a session\n\n?- p(X).\n:relations\nhot(P) :-\n  q(P),\n  X = 1.5.\n\n.decl a(x: number)\n/* c\n */\np(1). q(\n";
        let inputs = split_inputs(script);
        let got: Vec<(&str, usize)> = inputs.iter().map(|i| (i.text.as_str(), i.line)).collect();
        assert_eq!(
            got,
            vec![
                ("?- p(X).", 3),
                (":relations", 4),
                ("hot(P) :-\n  q(P),\n  X = 1.5.", 5),
                (".decl a(x: number)", 9),
                ("p(1). q(", 12),
            ]
        );
    }
}
