#!/bin/sh
# t0450 - writes are authorised on the server per record and field.  IRO
# A's device holds only A's children, so it cannot even record a visit of
# IRO B's child.  When the server gives A's child to B, a visit A records
# before hearing of it is refused ("forbidden", with the reason), logged
# and audited on the server and reported back at A's sync, after which
# the child leaves A's device; B's device never receives it, nor A's
# visits of A's own children.  A cannot finalise a note a manager of A's
# team wrote on A's own child, and cannot set a child's legal status.
# A's writes to A's own child go through.
. tests/e2e/lib.sh

command -v sqlite3 >/dev/null 2>&1 || bail "no sqlite3 command"

plan 25

export IRO_PASSPHRASE="write authorisation e2e"
A="$TMP/a"
B="$TMP/b"
M="$TMP/m"
cat >"$TMP/kids.csv" <<'CSV'
child_id,given_name,family_name,dob,iro
C1001,Amara,Okoye,2014-03-02,asha.patel
C1002,Benji,Walsh,2012-07-19,ben.okafor
C1003,Cora,Pike,2013-01-09,asha.patel
CSV
# The manager sees the children of the IROs of the manager's own team.
new_server --team north "$TMP/srv" "$TMP/kids.csv" asha.patel ben.okafor ||
	bail "cannot set up"
printf 'pw-mike\n' | srv user add --data "$TMP/srv" --username mike \
	--role manager --team north >/dev/null || bail "cannot add the manager"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "enrol A"
enrol "$B" ben.okafor >/dev/null || bail "enrol B"
enrol "$M" mike >/dev/null || bail "enrol M"
for d in "$A" "$B" "$M"; do
	iro --home "$d" sync >/dev/null 2>&1 || bail "first sync of $d"
done
refused0=$(srv stats --data "$TMP/srv" --json | jq -r .refused)

# ---- another IRO's child -----------------------------------------------
run iro --home "$A" visit add C1002 --date 2026-01-05 --note "not mine"
is "$RC" 2 "A's device cannot record a visit of B's child: it does not hold it"
like "$ERR" "no child 'C1002'" "and says so"

# The server gives C1001 to B; A, not yet told, records a visit of it.
srv allocate --data "$TMP/srv" --child C1001 --iro ben.okafor \
	--reason "caseload balance" >/dev/null || bail "cannot allocate C1001"
bad=$(iro --home "$A" visit add C1001 --date 2026-01-05 --note "too late")
[ -n "$bad" ] || bail "A cannot record the visit locally"
good=$(iro --home "$A" visit add C1003 --date 2026-01-06)
[ -n "$good" ] || bail "A cannot record the visit of C1003"
nbad=$(iro --home "$A" history "$bad" --json | jq -r 'length')
run iro --home "$A" sync
is "$RC" 0 "A's sync succeeds though a change is refused"
like "$ERR" "the server refused $nbad changes" \
	"A's sync reports every change of the visit refused"
like "$ERR" "1 child left your caseload" "and C1001 leaving A's caseload"
refused1=$(srv stats --data "$TMP/srv" --json | jq -r .refused)
is "$((refused1 - refused0))" "$nbad" \
	"the server logged every change of the visit as refused"
why="child 'C1001' is allocated to 'ben.okafor', not 'asha.patel'"
is "$(sqlite3 -readonly "$TMP/srv/server.db" "SELECT DISTINCT
	code || ': ' || reason FROM log WHERE hex(rec) = upper('$bad')")" \
	"forbidden: $why" "with the code and the reason"
run srv audit --data "$TMP/srv" --user asha.patel --json
is "$(jget "$OUT" "[.[] | select(.action == \"push\" and
	(.records | index(\"$bad\")) and
	(.detail | test(\"refused $nbad\")))] | length")" 1 \
	"the audit holds A's push with the refused visit"
run srv audit --data "$TMP/srv" --child C1001 --json
is "$(jget "$OUT" "[.[] | select(.action == \"push\" and
	.user == \"asha.patel\" and
	(.detail | contains(\"forbidden: $why\")))] | length")" 1 \
	"asking about the child finds the refused push, with the reason"
run iro --home "$A" history "$bad"
is "$RC" 2 "the refused visit left A's device with the child"
run iro --home "$A" status --json
is "$(jget "$OUT" '[.refused, .pending] | join(",")')" "0,0" \
	"A's status: nothing refused left, nothing pending"
run iro --home "$A" history "$good" --json
is "$(jget "$OUT" 'map(.state) | unique | join(",")')" "synced" \
	"A's visit of A's own child is accepted"

run iro --home "$B" sync
like "$ERR" "1 child joined your caseload" "C1001 joins B's caseload"
run iro --home "$B" visits --json
is "$(jget "$OUT" "map(select(.id == \"$bad\")) | length")" 0 \
	"B never receives the refused visit"
is "$(jget "$OUT" "map(select(.id == \"$good\")) | length")" 0 \
	"nor A's visit of A's own child C1003"
run iro --home "$A" sync
is "$(srv stats --data "$TMP/srv" --json | jq -r .refused)" "$refused1" \
	"syncing again does not log the refusal twice"

# ---- finalising someone else's note -------------------------------------
n=$(iro --home "$M" note add C1003 --text "Manager's oversight note.")
[ -n "$n" ] || bail "M cannot write the note"
run iro --home "$M" sync
is "$RC" 0 "the manager's note on A's child syncs"
iro --home "$A" sync >/dev/null
check "A finalises the manager's note on A's device" \
	iro --home "$A" note finalise "$n"
run iro --home "$A" sync
is "$RC" 0 "A syncs"
run iro --home "$A" history "$n" --field status --json
like "$(jget "$OUT" 'map(select(.state == "refused")) | .[0].refusal')" \
	"only the note's author 'mike' may finalise it" \
	"the server refused it: only the author may finalise"
iro --home "$M" sync >/dev/null
run iro --home "$M" show "$n" --json
is "$(jget "$OUT" .fields.status)" draft "the note stays a draft for M"
own=$(iro --home "$A" note add C1003 --text "A's own note.")
iro --home "$A" note finalise "$own" >/dev/null
iro --home "$A" sync >/dev/null
iro --home "$M" sync >/dev/null
run iro --home "$M" show "$own" --json
is "$(jget "$OUT" .fields.status)" final "A may finalise A's own note"

# ---- a field no IRO may write -------------------------------------------
run iro --home "$A" set C1003 legal_status C2
ls_rc=$RC
iro --home "$A" sync >/dev/null
run iro --home "$M" sync
run iro --home "$M" show C1003 --json
ls_now=$(jget "$OUT" '.fields.legal_status')
isnt_c2() { [ "$ls_now" != C2 ]; }
check "an IRO cannot set a child's legal status (exit $ls_rc)" \
	[ "$ls_rc" -ne 0 ]
check "and the legal status is unchanged everywhere ('$ls_now')" isnt_c2
stop_server
is "$SERVER_RC" 0 "the server stops cleanly"

finish
