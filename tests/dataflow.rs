//! This module defines the tests of `--engine dataflow`: the random
//! stratified programs of the differential test give the interpreter's
//! relations at one and two workers in one process (through the library)
//! and at two processes on loopback (through the binary); the benchmark
//! workloads agree tuple for tuple; symbols made and read on different
//! processes keep their text; a runtime error on one process stops both;
//! a killed process makes the other exit.
//!
//! `SLEUTH_FUZZ_CASES=N` runs N random programs per worker count (and
//! N / 4 across processes); `SLEUTH_DATAFLOW_SIZES=small,medium` runs the
//! workloads at those sizes (small by default).
#![cfg(feature = "dataflow")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sleuth::dataflow::{Cluster, run};
use sleuth::eval::{self, Database, EvalOptions};
use sleuth::ir::Program;
use support::agree::compile;
use support::programs::{Options, generate};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sleuth-dataflow-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The interpreter's relations, or the code of its runtime error.
fn interpret(program: &Program) -> Result<Database, &'static str> {
    let mut db = Database::new(program);
    db.load_program_facts(program)
        .map_err(|d| d.code.as_str())?;
    eval::evaluate(program, &mut db, &EvalOptions::default()).map_err(|d| d.code.as_str())?;
    Ok(db)
}

/// Every relation of the program.
fn all_relations(program: &Program) -> Vec<usize> {
    (0..program.relations.len()).collect()
}

/// Runs `program` on `workers` threads; compares with the interpreter.
fn agrees_in_process(text: &str, workers: usize, facts: &Path) -> Result<(), String> {
    let (program, sources) = compile(text)?;
    let expected = interpret(&program);
    let cluster = Cluster {
        workers,
        processes: 1,
        ..Cluster::default()
    };
    let got = run(&program, facts, &cluster, &all_relations(&program));
    match (expected, got) {
        (Err(_), Err(_)) => Ok(()),
        (Err(code), Ok(_)) => Err(format!(
            "the interpreter failed with `{code}`, dataflow did not"
        )),
        (Ok(_), Err(d)) => Err(format!("dataflow failed:\n{}", d.render(&sources))),
        (Ok(db), Ok(g)) => {
            let g = g.ok_or("process 0 gathers nothing")?;
            for (rel, r) in program.relations.iter().enumerate() {
                let (a, b) = (db.tuples(rel), g.db.tuples(rel));
                if a != b {
                    return Err(format!(
                        "relation {}: interpreter {a:?}, dataflow {b:?}",
                        r.name
                    ));
                }
                if g.sizes.get(&rel).copied().unwrap_or(0) != a.len() as u64 {
                    return Err(format!(
                        "relation {}: size {:?}, {} tuples",
                        r.name,
                        g.sizes.get(&rel),
                        a.len()
                    ));
                }
            }
            Ok(())
        }
    }
}

fn random_programs_agree(workers: usize, errors: bool) {
    let n = support::cases(60);
    let facts = temp_dir(&format!("random-{workers}-{errors}"));
    let options = Options {
        errors,
        ..Options::default()
    };
    let seed = support::env_number("SLEUTH_DIFF_SEED", 0xDA7A_F10E) ^ u64::from(errors);
    for i in 0..n {
        let text = generate(seed + i, &options);
        if let Err(e) = agrees_in_process(&text, workers, &facts) {
            panic!(
                "program {i} (seed {}), -w {workers}:\n{text}\n{e}",
                seed + i
            );
        }
    }
}

#[test]
fn random_programs_agree_at_one_worker() {
    random_programs_agree(1, false);
}

#[test]
fn random_programs_agree_at_two_workers() {
    random_programs_agree(2, false);
}

#[test]
fn random_programs_with_runtime_errors_agree_at_two_workers() {
    random_programs_agree(2, true);
}

fn sleuth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sleuth"))
}

/// A host file for two processes on loopback ports `port` and `port + 1`.
fn hosts(dir: &Path, port: u16) -> PathBuf {
    let file = dir.join(format!("hosts-{port}"));
    std::fs::write(&file, format!("127.0.0.1:{port}\n127.0.0.1:{}\n", port + 1))
        .expect("host file");
    file
}

/// Starts process `p` of a two-process run.
fn start(
    program: &Path,
    facts: &Path,
    out: &Path,
    hostfile: &Path,
    p: usize,
    extra: &[&str],
) -> Child {
    sleuth()
        .arg("run")
        .arg(program)
        .arg("-F")
        .arg(facts)
        .arg("-D")
        .arg(out)
        .args([
            "--engine",
            "dataflow",
            "-n",
            "2",
            "-p",
            &p.to_string(),
            "-h",
        ])
        .arg(hostfile)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sleuth starts")
}

/// Runs both processes of a two-process run to their end.
fn two_processes(
    program: &Path,
    facts: &Path,
    out: &Path,
    port: u16,
    extra: &[&str],
) -> (Output, Output) {
    let hostfile = hosts(out.parent().expect("a parent"), port);
    std::fs::create_dir_all(out).expect("out dir");
    let first = start(program, facts, out, &hostfile, 0, extra);
    std::thread::sleep(Duration::from_millis(50));
    let second = start(program, facts, out, &hostfile, 1, extra);
    let a = first.wait_with_output().expect("process 0 ends");
    let b = second.wait_with_output().expect("process 1 ends");
    (a, b)
}

/// The interpreter's run of the same program.
fn interpreted(program: &Path, facts: &Path, out: &Path) -> Output {
    std::fs::create_dir_all(out).expect("out dir");
    sleuth()
        .arg("run")
        .arg(program)
        .arg("-F")
        .arg(facts)
        .arg("-D")
        .arg(out)
        .args(["--engine", "interpreted"])
        .output()
        .expect("sleuth runs")
}

/// The files of a directory, by name, with their content.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).expect("text"),
            )
        })
        .collect();
    all.sort();
    all
}

/// `text` with an `.output` directive for every relation.
fn with_outputs(text: &str) -> String {
    let (program, _) = compile(text).expect("compiles");
    let mut text = text.to_string();
    for r in program.relations.iter().filter(|r| !r.is_query) {
        text.push_str(&format!("\n.output {}\n", r.name));
    }
    text
}

/// The interpreter and two processes agree on `text` over `facts`: the
/// same output files, the same printed sizes, or both failing.
fn agree_across_processes(name: &str, text: &str, facts: &Path, port: u16) -> Result<(), String> {
    let dir = temp_dir(name);
    let program = dir.join("p.dl");
    std::fs::write(&program, text).expect("program written");
    let want = interpreted(&program, facts, &dir.join("want"));
    let (a, b) = two_processes(&program, facts, &dir.join("got"), port, &[]);
    let result = if !want.status.success() {
        if a.status.success() || b.status.success() {
            Err(format!(
                "the interpreter failed, the processes did not:\n{}",
                String::from_utf8_lossy(&want.stderr)
            ))
        } else {
            Ok(())
        }
    } else if !a.status.success() || !b.status.success() {
        Err(format!(
            "a process failed:\n{}\n{}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        ))
    } else if want.stdout != a.stdout {
        Err(format!(
            "printed sizes differ:\n{}\n---\n{}",
            String::from_utf8_lossy(&want.stdout),
            String::from_utf8_lossy(&a.stdout)
        ))
    } else if !b.stdout.is_empty() {
        Err("process 1 printed results".to_string())
    } else if files(&dir.join("want")) != files(&dir.join("got")) {
        Err("output files differ".to_string())
    } else {
        Ok(())
    };
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

#[test]
fn random_programs_agree_across_two_processes() {
    let n = (support::cases(60) / 3).max(20);
    let facts = temp_dir("random-n2-facts");
    let seed = support::env_number("SLEUTH_DIFF_SEED", 0xDA7A_F10E) ^ 0x2;
    for i in 0..n {
        let text = with_outputs(&generate(seed + i, &Options::default()));
        // Ports 24100..24300, reused in turn (the runs are one after another).
        let port = 24100 + 2 * (i % 100) as u16;
        if let Err(e) = agree_across_processes(&format!("random-n2-{i}"), &text, &facts, port) {
            panic!("program {i} (seed {}):\n{text}\n{e}", seed + i);
        }
    }
}

/// Symbols read from a file split between the processes, compared as text,
/// minimised and maximised, cut, joined and parsed, made on one process
/// and read on the other in a later stratum, and written out.
#[test]
fn symbols_keep_their_text_across_processes() {
    let dir = temp_dir("symbols");
    let facts = dir.join("facts");
    std::fs::create_dir_all(&facts).expect("facts dir");
    let mut lines = String::new();
    for i in 0..400 {
        lines.push_str(&format!("n{:03}x{}\t{}\n", (i * 37) % 400, i % 7, i % 5));
    }
    std::fs::write(facts.join("name.facts"), lines).expect("facts written");
    let text = r#"
.decl name(n: symbol, k: number)
.input name
.decl before(a: symbol, b: symbol)
before(A, B) :- name(A, 1), name(B, 2), A < B, substr(A, 1, 1) = "0".
.decl least(k: number, m: symbol)
least(K, M) :- name(_, K), M = min N : { name(N, K) }.
.decl most(k: number, m: symbol)
most(K, M) :- name(_, K), M = max N : { name(N, K) }.
.decl joined(s: symbol)
joined(cat(A, "+", B)) :- name(A, 3), name(B, 4), substr(A, 1, 2) = substr(B, 1, 2).
.decl lengths(s: symbol, n: number)
lengths(S, strlen(S)) :- joined(S).
.decl parsed(s: symbol, n: number)
parsed(A, to_number(substr(A, 1, 3))) :- name(A, 0).
.decl ordered(a: symbol, b: symbol)
ordered(A, B) :- joined(A), joined(B), A < B, strlen(A) = 11.
.output before
.output least
.output most
.output joined
.output lengths
.output parsed
.output ordered
"#;
    agree_across_processes("symbols-run", text, &facts, 24400).expect("the processes agree");
}

/// A division by zero on a line only the second process reads.
#[test]
fn a_runtime_error_on_one_process_stops_both() {
    let dir = temp_dir("error");
    let mut lines = String::new();
    for i in 1..2000 {
        lines.push_str(&format!("{i}\n"));
    }
    lines.push_str("0\n");
    std::fs::write(dir.join("d.facts"), lines).expect("facts written");
    let program = dir.join("p.dl");
    std::fs::write(
        &program,
        ".decl d(x: number)\n.input d\n.decl q(x: number)\nq(100 / X) :- d(X).\n.printsize q\n",
    )
    .expect("program written");
    let (a, b) = two_processes(&program, &dir, &dir.join("out"), 24500, &[]);
    for (p, out) in [(0, &a), (1, &b)] {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "process {p} succeeded");
        assert!(
            err.contains("error[division-by-zero]"),
            "process {p} said:\n{err}"
        );
        assert!(out.stdout.is_empty(), "process {p} printed results");
    }
}

/// A long run whose second process is killed: the first exits, with
/// `peer-lost`, instead of waiting for ever.
#[test]
fn a_killed_process_makes_the_other_exit() {
    let dir = temp_dir("killed");
    let mut edges = String::new();
    for i in 0..3000 {
        edges.push_str(&format!("{i}\t{}\n", i + 1));
    }
    std::fs::write(dir.join("edge.facts"), edges).expect("facts written");
    let program = dir.join("p.dl");
    std::fs::write(
        &program,
        ".decl edge(x: number, y: number)\n.input edge\n.decl path(x: number, y: number)\n\
         path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\n.printsize path\n",
    )
    .expect("program written");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out dir");
    let hostfile = hosts(&dir, 24600);
    let mut first = start(&program, &dir, &out, &hostfile, 0, &[]);
    std::thread::sleep(Duration::from_millis(50));
    let mut second = start(&program, &dir, &out, &hostfile, 1, &[]);
    // Time to connect (a retry takes a second) and to be well into the run.
    std::thread::sleep(Duration::from_millis(4000));
    second.kill().expect("killed");
    let _ = second.wait();
    let began = Instant::now();
    let status = loop {
        if let Some(status) = first.try_wait().expect("waits") {
            break status;
        }
        if began.elapsed() > Duration::from_secs(30) {
            let _ = first.kill();
            panic!("process 0 still runs 30 s after its peer was killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success(), "process 0 succeeded without its peer");
    let mut err = String::new();
    use std::io::Read;
    first
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("text");
    assert!(err.contains("error[peer-lost]"), "process 0 said:\n{err}");
}

/// The benchmark workloads, when the shared generator is at hand.
fn workload_data(size: &str) -> Option<PathBuf> {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen.py");
    if !generator.exists() {
        eprintln!(
            "note: {} is missing; the workload test is skipped",
            generator.display()
        );
        return None;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/dataflow-test-data");
    if !dir.join(format!("events-{size}")).exists() {
        let made = Command::new("python3")
            .arg(&generator)
            .arg("--out")
            .arg(&dir)
            .args(["--size", size])
            .output()
            .ok()?;
        if !made.status.success() {
            eprintln!("note: gen.py failed; the workload test is skipped");
            return None;
        }
    }
    Some(dir)
}

/// A benchmark program with its derived relations written out.
fn workload_program(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("benches/programs/{name}.dl"));
    let text = std::fs::read_to_string(path).expect("benchmark program");
    let (program, _) = compile(&text).expect("compiles");
    let mut text = text.clone();
    for s in &program.strata {
        for &r in &s.relations {
            text.push_str(&format!("\n.output {}\n", program.relations[r].name));
        }
    }
    text
}

/// The sizes of the workload test: small, or those `SLEUTH_DATAFLOW_SIZES`
/// lists (`small,medium` for the longer run).
fn workload_sizes() -> Vec<String> {
    std::env::var("SLEUTH_DATAFLOW_SIZES")
        .unwrap_or_else(|_| "small".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn workloads_agree_at_two_workers_and_two_processes() {
    for size in workload_sizes() {
        workloads_agree(&size);
    }
}

fn workloads_agree(size: &str) {
    let Some(data) = workload_data(size) else {
        return;
    };
    for (i, name) in ["tc", "sg", "events"].into_iter().enumerate() {
        let text = workload_program(name);
        let facts = data.join(format!("{name}-{size}"));
        // As benchmarked: `.printsize` only, so derived rows are counted, not kept.
        let plain = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("benches/programs/{name}.dl")),
        )
        .expect("benchmark program");
        agree_across_processes(
            &format!("{name}-sizes"),
            &plain,
            &facts,
            24800 + 2 * i as u16,
        )
        .unwrap_or_else(|e| panic!("{name}-{size} sizes across processes: {e}"));
        agree_across_processes(&format!("{name}-n2"), &text, &facts, 24700 + 2 * i as u16)
            .unwrap_or_else(|e| panic!("{name}-{size} across processes: {e}"));
        let (program, _) = compile(&text).expect("compiles");
        let want = interpret_with_inputs(&program, &facts);
        let got = run(
            &program,
            &facts,
            &Cluster {
                workers: 2,
                processes: 1,
                ..Cluster::default()
            },
            &all_relations(&program),
        )
        .expect("runs")
        .expect("gathered");
        for (rel, r) in program.relations.iter().enumerate() {
            assert_eq!(
                want.tuples(rel),
                got.db.tuples(rel),
                "{name}-{size} -w 2: {}",
                r.name
            );
        }
    }
}

fn interpret_with_inputs(program: &Program, facts: &Path) -> Database {
    let mut db = Database::new(program);
    db.load_program_facts(program).expect("facts");
    sleuth::io::tsv::read_inputs(program, &mut db, facts).expect("inputs");
    eval::evaluate(program, &mut db, &EvalOptions::default()).expect("evaluates");
    db
}

/// What needs the whole database on one machine is refused by name.
#[test]
fn what_the_engine_does_not_do_is_an_error() {
    let dir = temp_dir("refused");
    let program = dir.join("p.dl");
    std::fs::write(&program, ".decl p(x: number)\np(1).\n.printsize p\n").expect("program written");
    for (flags, says) in [
        (
            &["--provenance"][..],
            "--provenance is not supported with --engine dataflow",
        ),
        (
            &["--max-tuples", "10"][..],
            "--max-tuples is not supported with --engine dataflow",
        ),
    ] {
        let out = sleuth()
            .arg("run")
            .arg(&program)
            .args(["--engine", "dataflow"])
            .args(flags)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("error[unsupported]") && err.contains(says),
            "{err}"
        );
    }
    for command in [
        &["query", "--engine", "dataflow", "?- p(X)."][..],
        &["repl", "--engine", "dataflow"][..],
    ] {
        let out = sleuth()
            .args(command)
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("runs programs with `sleuth run` only"),
            "{err}"
        );
    }
    let out = sleuth()
        .arg("run")
        .arg(&program)
        .args(["--engine", "dataflow", "-w", "2"])
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "p\t1\n");
}

/// Cluster flags that cannot work are `bad-argument` before anything runs:
/// no workers, a process index past the last, a host file with too few or
/// malformed lines (by line number), and the flags without the engine.
#[test]
fn cluster_flags_that_cannot_work_are_errors() {
    let dir = temp_dir("cluster-flags");
    let program = dir.join("p.dl");
    std::fs::write(&program, ".decl p(x: number)\np(1).\n.printsize p\n").expect("program written");
    let short = dir.join("short.txt");
    std::fs::write(&short, "127.0.0.1:24700\n").expect("host file written");
    let malformed = dir.join("malformed.txt");
    std::fs::write(&malformed, "\n127.0.0.1:24700\nhost-without-port\n")
        .expect("host file written");
    let (short, malformed) = (short.display().to_string(), malformed.display().to_string());
    for (flags, says) in [
        (
            vec!["-w", "2"],
            "-w, -n, -p and -h are the dataflow engine's flags",
        ),
        (
            vec!["--engine", "dataflow", "-w", "0"],
            "-w 0: a run needs at least one",
        ),
        (
            vec!["--engine", "dataflow", "-n", "2", "-p", "2"],
            "-p 2 is not below -n 2",
        ),
        (
            vec!["--engine", "dataflow", "-n", "2", "-p", "0", "-h", &short],
            "has 1 host:port line, -n asks for 2",
        ),
        (
            vec![
                "--engine", "dataflow", "-n", "2", "-p", "0", "-h", &malformed,
            ],
            "malformed.txt:3: `host-without-port` is not host:port",
        ),
    ] {
        let out = sleuth()
            .arg("run")
            .arg(&program)
            .args(&flags)
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("error[bad-argument]") && err.contains(says),
            "{flags:?}: {err}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
