#!/bin/sh
# t0300 - a whole review cycle.  The server imports a small SSDA903
# extract (tests/data/review-cycle); the IRO's laptop syncs, and with the
# server stopped and "today" pinned records a pre-review consultation
# visit, plans, holds and completes the review (PN code, spoken to
# privately), adds two decisions and opens a dispute that is escalated
# two stages (skipping one).  Along the way the schedule, the agenda and
# the caseload are checked against dates worked out by hand (bank
# holidays included), and bad input is refused with exit 2 naming the
# field.  Back online, the server holds every record and its Reviews
# export is exactly the imported history plus the new review.
. tests/e2e/lib.sh

plan 67

ext=tests/data/review-cycle
export IRO_PASSPHRASE="review cycle"
A="$TMP/laptop"
D="$TMP/srv"

# ---- the council's extract --------------------------------------------
srv init --data "$D" --council E06000099 >/dev/null || bail "cannot init"
printf 'pw-asha.patel\n' | srv user add --data "$D" --username asha.patel \
	--role iro >/dev/null || bail "cannot add the IRO"

# A broken extract is refused whole, naming the file, the line and why.
sed 's#^C1004,14/10/2024,S,C2#C1004,31/02/2024,S,C2#' "$ext/episodes.csv" \
	>"$TMP/bad-episodes.csv"
run srv import-903 --data "$D" --header "$ext/header.csv" \
	--episodes "$TMP/bad-episodes.csv" --reviews "$ext/reviews.csv" \
	--allocations "$ext/allocations.csv"
is "$RC" 2 "an extract with an impossible date is refused (exit 2)"
like "$ERR" "bad-episodes\.csv:8: DECOM: .*31/02/2024" \
	"naming the file, the line, the column and the value"
is "$(srv records --data "$D" --type child --json | jq length)" 0 \
	"and nothing is written"

import() {
	srv import-903 --data "$D" --header "$ext/header.csv" \
		--episodes "$ext/episodes.csv" --reviews "$ext/reviews.csv" \
		--allocations "$ext/allocations.csv"
}
run import
is "$RC:$OUT" "0:imported 5 children: 5 new, 0 updated, 0 unchanged
imported 14 reviews: 14 new, 0 already on the server" "the extract imports"
[ "$RC" -eq 0 ] || diag "$ERR"
changes=$(srv stats --data "$D" --json | jq .changes)
run import
is "$RC.$(srv stats --data "$D" --json | jq .changes)" "0.$changes" \
	"importing it again changes nothing"
run srv records --data "$D" --type child --json
is "$(jget "$OUT" 'length')" 5 "five children"
is "$(jget "$OUT" 'map(select(.fields.out_of_area == true) | .fields.child_id) | join(",")')" \
	C1004 "only C1004 is placed out of area"
is "$(jget "$OUT" 'map(select(.fields.child_id == "C1002"))[0].fields.care_start')" \
	2026-02-23 "C1002's period of care starts at the latest RNE=S episode"
run srv records --data "$D" --type review --json
is "$(jget "$OUT" 'length')" 14 "fourteen reviews from the Reviews table"

start_server "$D" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol the laptop"

# ---- the caseload on 9 March 2026 ------------------------------------
export IRO_TODAY=2026-03-09
run iro --home "$A" child C1001
like "$OUT" "legal status +C2 \\(full care order\\)" \
	"the child's picture says what the legal status code means"
like "$OUT" "U6 \\(foster placement" "and what the placement type means"
run iro --home "$A" children --json
CH=$OUT
kid() { jget "$CH" "map(select(.child_id == \"$1\"))[0] | $2"; }
is "$(jget "$CH" 'map(.child_id) | join(",")')" C1003,C1001,C1002,C1005,C1004 \
	"the caseload is sorted by next review due"
is "$(jget "$CH" 'map(.next_review_due) | join(",")')" \
	2026-02-28,2026-03-18,2026-03-23,2026-05-06,2026-07-23 \
	"due: 6 months, 3 months, 20 working days after care began, ..."
is "$(kid C1003 '[.review_overdue, .working_days_left] | join(",")')" \
	"true,-6" "C1003's review is overdue by 6 working days"
is "$(jget "$CH" 'map(select(.review_overdue)) | length')" 1 \
	"no other review is overdue"
is "$(kid C1001 '[.working_days_left, .review_basis] | join(",")')" \
	"7,second" "C1001: 7 working days left for the second review"
is "$(kid C1004 .out_of_area)" true "C1004 is out of area on the device"
is "$(kid C1001 '[.out_of_area, .consultation_done, .last_visit] | join(",")')" \
	"false,false," "C1001 is in area, not yet consulted, never visited"

run iro --home "$A" agenda --json
AG=$OUT
item() { jget "$AG" "map(select(.child_id == \"$1\" and .kind == \"$2\"))"; }
is "$(jget "$(item C1001 review_due)" '.[0] | [.date, .overdue] | join(",")')" \
	"2026-03-18,false" "the agenda has C1001's review due on 18 March"
is "$(jget "$(item C1002 review_due)" '.[0].date')" 2026-03-23 \
	"and C1002's first review on 23 March"
is "$(jget "$(item C1003 review_due)" '.[0] | [.date, .overdue] | join(",")')" \
	"2026-02-28,true" "and C1003's overdue review"
is "$(jget "$AG" 'map(select(.kind == "consultation") | .child_id) | sort | join(",")')" \
	"C1001,C1002,C1003" "consultations are due for the three reviews"
is "$(jget "$AG" 'map(select(.child_id == "C1004" or .child_id == "C1005")) | length')" \
	0 "reviews beyond 20 working days are not on the agenda"

# ---- offline from here ------------------------------------------------
stop_server
export IRO_TODAY=2026-03-10
wishes="I like living with Sue and Dave. I want to see my brother more."
V=$(iro --home "$A" visit add C1001 --date 2026-03-10 --time 15:30 \
	--purpose pre_review --mode in_person --location placement \
	--child-seen yes --seen-alone yes --wishes "$wishes")
like "$V" '^[0-9a-f]{32}$' "the pre-review consultation visit is recorded"
run iro --home "$A" children --json
CH=$OUT
is "$(kid C1001 '[.consultation_done, .last_visit] | join(",")')" \
	"true,2026-03-10" "C1001's consultation is done, last visit 10 March"
unset IRO_TODAY
run iro --home "$A" --today 2026-03-10 agenda --json
is "$(jget "$OUT" 'map(select(.kind == "consultation") | .child_id) | sort | join(",")')" \
	"C1002,C1003" "and off the agenda (today given by --today)"
export IRO_TODAY=2026-03-10

run iro --home "$A" review add C1001 --date 2026-03-17 --format no_meeting
is "$RC" 2 "no meeting is refused for a placement that is not long-term fostering"
like "$ERR" "format" "naming the field"
R=$(iro --home "$A" review add C1001 --date 2026-03-17)
like "$R" '^[0-9a-f]{32}$' "the review is planned for 17 March"
run iro --home "$A" show "$R" --json
is "$(jget "$OUT" '.fields | [.status, .due, .meeting_date, .format] | join(",")')" \
	"planned,2026-03-18,2026-03-17,meeting" \
	"planned, with its statutory due date"
run iro --home "$A" review update "$R" --participation PN9
is "$RC" 2 "PN9 is not a participation code"
like "$ERR" "participation.*PN9" "naming the field and the value"
run iro --home "$A" review update "$R" --participation PN0
is "$RC" 2 "PN0 is refused for a ten-year-old"
like "$ERR" "participation.*PN0" "naming the field and the value"

export IRO_TODAY=2026-03-17
run iro --home "$A" review held "$R" --date 2026-03-17 \
	--spoken-privately yes --participation PN1 --child-chaired no \
	--parents-views yes --care-plan-endorsed yes
is "$RC" 0 "the review is held: PN1, spoken to privately"
[ "$RC" -eq 0 ] || diag "$ERR"
D1=$(iro --home "$A" decision add "$R" --text "Arrange fortnightly contact \
with her brother, supervised at first." --responsible "Jo Marsh (social worker)" \
	--due 2026-04-30)
D2=$(iro --home "$A" decision add "$R" --text "Complete the school's PEP \
before the summer term." --responsible "Virtual School" --due 2026-04-10)
like "$D1 $D2" '^[0-9a-f]{32} [0-9a-f]{32}$' "two decisions are recorded"
run iro --home "$A" agenda --days 25 --json
is "$(jget "$OUT" "map(select(.child_id == \"C1001\") | .kind + \"@\" + .date) | sort | join(\",\")")" \
	"decision_due@2026-04-10,decisions_distribute@2026-03-24,record_complete@2026-04-16" \
	"the agenda: decisions to send by 24 March, record by 16 April, decision due"

export IRO_TODAY=2026-03-27
check "decisions distributed and record completed are recorded" \
	iro --home "$A" review update "$R" --decisions-distributed 2026-03-20 \
	--record-completed 2026-03-27
check "the review is completed" iro --home "$A" review complete "$R"
run iro --home "$A" set "$R" status planned
is "$RC" 2 "a completed review cannot go back to planned"
like "$ERR" "status.*(completed|planned)" "and the message names the transition"
run iro --home "$A" review cancel "$R"
is "$RC" 2 "nor be cancelled"
run iro --home "$A" show "$R" --json
is "$(jget "$OUT" '.fields | [.status, .meeting_date, .spoken_privately, .participation, .child_chaired, .parents_views, .care_plan_endorsed, .decisions_distributed, .record_completed] | join(",")')" \
	"completed,2026-03-17,yes,PN1,false,true,true,2026-03-20,2026-03-27" \
	"the review holds every answer"

run iro --home "$A" children --json
CH=$OUT
is "$(kid C1001 '[.next_review_due, .review_overdue, .open_decisions] | join(",")')" \
	"2026-09-17,false,2" \
	"the next review is due 6 months after the actual date, 17 September"

# A dispute about contact, escalated over Easter: informal on Friday 27
# March (5 working days, skipping Good Friday and Easter Monday: 7
# April), the team manager on 8 April (15 April), then straight to the
# head of service on 16 April (23 April).
S=$(iro --home "$A" dispute add C1001 --category contact --date 2026-03-27)
like "$S" '^[0-9a-f]{32}$' "a dispute is opened at the informal stage"
export IRO_TODAY=2026-04-08
run iro --home "$A" dispute escalate "$S" --stage team_manager --date 2026-04-08
like "$RC $OUT" '^0 [0-9a-f]{32}$' "escalated to the team manager (the new stage's id)"
export IRO_TODAY=2026-04-16
run iro --home "$A" dispute escalate "$S" --stage head_of_service \
	--date 2026-04-16
like "$RC $OUT" '^0 [0-9a-f]{32}$' \
	"then to the head of service, skipping the service manager"
run iro --home "$A" dispute escalate "$S" --stage team_manager
is "$RC" 2 "a dispute cannot go back down the ladder"
like "$ERR" "stage" "naming the stage"
run iro --home "$A" dispute add C1001 --category tea
is "$RC" 2 "an unknown dispute category is refused"
like "$ERR" "category.*tea" "naming the field and the value"
run iro --home "$A" children --json
CH=$OUT
is "$(kid C1001 .dispute_stage)" head_of_service "the caseload shows the stage"
run iro --home "$A" agenda --json
is "$(jget "$OUT" 'map(select(.kind == "dispute_response") | .child_id + "@" + .date) | join(",")')" \
	"C1001@2026-04-23" "the agenda has the head of service's response due on 23 April"

run iro --home "$A" sync
is "$RC" 4 "a sync while offline fails (exit 4)"
run iro --home "$A" status --json
check "and everything waits, pending" test "$(jget "$OUT" .pending)" -gt 0

# ---- back online ------------------------------------------------------
start_server "$D" "$SERVER_PORT" || bail "cannot restart the server"
run iro --home "$A" sync --json
is "$(jget "$OUT" '[.refused, .pending] | join(",")')" "0,0" \
	"the laptop syncs: nothing refused, nothing left pending"
[ "$RC" -eq 0 ] || diag "sync: $RC $ERR"

run srv show --data "$D" "$R" --json
is "$(jget "$OUT" '.fields | [.status, .due, .meeting_date, .participation, .spoken_privately, .record_completed] | join(",")')" \
	"completed,2026-03-18,2026-03-17,PN1,yes,2026-03-27" \
	"the server has the completed review"
run srv show --data "$D" "$V" --json
is "$(jget "$OUT" '.fields | [.purpose, .child_seen, .seen_alone, .wishes] | join("|")')" \
	"pre_review|true|true|$wishes" "and the visit with the child's own words"
run srv records --data "$D" --type decision --json
is "$(jget "$OUT" "map(select(.fields.review == \"$R\") | .fields.due) | sort | join(\",\")")" \
	"2026-04-10,2026-04-30" "and both decisions, linked to the review"
run srv records --data "$D" --type dispute_stage --json
is "$(jget "$OUT" "map(select(.fields.dispute == \"$S\") | .fields | .stage + \"@\" + .sent + \">\" + .response_due) | sort | join(\",\")")" \
	"head_of_service@2026-04-16>2026-04-23,informal@2026-03-27>2026-04-07,team_manager@2026-04-08>2026-04-15" \
	"and the three dispute stages with their response dates in working days"
run srv show --data "$D" "$S" --json
is "$(jget "$OUT" '.fields | [.category, .opened, .status] | join(",")')" \
	"contact,2026-03-27,open" "and the dispute"
counts=""
for t in child review visit decision dispute dispute_stage note flag; do
	counts="$counts $t=$(srv records --data "$D" --type $t --json | jq length)"
done
is "$counts" " child=5 review=15 visit=1 decision=2 dispute=1 dispute_stage=3 note=0 flag=0" \
	"the server holds exactly the records made, no more"

# ---- the return -------------------------------------------------------
cat >"$TMP/expected.csv" <<'EOF'
CHILD,DOB,REVIEW,REVIEW_CODE
C1001,14/06/2015,18/12/2025,PN1
C1001,14/06/2015,17/03/2026,PN1
C1003,21/11/2009,28/08/2025,PN1
C1004,14/02/2011,01/08/2025,PN6
C1004,14/02/2011,23/01/2026,PN2
C1005,11/04/2023,08/08/2025,PN0
C1005,11/04/2023,06/11/2025,PN0
EOF
run srv export reviews --data "$D" --from 2025-04-01 --to 2026-03-31 \
	--out "$TMP/reviews.csv"
is "$RC" 0 "the Reviews table for 2025-26 is exported"
check "and is exactly the imported history plus the new review" \
	cmp -s "$TMP/expected.csv" "$TMP/reviews.csv"
cmp -s "$TMP/expected.csv" "$TMP/reviews.csv" ||
	diff "$TMP/expected.csv" "$TMP/reviews.csv" | sed 's/^/# /'
run srv export reviews --data "$D" --from 2026-03-17 --to 2026-03-17
is "$OUT" "$(sed -n '1p;3p' "$TMP/expected.csv")" \
	"a one-day range gives the header and that day's review (to stdout)"
run srv export visits --data "$D" --from 2026-03-01 --to 2026-03-31
is "$(printf '%s\n' "$OUT" | grep -c '^C1001,10/03/2026,15:30,pre_review,')" 1 \
	"the visit is exported"
run srv export decisions --data "$D" --from 2026-03-01 --to 2026-03-31
is "$(printf '%s\n' "$OUT" | grep -c '^C1001,17/03/2026,')" 2 \
	"so are the decisions, with their review's date"

stop_server
finish
