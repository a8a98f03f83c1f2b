//! This module defines how the conflicts between data documents are shown
//! (`sleuth conflicts`, `:conflicts`): an aligned text table with one line
//! per attestation of each value, or JSON, an array with one object per
//! conflict.

use crate::io::data::Conflict;
use crate::io::format::{aligned, json_value};

/// The conflicts as an aligned table: kind, entity and field once per
/// conflict, then each value with its source, paragraph, grade and whether
/// it was inferred; a count at the end.
pub fn text(conflicts: &[Conflict]) -> String {
    if conflicts.is_empty() {
        return "no conflicts: no loaded sources give a single-valued field differently\n"
            .to_string();
    }
    let mut rows = Vec::new();
    for c in conflicts {
        for (i, v) in c.values.iter().enumerate() {
            let first = i == 0;
            let head = |s: &str| if first { s.to_string() } else { String::new() };
            rows.push(vec![
                head(&c.kind),
                head(&c.entity),
                head(&c.field),
                v.value.to_string(),
                v.source.clone(),
                v.paragraph.to_string(),
                v.grade.to_string(),
                if v.inferred.is_some() {
                    "inferred"
                } else {
                    "stated"
                }
                .to_string(),
            ]);
        }
    }
    let headers = [
        "kind",
        "entity",
        "field",
        "value",
        "source",
        "paragraph",
        "grade",
        "how",
    ];
    let mut out = aligned(&headers, &rows, &[5]);
    let n = conflicts.len();
    out.push_str(&format!(
        "{n} conflict{}: every value is kept as a fact; rules see them all\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// The conflicts as JSON: an array of objects with `kind`, `entity`,
/// `field`, `relation` and `values`, each value with `value`, `source`,
/// `paragraph`, `grade` and `inferred` (the note, or `null` when stated).
pub fn json(conflicts: &[Conflict]) -> String {
    let array: Vec<serde_json::Value> = conflicts
        .iter()
        .map(|c| {
            let values: Vec<serde_json::Value> = c
                .values
                .iter()
                .map(|v| {
                    serde_json::json!({
                        "value": json_value(&v.value),
                        "source": v.source,
                        "paragraph": v.paragraph,
                        "grade": v.grade.to_string(),
                        "inferred": v.inferred,
                    })
                })
                .collect();
            serde_json::json!({
                "kind": c.kind,
                "entity": c.entity,
                "field": c.field,
                "relation": c.relation,
                "values": values,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&array).expect("JSON values always serialize");
    out.push('\n');
    out
}
