//! This module defines reading `.input` TSV fact files and writing `.output` relations.
