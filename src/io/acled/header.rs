//! This module defines how an ACLED export is recognised by its header: the
//! columns sleuth reads, found by name. Both of ACLED's published layouts
//! have them (2023 and later, with `iso`; the older one, with
//! `event_id_no_cnty`, `data_id` and `iso3` besides); columns are matched by
//! name, so their order and the columns sleuth does not read do not matter.

/// The columns sleuth reads from every row, in both layouts.
pub(crate) const REQUIRED: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "country",
    "admin1",
    "admin2",
    "location",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
];

/// The position of each column sleuth reads, by name.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    /// Every column name, in file order.
    pub names: Vec<String>,
    /// The index in `names` of each of [`REQUIRED`], in that order.
    positions: Vec<usize>,
}

impl Header {
    /// Reads a header row, or says which of the columns sleuth reads it lacks.
    pub fn read(names: Vec<String>) -> Result<Header, Vec<&'static str>> {
        let find = |want: &str| names.iter().position(|n| n.trim() == want);
        let missing: Vec<&'static str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| find(c).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let positions = REQUIRED
            .iter()
            .map(|c| find(c).expect("checked just above"))
            .collect();
        Ok(Header { names, positions })
    }

    /// The index of one of the columns sleuth reads.
    pub fn index(&self, column: &str) -> usize {
        let at = REQUIRED
            .iter()
            .position(|c| *c == column)
            .expect("a column sleuth reads");
        self.positions[at]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn both_layouts_are_recognised() {
        let all = REQUIRED.join(",");
        let current = Header::read(names(&format!("{all},iso,timestamp"))).expect("current");
        assert_eq!(current.index("event_id_cnty"), 0);
        let older = Header::read(names(&format!("data_id,iso3,{all}"))).expect("older");
        assert_eq!(older.index("event_id_cnty"), 2);
    }

    #[test]
    fn missing_columns_are_named() {
        let missing = Header::read(names("event_id_cnty,event_date,country")).expect_err("lacks");
        assert!(missing.contains(&"location") && !missing.contains(&"country"));
    }
}
