//! This module defines how answers are shown: an aligned text table with a
//! header and a row count, JSON (an array of objects keyed by column name,
//! numbers as JSON numbers, symbols and dates as strings) and CSV.

use crate::value::Value;

/// An output format for answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns with a header and a row count.
    Table,
    /// A JSON array of objects.
    Json,
    /// Comma-separated values with a header line.
    Csv,
    /// Tab-separated values without a header (Soufflé's output).
    Tsv,
}

impl Format {
    /// Parses `table`, `json`, `csv` or `tsv`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            _ => None,
        }
    }
}

/// Renders rows under the given column names.
pub fn render(columns: &[String], rows: &[Vec<Value>], format: Format) -> String {
    match format {
        Format::Table => table(columns, rows),
        Format::Json => json(columns, rows),
        Format::Csv => csv(columns, rows),
        Format::Tsv => tsv(rows),
    }
}

/// An aligned table: header, separator, rows, then `N rows` (or `no answers`).
/// A query without variables (a yes/no question) prints `yes` or `no`.
pub fn table(columns: &[String], rows: &[Vec<Value>]) -> String {
    if columns.is_empty() {
        return if rows.is_empty() { "no\n" } else { "yes\n" }.to_string();
    }
    if rows.is_empty() {
        return "no answers\n".to_string();
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let mut out = aligned(columns, &cells, &[]);
    let n = rows.len();
    out.push_str(&format!("{n} row{}\n", if n == 1 { "" } else { "s" }));
    out
}

/// Aligned columns: a header line, a rule of dashes, then one line per row,
/// columns two spaces apart, trailing spaces trimmed. The columns whose index
/// is in `right` are aligned right. Cells of any length are padded by hand:
/// `format!("{s:<w$}")` panics when `w` passes 65,535.
pub(crate) fn aligned<H: AsRef<str>>(
    headers: &[H],
    rows: &[Vec<String>],
    right: &[usize],
) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.as_ref().chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let start = out.len();
        for (i, (cell, &width)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let fill = width.saturating_sub(cell.chars().count());
            if right.contains(&i) {
                pad(&mut out, fill);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                pad(&mut out, fill);
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(&mut headers.iter().map(AsRef::as_ref));
    let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut dashes.iter().map(String::as_str));
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// Appends `n` spaces.
fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A JSON value for one sleuth value.
pub fn json_value(value: &Value) -> serde_json::Value {
    match value {
        Value::Number(n) => serde_json::Value::from(*n),
        Value::Float(x) => serde_json::Number::from_f64(*x)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| serde_json::Value::String(x.to_string())),
        other => serde_json::Value::String(other.to_string()),
    }
}

/// A JSON array with one object per row, keyed by column name.
pub fn json(columns: &[String], rows: &[Vec<Value>]) -> String {
    let array: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let object: serde_json::Map<String, serde_json::Value> = columns
                .iter()
                .cloned()
                .zip(row.iter().map(json_value))
                .collect();
            serde_json::Value::Object(object)
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Array(array))
        .expect("JSON values always serialize");
    text.push('\n');
    text
}

/// CSV with a header line; fields quoted when they hold a comma, a quote or
/// a line break.
pub fn csv(columns: &[String], rows: &[Vec<Value>]) -> String {
    let field = |s: &str| -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = columns
        .iter()
        .map(|c| field(c))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|v| field(&v.to_string()))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Tab-separated rows, no header.
pub fn tsv(rows: &[Vec<Value>]) -> String {
    let mut out = String::new();
    for row in rows {
        out.push_str(
            &row.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\t"),
        );
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Value {
        Value::Symbol(s.to_string())
    }

    #[test]
    fn table_aligns_and_counts() {
        let cols = vec!["C".to_string(), "Theater".to_string()];
        let rows = vec![
            vec![sym("Morocco"), sym("Sahel")],
            vec![sym("Spain"), sym("Sahel")],
        ];
        assert_eq!(
            table(&cols, &rows),
            "C        Theater\n-------  -------\nMorocco  Sahel\nSpain    Sahel\n2 rows\n"
        );
        assert_eq!(table(&cols, &[]), "no answers\n");
        assert_eq!(table(&[], &[vec![]]), "yes\n");
    }

    /// A cell of 65,536 characters or more panicked the table printer
    /// ("Formatting argument out of range"): the padding width passed
    /// `format!`'s limit.
    #[test]
    fn table_printer_does_not_panic_on_a_cell_of_65536_characters() {
        let big = "A".repeat(70_000);
        let cols = vec!["X".to_string(), "Y".to_string()];
        let rows = vec![vec![sym(&big), sym("b")], vec![sym("a"), sym("c")]];
        let text = table(&cols, &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("X{}  Y", " ".repeat(69_999)));
        assert_eq!(lines[1], format!("{}  -", "-".repeat(70_000)));
        assert_eq!(lines[2], format!("{big}  b"));
        assert_eq!(lines[3], format!("a{}  c", " ".repeat(69_999)));
        assert_eq!(lines[4], "2 rows");
    }

    #[test]
    fn aligned_pads_right_aligned_columns_on_the_left() {
        let rows = vec![vec!["a".to_string(), "7".to_string()]];
        assert_eq!(
            aligned(&["name", "count"], &rows, &[1]),
            "name  count\n----  -----\na         7\n"
        );
    }

    #[test]
    fn json_keeps_numbers_as_numbers() {
        let cols = vec!["O".to_string(), "N".to_string()];
        let rows = vec![vec![sym("op-2024-01"), Value::Number(4)]];
        let v: serde_json::Value = serde_json::from_str(&json(&cols, &rows)).expect("valid JSON");
        assert_eq!(v[0]["N"], 4);
        assert_eq!(v[0]["O"], "op-2024-01");
    }

    #[test]
    fn csv_quotes_when_needed() {
        let cols = vec!["X".to_string()];
        assert_eq!(csv(&cols, &[vec![sym("a,b")]]), "X\n\"a,b\"\n");
    }
}
