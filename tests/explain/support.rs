//! Shared by the explanation tests: a proof validator that re-checks every
//! node of a proof against the rule it names and the evaluated database,
//! independently of the explainer.
//!
//! - A derived node's bindings give its head; each premise is the body
//!   literal it stands for under those bindings; positive premises are
//!   stored; negated ones match no stored tuple; in the proof of least
//!   height, premises of the same stratum were derived in earlier rounds.
//! - Each rule instance really fires: the instances are collected per rule
//!   and asked to the engine itself as one query per rule, the rule's body
//!   joined with a relation holding the instances' bindings
//!   (`?- proof_instance_(I, P, C1, ...), cell(C1, P), ...`).
//! - A base fact is stored, was never derived (round 0), and each citation
//!   is a loaded data fact with that provenance.
//! - Confidences: a fact's is its best citation's; a derived tuple's is at
//!   least the weakest of its premises (exactly that in the strongest proof).

#![allow(dead_code)] // each test file uses part of it

use std::collections::BTreeMap;

use sleuth::ir::{Expr, Literal, Term};
use sleuth::provenance::{Citation, Confidence, NodeKind, Proof};
use sleuth::session::Workspace;
use sleuth::{Type, Value};

/// A rule's named variables (sorted by name) and the bindings seen for them.
type RuleInstances = (Vec<(String, Type)>, Vec<Vec<Value>>);

/// Rule instances seen in proofs, to be confirmed by the engine.
#[derive(Default)]
pub struct Instances {
    by_rule: BTreeMap<usize, RuleInstances>,
}

impl Instances {
    /// Every recorded instance: its rule and its bindings by name.
    pub fn each(&self) -> Vec<(usize, Vec<(String, Value)>)> {
        let mut out = Vec::new();
        for (&rule, (vars, rows)) in &self.by_rule {
            for row in rows {
                let named = vars
                    .iter()
                    .map(|(n, _)| n.clone())
                    .zip(row.iter().cloned())
                    .collect();
                out.push((rule, named));
            }
        }
        out
    }
}

fn matches_pattern(values: &[Value], pattern: &[Option<Value>]) -> bool {
    values
        .iter()
        .zip(pattern)
        .all(|(v, p)| p.as_ref().is_none_or(|p| p == v))
}

/// The lower of two optional confidences (`None` is no constraint).
fn lower(a: Option<Confidence>, b: Option<Confidence>) -> Option<Confidence> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn stratum_of(ws: &Workspace, rel: usize) -> Option<usize> {
    ws.program()
        .strata
        .iter()
        .position(|s| s.relations.contains(&rel))
}

/// Checks one proof; panics with a message naming the node on any fault.
pub fn check_proof(ws: &Workspace, proof: &Proof, instances: &mut Instances) {
    let program = ws.program();
    let db = ws.database();
    let conclusion = proof.conclusion().to_string();
    for (n, node) in proof.nodes.iter().enumerate() {
        for &c in &node.children {
            assert!(c > n, "{conclusion}: child {c} does not follow node {n}");
        }
        let at = || format!("{conclusion}, node {n} ({:?})", node.kind);
        match &node.kind {
            NodeKind::Unexplained { .. } => panic!("{}: unexplained node", at()),
            NodeKind::Fact { tuple, citations } => {
                let rel = program
                    .relation_id(&tuple.relation)
                    .expect("known relation");
                assert!(db.contains(rel, &tuple.values), "{}: fact not stored", at());
                if !proof.strongest {
                    assert_eq!(
                        db.round_of(rel, &tuple.values),
                        Some(0),
                        "{}: derived",
                        at()
                    );
                }
                let best = citations.iter().map(Citation::confidence).max();
                assert_eq!(node.confidence, best, "{}: confidence of a fact", at());
                for c in citations {
                    if let Citation::Report {
                        source,
                        paragraph,
                        grade,
                        note,
                        ..
                    } = c
                    {
                        // A provenance row (`R_attested`) cites the
                        // attestation it describes, of a fact of `R`.
                        let cites_fact = |f: &sleuth::io::data::GroundFact| {
                            (f.relation == tuple.relation && f.values == tuple.values)
                                || (sleuth::session::attested_name(&f.relation) == tuple.relation
                                    && tuple.values.starts_with(&f.values))
                        };
                        assert!(
                            ws.facts().iter().any(|f| cites_fact(f)
                                && &f.provenance.source == source
                                && f.provenance.paragraph == *paragraph
                                && f.provenance.grade == *grade
                                && &f.provenance.note == note),
                            "{}: citation {c:?} is no loaded fact",
                            at()
                        );
                    }
                }
            }
            NodeKind::Derived {
                tuple,
                rule,
                bindings,
            } => check_derived(ws, proof, n, tuple, rule.id, bindings, instances, &at()),
            NodeKind::Cut { tuple, .. } => {
                let rel = program
                    .relation_id(&tuple.relation)
                    .expect("known relation");
                assert!(
                    db.contains(rel, &tuple.values),
                    "{}: cut tuple not stored",
                    at()
                );
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)] // the node's parts, unpacked by the caller
fn check_derived(
    ws: &Workspace,
    proof: &Proof,
    n: usize,
    tuple: &sleuth::provenance::Tuple,
    rule_id: usize,
    bindings: &[sleuth::provenance::Binding],
    instances: &mut Instances,
    at: &str,
) {
    let program = ws.program();
    let db = ws.database();
    let node = &proof.nodes[n];
    let rule = &program.rules[rule_id];
    let head_rel = rule.head.rel;
    assert_eq!(
        program.relations[head_rel].name, tuple.relation,
        "{at}: head"
    );
    assert!(db.contains(head_rel, &tuple.values), "{at}: not stored");
    let value_of = |v: usize| -> Option<Value> {
        bindings
            .iter()
            .find(|b| b.name == rule.vars[v].name)
            .map(|b| b.value.clone())
    };
    for b in bindings {
        assert!(
            rule.vars.iter().any(|v| v.name == b.name),
            "{at}: binding {} is no variable of the rule",
            b.name
        );
    }
    for (i, a) in rule.head.args.iter().enumerate() {
        match a {
            Expr::Var(v) => assert_eq!(
                value_of(*v).as_ref(),
                Some(&tuple.values[i]),
                "{at}: head column {i}"
            ),
            Expr::Const(c) => assert_eq!(c, &tuple.values[i], "{at}: head column {i}"),
            _ => {}
        }
    }
    let pattern = |args: &[Term]| -> Vec<Option<Value>> {
        args.iter()
            .map(|t| match t {
                Term::Var(v) => value_of(*v),
                Term::Const(c) => Some(c.clone()),
                Term::Wildcard => None,
            })
            .collect()
    };
    let round = db.round_of(head_rel, &tuple.values);
    let mut weakest: Option<Confidence> = None;
    let mut seen_atoms = Vec::new();
    for &c in &node.children {
        let child = &proof.nodes[c];
        let pos = child.literal.expect("a premise names its literal");
        match (&rule.body[pos], &child.kind) {
            (Literal::Atom(a), kind) => {
                let t = kind
                    .tuple()
                    .unwrap_or_else(|| panic!("{at}: atom premise is no tuple"));
                assert_eq!(
                    program.relations[a.rel].name, t.relation,
                    "{at}: premise {pos}"
                );
                assert!(
                    matches_pattern(&t.values, &pattern(&a.args)),
                    "{at}: premise {pos} {t} does not fit the bindings"
                );
                assert!(
                    db.contains(a.rel, &t.values),
                    "{at}: premise {t} not stored"
                );
                if !proof.strongest && stratum_of(ws, a.rel) == stratum_of(ws, head_rel) {
                    let r = db.round_of(a.rel, &t.values);
                    assert!(
                        r < round,
                        "{at}: premise {t} of round {r:?} is not earlier than {round:?}"
                    );
                }
                weakest = lower(weakest, child.confidence);
                seen_atoms.push(pos);
            }
            (Literal::Negated(a), NodeKind::Absent(assumed)) => {
                let (relation, values) = (&assumed.relation, &assumed.values);
                assert_eq!(
                    &program.relations[a.rel].name, relation,
                    "{at}: negation {pos}"
                );
                let expected = pattern(&a.args);
                assert_eq!(&expected, values, "{at}: negation {pos} values");
                assert!(
                    !db.tuples(a.rel).iter().any(|t| matches_pattern(t, values)),
                    "{at}: negated fact holds"
                );
            }
            (Literal::Compare(cmp), NodeKind::Comparison { op, .. }) => {
                assert_eq!(*op, cmp.op, "{at}: comparison {pos}");
            }
            (Literal::Test(_), NodeKind::Test { .. }) => {}
            (Literal::Aggregate(ag), NodeKind::Aggregate { result, total, .. }) => {
                assert_eq!(
                    value_of(ag.result).as_ref(),
                    Some(result),
                    "{at}: aggregate result"
                );
                if ag.op == sleuth::ir::AggOp::Count {
                    assert_eq!(&Value::Number(*total as i64), result, "{at}: count");
                }
                for &m in &child.children {
                    let mnode = &proof.nodes[m];
                    let leaves: Vec<usize> = match mnode.kind {
                        NodeKind::Match { .. } => mnode.children.clone(),
                        _ => vec![m],
                    };
                    for l in leaves {
                        let t = proof.nodes[l].kind.tuple().expect("a counted tuple");
                        let rel = program.relation_id(&t.relation).expect("known");
                        assert!(db.contains(rel, &t.values), "{at}: counted {t} not stored");
                    }
                }
                weakest = lower(weakest, child.confidence);
            }
            (lit, kind) => panic!("{at}: premise {pos} {kind:?} does not fit literal {lit:?}"),
        }
    }
    let atoms: Vec<usize> = rule
        .body
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l, Literal::Atom(_)))
        .map(|(i, _)| i)
        .collect();
    seen_atoms.sort_unstable();
    assert_eq!(seen_atoms, atoms, "{at}: one premise per positive atom");
    let conf = node.confidence.expect("a tuple has a confidence");
    let weakest = weakest.unwrap_or(Confidence::UNGRADED);
    if proof.strongest {
        assert_eq!(conf, weakest, "{at}: strongest proof confidence");
    } else {
        assert!(
            conf >= weakest,
            "{at}: confidence below the weakest premise"
        );
    }
    // Record the instance for the engine to confirm.
    let named: Vec<(String, Type)> = {
        let mut vs: Vec<(String, Type)> = bindings
            .iter()
            .map(|b| (b.name.clone(), b.value.ty()))
            .collect();
        vs.sort_by(|a, b| a.0.cmp(&b.0));
        vs
    };
    let values: Vec<Value> = {
        let mut bs: Vec<&sleuth::provenance::Binding> = bindings.iter().collect();
        bs.sort_by(|a, b| a.name.cmp(&b.name));
        bs.into_iter().map(|b| b.value.clone()).collect()
    };
    let entry = instances
        .by_rule
        .entry(rule_id)
        .or_insert_with(|| (named.clone(), Vec::new()));
    assert_eq!(
        entry.0, named,
        "{at}: the same rule binds the same variables"
    );
    if !entry.1.contains(&values) {
        entry.1.push(values);
    }
}

/// The body of a rule as written (after `:-`, without the final dot).
fn body_text(ws: &Workspace, rule: usize) -> String {
    let span = ws.program().rules[rule].span;
    let text = ws.sources().snippet(span);
    let body = text.split_once(":-").expect("a rule has a body").1.trim();
    body.strip_suffix('.').unwrap_or(body).to_string()
}

/// Asks the engine whether every recorded instance fires; returns the number
/// of instances confirmed.
pub fn confirm(ws: &mut Workspace, instances: &Instances) -> usize {
    let mut confirmed = 0;
    for (&rule, (vars, rows)) in &instances.by_rule {
        let body = body_text(ws, rule);
        assert!(!body.contains(';'), "the oracle needs rules without `;`");
        let mut text = String::from(".decl proof_instance_(i: number");
        for (k, (_, ty)) in vars.iter().enumerate() {
            text.push_str(&format!(", c{k}: {}", ty.name()));
        }
        text.push_str(")\n");
        for (i, row) in rows.iter().enumerate() {
            let vals: Vec<String> = row.iter().map(Value::to_datalog).collect();
            text.push_str(&format!("proof_instance_({i}"));
            for v in vals {
                text.push_str(&format!(", {v}"));
            }
            text.push_str(").\n");
        }
        let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
        let head = if names.is_empty() {
            "proof_i_".to_string()
        } else {
            format!("proof_i_, {}", names.join(", "))
        };
        text.push_str(&format!("?- proof_instance_({head}), {body}.\n"));
        let answers = ws
            .query(&text)
            .unwrap_or_else(|e| panic!("oracle query fails:\n{text}\n{e}"));
        let col = answers
            .columns
            .iter()
            .position(|c| c == "proof_i_")
            .expect("the instance column");
        let mut fired: Vec<i64> = answers
            .rows
            .iter()
            .map(|r| match r[col] {
                Value::Number(n) => n,
                _ => panic!("instance ids are numbers"),
            })
            .collect();
        fired.sort_unstable();
        fired.dedup();
        let expected: Vec<i64> = (0..rows.len() as i64).collect();
        assert_eq!(
            fired, expected,
            "rule {} ({}): some instances do not fire:\n{text}",
            rule, body
        );
        confirmed += rows.len();
    }
    confirmed
}

/// The fact text of a stored tuple: `rel("a", 1)`.
pub fn fact_text(relation: &str, values: &[Value]) -> String {
    let args: Vec<String> = values.iter().map(Value::to_datalog).collect();
    format!("{relation}({})", args.join(", "))
}

/// The relations some rule derives (answer relations excluded).
pub fn derived_relations(ws: &Workspace) -> Vec<usize> {
    let p = ws.program();
    let mut rels: Vec<usize> = p
        .rules
        .iter()
        .map(|r| r.head.rel)
        .filter(|&r| !p.relations[r].is_query)
        .collect();
    rels.sort_unstable();
    rels.dedup();
    rels
}
