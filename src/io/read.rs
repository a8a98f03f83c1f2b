//! This module defines reading `.input` TSV fact files into a database, as a
//! two-stage pipeline over two threads:
//!
//! ```text
//!  reader thread:  read file ─▶ check UTF-8 ─▶ split lines and fields ─▶ parse numbers,
//!                  floats, dates ─▶ hash symbols ──▶ batches of 4096 rows ──┐
//!  calling thread: intern the batch's symbols ◀─────────────────────────────┘
//!                  ─▶ fill in their ids ─▶ insert the rows into the relation
//! ```
//!
//! The two stages cost about the same, so loading takes about half the time
//! of doing both on one thread. Batches arrive in file order, so the result
//! (and the first error reported, with its file, line and column) is what a
//! sequential read would give. No `String` is built per field: symbols are
//! slices of the file's text until they are interned.

// Diagnostic is the crate's error type by contract; errors here are cold.
#![allow(clippy::result_large_err)]

use crate::diag::{BYTE_ORDER_MARK, Code, Diagnostic};
use crate::eval::Database;
use crate::eval::intern::symbol_hash;
use crate::ir::{self, RelId};
use crate::progress::{Loading, Progress, Reporter};
use crate::value::{Date, Type};
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::{Duration, Instant};

/// What [`read_inputs`] read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadStats {
    /// Files read.
    pub files: usize,
    /// Lines read.
    pub lines: u64,
    /// New tuples (duplicates not counted).
    pub tuples: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Wall time.
    pub time: Duration,
}

/// Rows per batch handed from the reader to the inserter.
const BATCH: usize = 4096;

/// Batches the reader may run ahead of the inserter.
const QUEUE: usize = 8;

/// Rows parsed from one file, symbols not yet interned.
struct Batch {
    /// The relation.
    rel: RelId,
    /// Rows of packed words; symbol columns hold 0 until interned.
    words: Vec<u64>,
    /// Rows in `words`.
    rows: usize,
    /// The symbol fields in row order: byte ranges of `text`.
    syms: Vec<(u32, u32)>,
    /// Each symbol's [`symbol_hash`].
    hashes: Vec<u64>,
    /// The file's text (shared, never copied: `Arc<str>` would copy it).
    text: Arc<String>,
    /// Rows the relation should make room for (the file's line count, on
    /// its first batch; 0 after).
    reserve: usize,
    /// Whether this is the first batch of a file (which counts the file).
    first: bool,
    /// Lines the batch covers.
    lines: u64,
}

/// Reads every `.input` relation's file from `fact_dir` into `db`.
///
/// On an error nothing after the failing line is inserted; the caller
/// discards `db` (a run stops), as with any failed evaluation.
pub fn read_inputs(
    program: &ir::Program,
    db: &mut Database,
    fact_dir: &Path,
) -> Result<LoadStats, Diagnostic> {
    read_inputs_with(program, db, fact_dir, None)
}

/// [`read_inputs`], telling `progress` a few times a second which file it
/// is reading and how many rows it has read, and when it ends.
pub fn read_inputs_with(
    program: &ir::Program,
    db: &mut Database,
    fact_dir: &Path,
    progress: Option<&dyn Progress>,
) -> Result<LoadStats, Diagnostic> {
    let t0 = Instant::now();
    let mut reporter = Reporter::new(progress);
    let mut stats = LoadStats::default();
    let (tx, rx) = sync_channel::<Result<Batch, Diagnostic>>(QUEUE);
    let result = std::thread::scope(|scope| {
        scope.spawn(move || read_files(program, db_types(program), fact_dir, tx));
        let (mut ids, mut scratch): (Vec<u32>, Vec<u64>) = (Vec::new(), Vec::new());
        // Dropping `rx` on an early return stops the reader at its next send.
        for message in rx {
            let mut batch = message?;
            if batch.first {
                stats.files += 1;
                stats.bytes += batch.text.len() as u64;
            }
            stats.lines += batch.lines;
            if batch.reserve > 0 {
                db.rels[batch.rel].reserve(batch.reserve);
            }
            if !batch.syms.is_empty() {
                let strs: Vec<&str> = batch
                    .syms
                    .iter()
                    .map(|&(a, b)| &batch.text[a as usize..b as usize])
                    .collect();
                db.interner
                    .intern_hashed(&strs, &batch.hashes, &mut ids)
                    .map_err(|m| {
                        Diagnostic::new(Code::SymbolTableFull, m, None)
                            .with_help("use fewer distinct symbols")
                    })?;
                fill_symbols(db, &mut batch, &ids);
            }
            stats.tuples +=
                db.insert_packed_batch(batch.rel, &batch.words, batch.rows, &mut scratch) as u64;
            if let Some((progress, elapsed)) = reporter.due() {
                let file = program
                    .inputs
                    .iter()
                    .find(|i| i.rel == batch.rel)
                    .map_or("", |i| i.filename.as_str());
                progress.loading(&Loading {
                    file,
                    files_done: stats.files.saturating_sub(1),
                    files: program.inputs.len(),
                    rows: stats.lines,
                    elapsed,
                });
            }
        }
        Ok(())
    });
    result?;
    stats.time = t0.elapsed();
    Ok(stats)
}

/// Every relation's column types (the reader thread's copy).
fn db_types(program: &ir::Program) -> Vec<Vec<Type>> {
    program.relations.iter().map(|r| r.types()).collect()
}

/// Writes the interned ids into the symbol columns of a batch's rows.
fn fill_symbols(db: &Database, batch: &mut Batch, ids: &[u32]) {
    let types = &db.rels[batch.rel].types;
    let arity = types.len();
    let sym_cols: Vec<usize> = (0..arity).filter(|&c| types[c] == Type::Symbol).collect();
    let mut next = ids.iter();
    for row in batch.words.chunks_exact_mut(arity) {
        for &c in &sym_cols {
            row[c] = u64::from(*next.next().expect("one id per symbol field"));
        }
    }
}

/// The reader thread: parses each input file in order into batches; stops
/// at the first error (sent last) or when the receiver is gone.
fn read_files(
    program: &ir::Program,
    types: Vec<Vec<Type>>,
    fact_dir: &Path,
    tx: SyncSender<Result<Batch, Diagnostic>>,
) {
    for input in &program.inputs {
        let path = fact_dir.join(&input.filename);
        let text = match load_text(program, input, &path) {
            Ok(text) => text,
            Err(d) => {
                let _ = tx.send(Err(d));
                return;
            }
        };
        let mut send = |batch: Batch| tx.send(Ok(batch)).is_ok();
        match parse_file(&text, input, &types[input.rel], &path, &mut send) {
            Ok(true) => {}
            Ok(false) => return,
            Err(d) => {
                let _ = tx.send(Err(d));
                return;
            }
        }
    }
}

/// The error for an `.input` file that cannot be read.
fn unreadable(program: &ir::Program, input: &ir::Input, path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::MissingInput,
        format!(
            "cannot read the facts of `{}` from {}: {}",
            program.relations[input.rel].name,
            path.display(),
            io_reason(e)
        ),
        Some(input.span),
    )
    .with_help(format!(
        "create {} (one fact per line, fields separated by {}), or pass the directory that holds it with -F",
        path.display(),
        delimiter_name(input.delimiter)
    ))
}

/// A file's text, or the error that says which file is missing or unreadable.
fn load_text(
    program: &ir::Program,
    input: &ir::Input,
    path: &Path,
) -> Result<Arc<String>, Diagnostic> {
    let mut bytes = fs::read(path).map_err(|e| unreadable(program, input, path, &e))?;
    if bytes.len() > u32::MAX as usize {
        return Err(Diagnostic::new(
            Code::InputTooLarge,
            format!("{} is larger than 4 GiB", path.display()),
            Some(input.span),
        )
        .with_help("split the facts over several relations or files"));
    }
    // A byte order mark, which some editors write first, is not a field.
    if bytes.starts_with(BYTE_ORDER_MARK.encode_utf8(&mut [0; 4]).as_bytes()) {
        bytes.drain(..BYTE_ORDER_MARK.len_utf8());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let upto = &bytes[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = upto.len() - upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        bad_input(
            path,
            line,
            col,
            "the file is not valid UTF-8".into(),
            "save the file as UTF-8 text",
        )
    })?;
    Ok(Arc::new(text))
}

fn bad_input(file: &Path, line: usize, col: usize, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::BadInput,
        format!("{}:{line}:{col}: {message}", file.display()),
        None,
    )
    .with_help(help.to_string())
}

pub(super) fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The fields of a line. Fields are short, so a plain byte loop finds an
/// ASCII delimiter faster than a general substring search.
struct Fields<'a> {
    rest: Option<&'a str>,
    delimiter: char,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let at = if self.delimiter.is_ascii() {
            let d = self.delimiter as u8;
            rest.bytes().position(|b| b == d)
        } else {
            rest.find(self.delimiter)
        };
        match at {
            Some(i) => {
                self.rest = Some(&rest[i + self.delimiter.len_utf8()..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Splits one line of an `.input` file into the fields `types` call for,
/// handing each to `field` in order: a symbol's text as it is, every other
/// value parsed into its word. `line_no` gives the line's number in its
/// file, worked out only for an error.
#[inline]
fn parse_line<'l>(
    line: &'l str,
    types: &[Type],
    delimiter: char,
    path: &Path,
    line_no: impl Fn() -> usize,
    mut field: impl FnMut(Field<'l>),
) -> Result<(), Diagnostic> {
    let arity = types.len();
    let mut fields = Fields {
        rest: Some(line),
        delimiter,
    };
    // Byte offset of the field; its column (in characters) is only worked
    // out for an error message.
    let mut at = 0;
    let col = |at: usize| line[..at].chars().count() + 1;
    // An empty line is one empty field, which only a symbol column takes.
    if line.is_empty() && (arity > 1 || types[0] != Type::Symbol) {
        let expected = if arity > 1 {
            n_fields(arity)
        } else {
            format!("a {}", types[0])
        };
        return Err(bad_input(
            path,
            line_no(),
            1,
            format!("the line is empty; expected {expected}"),
            "remove the empty line, or write the tuple on it",
        )
        .with_excerpt(line_no(), line, 1, 1));
    }
    for (c, ty) in types.iter().enumerate() {
        let Some(text) = fields.next() else {
            let end = line.chars().count() + 1;
            return Err(bad_input(
                path,
                line_no(),
                end,
                format!("expected {}, found {c}", n_fields(arity)),
                &separated_by(delimiter),
            )
            .with_excerpt(line_no(), line, end, 1));
        };
        field(if *ty == Type::Symbol {
            Field::Symbol(text)
        } else {
            Field::Word(parse_field(text, *ty).map_err(|m| {
                bad_input(
                    path,
                    line_no(),
                    col(at),
                    m,
                    &format!("column {} holds {}s; fix the value in the file", c + 1, ty),
                )
                .with_excerpt(line_no(), line, col(at), text.chars().count())
            })?)
        });
        at += text.len() + delimiter.len_utf8();
    }
    if fields.next().is_some() {
        return Err(bad_input(
            path,
            line_no(),
            col(at),
            format!(
                "expected {}, found {}",
                n_fields(arity),
                arity + 1 + line.split(delimiter).skip(arity + 1).count()
            ),
            &separated_by(delimiter),
        )
        .with_excerpt(line_no(), line, col(at), line[at..].chars().count()));
    }
    Ok(())
}

/// Parses one file into batches handed to `send` (which answers whether to
/// go on); returns whether the receiver still listens.
fn parse_file(
    text: &Arc<String>,
    input: &ir::Input,
    types: &[Type],
    path: &Path,
    send: &mut dyn FnMut(Batch) -> bool,
) -> Result<bool, Diagnostic> {
    let arity = types.len();
    let delimiter = input.delimiter;
    let base = text.as_ptr() as usize;
    let expected_lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let new_batch = |first: bool| Batch {
        rel: input.rel,
        words: Vec::with_capacity(BATCH * arity),
        rows: 0,
        syms: Vec::new(),
        hashes: Vec::new(),
        text: Arc::clone(text),
        reserve: if first { expected_lines } else { 0 },
        first,
        lines: 0,
    };
    let mut batch = new_batch(true);
    if arity == 0 {
        batch.lines = nullary_lines(text, path, || 0)?;
        batch.rows = usize::from(batch.lines > 0);
        return Ok(send(batch));
    }
    for (ln, line) in file_lines(text) {
        batch.lines += 1;
        parse_line(
            line,
            types,
            delimiter,
            path,
            || ln + 1,
            |field| match field {
                Field::Symbol(text) => {
                    let start = text.as_ptr() as usize - base;
                    batch.syms.push((start as u32, (start + text.len()) as u32));
                    batch.hashes.push(symbol_hash(text));
                    batch.words.push(0);
                }
                Field::Word(word) => batch.words.push(word),
            },
        )?;
        batch.rows += 1;
        if batch.rows == BATCH && !send(std::mem::replace(&mut batch, new_batch(false))) {
            return Ok(false);
        }
    }
    Ok(send(batch))
}

/// The lines of a fact file (or of a share of one that ends at a line's
/// end), numbered from 0, without their `\n` or `\r\n`. The `\n` that ends
/// the last line does not start another, so an empty file has no lines; an
/// empty line anywhere else is a line, as Soufflé reads it (a tuple of one
/// empty symbol, or an error for other relations).
fn file_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    (!text.is_empty())
        .then(|| body.split('\n'))
        .into_iter()
        .flatten()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate()
}

/// The lines of a nullary relation's file, each of which holds the
/// relation's one tuple: `()` (as `.output` writes it) or an empty line (as
/// Soufflé also reads it). An empty file holds nothing; a line with anything
/// else is an error. `lines_before` numbers the lines of a share of a file
/// (worked out only for an error).
fn nullary_lines(
    text: &str,
    path: &Path,
    lines_before: impl Fn() -> usize,
) -> Result<u64, Diagnostic> {
    let mut lines = 0;
    for (ln, line) in file_lines(text) {
        if !line.is_empty() && line != "()" {
            let shown: String = line.chars().take(40).collect();
            let more = if shown.len() < line.len() { "…" } else { "" };
            let line_no = lines_before() + ln + 1;
            return Err(bad_input(
                path,
                line_no,
                1,
                format!("expected `()` or an empty line, found `{shown}{more}`"),
                "the relation has no columns: each line of its file is its one tuple, written `()`",
            )
            .with_excerpt(line_no, line, 1, line.chars().count()));
        }
        lines += 1;
    }
    Ok(lines)
}

/// A field of a line: a packed word, or a symbol's text (the caller gives
/// symbols their words).
pub(crate) enum Field<'a> {
    /// A number, float or date, packed.
    Word(u64),
    /// A symbol.
    Symbol(&'a str),
}

/// The offset just past the first `\n` at or after `at` (or the file's end).
#[cfg(feature = "dataflow")]
fn line_start_after(file: &mut fs::File, at: u64, len: u64) -> io::Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(at))?;
    let mut pos = at;
    let mut buf = [0u8; 4096];
    while pos < len {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
    Ok(len)
}

/// Reads share `share` of `shares` of an `.input` file: the lines that
/// start in its `share`-th equal byte range, so the shares of all readers
/// cover every line once. `row` gets each line's fields; the errors are
/// those of a whole read, with the line's number in the whole file.
#[cfg(feature = "dataflow")]
pub(crate) fn read_share(
    program: &ir::Program,
    input: &ir::Input,
    fact_dir: &Path,
    (share, shares): (usize, usize),
    row: &mut dyn FnMut(&[Field]) -> Result<(), Diagnostic>,
) -> Result<u64, Diagnostic> {
    use std::io::{Read, Seek, SeekFrom};
    let path = fact_dir.join(&input.filename);
    let unreadable = |e: io::Error| unreadable(program, input, &path, &e);
    let mut file = fs::File::open(&path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    let (a, b) = (
        len * share as u64 / shares as u64,
        len * (share as u64 + 1) / shares as u64,
    );
    let start = if a == 0 {
        0
    } else {
        line_start_after(&mut file, a - 1, len).map_err(unreadable)?
    };
    let end = if b >= len {
        len
    } else {
        line_start_after(&mut file, b - 1, len).map_err(unreadable)?
    };
    let mut bytes = Vec::with_capacity(end.saturating_sub(start) as usize);
    if end > start {
        file.seek(SeekFrom::Start(start)).map_err(unreadable)?;
        (&mut file)
            .take(end - start)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
    }
    if start == 0 && bytes.starts_with(BYTE_ORDER_MARK.encode_utf8(&mut [0; 4]).as_bytes()) {
        bytes.drain(..BYTE_ORDER_MARK.len_utf8());
    }
    // Line numbers count the lines before the share (read again only for
    // an error).
    let lines_before = || -> usize {
        let mut prefix = Vec::new();
        let counted = fs::File::open(&path).and_then(|f| f.take(start).read_to_end(&mut prefix));
        counted.map_or(0, |_| prefix.iter().filter(|&&b| b == b'\n').count())
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let upto = &bytes[..e.valid_up_to()];
            let line = lines_before() + upto.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = upto.len() - upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            return Err(bad_input(
                &path,
                line,
                col,
                "the file is not valid UTF-8".into(),
                "save the file as UTF-8 text",
            ));
        }
    };
    let types = program.relations[input.rel].types();
    let arity = types.len();
    let delimiter = input.delimiter;
    if arity == 0 {
        let lines = nullary_lines(text, &path, lines_before)?;
        if lines > 0 {
            row(&[])?;
        }
        return Ok(lines);
    }
    let mut fields: Vec<Field> = Vec::with_capacity(arity);
    let mut lines = 0;
    for (ln, line) in file_lines(text) {
        lines += 1;
        fields.clear();
        parse_line(
            line,
            &types,
            delimiter,
            &path,
            || lines_before() + ln + 1,
            |field| fields.push(field),
        )?;
        row(&fields)?;
    }
    Ok(lines)
}

/// `n` fields, in words.
fn n_fields(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

/// The help for a line with too few or too many fields.
fn separated_by(delimiter: char) -> String {
    format!(
        "give one field per column of the relation, separated by {}",
        delimiter_name(delimiter)
    )
}

/// How help text names a delimiter: `tabs`, `commas`, or the character.
fn delimiter_name(delimiter: char) -> String {
    match delimiter {
        '\t' => "tabs".to_string(),
        ',' => "commas".to_string(),
        ';' => "semicolons".to_string(),
        ' ' => "spaces".to_string(),
        c => format!("`{c}`"),
    }
}

/// Parses a non-symbol field (symbols are interned in batches).
fn parse_field(field: &str, ty: Type) -> Result<u64, String> {
    match ty {
        Type::Symbol => Err("symbols are interned in batches".to_string()),
        Type::Number => parse_i64(field.trim().as_bytes())
            .map(|n| n as u64)
            .ok_or_else(|| format!("`{field}` is not a number")),
        Type::Float => field
            .trim()
            .parse::<f64>()
            .map(f64::to_bits)
            .map_err(|_| format!("`{field}` is not a float")),
        Type::Date => Date::parse(field.trim())
            .map(|d| u64::from(d.packed()))
            .map_err(|e| e.0),
    }
}

/// Parses a decimal `i64` (optional sign), rejecting overflow.
pub(super) fn parse_i64(b: &[u8]) -> Option<i64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let v = i64::from(d - b'0');
        n = n.checked_mul(10)?;
        n = if neg {
            n.checked_sub(v)?
        } else {
            n.checked_add(v)?
        };
    }
    Some(n)
}
