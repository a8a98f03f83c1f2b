//! This module defines a fuzz harness over the whole pipeline, evaluator
//! included: valid programs with facts (the golden programs, the error cases,
//! seeds below that use every construct, and programs of the shared generator
//! `support/programs.rs`) are mutated at the token level
//! (tokens dropped, repeated, swapped or replaced, numbers replaced by
//! extreme values, operators exchanged) and run through parse, check and
//! evaluation under a small tuple bound and a time bound. For each input:
//! no panic; every error is a diagnostic with a kebab-case code that
//! renders; a program that evaluates holds only tuples of its columns'
//! types, and its outputs can be written.
//!
//! `SLEUTH_FUZZ_CASES=N` sets the number of inputs (1,500 by default),
//! `SLEUTH_FUZZ_SEED=S` the seed; a long run is best in release mode:
//! `SLEUTH_FUZZ_CASES=200000 cargo test --release --test fuzz_eval`.

// Diagnostic is the crate's error type by contract.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use sleuth::check::{check, verify};
use sleuth::eval::{self, Database, EvalOptions};
use sleuth::io::tsv;
use sleuth::syntax::{lexer, parse};
use sleuth::{Diagnostic, SourceMap};
use support::programs::{Options, generate};
use support::rng::Rng;

mod support;

/// Tuples one evaluation may derive.
const MAX_TUPLES: u64 = 20_000;
/// Time one evaluation may take before it is interrupted.
const TIME_BOUND: Duration = Duration::from_secs(2);

/// Valid programs with facts that use the constructs the golden programs
/// leave out or combine them.
const SEEDS: &[&str] = &[
    "e(1, 2). e(2, 3). e(3, 1). e(3, 4).\np(X, Y) :- e(X, Y).\np(X, Z) :- p(X, Y), e(Y, Z).\nq(X) :- e(X, _), !p(X, X).\nc(X, N) :- e(X, _), N = count : { p(X, _) }.\ns(N) :- N = sum Y : { e(_, Y) }.\nm(X, M) :- e(X, _), M = max Y : { p(X, Y) }, M > 1.\n.output p\n.output c(IO=stdout)\n",
    "n(0).\nn(X + 1) :- n(X), X < 50.\nb(X, X band 7, X bor 8, X bxor 3, X bshl 2, X bshr 1, X bshru 1) :- n(X).\nl(X, X land 1, X lor 0, X lxor 1, lnot X, bnot X) :- n(X).\np(X, X ^ 2, X / 3, X % 7, -X) :- n(X), X > 0.\n",
    "w(\"tangier\"). w(\"rabat\"). w(\"\"). w(\"a\\\"b\").\nx(S, strlen(S), substr(S, 1, 3), cat(S, S, \"-\"), ord(S)) :- w(S).\ny(S) :- w(S), !contains(\"a\", S), match(\"[a-z]*\", S), !match(\"(ab|t.*)+\", S).\nv(S, P) :- w(S), w(P), match(P, S).\nz(S, T) :- w(S), w(T), S < T, contains(S, T).\nt(N) :- w(S), N = to_number(to_string(strlen(S))).\n",
    "f(1.5). f(-2.25). f(1e3).\ng(X * 2.0, X / 4.0, -X) :- f(X).\nh(M) :- M = mean X : { f(X) }.\nk(S) :- f(X), S = to_string(X).\nj(N) :- f(X), N = to_number(X).\nu(F) :- F = to_float(\"2.5\") + to_float(3).\n",
    ".type City <: symbol\n.type Place = City | symbol\n.decl at(p: Place, d: date)\n.decl near(a: City, b: City) eqrel\nat(\"rabat\", \"2024-01\"). at(\"fes\", \"2024-03-15\").\nnear(\"rabat\", \"sale\"). near(\"sale\", \"kenitra\").\nlater(P, D) :- at(P, D), D > \"2024-02\", year(D) = 2024, month(D) >= 1.\nshift(P, E) :- at(P, D), E = add_months(D, 11), months_between(D, E) = 11.\nok() :- near(\"rabat\", \"kenitra\").\n.output ok\n.printsize near\n",
    "a(1). a(2). b(2). b(3).\nc(X) :- a(X) ; b(X).\nd(X) :- c(X), (X = 1 ; X = 3), true, !false, !(X > 2).\ne(X), f(X) :- d(X), not b(X).\nz() :- !e(1).\n?- c(X), X >= 2.\n",
];

/// Tokens inserted or substituted by mutations.
const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    ".",
    ":-",
    "!",
    "not ",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "band",
    "bor",
    "bxor",
    "bshl",
    "bshr",
    "bshru",
    "land",
    "lor",
    "lxor",
    "bnot",
    "lnot",
    ":",
    "{",
    "}",
    ";",
    "_",
    "X",
    "Y",
    "Z",
    "N",
    "count",
    "sum",
    "min",
    "max",
    "mean",
    "cat",
    "contains",
    "match",
    "strlen",
    "substr",
    "ord",
    "to_string",
    "to_number",
    "to_unsigned",
    "to_float",
    "year",
    "add_months",
    "0",
    "1",
    "-1",
    "2",
    "1.5",
    "\"a\"",
    "\"\"",
    "\"2024-02\"",
    "true",
    "false",
    "@f",
];

/// Numbers that provoke overflow, division by zero and big shifts.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "63",
    "64",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "0.0",
    "-0.0",
    "1e308",
];

/// The program's tokens as text pieces (whitespace kept with the token
/// after it), so that edits keep most of the program well formed.
fn pieces(text: &str) -> Vec<String> {
    let (tokens, _) = lexer::lex(sleuth::SourceId(0), text);
    let mut out = Vec::new();
    let mut last = 0;
    for t in tokens {
        let end = t.span.end as usize;
        if end > last {
            out.push(text[last..end].to_string());
            last = end;
        }
    }
    if last < text.len() {
        out.push(text[last..].to_string());
    }
    out
}

fn is_number(piece: &str) -> bool {
    piece
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
}

fn swap_operator(piece: &str) -> Option<&'static str> {
    const GROUPS: &[&[&str]] = &[
        &[
            "+", "-", "*", "/", "%", "^", "band", "bor", "bxor", "bshl", "bshr", "land", "lor",
        ],
        &["=", "!=", "<", "<=", ">", ">="],
        &["count", "sum", "min", "max", "mean"],
    ];
    let p = piece.trim();
    GROUPS
        .iter()
        .find(|g| g.contains(&p))
        .map(|g| g[(p.len() * 7 + g.len()) % g.len()])
}

/// One edit of the program: mostly edits that keep it well formed
/// (numbers, operators, variables and strings exchanged), sometimes a
/// structural one (a token dropped, inserted, swapped or repeated).
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut p = pieces(text);
    let n = p.len();
    if n == 0 {
        return text.to_string();
    }
    let find = |p: &[String], keep: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..p.len()).filter(|&k| keep(&p[k])).collect()
    };
    let i = rng.below(n);
    match rng.below(10) {
        0..=2 => {
            let numbers = find(&p, &|s| is_number(s));
            if let Some(&k) = (!numbers.is_empty()).then(|| rng.pick(&numbers)) {
                p[k] = format!(" {}", rng.pick(EXTREMES));
            }
        }
        3 | 4 => {
            let operators = find(&p, &|s| swap_operator(s).is_some());
            if let Some(&k) = (!operators.is_empty()).then(|| rng.pick(&operators)) {
                let op = swap_operator(&p[k]).expect("an operator");
                p[k] = format!(" {op} ");
            }
        }
        5 => {
            let vars = find(&p, &|s| {
                s.trim()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
            });
            if let Some(&k) = (!vars.is_empty()).then(|| rng.pick(&vars)) {
                p[k] = format!(" {}", rng.pick(&["X", "Y", "Z", "N", "_"]));
            }
        }
        6 => {
            let strings = find(&p, &|s| s.trim().starts_with('"'));
            if let Some(&k) = (!strings.is_empty()).then(|| rng.pick(&strings)) {
                p[k] = format!(
                    " {}",
                    rng.pick(&["\"\"", "\"a\"", "\"2024-02\"", "\"0x10\"", "\" 7\""])
                );
            }
        }
        7 => {
            p.remove(i);
        }
        8 => p.insert(i, format!(" {}", rng.pick(TOKENS))),
        _ => {
            let end = (i + 1 + rng.below(8)).min(n);
            let copy: Vec<String> = p[i..end].to_vec();
            let at = rng.below(n + 1);
            p.splice(at..at, copy);
        }
    }
    p.concat()
}

/// One input: a program and the directory its `.input` files are read from.
struct Case {
    text: String,
    facts: PathBuf,
}

fn corpus() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<Case> = SEEDS
        .iter()
        .map(|s| Case {
            text: s.to_string(),
            facts: root.join("tests/programs"),
        })
        .collect();
    for dir in ["tests/programs", "tests/errors"] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for path in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dl"))
        {
            if let Ok(text) = fs::read_to_string(path) {
                cases.push(Case {
                    text,
                    facts: path.with_extension("facts"),
                });
            }
        }
    }
    cases
}

/// What happened to one input.
enum Outcome {
    Evaluated,
    Rejected(Vec<&'static str>),
}

fn check_diagnostic(d: &Diagnostic, sources: &SourceMap) -> Result<(), String> {
    let kebab = !d.code.as_str().is_empty()
        && d.code
            .as_str()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !kebab {
        return Err(format!("diagnostic without a kebab-case code: {d:?}"));
    }
    if let Some(span) = d.span {
        let text = &sources.file(span.source).text;
        let (s, e) = (span.start as usize, span.end as usize);
        if s > e || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            return Err(format!("bad span {s}..{e} in {d}"));
        }
    }
    let rendered = d.render(sources);
    if !rendered.starts_with(&format!("error[{}]", d.code)) {
        return Err(format!("diagnostic renders without its code: {rendered}"));
    }
    Ok(())
}

/// Evaluates with the time bound: a watchdog sets the cancel flag unless
/// the evaluation ends first.
fn evaluate_bounded(program: &sleuth::ir::Program, db: &mut Database) -> Result<(), Diagnostic> {
    let cancel = Arc::new(AtomicBool::new(false));
    let (done, wait) = mpsc::channel::<()>();
    let flag = Arc::clone(&cancel);
    let watchdog = std::thread::spawn(move || {
        if wait.recv_timeout(TIME_BOUND).is_err() {
            flag.store(true, Ordering::Relaxed);
        }
    });
    let options = EvalOptions {
        max_tuples: MAX_TUPLES,
        cancel: Some(cancel),
        threads: 1,
        ..EvalOptions::default()
    };
    let result = eval::evaluate(program, db, &options).map(|_| ());
    let _ = done.send(());
    let _ = watchdog.join();
    result
}

/// Runs the pipeline on one input and checks every property.
fn run(case: &Case) -> Result<Outcome, String> {
    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.dl", case.text.clone());
    let program = match parse(&sources, id).and_then(|m| check(&sources, &[m])) {
        Ok(p) => p,
        Err(diags) => {
            if diags.is_empty() {
                return Err("rejected without a diagnostic".into());
            }
            for d in &diags.0 {
                check_diagnostic(d, &sources)?;
            }
            return Ok(Outcome::Rejected(diags.codes()));
        }
    };
    verify(&program).map_err(|e| format!("checked program breaks an invariant: {e}"))?;
    let mut db = Database::new(&program);
    let loaded = db
        .load_program_facts(&program)
        .and_then(|_| tsv::read_inputs(&program, &mut db, &case.facts).map(|_| ()));
    if let Err(d) = loaded.and_then(|_| evaluate_bounded(&program, &mut db)) {
        check_diagnostic(&d, &sources)?;
        return Ok(Outcome::Rejected(vec![d.code.as_str()]));
    }
    for (rel, r) in program.relations.iter().enumerate() {
        let types = r.types();
        for tuple in db.tuples(rel) {
            let got: Vec<_> = tuple.iter().map(|v| v.ty()).collect();
            if got != types {
                return Err(format!(
                    "`{}` holds {tuple:?}, its columns are {types:?}",
                    r.name
                ));
            }
        }
    }
    let mut out = Vec::new();
    tsv::write_outputs(&program, &db, tsv::OutputTarget::Writer(&mut out))
        .map_err(|d| format!("outputs cannot be written: {d}"))?;
    Ok(Outcome::Evaluated)
}

#[test]
fn seeds_evaluate_cleanly() {
    for seed in SEEDS {
        let case = Case {
            text: seed.to_string(),
            facts: PathBuf::from("."),
        };
        match run(&case) {
            Ok(Outcome::Evaluated) => {}
            Ok(Outcome::Rejected(codes)) => panic!("seed rejected with {codes:?}: {seed}"),
            Err(e) => panic!("seed fails: {e}\n{seed}"),
        }
    }
}

#[test]
fn evaluator_survives_fuzzing() {
    let iterations = support::cases(1500);
    let mut rng = Rng(support::env_number("SLEUTH_FUZZ_SEED", 0xE7A1));
    let corpus = corpus();
    let quiet = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut evaluated = 0u64;
    let mut codes = BTreeMap::<&str, u64>::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    for _ in 0..iterations {
        // A fifth of the inputs start from a fresh program of the shared
        // generator (some with expressions that fail at run time).
        let generated;
        let base = if rng.below(5) == 0 {
            let options = Options {
                errors: rng.below(2) == 0,
                ..Options::default()
            };
            generated = Case {
                text: generate(rng.next(), &options),
                facts: PathBuf::from("."),
            };
            &generated
        } else {
            rng.pick(&corpus)
        };
        let mut text = base.text.clone();
        for _ in 0..1 + rng.below(2) {
            text = mutate(&mut rng, &text);
        }
        let case = Case {
            text,
            facts: base.facts.clone(),
        };
        let failure = match panic::catch_unwind(AssertUnwindSafe(|| run(&case))) {
            Ok(Ok(Outcome::Evaluated)) => {
                evaluated += 1;
                None
            }
            Ok(Ok(Outcome::Rejected(cs))) => {
                cs.into_iter()
                    .for_each(|c| *codes.entry(c).or_default() += 1);
                None
            }
            Ok(Err(e)) => Some(e),
            Err(payload) => Some(format!(
                "panic: {}",
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(f) = failure {
            failures.push((f, case.text));
        }
    }
    panic::set_hook(quiet);
    eprintln!("fuzz_eval: {iterations} inputs, {evaluated} evaluated, errors by code: {codes:?}");
    assert!(
        iterations < 100 || evaluated * 10 >= iterations,
        "too few inputs evaluate ({evaluated} of {iterations}): the mutations are too harsh"
    );
    if let Some((why, text)) = failures.first() {
        panic!(
            "{} of {iterations} inputs failed; first: {why}\ninput: {text:?}",
            failures.len()
        );
    }
}
