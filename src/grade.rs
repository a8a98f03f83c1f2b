//! This module defines Admiralty grades (source reliability A-F, information credibility 1-6), their numeric confidence, and the ICD 203 likelihood words analysts use.
