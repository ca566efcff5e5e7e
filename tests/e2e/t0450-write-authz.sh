#!/bin/sh
# t0450 - writes are authorised on the server per record and field.  IRO
# A's device records a visit of IRO B's child: the server refuses it
# ("forbidden", with the reason), logs it, reports it back, A's device
# shows it refused with the reason, and B's device never receives it.  A
# cannot finalise a note a manager wrote on A's own child, and cannot set
# a child's legal status.  A's writes to A's own child go through.
. tests/e2e/lib.sh

plan 19

export IRO_PASSPHRASE="write authorisation e2e"
A="$TMP/a"
B="$TMP/b"
M="$TMP/m"
cat >"$TMP/kids.csv" <<'CSV'
child_id,given_name,family_name,dob,iro
C1001,Amara,Okoye,2014-03-02,asha.patel
C1002,Benji,Walsh,2012-07-19,ben.okafor
CSV
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel ben.okafor ||
	bail "cannot set up"
printf 'pw-mike\n' | srv user add --data "$TMP/srv" --username mike \
	--role manager >/dev/null || bail "cannot add the manager"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "enrol A"
enrol "$B" ben.okafor >/dev/null || bail "enrol B"
enrol "$M" mike >/dev/null || bail "enrol M"
for d in "$A" "$B" "$M"; do
	iro --home "$d" sync >/dev/null || bail "first sync of $d"
done
refused0=$(srv stats --data "$TMP/srv" --json | jq -r .refused)

# ---- another IRO's child -----------------------------------------------
bad=$(iro --home "$A" visit add C1002 --date 2026-01-05 --note "not mine")
[ -n "$bad" ] || bail "A cannot record the visit locally"
good=$(iro --home "$A" visit add C1001 --date 2026-01-06)
run iro --home "$A" sync
is "$RC" 0 "A's sync succeeds though a change is refused"
nbad=$(iro --home "$A" history "$bad" --json | jq -r 'length')
refused1=$(srv stats --data "$TMP/srv" --json | jq -r .refused)
is "$((refused1 - refused0))" "$nbad" \
	"the server logged every change of the visit as refused"
run iro --home "$A" status --json
is "$(jget "$OUT" '[.refused, .pending] | join(",")')" "$nbad,0" \
	"A's status: the visit's changes refused, nothing pending"
run iro --home "$A" history "$bad" --json
is "$(jget "$OUT" 'map(.state) | unique | join(",")')" "refused" \
	"A's history shows the visit refused"
like "$(jget "$OUT" '.[0].refusal')" \
	"child 'C1002' is allocated to 'ben.okafor', not 'asha.patel'" \
	"with the reason"
run iro --home "$A" history "$bad"
like "$OUT" "refused: .*allocated to 'ben.okafor'" \
	"the plain history shows the reason too"
run iro --home "$A" history "$good" --json
is "$(jget "$OUT" 'map(.state) | unique | join(",")')" "synced" \
	"A's visit of A's own child is accepted"

iro --home "$B" sync >/dev/null
run iro --home "$B" visits --json
is "$(jget "$OUT" "map(select(.id == \"$bad\")) | length")" 0 \
	"B never receives the refused visit"
is "$(jget "$OUT" "map(select(.id == \"$good\")) | length")" 1 \
	"while B receives A's accepted visit (no scopes yet)"
run iro --home "$A" sync
is "$(srv stats --data "$TMP/srv" --json | jq -r .refused)" "$refused1" \
	"syncing again does not log the refusal twice"

# ---- finalising someone else's note -------------------------------------
n=$(iro --home "$M" note add C1001 --text "Manager's oversight note.")
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
own=$(iro --home "$A" note add C1001 --text "A's own note.")
iro --home "$A" note finalise "$own" >/dev/null
iro --home "$A" sync >/dev/null
iro --home "$M" sync >/dev/null
run iro --home "$M" show "$own" --json
is "$(jget "$OUT" .fields.status)" final "A may finalise A's own note"

# ---- a field no IRO may write -------------------------------------------
run iro --home "$A" set C1001 legal_status C2
ls_rc=$RC
iro --home "$A" sync >/dev/null
run iro --home "$B" sync
run iro --home "$M" show C1001 --json
ls_now=$(jget "$OUT" '.fields.legal_status')
isnt_c2() { [ "$ls_now" != C2 ]; }
check "an IRO cannot set a child's legal status (exit $ls_rc)" \
	[ "$ls_rc" -ne 0 ]
check "and the legal status is unchanged everywhere ('$ls_now')" isnt_c2
stop_server
is "$SERVER_RC" 0 "the server stops cleanly"

finish
