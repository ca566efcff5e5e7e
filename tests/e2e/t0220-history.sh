#!/bin/sh
# t0220 - a record's change history, offline: a decision recorded open and
# then done on one device, synced, and seen with its status history on
# that device and on another (iro history, and under the decision in
# iro child), with each change's author, device, time and state.
. tests/e2e/lib.sh

plan 31

export IRO_PASSPHRASE="history of a record"
A="$TMP/a"
B="$TMP/b"
cat >"$TMP/kids.csv" <<'CSV'
child_id,given_name,family_name,dob,iro
C1001,Amelia,Hart,2015-06-14,asha.patel
CSV
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"
a() { iro --home "$A" "$@"; }
b() { iro --home "$B" "$@"; }
quiet() { "$@" >/dev/null; }
time_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
export IRO_TODAY=2026-03-10

run a help
like "$OUT" '^  iro history ID \[--field FIELD\] \[--json\]$' \
	"iro help lists history"
run a history --help
like "$OUT" '^usage: iro history ID' "history --help shows its usage"

# ---- offline: a decision, open, then done ------------------------------
stop_server
R=$(a review add C1001 --date 2026-03-10)
D=$(a decision add "$R" --text "Fortnightly contact with her brother" \
	--due 2026-04-30)
run a history "$D" --field status --json
is "$RC" 0 "history --field status --json exits 0"
is "$(jget "$OUT" 'map([.field, .value, .by, .state, .current, .superseded, .refusal] | map(tostring) | join(" ")) | join(",")')" \
	"status open asha.patel pending true false null" \
	"a new decision: open, pending, current"
is "$(jget "$OUT" '.[0] | keys_unsorted | join(",")')" \
	"field,value,by,device,at,state,refusal,current,superseded" \
	"each change has the documented keys"
like "$(jget "$OUT" '.[0].at')" "$time_re" "at is ISO 8601 UTC"
DEV_A=$(a status --json | jq -r .device)
is "$(jget "$OUT" '.[0].device')" "$DEV_A" "device is this device's id"

start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
check "sync" quiet a sync
stop_server
check "decision done, offline" a decision done "$D"
run a history "$D" --field status --json
is "$(jget "$OUT" 'map(.value + ":" + .state + ":" + (.current | tostring)) | join(",")')" \
	"open:synced:false,done:pending:true" \
	"open was synced; done is pending and current"
check "open comes before done" test "$(jget "$OUT" '.[0].at <= .[1].at')" = true
run a history "$D" --field status
is "$RC" 0 "history as text exits 0"
like "$(printf '%s\n' "$OUT" | sed -n 1p)" \
	"^[0-9T:-]+Z  status  open  by asha\.patel on ${DEV_A%"${DEV_A#????????}"}\$" \
	"a synced change: time, field, value, author, device"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" \
	'^[0-9T:-]+Z  status  done  by asha\.patel on [0-9a-f]{8}  pending  \(current\)$' \
	"a pending change says so, and which value is current"

start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
check "sync again" quiet a sync
run a history "$D" --field status --json
is "$(jget "$OUT" 'map(.value + ":" + .state + ":" + (.current | tostring)) | join(",")')" \
	"open:synced:false,done:synced:true" "after the sync both are synced"

# ---- another device sees the same history ------------------------------
enrol "$B" asha.patel >/dev/null || bail "cannot enrol B"
stop_server
run b history "$D" --field status --json
is "$(jget "$OUT" 'map(.value + ":" + .state + ":" + .by + ":" + .device) | join(",")')" \
	"open:synced:asha.patel:$DEV_A,done:synced:asha.patel:$DEV_A" \
	"device B shows the status history made on device A"
run b history "$D" --json
is "$(jget "$OUT" 'map(.field) | sort | unique | join(",")')" \
	"carried,child,due,review,status,text" \
	"without --field every field's changes are listed"
check "oldest first" test "$(jget "$OUT" '[.[].at] == ([.[].at] | sort)')" = true

# ---- under each decision in iro child ----------------------------------
run b child C1001
is "$RC" 0 "child exits 0"
like "$OUT" '^    status: open [0-9]{4}-[0-9]{2}-[0-9]{2}, done [0-9]{4}-[0-9]{2}-[0-9]{2}$' \
	"the decision's status history is shown under it"
check "right under the decision's row" sh -c '
	printf "%s\n" "$1" | grep -A1 "Fortnightly contact" |
	sed -n 2p | grep -q "^    status: open "' - "$OUT"
run b child C1001 --json
is "$(jget "$OUT" '.decisions[0].status_history | map(.status + ":" + .by) | join(",")')" \
	"open:asha.patel,done:asha.patel" "child --json has each decision's status_history"
like "$(jget "$OUT" '.decisions[0].status_history[1].at')" "$time_re" \
	"with the time in ISO 8601 UTC"
is "$(jget "$OUT" '.decisions[0] | [.id, .status, .text] | join(",")')" \
	"$D,done,Fortnightly contact with her brother" \
	"the decision's own fields are as before"

# ---- a child by council id; errors ------------------------------------
run b history C1001 --field child_id --json
is "$(jget "$OUT" 'map(.value + ":" + .state) | join(",")')" "C1001:synced" \
	"a child's history by council id"
run b history "$D" --field colour
is "$RC" 2 "an unknown field exits 2"
like "$ERR" "colour" "naming the field"
run b history 0123456789abcdef0123456789abcdef
is "$RC" 2 "an unknown id exits 2"
like "$ERR" "no record '0123456789abcdef0123456789abcdef'" "naming the id"
run b history
is "$RC" 2 "history without an id exits 2"

finish
