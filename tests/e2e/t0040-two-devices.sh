#!/bin/sh
# t0040 - two devices of one IRO edit the same note while the server is
# down, and both add visits.  Once the server is back and both have synced
# twice, both replicas hold identical records, every visit, and one open
# conflict with both values; resolving it on one device clears it on the
# other.
. tests/e2e/lib.sh

plan 21

export IRO_PASSPHRASE="two devices, one caseload"
A="$TMP/a"
B="$TMP/b"
caseload "$TMP/kids.csv" 6 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
IRO_DEVICE_NAME=laptop enrol "$A" asha.patel >/dev/null || bail "enrol A"
IRO_DEVICE_NAME=tablet enrol "$B" asha.patel >/dev/null || bail "enrol B"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)
kid2=$(sed -n 3p "$TMP/kids.csv" | cut -d, -f1)

n=$(iro --home "$A" note add "$kid" --text "Placement is stable.")
iro --home "$A" sync >/dev/null
iro --home "$B" sync >/dev/null
run iro --home "$B" show "$n" --json
is "$(jget "$OUT" .fields.text)" "Placement is stable." "B received A's note"

stop_server
check "A edits the note offline" \
	iro --home "$A" set "$n" text "Placement stable; school move planned."
check "B edits the same note offline" \
	iro --home "$B" set "$n" text "Placement stable but carer unwell."
a1=$(iro --home "$A" visit add "$kid" --date 2026-01-05 --seen-alone yes)
b1=$(iro --home "$B" visit add "$kid" --date 2026-01-06 --seen-alone no \
	--note "Met at school.")
b2=$(iro --home "$B" visit add "$kid2" --date 2026-01-07)
run iro --home "$A" sync
is "$RC" 4 "A cannot sync while the server is down"

start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
for round in 1 2; do
	for d in "$A" "$B"; do
		run iro --home "$d" sync
		[ "$RC" -eq 0 ] || diag "sync $round of $d: rc $RC: $ERR"
	done
done
is "$RC" 0 "both devices sync once the server is back"

# snapshot DIR: every record and listing as JSON, one file per device.
snapshot() {
	{
		for what in children visits notes conflicts; do
			iro --home "$1" "$what" --json
		done
		for id in $(iro --home "$1" children --json | jq -r '.[].id') \
			"$n" "$a1" "$b1" "$b2"; do
			iro --home "$1" show "$id" --json
		done
	} >"$2"
}
snapshot "$A" "$TMP/snap.a"
snapshot "$B" "$TMP/snap.b"
check "both replicas show identical records, listings and conflicts" \
	cmp -s "$TMP/snap.a" "$TMP/snap.b"
[ -s "$TMP/snap.a" ] || diag "empty snapshot"
cmp "$TMP/snap.a" "$TMP/snap.b" >/dev/null 2>&1 ||
	diff "$TMP/snap.a" "$TMP/snap.b" | head -n 20 | sed 's/^/# /'

run iro --home "$B" visits --json
is "$(jget "$OUT" 'map(.id) | sort | join(",")')" \
	"$(printf '%s\n' "$a1" "$b1" "$b2" | sort | paste -sd, -)" \
	"every visit from both devices is there"
is "$(jget "$OUT" "map(select(.id == \"$b1\"))[0].fields.note")" \
	"Met at school." "with its fields"

for d in A B; do
	eval "home=\$$d"
	run iro --home "$home" conflicts --json
	eval "conf_$d=\$OUT"
	is "$(jget "$OUT" 'length')" 1 "device $d has one open conflict"
done
is "$(jget "$conf_A" '.[0].id')" "$(jget "$conf_B" '.[0].id')" \
	"the conflict has the same id on both devices"
is "$(jget "$conf_A" '.[0] | [.record, .field] | join(".")')" "$n.text" \
	"the conflict is on the note's text"
is "$(jget "$conf_A" '[.[0].values[].value] | sort | join("|")')" \
	"Placement stable but carer unwell.|Placement stable; school move planned." \
	"both competing values are kept"
is "$(jget "$conf_A" '[.[0].values[] | select(.by == "asha.patel" and
	(.device | test("^[0-9a-f]{32}$")) and
	(.at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")))] | length')" 2 \
	"each value has its author, device and time"
is "$(jget "$conf_A" '.[0].current')" \
	"$(iro --home "$A" show "$n" --json | jq -r .fields.text)" \
	"current is the value the record shows"
run iro --home "$A" show "$n"
like "$OUT" '^text .*conflict' "plain show marks the conflicted field"

cid=$(jget "$conf_A" '.[0].id')
check "A resolves the conflict" iro --home "$A" resolve "$cid" \
	--value "Placement stable; carer unwell; school move planned."
iro --home "$A" sync >/dev/null
iro --home "$B" sync >/dev/null
run iro --home "$B" conflicts --json
is "$(jget "$OUT" 'length')" 0 "the resolution clears the conflict on B"
run iro --home "$B" show "$n" --json
is "$(jget "$OUT" .fields.text)" \
	"Placement stable; carer unwell; school move planned." \
	"B shows the resolved text"
run srv show --data "$TMP/srv" "$n" --json
is "$(jget "$OUT" .fields.text)" \
	"Placement stable; carer unwell; school move planned." \
	"and so does the server"
is "$(iro --home "$A" status --json | jq -r .conflicts)" 0 \
	"A has no open conflicts either"

finish
