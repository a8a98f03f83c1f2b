//! This module defines source locations and diagnostics: every error sleuth
//! reports about a program, a data file or a command is a [`Diagnostic`] with a
//! stable kebab-case code, a primary [`Span`], optional secondary labels, notes
//! and help, rendered with the source line and a caret under the span.
//!
//! This module depends on nothing else in the crate.

use std::fmt;

mod code;

pub use code::Code;

/// Identifies one text registered in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// A byte range `start..end` in one source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The text the range is in.
    pub source: SourceId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` of `source`.
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same source).
    pub fn to(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One named text: a rule file, a data file, a line typed in the REPL.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path, `<repl:3>`, `<query>`).
    pub name: String,
    /// The full text.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map(|&e| e - 1)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\r')
    }
}

/// The byte order mark some editors write at the start of a UTF-8 file.
pub const BYTE_ORDER_MARK: char = '\u{feff}';

/// All texts sleuth has read, so spans can be turned into `file:line:col`.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Registers a text and returns its id. A leading byte order mark
    /// (U+FEFF, which some editors write at the start of UTF-8 files) is
    /// dropped: it is not part of the text, and columns count from after it.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        let mut text = text.into();
        if text.starts_with(BYTE_ORDER_MARK) {
            text.drain(..BYTE_ORDER_MARK.len_utf8());
        }
        self.files.push(SourceFile::new(name.into(), text));
        SourceId(self.files.len() as u32 - 1)
    }

    /// The file behind an id.
    pub fn file(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let text = &self.file(span.source).text;
        let end = (span.end as usize).min(text.len());
        let start = (span.start as usize).min(end);
        &text[start..end]
    }

    /// `file:line:col` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        let file = self.file(span.source);
        let (line, col) = file.line_col(span.start as usize);
        format!("{}:{}:{}", file.name, line, col)
    }

    /// Number of registered texts.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no text is registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Forgets every text registered after the first `len` (used to roll back
    /// a rejected REPL input so the session stays as it was).
    pub fn truncate(&mut self, len: usize) {
        self.files.truncate(len);
    }
}

/// A problem found in a program, a data file, a command, or at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The kind of failure: a stable kebab-case code, e.g. `arity-mismatch`.
    pub code: Code,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where; `None` for errors without a place in a text.
    pub span: Option<Span>,
    /// A label under the primary caret.
    pub label: Option<String>,
    /// Other places that explain the error (e.g. the conflicting declaration).
    pub secondary: Vec<(Span, String)>,
    /// Extra facts, rendered as `= note: ...`.
    pub notes: Vec<String>,
    /// What to do, rendered as `= help: ...`; when `None`, the code's
    /// default help is shown.
    pub help: Option<String>,
    /// The offending line of a text that is not a source (a line of an
    /// `.input` file), shown with carets when there is no span.
    pub excerpt: Option<Excerpt>,
}

/// A line of a data file and the characters an error points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The line's number in its file (1-based).
    pub line: usize,
    /// The line's text.
    pub text: String,
    /// The first character pointed at (1-based; one past the end points
    /// after the line).
    pub col: usize,
    /// How many characters are pointed at (at least one caret is shown).
    pub len: usize,
}

impl Diagnostic {
    /// A diagnostic with a code, a message and a primary span.
    pub fn new(code: Code, message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            excerpt: None,
        }
    }

    /// Shows line `line` of a data file, `text`, with carets under `len`
    /// characters from column `col` (when the diagnostic has no span).
    pub fn with_excerpt(mut self, line: usize, text: &str, col: usize, len: usize) -> Diagnostic {
        self.excerpt = Some(Excerpt {
            line,
            text: text.to_string(),
            col,
            len,
        });
        self
    }

    /// Adds a label shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary place.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic the way rustc does:
    ///
    /// ```text
    /// error[unknown-relation]: relation `edg` is not defined
    ///  --> tc.dl:3:19
    ///   |
    /// 3 | path(x, y) :- edg(x, y).
    ///   |               ^^^ did you mean `edge`?
    ///   = help: declare it with `.decl edg(...)` or fix the name
    /// ```
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = format!("error[{}]: {}\n", self.code, self.message);
        if let Some(span) = self.span {
            render_snippet(&mut out, sources, span, self.label.as_deref().unwrap_or(""));
        } else if let Some(e) = &self.excerpt {
            let label = self.label.as_deref().unwrap_or("");
            render_line(&mut out, None, (e.line, &e.text), e.col, e.len, label);
        } else if let Some(label) = &self.label {
            out.push_str(&format!("  = {label}\n"));
        }
        for (span, label) in &self.secondary {
            render_snippet(&mut out, sources, *span, label);
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        let help = self.help.as_deref().unwrap_or(self.code.default_help());
        out.push_str(&format!("  = help: {help}\n"));
        out
    }
}

/// The most characters of a source line a snippet shows; a longer line is
/// shown as a window around the span, cut ends marked with `…`.
const MAX_SHOWN: usize = 100;

/// How many characters before the span a window keeps, when it can.
const SHOWN_BEFORE: usize = 40;

fn render_snippet(out: &mut String, sources: &SourceMap, span: Span, label: &str) {
    let file = sources.file(span.source);
    let (line, col) = file.line_col(span.start as usize);
    let (end_line, end_col) = file.line_col(span.end as usize);
    let text = file.line_text(line);
    let carets = if end_line == line {
        end_col.saturating_sub(col)
    } else {
        (text.chars().count() + 1).saturating_sub(col)
    };
    let at = format!("{}:{}:{}", file.name, line, col);
    render_line(out, Some(&at), (line, text), col, carets, label);
}

/// Renders line `line`, `text`, with `carets` carets (at least one) from
/// column `col` and their label, after a `-->` line naming `location`
/// when given.
fn render_line(
    out: &mut String,
    location: Option<&str>,
    (line, text): (usize, &str),
    col: usize,
    carets: usize,
    label: &str,
) {
    let chars: Vec<char> = text.chars().collect();
    let width = line.to_string().len();
    let pad = " ".repeat(width);
    let first = col.max(1) - 1;
    let carets = carets.max(1);
    // The window of the line shown: all of it, or MAX_SHOWN characters
    // starting a little before the span.
    let (start, end) = if chars.len() <= MAX_SHOWN {
        (0, chars.len())
    } else {
        let start = first
            .saturating_sub(SHOWN_BEFORE)
            .min(chars.len() - MAX_SHOWN);
        (start, start + MAX_SHOWN)
    };
    let cut_before = if start > 0 { "…" } else { "" };
    let cut_after = if end < chars.len() { "…" } else { "" };
    let shown: String = chars[start..end].iter().collect();
    if let Some(location) = location {
        out.push_str(&format!("{pad}--> {location}\n"));
    }
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!("{line} | {cut_before}{shown}{cut_after}\n"));
    let lead: String = cut_before
        .chars()
        .chain(chars[start..first.clamp(start, end)].iter().copied())
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    // Carets stop at the window's end (one past it for a span at the end of
    // the line).
    let carets = carets.min(end.saturating_sub(first)).max(1);
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    };
    out.push_str(&format!("{pad} | {lead}{}{label}\n", "^".repeat(carets)));
}

/// Several diagnostics: a checker collects all of a program's errors before
/// it reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Renders each diagnostic, separated by blank lines.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.0
            .iter()
            .map(|d| d.render(sources))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The codes, in order (handy in tests).
    pub fn codes(&self) -> Vec<&'static str> {
        self.0.iter().map(|d| d.code.as_str()).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Suggests the known name closest to `name` (edit distance at most a third of
/// its length, at least 1), for did-you-mean hints.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let mut map = SourceMap::new();
        let id = map.add("t.dl", "a(X).\np(X) :- edg(X).\n");
        let d = Diagnostic::new(
            Code::UnknownRelation,
            "relation `edg` is not defined",
            Some(Span::new(id, 14, 17)),
        )
        .with_label("did you mean `edge`?");
        let text = d.render(&map);
        assert!(text.contains(" --> t.dl:2:9"), "{text}");
        assert!(text.contains("2 | p(X) :- edg(X)."), "{text}");
        assert!(text.contains("  |         ^^^ did you mean"), "{text}");
    }

    /// An error on a line of 1,870 characters printed the whole line; the
    /// snippet now shows a window around the span, its cut ends marked.
    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_span() {
        let line = format!("{}edg(X){}", "a(1). ".repeat(150), " b(2).".repeat(160));
        assert_eq!(line.chars().count(), 1_866);
        let mut map = SourceMap::new();
        let id = map.add("long.dl", format!("{line}\n"));
        let d = Diagnostic::new(
            Code::UnknownRelation,
            "no `edg`",
            Some(Span::new(id, 900, 903)),
        )
        .with_label("here");
        let text = d.render(&map);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], " --> long.dl:1:901");
        let shown = format!(
            "{}edg(X){}",
            &"a(1). ".repeat(7)[2..],
            &" b(2).".repeat(9)[..54]
        );
        assert_eq!(lines[3], format!("1 | …{shown}…"));
        assert_eq!(shown.chars().count(), MAX_SHOWN);
        assert_eq!(
            lines[4],
            format!("  | {}^^^ here", " ".repeat(1 + SHOWN_BEFORE))
        );
        assert_eq!(
            lines[3].chars().position(|c| c == 'e'),
            lines[4].chars().position(|c| c == '^')
        );
    }

    #[test]
    fn a_window_at_either_end_of_a_long_line_is_cut_on_one_side() {
        let line = "x".repeat(300);
        let mut map = SourceMap::new();
        let id = map.add("x", line.clone());
        let at_start = Diagnostic::new(Code::Syntax, "m", Some(Span::new(id, 0, 1))).render(&map);
        assert!(
            at_start.contains(&format!("1 | {}…\n  | ^\n", "x".repeat(MAX_SHOWN))),
            "{at_start}"
        );
        let at_end = Diagnostic::new(Code::Syntax, "m", Some(Span::new(id, 300, 300))).render(&map);
        assert!(
            at_end.contains(&format!(
                "1 | …{}\n  | {}^\n",
                "x".repeat(MAX_SHOWN),
                " ".repeat(MAX_SHOWN + 1)
            )),
            "{at_end}"
        );
        let whole = Diagnostic::new(Code::Syntax, "m", Some(Span::new(id, 10, 300))).render(&map);
        let ends = format!(
            "1 | {}…\n  | {}{}\n",
            "x".repeat(MAX_SHOWN),
            " ".repeat(10),
            "^".repeat(MAX_SHOWN - 10)
        );
        assert!(whole.contains(&ends), "{whole}");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let mut map = SourceMap::new();
        let id = map.add("bom.dl", "\u{feff}p(1).");
        assert_eq!(map.file(id).text, "p(1).");
    }

    #[test]
    fn a_diagnostic_without_help_shows_its_code_s_default_help() {
        let map = SourceMap::new();
        let text = Diagnostic::new(Code::TupleLimit, "too many", None).render(&map);
        assert!(
            text.ends_with(&format!("  = help: {}\n", Code::TupleLimit.default_help())),
            "{text}"
        );
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("edg", ["edge", "path"]), Some("edge"));
        assert_eq!(did_you_mean("zzz", ["edge", "path"]), None);
    }
}
