//! This module defines the code generator: a pure function from a checked
//! rule library ([`ir::Program`](sleuth_front::ir::Program)) and its sources to the
//! Rust text of a compiled program. build.rs calls it on rules/*.dl and
//! writes the text into OUT_DIR, where the `compiled` module includes it.
//!
//! The text holds, inside one private module `generated`:
//! - tables describing it (relations and roles, compiled rules, failure
//!   sites, what is left to the interpreter and why, string constants);
//! - one `crepe!` program per stage (see [`plan`](super::plan)), every rule
//!   under a comment with its Datalog text and `file:line`;
//! - one plain Rust function per aggregate, grouping the matches of its body;
//! - `run_stages`, which moves relations between a `Frame` (sleuth's `compiled::frame`)
//!   and the stages in order.

use super::emit_expr::{Constants, ExprHost, ExprWriter, aggregate_update, rust_type, var_ident};
use super::lowered::{Lit, LoweredRule, PlanRel, Purpose};
use super::names::{Registry, constant_name};
use super::order::{ScanArg, Step, order};
use super::plan::{Plan, Role, plan};
use super::signature::rule_signature;
use sleuth_front::diag::{SourceMap, Span};
use sleuth_front::ir::{AggOp, Expr, Literal, Program, RuleId, Term};
use sleuth_front::value::{Type, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Where the generated code finds the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Path of the `compiled` module (`crate::compiled` inside sleuth).
    pub runtime: String,
    /// Path of the `value` module (`crate::value` inside sleuth).
    pub value: String,
    /// One crepe program per stratum (the default) rather than per stage
    /// (see [`plan`](super::plan::plan)): each relation's time inside crepe
    /// is measured apart, and everything a stratum only reads comes from
    /// prebuilt indexes instead of crepe's own, which is faster.
    pub per_stratum: bool,
}

impl Options {
    /// The paths for code included inside the sleuth crate.
    pub fn in_crate() -> Options {
        Options {
            runtime: "crate::compiled".into(),
            value: "crate::value".into(),
            per_stratum: true,
        }
    }
}

/// A library rule left to the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// `file:line` of the rule.
    pub location: String,
    /// Why it cannot be compiled.
    pub reason: String,
}

/// The generated program.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    /// The Rust source text.
    pub code: String,
    /// The plan it implements.
    pub plan: Plan,
    /// Rules that could not be compiled.
    pub skipped: Vec<Skipped>,
    /// Relations left to the interpreter (name, reason), those rules and all
    /// that depends on them.
    pub interpreted: Vec<(String, String)>,
}

struct Gen<'a> {
    program: &'a Program,
    sources: &'a SourceMap,
    plan: &'a Plan,
    structs: Vec<String>,
    constants: Constants,
    /// Relations each stage computes (crepe relations there).
    computed: Vec<BTreeSet<PlanRel>>,
    /// Lookup patterns (bound columns) each relation read as an input needs.
    modes: BTreeMap<PlanRel, BTreeSet<Vec<usize>>>,
    rule_table: Vec<RuleId>,
    sites: Vec<(u32, u32, u32)>,
    current: RuleId,
}

impl ExprHost for Gen<'_> {
    fn site(&mut self, span: Span) -> u32 {
        let rule = self.rule_index(self.current);
        let base = self.program.rules[self.current].span.start;
        self.sites.push((
            rule,
            span.start.saturating_sub(base),
            span.end.saturating_sub(base),
        ));
        self.sites.len() as u32 - 1
    }

    fn constant(&mut self, text: &str) -> String {
        self.constants
            .name(text)
            .expect("every string constant of a compiled rule was collected")
    }
}

fn quote(s: &str) -> String {
    format!("{s:?}")
}

fn collect_constants(plan: &Plan) -> Constants {
    fn from_expr(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::Const(Value::Symbol(s)) => out.push(s.clone()),
            Expr::Const(_) | Expr::Var(_) => {}
            Expr::Neg { arg, .. } => from_expr(arg, out),
            Expr::Binary { left, right, .. } => {
                from_expr(left, out);
                from_expr(right, out);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| from_expr(a, out)),
        }
    }
    let mut out = Vec::new();
    for stage in &plan.stages {
        for rule in &stage.rules {
            rule.head.iter().for_each(|e| from_expr(e, &mut out));
            for l in &rule.body {
                match l {
                    Lit::Atom { args, .. } | Lit::Not { args, .. } => {
                        for t in args {
                            if let Term::Const(Value::Symbol(s)) = t {
                                out.push(s.clone());
                            }
                        }
                    }
                    Lit::Compare(c) => {
                        from_expr(&c.left, &mut out);
                        from_expr(&c.right, &mut out);
                    }
                    Lit::Test(t) => t.args.iter().for_each(|a| from_expr(a, &mut out)),
                }
            }
        }
    }
    for agg in &plan.aggregates {
        if let Some(t) = &agg.target {
            from_expr(t, &mut out);
        }
    }
    Constants::new(out)
}

impl<'a> Gen<'a> {
    fn rule_index(&mut self, rule: RuleId) -> u32 {
        match self.rule_table.iter().position(|&r| r == rule) {
            Some(i) => i as u32,
            None => {
                self.rule_table.push(rule);
                self.rule_table.len() as u32 - 1
            }
        }
    }

    fn location(&self, span: Span) -> String {
        let loc = self.sources.location(span);
        // file:line, without the column
        match loc.rfind(':') {
            Some(i) => loc[..i].to_string(),
            None => loc,
        }
    }

    /// The rule's source text as `//` comment lines, then its location.
    fn rule_comment(&self, origin: RuleId, indent: &str, note: &str) -> String {
        let rule = &self.program.rules[origin];
        let mut out = String::new();
        for line in self.sources.snippet(rule.span).lines() {
            let _ = writeln!(out, "{indent}// {}", line.trim_end());
        }
        let _ = writeln!(out, "{indent}//   {}{note}", self.location(rule.span));
        out
    }

    fn term(&mut self, vars: &[sleuth_front::ir::Var], t: &Term) -> String {
        match t {
            Term::Var(v) => var_ident(vars, *v),
            Term::Const(c) => {
                let mut temps = 0;
                ExprWriter::new(self, vars, &mut temps).constant(c)
            }
            Term::Wildcard => "_".into(),
        }
    }

    /// One crepe rule of stage `s`.
    fn crepe_rule(&mut self, s: usize, rule: &LoweredRule) -> String {
        self.current = rule.origin;
        let ordered = order(rule).expect("the planner only keeps rules that can be ordered");
        let vars = &rule.vars;
        let mut clauses: Vec<String> = vec!["Inputs(env__)".into()];
        let mut temps = 0usize;
        for step in &ordered.steps {
            match step {
                Step::Scan { rel, args } if !self.computed[s].contains(rel) => {
                    // An input: look its tuples up in the prebuilt index.
                    let mode = scan_mode(args);
                    let mut keys = Vec::new();
                    let mut pattern = Vec::new();
                    let mut bound = Vec::new();
                    for a in args {
                        match a {
                            ScanArg::Bind(v) => {
                                pattern.push(var_ident(vars, *v));
                                bound.push(var_ident(vars, *v));
                            }
                            ScanArg::Bound(v) => {
                                keys.push(var_ident(vars, *v));
                                pattern.push("_".into());
                            }
                            ScanArg::Const(c) => {
                                keys.push(self.term(vars, &Term::Const(c.clone())));
                                pattern.push("_".into());
                            }
                            ScanArg::Wild => pattern.push("_".into()),
                        }
                    }
                    let source = if mode.is_empty() {
                        format!("env__.{}.rows()", table_field(*rel))
                    } else {
                        format!("env__.{}.get(&{})", index_field(*rel, &mode), tuple(&keys))
                    };
                    clauses.push(format!("for &{} in {source}", tuple(&pattern)));
                    if !bound.is_empty() {
                        // crepe does not see variables bound by `for`; name them again.
                        clauses.push(format!("let {} = {}", tuple(&bound), tuple(&bound)));
                    }
                }
                Step::Not { rel, args } if !self.computed[s].contains(rel) => {
                    let mode = not_mode(args);
                    let keys: Vec<String> = args
                        .iter()
                        .filter(|t| !matches!(t, Term::Wildcard))
                        .map(|t| self.term(vars, t))
                        .collect();
                    if mode.is_empty() {
                        clauses.push(format!("(env__.{}.is_empty())", table_field(*rel)));
                    } else {
                        clauses.push(format!(
                            "(env__.{}.get(&{}).is_empty())",
                            index_field(*rel, &mode),
                            tuple(&keys)
                        ));
                    }
                }
                Step::Scan { rel, args } => {
                    let args: Vec<String> = args
                        .iter()
                        .map(|a| match a {
                            ScanArg::Bind(v) | ScanArg::Bound(v) => var_ident(vars, *v),
                            ScanArg::Const(c) => self.term(vars, &Term::Const(c.clone())),
                            ScanArg::Wild => "_".into(),
                        })
                        .collect();
                    clauses.push(format!("{}({})", self.structs[*rel], args.join(", ")));
                }
                Step::SameAs(a, b) => {
                    clauses.push(format!(
                        "({} == {})",
                        var_ident(vars, *a),
                        var_ident(vars, *b)
                    ));
                }
                Step::Guard(c) => {
                    let mut w = ExprWriter::new(self, vars, &mut temps);
                    let text = w.compare(c);
                    let pending = std::mem::take(&mut w.pending);
                    push_fallible(&mut clauses, pending);
                    clauses.push(text);
                }
                Step::Bind(v, e) => {
                    let mut w = ExprWriter::new(self, vars, &mut temps);
                    let text = w.expr(e);
                    let pending = std::mem::take(&mut w.pending);
                    push_fallible(&mut clauses, pending);
                    clauses.push(format!("let {} = {text}", var_ident(vars, *v)));
                }
                Step::Test(t) => {
                    let mut w = ExprWriter::new(self, vars, &mut temps);
                    let text = w.test(t);
                    let pending = std::mem::take(&mut w.pending);
                    push_fallible(&mut clauses, pending);
                    clauses.push(text);
                }
                Step::Not { rel, args } => {
                    let args: Vec<String> = args.iter().map(|t| self.term(vars, t)).collect();
                    clauses.push(format!("!{}({})", self.structs[*rel], args.join(", ")));
                }
            }
        }
        let mut w = ExprWriter::new(self, vars, &mut temps);
        let head: Vec<String> = rule.head.iter().map(|e| w.expr(e)).collect();
        let pending = std::mem::take(&mut w.pending);
        push_fallible(&mut clauses, pending);
        if clauses.is_empty() {
            clauses.push("(true)".into());
        }
        let note = match &rule.purpose {
            Purpose::Rule => String::new(),
            Purpose::EmptyGroups(ks) => format!(
                " (variant: aggregate{} over an empty group give{} 0)",
                ks.iter().map(|k| format!(" #{k}")).collect::<String>(),
                if ks.len() == 1 { "s" } else { "" }
            ),
            Purpose::AggregateBody(k) => format!(" (matches of aggregate #{k}'s body)"),
        };
        let mut out = self.rule_comment(rule.origin, "        ", &note);
        let _ = s;
        let _ = writeln!(
            out,
            "        {}({}) <-\n            {};",
            self.structs[rule.head_rel],
            head.join(", "),
            clauses.join(",\n            ")
        );
        out
    }

    fn struct_decl(&self, rel: PlanRel, name: &str, io: &str) -> String {
        let types: Vec<String> = self.plan.relations[rel]
            .types
            .iter()
            .map(|&t| format!("pub {}", rust_type(t)))
            .collect();
        format!(
            "        {io}\n        pub struct {name}({});\n",
            types.join(", ")
        )
    }

    fn stage(&mut self, s: usize) -> String {
        let plan = self.plan;
        let stage = &plan.stages[s];
        let computed = self.computed[s].clone();
        let derived: Vec<PlanRel> = computed
            .iter()
            .copied()
            .filter(|&r| matches!(plan.relations[r].role, Role::Derived { .. }))
            .collect();
        let outputs: Vec<PlanRel> = computed.iter().copied().collect();

        let mut m = String::new();
        let _ = writeln!(m, "    /// Stage {s} of the compiled library.");
        let _ = writeln!(m, "    mod stage_{s} {{");
        let _ = writeln!(m, "        use super::*;\n");
        let _ = writeln!(m, "        ::crepe::crepe! {{");
        let _ = writeln!(
            m,
            "        // Everything the stage reads but does not compute, as tables and indexes.\n        @input\n        pub struct Inputs<'a>(pub &'a Env);"
        );
        for &rel in &outputs {
            m.push_str(&self.struct_decl(rel, &self.structs[rel], "@output"));
        }
        m.push('\n');
        for &rel in &derived {
            let cols: Vec<String> = (0..plan.relations[rel].types.len())
                .map(|i| format!("c{i}"))
                .collect();
            let _ = writeln!(
                m,
                "        // `{}` keeps the tuples it already had (facts, loaded data).\n        {}({}) <- Inputs(env__), for &{} in env__.{}.rows();\n",
                plan.relations[rel].name,
                self.structs[rel],
                cols.join(", "),
                tuple(&cols),
                table_field(rel)
            );
        }
        for r in &stage.rules {
            let text = self.crepe_rule(s, r);
            m.push_str(&text);
            m.push('\n');
        }
        let _ = writeln!(m, "        }}\n    }}\n");

        // The runner.
        let _ = writeln!(
            m,
            "    fn run_stage_{s}(env: &mut Env, frame: &mut Frame) -> Result<(), Fault> {{"
        );
        for &rel in &derived {
            m.push_str(&self.load_table(rel, "        "));
        }
        let names: Vec<String> = outputs.iter().map(|r| format!("out_{r}")).collect();
        let _ = writeln!(m, "        let started = ::std::time::Instant::now();");
        let _ = writeln!(
            m,
            "        let ({},) = {{\n            let mut runtime = stage_{s}::Crepe::new();\n            runtime.extend([stage_{s}::Inputs(&*env)]);\n            runtime.run_with_hasher::<FxBuild>()\n        }};",
            names.join(", ")
        );
        let _ = writeln!(m, "        let elapsed = started.elapsed();");
        let _ = writeln!(m, "        frame.crepe_time += elapsed;");
        let _ = writeln!(m, "        frame.stage_times.push(elapsed);");
        let _ = writeln!(
            m,
            "        if let Some(fault) = fault::take() {{\n            return Err(fault);\n        }}"
        );
        for &rel in &derived {
            let n = plan.relations[rel].types.len();
            let cols: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            let words: Vec<String> = cols.iter().map(|c| format!("{c}.to_word()")).collect();
            let t = table_field(rel);
            let _ = writeln!(
                m,
                "        env.{t} = Table::new(out_{rel}.into_iter().map(|stage_{s}::{}({})| {}).collect());\n        frame.take({rel});\n        frame.reserve({rel}, env.{t}.len());\n        for &{} in env.{t}.rows() {{\n            frame.push({rel}, &[{}]);\n        }}\n        indexes_{rel}(env);",
                self.structs[rel],
                cols.join(", "),
                tuple(&cols),
                tuple(&cols),
                words.join(", ")
            );
        }
        for &k in &stage.aggregates {
            let body = plan.aggregates[k].body_rel;
            let _ = writeln!(m, "        aggregate_{k}(&out_{body}, env)?;");
        }
        let _ = writeln!(m, "        Ok(())\n    }}\n");
        for &k in &stage.aggregates {
            let text = self.aggregate(k, s);
            m.push_str(&text);
        }
        m
    }

    fn aggregate(&mut self, k: usize, s: usize) -> String {
        let plan = self.plan;
        let agg = &plan.aggregates[k];
        self.current = agg.origin;
        let vars = &agg.vars;
        let group: Vec<String> = agg.columns[..agg.group_len]
            .iter()
            .map(|&v| var_ident(vars, v))
            .collect();
        let group_types: Vec<&str> = agg.columns[..agg.group_len]
            .iter()
            .map(|&v| rust_type(vars[v].ty))
            .collect();
        let cols: Vec<String> = agg.columns.iter().map(|&v| var_ident(vars, v)).collect();
        let key = if group.is_empty() {
            "()".to_string()
        } else {
            format!("({},)", group.join(", "))
        };
        let key_type = if group_types.is_empty() {
            "()".to_string()
        } else {
            format!("({},)", group_types.join(", "))
        };
        let acc_type = match agg.op {
            AggOp::Count => "i64",
            _ => rust_type(agg.ty),
        };
        let mut temps = 0usize;
        let mut value_stmts = String::new();
        if let Some(target) = &agg.target {
            let mut w = ExprWriter::new(self, vars, &mut temps);
            let text = w.expr(target);
            for f in std::mem::take(&mut w.pending) {
                let _ = writeln!(
                    value_stmts,
                    "        let Some({}) = {} else {{\n            return Err(fault::take_or({}));\n        }};",
                    f.temp, f.call, f.site
                );
            }
            let _ = writeln!(value_stmts, "        let value: {acc_type} = {text};");
        }
        let span = self.program.rules[agg.origin]
            .body
            .iter()
            .find_map(|l| match l {
                Literal::Aggregate(g) if g.op == agg.op && g.target == agg.target => Some(g.span),
                _ => None,
            })
            .unwrap_or(self.program.rules[agg.origin].span);
        let update = match aggregate_update(agg.op, agg.ty, &key, || self.site(span)) {
            Ok(text) => text,
            // The planner keeps such aggregates out of compiled rules.
            Err(why) => format!("        compile_error!({why:?});\n"),
        };
        let mut fields = group.clone();
        fields.push("acc".into());
        let note = format!(
            " (aggregate #{k}: `{}` grouped by {})",
            agg.op.name(),
            if group.is_empty() {
                "nothing".to_string()
            } else {
                group.join(", ")
            }
        );
        let mut out = self.rule_comment(agg.origin, "    ", &note);
        let body_struct = &self.structs[agg.body_rel];
        let result = agg.result_rel;
        let _ = writeln!(
            out,
            "    fn aggregate_{k}(body: &FxHashSet<stage_{s}::{body_struct}>, env: &mut Env) -> Result<(), Fault> {{"
        );
        let _ = writeln!(
            out,
            "        let mut groups: FxHashMap<{key_type}, {acc_type}> = FxHashMap::default();"
        );
        let _ = writeln!(
            out,
            "        for &stage_{s}::{body_struct}({}) in body {{",
            cols.join(", ")
        );
        for line in value_stmts.lines() {
            let _ = writeln!(out, "    {line}");
        }
        for line in update.lines() {
            let _ = writeln!(out, "    {line}");
        }
        let _ = writeln!(out, "        }}");
        let _ = writeln!(
            out,
            "        env.{} = Table::new(groups.into_iter().map(|({key}, acc)| {}).collect());",
            table_field(result),
            tuple(&fields)
        );
        let _ = writeln!(out, "        indexes_{result}(env);");
        let _ = writeln!(out, "        Ok(())\n    }}\n");
        out
    }

    /// `Table<(..)>` and `Index<(..), (..)>` types of a relation.
    fn row_type(&self, rel: PlanRel) -> String {
        let types: Vec<String> = self.plan.relations[rel]
            .types
            .iter()
            .map(|&t| rust_type(t).to_string())
            .collect();
        tuple(&types)
    }

    /// Reads a relation's rows from the frame into its table.
    fn load_table(&self, rel: PlanRel, indent: &str) -> String {
        let n = self.plan.relations[rel].types.len();
        let cols: Vec<String> = (0..n)
            .map(|i| format!("Column::from_word(r[{i}])"))
            .collect();
        let r = if n == 0 { "_r" } else { "r" };
        format!(
            "{indent}env.{} = Table::new(frame.rows({rel}).map(|{r}| {}).collect());\n",
            table_field(rel),
            tuple(&cols)
        )
    }

    /// The function building every index of a relation from its table.
    fn index_builder(&self, rel: PlanRel) -> String {
        let mut out = format!(
            "    /// Indexes of `{}`.\n    fn indexes_{rel}(env: &mut Env) {{\n",
            self.plan.relations[rel].name
        );
        for mode in self.modes.get(&rel).into_iter().flatten() {
            if mode.is_empty() {
                continue;
            }
            let key: Vec<String> = mode.iter().map(|c| format!("t.{c}")).collect();
            let _ = writeln!(
                out,
                "        env.{} = Index::build(env.{}.rows(), |t| {});",
                index_field(rel, mode),
                table_field(rel),
                tuple(&key)
            );
        }
        out.push_str("    }\n\n");
        out
    }
}

/// The columns an input scan looks up by (bound variables and constants).
fn scan_mode(args: &[ScanArg]) -> Vec<usize> {
    args.iter()
        .enumerate()
        .filter(|(_, a)| matches!(a, ScanArg::Bound(_) | ScanArg::Const(_)))
        .map(|(i, _)| i)
        .collect()
}

/// The columns a negated input atom looks up by (all but wildcards).
fn not_mode(args: &[Term]) -> Vec<usize> {
    args.iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t, Term::Wildcard))
        .map(|(i, _)| i)
        .collect()
}

fn table_field(rel: PlanRel) -> String {
    format!("t_{rel}")
}

fn index_field(rel: PlanRel, mode: &[usize]) -> String {
    let cols: Vec<String> = mode.iter().map(|c| c.to_string()).collect();
    format!("i_{rel}_{}", cols.join("_"))
}

/// A Rust tuple expression, pattern or type (`(a,)` for one element).
fn tuple(items: &[String]) -> String {
    match items.len() {
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

fn push_fallible(clauses: &mut Vec<String>, pending: Vec<super::emit_expr::Fallible>) {
    for f in pending {
        clauses.push(format!("let Some({}) = {}", f.temp, f.call));
    }
}

/// Generates the compiled program of a checked rule library. `rules_hash` is
/// the library's content hash (embedded so the program can tell whether
/// loaded rules are its own).
pub fn generate(
    program: &Program,
    sources: &SourceMap,
    rules_hash: u64,
    options: &Options,
) -> Generated {
    let plan = plan(program, options.per_stratum);
    let mut registry = Registry::new();
    let structs: Vec<String> = plan
        .relations
        .iter()
        .map(|r| registry.struct_name(&r.name))
        .collect();
    // What each stage computes, and how the others' relations are read.
    let computed: Vec<BTreeSet<PlanRel>> = plan
        .stages
        .iter()
        .map(|st| st.rules.iter().map(|r| r.head_rel).collect())
        .collect();
    let mut modes: BTreeMap<PlanRel, BTreeSet<Vec<usize>>> = BTreeMap::new();
    for (s, st) in plan.stages.iter().enumerate() {
        for r in &st.rules {
            let ordered = order(r).expect("the planner only keeps rules that can be ordered");
            for step in &ordered.steps {
                match step {
                    Step::Scan { rel, args } if !computed[s].contains(rel) => {
                        modes.entry(*rel).or_default().insert(scan_mode(args));
                    }
                    Step::Not { rel, args } if !computed[s].contains(rel) => {
                        modes.entry(*rel).or_default().insert(not_mode(args));
                    }
                    _ => {}
                }
            }
        }
    }
    let mut gen_ = Gen {
        program,
        sources,
        plan: &plan,
        structs,
        computed,
        modes,
        constants: collect_constants(&plan),
        rule_table: Vec::new(),
        sites: Vec::new(),
        current: 0,
    };
    let mut stages = String::new();
    for s in 0..plan.stages.len() {
        let text = gen_.stage(s);
        stages.push_str(&text);
    }
    // Every compiled library rule is in the rule table, even without sites.
    for stage in &plan.stages {
        for r in &stage.rules {
            gen_.rule_index(r.origin);
        }
    }

    let skipped: Vec<Skipped> = plan
        .unsupported
        .iter()
        .map(|u| Skipped {
            location: gen_.location(program.rules[u.rule].span),
            reason: u.reason.clone(),
        })
        .collect();
    let interpreted: Vec<(String, String)> = plan
        .interpreted
        .iter()
        .map(|(r, why)| (program.relations[*r].name.clone(), why.clone()))
        .collect();

    let rt = &options.runtime;
    let mut c = String::new();
    let _ = writeln!(
        c,
        "// The rule library compiled to crepe. Generated by build.rs from the\n// checked rules; do not edit: change the .dl files instead.\n"
    );
    let _ = writeln!(
        c,
        "/// The compiled library: tables, one crepe program per stage, aggregate steps."
    );
    let _ = writeln!(
        c,
        "// Generated code: names follow the Datalog program, and crepe's expansion is\n// not written for lints.\n#[allow(dead_code, unused, non_camel_case_types, non_snake_case, clippy::all)]\nmod generated {{"
    );
    let _ = writeln!(
        c,
        "    use {rt}::column::{{Column, Flt}};\n    use {rt}::fault::{{self, Fault}};\n    use {rt}::frame::Frame;\n    use {rt}::fxhash::{{FxBuild, FxHashMap, FxHashSet}};\n    use {rt}::info::{{InterpretedInfo, RelationInfo, RelationRole, RuleInfo, Site, UnsupportedInfo}};\n    use {rt}::ops as rt;\n    use {rt}::symbols::Sym;\n    use {rt}::table::{{Index, Table}};\n    use {}::{{Date, Type}};\n",
        options.value
    );
    let _ = writeln!(
        c,
        "    /// Content hash of the rule library this program was generated from.\n    pub const RULES_HASH: u64 = {rules_hash:#018x};\n"
    );
    let _ = writeln!(
        c,
        "    /// Relations: the library's (by id), then helpers.\n    pub static RELATIONS: &[RelationInfo] = &["
    );
    for r in &plan.relations {
        let types: Vec<String> = r
            .types
            .iter()
            .map(|t| {
                format!(
                    "Type::{}",
                    match t {
                        Type::Symbol => "Symbol",
                        Type::Number => "Number",
                        Type::Float => "Float",
                        Type::Date => "Date",
                    }
                )
            })
            .collect();
        let role = match r.role {
            Role::Base => "Base",
            Role::Derived { .. } => "Derived",
            Role::Interpreted => "Interpreted",
            Role::Query => "Query",
            Role::AggregateBody { .. } => "AggregateBody",
            Role::AggregateResult { .. } => "AggregateResult",
        };
        let _ = writeln!(
            c,
            "        RelationInfo {{ name: {}, types: &[{}], role: RelationRole::{role} }},",
            quote(&r.name),
            types.join(", ")
        );
    }
    let _ = writeln!(c, "    ];\n");
    let _ = writeln!(
        c,
        "    /// The library rules compiled, by signature.\n    pub static RULES: &[RuleInfo] = &["
    );
    for &r in &gen_.rule_table {
        let _ = writeln!(
            c,
            "        RuleInfo {{ signature: {}, location: {} }},",
            quote(&rule_signature(program, &program.rules[r])),
            quote(&gen_.location(program.rules[r].span))
        );
    }
    let _ = writeln!(c, "    ];\n");
    let _ = writeln!(
        c,
        "    /// Where an operation can fail: rule and byte range within it.\n    pub static SITES: &[Site] = &["
    );
    for (rule, start, end) in &gen_.sites {
        let _ = writeln!(
            c,
            "        Site {{ rule: {rule}, start: {start}, end: {end} }},"
        );
    }
    let _ = writeln!(c, "    ];\n");
    let _ = writeln!(
        c,
        "    /// Relations left to the interpreter, and why.\n    pub static INTERPRETED: &[InterpretedInfo] = &["
    );
    for (name, why) in &interpreted {
        let _ = writeln!(
            c,
            "        InterpretedInfo {{ relation: {}, reason: {} }},",
            quote(name),
            quote(why)
        );
    }
    let _ = writeln!(c, "    ];\n");
    let _ = writeln!(
        c,
        "    /// Library rules that could not be compiled, and why.\n    pub static UNSUPPORTED: &[UnsupportedInfo] = &["
    );
    for s in &skipped {
        let _ = writeln!(
            c,
            "        UnsupportedInfo {{ location: {}, reason: {} }},",
            quote(&s.location),
            quote(&s.reason)
        );
    }
    let _ = writeln!(c, "    ];\n");
    let _ = writeln!(
        c,
        "    /// The relations each stage computes (helpers start with `$`).\n    pub static STAGES: &[&[&str]] = &["
    );
    for stage in &plan.stages {
        let mut names: Vec<&str> = stage
            .rules
            .iter()
            .map(|r| plan.relations[r.head_rel].name.as_str())
            .collect();
        names.dedup();
        let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
        let _ = writeln!(c, "        &[{}],", quoted.join(", "));
    }
    let _ = writeln!(c, "    ];\n");
    let _ = writeln!(
        c,
        "    /// The library's string constants, sorted: constant k is `Sym::constant(k)`.\n    pub static CONSTANTS: &[&str] = &["
    );
    for t in &gen_.constants.texts {
        let _ = writeln!(c, "        {},", quote(t));
    }
    let _ = writeln!(c, "    ];\n");
    for (k, t) in gen_.constants.texts.iter().enumerate() {
        let _ = writeln!(
            c,
            "    const {}: Sym = Sym::constant({k});",
            constant_name(t, k)
        );
    }
    c.push('\n');
    let _ = writeln!(
        c,
        "    /// Runs every stage and aggregate step over `frame`, in order.\n    pub fn run_stages(frame: &mut Frame) -> Result<(), Fault> {{\n        let mut env = Env::default();\n        let env = &mut env;"
    );
    // Base relations read by some stage: their tables and indexes first.
    let base_read: Vec<PlanRel> = gen_
        .modes
        .keys()
        .copied()
        .filter(|&r| plan.relations[r].role == Role::Base)
        .collect();
    for &rel in &base_read {
        c.push_str(&gen_.load_table(rel, "        "));
        let _ = writeln!(c, "        indexes_{rel}(env);");
    }
    for s in 0..plan.stages.len() {
        let _ = writeln!(c, "        run_stage_{s}(env, frame)?;");
    }
    let _ = writeln!(c, "        Ok(())\n    }}\n");
    // The tables and indexes.
    let _ = writeln!(
        c,
        "    /// What the crepe programs read without computing it: a table per\n    /// relation, an index per lookup pattern. Handed to crepe by reference,\n    /// so it compares and hashes by identity.\n    #[derive(Default)]\n    pub struct Env {{"
    );
    let mut with_table: BTreeSet<PlanRel> = gen_.modes.keys().copied().collect();
    for (i, r) in plan.relations.iter().enumerate() {
        if matches!(r.role, Role::Derived { .. }) {
            with_table.insert(i);
        }
    }
    for &rel in &with_table {
        let row = gen_.row_type(rel);
        let _ = writeln!(c, "        pub {}: Table<{row}>,", table_field(rel));
        for mode in gen_.modes.get(&rel).into_iter().flatten() {
            if mode.is_empty() {
                continue;
            }
            let key: Vec<String> = mode
                .iter()
                .map(|&col| rust_type(plan.relations[rel].types[col]).to_string())
                .collect();
            let _ = writeln!(
                c,
                "        pub {}: Index<{}, {row}>,",
                index_field(rel, mode),
                tuple(&key)
            );
        }
    }
    let _ = writeln!(
        c,
        "    }}\n\n    impl PartialEq for Env {{\n        fn eq(&self, other: &Env) -> bool {{\n            ::std::ptr::eq(self, other)\n        }}\n    }}\n\n    impl Eq for Env {{}}\n\n    impl ::std::hash::Hash for Env {{\n        fn hash<H: ::std::hash::Hasher>(&self, _: &mut H) {{}}\n    }}\n"
    );
    for &rel in &with_table {
        c.push_str(&gen_.index_builder(rel));
    }
    c.push_str(&stages);
    let _ = writeln!(c, "}}");
    Generated {
        code: c,
        plan,
        skipped,
        interpreted,
    }
}
