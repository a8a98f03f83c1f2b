//! This module defines the lowering of three fields a careful reading of a
//! report needs: a person entry standing for a group of people of unknown
//! identity and number (`at_least`, giving `person_group`), what a person or
//! group recruited fighters for (`recruiting_for`), and the organisations a
//! cell is tied to (`linked_to`, giving `cell_linked_to`).

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::value::Value;

use super::format::{CellEntry, PersonEntry};
use super::locate::JsonPath;
use super::lower::{Lowering, ORGANISATION, TARGET};
use super::provenance::Ctx;
use super::registry::Registry;

impl Lowering<'_> {
    /// `person_group(id, n)` for a group entry, and `recruiting_for(id, area)`
    /// for each value of `recruiting_for`.
    pub(super) fn person_group_and_roles(
        &mut self,
        reg: &Registry,
        ctx: &Ctx,
        person: &PersonEntry,
        path: &JsonPath,
    ) -> Result<(), Diagnostic> {
        let id = &person.id;
        if let Some(n) = person.at_least {
            if n == 0 {
                return Err(self
                    .error(
                        Code::BadValue,
                        &path.key("at_least"),
                        "a group of people has at least 1 member".into(),
                    )
                    .with_label("0 people")
                    .with_help(
                        "give the smallest number the report allows (1 when it only says \"suspects\"), or leave `at_least` out for one person",
                    ));
            }
            let values = vec![Value::Symbol(id.clone()), Value::Number(i64::from(n))];
            self.fact("person_group", values, &[ctx])?;
        }
        let at = path.key("recruiting_for");
        let list = &person.recruiting_for;
        self.links(reg, ctx, "recruiting_for", id, list, &at, TARGET)
    }

    /// `cell_linked_to(cell, org)` for each organisation the cell is tied to.
    pub(super) fn cell_links(
        &mut self,
        reg: &Registry,
        ctx: &Ctx,
        cell_id: &str,
        cell: &CellEntry,
        path: &JsonPath,
    ) -> Result<(), Diagnostic> {
        let at = path.key("linked_to");
        let list = &cell.linked_to;
        self.links(reg, ctx, "cell_linked_to", cell_id, list, &at, ORGANISATION)
    }
}
