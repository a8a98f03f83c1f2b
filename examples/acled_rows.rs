//! Writes an ACLED-shaped export of N invented rows (default 100,000) to
//! standard output, to measure how fast sleuth loads exports:
//!
//! ```text
//! cargo run --release --example acled_rows -- 100000 > acled-100k.csv
//! time target/release/sleuth matches --no-builtin-data --data acled-100k.csv
//! ```
//!
//! Every row is invented (its notes say so): 500 localities in 50 districts
//! of 10 regions of one country, arrests, protests and clashes in turn, dates
//! spread over three years, a count in the notes of every arrest.

use std::io::Write;

const HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,\
sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,\
civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,\
geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "{HEADER}")?;
    for i in 0..n {
        let (year, month, day) = (2022 + i % 3, 1 + i % 12, 1 + i % 28);
        let (place, district, region) = (i % 500, i % 50, i % 10);
        let precision = 1 + i % 3;
        let (event_type, sub, actor2, inter2, notes) = match i % 3 {
            0 => (
                "Strategic developments",
                "Arrests",
                "Civilians (Inventia)",
                "Civilians",
                format!("Invented for tests: police arrested {} people.", 1 + i % 9),
            ),
            1 => (
                "Protests",
                "Peaceful protest",
                "",
                "",
                "Invented for tests: a gathering.".to_string(),
            ),
            _ => (
                "Battles",
                "Armed clash",
                "Invented Front",
                "Rebel group",
                "Invented for tests: a clash.".to_string(),
            ),
        };
        writeln!(
            out,
            "INV{i},{year}-{month:02}-{day:02},{year},{precision},Political violence,{event_type},{sub},\
Police Forces of Inventia,,State forces,{actor2},,{inter2},,,999,Invented Region,Inventia,\
Region {region},District {district},,Locality {place},0.0,0.0,{precision},Invented Daily,National,\
\"{notes}\",{},,0",
            i % 4
        )?;
    }
    out.flush()
}
