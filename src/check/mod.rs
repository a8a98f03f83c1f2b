//! This module defines the checker: name resolution, arity, type inference, safety and stratification, lowering the AST to `ir`.
