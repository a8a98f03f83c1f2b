//! This module defines Soufflé's TSV convention for facts, one fact per line,
//! fields separated by a tab (or the directive's delimiter), no header,
//! symbols written as they are: writing `.output` relations here, reading
//! `.input` files in `super::read` (re-exported here).

// Diagnostic is the crate's error type by contract; errors here are cold.
#![allow(clippy::result_large_err)]

pub use super::read::{LoadStats, read_inputs, read_inputs_with};

use super::read::io_reason;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::eval::Database;
use crate::ir::{self, RelId};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

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
        Code::UnwritableOutput,
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

#[cfg(test)]
mod tests {
    use super::super::read::parse_i64;
    use super::*;
    use crate::diag::{SourceId, Span};
    use crate::ir::{Column, Input, Output, Program, Relation};
    use crate::value::Value;
    use crate::value::{Date, Type};

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
            "Tangier\t-3\t2024-02\t1.5\r\nGao\t7\t2023-11-05\t2\nGao\t7\t2023-11-05\t2\n",
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

        // Each shows its line, with carets under the value, after the line's
        // end, or under the fields too many.
        let shown = |d: &Diagnostic| d.render(&crate::SourceMap::new());
        assert!(
            shown(&bad).contains("2 | bb\tx2\n  |   \t^^\n"),
            "{}",
            shown(&bad)
        );
        assert!(
            shown(&short).contains("1 | a\n  |  ^\n"),
            "{}",
            shown(&short)
        );
        assert!(
            shown(&long).contains("1 | a\t1\t9\n  |  \t \t^\n"),
            "{}",
            shown(&long)
        );

        let nowhere = write_outputs(
            &prog,
            &db,
            OutputTarget::Dir(dir.join("no/such/dir"), &mut std::io::sink()),
        )
        .expect_err("no dir");
        assert_eq!(nowhere.code, "unwritable-output");
        let _ = fs::remove_dir_all(&dir);
    }

    /// A fact file starting with a UTF-8 byte order mark read the mark into
    /// its first field (`\u{feff}1` is not a number).
    #[test]
    fn a_byte_order_mark_at_the_start_of_a_fact_file_is_skipped() {
        let dir = temp_dir("bom");
        let prog = program(&[Type::Number, Type::Symbol], '\t');
        fs::write(dir.join("ev.tsv"), "\u{feff}1\ta\n2\tb\n").expect("write");
        let mut db = Database::new(&prog);
        read_inputs(&prog, &mut db, &dir).expect("reads");
        let rows = db.tuples(0);
        assert_eq!(rows[0], vec![Value::Number(1), Value::Symbol("a".into())]);
        assert_eq!(rows.len(), 2);
        let _ = fs::remove_dir_all(&dir);
    }

    /// The help for a line with the wrong number of fields said "separated
    /// by tabs" whatever delimiter the `.input` directive declared.
    #[test]
    fn a_wrong_field_count_names_the_declared_delimiter() {
        let dir = temp_dir("delimiter-help");
        let prog = program(&[Type::Symbol, Type::Number], ',');
        fs::write(dir.join("ev.tsv"), "a\t1\n").expect("write");
        let mut db = Database::new(&prog);
        let err = read_inputs(&prog, &mut db, &dir).expect_err("one field");
        assert_eq!(
            err.help.as_deref(),
            Some("give one field per column of the relation, separated by commas")
        );
        fs::write(dir.join("ev.tsv"), "a,1,2\n").expect("write");
        let err = read_inputs(&prog, &mut db, &dir).expect_err("three fields");
        assert!(
            err.help
                .as_deref()
                .is_some_and(|h| h.ends_with("by commas"))
        );
        let prog = program(&[Type::Symbol, Type::Number], '\t');
        fs::write(dir.join("ev.tsv"), "a\n").expect("write");
        let err = read_inputs(&prog, &mut db, &dir).expect_err("one field");
        assert!(err.help.as_deref().is_some_and(|h| h.ends_with("by tabs")));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn many_batches_keep_their_order_and_the_first_error() {
        // 10,000 lines cross several of the reader's batches; symbols repeat
        // across batches, and every line appears twice.
        let dir = temp_dir("batches");
        let prog = program(&[Type::Symbol, Type::Number, Type::Symbol], '\t');
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("p{}\t{i}\tcity{}\n", i % 997, i % 13));
        }
        text.push_str(&text.clone());
        fs::write(dir.join("ev.tsv"), &text).expect("write");
        let mut db = Database::new(&prog);
        let stats = read_inputs(&prog, &mut db, &dir).expect("reads");
        assert_eq!((stats.lines, stats.tuples), (20_000, 10_000));
        assert_eq!(db.interner.len(), 997 + 13);
        let rows = db.tuples(0);
        assert_eq!(rows.len(), 10_000);
        assert!(rows.contains(&vec![
            Value::Symbol("p5".into()),
            Value::Number(9975),
            Value::Symbol("city4".into()),
        ]));

        // An error on line 15,001 is the one reported, whatever came before.
        text.push_str("late\tnot-a-number\tcity\n");
        text.push_str("later\t\n");
        let mut lines: Vec<&str> = text.lines().collect();
        lines.swap(15_000, 20_000);
        fs::write(dir.join("ev.tsv"), lines.join("\n")).expect("write");
        let mut db = Database::new(&prog);
        let bad = read_inputs(&prog, &mut db, &dir).expect_err("bad number");
        assert!(
            bad.message
                .contains("ev.tsv:15001:6: `not-a-number` is not a number"),
            "{}",
            bad.message
        );
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
