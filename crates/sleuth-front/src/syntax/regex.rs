//! This module defines the regular expressions of `match(pattern, s)`:
//! Soufflé matches with C++'s `std::regex_match` in ECMAScript syntax, so the
//! whole string must match. sleuth reads the same syntax (alternation,
//! groups, `(?:...)`, `* + ? {n} {n,} {n,m}` and their lazy forms, `.`,
//! classes with ranges and negation, `\d \w \s \D \W \S \b \B`, `^ $`, the
//! character escapes) and runs it as a Pike VM over the compiled program, so
//! matching takes time linear in the text for any pattern. Backreferences
//! and lookahead are reported as unsupported rather than misread.

use crate::diag::Code;
use std::fmt;

use crate::diag::{Diagnostic, Span};

/// The most instructions a compiled pattern may have (counted repetitions
/// are expanded).
const MAX_PROGRAM: usize = 20_000;

/// Why a pattern does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexError {
    /// What is wrong, naming the offending part.
    pub message: String,
    /// Whether the pattern is valid ECMAScript that sleuth does not run
    /// (backreferences, lookahead) rather than malformed.
    pub unsupported: bool,
}

impl RegexError {
    /// The error as a diagnostic at the pattern: `bad-regex`, or
    /// `unsupported` for valid patterns sleuth does not run.
    pub fn diagnostic(&self, span: Span) -> Diagnostic {
        let (code, help) = if self.unsupported {
            (
                Code::Unsupported,
                "rewrite the pattern without backreferences or lookahead",
            )
        } else {
            (
                Code::BadRegex,
                "write an ECMAScript regular expression; put `\\` before `( ) [ ] { } * + ? . | ^ $` to match them literally",
            )
        };
        Diagnostic::new(code, format!("bad pattern for `match`: {self}"), Some(span))
            .with_help(help)
    }
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Regex {
    program: Vec<Inst>,
}

#[derive(Clone, Debug, PartialEq)]
enum Inst {
    Char(char),
    Any,
    Class(Class),
    Assert(Assertion),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Assertion {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shorthand {
    Digit,
    Word,
    Space,
}

#[derive(Clone, Debug, PartialEq)]
enum ClassItem {
    Range(char, char),
    Shorthand(Shorthand, bool),
}

#[derive(Clone, Debug, PartialEq)]
struct Class {
    negated: bool,
    items: Vec<ClassItem>,
}

impl Shorthand {
    fn matches(self, c: char) -> bool {
        match self {
            Shorthand::Digit => c.is_ascii_digit(),
            Shorthand::Word => c.is_ascii_alphanumeric() || c == '_',
            Shorthand::Space => matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C'),
        }
    }
}

impl Class {
    fn matches(&self, c: char) -> bool {
        let inside = self.items.iter().any(|item| match *item {
            ClassItem::Range(lo, hi) => lo <= c && c <= hi,
            ClassItem::Shorthand(s, negated) => s.matches(c) != negated,
        });
        inside != self.negated
    }
}

/// The pattern as a tree.
#[derive(Clone, Debug)]
enum Node {
    Empty,
    Char(char),
    Any,
    Class(Class),
    Assert(Assertion),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Regex {
    /// Compiles a pattern.
    pub fn new(pattern: &str) -> Result<Regex, RegexError> {
        let mut p = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            depth: 0,
        };
        let node = p.alternation()?;
        if p.pos < p.chars.len() {
            return Err(p.error("unmatched `)`"));
        }
        let mut program = Vec::new();
        compile(&node, &mut program)?;
        program.push(Inst::Match);
        Ok(Regex { program })
    }

    /// Whether the whole of `text` matches.
    pub fn full_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let n = self.program.len();
        let mut current = Threads::new(n);
        let mut next = Threads::new(n);
        let mut stack = Vec::new();
        self.add(&mut current, 0, &chars, 0, &mut stack);
        for i in 0..=chars.len() {
            if current.list.is_empty() {
                return false;
            }
            next.clear();
            for k in 0..current.list.len() {
                let pc = current.list[k];
                let step = match &self.program[pc] {
                    Inst::Match if i == chars.len() => return true,
                    _ if i == chars.len() => false,
                    Inst::Char(c) => chars[i] == *c,
                    Inst::Any => !matches!(chars[i], '\n' | '\r' | '\u{2028}' | '\u{2029}'),
                    Inst::Class(class) => class.matches(chars[i]),
                    _ => false,
                };
                if step {
                    self.add(&mut next, pc + 1, &chars, i + 1, &mut stack);
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        false
    }

    /// Adds `pc` and every instruction reachable from it without reading a
    /// character at position `i`.
    fn add(
        &self,
        threads: &mut Threads,
        pc: usize,
        chars: &[char],
        i: usize,
        stack: &mut Vec<usize>,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if !threads.insert(pc) {
                continue;
            }
            match &self.program[pc] {
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Assert(a) => {
                    if holds(*a, chars, i) {
                        stack.push(pc + 1);
                    }
                }
                _ => threads.list.push(pc),
            }
        }
    }
}

fn holds(a: Assertion, chars: &[char], i: usize) -> bool {
    let word = |k: usize| chars.get(k).is_some_and(|&c| Shorthand::Word.matches(c));
    let boundary = (i > 0 && word(i - 1)) != word(i);
    match a {
        Assertion::Start => i == 0,
        Assertion::End => i == chars.len(),
        Assertion::WordBoundary => boundary,
        Assertion::NotWordBoundary => !boundary,
    }
}

/// A set of program counters: a list of runnable ones and a mark per
/// instruction.
struct Threads {
    list: Vec<usize>,
    seen: Vec<bool>,
    marked: Vec<usize>,
}

impl Threads {
    fn new(n: usize) -> Threads {
        Threads {
            list: Vec::new(),
            seen: vec![false; n],
            marked: Vec::new(),
        }
    }

    fn insert(&mut self, pc: usize) -> bool {
        if self.seen[pc] {
            return false;
        }
        self.seen[pc] = true;
        self.marked.push(pc);
        true
    }

    fn clear(&mut self) {
        for &pc in &self.marked {
            self.seen[pc] = false;
        }
        self.marked.clear();
        self.list.clear();
    }
}

fn too_large() -> RegexError {
    RegexError {
        message: format!("the pattern expands to more than {MAX_PROGRAM} instructions"),
        unsupported: false,
    }
}

fn compile(node: &Node, out: &mut Vec<Inst>) -> Result<(), RegexError> {
    if out.len() > MAX_PROGRAM {
        return Err(too_large());
    }
    match node {
        Node::Empty => {}
        Node::Char(c) => out.push(Inst::Char(*c)),
        Node::Any => out.push(Inst::Any),
        Node::Class(c) => out.push(Inst::Class(c.clone())),
        Node::Assert(a) => out.push(Inst::Assert(*a)),
        Node::Concat(nodes) => {
            for n in nodes {
                compile(n, out)?;
            }
        }
        Node::Alt(nodes) => {
            let mut jumps = Vec::new();
            for (k, n) in nodes.iter().enumerate() {
                if k + 1 < nodes.len() {
                    let split = out.len();
                    out.push(Inst::Split(split + 1, 0));
                    compile(n, out)?;
                    jumps.push(out.len());
                    out.push(Inst::Jmp(0));
                    let after = out.len();
                    out[split] = Inst::Split(split + 1, after);
                } else {
                    compile(n, out)?;
                }
            }
            let end = out.len();
            for j in jumps {
                out[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                compile(node, out)?;
            }
            match max {
                None => {
                    let split = out.len();
                    out.push(Inst::Split(split + 1, 0));
                    compile(node, out)?;
                    out.push(Inst::Jmp(split));
                    let end = out.len();
                    out[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(out.len());
                        out.push(Inst::Split(out.len() + 1, 0));
                        compile(node, out)?;
                    }
                    let end = out.len();
                    for s in splits {
                        out[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    if out.len() > MAX_PROGRAM {
        return Err(too_large());
    }
    Ok(())
}

/// How deeply groups may nest.
const MAX_DEPTH: usize = 100;

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn error(&self, what: &str) -> RegexError {
        RegexError {
            message: format!("{what} at position {} of the pattern", self.pos + 1),
            unsupported: false,
        }
    }

    fn unsupported(&self, what: &str) -> RegexError {
        RegexError {
            message: format!(
                "{what} (at position {} of the pattern) are not supported",
                self.pos + 1
            ),
            unsupported: true,
        }
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut alternatives = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alternatives.push(self.concat()?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.pop().expect("one alternative")
        } else {
            Node::Alt(alternatives)
        })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().expect("one item"),
            _ => Node::Concat(items),
        })
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, RegexError> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.counted()? {
                Some(bounds) => bounds,
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        // Past the quantifier (`counted` leaves the cursor on its `}`).
        self.pos += 1;
        if matches!(atom, Node::Assert(_) | Node::Empty) {
            return Err(self.error("nothing to repeat"));
        }
        // A lazy quantifier matches the same strings as a greedy one.
        if self.peek() == Some('?') {
            self.pos += 1;
        }
        if matches!(self.peek(), Some('*' | '+' | '?')) {
            return Err(self.error("a quantifier follows a quantifier"));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor, leaving the cursor on the
    /// closing `}`; `None` (cursor unmoved) when `{` starts no such form.
    fn counted(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let start = self.pos;
        self.pos += 1;
        let number = |p: &mut Parser| -> Option<u32> {
            let from = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            let digits: String = p.chars[from..p.pos].iter().collect();
            digits.parse().ok()
        };
        let Some(min) = number(self) else {
            self.pos = start;
            return Ok(None);
        };
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            if self.peek() == Some('}') {
                None
            } else {
                match number(self) {
                    Some(m) => Some(m),
                    None => {
                        self.pos = start;
                        return Ok(None);
                    }
                }
            }
        } else {
            Some(min)
        };
        if self.peek() != Some('}') {
            self.pos = start;
            return Ok(None);
        }
        if max.is_some_and(|m| m < min) {
            return Err(self.error("a repetition's maximum is below its minimum"));
        }
        if min.max(max.unwrap_or(0)) > 1000 {
            return Err(self.error("a repetition count above 1000"));
        }
        Ok(Some((min, max)))
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let c = self.peek().expect("called with input left");
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Assert(Assertion::Start),
            '$' => Node::Assert(Assertion::End),
            '(' => self.group()?,
            '[' => Node::Class(self.class()?),
            '\\' => self.escape(false)?,
            '*' | '+' | '?' => {
                self.pos -= 1;
                return Err(self.error("nothing to repeat"));
            }
            c => Node::Char(c),
        })
    }

    fn group(&mut self) -> Result<Node, RegexError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("groups nest too deeply"));
        }
        if self.peek() == Some('?') {
            match self.chars.get(self.pos + 1) {
                Some(':') => self.pos += 2,
                _ => return Err(self.unsupported("lookahead and other `(?` groups")),
            }
        }
        let inner = self.alternation()?;
        if self.peek() != Some(')') {
            return Err(self.error("unclosed `(`"));
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(inner)
    }

    /// `\X` outside (`in_class` false) or inside a class.
    fn escape(&mut self, in_class: bool) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.error("a pattern cannot end with `\\`"));
        };
        self.pos += 1;
        let shorthand = |s: Shorthand, negated: bool| {
            Node::Class(Class {
                negated: false,
                items: vec![ClassItem::Shorthand(s, negated)],
            })
        };
        Ok(match c {
            'd' => shorthand(Shorthand::Digit, false),
            'D' => shorthand(Shorthand::Digit, true),
            'w' => shorthand(Shorthand::Word, false),
            'W' => shorthand(Shorthand::Word, true),
            's' => shorthand(Shorthand::Space, false),
            'S' => shorthand(Shorthand::Space, true),
            'b' if in_class => Node::Char('\x08'),
            'b' => Node::Assert(Assertion::WordBoundary),
            'B' => Node::Assert(Assertion::NotWordBoundary),
            't' => Node::Char('\t'),
            'n' => Node::Char('\n'),
            'r' => Node::Char('\r'),
            'f' => Node::Char('\x0C'),
            'v' => Node::Char('\x0B'),
            '0' => Node::Char('\0'),
            '1'..='9' => {
                self.pos -= 1;
                return Err(self.unsupported("backreferences"));
            }
            'x' => Node::Char(self.hex(2)?),
            'u' => Node::Char(self.hex(4)?),
            'c' => {
                self.pos -= 1;
                return Err(self.unsupported("control escapes `\\c`"));
            }
            c => Node::Char(c),
        })
    }

    fn hex(&mut self, n: usize) -> Result<char, RegexError> {
        let digits: String = self.chars.iter().skip(self.pos).take(n).collect();
        if digits.len() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(self.error("a malformed hexadecimal escape"));
        }
        self.pos += n;
        let code = u32::from_str_radix(&digits, 16).expect("hex digits");
        char::from_u32(code).ok_or_else(|| self.error("an escape that is not a character"))
    }

    /// A class after its `[`, up to and including its `]`.
    fn class(&mut self) -> Result<Class, RegexError> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unclosed `[`"));
            };
            self.pos += 1;
            if c == ']' {
                return Ok(Class { negated, items });
            }
            let lo = match self.class_char(c)? {
                Ok(ch) => ch,
                Err(item) => {
                    items.push(item);
                    continue;
                }
            };
            let range =
                self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']');
            if !range {
                items.push(ClassItem::Range(lo, lo));
                continue;
            }
            self.pos += 1;
            let next = self.peek().expect("checked above");
            self.pos += 1;
            let hi = match self.class_char(next)? {
                Ok(ch) => ch,
                Err(_) => return Err(self.error("a class range ending in a shorthand")),
            };
            if hi < lo {
                return Err(self.error("a class range out of order"));
            }
            items.push(ClassItem::Range(lo, hi));
        }
    }

    /// One character of a class (`Ok`), or a shorthand such as `\d` (`Err`).
    fn class_char(&mut self, c: char) -> Result<Result<char, ClassItem>, RegexError> {
        if c != '\\' {
            return Ok(Ok(c));
        }
        Ok(match self.escape(true)? {
            Node::Char(ch) => Ok(ch),
            Node::Class(mut class) => Err(class.items.pop().expect("a shorthand")),
            _ => return Err(self.error("an assertion inside a class")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Regex::new(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .full_match(text)
    }

    #[test]
    fn whole_string_must_match() {
        assert!(matches("a.*", "abc"));
        assert!(!matches("b", "abc"));
        assert!(matches(".*b.*", "abc"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
        assert!(matches("^abc$", "abc"));
    }

    #[test]
    fn operators() {
        assert!(matches("(ab|cd)+", "abcdab"));
        assert!(!matches("(ab|cd)+", ""));
        assert!(matches("colou?r", "color") && matches("colou?r", "colour"));
        assert!(matches("a{2,3}", "aaa") && !matches("a{2,3}", "aaaa") && !matches("a{2,3}", "a"));
        assert!(matches("a{2}", "aa") && matches("a{2,}", "aaaaa"));
        assert!(
            matches("x{a", "x{a"),
            "a brace that starts no repetition is a character"
        );
        assert!(matches("(?:a|b)*?c", "ababc"));
        assert!(matches("[a-c]+[^0-9]", "abcx") && !matches("[a-c]+[^0-9]", "abc1"));
        assert!(matches(r"\d+\.\d*", "3.14") && !matches(r"\d+\.\d*", "3x14"));
        assert!(matches(r"\w+\s\W", "ab_1 !"));
        assert!(matches(r"[\d-]+", "12-3") && matches("[a-]", "-"));
        assert!(matches(r"\bab\b.*", "ab cd") && !matches(r"a\Bb", "a b"));
        assert!(matches(".", "é") && !matches(".", "\n"));
        assert!(!matches("[]a]", "a"), "`[]` matches nothing");
        assert!(matches("[^]", "x"), "`[^]` matches anything");
    }

    #[test]
    fn pathological_patterns_stay_linear() {
        let text = "a".repeat(5000);
        assert!(!matches("(a*)*b", &text));
        assert!(matches("(a|aa)*", &text));
    }

    #[test]
    fn errors_say_what_and_where() {
        let e = Regex::new("(ab").expect_err("unclosed");
        assert!(e.message.contains("unclosed `(`") && !e.unsupported);
        assert!(
            Regex::new("*a")
                .expect_err("nothing")
                .message
                .contains("nothing to repeat")
        );
        assert!(Regex::new("a)").is_err());
        assert!(Regex::new("[z-a]").is_err());
        assert!(Regex::new(r"(a)\1").expect_err("backref").unsupported);
        assert!(Regex::new("(?=a)").expect_err("lookahead").unsupported);
        assert!(Regex::new("a{5000}").is_err());
        assert!(Regex::new(&"(".repeat(500)).is_err());
    }
}
