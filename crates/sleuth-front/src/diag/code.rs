//! This module defines [`Code`], the stable code of every kind of failure
//! sleuth reports, in one table: each code's text (as in `error[CODE]`),
//! what it means (the README's error table lists the same) and the help
//! shown when the place that reports it has nothing more precise to say.
//! Adding a code is adding one line to the table.

use std::fmt;

macro_rules! codes {
    ($($name:ident = $text:literal, $meaning:literal, $help:literal;)*) => {
        /// The stable code of a kind of failure; see the table in `code.rs`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $meaning] $name,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The kebab-case text, as shown in `error[CODE]`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }

            /// What the code means, in one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$name => $meaning,)*
                }
            }

            /// The help shown when the diagnostic gives none of its own.
            pub fn default_help(self) -> &'static str {
                match self {
                    $(Code::$name => $help,)*
                }
            }
        }
    };
}

codes! {
    // Rules and queries: the syntax and the checker.
    Syntax = "syntax", "the text does not parse; says what was expected",
        "fix the text at the caret";
    Unsupported = "unsupported", "a Soufflé construct sleuth does not support; names it",
        "rewrite the construct with what the README's language section lists";
    UnknownRelation = "unknown-relation", "a relation is used but never declared, given facts or rules, nor read; with did-you-mean",
        "declare it with `.decl`, give it facts or rules, or fix the name";
    UnknownType = "unknown-type", "a type name that is neither built in nor declared",
        "use symbol, number, float or date, or declare the type with `.type`";
    UnknownFunctor = "unknown-functor", "a function sleuth does not have",
        "the README's language section lists the functions";
    ArityMismatch = "arity-mismatch", "a relation used with the wrong number of arguments; shows the declared arity",
        "give the relation as many arguments as its declaration";
    TypeMismatch = "type-mismatch", "conflicting types; shows both places",
        "make the two places agree on the type";
    UnboundVariable = "unbound-variable", "a variable in a head, negation, comparison or arithmetic that no positive atom binds",
        "bind the variable in a positive atom of the body";
    WildcardInHead = "wildcard-in-head", "`_` in a rule head",
        "name the value in the head with a variable bound in the body";
    Unstratifiable = "unstratifiable", "negation or aggregation through recursion; names the relations on the cycle",
        "break the cycle: a relation cannot depend negatively on itself";
    DuplicateDeclaration = "duplicate-declaration", "a relation or type declared twice; shows the first declaration",
        "keep one of the two declarations";
    MissingDeclaration = "missing-declaration", "a relation read with `.input` whose columns are unknown",
        "declare the relation's columns with `.decl`";
    BadParameter = "bad-parameter", "a bad parameter of an `.input` or `.output` directive (a delimiter of more than one character ...)",
        "fix the directive's parameter";
    BadDate = "bad-date", "a malformed ISO date in a date position or a data document",
        "write dates as \"YYYY-MM\" (a month) or \"YYYY-MM-DD\" (a day)";
    BadRegex = "bad-regex", "a malformed regular expression in `match`",
        "fix the regular expression at the caret";
    // Evaluation.
    DivisionByZero = "division-by-zero", "at run time, with the expression's place",
        "guard the division with a comparison such as `Y != 0`";
    ArithmeticOverflow = "arithmetic-overflow", "at run time, a result beyond 64-bit numbers, with the expression's place",
        "keep the values within 64-bit numbers";
    BadNumber = "bad-number", "at run time, `to_number` of a symbol that is not a number",
        "convert only symbols that hold a number";
    TupleLimit = "tuple-limit", "an evaluation stopped at its bound on derived tuples (see [Limits](#limits))",
        "raise --max-tuples (`:set max-tuples` in the REPL) or make the recursion end";
    MemoryLimit = "memory-limit", "an evaluation stopped at its bound on memory (see [Limits](#limits))",
        "raise --max-memory (`:set max-memory` in the REPL), or ask about less";
    TimeLimit = "time-limit", "an evaluation stopped at its bound on wall time (see [Limits](#limits))",
        "raise --timeout (`:set timeout` in the REPL), or ask about less";
    SymbolTableFull = "symbol-table-full", "more distinct symbols than the symbol table holds",
        "use fewer distinct symbols";
    SymbolCollision = "symbol-collision", "two symbols with one 64-bit id in a dataflow run (see [Running across machines](#running-across-machines))",
        "run this input with the interpreter (--engine interpreted)";
    PeerLost = "peer-lost", "a process of a dataflow run could not be reached or stopped (see [Running across machines](#running-across-machines))",
        "check that every process was started with the same -n and host file, and is still running";
    Interrupted = "interrupted", "an evaluation cancelled with Ctrl-C; nothing changed",
        "nothing changed: run it again to finish it";
    CompiledMismatch = "compiled-mismatch", "`--engine compiled` with rules other than the built-in library",
        "use --engine interpreted for rules other than the built-in library";
    Internal = "internal", "a fault in sleuth itself",
        "please report it with the input that caused it";
    // Files: reading facts and data, writing results.
    UnreadableFile = "unreadable-file", "a file or folder that cannot be read",
        "check the path and that the file is readable text";
    UnwritableOutput = "unwritable-output", "an output file, folder or stream that cannot be written",
        "check that the folder exists and that you may write to it";
    NotUtf8 = "not-utf8", "a line of input that is not UTF-8 text",
        "save the input as UTF-8 text";
    UnknownFileKind = "unknown-file-kind", "`:load` of a file that is neither `.json` data, a `.csv` ACLED export nor `.dl` rules",
        "load a .json data document or a .dl rule file";
    MissingInput = "missing-input", "the file of an `.input` relation cannot be read",
        "create the file, or pass the folder that holds it with -F";
    InputTooLarge = "input-too-large", "an `.input` file larger than 4 GiB",
        "split the facts over several relations or files";
    BadInput = "bad-input", "a line of an `.input` file with the wrong number of fields or a bad value",
        "fix the line in the file";
    // Data documents (data/README.md describes them).
    BadJson = "bad-json", "a data document that is not JSON",
        "fix the JSON syntax at the caret";
    BadDocument = "bad-document", "a JSON document that is not a data document (an object with a `source` and entry lists)",
        "a data document is one JSON object with `source` and lists such as `places` and `operations`";
    UnknownField = "unknown-field", "a field this entry does not have (the message lists the allowed ones)",
        "remove the field or fix its spelling";
    MissingField = "missing-field", "a required field of a data entry is absent",
        "add the field (data/README.md describes every entry)";
    DuplicateField = "duplicate-field", "a field written twice in one data entry",
        "keep one of the two";
    BadValue = "bad-value", "a value of the wrong kind in a data document (a number where a name is expected ...)",
        "give this field the kind of value data/README.md describes for it";
    BadGrade = "bad-grade", "not an Admiralty grade",
        "grades are a reliability letter A-F and a credibility digit 1-6, like \"B2\"";
    BadParagraph = "bad-paragraph", "a paragraph the source does not have",
        "cite a paragraph between 1 and the source's paragraph count";
    DanglingReference = "dangling-reference", "a reference to an undeclared place, theater, organisation or person (with a did-you-mean)",
        "declare what is referred to, or fix the name";
    WrongKind = "wrong-kind", "a nationality or `conducted_by` that is not a country",
        "refer to a place of kind country";
    DuplicateId = "duplicate-id", "an id declared twice in one data document (the note gives the first declaration); documents of different sources may share ids",
        "give each entry its own id";
    DuplicateSource = "duplicate-source", "a data document whose source id is already loaded, with other content (the same document again is no error)",
        "give another report its own source id, or load a corrected document in place of the first";
    InferredGrade = "inferred-grade", "an inferred value graded as credible as the source",
        "grade an inferred value at least one credibility step below its source";
    ContainmentCycle = "containment-cycle", "places inside each other",
        "fix the `in` fields so that no place lies inside itself";
    NotAcled = "not-acled", "a CSV file whose header lacks columns of an ACLED export (the message lists them)",
        "load CSV files exported from ACLED, with every column";
    BadCsv = "bad-csv", "a malformed CSV file, or a row with another number of fields than the header",
        "give every row one field per header column";
    EmptyNote = "empty-note", "an `inferred` note with no text",
        "say what was inferred and why";
    // Queries, explanations and the session.
    NoQuery = "no-query", "a text that should hold a `?-` query holds none",
        "end it with a query such as `?- recurring_hotspot(P).`";
    TooManyQueries = "too-many-queries", "a text that should hold one `?-` query holds several",
        "ask one query at a time";
    PlainQueryOnly = "plain-query-only", "the confidence, sources and assumptions of answers are given for a text holding one query and nothing else",
        "give the query alone";
    AnswersMismatch = "answers-mismatch", "answers given for confidence do not come from the query",
        "pass the answers of this very query";
    NotAFact = "not-a-fact", "`explain`, `:why` or `:retract` given something other than one fact",
        "give one fact such as `recurring_hotspot(\"Tangier\")`";
    NotGround = "not-ground", "a fact to explain with variables or `_`",
        "give every argument a value, or query first to find them";
    NotDerived = "not-derived", "a fact asked about with `why` that does not hold",
        "use --whynot (`:whynot` in the REPL) to see why it does not hold";
    NoProvenance = "no-provenance", "a proof asked of an evaluation that did not record it",
        "evaluate again with derivation rounds recorded";
    NoSuchEntry = "no-such-entry", "`:retract N` with no session entry N",
        "`:rules` lists the session's entries and their numbers";
    NotInSession = "not-in-session", "`:retract` of a fact the session did not add",
        "only facts added in this session can be retracted";
    NotASessionRelation = "not-a-session-relation", "`:drop` of a relation the session adds nothing to",
        "`:rules` lists what the session added";
    EntryInUse = "entry-in-use", "`:retract` or `:drop` of what another session entry still uses; names that entry",
        "remove the entry that uses it first (`:retract N` or `:drop REL`)";
    NoDataFiles = "no-data-files", "`:load` of a folder that holds no `.json` data document or `.csv` ACLED export",
        "give a folder of data documents (*.json), or one file";
    InputInSession = "input-in-session", "`:load` of a rule file with `.input`, which a session does not read",
        "load the facts as a data document, or run the program with `sleuth run`";
    BadSource = "bad-source", "`:source` or `.pragma \"source\"` not given a source id and an Admiralty grade (or `none`)",
        "write `:source my-notes B3` (or `.pragma \"source\" \"my-notes B3\"`), or `none` to stop";
    BadConfidence = "bad-confidence", "a minimum confidence that is neither ICD 203 words nor a number from 0 to 1",
        "give words such as `likely` or `roughly even chance`, or a number such as 0.6";
    AttestationShape = "attestation-shape", "a provenance relation (`R_attested`, `source_origin`, `grade_confidence`) declared with other columns than sleuth fills",
        "declare it as rules/provenance.dl does, or give the relation another name";
    // REPL commands.
    UnknownCommand = "unknown-command", "a `:command` the REPL does not have; with did-you-mean",
        "`:help` lists the commands";
    MissingArgument = "missing-argument", "a command given no argument where it needs one",
        "`:help COMMAND` shows an example";
    UnexpectedArgument = "unexpected-argument", "a command given an argument it does not take",
        "`:help COMMAND` shows how to use it";
    UnknownSetting = "unknown-setting", "`:set` of a setting the REPL does not have; with did-you-mean",
        "`:limits` lists the settings: timeout, max-memory, max-tuples";
    BadArgument = "bad-argument", "a command's argument that is not one it accepts",
        "`:help COMMAND` shows what it accepts";
    // What-if questions.
    UnknownSource = "unknown-source", "a what-if leaving out a source that is not loaded; with did-you-mean",
        "`:sources` lists the loaded sources";
    NotABaseFact = "not-a-base-fact", "a what-if retracting a fact that is not a base fact (derived, or not loaded)",
        "retract a fact the data gives or the rules write; `:why` lists what a conclusion rests on";
    // Timelines and link charts.
    UnknownPlace = "unknown-place", "a timeline filter naming a place the data does not have; with did-you-mean",
        "name a place of the data";
    UnknownCountry = "unknown-country", "a timeline filter naming a country the data does not have; with did-you-mean",
        "name a country of the data";
    UnknownTheater = "unknown-theater", "a timeline filter naming a theater the data does not have; with did-you-mean",
        "name a theater of the data";
    EmptyDateRange = "empty-date-range", "a timeline's `--from` after its `--to`",
        "give a --from before --to";
    GraphvizMissing = "graphviz-missing", "an SVG chart asked for without Graphviz's `dot` installed",
        "install Graphviz, or write DOT or GraphML";
    GraphvizFailed = "graphviz-failed", "Graphviz's `dot` could not draw the chart",
        "write DOT or GraphML and draw it with another tool";
}

impl Code {
    /// The code whose text is `text`, if there is one.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "`{text}` is in the table twice");
            assert!(
                !text.is_empty()
                    && text.split('-').all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "`{text}` is not kebab-case"
            );
            assert_eq!(Code::parse(text), Some(code));
            assert!(!code.meaning().is_empty() && !code.default_help().is_empty());
        }
        assert_eq!(Code::parse("no-such-code"), None);
    }

    #[test]
    fn a_code_compares_with_its_text() {
        assert!(Code::TupleLimit == "tuple-limit");
        assert!("tuple-limit" == Code::TupleLimit);
        assert!(Code::TupleLimit != "time-limit");
    }
}
