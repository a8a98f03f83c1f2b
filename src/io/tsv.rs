//! This module defines reading `.input` TSV fact files and writing `.output`
//! relations, in Soufflé's convention: one fact per line, fields separated by
//! a tab (or the directive's delimiter), no header, symbols written as they
//! are. Reading parses each field straight from the file's bytes by its
//! column's type and interns symbols without building a `String` per field.

// Diagnostic is the crate's error type by contract; errors here are cold.
#![allow(clippy::result_large_err)]

use crate::diag::Diagnostic;
use crate::eval::Database;
use crate::ir::{self, RelId};
use crate::value::{Date, Type};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What [`read_inputs`] read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadStats {
    /// Files read.
    pub files: usize,
    /// Non-empty lines read.
    pub lines: u64,
    /// New tuples (duplicates not counted).
    pub tuples: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Wall time.
    pub time: Duration,
}

fn bad_input(file: &Path, line: usize, col: usize, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(
        "bad-input",
        format!("{}:{line}:{col}: {message}", file.display()),
        None,
    )
    .with_help(help.to_string())
}

/// Reads every `.input` relation's file from `fact_dir` into `db`.
pub fn read_inputs(
    program: &ir::Program,
    db: &mut Database,
    fact_dir: &Path,
) -> Result<LoadStats, Diagnostic> {
    let t0 = Instant::now();
    let mut stats = LoadStats::default();
    for input in &program.inputs {
        let path = fact_dir.join(&input.filename);
        let bytes = fs::read(&path).map_err(|e| {
            Diagnostic::new(
                "missing-input",
                format!(
                    "cannot read the facts of `{}` from {}: {}",
                    program.relations[input.rel].name,
                    path.display(),
                    io_reason(&e)
                ),
                Some(input.span),
            )
            .with_help(format!(
                "create {} (one tab-separated fact per line), or pass the directory that holds it with -F",
                path.display()
            ))
        })?;
        stats.files += 1;
        stats.bytes += bytes.len() as u64;
        let (lines, new) = read_file(db, input.rel, &bytes, input.delimiter, &path)?;
        stats.lines += lines;
        stats.tuples += new;
    }
    stats.time = t0.elapsed();
    Ok(stats)
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

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Parses one file's bytes into `rel`; returns (lines, new tuples).
fn read_file(
    db: &mut Database,
    rel: RelId,
    bytes: &[u8],
    delimiter: char,
    path: &Path,
) -> Result<(u64, u64), Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let upto = &bytes[..e.valid_up_to()];
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
    let types = db.rels[rel].types.clone();
    let arity = types.len();
    let sym_cols: Vec<usize> = (0..arity).filter(|&c| types[c] == Type::Symbol).collect();
    let expected_lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    db.rels[rel].reserve(expected_lines);
    const BATCH: usize = 4096;
    let mut batch: Vec<u64> = Vec::with_capacity(BATCH * arity);
    let mut in_batch = 0usize;
    let mut strs: Vec<&str> = Vec::with_capacity(BATCH * sym_cols.len());
    let (mut ids, mut hashes): (Vec<u32>, Vec<u64>) = (Vec::new(), Vec::new());
    let (mut lines, mut new) = (0u64, 0u64);
    // Interns the batch's symbols in one go, fills them in, inserts the rows.
    let mut flush = |db: &mut Database,
                     batch: &mut Vec<u64>,
                     strs: &mut Vec<&str>,
                     n: usize|
     -> Result<u64, Diagnostic> {
        if !sym_cols.is_empty() {
            db.interner
                .intern_batch(strs, &mut ids, &mut hashes)
                .map_err(|m| {
                    Diagnostic::new("symbol-table-full", m, None)
                        .with_help("use fewer distinct symbols")
                })?;
            let mut next = ids.iter();
            for row in batch.chunks_exact_mut(arity) {
                for &c in &sym_cols {
                    row[c] = u64::from(*next.next().expect("one id per symbol field"));
                }
            }
        }
        let added = db.insert_packed_batch(rel, batch, n, &mut hashes) as u64;
        batch.clear();
        strs.clear();
        Ok(added)
    };
    for (ln, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        lines += 1;
        let mut fields = Fields {
            rest: Some(line),
            delimiter,
        };
        // Byte offset of the field; its column (in characters) is only
        // worked out for an error message.
        let mut at = 0;
        let col = |at: usize| line[..at].chars().count() + 1;
        for (c, ty) in types.iter().enumerate() {
            let Some(field) = fields.next() else {
                return Err(bad_input(
                    path,
                    ln + 1,
                    line.chars().count() + 1,
                    format!("expected {arity} fields, found {c}"),
                    "give one field per column of the relation, separated by tabs",
                ));
            };
            let word = if *ty == Type::Symbol {
                strs.push(field);
                0
            } else {
                parse_field(field, *ty).map_err(|m| {
                    bad_input(
                        path,
                        ln + 1,
                        col(at),
                        m,
                        &format!("column {} holds {}s; fix the value in the file", c + 1, ty),
                    )
                })?
            };
            batch.push(word);
            at += field.len() + delimiter.len_utf8();
        }
        if fields.next().is_some() {
            return Err(bad_input(
                path,
                ln + 1,
                col(at),
                format!(
                    "expected {arity} fields, found {}",
                    arity + 1 + line.split(delimiter).skip(arity + 1).count()
                ),
                "give one field per column of the relation, separated by tabs",
            ));
        }
        in_batch += 1;
        if in_batch == BATCH {
            new += flush(db, &mut batch, &mut strs, in_batch)?;
            in_batch = 0;
        }
    }
    if arity == 0 && lines > 0 {
        in_batch = 1;
    }
    new += flush(db, &mut batch, &mut strs, in_batch)?;
    Ok((lines, new))
}

/// Parses a non-symbol field (symbols are interned by the batch).
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
fn parse_i64(b: &[u8]) -> Option<i64> {
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

/// Where [`write_outputs`] writes.
pub enum OutputTarget<'a> {
    /// One file per `.output` relation in this directory (`name.csv` unless
    /// the directive names another), each written atomically; relations
    /// output with `IO=stdout` go to the stream, under a header.
    Dir(PathBuf, &'a mut dyn Write),
    /// Every relation to one stream, each under a header (Soufflé's `-D -`).
    Writer(&'a mut dyn Write),
}

/// Writes the rows, fields separated by `delimiter`; a nullary relation's
/// one tuple prints as `()`, as Soufflé does.
fn write_rows(db: &Database, rel: RelId, delimiter: char, w: &mut dyn Write) -> io::Result<()> {
    let mut buf = [0u8; 4];
    let delimiter = delimiter.encode_utf8(&mut buf).as_bytes();
    for row in db.sorted_rows(rel) {
        let mut first = true;
        for f in row.fields() {
            if !first {
                w.write_all(delimiter)?;
            }
            first = false;
            write!(w, "{f}")?;
        }
        if first {
            w.write_all(b"()")?;
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the relations to one stream, each under Soufflé's header.
fn write_stream<'o>(
    program: &ir::Program,
    db: &Database,
    outputs: impl Iterator<Item = &'o ir::Output>,
    w: &mut dyn Write,
) -> Result<(), Diagnostic> {
    let stdout = Path::new("<stdout>");
    let mut w = BufWriter::new(w);
    for o in outputs {
        let write = |w: &mut dyn Write| -> io::Result<()> {
            writeln!(
                w,
                "---------------\n{}\n===============",
                program.relations[o.rel].name
            )?;
            write_rows(db, o.rel, o.delimiter, w)?;
            writeln!(w, "===============")
        };
        write(&mut w).map_err(|e| write_error(stdout, &e))?;
    }
    w.flush().map_err(|e| write_error(stdout, &e))
}

fn write_error(what: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::new(
        "io-error",
        format!("cannot write {}: {}", what.display(), io_reason(e)),
        None,
    )
    .with_help("check that the output directory exists and is writable (-D)")
}

/// Writes every `.output` relation, rows sorted.
pub fn write_outputs(
    program: &ir::Program,
    db: &Database,
    out: OutputTarget,
) -> Result<(), Diagnostic> {
    match out {
        OutputTarget::Dir(dir, stdout) => {
            for o in program.outputs.iter().filter(|o| !o.stdout) {
                let path = dir.join(&o.filename);
                let name = path
                    .file_name()
                    .map_or_else(|| o.filename.clone().into(), |n| n.to_os_string());
                let mut tmp_name = std::ffi::OsString::from(".");
                tmp_name.push(&name);
                tmp_name.push(".tmp");
                // Beside the target, so the rename stays on one file system.
                let tmp = path.with_file_name(tmp_name);
                let write = || -> io::Result<()> {
                    let mut w = BufWriter::with_capacity(1 << 16, fs::File::create(&tmp)?);
                    write_rows(db, o.rel, o.delimiter, &mut w)?;
                    w.flush()?;
                    drop(w);
                    fs::rename(&tmp, &path)
                };
                write().map_err(|e| {
                    let _ = fs::remove_file(&tmp);
                    write_error(&path, &e)
                })?;
            }
            write_stream(
                program,
                db,
                program.outputs.iter().filter(|o| o.stdout),
                stdout,
            )
        }
        OutputTarget::Writer(w) => write_stream(program, db, program.outputs.iter(), w),
    }
}

/// Writes each `.printsize` relation as `name<TAB>count`, as Soufflé does.
pub fn write_printsize(
    program: &ir::Program,
    db: &Database,
    w: &mut dyn Write,
) -> Result<(), Diagnostic> {
    for &rel in &program.printsize {
        writeln!(w, "{}\t{}", program.relations[rel].name, db.len(rel))
            .map_err(|e| write_error(Path::new("<stdout>"), &e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{SourceId, Span};
    use crate::ir::{Column, Input, Output, Program, Relation};
    use crate::value::Value;

    fn program(types: &[Type], delimiter: char) -> Program {
        let span = Span::new(SourceId(0), 0, 1);
        Program {
            relations: vec![Relation {
                name: "ev".into(),
                columns: types
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| Column {
                        name: format!("c{i}"),
                        ty: *ty,
                    })
                    .collect(),
                span: None,
                declared: true,
                is_query: false,
            }],
            inputs: vec![Input {
                rel: 0,
                filename: "ev.tsv".into(),
                delimiter,
                span,
            }],
            outputs: vec![Output {
                rel: 0,
                filename: "ev.csv".into(),
                stdout: false,
                delimiter: '\t',
                span,
            }],
            printsize: vec![0],
            ..Program::default()
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sleuth-tsv-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn reads_typed_fields_and_writes_sorted_rows() {
        let dir = temp_dir("roundtrip");
        fs::write(
            dir.join("ev.tsv"),
            "Tangier\t-3\t2024-02\t1.5\r\nGao\t7\t2023-11-05\t2\n\nGao\t7\t2023-11-05\t2\n",
        )
        .expect("write");
        let prog = program(&[Type::Symbol, Type::Number, Type::Date, Type::Float], '\t');
        let mut db = Database::new(&prog);
        let stats = read_inputs(&prog, &mut db, &dir).expect("reads");
        assert_eq!((stats.files, stats.lines, stats.tuples), (1, 3, 2));
        assert!(db.contains(
            0,
            &[
                Value::Symbol("Tangier".into()),
                Value::Number(-3),
                Value::Date(Date::parse("2024-02").expect("date")),
                Value::Float(1.5)
            ]
        ));
        let out = dir.join("out");
        fs::create_dir_all(&out).expect("out dir");
        write_outputs(
            &prog,
            &db,
            OutputTarget::Dir(out.clone(), &mut std::io::sink()),
        )
        .expect("writes");
        let text = fs::read_to_string(out.join("ev.csv")).expect("written");
        assert_eq!(text, "Gao\t7\t2023-11-05\t2.0\nTangier\t-3\t2024-02\t1.5\n");
        let mut buf = Vec::new();
        write_printsize(&prog, &db, &mut buf).expect("prints");
        assert_eq!(String::from_utf8(buf).expect("utf8"), "ev\t2\n");
        let mut buf = Vec::new();
        write_outputs(&prog, &db, OutputTarget::Writer(&mut buf)).expect("prints");
        assert!(
            String::from_utf8(buf)
                .expect("utf8")
                .contains("ev\n===============\nGao\t7")
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn other_delimiters() {
        let dir = temp_dir("comma");
        fs::write(dir.join("ev.tsv"), "a,1\nb,2\n").expect("write");
        let prog = program(&[Type::Symbol, Type::Number], ',');
        let mut db = Database::new(&prog);
        read_inputs(&prog, &mut db, &dir).expect("reads");
        assert_eq!(db.len(0), 2);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let dir = temp_dir("errors");
        let prog = program(&[Type::Symbol, Type::Number], '\t');
        let mut db = Database::new(&prog);
        let missing = read_inputs(&prog, &mut db, &dir).expect_err("missing");
        assert_eq!(missing.code, "missing-input");
        assert!(missing.message.contains("ev.tsv"), "{}", missing.message);
        assert!(missing.help.as_deref().unwrap_or("").contains("-F"));

        fs::write(dir.join("ev.tsv"), "a\t1\nbb\tx2\n").expect("write");
        let bad = read_inputs(&prog, &mut db, &dir).expect_err("bad number");
        assert_eq!(bad.code, "bad-input");
        assert!(
            bad.message.contains("ev.tsv:2:4: `x2` is not a number"),
            "{}",
            bad.message
        );

        fs::write(dir.join("ev.tsv"), "a\n").expect("write");
        let short = read_inputs(&prog, &mut db, &dir).expect_err("short line");
        assert!(
            short
                .message
                .contains("ev.tsv:1:2: expected 2 fields, found 1"),
            "{}",
            short.message
        );

        fs::write(dir.join("ev.tsv"), "a\t1\t9\n").expect("write");
        let long = read_inputs(&prog, &mut db, &dir).expect_err("long line");
        assert!(
            long.message.contains("expected 2 fields, found 3"),
            "{}",
            long.message
        );

        let nowhere = write_outputs(
            &prog,
            &db,
            OutputTarget::Dir(dir.join("no/such/dir"), &mut std::io::sink()),
        )
        .expect_err("no dir");
        assert_eq!(nowhere.code, "io-error");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn parses_numbers_strictly() {
        assert_eq!(parse_i64(b"42"), Some(42));
        assert_eq!(parse_i64(b"-7"), Some(-7));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"4x"), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b""), None);
    }
}
