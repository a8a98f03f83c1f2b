//! This module defines how a [`WhatIf`] is printed: as text (the derived
//! relations, then the base ones, each tuple marked `-` lost, `+` gained or
//! `~` changed in confidence, with counts) and as one JSON document of a
//! stable shape (documented in the README).

use serde_json::{Value as Json, json};

use super::compare::{Conclusion, Counts, Group, RelationChanges, Shift};
use super::{WhatIf, datalog};
use crate::io::format::json_value;
use crate::provenance::Confidence;

/// `1 lost, 2 gained, 0 changed in confidence`.
fn counts_text(c: Counts) -> String {
    format!(
        "{} lost, {} gained, {} changed in confidence",
        c.lost, c.gained, c.changed
    )
}

fn scenario_text(w: &WhatIf) -> String {
    let s = &w.scenario;
    let mut parts = Vec::new();
    if !s.without.is_empty() {
        parts.push(format!("without {}", s.without.join(", ")));
    }
    for (what, list) in [("retract", &s.retract), ("add", &s.add)] {
        for fact in list {
            parts.push(format!("{what} {}", fact.trim().trim_end_matches('.')));
        }
    }
    parts.join("; ")
}

fn group_text(out: &mut String, title: &str, g: &Group) {
    let relations = g.changed.len() + g.unchanged;
    out.push_str(&format!(
        "{title} relations: {} ({} of {relations} changed)\n",
        counts_text(g.counts()),
        g.changed.len()
    ));
    for r in &g.changed {
        let c = r.counts();
        let mut parts = Vec::new();
        for (n, word) in [
            (c.lost, "lost"),
            (c.gained, "gained"),
            (c.changed, "changed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        out.push_str(&format!(
            "  {}/{}: {}\n",
            r.relation,
            r.arity,
            parts.join(", ")
        ));
        for l in &r.lost {
            out.push_str(&format!(
                "    - {}  {}\n",
                datalog(&r.relation, &l.values),
                l.confidence
            ));
        }
        for g in &r.gained {
            out.push_str(&format!(
                "    + {}  {}\n",
                datalog(&r.relation, &g.values),
                g.confidence
            ));
        }
        for s in &r.changed {
            out.push_str(&format!(
                "    ~ {}  {} → {}\n",
                datalog(&r.relation, &s.values),
                s.before,
                s.after
            ));
        }
    }
}

/// The what-if as text: what was asked, the derived relations' changes,
/// the base relations' changes, and the totals.
pub fn render_text(w: &WhatIf) -> String {
    let mut out = format!("what if: {}\n\n", scenario_text(w));
    group_text(&mut out, "derived", &w.derived);
    out.push('\n');
    group_text(&mut out, "base", &w.base);
    out.push_str(&format!(
        "\ntotal: {}; nothing loaded was changed\n",
        counts_text(w.totals())
    ));
    out
}

fn confidence(c: Confidence) -> Json {
    json!({
        "confidence": if c.is_graded() { json!(c.value()) } else { Json::Null },
        "likelihood": c.words(),
    })
}

fn values(v: &[crate::Value]) -> Json {
    Json::Array(v.iter().map(json_value).collect())
}

fn conclusion(relation: &str, c: &Conclusion) -> Json {
    let mut o = json!({
        "fact": datalog(relation, &c.values),
        "values": values(&c.values),
    });
    if let (Some(map), Json::Object(conf)) = (o.as_object_mut(), confidence(c.confidence)) {
        map.extend(conf);
    }
    o
}

fn shift(relation: &str, s: &Shift) -> Json {
    json!({
        "fact": datalog(relation, &s.values),
        "values": values(&s.values),
        "before": confidence(s.before),
        "after": confidence(s.after),
    })
}

fn counts_json(c: Counts) -> Json {
    json!({ "lost": c.lost, "gained": c.gained, "changed": c.changed })
}

fn relation_json(r: &RelationChanges) -> Json {
    json!({
        "relation": r.relation,
        "arity": r.arity,
        "counts": counts_json(r.counts()),
        "lost": r.lost.iter().map(|c| conclusion(&r.relation, c)).collect::<Vec<_>>(),
        "gained": r.gained.iter().map(|c| conclusion(&r.relation, c)).collect::<Vec<_>>(),
        "changed": r.changed.iter().map(|s| shift(&r.relation, s)).collect::<Vec<_>>(),
    })
}

fn group_json(g: &Group) -> Json {
    json!({
        "counts": counts_json(g.counts()),
        "unchanged_relations": g.unchanged,
        "relations": g.changed.iter().map(relation_json).collect::<Vec<_>>(),
    })
}

/// The what-if as one JSON document:
///
/// ```text
/// { "scenario": { "without": [..], "retract": [..], "add": [..] },
///   "derived": GROUP, "base": GROUP,
///   "totals": { "lost": N, "gained": N, "changed": N } }
/// GROUP    = { "counts": COUNTS, "unchanged_relations": N, "relations": [RELATION] }
/// RELATION = { "relation", "arity", "counts",
///              "lost": [TUPLE], "gained": [TUPLE], "changed": [SHIFT] }
/// TUPLE    = { "fact", "values", "confidence" (number or null), "likelihood" }
/// SHIFT    = { "fact", "values", "before": CONF, "after": CONF }
/// CONF     = { "confidence" (number or null), "likelihood" }
/// ```
pub fn render_json(w: &WhatIf) -> String {
    let s = &w.scenario;
    let doc = json!({
        "scenario": { "without": s.without, "retract": s.retract, "add": s.add },
        "derived": group_json(&w.derived),
        "base": group_json(&w.base),
        "totals": counts_json(w.totals()),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value always prints");
    text.push('\n');
    text
}
