//! This module defines the known right answers: relation sizes for each data set, keyed by its content.
//!
//! A data set is recognised by a fingerprint of its facts (FNV-1a 64 over each `.tsv` file's
//! name and bytes, in name order), so the expectation follows the data wherever it was
//! written: by this harness's generator or by the shared `gen.py`. The sizes were measured
//! with the crepe and Ascent references (which agree with each other); the shared README's
//! table gives the same figures for `gen.py`'s large sets.

use super::output::Counts;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// A data set whose right answer is known.
pub struct Known {
    /// Content fingerprint of the facts.
    pub fingerprint: u64,
    /// Where the data comes from, for the report ("sleuth-bench-gen 1 tc-small", ...).
    pub source: &'static str,
    /// The size of every relation the workload's program prints.
    pub counts: &'static [(&'static str, u64)],
}

impl Known {
    /// The expected sizes as a map.
    pub fn counts(&self) -> Counts {
        self.counts
            .iter()
            .map(|&(name, n)| (name.to_string(), n))
            .collect()
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// What the harness learns from reading a data set once.
#[derive(Clone, Copy, Debug)]
pub struct DataInfo {
    /// Content fingerprint of the `.tsv` files.
    pub fingerprint: u64,
    /// Number of facts (lines) over all `.tsv` files.
    pub facts: u64,
}

/// Reads the `.tsv` files in `dir` once: their fingerprint and number of facts.
pub fn inspect(dir: &Path) -> io::Result<DataInfo> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".tsv"))
        .collect();
    names.sort();
    let mut hash = FNV_OFFSET;
    let mut facts = 0;
    let mut buffer = vec![0u8; 1 << 20];
    for name in names {
        hash = fnv(hash, name.as_bytes());
        hash = fnv(hash, &[0]);
        let mut file = File::open(dir.join(&name))?;
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hash = fnv(hash, &buffer[..n]);
            facts += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        }
        hash = fnv(hash, &[0]);
    }
    Ok(DataInfo {
        fingerprint: hash,
        facts,
    })
}

/// The known answer for the data set with this fingerprint, if any.
pub fn lookup(fingerprint: u64) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.fingerprint == fingerprint)
}

const KNOWN: &[Known] = &[];
