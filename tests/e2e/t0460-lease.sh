#!/bin/sh
# t0460 - the lease: a device that has not synced for longer than the
# council's lease_days (default 30) locks its case content, reads and
# writes alike, until it syncs again; status and sync still work, and a
# successful sync unlocks.
. tests/e2e/lib.sh

plan 20

A="$TMP/a"
DAY=86400000
caseload "$TMP/kids.csv" 2 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"

run srv config list --data "$TMP/srv" --json
is "$(jget "$OUT" '.[] | select(.name == "lease_days") | "\(.value) \(.default)"')" \
	"30 true" "the lease defaults to 30 days"
run srv config set --data "$TMP/srv" lease_days 366
is "$RC" 2 "a lease over a year is refused"
like "$ERR" "expected a whole number of days from 1 to 365" "and says why"
run srv config set --data "$TMP/srv" lease_days 0
is "$RC" 2 "a lease of no days is refused"

start_server "$TMP/srv" || bail "cannot start the server"
export IRO_PASSPHRASE="the right one"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"
iro --home "$A" sync >/dev/null || bail "cannot sync"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)
note=$(iro --home "$A" note add "$kid" --text "lease-marker-$$") ||
	bail "cannot add a note"
note=$(printf '%s\n' "$note" | grep -o '[0-9a-f]\{32\}' | head -n 1)

run env IRO_CLOCK_SKEW_MS=$((31 * DAY)) "$IRO_BIN_DIR/iro" --home "$A" children
is "$RC" 3 "31 days without a sync locks the device (default lease)"
like "$ERR" "no sync for 31 days .the council's limit is 30.: run iro sync" \
	"and says why"

run srv config set --data "$TMP/srv" lease_days 1
is "$RC" 0 "the council sets a lease of one day"
iro --home "$A" sync >/dev/null || bail "cannot sync the setting"

run iro --home "$A" children
is "$RC" 0 "a device that has just synced is not locked"

export IRO_CLOCK_SKEW_MS=$((2 * DAY))
run iro --home "$A" children
is "$RC" 3 "two days without a sync locks it"
like "$ERR" "no sync for 2 days .the council's limit is 1.: run iro sync" \
	"with the council's limit in the message"
check "no child is listed" test -z "$OUT"
run iro --home "$A" show "$note"
is "$RC" 3 "a record cannot be read while locked"
check "and its text is not shown" sh -c "! printf '%s' '$OUT' | grep -q lease-marker"
run iro --home "$A" note add "$kid" --text "while locked"
is "$RC" 3 "nothing can be written while locked"
run iro --home "$A" history "$note"
is "$RC" 3 "history is locked too"
run iro --home "$A" status --json
is "$RC" 0 "status still works while locked"
is "$(jget "$OUT" .pending)" 0 "the refused write left nothing to send"

# A sync while locked (the clock still two days on) succeeds and unlocks.
run iro --home "$A" sync
is "$RC" 0 "a locked device can still sync"
run iro --home "$A" children
is "$RC" 0 "and the sync unlocks it"
unset IRO_CLOCK_SKEW_MS
run iro --home "$A" show "$note"
is "$RC" 0 "an unskewed clock reads the record again"

finish
