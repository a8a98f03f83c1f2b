//! This module defines the data/ and rules/ embedded at build time: the
//! defaults `sleuth` uses when no `--data` or `--rules` is given.

include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));
