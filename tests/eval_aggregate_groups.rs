//! This module defines tests of aggregates asked for many groups in one
//! evaluation: the evaluator memoizes each group's value and, once enough
//! different groups are asked for, folds every group in one pass over the
//! aggregate's body. Each test builds a program with hundreds of groups,
//! works the expected values out here by plain loops, and compares; so the
//! one-by-one and the one-pass paths must agree with each other and with
//! the definition, including empty groups, distinct bindings, a target that
//! reads a variable from outside, and an error that belongs to a group
//! nobody asks for.

use std::collections::{BTreeMap, BTreeSet};

use sleuth::eval::{self, Database, EvalOptions};
use sleuth::value::Value;
use sleuth::{SourceMap, check, syntax};

/// Runs `text` and returns its relations by name, or the rendered error;
/// aggregates fold all their groups after `fold_groups_after` one by one.
fn run(
    text: &str,
    threads: usize,
    fold_groups_after: u32,
) -> Result<BTreeMap<String, BTreeSet<Vec<String>>>, String> {
    let mut sources = SourceMap::new();
    let id = sources.add("groups.dl", text);
    let program = syntax::parse(&sources, id)
        .and_then(|m| check::check(&sources, &[m]))
        .map_err(|d| d.render(&sources))?;
    let mut db = Database::new(&program);
    db.load_program_facts(&program)
        .map_err(|d| d.render(&sources))?;
    let opts = EvalOptions {
        threads,
        fold_groups_after,
        ..EvalOptions::default()
    };
    eval::evaluate(&program, &mut db, &opts).map_err(|d| d.render(&sources))?;
    Ok(program
        .relations
        .iter()
        .enumerate()
        .map(|(r, rel)| {
            let rows = db
                .tuples(r)
                .into_iter()
                .map(|row| row.iter().map(Value::to_string).collect())
                .collect();
            (rel.name.clone(), rows)
        })
        .collect())
}

/// `member(person, group)` and `score(person, points)` facts: person `i`
/// belongs to group `i % groups` and to group `(i * 7) % groups`, and
/// scores `i % 11` points (person 0 scores nothing).
/// The program text of some facts, with the facts themselves.
struct Facts {
    text: String,
    member: Vec<(usize, usize)>,
    score: Vec<(usize, i64)>,
}

fn facts(persons: usize, groups: usize) -> Facts {
    let mut text = String::from(
        ".decl member(p: number, g: number)\n.decl score(p: number, s: number)\n\
         .decl group(g: number)\n",
    );
    let mut member = BTreeSet::new();
    let mut score = Vec::new();
    for i in 0..persons {
        member.insert((i, i % groups));
        member.insert((i, (i * 7) % groups));
        if i > 0 {
            score.push((i, (i % 11) as i64));
        }
    }
    // Groups past the members' range are empty.
    for g in 0..groups + 5 {
        text.push_str(&format!("group({g}).\n"));
    }
    for (p, g) in &member {
        text.push_str(&format!("member({p}, {g}).\n"));
    }
    for (p, s) in &score {
        text.push_str(&format!("score({p}, {s}).\n"));
    }
    Facts {
        text,
        member: member.into_iter().collect(),
        score,
    }
}

fn rows(result: &BTreeMap<String, BTreeSet<Vec<String>>>, rel: &str) -> BTreeSet<Vec<String>> {
    result[rel].clone()
}

#[test]
fn every_function_agrees_with_plain_loops_over_many_groups() {
    let (groups, persons) = (150, 1200);
    let Facts {
        mut text,
        member,
        score,
    } = facts(persons, groups);
    text.push_str(
        ".decl n(g: number, c: number)\nn(g, c) :- group(g), c = count : { member(_, g) }.\n\
         .decl total(g: number, t: number)\ntotal(g, t) :- group(g), t = sum s : { member(p, g), score(p, s) }.\n\
         .decl low(g: number, m: number)\nlow(g, m) :- group(g), m = min s : { member(p, g), score(p, s) }.\n\
         .decl high(g: number, m: number)\nhigh(g, m) :- group(g), m = max s : { member(p, g), score(p, s) }.\n\
         .decl avg(g: number, m: float)\navg(g, m) :- group(g), m = mean to_float(s) : { member(p, g), score(p, s) }.\n\
         .decl busy(g: number)\nbusy(g) :- member(_, g), count : { member(_, g) } > 15.\n",
    );
    let score: BTreeMap<usize, i64> = score.into_iter().collect();
    let mut by_group: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(p, g) in &member {
        by_group.entry(g).or_default().push(p);
    }
    let mut n = BTreeSet::new();
    let mut total = BTreeSet::new();
    let mut low = BTreeSet::new();
    let mut high = BTreeSet::new();
    let mut avg = BTreeSet::new();
    let mut busy = BTreeSet::new();
    for g in 0..groups + 5 {
        let ps = by_group.get(&g).cloned().unwrap_or_default();
        let scores: Vec<i64> = ps.iter().filter_map(|p| score.get(p).copied()).collect();
        n.insert(vec![g.to_string(), ps.len().to_string()]);
        total.insert(vec![g.to_string(), scores.iter().sum::<i64>().to_string()]);
        if let (Some(lo), Some(hi)) = (scores.iter().min(), scores.iter().max()) {
            low.insert(vec![g.to_string(), lo.to_string()]);
            high.insert(vec![g.to_string(), hi.to_string()]);
            let mean = scores.iter().sum::<i64>() as f64 / scores.len() as f64;
            avg.insert(vec![g.to_string(), Value::Float(mean).to_string()]);
        }
        if ps.len() > 15 {
            busy.insert(vec![g.to_string()]);
        }
    }
    for (threads, fold) in [(1, 16), (2, 16), (1, 0), (2, 1000)] {
        let got = run(&text, threads, fold).unwrap_or_else(|e| panic!("{e}"));
        for (rel, function, want) in [
            ("n", "count", &n),
            ("total", "sum", &total),
            ("low", "min", &low),
            ("high", "max", &high),
            ("avg", "mean", &avg),
            ("busy", "filter", &busy),
        ] {
            assert_eq!(
                &rows(&got, rel),
                want,
                "{function}, {threads} thread(s), fold after {fold}"
            );
        }
        assert!(
            !busy.is_empty() && busy.len() < groups,
            "the filter keeps some groups"
        );
    }
}

#[test]
fn a_group_of_two_variables_and_a_target_from_outside() {
    // Pairs (a, b) with a < b < 30 grouped by both; `k` comes from outside
    // the braces into the target, so its value is part of the group.
    let mut text = String::from(
        ".decl v(x: number)\n.decl w(k: number)\n.decl e(a: number, b: number, c: number)\n",
    );
    let mut e = BTreeSet::new();
    for a in 0..30 {
        text.push_str(&format!("v({a}).\n"));
        for b in a + 1..30 {
            for c in 0..(a * b) % 4 {
                e.insert((a, b, c));
            }
        }
    }
    for k in 1..4 {
        text.push_str(&format!("w({k}).\n"));
    }
    for (a, b, c) in &e {
        text.push_str(&format!("e({a}, {b}, {c}).\n"));
    }
    text.push_str(
        ".decl pair(a: number, b: number, n: number)\n\
         pair(a, b, n) :- v(a), v(b), a < b, n = count : { e(a, b, _) }.\n\
         .decl scaled(a: number, k: number, s: number)\n\
         scaled(a, k, s) :- v(a), w(k), s = sum c * k : { e(a, _, c) }.\n",
    );
    let got = run(&text, 2, 0).unwrap_or_else(|e| panic!("{e}"));
    let mut pair = BTreeSet::new();
    let mut scaled = BTreeSet::new();
    for a in 0..30i64 {
        for b in a + 1..30 {
            let n = e.iter().filter(|&&(x, y, _)| x == a && y == b).count();
            pair.insert(vec![a.to_string(), b.to_string(), n.to_string()]);
        }
        for k in 1..4i64 {
            // `sum` over a materialized body adds each distinct binding of
            // the body's variables once; the wildcard counts as one, so
            // every matching fact adds its `c`.
            let s: i64 = e.iter().filter(|t| t.0 == a).map(|t| t.2 * k).sum();
            scaled.insert(vec![a.to_string(), k.to_string(), s.to_string()]);
        }
    }
    assert_eq!(rows(&got, "pair"), pair);
    assert_eq!(rows(&got, "scaled"), scaled);
}

#[test]
fn an_error_in_a_group_nobody_asks_for_is_not_raised() {
    // Group 999 would overflow; the rule only asks for groups below 100.
    let mut text = String::from(
        ".decl ask(g: number)\n.decl big(g: number, i: number, x: number)\n\
         .decl s(g: number, t: number)\n\
         s(g, t) :- ask(g), t = sum x : { big(g, _, x) }.\n",
    );
    let mut expected = BTreeSet::new();
    for g in 0..100 {
        text.push_str(&format!("ask({g}).\n"));
        text.push_str(&format!("big({g}, 0, {g}).\nbig({g}, 1, 1).\n"));
        expected.insert(vec![g.to_string(), (g + 1).to_string()]);
    }
    let max = i64::MAX;
    text.push_str(&format!("big(999, 0, {max}).\nbig(999, 1, {max}).\n"));
    for fold in [0, 16] {
        let got = run(&text, 2, fold).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows(&got, "s"), expected, "fold after {fold}");
    }

    // Asked for, the same group fails with its error.
    text.push_str("ask(999).\n");
    for fold in [0, 16] {
        let err = run(&text, 2, fold).expect_err("the sum overflows");
        assert!(err.contains("arithmetic-overflow"), "{err}");
    }
}
