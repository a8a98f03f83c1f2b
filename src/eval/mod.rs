//! This module defines the semi-naive bottom-up interpreter over `ir::Program`.
