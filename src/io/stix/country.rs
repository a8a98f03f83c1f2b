//! This module defines the countries a STIX `location` can name by code:
//! English name, ISO 3166-1 alpha-2 code and the STIX 2.1 `region-ov`
//! sub-region. STIX requires a location to give a `country` or a `region`;
//! sleuth's places are names, so the export looks their country up here,
//! following where each place lies.

use std::collections::{BTreeSet, HashMap};

use super::map::Entity;

/// A country: its English name (as the data names countries), its ISO
/// 3166-1 alpha-2 code, and its STIX `region-ov` sub-region.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Country {
    /// The English name.
    pub name: &'static str,
    /// The ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// The STIX 2.1 `region-ov` value.
    pub region: &'static str,
}

const fn c(name: &'static str, code: &'static str, region: &'static str) -> Country {
    Country { name, code, region }
}

/// The countries of the theaters sleuth's reports deal with (North and West
/// Africa, the Sahel, the Horn of Africa, the Middle East, Europe) and their
/// neighbours.
pub const COUNTRIES: &[Country] = &[
    c("Algeria", "DZ", "northern-africa"),
    c("Egypt", "EG", "northern-africa"),
    c("Libya", "LY", "northern-africa"),
    c("Morocco", "MA", "northern-africa"),
    c("Sudan", "SD", "northern-africa"),
    c("Tunisia", "TN", "northern-africa"),
    c("Western Sahara", "EH", "northern-africa"),
    c("Benin", "BJ", "western-africa"),
    c("Burkina Faso", "BF", "western-africa"),
    c("Gambia", "GM", "western-africa"),
    c("Ghana", "GH", "western-africa"),
    c("Guinea", "GN", "western-africa"),
    c("Ivory Coast", "CI", "western-africa"),
    c("Mali", "ML", "western-africa"),
    c("Mauritania", "MR", "western-africa"),
    c("Niger", "NE", "western-africa"),
    c("Nigeria", "NG", "western-africa"),
    c("Senegal", "SN", "western-africa"),
    c("Togo", "TG", "western-africa"),
    c("Cameroon", "CM", "middle-africa"),
    c("Central African Republic", "CF", "middle-africa"),
    c("Chad", "TD", "middle-africa"),
    c("Democratic Republic of the Congo", "CD", "middle-africa"),
    c("Djibouti", "DJ", "eastern-africa"),
    c("Eritrea", "ER", "eastern-africa"),
    c("Ethiopia", "ET", "eastern-africa"),
    c("Kenya", "KE", "eastern-africa"),
    c("Mozambique", "MZ", "eastern-africa"),
    c("Somalia", "SO", "eastern-africa"),
    c("South Sudan", "SS", "eastern-africa"),
    c("Tanzania", "TZ", "eastern-africa"),
    c("Uganda", "UG", "eastern-africa"),
    c("Afghanistan", "AF", "southern-asia"),
    c("Pakistan", "PK", "southern-asia"),
    c("Iran", "IR", "southern-asia"),
    c("Iraq", "IQ", "western-asia"),
    c("Israel", "IL", "western-asia"),
    c("Jordan", "JO", "western-asia"),
    c("Lebanon", "LB", "western-asia"),
    c("Saudi Arabia", "SA", "western-asia"),
    c("Syria", "SY", "western-asia"),
    c("Turkey", "TR", "western-asia"),
    c("Yemen", "YE", "western-asia"),
    c("Belgium", "BE", "western-europe"),
    c("France", "FR", "western-europe"),
    c("Germany", "DE", "western-europe"),
    c("Netherlands", "NL", "western-europe"),
    c("Italy", "IT", "southern-europe"),
    c("Portugal", "PT", "southern-europe"),
    c("Spain", "ES", "southern-europe"),
    c("United Kingdom", "GB", "northern-europe"),
];

/// The country with this English name.
pub fn by_name(name: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.name == name)
}

/// The areas directly containing each place (`located_in`) and covered by
/// each theater (`theater_area`), as the export reads them off the facts.
pub(crate) type Containers<'a> = HashMap<(Entity, &'a str), Vec<&'a str>>;

/// The countries a place lies in (following `located_in`), or a
/// theater's areas lie in.
fn countries(e: Entity, name: &str, containers: &Containers) -> BTreeSet<&'static Country> {
    let mut found = BTreeSet::new();
    let mut seen = BTreeSet::new();
    // (whether it is the theater itself, the name)
    let mut todo: Vec<(bool, &str)> = vec![(e == Entity::Theater, name)];
    while let Some((theater, at)) = todo.pop() {
        if !seen.insert((theater, at)) {
            continue;
        }
        if !theater && let Some(c) = by_name(at) {
            found.insert(c);
            continue;
        }
        let kind = if theater {
            Entity::Theater
        } else {
            Entity::Place
        };
        let inside = containers.get(&(kind, at)).into_iter().flatten();
        todo.extend(inside.map(|a| (false, *a)));
    }
    found
}

/// A location's `country` and `region`: the country's code when it lies
/// in one country, else the region its countries share, else
/// `unknown` (STIX requires one of the two).
pub(crate) fn where_is(
    e: Entity,
    name: &str,
    containers: &Containers,
) -> (Option<String>, Option<String>) {
    let countries = countries(e, name, containers);
    let regions: BTreeSet<&str> = countries.iter().map(|c| c.region).collect();
    let continents: BTreeSet<&str> = regions
        .iter()
        .map(|r| r.rsplit('-').next().unwrap_or(r))
        .collect();
    match (countries.len(), regions.len(), continents.len()) {
        (1, _, _) if e == Entity::Place => {
            let c = countries.first().expect("one country");
            (Some(c.code.into()), Some(c.region.into()))
        }
        (_, 1, _) => (None, regions.first().map(|r| r.to_string())),
        (_, _, 1) => (None, continents.first().map(|r| r.to_string())),
        _ => (None, Some("unknown".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_unique() {
        for (i, a) in COUNTRIES.iter().enumerate() {
            for b in &COUNTRIES[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.code, b.code);
            }
            assert_eq!(a.code.len(), 2);
        }
        assert_eq!(by_name("Morocco").map(|c| c.code), Some("MA"));
    }
}
