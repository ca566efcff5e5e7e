#!/bin/sh
# t0070 - clock skew: a device whose clock runs 10 minutes fast (or slow)
# records and syncs; the server's clock-skew answers make it re-stamp and
# retry, and nothing is lost.  IRO_CLOCK_SKEW_MS shifts the device clock.
. tests/e2e/lib.sh

plan 11

export IRO_PASSPHRASE="skewed clocks apart"
A="$TMP/a"
B="$TMP/b"
caseload "$TMP/kids.csv" 4 carys.jones
new_server "$TMP/srv" "$TMP/kids.csv" carys.jones || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" carys.jones >/dev/null || bail "cannot enrol A"
enrol "$B" carys.jones >/dev/null || bail "cannot enrol B"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)

export IRO_CLOCK_SKEW_MS=600000
run iro --home "$A" visit add "$kid" --date 2026-01-09 --note "fast clock"
is "$RC" 0 "a device 10 minutes fast records a visit"
v=$OUT
n=$(iro --home "$A" note add "$kid" --text "written on a fast clock")
run iro --home "$A" sync
is "$RC" 0 "and syncs despite the skew"
[ "$RC" -eq 0 ] || diag "$ERR"
st=$(iro --home "$A" status --json)
is "$(jget "$st" '[.pending, .refused] | join(",")')" "0,0" \
	"nothing pending and nothing refused"
run srv show --data "$TMP/srv" "$v" --json
is "$(jget "$OUT" .fields.note)" "fast clock" "the server has the visit"
is "$(srv stats --data "$TMP/srv" --json | jq -r .refused)" 0 \
	"the server logged no refusal"

# B, with a true clock, edits the note after A wrote it: B's edit must
# win everywhere, because A's changes were re-stamped to the server's time.
unset IRO_CLOCK_SKEW_MS
iro --home "$B" sync >/dev/null
check "B, on a true clock, edits A's note" \
	iro --home "$B" set "$n" text "corrected on a true clock"
iro --home "$B" sync >/dev/null
IRO_CLOCK_SKEW_MS=600000 iro --home "$A" sync >/dev/null
run iro --home "$A" show "$n" --json
is "$(jget "$OUT" .fields.text)" "corrected on a true clock" \
	"the later edit wins on the fast device"
is "$(iro --home "$A" conflicts --json | jq -r length)" 0 \
	"and is no conflict"

# A clock 10 minutes slow: requests look stale to the server.
export IRO_CLOCK_SKEW_MS=-600000
run iro --home "$B" visit add "$kid" --date 2026-01-10 --note "slow clock"
w=$OUT
run iro --home "$B" sync
is "$RC" 0 "a device 10 minutes slow syncs too"
[ "$RC" -eq 0 ] || diag "$ERR"
run srv show --data "$TMP/srv" "$w" --json
is "$(jget "$OUT" .fields.note)" "slow clock" "the server has its visit"

run env IRO_CLOCK_SKEW_MS=soon "$IRO_BIN_DIR/iro" --home "$A" status
is "$RC" 2 "a malformed IRO_CLOCK_SKEW_MS exits 2"

finish
