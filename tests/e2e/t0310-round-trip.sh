#!/bin/sh
# t0310 - every casework record type makes the round trip: created offline
# on one device of an IRO (reviews, a visit, a note and its correction,
# decisions carried forward until they drift, a dispute with its stages,
# a flag on a child's field), pushed to the server, pulled by the IRO's
# other device, and shown identically on both and on the server.  Then
# validation on both sides: each device refuses a rule-breaking edit
# itself (exit 2), and when two devices make changes that are each valid
# alone but not together (one holds a review while the other, offline,
# cancels it), the server refuses the second and the device reports it.
. tests/e2e/lib.sh

plan 46

ext=tests/data/review-cycle
export IRO_PASSPHRASE="round trip of a review"
A="$TMP/laptop"
B="$TMP/tablet"
D="$TMP/srv"
hex='^[0-9a-f]{32}$'

srv init --data "$D" --council E06000099 >/dev/null || bail "cannot init"
printf 'pw-asha.patel\n' | srv user add --data "$D" --username asha.patel \
	--role iro >/dev/null || bail "cannot add the IRO"
srv import-903 --data "$D" --header "$ext/header.csv" \
	--episodes "$ext/episodes.csv" --reviews "$ext/reviews.csv" \
	--allocations "$ext/allocations.csv" >/dev/null || bail "cannot import"
start_server "$D" || bail "cannot start the server"
IRO_DEVICE_NAME=laptop enrol "$A" asha.patel >/dev/null || bail "enrol A"
IRO_DEVICE_NAME=tablet enrol "$B" asha.patel >/dev/null || bail "enrol B"
stop_server

# a CMD..., b CMD...: iro on the laptop, on the tablet.
a() { iro --home "$A" "$@"; }
b() { iro --home "$B" "$@"; }

# ---- offline on the laptop --------------------------------------------
export IRO_TODAY=2026-03-10
V=$(a visit add C1001 --date 2026-03-10 --time 09:45 --purpose midway \
	--mode video --location school --child-seen yes --seen-alone no \
	--wishes "School is OK. I miss my dog." --safeguarding no \
	--note "Video call from school; the teacher stayed in the room.")
like "$V" "$hex" "a visit"
N1=$(a note add C1001 --type consultation \
	--text "Maisie wants her brother at the review.")
like "$N1" "$hex" "a note"
check "the note is finalised" a note finalise "$N1"
N2=$(a note correct "$N1" --text "Maisie wants her brother and her nan \
at the review.")
like "$N2" "$hex" "a correction of it"
run a show "$N2" --json
is "$(jget "$OUT" .fields.supersedes)" "$N1" "the correction supersedes the note"
run a show "$N1" --json
is "$(jget "$OUT" '.fields | [.status, .text] | join("|")')" \
	"final|Maisie wants her brother at the review." \
	"and the earlier note stays, unchanged"
run a set "$N1" text "rewritten"
is "$RC" 2 "the laptop refuses to edit a final note"

export IRO_TODAY=2026-03-17
R1=$(a review add C1001 --date 2026-03-17)
check "a review is held (spoken to privately: refused; PN2)" \
	a review held "$R1" --spoken-privately refused --participation PN2 \
	--child-chaired no --parents-views no --care-plan-endorsed yes
Dc=$(a decision add "$R1" --text "Find a mentor through the youth service." \
	--responsible "Jo Marsh" --due 2026-05-29)
Dd=$(a decision add "$R1" --text "Dental check-up." --due 2026-04-30)
check "a decision is done" a decision done "$Dd"
check "and completed" a review complete "$R1"
R5=$(a review add C1005 --date 2026-03-17)
run a review held "$R5" --participation PN1 --spoken-privately inappropriate
is "$RC" 2 "PN1 is refused for a two-year-old"
like "$ERR" "participation" "naming the field"
check "PN0 is right for her" a review held "$R5" --participation PN0 \
	--spoken-privately inappropriate
run a set "$R1" status planned
is "$RC" 2 "the laptop refuses completed -> planned"

# The mentor decision is carried forward twice: drift.
R2=$(a review add C1001 --date 2026-09-10)
check "the decision is carried to the next review" \
	a decision carry "$Dc" --to "$R2"
export IRO_TODAY=2026-09-10
check "the next review is held in September" \
	a review held "$R2" --participation PN1 --spoken-privately yes
R3=$(a review add C1001 --date 2027-03-05)
check "and again to the one after" a decision carry "$Dc" --to "$R3"
run a children --json
is "$(jget "$OUT" 'map(select(.child_id == "C1001"))[0].drifting_decisions')" \
	1 "carried twice, the decision is drift"

export IRO_TODAY=2026-03-12
P=$(a dispute add C1004 --category placement --date 2026-03-12 \
	--stage team_manager)
like "$P" "$hex" "a dispute opened straight at the team manager"
check "the team manager answers" a dispute respond "$P" \
	--outcome not_resolved --text "No other placement is available." \
	--date 2026-03-18
run a dispute escalate "$P" --stage service_manager --date 2026-03-19
like "$RC $OUT" '^0 [0-9a-f]{32}$' "it goes to the service manager"
check "a Cafcass referral in parallel" a dispute cafcass "$P"
check "the service manager resolves it" a dispute respond "$P" \
	--outcome resolved --text "A move closer to home is agreed." \
	--date 2026-03-24
check "and the dispute is resolved" a dispute resolve "$P"
F=$(a flag C1004 placement_postcode --text "The placement moved in February.")
like "$F" "$hex" "a flag on a child's field"
run a flag C1004 shoe_size --text "too small"
is "$RC" 2 "a flag on a field children do not have is refused"

# ---- through the server to the tablet ---------------------------------
start_server "$D" "$SERVER_PORT" || bail "cannot restart the server"
run a sync --json
is "$(jget "$OUT" '[.refused, .pending] | join(",")')" "0,0" \
	"the laptop pushes everything; nothing is refused"
[ "$RC" -eq 0 ] || diag "$RC: $ERR"
run b sync --json
is "$RC" 0 "the tablet pulls"
stages=$(srv records --data "$D" --type dispute_stage --json |
	jq -r "map(select(.fields.dispute == \"$P\")) | sort_by(.fields.sent) | .[].id")
is "$(printf '%s\n' "$stages" | grep -Ec "$hex")" 2 "the dispute has two stages"

same=0
diffs=""
for id in $V $N1 $N2 $R1 $R5 $R2 $R3 $Dc $Dd $P $stages $F; do
	a show "$id" --json >"$TMP/a.json" 2>&1
	b show "$id" --json >"$TMP/b.json" 2>&1
	srv show --data "$D" "$id" --json >"$TMP/s.json" 2>&1
	if cmp -s "$TMP/a.json" "$TMP/b.json" &&
		[ "$(jq -cS .fields "$TMP/a.json")" = \
			"$(jq -cS .fields "$TMP/s.json")" ] &&
		[ "$(jq -r .type "$TMP/a.json")" = "$(jq -r .type "$TMP/s.json")" ]
	then
		same=$((same + 1))
	else
		diffs="$diffs $id"
		diag "$id:" "$(cat "$TMP/a.json" "$TMP/b.json" "$TMP/s.json")"
	fi
done
is "$same" 13 "all 13 records are identical on the laptop, the tablet and the server"
types=$(for id in $V $N2 $R1 $Dc $P $stages $F; do
	b show "$id" --json | jq -r .type; done | sort -u | paste -sd, -)
is "$types" "decision,dispute,dispute_stage,flag,note,review,visit" \
	"covering every record type an IRO writes"
run b show "$Dc" --json
is "$(jget "$OUT" '.fields | [.carried, .carried_to, .status] | join(",")')" \
	"2,$R3,open" "the tablet sees the drifting decision"
run b show "$P" --json
is "$(jget "$OUT" '.fields | [.status, (.cafcass_referred | test("^2026-")) ] | join(",")')" \
	"resolved,true" "and the resolved dispute with its Cafcass referral"
run b children --json
is "$(jget "$OUT" 'map(select(.child_id == "C1001"))[0].drifting_decisions')" \
	1 "and drift in its caseload"

# The tablet, holding the same records, enforces the same rules.
run b set "$N1" text "rewritten on the tablet"
is "$RC" 2 "the tablet refuses to edit the final note"
run b set "$R1" status planned
is "$RC" 2 "and refuses completed -> planned"
like "$ERR" "status" "naming the field"

# ---- the server's own check -------------------------------------------
# Both devices know R3 as planned.  Offline, the laptop holds it; later the
# tablet, not knowing, cancels it - each valid on its own device.  The
# laptop syncs first; the tablet's cancellation would take a held review
# back to cancelled, which the server refuses and logs.
stop_server
export IRO_TODAY=2027-03-05
check "the laptop holds R3 offline" a review held "$R3" --participation PN1 \
	--spoken-privately yes
sleep 1
check "the tablet, offline, cancels R3" b review cancel "$R3"
start_server "$D" "$SERVER_PORT" || bail "cannot restart the server"
run a sync --json
is "$(jget "$OUT" .refused)" 0 "the laptop's change is accepted"
refused_before=$(srv stats --data "$D" --json | jq .refused)
run b sync
like "$ERR" "refused 1 change" "the tablet is told the server refused its change"
is "$(srv stats --data "$D" --json | jq .refused)" $((refused_before + 1)) \
	"the server logged one refused change"
b sync >/dev/null 2>&1
a sync >/dev/null 2>&1
for d in A B; do
	eval "home=\$$d"
	run iro --home "$home" show "$R3" --json
	is "$(jget "$OUT" .fields.status)" held "on $d the review is held"
done
run srv show --data "$D" "$R3" --json
is "$(jget "$OUT" .fields.status)" held "and on the server"
run b status --json
check "the tablet's status counts the refusal" test "$(jget "$OUT" .refused)" -ge 1

stop_server
finish
