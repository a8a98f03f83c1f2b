//! This module defines how facts enter and answers leave sleuth: tab-separated
//! fact files (Soufflé's convention), the JSON data format of source reports,
//! ACLED event exports, and STIX 2.1 bundles in and out.

pub mod acled;
pub mod conflicts;
pub mod data;
pub mod format;
pub(crate) mod read;
pub mod stix;
pub mod tsv;
