//! Every proof the explainer prints is valid (see `explain/support.rs` for
//! what is checked, node by node, and how the engine itself confirms each
//! rule instance): for every tuple of every derived relation of the rule
//! library on the report's data, in both the proof of least height and the
//! strongest proof; and on random programs: small ones over numbers
//! (recursion, negation, comparisons, aggregates), small ones over symbols
//! with `contains` and `match` tests and their negations (in bodies and in
//! aggregates), and random rules added to the report's workspace (graded
//! facts, library relations, negation).
//!
//! `SLEUTH_EXPLAIN_ITERS=N` sets the number of random programs of each kind
//! (40 by default), `SLEUTH_EXPLAIN_SEED=S` the first seed.

#[path = "explain/support.rs"]
mod support;

use sleuth::Type;
use sleuth::provenance::{ExplainOptions, Explainer};
use sleuth::session::Workspace;
use support::{Instances, check_proof, confirm, derived_relations, fact_text};

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Explains every tuple of `rels`, checks each proof, then has the engine
/// confirm every rule instance. Returns (proofs, instances confirmed).
fn explain_all(
    ws: &mut Workspace,
    rels: &[usize],
    strongest: bool,
    context: &str,
) -> (usize, usize) {
    let opts = ExplainOptions {
        strongest,
        max_depth: 10_000,
        max_nodes: 1_000_000,
        ..ExplainOptions::default()
    };
    let facts: Vec<String> = rels
        .iter()
        .flat_map(|&r| {
            let name = ws.program().relations[r].name.clone();
            ws.database()
                .tuples(r)
                .into_iter()
                .map(move |t| fact_text(&name, &t))
        })
        .collect();
    let mut instances = Instances::default();
    {
        let mut ex = Explainer::new(ws);
        for f in &facts {
            let proof = ex
                .why(f, &opts)
                .unwrap_or_else(|e| panic!("{context}\n{f} cannot be explained:\n{e}"));
            assert_eq!(&proof.conclusion().to_string(), f, "{context}");
            assert!(!proof.is_cut(), "{context}\n{f}: proof cut without a bound");
            check_proof(ws, &proof, &mut instances);
        }
    }
    let confirmed = confirm(ws, &instances);
    (facts.len(), confirmed)
}

#[test]
fn every_proof_of_least_height_over_the_report_is_valid() {
    let mut ws = Workspace::embedded().expect("the embedded library loads");
    let rels = derived_relations(&ws);
    let (proofs, confirmed) = explain_all(&mut ws, &rels, false, "report");
    assert!(proofs > 150, "only {proofs} derived tuples");
    assert!(confirmed > 100, "only {confirmed} rule instances");
}

#[test]
fn every_strongest_proof_over_the_report_is_valid() {
    let mut ws = Workspace::embedded().expect("the embedded library loads");
    let rels = derived_relations(&ws);
    let (proofs, _) = explain_all(&mut ws, &rels, true, "report, strongest");
    assert!(proofs > 150);
}

/// A random stratifiable program over numbers: base `e/2`, `f/1`, derived
/// `p0/2`, `p1/1`, `p2/2`, `p3/1`; rule `pk` may read `pj` for `j <= k`
/// (recursion) and negate base relations or `pj` for `j < k`.
fn number_program(rng: &mut Rng) -> String {
    let mut s = String::from(".decl e(x: number, y: number)\n.decl f(x: number)\n");
    for _ in 0..4 + rng.below(10) {
        s.push_str(&format!("e({}, {}).\n", rng.below(6), rng.below(6)));
    }
    for _ in 0..1 + rng.below(4) {
        s.push_str(&format!("f({}).\n", rng.below(6)));
    }
    let arity = [2, 1, 2, 1];
    for (k, n) in arity.iter().enumerate() {
        s.push_str(&format!(
            ".decl p{k}({})\n",
            (0..*n)
                .map(|i| format!("c{i}: number"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let vars = ["X", "Y", "Z", "W"];
    for k in 0..4 {
        for _ in 0..1 + rng.below(3) {
            let mut body = Vec::new();
            let mut bound: Vec<&str> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let choices: Vec<(String, usize)> = [("e".to_string(), 2), ("f".to_string(), 1)]
                    .into_iter()
                    .chain((0..=k).map(|j| (format!("p{j}"), arity[j])))
                    .collect();
                let (rel, n) = rng.pick(&choices).clone();
                let args: Vec<String> = (0..n)
                    .map(|_| match rng.below(10) {
                        0 => "_".to_string(),
                        1 => rng.below(6).to_string(),
                        _ => {
                            let v = *rng.pick(&vars);
                            bound.push(v);
                            v.to_string()
                        }
                    })
                    .collect();
                body.push(format!("{rel}({})", args.join(", ")));
            }
            bound.sort_unstable();
            bound.dedup();
            if bound.is_empty() {
                continue;
            }
            if bound.len() > 1 && rng.chance(40) {
                let op = *rng.pick(&["<", "!=", "<=", ">"]);
                body.push(format!("{} {op} {}", bound[0], bound[1]));
            }
            if rng.chance(30) {
                let negatable: Vec<(String, usize)> = [("e".to_string(), 2), ("f".to_string(), 1)]
                    .into_iter()
                    .chain((0..k).map(|j| (format!("p{j}"), arity[j])))
                    .collect();
                let (rel, n) = rng.pick(&negatable).clone();
                let args: Vec<String> = (0..n)
                    .map(|_| {
                        if rng.chance(30) {
                            "_".to_string()
                        } else {
                            rng.pick(&bound).to_string()
                        }
                    })
                    .collect();
                body.push(format!("!{rel}({})", args.join(", ")));
            }
            let mut head_pool: Vec<String> = bound.iter().map(|v| v.to_string()).collect();
            if rng.chance(25) {
                let x = rng.pick(&bound).to_string();
                body.push(format!("N = count : {{ e({x}, _) }}"));
                head_pool.push("N".to_string());
            }
            let head: Vec<String> = (0..arity[k])
                .map(|_| rng.pick(&head_pool).clone())
                .collect();
            s.push_str(&format!(
                "p{k}({}) :- {}.\n",
                head.join(", "),
                body.join(", ")
            ));
        }
    }
    s
}

#[test]
fn proofs_on_random_number_programs_are_valid() {
    let iters = env("SLEUTH_EXPLAIN_ITERS", 40);
    let seed = env("SLEUTH_EXPLAIN_SEED", 1);
    let mut accepted = 0;
    let mut proofs = 0;
    for i in 0..iters * 3 {
        if accepted == iters {
            break;
        }
        let mut rng = Rng(seed.wrapping_mul(1_000_003).wrapping_add(i));
        let text = number_program(&mut rng);
        let mut ws = Workspace::empty();
        if ws.add_clauses("random.dl", &text).is_err() {
            continue;
        }
        accepted += 1;
        let rels = derived_relations(&ws);
        for strongest in [false, true] {
            proofs += explain_all(&mut ws, &rels, strongest, &text).0;
        }
    }
    assert!(
        accepted * 2 >= iters,
        "only {accepted} random programs checked"
    );
    assert!(proofs > 100, "only {proofs} proofs");
}

/// Symbols for random programs: substrings of one another, some matching
/// the patterns below.
const SYMBOLS: [&str; 7] = ["ab", "xb", "b1", "xa1", "a", "bx", "x"];
const NEEDLES: [&str; 4] = ["x", "b", "a1", "zz"];
const PATTERNS: [&str; 4] = ["x.*", "[ab]+", ".*1", "a."];

/// A random stratifiable program over symbols: base `w/2`, `g/1`, derived
/// `q0/2`, `q1/1`, `q2/2`, `q3/1`, as [`number_program`], with tests in the
/// bodies: `contains` and `match` with constant or bound arguments, and
/// their negations (in rule bodies and inside `count` aggregates).
fn symbol_program(rng: &mut Rng) -> String {
    let mut s = String::from(".decl w(x: symbol, y: symbol)\n.decl g(x: symbol)\n");
    for _ in 0..4 + rng.below(10) {
        s.push_str(&format!(
            "w(\"{}\", \"{}\").\n",
            rng.pick(&SYMBOLS),
            rng.pick(&SYMBOLS)
        ));
    }
    for _ in 0..2 + rng.below(4) {
        s.push_str(&format!("g(\"{}\").\n", rng.pick(&SYMBOLS)));
    }
    let arity = [2, 1, 2, 1];
    for (k, n) in arity.iter().enumerate() {
        s.push_str(&format!(
            ".decl q{k}({})\n",
            (0..*n)
                .map(|i| format!("c{i}: symbol"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let vars = ["X", "Y", "Z"];
    let test = |rng: &mut Rng, bound: &[&str]| -> String {
        let bang = if rng.chance(50) { "!" } else { "" };
        let v = *rng.pick(bound);
        match rng.below(3) {
            0 => format!("{bang}contains(\"{}\", {v})", rng.pick(&NEEDLES)),
            1 => format!("{bang}match(\"{}\", {v})", rng.pick(&PATTERNS)),
            _ => format!("{bang}contains({}, {v})", rng.pick(bound)),
        }
    };
    for k in 0..4 {
        for _ in 0..1 + rng.below(3) {
            let mut body = Vec::new();
            let mut bound: Vec<&str> = Vec::new();
            for _ in 0..1 + rng.below(2) {
                let choices: Vec<(String, usize)> = [("w".to_string(), 2), ("g".to_string(), 1)]
                    .into_iter()
                    .chain((0..=k).map(|j| (format!("q{j}"), arity[j])))
                    .collect();
                let (rel, n) = rng.pick(&choices).clone();
                let args: Vec<String> = (0..n)
                    .map(|_| match rng.below(10) {
                        0 => "_".to_string(),
                        1 => format!("\"{}\"", rng.pick(&SYMBOLS)),
                        _ => {
                            let v = *rng.pick(&vars);
                            bound.push(v);
                            v.to_string()
                        }
                    })
                    .collect();
                body.push(format!("{rel}({})", args.join(", ")));
            }
            bound.sort_unstable();
            bound.dedup();
            if bound.is_empty() {
                continue;
            }
            for _ in 0..1 + rng.below(2) {
                body.push(test(rng, &bound));
            }
            if rng.chance(25) {
                let negatable: Vec<(String, usize)> = [("w".to_string(), 2), ("g".to_string(), 1)]
                    .into_iter()
                    .chain((0..k).map(|j| (format!("q{j}"), arity[j])))
                    .collect();
                let (rel, n) = rng.pick(&negatable).clone();
                let args: Vec<String> = (0..n)
                    .map(|_| {
                        if rng.chance(30) {
                            "_".to_string()
                        } else {
                            rng.pick(&bound).to_string()
                        }
                    })
                    .collect();
                body.push(format!("!{rel}({})", args.join(", ")));
            }
            if rng.chance(20) {
                let x = rng.pick(&bound).to_string();
                let inner = test(rng, &["V"]);
                body.push(format!("N = count : {{ w({x}, V), {inner} }}"));
                body.push("N > 0".to_string());
            }
            let head: Vec<String> = (0..arity[k])
                .map(|_| rng.pick(&bound).to_string())
                .collect();
            s.push_str(&format!(
                "q{k}({}) :- {}.\n",
                head.join(", "),
                body.join(", ")
            ));
        }
    }
    s
}

#[test]
fn proofs_on_random_symbol_programs_with_tests_are_valid() {
    let iters = env("SLEUTH_EXPLAIN_ITERS", 40);
    let seed = env("SLEUTH_EXPLAIN_SEED", 1);
    let mut accepted = 0;
    let mut proofs = 0;
    for i in 0..iters * 3 {
        if accepted == iters {
            break;
        }
        let mut rng = Rng(seed.wrapping_mul(3_000_017).wrapping_add(i));
        let text = symbol_program(&mut rng);
        let mut ws = Workspace::empty();
        if ws.add_clauses("random.dl", &text).is_err() {
            continue;
        }
        accepted += 1;
        let rels = derived_relations(&ws);
        for strongest in [false, true] {
            proofs += explain_all(&mut ws, &rels, strongest, &text).0;
        }
    }
    assert!(
        accepted * 2 >= iters,
        "only {accepted} random programs checked"
    );
    assert!(proofs > 100, "only {proofs} proofs");
}

/// Random rules over the report's relations (symbol columns), added to the
/// report's workspace: chained joins, recursion, negation of library
/// relations, comparisons.
fn report_rules(rng: &mut Rng, ws: &Workspace) -> String {
    let program = ws.program();
    let pool: Vec<(String, usize)> = program
        .relations
        .iter()
        .filter(|r| {
            !r.is_query
                && (1..=3).contains(&r.arity())
                && r.types().iter().all(|t| *t == Type::Symbol)
        })
        .map(|r| (r.name.clone(), r.arity()))
        .collect();
    let mut s = String::new();
    let arity = [2, 1, 2];
    for k in 0..3 {
        for _ in 0..1 + rng.below(2) {
            let mut body = Vec::new();
            let mut bound: Vec<String> = Vec::new();
            let mut fresh = 0;
            for a in 0..1 + rng.below(3) {
                let mut choices = pool.clone();
                choices.extend((0..=k).map(|j| (format!("gen_r{j}"), arity[j])));
                let (rel, n) = rng.pick(&choices).clone();
                let args: Vec<String> = (0..n)
                    .map(|_| {
                        if a > 0 && !bound.is_empty() && rng.chance(60) {
                            rng.pick(&bound).clone()
                        } else if rng.chance(10) {
                            "_".to_string()
                        } else {
                            fresh += 1;
                            let v = format!("V{fresh}");
                            bound.push(v.clone());
                            v
                        }
                    })
                    .collect();
                body.push(format!("{rel}({})", args.join(", ")));
            }
            if bound.is_empty() {
                continue;
            }
            if bound.len() > 1 && rng.chance(40) {
                body.push(format!("{} != {}", bound[0], bound[bound.len() - 1]));
            }
            if rng.chance(35) {
                let (rel, n) = rng.pick(&pool).clone();
                let args: Vec<String> = (0..n)
                    .map(|_| {
                        if rng.chance(40) {
                            "_".to_string()
                        } else {
                            rng.pick(&bound).clone()
                        }
                    })
                    .collect();
                body.push(format!("!{rel}({})", args.join(", ")));
            }
            let head: Vec<String> = (0..arity[k]).map(|_| rng.pick(&bound).clone()).collect();
            s.push_str(&format!(
                "gen_r{k}({}) :- {}.\n",
                head.join(", "),
                body.join(", ")
            ));
        }
    }
    s
}

#[test]
fn proofs_of_random_rules_over_the_report_are_valid() {
    let iters = env("SLEUTH_EXPLAIN_ITERS", 40) / 2;
    let seed = env("SLEUTH_EXPLAIN_SEED", 1);
    let base = Workspace::embedded().expect("the embedded library loads");
    let mut accepted = 0;
    let mut proofs = 0;
    for i in 0..iters * 4 {
        if accepted == iters {
            break;
        }
        let mut rng = Rng(seed.wrapping_mul(7_777_777).wrapping_add(i));
        let text = report_rules(&mut rng, &base);
        let mut ws = Workspace::embedded().expect("the embedded library loads");
        if ws.add_clauses("random.dl", &text).is_err() {
            continue;
        }
        let rels: Vec<usize> = (0..3)
            .filter_map(|k| ws.program().relation_id(&format!("gen_r{k}")))
            .filter(|&r| ws.database().len(r) > 0)
            .collect();
        if rels.is_empty() {
            continue;
        }
        accepted += 1;
        for strongest in [false, true] {
            proofs += explain_all(&mut ws, &rels, strongest, &text).0;
        }
    }
    assert!(
        accepted * 2 >= iters,
        "only {accepted} random rule sets checked"
    );
    assert!(proofs > 20, "only {proofs} proofs");
}
