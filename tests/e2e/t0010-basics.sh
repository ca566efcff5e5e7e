#!/bin/sh
# t0010 - enrol, sync, list, record and show: the CLI contract's outputs,
# formats and exit codes (2 usage/invalid, 3 authentication, 4 unreachable).
. tests/e2e/lib.sh

plan 49

hex32='^[0-9a-f]{32}$'
iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
synced='^sent [0-9]+, received [0-9]+, conflicts [0-9]+$'
export IRO_PASSPHRASE="basic test passphrase"
A="$TMP/a"

caseload "$TMP/kids.csv" 12 asha.patel ben.okafor
# Asha's device holds Asha's caseload: the children allocated to her.
nkids=$(grep -c ',asha\.patel$' "$TMP/kids.csv")
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel ben.okafor ||
	bail "cannot set up the server"
start_server "$TMP/srv" || bail "cannot start the server"

# ---- enrol -------------------------------------------------------------
run enrol "$A" asha.patel
is "$RC" 0 "enrol exits 0"
like "$OUT" '^enrolled device [0-9a-f]{32} ' "enrol names the new device"
like "$(printf '%s\n' "$OUT" | tail -n 1)" "$synced" "enrol ends with a first sync"

run enrol "$A" asha.patel
is "$RC" 2 "enrolling into a home that has a replica exits 2"

run sh -c "printf 'wrong\n' | '$IRO_BIN_DIR/iro' --home '$TMP/b' enrol \
	--server '$SERVER_URL' --username asha.patel"
is "$RC" 3 "enrol with a wrong password exits 3"
check "a failed enrol leaves no replica" test ! -e "$TMP/b/replica.db"

# ---- status ------------------------------------------------------------
run iro --home "$A" status --json
is "$RC" 0 "status --json exits 0"
is "$(jget "$OUT" '.user')" asha.patel "status names the user"
is "$(jget "$OUT" '.server')" "$SERVER_URL" "status names the server"
like "$(jget "$OUT" '.device')" "$hex32" "status gives the device id"
is "$(jget "$OUT" '.pending')" 0 "nothing pending after enrol"
like "$(jget "$OUT" '.last_sync')" "$iso" "last_sync is ISO 8601 UTC"
is "$(jget "$OUT" '.conflicts')" 0 "no conflicts"
is "$(jget "$OUT" 'keys | sort | join(",")')" \
	conflicts,device,last_sync,pending,refused,role,server,user \
	"status --json has the contract's keys"

# ---- children ----------------------------------------------------------
run iro --home "$A" children --json
is "$RC" 0 "children --json exits 0"
kids=$OUT
is "$(jget "$kids" 'length')" "$nkids" "every imported child is listed"
is "$(jget "$kids" '[.[] | select((.id | test("^[0-9a-f]{32}$")) and
	(.child_id | length > 0) and (.given_name | length > 0) and
	(.family_name | length > 0) and
	(.dob | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")))] | length')" "$nkids" \
	"each child has id, child_id, given_name, family_name and dob"
is "$(jget "$kids" '[.[] | [.family_name, .given_name]] ==
	([.[] | [.family_name, .given_name]] | sort_by(map(ascii_downcase)))')" \
	true "children are sorted by family name, then given name"
grep ',asha\.patel$' "$TMP/kids.csv" | cut -d, -f1 | sort >"$TMP/want"
jget "$kids" '.[].child_id' | sort >"$TMP/got"
check "the council ids are those of Asha's caseload" cmp -s "$TMP/want" \
	"$TMP/got"

run iro --home "$A" children
is "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" $((nkids + 1)) \
	"plain children prints a header and one line per child"
like "$(printf '%s\n' "$OUT" | head -n 1)" '^CHILD ID +NAME +DOB' \
	"plain children has aligned column titles"

# A child allocated to asha.patel: the server refuses an IRO's writes to
# another IRO's child.
kid1=$(awk -F, '$5 == "asha.patel" { print $1; exit }' "$TMP/kids.csv")
kid1id=$(jget "$kids" "map(select(.child_id == \"$kid1\"))[0].id")
kid1name=$(jget "$kids" "map(select(.child_id == \"$kid1\"))[0].given_name")

# ---- recording offline-capable edits ----------------------------------
run iro --home "$A" visit add "$kid1" --date 2026-01-10 --seen-alone yes \
	--note "Played football; talked about school."
is "$RC" 0 "visit add by council id exits 0"
like "$OUT" "$hex32" "visit add prints only the new id"
v1=$OUT

run iro --home "$A" visit add "$kid1id" --date 2026-01-12
like "$OUT" "$hex32" "visit add by record id prints the new id"
v2=$OUT

run iro --home "$A" note add "$kid1" --text "Asked for more contact with gran."
like "$OUT" "$hex32" "note add prints only the new id"
n1=$OUT

run iro --home "$A" show "$v1" --json
is "$(jget "$OUT" '[.id, .type, .fields.child, .fields.date,
	.fields.seen_alone, .fields.note] | map(tostring) | join("|")')" \
	"$v1|visit|$kid1id|2026-01-10|true|Played football; talked about school." \
	"show --json gives id, type and typed fields"
run iro --home "$A" show "$n1" --json
is "$(jget "$OUT" '.fields.status')" draft "a new note is a draft"

check "set changes one field" iro --home "$A" set "$n1" text "Wants more contact."
run iro --home "$A" show "$n1"
like "$OUT" '^text +Wants more contact\.$' "plain show prints the field"

check "unset clears a field" iro --home "$A" unset "$v1" note
run iro --home "$A" show "$v1" --json
is "$(jget "$OUT" '.fields.note')" null "a cleared field reads as null"

run iro --home "$A" visit add "$kid1" --date 2026-02-30
is "$RC" 2 "an impossible date exits 2"
like "$ERR" "date.*2026-02-30" "the message names the field and the value"

run iro --home "$A" visit add "$kid1" --date 2026-01-10 --seen-alone perhaps
is "$RC" 2 "seen-alone other than yes/no exits 2"
like "$ERR" "perhaps" "the message names the bad value"

run iro --home "$A" visit add NOSUCHCHILD --date 2026-01-10
is "$RC" 2 "an unknown child exits 2"

run iro --home "$A" frobnicate
is "$RC" 2 "an unknown command exits 2"
run iro --home "$A" set "$v1" date
is "$RC" 2 "a missing argument exits 2"

run iro --home "$TMP/nothing" status
is "$RC" 2 "status without a replica exits 2"
like "$ERR" "no replica in '$TMP/nothing': run iro enrol" \
	"and says to enrol"

run iro --home "$A" visits "$kid1" --json
is "$(jget "$OUT" 'map(.id) | sort | join(",")')" \
	"$(printf '%s\n' "$v1" "$v2" | sort | paste -sd, -)" \
	"visits CHILD lists that child's visits"

check "delete with a reason" iro --home "$A" delete "$v2" --reason "duplicate"
run iro --home "$A" visits --json
is "$(jget "$OUT" 'map(.id) | join(",")')" "$v1" "a deleted visit is not listed"

# ---- sync --------------------------------------------------------------
pending=$(jget "$(iro --home "$A" status --json)" '.pending')
run iro --home "$A" sync
is "$OUT" "sent $pending, received 0, conflicts 0" \
	"sync sends every pending change and says so"
run env IRO_HOME="$A" "$IRO_BIN_DIR/iro" sync --json
is "$(jget "$OUT" '[keys[] | select(IN("bytes_received", "bytes_sent",
	"conflicts", "pending", "received", "refused", "requests", "seconds",
	"sent"))] | sort | join(",")')" \
	bytes_received,bytes_sent,conflicts,pending,received,refused,requests,seconds,sent \
	"sync --json has the contract's keys (IRO_HOME is honoured)"
run srv show --data "$TMP/srv" "$n1" --json
is "$(jget "$OUT" '.fields.text')" "Wants more contact." \
	"the server has the edited note"

# ---- offline -----------------------------------------------------------
stop_server
is "$SERVER_RC" 0 "the server exits 0 on SIGTERM"
iro --home "$A" visit add "$kid1" --date 2026-01-14 >/dev/null
run iro --home "$A" sync
is "$RC" 4 "sync with the server down exits 4"
like "$ERR" "server unreachable: [1-9][0-9]* changes stay pending" \
	"and says how many changes stay pending"

finish
