//! Fuzz target: the TSV reader (`.input` files, `io::tsv::read_inputs`) on
//! arbitrary bytes, checked against a plain reference reading.
//!
//! The first byte picks a program (column types, delimiter, one or two
//! relations read from the same file); the rest is the file, written to a
//! scratch directory (in /dev/shm when there is one). For each input: no
//! panic, no hang; the reader fails exactly when the reference finds a bad
//! line (wrong field count, a value not of its column's type, invalid
//! UTF-8), with a `bad-input` or `missing-input` diagnostic naming that
//! line and a help line; otherwise each relation holds exactly the
//! reference's tuples.

#![no_main]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sleuth::check::check_sources;
use sleuth::eval::Database;
use sleuth::io::tsv::read_inputs;
use sleuth::{Date, SourceMap, Type, Value, ir};

const PROGRAMS: &[&str] = &[
    ".decl r(s: symbol, n: number, f: float, d: date)\n.input r(filename=\"r.tsv\")\n",
    ".decl r(n: number, s: symbol)\n.input r(filename=\"r.tsv\", delimiter=\",\")\n",
    ".decl r(s: symbol)\n.input r(filename=\"r.tsv\")\n",
    ".decl a(s: symbol, n: number)\n.input a(filename=\"r.tsv\")\n.decl b(d: date, f: float)\n.input b(filename=\"r.tsv\")\n",
    ".decl r(f: float, d: date, s: symbol)\n.input r(filename=\"r.tsv\", delimiter=\"→\")\n",
];

fn programs() -> &'static [ir::Program] {
    static CHECKED: OnceLock<Vec<ir::Program>> = OnceLock::new();
    CHECKED.get_or_init(|| {
        PROGRAMS
            .iter()
            .map(|text| {
                let mut sources = SourceMap::new();
                let id = sources.add("fuzz.dl", *text);
                check_sources(&sources, &[id]).expect("the fuzz programs check")
            })
            .collect()
    })
}

fn scratch_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        let base = if shm.is_dir() {
            shm
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("sleuth-fuzz-tsv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

/// A value as a comparable key (floats by their bits).
fn key(v: &Value) -> String {
    match v {
        Value::Symbol(s) => format!("s{s}"),
        Value::Number(n) => format!("n{n}"),
        Value::Float(x) => format!("f{:x}", x.to_bits()),
        Value::Date(d) => format!("d{}", d.packed()),
    }
}

/// What the reference reads: each relation's tuples, or the 1-based line of
/// the first bad line.
fn reference(text: &str, types: &[Type], delimiter: char) -> Result<BTreeSet<Vec<String>>, usize> {
    let mut tuples = BTreeSet::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(delimiter).collect();
        if fields.len() != types.len() {
            return Err(n + 1);
        }
        let mut tuple = Vec::new();
        for (field, ty) in fields.iter().zip(types) {
            let v = match ty {
                Type::Symbol => Value::Symbol(field.to_string()),
                Type::Number => Value::Number(field.trim().parse().map_err(|_| n + 1)?),
                Type::Float => Value::Float(field.trim().parse().map_err(|_| n + 1)?),
                Type::Date => Value::Date(Date::parse(field.trim()).map_err(|_| n + 1)?),
            };
            tuple.push(key(&v));
        }
        tuples.insert(tuple);
    }
    Ok(tuples)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let program = &programs()[pick as usize % PROGRAMS.len()];
    let dir = scratch_dir();
    std::fs::write(dir.join("r.tsv"), file).expect("write the scratch file");
    let mut db = Database::new(program);
    let result = read_inputs(program, &mut db, dir);

    // The reference: the first input whose file has a bad line fails.
    let text = std::str::from_utf8(file);
    let mut expected = Ok(Vec::new());
    for input in &program.inputs {
        let types = program.relations[input.rel].types();
        let read = match text {
            Ok(text) => reference(text, &types, input.delimiter),
            Err(e) => Err(file[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1),
        };
        match read {
            Ok(tuples) => {
                if let Ok(all) = &mut expected {
                    all.push((input.rel, tuples));
                }
            }
            Err(line) => {
                expected = Err(line);
                break;
            }
        }
    }
    match (result, expected) {
        (Ok(_), Ok(all)) => {
            for (rel, tuples) in all {
                let got: BTreeSet<Vec<String>> = db
                    .tuples(rel)
                    .iter()
                    .map(|t| t.iter().map(key).collect())
                    .collect();
                assert_eq!(
                    got, tuples,
                    "relation {} read wrong",
                    program.relations[rel].name
                );
            }
        }
        (Err(d), Err(line)) => {
            assert_eq!(d.code, "bad-input", "{d}");
            assert!(d.help.is_some(), "diagnostic without help: {d}");
            assert!(
                d.message.contains(&format!("r.tsv:{line}:")),
                "the error should name line {line}: {d}"
            );
        }
        (Ok(_), Err(line)) => panic!("read a file whose line {line} is bad"),
        (Err(d), Ok(_)) => panic!("rejected a good file: {d}"),
    }
});
