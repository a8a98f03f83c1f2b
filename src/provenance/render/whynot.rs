//! This module defines the printed forms of a `whynot` answer: for each rule
//! that could derive the fact, the literal that fails, the closest binding
//! and what held before it.

use serde_json::{Value as Json, json};

use crate::io::format::json_value;
use crate::provenance::FollowUp;
use crate::provenance::whynot::{Attempt, Outcome, WhyNot};

fn outcome_line(a: &Attempt, follow_up: FollowUp) -> Vec<String> {
    match &a.outcome {
        Outcome::Head { reason } => vec![format!("cannot derive it: {reason}")],
        Outcome::Fails {
            text, reason, next, ..
        } => {
            let mut lines = vec![format!("fails at {text}: {reason}")];
            if let Some(n) = next {
                lines.push(format!("next: {}", follow_up.whynot(n)));
            }
            lines
        }
        Outcome::Differs { derived } => {
            vec![format!(
                "the body holds, but the rule derives {derived} instead"
            )]
        }
        Outcome::Derives => vec!["derives it".to_string()],
    }
}

/// The text form.
pub(super) fn text(w: &WhyNot) -> String {
    let mut out = String::new();
    if !w.holds.is_empty() {
        out.push_str(&format!("{} holds:\n", w.fact));
        for t in &w.holds {
            out.push_str(&format!("  {t}\n"));
        }
        out.push_str(&format!(
            "ask `{}` for a proof\n",
            w.follow_up.why(&w.holds[0].to_string())
        ));
        return out;
    }
    out.push_str(&format!("{} does not hold.\n", w.fact));
    if w.attempts.is_empty() {
        out.push_str("No rule derives this relation: its facts come from the data.\n");
        if w.closest.is_empty() {
            out.push_str("No stored fact shares a value with it.\n");
        } else {
            out.push_str("The closest stored facts:\n");
            for t in &w.closest {
                out.push_str(&format!("  {t}\n"));
            }
        }
        return out;
    }
    for a in &w.attempts {
        out.push_str(&format!("\nrule {}: {}\n", a.rule.location(), a.rule.text));
        if !a.bindings.is_empty() {
            let b: Vec<String> = a.bindings.iter().map(ToString::to_string).collect();
            out.push_str(&format!("  closest: {}\n", b.join(", ")));
        }
        for h in &a.held {
            out.push_str(&format!("  holds: {h}\n"));
        }
        for line in outcome_line(a, w.follow_up) {
            out.push_str(&format!("  {line}\n"));
        }
        if a.exhausted {
            out.push_str(
                "  (the search stopped at its work bound; this is the closest miss found)\n",
            );
        }
    }
    out
}

fn attempt_json(a: &Attempt) -> Json {
    let bindings: serde_json::Map<String, Json> = a
        .bindings
        .iter()
        .map(|b| (b.name.clone(), json_value(&b.value)))
        .collect();
    let outcome = match &a.outcome {
        Outcome::Head { reason } => json!({ "kind": "head", "reason": reason }),
        Outcome::Fails {
            literal,
            text,
            instantiated,
            reason,
            next,
        } => json!({
            "kind": "fails",
            "literal": literal,
            "text": text,
            "instantiated": instantiated,
            "reason": reason,
            "next": next,
        }),
        Outcome::Differs { derived } => {
            json!({ "kind": "differs", "derived": derived.to_string() })
        }
        Outcome::Derives => json!({ "kind": "derives" }),
    };
    json!({
        "rule": { "file": a.rule.file, "line": a.rule.line, "text": a.rule.text },
        "bindings": bindings,
        "held": a.held,
        "outcome": outcome,
        "exhausted": a.exhausted,
    })
}

/// The JSON form.
pub(super) fn json(w: &WhyNot) -> String {
    let value = json!({
        "fact": w.fact,
        "holds": w.holds.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "rules": w.attempts.iter().map(attempt_json).collect::<Vec<_>>(),
        "closest": w.closest.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&value).expect("a JSON value always prints");
    s.push('\n');
    s
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The Graphviz form: the fact, each rule, and where each rule fails.
pub(super) fn dot(w: &WhyNot) -> String {
    let mut out = String::from(
        "digraph whynot {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n",
    );
    let status = if w.holds.is_empty() {
        "does not hold"
    } else {
        "holds"
    };
    out.push_str(&format!(
        "  fact [label=\"{}\\n{status}\", style=\"rounded,bold\"];\n",
        escape(&w.fact)
    ));
    for (i, a) in w.attempts.iter().enumerate() {
        out.push_str(&format!(
            "  r{i} [label=\"rule {}\"];\n  fact -> r{i};\n",
            escape(&a.rule.location())
        ));
        let lines: Vec<String> = outcome_line(a, w.follow_up)
            .iter()
            .map(|l| escape(l))
            .collect();
        out.push_str(&format!(
            "  f{i} [label=\"{}\", style=dashed];\n  r{i} -> f{i};\n",
            lines.join("\\n")
        ));
    }
    for (i, t) in w.closest.iter().enumerate() {
        out.push_str(&format!(
            "  c{i} [label=\"closest: {}\", style=dotted];\n  fact -> c{i};\n",
            escape(&t.to_string())
        ));
    }
    out.push_str("}\n");
    out
}
