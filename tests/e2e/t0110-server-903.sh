#!/bin/sh
# t0110-server-903: the council's data in and out of iro-server - an
# SSDA903 extract imported (twice: the second run writes nothing; a bad
# extract is reported line by line and writes nothing), the Reviews table
# exported for the return, bank holidays imported, added, cancelled and
# listed, and settings (a new council code derives out_of_area again).
. "$(dirname "$0")/lib.sh"

plan 39

x=$top/tests/data/ssda903
data=$TMP/data

import903() { # DIR: import the extract in DIR (allocations as given)
	srv import-903 --data "$data" --header "$1/header.csv" \
		--episodes "$1/episodes.csv" --reviews "$1/reviews.csv" \
		--allocations "${2:-$1/allocations.csv}"
}

field() { # CHILD FIELD: the child's current value (null when none)
	srv show --data "$data" "$1" --json | jq -c ".fields.$2"
}

run srv init --data "$data" --council E10000099
is "$RC" 0 "init --council sets the council"
for u in alice bob; do
	printf 'pw-%s\n' "$u" | srv user add --data "$data" --username "$u" \
		--role iro >/dev/null || bail "cannot add $u"
done
printf 'pw-mike\n' | srv user add --data "$data" --username mike \
	--role manager >/dev/null || bail "cannot add mike"

# ---- import ------------------------------------------------------------

run import903 "$x"
is "$RC" 0 "the sample extract imports"
is "$OUT" "imported 5 children: 5 new, 0 updated, 0 unchanged
imported 7 reviews: 7 new, 0 already on the server" "the summary counts children and reviews"
stats1=$(srv stats --data "$data" --json)
run import903 "$x"
is "$OUT" "imported 5 children: 0 new, 0 updated, 5 unchanged
imported 7 reviews: 0 new, 7 already on the server" "a second import changes nothing"
is "$(srv stats --data "$data" --json)" "$stats1" "a second import writes no change"

is "$(field C1001 care_start)" '"2023-06-15"' "care starts at the latest RNE S episode"
is "$(field C1001 placement_start)" '"2023-10-02"' \
	"a change of legal status alone does not start a placement"
is "$(field C1001 legal_status)$(field C1001 long_term_foster)" '"C2"true' \
	"legal status from the last episode; U4 is long-term fostering"
is "$(field C1001 out_of_area)$(field C1002 out_of_area)" 'falsetrue' \
	"out_of_area compares PL_LA with the council"
is "$(field C1003 care_start)$(field C1003 out_of_area)" '"2024-03-03"null' \
	"a new period of care restarts; no PL_LA leaves out_of_area unset"
is "$(field C1003 family_name)$(field C1003 placement_postcode)" \
	"\"O'Neil, Jr\"\"BD1 2AB\"" "names from the allocations; postcode normalised"
is "$(field C1004 care_end)$(field C1001 care_end)" '"2025-04-30"null' \
	"care_end only when the last episode ended care"
is "$(field C1005 adoption_stage)$(field C1005 iro)" '"placed"null' \
	"placed for adoption (A5); an empty IRO leaves the child unallocated"
is "$(field C1005 adoption_since)$(field C1001 adoption_since)" '"2025-02-10"null' \
	"adoption_since is when the placement for adoption began"
run srv records --data "$data" --type review --json
is "$(printf '%s' "$OUT" | jq '[.[] | select(.fields.status == "completed")] | length')" 7 \
	"each Reviews row is a completed review"

run import903 "$x/bad"
is "$RC" 2 "a bad extract exits 2"
is "$(printf '%s\n' "$ERR" | sed -n 's|^.*/ssda903/bad/\([a-z]*\.csv:[0-9]*\):.*|\1|p' | tr '\n' ' ')" \
	"header.csv:3 header.csv:4 episodes.csv:2 episodes.csv:3 episodes.csv:4 episodes.csv:5 reviews.csv:2 reviews.csv:3 allocations.csv:5 " \
	"every problem is reported with its file and line"
like "$ERR" "reviews.csv:2: DOB 05/03/2012 differs from 04/03/2012 in the Header table" \
	"a DOB that differs from the Header is named"
like "$ERR" "9 problems in the extract: nothing imported" "the summary says nothing was imported"
is "$(srv stats --data "$data" --json)" "$stats1" "a bad extract writes nothing"

printf 'CHILD,IRO\nC1001,mike\nC1002,alice\nC1003,bob\nC1004,nobody\nC1005,\n' \
	>"$TMP/alloc.csv"
run import903 "$x" "$TMP/alloc.csv"
is "$(printf '%s\n' "$ERR" | grep -c 'alloc.csv:[25]: IRO')" 2 \
	"an IRO that is not a user of role iro is refused"
is "$(srv stats --data "$data" --json)" "$stats1" "and nothing is written"

# ---- export ------------------------------------------------------------

run srv export reviews --data "$data" --from 2023-07-01 --to 2025-06-30
is "$OUT" "CHILD,DOB,REVIEW,REVIEW_CODE
C1001,04/03/2012,10/07/2023,PN1
C1001,04/03/2012,05/10/2023,PN1
C1001,04/03/2012,02/04/2024,PN6
C1002,20/08/2022,08/05/2025,PN0
C1003,01/02/2010,28/03/2024,PN4
C1004,05/05/2008,20/09/2024,PN5" "export reviews writes exactly the Reviews rows in range"
run srv export reviews --data "$data" --from 2019-01-20 --to 2019-01-20 \
	--out "$TMP/r.csv"
is "$RC:$OUT" "0:exported 1 reviews to '$TMP/r.csv'" "--out writes a file"
is "$(cat "$TMP/r.csv")" "CHILD,DOB,REVIEW,REVIEW_CODE
C1003,01/02/2010,20/01/2019,PN1" "a review of an earlier period of care is exported too"
run srv export visits --data "$data" --from 2023-01-01 --to 2023-01-02
is "$OUT" "CHILD,DATE,TIME,PURPOSE,MODE,LOCATION,CHILD_SEEN,SEEN_ALONE,SAFEGUARDING,IRO" \
	"export visits writes its header"
run srv export reviews --data "$data" --from 2024-01-01 --to 2023-01-01
is "$RC" 2 "--from after --to exits 2"

# ---- holidays ----------------------------------------------------------

cat >"$TMP/bh.json" <<'EOF'
{"england-and-wales":{"division":"england-and-wales","events":[
{"title":"Christmas Day","date":"2026-12-25","notes":"","bunting":true},
{"title":"New Year's Day","date":"2031-01-01","notes":"","bunting":true},
{"title":"Extra bank holiday","date":"2031-06-02","notes":"","bunting":true}]}}
EOF
run srv holidays import --data "$data" "$TMP/bh.json"
is "$OUT" "read 3 holidays: 2 added, 1 already known" \
	"holidays import adds the days not already known"
run srv holidays import --data "$data" "$TMP/bh.json"
is "$OUT" "read 3 holidays: 0 added, 3 already known" "importing again adds nothing"
run srv holidays cancel --data "$data" 2026-08-31
is "$RC" 0 "a shipped bank holiday can be cancelled"
run srv holidays cancel --data "$data" 2026-08-30
is "$RC" 2 "a Sunday cannot be made a working day"
run srv holidays add --data "$data" 2026-09-01 --title "Council closure"
is "$RC" 0 "a holiday can be added"
run srv holidays list --data "$data" --from 2026-08-01 --to 2026-12-31 --json
is "$(printf '%s' "$OUT" | jq -r '.[] | "\(.date) \(.source) \(.working) \(.title)"')" \
	"2026-08-31 server true Summer bank holiday
2026-09-01 server false Council closure
2026-12-25 shipped false Christmas Day
2026-12-28 shipped false Boxing Day" "holidays list shows shipped days and overrides"

# ---- settings ----------------------------------------------------------

run srv config set --data "$data" record_days 61
is "$RC" 2 "a setting out of range is refused"
run srv config set --data "$data" council E08000999
is "$OUT" "council set to E08000999 (out of area changed for 4 children)" \
	"a new council code derives out_of_area again"
is "$(field C1001 out_of_area)$(field C1002 out_of_area)$(field C1003 out_of_area)" \
	'truefalsenull' "each child's out_of_area follows the council"

run srv config get --data "$data" council
is "$OUT" "E08000999" "config get prints the value"
run srv config list --data "$data" --json
is "$(printf '%s' "$OUT" | jq -c '[.[] | select(.name == "record_days" or .name == "council")]')" \
	'[{"name":"council","value":"E08000999","default":false},{"name":"record_days","value":"20","default":true}]' \
	"config list shows set values and defaults"
run srv init --data "$TMP/other" --council "E-1"
is "$RC" 2 "init refuses a bad council code"

finish
