//! This module defines the parameters of `.input` and `.output`
//! directives. Rule of thumb: a parameter sleuth would have to ignore (and so
//! read or write something other than what the program asks) is an error,
//! never silently dropped.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::syntax::ast::{IoDirective, IoKind, Param};

/// The parameters of one directive.
pub(super) struct Params {
    /// `filename="..."`.
    pub(super) filename: Option<String>,
    /// `delimiter="..."` (a tab by default).
    pub(super) delimiter: char,
    /// `.output r(IO=stdout)`.
    pub(super) stdout: bool,
}

impl Params {
    /// Reads a directive's parameters, reporting those sleuth cannot honour.
    pub(super) fn read(io: &IoDirective, diags: &mut Vec<Diagnostic>) -> Params {
        let mut params = Params {
            filename: None,
            delimiter: '\t',
            stdout: false,
        };
        for p in &io.params {
            if let Err(d) = params.set(io.kind, p) {
                diags.push(*d);
            }
        }
        params
    }

    fn set(&mut self, kind: IoKind, p: &Param) -> Result<(), Box<Diagnostic>> {
        let file_io = matches!(kind, IoKind::Input | IoKind::Output);
        match p.key.name.as_str() {
            "IO" if file_io && p.value == "file" => Ok(()),
            "IO" if kind == IoKind::Output && p.value == "stdout" => {
                self.stdout = true;
                Ok(())
            }
            "IO" if file_io => Err(Box::new(unsupported(
                p,
                format!("`IO={}` is not supported", p.value),
                match kind {
                    IoKind::Input => "sleuth reads files (`IO=file`)",
                    _ => "sleuth writes files (`IO=file`) or standard output (`IO=stdout`)",
                },
            ))),
            "filename" if file_io && !p.value.is_empty() => {
                self.filename = Some(p.value.clone());
                Ok(())
            }
            "delimiter" if file_io => {
                let mut chars = p.value.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        self.delimiter = c;
                        Ok(())
                    }
                    _ => Err(Box::new(
                        Diagnostic::new(
                            Code::BadParameter,
                            format!(
                                "the delimiter must be one character, not `{}`",
                                p.value.escape_debug()
                            ),
                            Some(p.span),
                        )
                        .with_help("write `delimiter=\",\"` or `delimiter=\"\\t\"`"),
                    )),
                }
            }
            "filename" if file_io => Err(Box::new(
                Diagnostic::new(Code::BadParameter, "the file name is empty", Some(p.span))
                    .with_help("write `filename=\"name.tsv\"` or leave the parameter out"),
            )),
            key => Err(Box::new(unsupported(
                p,
                format!("parameter `{key}` of `{}` is not supported", kind.keyword()),
                match kind {
                    IoKind::Input => "`.input` takes `IO=file`, `filename` and `delimiter`",
                    IoKind::Output => {
                        "`.output` takes `IO=file` or `IO=stdout`, `filename` and `delimiter`"
                    }
                    IoKind::PrintSize => "`.printsize` takes no parameters",
                },
            ))),
        }
    }
}

fn unsupported(p: &Param, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(Code::Unsupported, message, Some(p.span)).with_help(help)
}
