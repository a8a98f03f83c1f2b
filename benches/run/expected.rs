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

/// Every data set whose answer is known: this generator's sets (all sizes) and `gen.py`'s.
const KNOWN: &[Known] = &[
    Known {
        fingerprint: 0xd096caec38f53300,
        source: "sleuth-bench-gen 1 tc-small",
        counts: &[("path", 181_885)],
    },
    Known {
        fingerprint: 0xa7a300e1c11420bc,
        source: "sleuth-bench-gen 1 tc-medium",
        counts: &[("path", 1_568_500)],
    },
    Known {
        fingerprint: 0xbeacd448dfdd5338,
        source: "sleuth-bench-gen 1 tc-large",
        counts: &[("path", 8_927_064)],
    },
    Known {
        fingerprint: 0x9b63aa2eede1b577,
        source: "sleuth-bench-gen 1 sg-small",
        counts: &[("sg", 426_780)],
    },
    Known {
        fingerprint: 0xcbccd43ee474f5b3,
        source: "sleuth-bench-gen 1 sg-medium",
        counts: &[("sg", 4_168_494)],
    },
    Known {
        fingerprint: 0x0385bb3df11c1836,
        source: "sleuth-bench-gen 1 sg-large",
        counts: &[("sg", 15_673_432)],
    },
    Known {
        fingerprint: 0xc3dc8ab214fbfeec,
        source: "sleuth-bench-gen 1 events-small",
        counts: &[
            ("recruitment_pipeline", 467),
            ("theater_reach", 396),
            ("pipeline_reach", 948),
            ("in_theater", 2_936),
            ("multi_theater", 276),
            ("recurring_hotspot", 61),
            ("linked", 5_104),
            ("connected", 10_716),
            ("arrested_in_country", 2_723),
            ("undetected", 2_364),
        ],
    },
    Known {
        fingerprint: 0xbe0b47979e0a8854,
        source: "sleuth-bench-gen 1 events-medium",
        counts: &[
            ("recruitment_pipeline", 1_193),
            ("theater_reach", 318),
            ("pipeline_reach", 1_198),
            ("in_theater", 35_906),
            ("multi_theater", 3_989),
            ("recurring_hotspot", 657),
            ("linked", 48_710),
            ("connected", 99_976),
            ("arrested_in_country", 27_510),
            ("undetected", 28_214),
        ],
    },
    Known {
        fingerprint: 0xb1d2f48f9a32db51,
        source: "sleuth-bench-gen 1 events-large",
        counts: &[
            ("recruitment_pipeline", 1_200),
            ("theater_reach", 485),
            ("pipeline_reach", 1_200),
            ("in_theater", 354_851),
            ("multi_theater", 39_013),
            ("recurring_hotspot", 6_334),
            ("linked", 487_678),
            ("connected", 982_081),
            ("arrested_in_country", 275_420),
            ("undetected", 279_931),
        ],
    },
    Known {
        fingerprint: 0x0e0308e7f49e479b,
        source: "sleuth-bench-gen 1 events-xlarge",
        counts: &[
            ("recruitment_pipeline", 1_200),
            ("theater_reach", 344),
            ("pipeline_reach", 1_200),
            ("in_theater", 3_566_299),
            ("multi_theater", 391_922),
            ("recurring_hotspot", 63_355),
            ("linked", 4_849_140),
            ("connected", 9_764_415),
            ("arrested_in_country", 2_754_081),
            ("undetected", 2_816_089),
        ],
    },
    Known {
        fingerprint: 0x1afbdf17e7262788,
        source: "gen.py tc-small",
        counts: &[("path", 185_872)],
    },
    Known {
        fingerprint: 0xf137ac41f8c91218,
        source: "gen.py tc-medium",
        counts: &[("path", 1_471_572)],
    },
    Known {
        fingerprint: 0x0134509b335077f6,
        source: "gen.py tc-large",
        counts: &[("path", 10_987_510)],
    },
    Known {
        fingerprint: 0x1953e52df345eb7e,
        source: "gen.py sg-small",
        counts: &[("sg", 427_732)],
    },
    Known {
        fingerprint: 0x40abd30ab537407f,
        source: "gen.py sg-medium",
        counts: &[("sg", 4_126_656)],
    },
    Known {
        fingerprint: 0x986dde64f76a3e07,
        source: "gen.py sg-large",
        counts: &[("sg", 15_845_182)],
    },
    Known {
        fingerprint: 0xc1067c36e5066926,
        source: "gen.py events-small",
        counts: &[
            ("recruitment_pipeline", 476),
            ("theater_reach", 422),
            ("pipeline_reach", 934),
            ("in_theater", 3_377),
            ("multi_theater", 336),
            ("recurring_hotspot", 64),
            ("linked", 5_162),
            ("connected", 10_789),
            ("arrested_in_country", 2_737),
            ("undetected", 2_691),
        ],
    },
    Known {
        fingerprint: 0xfcb61d860e9c3532,
        source: "gen.py events-medium",
        counts: &[
            ("recruitment_pipeline", 1_194),
            ("theater_reach", 171),
            ("pipeline_reach", 1_200),
            ("in_theater", 34_579),
            ("multi_theater", 3_705),
            ("recurring_hotspot", 626),
            ("linked", 48_928),
            ("connected", 97_994),
            ("arrested_in_country", 27_630),
            ("undetected", 27_445),
        ],
    },
    Known {
        fingerprint: 0x395f1a74d73584a2,
        source: "gen.py events-large",
        counts: &[
            ("recruitment_pipeline", 1_200),
            ("theater_reach", 222),
            ("pipeline_reach", 1_200),
            ("in_theater", 357_175),
            ("multi_theater", 39_271),
            ("recurring_hotspot", 6_334),
            ("linked", 486_392),
            ("connected", 985_081),
            ("arrested_in_country", 275_394),
            ("undetected", 282_165),
        ],
    },
];
