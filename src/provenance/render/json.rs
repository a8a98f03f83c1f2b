//! This module defines the JSON form of a proof: the conclusion, its
//! confidence and the cited paragraphs, then the proof as a tree of nodes,
//! each an object with its `kind` (`derived`, `fact`, `negation`,
//! `comparison`, `test`, `aggregate`, `match`, `cut`, `unexplained`), what
//! that kind shows (relation and values, rule location and bindings, source,
//! paragraph and grade, confidence) and its `children`. The tree is written
//! with an explicit stack, so any depth prints.
//!
//! Assumptions of absence are kept apart from the evidence: the head has an
//! `assumptions` array (every negated atom the proof relies on, each with
//! its `kind`, `event` or `background`, and the sources `searched`) and
//! `rests_on_silence` (true when every derivation of the conclusion
//! assumes the absence of an event); a
//! `derived` node whose rule instance negates an atom has its own
//! `assumptions`, and each `negation` node its `assumption`.

use serde_json::{Map, Value as Json, json};

/// An object with its keys in the order given.
type Fields = Vec<(&'static str, Json)>;

use crate::io::format::json_value;
use crate::provenance::assumptions::Assumption;
use crate::provenance::citations::Citation;
use crate::provenance::confidence::Confidence;
use crate::provenance::proof::{CutReason, NodeKind, Proof};

fn confidence(map: &mut Fields, c: Option<Confidence>) {
    if let Some(c) = c {
        map.push((
            "confidence",
            if c.is_graded() && c.is_judged() {
                json!(c.value())
            } else {
                Json::Null
            },
        ));
        map.push(("likelihood", json!(c.words())));
    }
}

fn citation(c: &Citation) -> Json {
    match c {
        Citation::Report {
            source,
            title,
            file,
            paragraph,
            grade,
            note,
        } => json!({
            "source": source,
            "document": title,
            "file": file,
            "paragraph": paragraph,
            "grade": grade.to_string(),
            "grade_words": grade.words(),
            "confidence": grade.is_judged().then(|| Confidence::from_grade(*grade).value()),
            "inferred": note,
        }),
        Citation::Typed {
            source,
            grade,
            location,
        } => json!({
            "source": source,
            "typed_at": location,
            "grade": grade.to_string(),
            "grade_words": grade.words(),
            "confidence": Confidence::from_grade(*grade).value(),
            "inferred": Json::Null,
        }),
        Citation::Rules { location } => json!({ "written_at": location }),
        Citation::Unrecorded => json!({ "unrecorded": true }),
    }
}

/// An assumption of absence: the negated atom, the kind of fact it is
/// about, and the loaded sources that were searched for it.
fn assumption(a: &Assumption) -> Json {
    json!({
        "atom": a.atom(),
        "relation": a.relation,
        "values": a.values.iter().map(|v| v.as_ref().map_or(Json::Null, json_value)).collect::<Vec<_>>(),
        "kind": a.kind.name(),
        "searched": *a.searched,
        "text": a.sentence(),
    })
}

/// The node's fields, without its children.
fn fields(proof: &Proof, n: usize) -> Fields {
    let node = &proof.nodes[n];
    let mut m = Fields::new();
    m.push(("kind", json!(node.kind.name())));
    if let Some(t) = node.kind.tuple() {
        m.push(("fact", json!(t.to_string())));
        m.push(("relation", json!(t.relation)));
        m.push((
            "values",
            Json::Array(t.values.iter().map(json_value).collect()),
        ));
    }
    if let Some(l) = node.literal {
        m.push(("literal", json!(l)));
    }
    confidence(&mut m, node.confidence);
    if node.kind.tuple().is_some() {
        m.push(("independent_sources", json!(node.independent_sources)));
    }
    match &node.kind {
        NodeKind::Derived { rule, bindings, .. } => {
            m.push((
                "rule",
                json!({ "file": rule.file, "line": rule.line, "text": rule.text }),
            ));
            let b: Map<String, Json> = bindings
                .iter()
                .map(|b| (b.name.clone(), json_value(&b.value)))
                .collect();
            m.push(("bindings", Json::Object(b)));
            let assumed = proof.assumptions_of(n);
            if !assumed.is_empty() {
                m.push((
                    "assumptions",
                    Json::Array(assumed.into_iter().map(assumption).collect()),
                ));
            }
        }
        NodeKind::Fact { citations, .. } => {
            m.push((
                "sources",
                Json::Array(citations.iter().map(citation).collect()),
            ));
        }
        NodeKind::Absent(a) => {
            m.push(("text", json!(format!("no fact {}", a.atom()))));
            m.push(("relation", json!(a.relation)));
            m.push((
                "values",
                Json::Array(
                    a.values
                        .iter()
                        .map(|v| v.as_ref().map_or(Json::Null, json_value))
                        .collect(),
                ),
            ));
            m.push(("assumption", assumption(a)));
        }
        NodeKind::Comparison {
            text,
            op,
            left,
            right,
        } => {
            m.push(("text", json!(text)));
            m.push(("op", json!(op.symbol())));
            m.push(("left", json_value(left)));
            m.push(("right", json_value(right)));
        }
        NodeKind::Test { text, args } => {
            m.push(("text", json!(text)));
            m.push(("args", Json::Array(args.iter().map(json_value).collect())));
        }
        NodeKind::Aggregate {
            text,
            op,
            group,
            result,
            total,
        } => {
            m.push(("text", json!(text)));
            m.push(("op", json!(op.name())));
            let g: Map<String, Json> = group
                .iter()
                .map(|b| (b.name.clone(), json_value(&b.value)))
                .collect();
            m.push(("group", Json::Object(g)));
            m.push(("result", json_value(result)));
            m.push(("total", json!(total)));
            m.push(("shown", json!(node.children.len())));
        }
        NodeKind::Match { index } => {
            m.push(("index", json!(index)));
        }
        NodeKind::Cut { reason, .. } => {
            let (why, bound) = match reason {
                CutReason::Depth(d) => ("depth", d),
                CutReason::Size(n) => ("size", n),
            };
            m.push(("cut", json!(why)));
            m.push(("bound", json!(bound)));
        }
        NodeKind::Unexplained { .. } => {}
    }
    m
}

/// An object with its fields in order, every line after the first indented
/// by `indent`, without its closing brace.
fn open_object(fields: &Fields, indent: &str) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let text = serde_json::to_string_pretty(value).expect("a JSON value always prints");
        let text = text.replace('\n', &format!("\n{indent}  "));
        out.push_str(&format!("{indent}  {}: {text}", json!(key)));
    }
    out
}

/// The proof as JSON.
pub fn render_json(proof: &Proof) -> String {
    let c = proof.confidence();
    let mut head = Fields::new();
    head.push(("conclusion", json!(proof.conclusion().to_string())));
    confidence(&mut head, Some(c));
    head.push(("independent_sources", json!(proof.independent_sources())));
    head.push(("strongest", json!(proof.strongest)));
    head.push((
        "cited",
        Json::Array(
            proof
                .cited_paragraphs()
                .into_iter()
                .map(|(s, ps)| json!({ "source": s, "paragraphs": ps }))
                .collect(),
        ),
    ));
    head.push((
        "assumptions",
        Json::Array(proof.assumptions().into_iter().map(assumption).collect()),
    ));
    head.push(("rests_on_silence", json!(proof.rests_on_silence())));
    let mut out = open_object(&head, "");
    out.push_str(",\n  \"proof\": ");
    enum Ev {
        Open(usize, String, bool),
        Close(String, bool),
    }
    let mut stack = vec![Ev::Open(0, "  ".to_string(), true)];
    let mut first = true;
    while let Some(ev) = stack.pop() {
        match ev {
            Ev::Open(n, indent, last) => {
                let node = &proof.nodes[n];
                if !first {
                    out.push_str(&indent);
                }
                first = false;
                out.push_str(&open_object(&fields(proof, n), &indent));
                let comma = if last { "" } else { "," };
                if node.children.is_empty() {
                    out.push_str(&format!(
                        ",\n{indent}  \"children\": []\n{indent}}}{comma}\n"
                    ));
                    continue;
                }
                out.push_str(&format!(",\n{indent}  \"children\": [\n"));
                stack.push(Ev::Close(indent.clone(), last));
                let k = node.children.len();
                // Deep proofs stop indenting further, so lines stay short.
                let inner = if indent.len() < 4 * 40 {
                    format!("{indent}    ")
                } else {
                    indent.clone()
                };
                for (i, &ch) in node.children.iter().enumerate().rev() {
                    stack.push(Ev::Open(ch, inner.clone(), i + 1 == k));
                }
            }
            Ev::Close(indent, last) => {
                let comma = if last { "" } else { "," };
                out.push_str(&format!("{indent}  ]\n{indent}}}{comma}\n"));
            }
        }
    }
    out.push_str("}\n");
    out
}
