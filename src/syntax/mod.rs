//! This module defines the parser of Soufflé-syntax programs: lexer, parser and an AST with spans.
