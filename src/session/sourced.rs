//! This module defines facts the analyst types under a source: `:source
//! my-notes B3` in the REPL (or `.pragma "source" "my-notes B3"` in a `.dl`
//! file) makes the facts that follow attested by that source at that grade,
//! so an analyst's notes are cited, graded and counted like a report's
//! facts instead of counting as certain. `:source none` (`.pragma "source"
//! "none"`) stops it. A saved session writes the pragmas back around its
//! facts, so `:load` restores their sources and grades.

// `Diagnostic` is the crate's error type (see `diag`), returned by value on
// the error path only.
#![allow(clippy::result_large_err)]

use crate::diag::{Code, Diagnostic, Span};
use crate::grade::Grade;
use crate::syntax::ast::{Item, Module};

use super::{Error, SessionItem, Workspace};

/// The pragma key that sets the source of the facts that follow.
pub const PRAGMA_KEY: &str = "source";

/// A source and grade that typed facts are attested by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSource {
    /// The source's id, cited by its facts (a loaded document's id makes
    /// them restate that document: same origin).
    pub id: String,
    /// The grade of every fact typed under it.
    pub grade: Grade,
}

impl std::fmt::Display for SessionSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.id, self.grade)
    }
}

impl SessionSource {
    /// Reads `ID GRADE`, or `none` (no source). Otherwise the code
    /// (`bad-grade` or `bad-source`) and a message saying what is wrong.
    pub fn parse(text: &str) -> Result<Option<SessionSource>, (Code, String)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["none"] => Ok(None),
            [id, grade] => {
                let valid_id = id
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_.:/".contains(c));
                if !valid_id {
                    return Err((
                        Code::BadSource,
                        format!("`{id}` is not a source id (letters, digits and - _ . : / only)"),
                    ));
                }
                let grade = Grade::parse(grade).map_err(|e| (Code::BadGrade, e.0))?;
                Ok(Some(SessionSource {
                    id: (*id).to_string(),
                    grade,
                }))
            }
            [] => Err((Code::BadSource, "no source given".to_string())),
            [_] => Err((Code::BadSource, format!("`{}` gives no grade", text.trim()))),
            _ => Err((
                Code::BadSource,
                format!("`{}` is more than a source id and a grade", text.trim()),
            )),
        }
    }

    /// The pragma that sets it (or stops, for `None`).
    pub fn pragma(source: Option<&SessionSource>) -> String {
        let value = source.map_or("none".to_string(), ToString::to_string);
        format!(".pragma \"{PRAGMA_KEY}\" \"{value}\"")
    }
}

/// The source of each fact of `module` (`None` for its other items),
/// starting from `start` and changed by its `.pragma "source"` directives.
pub(super) fn sources_of_items(
    module: &Module,
    start: Option<SessionSource>,
) -> Result<Vec<Option<SessionSource>>, Diagnostic> {
    let mut current = start;
    let mut pragmas = module
        .pragmas
        .iter()
        .filter(|p| p.key == PRAGMA_KEY)
        .peekable();
    let mut out = Vec::with_capacity(module.items.len());
    for i in 0..module.items.len() {
        while let Some(p) = pragmas.next_if(|p| p.before <= i) {
            current = SessionSource::parse(&p.value).map_err(|e| bad_source(e, Some(p.span)))?;
        }
        // Only facts are attested; rules and declarations carry no source.
        let is_fact = matches!(&module.items[i], Item::Clause(c) if c.body.is_none());
        out.push(if is_fact { current.clone() } else { None });
    }
    // A pragma after the last item sets nothing, but is still checked.
    for p in pragmas {
        SessionSource::parse(&p.value).map_err(|e| bad_source(e, Some(p.span)))?;
    }
    Ok(out)
}

/// A `bad-source` or `bad-grade` error.
pub(super) fn bad_source((code, message): (Code, String), span: Option<Span>) -> Diagnostic {
    Diagnostic::new(code, message, span).with_help(
        "write a source id and an Admiralty grade (`my-notes B3`: reliability A-F, credibility 1-6), or `none` to stop",
    )
}

impl Workspace {
    /// The source typed facts are attested by from now on (`:source`).
    pub fn typed_source(&self) -> Option<&SessionSource> {
        self.typed_source.as_ref()
    }

    /// Sets the source of the facts typed from now on from `text` (`ID
    /// GRADE` or `none`), returning it. A bad text is an error and changes
    /// nothing.
    pub fn set_typed_source(&mut self, text: &str) -> Result<Option<SessionSource>, Error> {
        let source = SessionSource::parse(text)
            .map_err(|e| Error::new(bad_source(e, None), &self.sources))?;
        self.typed_source = source.clone();
        Ok(source)
    }

    /// Each fact written under a source (in a rule file's `.pragma
    /// "source"`, or typed in the session under `:source`): the span of its
    /// clause and the source.
    pub(crate) fn typed_spans(&self) -> Vec<(Span, SessionSource)> {
        let mut out = self.library_typed_spans();
        out.extend(typed_spans(&self.session));
        out
    }

    /// [`Workspace::typed_spans`] of the rule files (checked when they
    /// were loaded, see [`check_pragmas`]).
    pub(super) fn library_typed_spans(&self) -> Vec<(Span, SessionSource)> {
        let mut out = Vec::new();
        for c in &self.library {
            let Ok(sources) = sources_of_items(&c.module, None) else {
                continue;
            };
            for (item, source) in c.module.items.iter().zip(sources) {
                if let (Item::Clause(clause), Some(source)) = (item, source)
                    && clause.body.is_none()
                {
                    out.push((clause.span, source));
                }
            }
        }
        out
    }
}

/// Checks the `.pragma "source"` directives of a rule file.
pub(super) fn check_pragmas(module: &Module) -> Result<(), Diagnostic> {
    sources_of_items(module, None).map(|_| ())
}

/// See [`Workspace::typed_spans`].
pub(super) fn typed_spans(session: &[SessionItem]) -> Vec<(Span, SessionSource)> {
    session
        .iter()
        .filter_map(|s| match (&s.item, &s.source) {
            (Item::Clause(c), Some(source)) if c.body.is_none() => Some((c.span, source.clone())),
            _ => None,
        })
        .collect()
}

/// The source of a program fact written at `span`, when it was typed under one.
pub(crate) fn source_at(typed: &[(Span, SessionSource)], span: Span) -> Option<&SessionSource> {
    typed
        .iter()
        .find(|(s, _)| s.source == span.source && s.start <= span.start && span.end <= s.end)
        .map(|(_, source)| source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_source_and_grade_or_none() {
        let s = SessionSource::parse("my-notes B3").expect("valid");
        assert_eq!(
            s.as_ref().map(ToString::to_string).as_deref(),
            Some("my-notes B3")
        );
        assert_eq!(SessionSource::parse(" none ").expect("valid"), None);
        assert!(SessionSource::parse("my-notes").is_err());
        assert!(SessionSource::parse("my-notes Z9").is_err());
        assert!(SessionSource::parse("my notes B3").is_err());
        assert!(SessionSource::parse("").is_err());
        assert!(SessionSource::parse("a\"b B3").is_err());
    }

    #[test]
    fn pragma_round_trips() {
        let s = SessionSource::parse("my-notes B3").expect("valid");
        assert_eq!(
            SessionSource::pragma(s.as_ref()),
            ".pragma \"source\" \"my-notes B3\""
        );
        assert_eq!(SessionSource::pragma(None), ".pragma \"source\" \"none\"");
    }
}
