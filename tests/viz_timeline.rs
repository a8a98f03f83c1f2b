//! The timeline of the report: every dated event in order, grouped by
//! month, cited to its paragraph and grade, inferred dates marked; and the
//! filters that narrow it.

#[path = "viz/support.rs"]
mod support;

use sleuth::viz::{self, EventKind, TextOptions, TimelineFilter};
use support::{golden, root, sleuth, workspace};

fn filtered(filter: TimelineFilter) -> Vec<String> {
    let ws = workspace();
    viz::timeline(&ws, &filter)
        .expect("the filter names known things")
        .events
        .iter()
        .map(|e| format!("{} {}", e.date, e.summary()))
        .collect()
}

fn month(s: &str) -> Option<sleuth::Date> {
    Some(sleuth::Date::parse(s).expect("valid date"))
}

#[test]
fn the_report_timeline_matches_its_golden_files() {
    let ws = workspace();
    let t = viz::timeline(&ws, &TimelineFilter::default()).expect("no filter");
    golden("timeline.txt", &viz::render_text(&t, false));
    golden("timeline_bars.txt", &viz::render_text(&t, true));
    golden(
        "timeline_notes.txt",
        &viz::render_text_with(
            &t,
            TextOptions {
                bars: false,
                notes: true,
            },
        ),
    );
}

#[test]
fn events_run_from_january_2023_to_february_2024_in_date_order() {
    let ws = workspace();
    let t = viz::timeline(&ws, &TimelineFilter::default()).expect("no filter");
    let dates: Vec<String> = t.events.iter().map(|e| e.date.to_string()).collect();
    assert_eq!(
        dates,
        [
            "2023-01", "2023-01", "2023-03", "2023-03", "2023-03", "2023-03", "2023-10", "2023-11",
            "2024-01", "2024-02", "2024-02"
        ]
    );
    // Within February 2024, the report's order: Sale (¶7) before Ofin (¶10).
    let feb: Vec<u32> = t.events[9..]
        .iter()
        .map(|e| e.citations[0].paragraph)
        .collect();
    assert_eq!(feb, [7, 10]);
    // Grouped by month; with bars every month between the first and the last.
    let months: Vec<String> = t
        .months(false)
        .iter()
        .map(|m| m.month.to_string())
        .collect();
    assert_eq!(
        months,
        [
            "2023-01", "2023-03", "2023-10", "2023-11", "2024-01", "2024-02"
        ]
    );
    let all = t.months(true);
    assert_eq!(all.len(), 14);
    assert_eq!(
        all.first().map(|m| m.month.to_string()).as_deref(),
        Some("2023-01")
    );
    assert_eq!(
        all.last().map(|m| m.month.to_string()).as_deref(),
        Some("2024-02")
    );
    assert_eq!(all.iter().map(|m| m.events.len()).sum::<usize>(), 11);
    assert!(
        all.windows(2)
            .all(|w| w[0].month.months_until(w[1].month) == 1)
    );
}

#[test]
fn exactly_the_inferred_arrests_are_marked() {
    let ws = workspace();
    let t = viz::timeline(&ws, &TimelineFilter::default()).expect("no filter");
    let inferred: Vec<(String, String, String)> = t
        .events
        .iter()
        .filter(|e| e.is_inferred())
        .map(|e| {
            (
                e.date.to_string(),
                e.places[0].place.clone(),
                e.citation(false),
            )
        })
        .collect();
    assert_eq!(
        inferred,
        [
            ("2023-01".into(), "Spain".into(), "¶2 C3".into()),
            ("2023-03".into(), "Al Hoceima".into(), "¶4 C3".into()),
            ("2023-03".into(), "Souk El Arbaa".into(), "¶4 C3".into()),
            ("2023-03".into(), "Tetouan".into(), "¶4 C3".into()),
            ("2023-11".into(), "Almskad".into(), "¶9 C3".into()),
            ("2024-02".into(), "Ofin".into(), "¶10 C3".into()),
        ]
    );
    let notes: Vec<&str> = t
        .events
        .iter()
        .filter_map(|e| e.inferred.as_deref())
        .collect();
    assert!(notes[0].contains("since early 2023"), "{}", notes[0]);
    assert!(notes[1].contains("paragraph 1"), "{}", notes[1]);
    assert!(notes[4].contains("taken as November 2023"), "{}", notes[4]);
    assert!(notes[5].contains("three months after"), "{}", notes[5]);
    let text = viz::render_text(&t, false);
    let marked: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with('~'))
        .collect();
    assert_eq!(marked.len(), 6, "{text}");
    assert!(
        marked[4].contains("Almskad") && marked[5].contains("Ofin"),
        "{text}"
    );
}

#[test]
fn events_carry_places_countries_actors_and_nationalities() {
    let ws = workspace();
    let t = viz::timeline(&ws, &TimelineFilter::default()).expect("no filter");
    let first = &t.events[1];
    let EventKind::Operation { id, conducted_by } = &first.kind else {
        panic!("the second event is the January 2023 operation");
    };
    assert_eq!(id, "op-2023-01");
    let by: Vec<&str> = conducted_by.iter().map(|a| a.country.as_str()).collect();
    assert_eq!(by, ["Morocco", "Spain"]);
    // Shata is not placed in a country (the report does not say which side
    // of the joint operation it was on): only Almaeria's Spain is a place's.
    assert_eq!(first.countries(), ["Spain"]);
    let january_2024 = &t.events[8];
    let EventKind::Operation { conducted_by, .. } = &january_2024.kind else {
        panic!("the ninth event is the January 2024 operation");
    };
    assert!(
        conducted_by[0].inferred.is_some(),
        "Morocco as its actor is inferred"
    );
    assert!(!january_2024.is_inferred(), "its date is stated");
    let EventKind::Arrest { persons } = &t.events[10].kind else {
        panic!("the last event is the Ofin arrests");
    };
    let nationalities: Vec<&str> = persons
        .iter()
        .map(|p| p.nationalities[0].as_str())
        .collect();
    assert_eq!(nationalities, ["Morocco", "Syria"]);
    // A group of unknown identity counts as its least number.
    let EventKind::Arrest { persons } = &t.events[7].kind else {
        panic!("the eighth event is the Almskad arrests");
    };
    let heads: u32 = persons.iter().map(|p| p.headcount()).sum();
    assert_eq!((persons.len(), heads), (5, 6));
}

#[test]
fn a_place_filter_keeps_the_places_within_it() {
    let filter = TimelineFilter {
        place: Some("Morocco".into()),
        ..TimelineFilter::default()
    };
    let events = filtered(filter);
    assert_eq!(events.len(), 7, "{events:#?}");
    assert!(
        events
            .iter()
            .all(|e| !e.contains("Almskad") && !e.contains("Ofin"))
    );
    let tangier = filtered(TimelineFilter {
        place: Some("Tangier".into()),
        ..TimelineFilter::default()
    });
    assert_eq!(
        tangier,
        [
            "2023-10 operation op-2023-10 by Morocco: cells dismantled in Inezgane, Tangier, Tetouan (Morocco)",
            "2024-01 operation op-2024-01 by Morocco (inferred): cells dismantled in Beni Mellal, Casablanca, Inezgane, Tangier (Morocco)",
        ]
    );
    let puntland = filtered(TimelineFilter {
        place: Some("Puntland".into()),
        ..TimelineFilter::default()
    });
    assert_eq!(
        puntland,
        [
            "2023-11 arrests at Almskad (Somalia): at least 6 persons: 4 of Morocco, at least 2 unknown nationality"
        ]
    );
}

#[test]
fn country_theater_and_date_filters() {
    let spain = filtered(TimelineFilter {
        country: Some("Spain".into()),
        ..TimelineFilter::default()
    });
    assert_eq!(
        spain,
        [
            "2023-01 arrest at Spain: at least 1 person unknown nationality",
            "2023-01 operation op-2023-01 by Morocco and Spain: cells dismantled in Shata, Almaeria (Spain)",
        ]
    );
    let syria = filtered(TimelineFilter {
        country: Some("Syria".into()),
        ..TimelineFilter::default()
    });
    assert_eq!(
        syria,
        ["2024-02 arrests at Ofin (Somalia): 2 persons: 1 of Morocco, 1 of Syria"]
    );
    let somalia = filtered(TimelineFilter {
        theater: Some("Somalia".into()),
        ..TimelineFilter::default()
    });
    assert_eq!(somalia.len(), 2);
    assert!(somalia[0].contains("Almskad") && somalia[1].contains("Ofin"));
    let range = filtered(TimelineFilter {
        from: month("2023-06"),
        to: month("2024-01"),
        ..TimelineFilter::default()
    });
    let dates: Vec<&str> = range.iter().map(|e| &e[..7]).collect();
    assert_eq!(dates, ["2023-10", "2023-11", "2024-01"]);
    let both = filtered(TimelineFilter {
        place: Some("Morocco".into()),
        from: month("2024-01-15"),
        ..TimelineFilter::default()
    });
    // A month-precision event overlaps a range starting inside its month.
    let dates: Vec<&str> = both.iter().map(|e| &e[..7]).collect();
    assert_eq!(dates, ["2024-01", "2024-02"]);
}

#[test]
fn bad_filters_are_errors_not_empty_timelines() {
    let ws = workspace();
    let err = viz::timeline(
        &ws,
        &TimelineFilter {
            place: Some("Tanger".into()),
            ..TimelineFilter::default()
        },
    )
    .expect_err("an unknown place");
    assert_eq!(err.codes(), ["unknown-place"]);
    assert!(
        err.render().contains("did you mean `Tangier`?"),
        "{}",
        err.render()
    );
    for (filter, code) in [
        (
            TimelineFilter {
                country: Some("Tangier".into()),
                ..TimelineFilter::default()
            },
            "unknown-country",
        ),
        (
            TimelineFilter {
                theater: Some("Mali".into()),
                ..TimelineFilter::default()
            },
            "unknown-theater",
        ),
        (
            TimelineFilter {
                from: month("2024-02"),
                to: month("2023-06"),
                ..TimelineFilter::default()
            },
            "empty-date-range",
        ),
    ] {
        let err = viz::timeline(&ws, &filter).expect_err("a bad filter");
        assert_eq!(err.codes(), [code]);
    }
}

#[test]
fn facts_added_in_the_session_appear_cited_as_session() {
    let mut ws = workspace();
    ws.add_clauses(
        "<session>",
        "arrest(\"sale-moroccan-1\", \"Tangier\", \"2024-03-02\").",
    )
    .expect("a well-formed fact");
    let t = viz::timeline(&ws, &TimelineFilter::default()).expect("no filter");
    let last = t.events.last().expect("events");
    assert_eq!(last.date.to_string(), "2024-03-02");
    assert_eq!(last.citation(false), "session");
    assert_eq!(
        last.summary(),
        "arrest at Tangier (Morocco): 1 person of Morocco"
    );
}

#[test]
fn the_command_line_prints_the_golden_timeline_and_its_filters() {
    let out = sleuth(&["timeline", "--no-bars"], &root(), false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    golden("timeline.txt", &String::from_utf8_lossy(&out.stdout));
    let out = sleuth(
        &[
            "timeline",
            "--bars",
            "--theater",
            "Somalia",
            "--from",
            "2023-06",
            "--to",
            "2024-01",
        ],
        &root(),
        false,
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "timeline: 1 event, in 2023-11 (theater Somalia, from 2023-06 to 2024-01)"
        ),
        "{text}"
    );
    assert!(text.contains("2023-11 █ 1\n"), "{text}");
    let out = sleuth(&["timeline", "--place", "Tanger"], &root(), false);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[unknown-place]"));
    let out = sleuth(&["timeline", "--from", "2023-13"], &root(), false);
    assert!(!out.status.success());
}
