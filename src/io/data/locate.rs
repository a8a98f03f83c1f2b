//! This module defines JSON paths (`operations[2].cells[0].place`) and finds
//! the text a path points at, so that errors found after parsing (a dangling
//! reference, a duplicate id) point at the offending value with line, column
//! and caret. serde_json keeps no positions once a document is parsed; this
//! small scanner recovers them from the text.

use std::fmt;

/// One step of a path: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// `.key`
    Key(String),
    /// `[index]`
    Index(usize),
}

/// A path from the document's root to a value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct JsonPath(pub Vec<Seg>);

impl JsonPath {
    /// The path one key deeper.
    pub fn key(&self, key: &str) -> JsonPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        JsonPath(segs)
    }

    /// The path one index deeper.
    pub fn index(&self, index: usize) -> JsonPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        JsonPath(segs)
    }

    /// Converts the path serde_path_to_error tracked.
    pub fn from_serde(path: &serde_path_to_error::Path) -> JsonPath {
        use serde_path_to_error::Segment;
        JsonPath(
            path.iter()
                .filter_map(|seg| match seg {
                    Segment::Seq { index } => Some(Seg::Index(*index)),
                    Segment::Map { key } => Some(Seg::Key(key.clone())),
                    Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
                    Segment::Unknown => None,
                })
                .collect(),
        )
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(the document)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Where a path points: the byte range of the value and, when the last step
/// is a key, of that key (with its quotes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub key: Option<(usize, usize)>,
    pub value: (usize, usize),
}

/// Finds the value at `path` in a JSON text. `None` when the text does not
/// have that path (or is not well-formed there).
pub(crate) fn locate(text: &str, path: &JsonPath) -> Option<Located> {
    let mut scan = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scan.skip_ws();
    let mut key = None;
    for seg in &path.0 {
        match seg {
            Seg::Key(wanted) => key = Some(scan.find_member(wanted, text, 0)?),
            Seg::Index(n) => {
                scan.find_element(*n)?;
                key = None;
            }
        }
    }
    let start = scan.pos;
    scan.skip_value()?;
    Some(Located {
        key,
        value: (start, scan.pos),
    })
}

/// Where each element of the array at `path` starts, found in one pass
/// (locating them one by one would scan the text once per element).
pub(crate) fn element_starts(text: &str, path: &JsonPath) -> Vec<usize> {
    let mut out = Vec::new();
    let Some(array) = locate(text, path) else {
        return out;
    };
    let mut scan = Scanner {
        bytes: text.as_bytes(),
        pos: array.value.0,
    };
    if scan.eat(b'[').is_none() {
        return out;
    }
    loop {
        scan.skip_ws();
        match scan.peek() {
            Some(b']') | None => return out,
            Some(_) => {}
        }
        out.push(scan.pos);
        if scan.skip_value().is_none() || scan.eat(b',').is_none() {
            return out;
        }
    }
}

/// The range of the second key `wanted` (with its quotes) of the object at
/// `path`: where a field written twice is written again.
pub(crate) fn locate_repeated_key(
    text: &str,
    path: &JsonPath,
    wanted: &str,
) -> Option<(usize, usize)> {
    let object = locate(text, path)?;
    let mut scan = Scanner {
        bytes: text.as_bytes(),
        pos: object.value.0,
    };
    scan.find_member(wanted, text, 1)
}

/// Byte offset of a 1-based line and column as serde_json counts them
/// (columns in bytes), clamped to the text.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut offset = (start + column.saturating_sub(1)).min(line_end);
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Skips a string starting at the current quote; returns its range.
    fn skip_string(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        (self.peek()? == b'"').then_some(())?;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some((start, self.pos));
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
    }

    /// Skips one value starting at the current position (after whitespace).
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.skip_string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// Moves to the value of member `wanted` of the object here, skipping
    /// `skip` earlier members of that name; returns the key's range.
    fn find_member(&mut self, wanted: &str, text: &str, mut skip: usize) -> Option<(usize, usize)> {
        self.eat(b'{')?;
        loop {
            self.skip_ws();
            let (ks, ke) = self.skip_string()?;
            let raw = &text[ks..ke];
            let name: String = serde_json::from_str(raw).ok()?;
            self.eat(b':')?;
            self.skip_ws();
            if name == wanted {
                if skip == 0 {
                    return Some((ks, ke));
                }
                skip -= 1;
            }
            self.skip_value()?;
            self.eat(b',')?;
        }
    }

    /// Moves to element `n` of the array here.
    fn find_element(&mut self, n: usize) -> Option<()> {
        self.eat(b'[')?;
        for _ in 0..n {
            self.skip_value()?;
            self.eat(b',')?;
        }
        self.skip_ws();
        (self.peek()? != b']').then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "a": [1, {"b": "x\"y", "c": {"d": [true, "é"]}}],
  "e": "last"
}"#;

    fn at(path: JsonPath) -> Option<&'static str> {
        locate(DOC, &path).map(|l| &DOC[l.value.0..l.value.1])
    }

    #[test]
    fn finds_every_element_in_one_pass() {
        let starts = element_starts(DOC, &JsonPath::default().key("a"));
        let at: Vec<&str> = starts.iter().map(|&s| &DOC[s..s + 1]).collect();
        assert_eq!(at, ["1", "{"]);
    }

    #[test]
    fn finds_values_by_path() {
        let root = JsonPath::default();
        assert_eq!(at(root.key("e")), Some("\"last\""));
        assert_eq!(at(root.key("a").index(0)), Some("1"));
        assert_eq!(at(root.key("a").index(1).key("b")), Some("\"x\\\"y\""));
        assert_eq!(
            at(root.key("a").index(1).key("c").key("d").index(1)),
            Some("\"é\"")
        );
        assert_eq!(at(root.key("a").index(2)), None);
        assert_eq!(at(root.key("zz")), None);
        let l = locate(DOC, &root.key("e")).expect("found");
        assert_eq!(l.key.map(|(s, e)| &DOC[s..e]), Some("\"e\""));
    }

    #[test]
    fn finds_the_second_of_a_repeated_key() {
        let text = r#"{"s": {"id": 1, "idx": 2, "id": 3}, "id": 4}"#;
        let root = JsonPath::default();
        let at = |path: &JsonPath, key| locate_repeated_key(text, path, key).map(|(s, _)| s);
        assert_eq!(at(&root.key("s"), "id"), Some(26));
        assert_eq!(at(&root.key("s"), "idx"), None);
        assert_eq!(at(&root, "id"), None);
    }

    #[test]
    fn prints_paths_like_serde_path_to_error() {
        let p = JsonPath::default()
            .key("operations")
            .index(2)
            .key("cells")
            .index(0)
            .key("place");
        assert_eq!(p.to_string(), "operations[2].cells[0].place");
    }

    #[test]
    fn never_panics_on_broken_text() {
        let p = JsonPath::default().key("a").index(3).key("b");
        for text in [
            "",
            "{",
            "{\"a\": [",
            "{\"a\": [1, 2",
            "[\"",
            "{\"a\"",
            "\"\\",
        ] {
            assert_eq!(locate(text, &p), None, "{text}");
        }
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
        assert_eq!(offset_of("ab\ncd", 9, 9), 5);
        assert_eq!(offset_of("é", 1, 2), 0);
    }
}
