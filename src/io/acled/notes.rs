//! This module defines what sleuth reads from ACLED's free-text `notes`: the
//! number of people an arrest took, when the notes say it next to the verb
//! (`arrested 4 suspected members`, `three people were detained`). Nothing
//! else is read from them, and no person is named from them.

/// Number words ACLED's notes use for small counts.
const WORDS: [&str; 20] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// The number of people the notes say were arrested: the first count within
/// three words after an arrest verb (`arrested`, `detained`, `arrest of`),
/// or within four words before one (`4 men were arrested`). A number that is
/// part of a date (`14 May`) or a year is not a count.
pub(crate) fn arrested_count(notes: &str) -> Option<i64> {
    let words: Vec<String> = notes
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .collect();
    let count_at = |i: usize| -> Option<i64> {
        let w = words.get(i)?;
        let next_is_month = words
            .get(i + 1)
            .is_some_and(|n| super::row::month_index(n).is_some());
        if next_is_month {
            return None;
        }
        if let Some(n) = WORDS.iter().position(|x| x == w) {
            return Some(n as i64 + 1);
        }
        if (1..=3).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit()) {
            return w.parse().ok().filter(|n| *n > 0);
        }
        None
    };
    for (i, w) in words.iter().enumerate() {
        let verb = w.starts_with("arrest") || w.starts_with("detain") || w == "apprehended";
        if !verb {
            continue;
        }
        if let Some(n) = (i + 1..=i + 3).find_map(count_at) {
            return Some(n);
        }
        if let Some(n) = (i.saturating_sub(4)..i).rev().find_map(count_at) {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::arrested_count;

    #[test]
    fn counts_next_to_the_verb() {
        assert_eq!(
            arrested_count("On 14 May 2024, police arrested 4 suspected members in Tangier."),
            Some(4)
        );
        assert_eq!(
            arrested_count("On 3 June 2024, three men were arrested in Inezgane."),
            Some(3)
        );
        assert_eq!(arrested_count("the arrest of two suspects"), Some(2));
        assert_eq!(
            arrested_count("On 14 May 2024, police arrested a man."),
            None
        );
        assert_eq!(arrested_count("No arrest was made on 5 May."), None);
    }
}
