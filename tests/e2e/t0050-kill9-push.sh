#!/bin/sh
# t0050 - kill -9 of the server during a large push, restart, sync again:
# every change is in the server's log exactly once and nothing stays
# pending.  A second device then pulls every visit.
. tests/e2e/lib.sh

plan 10

export IRO_PASSPHRASE="kill nine mid push"
A="$TMP/a"
B="$TMP/b"
nvisits=5000
caseload "$TMP/kids.csv" 20 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"

base=$(srv stats --data "$TMP/srv" --json | jq -r .changes)
tail -n +2 "$TMP/kids.csv" | cut -d, -f1 >"$TMP/ids"
awk -v n="$nvisits" '
	{ kid[NR] = $1 }
	END {
		for (i = 1; i <= n; i++)
			printf "visit add %s --date 2025-%02d-%02d " \
			    "--seen-alone %s --note \"visit %d of the push\"\n", \
			    kid[1 + i % NR], 1 + i % 12, 1 + i % 28, \
			    i % 2 ? "yes" : "no", i
	}' "$TMP/ids" >"$TMP/batch"
run iro --home "$A" batch <"$TMP/batch"
is "$RC" 0 "$nvisits visits recorded offline through batch"
is "$(printf '%s\n' "$OUT" | grep -Ec '^[0-9a-f]{32}$')" "$nvisits" \
	"batch printed one id per visit"
pending=$(iro --home "$A" status --json | jq -r .pending)
diag "pending changes: $pending; server log before: $base"

# Push in the background; kill -9 the server once part of it is committed.
"$IRO_BIN_DIR/iro" --home "$A" sync >"$TMP/sync1.out" 2>"$TMP/sync1.err" &
spid=$!
track "$spid"
i=0
while [ $i -lt 600 ]; do
	now=$(srv stats --data "$TMP/srv" --json 2>/dev/null | jq -r .changes)
	[ -n "$now" ] && [ "$now" -gt "$base" ] && break
	sleep 0.05
	i=$((i + 1))
done
kill9_server
wait "$spid"
src=$?
mid=$(srv stats --data "$TMP/srv" --json | jq -r .changes)
diag "first sync exited $src; server log after kill -9: $mid of $((base + pending))"
if [ "$mid" -gt "$base" ] && [ "$mid" -lt $((base + pending)) ]; then
	ok "the server was killed part-way through the push"
else
	not_ok "the server was killed part-way through the push"
fi
is "$src" 4 "the interrupted sync exits 4"

start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
run iro --home "$A" sync
is "$RC" 0 "the retried sync succeeds"
is "$(iro --home "$A" status --json | jq -r .pending)" 0 \
	"nothing stays pending on the device"
run srv stats --data "$TMP/srv" --json
is "$(jget "$OUT" .changes)" $((base + pending)) \
	"the server's log holds every change exactly once"
is "$(jget "$OUT" .refused)" 0 "and refused none"

enrol "$B" asha.patel >/dev/null || bail "cannot enrol B"
run iro --home "$B" visits --json
is "$(jget "$OUT" length)" "$nvisits" "a second device pulls every visit"
is "$(jget "$OUT" '[.[] | select(.fields.note | test("^visit [0-9]+ of the push$"))] | map(.fields.note) | unique | length')" \
	"$nvisits" "each one once, with its note"

finish
