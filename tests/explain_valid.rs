//! Every proof the explainer prints is valid (see `explain/support.rs` for
//! what is checked, node by node, and how the engine itself confirms each
//! rule instance): for every tuple of every derived relation of the rule
//! library on the report's data, in both the proof of least height and the
//! strongest proof; and on random programs of the shared generator
//! (`support/programs.rs`, the whole language), alone and added to the
//! report's workspace (graded facts, library relations). On the random
//! programs the reference evaluator (`support/naive.rs`) also judges the
//! explainer: every tuple it derives has a valid proof whose every rule
//! instance it confirms; every tuple it lacks gets a why-not whose failing
//! literal really fails; every confidence equals the one computed directly
//! from the definition (weakest premise, strongest derivation).
//!
//! `SLEUTH_FUZZ_CASES=N` sets the number of random programs of each kind
//! (40 by default), `SLEUTH_EXPLAIN_SEED=S` the first seed.

#[path = "explain/support.rs"]
mod proofs;
mod support;

use std::collections::{BTreeMap, BTreeSet};

use proofs::{Instances, check_proof, confirm, derived_relations, fact_text};
use sleuth::provenance::{Confidence, ExplainOptions, Explainer, Outcome};
use sleuth::session::Workspace;
use sleuth::{Type, Value};
use support::naive::{self, Conf, Tuple};
use support::programs::{Options, Ty, generate};

/// Explains every tuple of `rels` and checks each proof; returns the proofs
/// checked and the rule instances they use.
fn explain_each(
    ws: &Workspace,
    rels: &[usize],
    strongest: bool,
    context: &str,
) -> (usize, Instances) {
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
    (facts.len(), instances)
}

/// Explains every tuple of `rels`, checks each proof, then has the engine
/// confirm every rule instance. Returns (proofs, instances confirmed).
fn explain_all(
    ws: &mut Workspace,
    rels: &[usize],
    strongest: bool,
    context: &str,
) -> (usize, usize) {
    let (proofs, instances) = explain_each(ws, rels, strongest, context);
    let confirmed = confirm(ws, &instances);
    (proofs, confirmed)
}

#[test]
fn every_proof_of_least_height_over_the_report_is_valid() {
    let mut ws = Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads");
    let rels = derived_relations(&ws);
    let (proofs, confirmed) = explain_all(&mut ws, &rels, false, "report");
    assert!(proofs > 150, "only {proofs} derived tuples");
    assert!(confirmed > 100, "only {confirmed} rule instances");
}

#[test]
fn every_strongest_proof_over_the_report_is_valid() {
    let mut ws = Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads");
    let rels = derived_relations(&ws);
    let (proofs, _) = explain_all(&mut ws, &rels, true, "report, strongest");
    assert!(proofs > 150);
}

/// The rows the workspace fills its provenance relations with
/// (`R_attested`, `source_origin`, `grade_confidence`), with the confidence
/// each has: an attestation's grade's, or none (certain) for the others.
fn provenance_rows(ws: &Workspace) -> Vec<(usize, Tuple, Conf)> {
    let program = ws.program();
    let mut out = Vec::new();
    for (r, relation) in program.relations.iter().enumerate() {
        let attested = relation.name.ends_with(sleuth::session::ATTESTED_SUFFIX);
        let filled = attested
            || relation.name == sleuth::session::SOURCE_ORIGIN
            || relation.name == sleuth::session::GRADE_CONFIDENCE;
        if !filled {
            continue;
        }
        for t in ws.database().tuples(r) {
            let c = match (attested, &t[t.len().saturating_sub(2)]) {
                (true, Value::Symbol(g)) => {
                    Confidence::from_grade(sleuth::grade::Grade::parse(g).expect("a grade column"))
                        .permille()
                }
                _ => 1000,
            };
            out.push((r, t, c));
        }
    }
    out
}

/// The reference's relations by name, for the relations of `ws`'s program.
fn reference_matches_database(ws: &Workspace, rels: &[BTreeSet<Tuple>], context: &str) {
    let program = ws.program();
    for (r, want) in rels.iter().enumerate() {
        if program.relations[r].is_query {
            continue;
        }
        let got: BTreeSet<Tuple> = ws.database().tuples(r).into_iter().collect();
        assert_eq!(
            &got, want,
            "{context}\nrelation `{}` differs from the reference",
            program.relations[r].name
        );
    }
}

/// Tuples of relation `rel` the reference lacks: stored tuples with one
/// column changed to another value of its type seen anywhere.
fn absent_tuples(ws: &Workspace, rels: &[BTreeSet<Tuple>], rel: usize, limit: usize) -> Vec<Tuple> {
    let mut by_type: BTreeMap<Type, BTreeSet<Value>> = BTreeMap::new();
    for set in rels {
        for t in set {
            for v in t {
                by_type.entry(v.ty()).or_default().insert(v.clone());
            }
        }
    }
    let mut out = Vec::new();
    let types = ws.program().relations[rel].types();
    for t in &rels[rel] {
        for (i, ty) in types.iter().enumerate() {
            for v in by_type.get(ty).into_iter().flatten() {
                let mut u = t.clone();
                u[i] = v.clone();
                if !rels[rel].contains(&u) && !out.contains(&u) {
                    out.push(u);
                    if out.len() >= limit {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// Checks the explainer on `rels` of `ws` against the reference's
/// relations `reference` and confidences `conf`; returns (proofs, why-nots).
fn judge(
    ws: &Workspace,
    rels: &[usize],
    reference: &[BTreeSet<Tuple>],
    conf: &[BTreeMap<Tuple, Conf>],
    context: &str,
) -> (usize, usize) {
    let program = ws.program();
    let mut proofs = 0;
    for strongest in [false, true] {
        let (n, instances) = explain_each(ws, rels, strongest, context);
        proofs += n;
        for (rule, bindings) in instances.each() {
            let head = program.rules[rule].head.rel;
            let tuples = &reference[head];
            assert!(
                tuples
                    .iter()
                    .any(|t| naive::derives(program, reference, rule, &bindings, t)),
                "{context}\nthe reference does not confirm rule {rule} with {bindings:?}"
            );
        }
    }
    let opts = ExplainOptions::default();
    let mut ex = Explainer::new(ws);
    for &r in rels {
        let name = &program.relations[r].name;
        for t in &reference[r] {
            let got = ex
                .confidence_of(r, t)
                .unwrap_or_else(|e| panic!("{context}\nno confidence for {t:?}: {e}"))
                .unwrap_or_else(|| panic!("{context}\n{t:?} does not hold"));
            let want = conf[r].get(t).copied().unwrap_or(0);
            assert_eq!(
                got.permille(),
                want,
                "{context}\nconfidence of {}",
                fact_text(name, t)
            );
        }
    }
    let mut whynots = 0;
    for &r in rels {
        let name = program.relations[r].name.clone();
        if let Some(t) = reference[r].iter().next() {
            let fact = fact_text(&name, t);
            let wn = ex
                .whynot(&fact, &opts)
                .unwrap_or_else(|e| panic!("{context}\nwhynot {fact}: {e}"));
            assert!(!wn.holds.is_empty(), "{context}\nwhynot {fact}: it holds");
        }
        for t in absent_tuples(ws, reference, r, 4) {
            let fact = fact_text(&name, &t);
            let wn = ex
                .whynot(&fact, &opts)
                .unwrap_or_else(|e| panic!("{context}\nwhynot {fact}: {e}"));
            assert!(
                wn.holds.is_empty(),
                "{context}\nwhynot {fact}: {:?}",
                wn.holds
            );
            for a in &wn.attempts {
                let bindings: Vec<(String, Value)> = a
                    .bindings
                    .iter()
                    .map(|b| (b.name.clone(), b.value.clone()))
                    .collect();
                match &a.outcome {
                    Outcome::Derives => {
                        panic!("{context}\nwhynot {fact}: rule {} derives it", a.rule.id)
                    }
                    Outcome::Differs { derived } => {
                        let rel = program.relation_id(&derived.relation).expect("known");
                        assert!(
                            reference[rel].contains(&derived.values),
                            "{context}\nwhynot {fact}: {derived} is not derived"
                        );
                    }
                    Outcome::Fails {
                        literal,
                        instantiated,
                        ..
                    } => {
                        let holds = naive::literal_holds(
                            program, reference, a.rule.id, *literal, &bindings,
                        );
                        assert_ne!(
                            holds,
                            Some(true),
                            "{context}\nwhynot {fact}: rule {} fails at {instantiated} with {bindings:?}, but it holds\n{a:?}",
                            a.rule.id
                        );
                    }
                    Outcome::Head { .. } => {}
                }
            }
            whynots += 1;
        }
    }
    (proofs, whynots)
}

#[test]
fn the_explainer_agrees_with_the_reference_on_random_programs() {
    let n = support::cases(40);
    let seed = support::env_number("SLEUTH_EXPLAIN_SEED", 1);
    let (mut proofs, mut whynots) = (0, 0);
    for i in 0..n {
        let text = generate(
            seed.wrapping_mul(1_000_003).wrapping_add(i),
            &Options::default(),
        );
        let mut ws = Workspace::empty();
        if let Err(e) = ws.add_clauses("random.dl", &text) {
            panic!("{text}\nrejected:\n{e}");
        }
        let outcome = naive::evaluate(ws.program());
        assert!(
            outcome.failures.is_empty(),
            "{text}\n{:?}",
            outcome.failures
        );
        reference_matches_database(&ws, &outcome.rels, &text);
        let conf = naive::confidences(ws.program(), &outcome.rels, &[]);
        let rels = derived_relations(&ws);
        let (p, w) = judge(&ws, &rels, &outcome.rels, &conf, &text);
        proofs += p;
        whynots += w;
    }
    eprintln!("{n} random programs: {proofs} proofs and {whynots} why-nots checked");
    assert!(n < 20 || proofs > 100, "only {proofs} proofs");
    assert!(n < 20 || whynots > 50, "only {whynots} why-nots");
}

fn ty_of(t: Type) -> Ty {
    match t {
        Type::Symbol => Ty::Sym,
        Type::Number => Ty::Num,
        Type::Float => Ty::Float,
        Type::Date => Ty::Date,
    }
}

#[test]
fn the_explainer_agrees_with_the_reference_on_random_rules_over_the_report() {
    let n = support::cases(40) / 2;
    let seed = support::env_number("SLEUTH_EXPLAIN_SEED", 1);
    let base = Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads");
    let external: Vec<(String, Vec<Ty>)> = base
        .program()
        .relations
        .iter()
        .filter(|r| !r.is_query && (1..=3).contains(&r.arity()))
        .map(|r| (r.name.clone(), r.types().into_iter().map(ty_of).collect()))
        .collect();
    let options = Options {
        external,
        prefix: "g_".into(),
        ..Options::default()
    };
    let (mut proofs, mut whynots, mut graded) = (0, 0, 0);
    for i in 0..n {
        let text = generate(seed.wrapping_mul(7_777_777).wrapping_add(i), &options);
        let mut ws = Workspace::builder()
            .builtins()
            .open()
            .expect("the embedded library loads");
        if let Err(e) = ws.add_clauses("random.dl", &text) {
            panic!("{text}\nrejected:\n{e}");
        }
        let program = ws.program();
        let mut data: Vec<(usize, Tuple, Conf)> = ws
            .facts()
            .iter()
            .map(|f| {
                let rel = program.relation_id(&f.relation).expect("a known relation");
                let c = Confidence::from_grade(f.provenance.grade).permille();
                (rel, f.values.clone(), c)
            })
            .collect();
        data.extend(provenance_rows(&ws));
        let extra: Vec<(usize, Tuple)> = data.iter().map(|(r, t, _)| (*r, t.clone())).collect();
        let outcome = naive::evaluate_with(program, &extra);
        assert!(
            outcome.failures.is_empty(),
            "{text}\n{:?}",
            outcome.failures
        );
        reference_matches_database(&ws, &outcome.rels, &text);
        let conf = naive::confidences(program, &outcome.rels, &data);
        let rels: Vec<usize> = derived_relations(&ws)
            .into_iter()
            .filter(|&r| program.relations[r].name.starts_with("g_"))
            .collect();
        graded += rels
            .iter()
            .flat_map(|&r| conf[r].values())
            .filter(|&&c| c < 1000)
            .count();
        let (p, w) = judge(&ws, &rels, &outcome.rels, &conf, &text);
        proofs += p;
        whynots += w;
    }
    eprintln!(
        "{n} random rule sets over the report: {proofs} proofs ({graded} graded tuples) and {whynots} why-nots checked"
    );
    assert!(n < 10 || graded > 10, "only {graded} graded tuples");
}
