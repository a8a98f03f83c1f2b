//! Fuzz harness over the front end (parser and checker): arbitrary text,
//! byte-level and token-level mutations of valid programs, splices and
//! deeply nested inputs. For each input: no panic; a program that checks
//! passes `check::verify`; every diagnostic has a help line, a span inside
//! its text and renders. A stack overflow or an endless loop shows as a
//! crashed or hanging test.
//!
//! Besides mutations, a fifth of the inputs are programs of the shared
//! generator (`support/programs.rs`), as written or mutated.
//!
//! `SLEUTH_FUZZ_CASES=N` sets the number of inputs (3,000 by default),
//! `SLEUTH_FUZZ_SEED=S` the seed; a long run is best in release mode:
//! `SLEUTH_FUZZ_CASES=300000 cargo test --release --test fuzz_front`.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use sleuth::check::{check, verify};
use sleuth::syntax::{lexer, parse};
use sleuth::{Diagnostics, SourceMap};
use support::programs::{Options, generate};
use support::rng::Rng;

mod support;

const SEEDS: &[&str] = &[
    ".decl edge(x:number, y:number)\n.input edge(filename=\"edge.tsv\")\n.decl path(x:number, y:number)\n.printsize path\npath(x, y) :- edge(x, y).\npath(x, z) :- path(x, y), edge(y, z).\n",
    ".decl parent(p:number, c:number)\n.input parent\nsg(x, y) :- parent(p, x), parent(p, y), x != y.\nsg(x, y) :- parent(a, x), sg(a, b), parent(b, y).\n.output sg\n",
    "e(1, 2). e(2, 3). ok().\nn(0).\nn(X + 1) :- n(X), X < 10.\nodd(X) :- n(X), X % 2 = 1.\neven(X) :- n(X), !odd(X).\n?- even(X), X > 2.\n",
    ".type Person <: symbol\n.type Month = date\n.decl member(p: Person, cell: symbol) btree\n.decl seen(p: Person, m: Month)\n.decl same(a: Person, b: Person) eqrel\nmember(\"a\", \"c1\"). seen(\"a\", \"2024-02\").\nsame(A, B) :- member(A, C), member(B, C).\nsize(C, N) :- member(_, C), N = count : { member(_, C) }.\nfirst(P, M) :- seen(P, _), M = min D : seen(P, D).\nrecent(P) :- seen(P, M), M >= \"2024-01\", year(M) = 2024.\ntag(P, T) :- member(P, C), T = cat(P, \"@\", C), strlen(T) > 3, contains(\"@\", T).\neither(P) :- member(P, \"c1\") ; seen(P, _).\nboth(P), also(P) :- member(P, _), seen(P, _).\n",
    "w(1.5). w(2).\ns(S) :- S = sum X : { w(X) }.\nm(M) :- w(X), M = max(X, 1.0, -X).\nt(T) :- w(X), T = to_string(X), U = to_number(\"7\"), U > 2, to_float(U) < X.\nd(D) :- D = add_months(\"2024-01-31\", 1), months_between(D, \"2025-01\") > 0.\n",
    "// comment\n/* block */ a(\"esc \\\" \\\\ \\n \\t\", 0x1F, -9223372036854775808).\nb(X) :- a(X, _, _), (X = \"x\" ; X != \"y\"), not a(X, 1, 2).\n.output b(IO=file, filename=\"b.tsv\")\n.pragma \"legacy\"\n.plan 0:(1,2)\n",
];

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    ".",
    ":-",
    "?-",
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
    ":",
    "{",
    "}",
    ";",
    "_",
    "X",
    "Y",
    "Z",
    "edge",
    "path",
    "count",
    "sum",
    "min",
    "max",
    "mean",
    "cat",
    "contains",
    "strlen",
    "substr",
    "to_string",
    "year",
    "add_months",
    "1",
    "-1",
    "0",
    "0x10",
    "0b2",
    "1.5",
    "1e999",
    "\"a\"",
    "\"2024-02\"",
    "\"2024-13\"",
    "\"\"",
    ".decl",
    ".type",
    ".input",
    ".output",
    ".printsize",
    ".pragma",
    ".comp",
    ".plan",
    "number",
    "symbol",
    "float",
    "date",
    "unsigned",
    "eqrel",
    "btree",
    "<:",
    "|",
    "[",
    "]",
    "@f",
    "/*",
    "*/",
    "//",
    "\n",
    "\"",
    "\\",
    "é",
    "9223372036854775808",
    "#include",
    "filename=",
    "IO=",
    "delimiter=",
    " ",
];

/// A fresh input: one of several generators and mutators.
fn input(rng: &mut Rng, corpus: &[String]) -> String {
    let seed = rng.pick(corpus).clone();
    match rng.below(10) {
        8 => generate(rng.next(), &generated_options(rng)),
        9 => {
            let valid = generate(rng.next(), &generated_options(rng));
            mutate_tokens(rng, &valid)
        }
        0 => random_text(rng),
        1 => token_soup(rng),
        2 | 3 => mutate_tokens(rng, &seed),
        4 => mutate_chars(rng, &seed),
        5 => {
            let other = rng.pick(corpus).clone();
            splice(rng, &seed, other)
        }
        6 => nested(rng),
        _ => {
            let mut text = seed;
            for _ in 0..1 + rng.below(4) {
                text = mutate_tokens(rng, &text);
            }
            text
        }
    }
}

fn random_text(rng: &mut Rng) -> String {
    let n = rng.below(120);
    if rng.below(3) == 0 {
        // Arbitrary bytes, read the way a file with invalid UTF-8 would be.
        let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    (0..n)
        .map(|_| match rng.below(10) {
            0 => char::from_u32(rng.below(0x11000) as u32).unwrap_or('?'),
            1 => *rng.pick(&['\0', '\r', '\t', '\u{feff}', 'ü', '😀']),
            _ => (0x20 + rng.below(0x5f) as u8) as char,
        })
        .collect()
}

fn token_soup(rng: &mut Rng) -> String {
    let n = rng.below(60);
    let mut out = String::new();
    for _ in 0..n {
        let token: &&str = rng.pick(TOKENS);
        out.push_str(token);
        if rng.below(3) == 0 {
            out.push(' ');
        }
    }
    out
}

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

fn mutate_tokens(rng: &mut Rng, text: &str) -> String {
    let mut p = pieces(text);
    let edits = 1 + rng.below(3);
    for _ in 0..edits {
        let n = p.len();
        match rng.below(5) {
            0 if n > 0 => {
                p.remove(rng.below(n));
            }
            1 => p.insert(rng.below(n + 1), format!(" {}", rng.pick(TOKENS))),
            2 if n > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                p.swap(a, b);
            }
            3 if n > 0 => {
                let start = rng.below(n);
                let end = (start + 1 + rng.below(8)).min(n);
                let copy: Vec<String> = p[start..end].to_vec();
                let at = rng.below(n + 1);
                p.splice(at..at, copy);
            }
            _ if n > 0 => {
                let i = rng.below(n);
                p[i] = format!(" {}", rng.pick(TOKENS));
            }
            _ => {}
        }
    }
    p.concat()
}

fn mutate_chars(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let n = chars.len();
        match rng.below(3) {
            0 if n > 0 => {
                chars.remove(rng.below(n));
            }
            1 => chars.insert(rng.below(n + 1), (0x20 + rng.below(0x5f) as u8) as char),
            _ if n > 0 => {
                let i = rng.below(n);
                chars[i] = (0x20 + rng.below(0x5f) as u8) as char;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn splice(rng: &mut Rng, a: &str, b: String) -> String {
    let (pa, pb) = (pieces(a), pieces(&b));
    let cut_a = rng.below(pa.len() + 1);
    let cut_b = rng.below(pb.len() + 1);
    let mut out = pa[..cut_a].concat();
    out.push_str(&pb[cut_b..].concat());
    out
}

/// Deep or long constructs: parentheses, operator chains, groups,
/// aggregates, negative literals.
fn nested(rng: &mut Rng) -> String {
    let depth = rng.below(400);
    let (open, close) = match rng.below(5) {
        0 => ("(".repeat(depth), ")".repeat(depth)),
        1 => (String::new(), " + 1".repeat(depth)),
        2 => ("X = count : { ".repeat(depth), " }".repeat(depth)),
        3 => ("-".repeat(depth), String::new()),
        _ => ("min(1, ".repeat(depth), ")".repeat(depth)),
    };
    match rng.below(2) {
        0 => format!("a(X) :- b(X), X = {open}1{close}.\nb(1).\n"),
        _ => format!("a(X) :- {open}b(X){close}.\nb(1).\n"),
    }
}

/// Options for a program of the shared generator: valid programs over the
/// whole language, some with expressions that fail at run time.
fn generated_options(rng: &mut Rng) -> Options {
    Options {
        errors: rng.below(2) == 0,
        ..Options::default()
    }
}

/// What one input led to.
#[derive(Debug)]
enum Outcome {
    Checked,
    Rejected(Vec<&'static str>),
}

/// Runs the front end on `text` (split into two modules at a line when
/// `split` is set) and checks every property; `Err` describes a failure.
fn run(text: &str, split: Option<usize>) -> Result<Outcome, String> {
    let mut sources = SourceMap::new();
    let ids = match split {
        Some(at) => {
            let at = text
                .char_indices()
                .map(|(i, _)| i)
                .find(|&i| i >= at)
                .unwrap_or(text.len());
            vec![
                sources.add("a.dl", &text[..at]),
                sources.add("b.dl", &text[at..]),
            ]
        }
        None => vec![sources.add("fuzz.dl", text)],
    };
    let mut modules = Vec::new();
    let mut errors = Vec::new();
    for &id in &ids {
        match parse(&sources, id) {
            Ok(m) => modules.push(m),
            Err(e) => errors.extend(e.0),
        }
    }
    let result = if errors.is_empty() {
        check(&sources, &modules)
    } else {
        Err(Diagnostics(errors))
    };
    match result {
        Ok(program) => {
            verify(&program).map_err(|e| format!("checked program breaks an invariant: {e}"))?;
            Ok(Outcome::Checked)
        }
        Err(diags) => {
            if diags.is_empty() {
                return Err("rejected without a diagnostic".into());
            }
            for d in &diags.0 {
                if d.help.is_none() {
                    return Err(format!("diagnostic without help: {d}"));
                }
                if let Some(span) = d.span {
                    let text = &sources.file(span.source).text;
                    let (s, e) = (span.start as usize, span.end as usize);
                    if s > e
                        || e > text.len()
                        || !text.is_char_boundary(s)
                        || !text.is_char_boundary(e)
                    {
                        return Err(format!("bad span {s}..{e} in {d}"));
                    }
                }
            }
            if diags.render(&sources).is_empty() {
                return Err("empty rendering".into());
            }
            Ok(Outcome::Rejected(diags.codes()))
        }
    }
}

fn corpus() -> Vec<String> {
    let mut corpus: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    if let Ok(entries) = fs::read_dir(dir) {
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for path in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dl"))
        {
            if let Ok(text) = fs::read_to_string(path) {
                corpus.push(text);
            }
        }
    }
    corpus
}

#[test]
fn seeds_check_cleanly() {
    for seed in SEEDS {
        assert!(
            matches!(run(seed, None), Ok(Outcome::Checked)),
            "seed does not check: {seed}"
        );
    }
}

#[test]
fn front_end_survives_fuzzing() {
    let iterations = support::cases(3000);
    let mut rng = Rng(support::env_number("SLEUTH_FUZZ_SEED", 0x5EED));
    let corpus = corpus();
    let quiet = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let (mut checked, mut codes) = (0u64, BTreeMap::<&str, u64>::new());
    let mut failures: Vec<(String, String)> = Vec::new();
    for _ in 0..iterations {
        let text = input(&mut rng, &corpus);
        let split = (rng.below(4) == 0).then(|| rng.below(text.len() + 1));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| run(&text, split)));
        let failure = match outcome {
            Ok(Ok(Outcome::Checked)) => {
                checked += 1;
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
            failures.push((f, text));
        }
    }
    panic::set_hook(quiet);
    eprintln!(
        "fuzz_front: {iterations} inputs, {checked} checked cleanly, diagnostics by code: {codes:?}"
    );
    if let Some((why, text)) = failures.first() {
        panic!(
            "{} of {iterations} inputs failed; first: {why}\ninput: {text:?}",
            failures.len()
        );
    }
}
