#!/bin/sh
# t0060 - offline: with the server stopped, recording works and needs no
# network; sync exits 4 and says how many changes stay pending; once the
# server is back they all arrive.
. tests/e2e/lib.sh

plan 12

export IRO_PASSPHRASE="offline for a week"
A="$TMP/a"
caseload "$TMP/kids.csv" 5 ben.okafor
new_server "$TMP/srv" "$TMP/kids.csv" ben.okafor || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" ben.okafor >/dev/null || bail "cannot enrol"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)
stop_server

run iro --home "$A" visit add "$kid" --date 2026-01-08 --seen-alone yes \
	--note "Seen at the foster home."
is "$RC" 0 "visit add works with the server down"
like "$OUT" '^[0-9a-f]{32}$' "and prints the new id"
v=$OUT
run iro --home "$A" note add "$kid" --text "Wants to join the swimming club."
is "$RC" 0 "note add works with the server down"
n=$OUT

pending=$(iro --home "$A" status --json | jq -r .pending)
check "status counts the pending changes" [ "$pending" -ge 2 ]

run iro --home "$A" sync
is "$RC" 4 "sync exits 4 while the server is unreachable"
is "$ERR" "iro: server unreachable: $pending changes stay pending" \
	"and says how many changes stay pending"
is "$OUT" "" "and prints nothing on stdout"
run iro --home "$A" sync --json
is "$RC" 4 "sync --json exits 4 too"
is "$(iro --home "$A" status --json | jq -r .pending)" "$pending" \
	"the pending changes are all still there"

start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
run iro --home "$A" sync
is "$OUT" "sent $pending, received 0, conflicts 0" \
	"once the server is back every change is sent"
run srv show --data "$TMP/srv" "$v" --json
is "$(jget "$OUT" '[.fields.date, .fields.note] | join("|")')" \
	"2026-01-08|Seen at the foster home." "the server has the visit"
run srv show --data "$TMP/srv" "$n" --json
is "$(jget "$OUT" .fields.text)" "Wants to join the swimming club." \
	"and the note"

finish
