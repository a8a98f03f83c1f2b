//! This module defines the JSON data format of source reports and its loader onto the base relations, with provenance.
