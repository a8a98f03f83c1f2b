#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET) from the project's
# own programs, data and transcripts. Safe to rerun: seeds are named by
# their content's hash, so nothing is duplicated.
set -euo pipefail
cd "$(dirname "$0")"
root=..

# seed TARGET FILE: copies FILE into the target's corpus.
seed() {
    mkdir -p "corpus/$1"
    cp "$2" "corpus/$1/seed-$(sha1sum "$2" | cut -c1-16)"
}

# seed_text TARGET TEXT: writes TEXT as one seed.
seed_text() {
    local tmp
    tmp=$(mktemp)
    printf '%s' "$2" >"$tmp"
    seed "$1" "$tmp"
    rm -f "$tmp"
}

# parse_check: every rule file and test program, valid or not.
for f in "$root"/rules/*.dl "$root"/tests/programs/*.dl "$root"/tests/errors/*.dl \
    "$root"/tests/transcripts/fixtures/*.dl; do
    seed parse_check "$f"
done

# json_data: the data, the bad-data fixtures, the transcripts' documents.
for f in "$root"/data/*.json "$root"/tests/fixtures/bad_data/*.json \
    "$root"/tests/transcripts/fixtures/*.json; do
    seed json_data "$f"
done

# repl_line: each transcript whole (its first inputs run) and each of its
# lines on its own.
for f in "$root"/tests/transcripts/*.in; do
    seed repl_line "$f"
    while IFS= read -r line; do
        [ -n "$line" ] && seed_text repl_line "$line"
    done <"$f"
done

# tsv_reader: the first byte picks the program (see the target), the rest
# is the file: the test programs' fact files under each program, and a few
# lines of each program's column types.
for f in "$root"/tests/programs/*.facts/*; do
    for pick in 0 1 2 3 4; do
        tmp=$(mktemp)
        printf "\\x0$pick" >"$tmp"
        cat "$f" >>"$tmp"
        seed tsv_reader "$tmp"
        rm -f "$tmp"
    done
done
seed_text tsv_reader $'\x00Tangier\t3\t1.5\t2024-02\nRabat\t-7\t-0.25\t2023-11-30\r\n\nx y\t+0\tinf\t2024-01\n'
seed_text tsv_reader $'\x01'"3,Tangier"$'\n'"-12,\"quoted\""$'\n'
seed_text tsv_reader $'\x02'"one"$'\n'"two words"$'\n\n'
seed_text tsv_reader $'\x03Tangier\t3\n'
seed_text tsv_reader $'\x042.5→2024-02-29→Casablanca\n-1e300→1999-12→é\n'

# printers: inputs are decoded by `arbitrary`; answer tables and charts
# from the golden outputs give it varied bytes to start from.
for f in "$root"/tests/programs/*.out "$root"/tests/viz/*.dot "$root"/tests/explain/*.json; do
    seed printers "$f"
done
