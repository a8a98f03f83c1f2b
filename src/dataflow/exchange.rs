//! This module defines the small all-worker exchanges between the
//! dataflow engine's phases, each a timely dataflow run to completion:
//! gathering items on the first worker, or giving every worker all of
//! them (runtime errors, which stop every process; symbol dictionary
//! entries; relation sizes; output rows).

use crate::diag::{Code, Diagnostic, SourceId, Span};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use timely::dataflow::operators::vec::{Broadcast, ToStream};
use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::worker::Worker;

/// Where [`share`] sends items.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The first worker of the first process.
    First,
    /// Every worker.
    Everyone,
}

/// Sends this worker's `items` as `to` says and returns what this worker
/// received (from every worker, itself included).
pub fn share<D>(worker: &mut Worker, items: Vec<D>, to: To) -> Vec<D>
where
    D: timely::ExchangeData + Clone,
{
    let got = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&got);
    let probe = worker.dataflow::<u32, _, _>(move |scope| {
        let stream = items.to_stream(scope);
        let stream = match to {
            To::First => stream.exchange(|_| 0),
            To::Everyone => stream.broadcast(),
        };
        stream
            .inspect(move |x: &D| sink.borrow_mut().push(x.clone()))
            .probe()
            .0
    });
    while !probe.done() {
        worker.step();
    }
    got.take()
}

/// A runtime error as it travels between processes (the program's spans
/// mean the same in every process).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    code: String,
    message: String,
    span: Option<(u32, u32, u32)>,
    label: Option<String>,
    notes: Vec<String>,
    help: Option<String>,
}

impl Failure {
    /// The error to send.
    pub fn of(d: &Diagnostic) -> Failure {
        Failure {
            code: d.code.as_str().to_string(),
            message: d.message.clone(),
            span: d.span.map(|s| (s.source.0, s.start, s.end)),
            label: d.label.clone(),
            notes: d.notes.clone(),
            help: d.help.clone(),
        }
    }

    /// The error received.
    pub fn diagnostic(&self) -> Diagnostic {
        let code = Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == self.code)
            .unwrap_or(Code::Internal);
        let span = self.span.map(|(source, start, end)| Span {
            source: SourceId(source),
            start,
            end,
        });
        let mut d = Diagnostic::new(code, self.message.clone(), span);
        d.label = self.label.clone();
        d.notes = self.notes.clone();
        d.help = self.help.clone();
        d
    }
}

/// Every worker learns whether any worker failed; all return the same
/// error (the least, so every process reports the same one).
pub fn agree(worker: &mut Worker, mine: Option<Diagnostic>) -> Result<(), Diagnostic> {
    let all = share(worker, mine.iter().map(Failure::of).collect(), To::Everyone);
    match all.into_iter().min() {
        Some(f) => Err(f.diagnostic()),
        None => Ok(()),
    }
}
