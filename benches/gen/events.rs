//! This module defines the event workload's data: geography, cells, persons and arrests, scaled by persons.
//!
//! The shape follows the shared reference generator step by step: 40 countries, 30 theaters,
//! persons/100 cities (about 30% in a theater), persons/20 cells, a sparse flow graph between
//! theaters, and arrests in raids of 1 to 5 persons covering about 25% of the persons.
//! Values: persons `p17`, cells `cell3`, cities `city9`, countries `ctry2`, theaters `th4`,
//! operations `op11`; months are plain integers 0..119.

use super::relation::Relation;
use super::rng::Rng;
use std::collections::BTreeSet;

const COUNTRIES: usize = 40;
const THEATERS: usize = 30;
const MONTHS: usize = 120;

/// The nine base relations of the event workload for `persons` persons.
pub fn events(rng: &mut Rng, persons: usize) -> Vec<Relation> {
    let cities = (persons / 100).max(100);
    let cells = (persons / 20).max(50);
    let ops = (cells / 4).max(10);
    let mut out = Vec::new();

    // Geography: each city in a random country; about 30% of cities lie in a theater.
    let city_country: Vec<u32> = (0..cities).map(|_| rng.below(COUNTRIES) as u32).collect();
    out.push(Relation::from_rows(
        "city_country",
        &["city", "ctry"],
        city_country
            .iter()
            .enumerate()
            .map(|(city, &c)| [city as u32, c])
            .collect(),
    ));
    let mut cities_of_country = vec![Vec::new(); COUNTRIES];
    for (city, &c) in city_country.iter().enumerate() {
        cities_of_country[c as usize].push(city as u32);
    }
    let mut place_theater = Vec::new();
    for city in 0..cities as u32 {
        if rng.unit() < 0.3 {
            place_theater.push([city, rng.below(THEATERS) as u32]);
        }
    }
    let theater_cities: Vec<u32> = place_theater.iter().map(|&[city, _]| city).collect();
    out.push(Relation::from_rows(
        "place_theater",
        &["city", "th"],
        place_theater,
    ));

    // Flow between theaters: a sparse random digraph, about 1.5 out-edges per theater.
    let mut flow = BTreeSet::new();
    while flow.len() < THEATERS * 3 / 2 {
        let (a, b) = (rng.below(THEATERS) as u32, rng.below(THEATERS) as u32);
        if a != b {
            flow.insert([a, b]);
        }
    }
    out.push(Relation::from_rows(
        "flow",
        &["th", "th"],
        flow.into_iter().collect(),
    ));

    // Cells: a base city, one or two theaters recruited for, sometimes dismantled.
    let cell_city: Vec<u32> = (0..cells).map(|_| rng.below(cities) as u32).collect();
    out.push(Relation::from_rows(
        "cell",
        &["cell", "city"],
        cell_city
            .iter()
            .enumerate()
            .map(|(cell, &city)| [cell as u32, city])
            .collect(),
    ));
    let mut recruits_for = Vec::new();
    for cell in 0..cells as u32 {
        recruits_for.push([cell, rng.below(THEATERS) as u32]);
        if rng.unit() < 0.3 {
            recruits_for.push([cell, rng.below(THEATERS) as u32]);
        }
    }
    out.push(Relation::from_rows(
        "recruits_for",
        &["cell", "th"],
        recruits_for,
    ));
    let mut dismantled = Vec::new();
    for cell in 0..cells as u32 {
        if rng.unit() < 0.4 {
            dismantled.push([cell, rng.below(ops) as u32, rng.below(MONTHS) as u32]);
            if rng.unit() < 0.15 {
                dismantled.push([cell, rng.below(ops) as u32, rng.below(MONTHS) as u32]);
            }
        }
    }
    out.push(Relation::from_rows(
        "dismantled",
        &["cell", "op", ""],
        dismantled,
    ));

    // Persons: a home country (5% a second nationality), 60% members of a cell (5% of two).
    let mut home = Vec::with_capacity(persons);
    let mut nationality = Vec::with_capacity(persons + persons / 16);
    for p in 0..persons as u32 {
        let c = rng.below(COUNTRIES) as u32;
        home.push(c);
        nationality.push([p, c]);
        if rng.unit() < 0.05 {
            nationality.push([p, rng.below(COUNTRIES) as u32]);
        }
    }
    out.push(Relation::from_rows(
        "nationality",
        &["p", "ctry"],
        nationality,
    ));
    let mut member_of = Vec::with_capacity(persons * 2 / 3);
    for p in 0..persons as u32 {
        let r = rng.unit();
        if r < 0.6 {
            member_of.push([p, rng.below(cells) as u32]);
            if r < 0.05 {
                member_of.push([p, rng.below(cells) as u32]);
            }
        }
    }
    out.push(Relation::from_rows("member_of", &["p", "cell"], member_of));

    let arrested = arrests(
        rng,
        persons,
        &home,
        &cities_of_country,
        &theater_cities,
        cities,
    );
    out.push(Relation::from_rows(
        "arrested",
        &["p", "city", ""],
        arrested,
    ));
    out.sort_by_key(|r| r.name);
    out
}

/// Arrests happen in raids (place, month) that arrest 1 to 5 persons together; about 25% of
/// persons are arrested, some several times. A raid is in the first person's home country
/// (40%), in a theater city (40%) or anywhere (20%).
fn arrests(
    rng: &mut Rng,
    persons: usize,
    home: &[u32],
    cities_of_country: &[Vec<u32>],
    theater_cities: &[u32],
    cities: usize,
) -> Vec<[u32; 3]> {
    let arrested_people = rng.sample(persons, persons / 4);
    let mut pool = Vec::with_capacity(arrested_people.len() * 9 / 8);
    for p in arrested_people {
        let mut times = 1;
        while rng.unit() < 0.1 && times < 4 {
            times += 1;
        }
        pool.extend(std::iter::repeat_n(p, times));
    }
    rng.shuffle(&mut pool);
    let mut arrests = Vec::with_capacity(pool.len());
    let mut i = 0;
    while i < pool.len() {
        let r = rng.unit();
        let size = if r < 0.55 {
            1
        } else if r < 0.85 {
            2
        } else {
            rng.between(3, 5)
        };
        let group = &pool[i..(i + size).min(pool.len())];
        i += size;
        let r = rng.unit();
        let place = if r < 0.4 {
            let near = &cities_of_country[home[group[0] as usize] as usize];
            if near.is_empty() {
                rng.below(cities) as u32
            } else {
                rng.choose(near)
            }
        } else if r < 0.8 && !theater_cities.is_empty() {
            rng.choose(theater_cities)
        } else {
            rng.below(cities) as u32
        };
        let month = rng.below(MONTHS) as u32;
        arrests.extend(group.iter().map(|&p| [p, place, month]));
    }
    arrests
}
