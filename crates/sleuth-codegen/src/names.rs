//! This module defines the Rust names the generated program uses: a
//! CamelCase struct per relation (unique even after crepe lowercases it for
//! its own variables), a snake_case name per Datalog variable (suffixed with
//! its number, so no two collide and none is a keyword), and an upper-case
//! constant per string constant.

use std::collections::HashSet;

/// Names crepe, the generated code or Rust already use.
const RESERVED: &[&str] = &[
    "Crepe",
    "Inputs",
    "Env",
    "Table",
    "Index",
    "Sym",
    "Flt",
    "Date",
    "Column",
    "Frame",
    "Fault",
    "Self",
    "Some",
    "None",
    "Ok",
    "Err",
    "Option",
    "Result",
    "Vec",
    "String",
    "Box",
    "FxBuild",
    "FxHashMap",
    "FxHashSet",
];

/// Hands out unique struct names.
#[derive(Debug, Default)]
pub struct Registry {
    taken: HashSet<String>,
}

impl Registry {
    /// A fresh registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// A unique CamelCase struct name for `base` (a Datalog or helper name).
    pub fn struct_name(&mut self, base: &str) -> String {
        let mut camel = String::new();
        let mut upper = true;
        for c in base.chars() {
            if c.is_ascii_alphanumeric() {
                if upper {
                    camel.push(c.to_ascii_uppercase());
                } else {
                    camel.push(c);
                }
                upper = false;
            } else {
                upper = true;
            }
        }
        if camel.is_empty() || !camel.starts_with(|c: char| c.is_ascii_uppercase()) {
            camel.insert(0, 'R');
        }
        let mut name = camel.clone();
        let mut n = 1;
        while RESERVED.contains(&name.as_str()) || self.taken.contains(&name.to_lowercase()) {
            n += 1;
            name = format!("{camel}{n}");
        }
        self.taken.insert(name.to_lowercase());
        name
    }
}

/// The Rust name of variable `id` called `name` in Datalog.
pub fn var_name(name: &str, id: usize) -> String {
    if name.starts_with('$') {
        return format!("g_{id}");
    }
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    out = out.trim_matches('_').to_string();
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert(0, 'v');
    }
    format!("{out}_{id}")
}

/// The Rust name of the library's `k`-th string constant.
pub fn constant_name(text: &str, k: usize) -> String {
    let mut body: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    body = body.trim_matches('_').to_string();
    if body.is_empty() {
        format!("K{k}")
    } else {
        format!("K{k}_{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names_are_unique_after_lowercasing() {
        let mut r = Registry::new();
        assert_eq!(r.struct_name("recruitment_pipeline"), "RecruitmentPipeline");
        assert_eq!(r.struct_name("recruitmentPipeline"), "RecruitmentPipeline2");
        assert_eq!(r.struct_name("crepe"), "Crepe2");
        assert_eq!(r.struct_name("inputs"), "Inputs2");
        assert_eq!(r.struct_name("$aggregate0_body"), "Aggregate0Body");
        assert_eq!(r.struct_name("_x"), "X");
        assert_eq!(r.struct_name("9lives"), "R9lives");
    }

    #[test]
    fn variables_and_constants() {
        assert_eq!(var_name("Op", 3), "op_3");
        assert_eq!(var_name("$_7", 7), "g_7");
        assert_eq!(var_name("_X", 1), "x_1");
        assert_eq!(var_name("type", 0), "type_0");
        assert_eq!(constant_name("Al Hoceima", 2), "K2_AL_HOCEIMA");
        assert_eq!(constant_name("é", 5), "K5");
    }
}
