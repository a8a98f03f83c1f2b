//! This module defines a generated relation and how it is written as a TSV fact file.
//!
//! Values are kept as integers while generating; a column's prefix turns them into the
//! shared value encoding on the way out (`p17`, `cell3`, `city9`, ...). An empty prefix
//! writes the plain number (Soufflé `number`).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A relation's rows, flat, with one prefix per column.
pub struct Relation {
    /// Relation name; the file is `<name>.tsv`.
    pub name: &'static str,
    /// One prefix per column; `""` writes the plain integer.
    pub prefixes: &'static [&'static str],
    /// Rows, `prefixes.len()` values each, one after the other.
    pub values: Vec<u32>,
}

impl Relation {
    /// A relation from rows that are sorted and deduplicated here, as sets are.
    pub fn from_rows<const N: usize>(
        name: &'static str,
        prefixes: &'static [&'static str],
        mut rows: Vec<[u32; N]>,
    ) -> Relation {
        assert_eq!(prefixes.len(), N, "{name}: one prefix per column");
        rows.sort_unstable();
        rows.dedup();
        Relation {
            name,
            prefixes,
            values: rows.into_iter().flatten().collect(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len() / self.prefixes.len()
    }

    /// Writes `<dir>/<name>.tsv`: tab-separated, no header, one row a line.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let path = dir.join(format!("{}.tsv", self.name));
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        for row in self.values.chunks_exact(self.prefixes.len()) {
            for (i, (prefix, value)) in self.prefixes.iter().zip(row).enumerate() {
                if i > 0 {
                    out.write_all(b"\t")?;
                }
                write!(out, "{prefix}{value}")?;
            }
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}
