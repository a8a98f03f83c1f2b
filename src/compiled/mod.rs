//! This module defines the library's rule program compiled to native code with crepe at build time.
