#!/bin/sh
# t0410 - the audit log: after a push by one device and a pull by
# another, `iro-server audit --child` answers who changed and who received
# the child's records (its own, a note, a dispute and the dispute's stage)
# and who imported it (the command line, by Unix user), and leaves out
# what concerns other children; refusals are recorded with the address;
# the filters hold; and the database itself refuses UPDATE and DELETE of
# audit rows.
. tests/e2e/lib.sh

command -v sqlite3 >/dev/null 2>&1 || bail "no sqlite3 command"

plan 24

A="$TMP/a"
B="$TMP/b"
export IRO_PASSPHRASE="correct horse battery"
caseload "$TMP/kids.csv" 2 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol A"
enrol "$B" asha.patel >/dev/null || bail "cannot enrol B"
devA=$(iro --home "$A" status --json | jq -r .device)
devB=$(iro --home "$B" status --json | jq -r .device)
kid1=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)
kid2=$(sed -n 3p "$TMP/kids.csv" | cut -d, -f1)

iro --home "$A" sync >/dev/null || bail "cannot sync A"
iro --home "$B" sync >/dev/null || bail "cannot sync B"
note=$(iro --home "$A" note add "$kid1" --text "Wants to see gran.") ||
	bail "cannot add a note"
disp=$(iro --home "$A" dispute add "$kid1" --category contact) ||
	bail "cannot add a dispute"
stage=$(iro --home "$A" dispute escalate "$disp" --stage team_manager) ||
	bail "cannot escalate"
run iro --home "$A" sync
is "$RC" 0 "device A pushes the child's new records"
run iro --home "$B" sync
is "$RC" 0 "device B pulls them"

kid1rec=$(srv show --data "$TMP/srv" "$kid1" --json | jq -r .id)
run srv audit --data "$TMP/srv" --child "$kid1" --json
is "$RC" 0 "audit --child runs"
J=$OUT
is "$(jget "$J" "[.[] | select(.action == \"push\" and .device == \"$devA\")
	| .records[] | select(. == \"$note\" or . == \"$disp\" or
	. == \"$stage\")] | length")" 3 \
	"it names A's push with the note, the dispute and its stage"
is "$(jget "$J" "[.[] | select(.action == \"pull\" and .device == \"$devB\")
	| .records[] | select(. == \"$note\" or . == \"$stage\")] | length")" 2 \
	"it names B's pull of the note and the dispute's stage"
is "$(jget "$J" "[.[] | select(.action == \"pull\" and .device == \"$devA\")
	| .records[] | select(. == \"$kid1rec\")] | length")" 1 \
	"and A's first pull, which brought the child's own record"
# The devices' entries; the command line's own (the import) have no
# account, device or address.
is "$(jget "$J" '[.[] | select(.device != null) | .user] | unique |
	join(",")')" "asha.patel" "every entry of a device names the user"
is "$(jget "$J" '[.[] | select(.device != null) |
	select(.address != "127.0.0.1")] | length')" 0 "and the address"
me=$(id -un 2>/dev/null || id -u)
is "$(jget "$J" "[.[] | select(.action == \"import\" and .user == null and
	.device == null and .address == null and (.detail | test(
	\"^imported '.*/kids[.]csv': .*; by unix user '$me'\$\")))] | length")" 1 \
	"the import is audited too, by Unix user, with no account or address"
is "$(jget "$J" '[.[] | select(.action == "enrol")] | length')" 0 \
	"enrolments concern no child's record"

run srv audit --data "$TMP/srv" --child "$kid1rec" --json
is "$OUT" "$J" "the child's record id answers as the council id does"

run srv audit --data "$TMP/srv" --child "$kid2" --json
is "$(jget "$OUT" '[.[] | select(.action == "push")] | length')" 0 \
	"another child's audit has no push: none of its records came in"
is "$(jget "$OUT" "[.[] | .records[] | select(. == \"$note\")] | length")" 0 \
	"and no mention of the first child's note"
check "but it has the pulls that sent its record out" \
	test "$(jget "$OUT" '[.[] | select(.action == "pull")] | length')" -ge 2

run srv audit --data "$TMP/srv" --child C9999999
is "$RC" 2 "an unknown child exits 2"

run srv audit --data "$TMP/srv" --child "$kid1"
like "$OUT" "^20[0-9-]+T[0-9:]+Z  push  asha\.patel  device ${devA%????????????????????????}\.\.  from 127\.0\.0\.1  in: [0-9]+ changes to [0-9]+ records" \
	"the text line says when, what, who, which device, where and what came in"

# A refused request is audited with its reason and address.
srv device revoke --data "$TMP/srv" "$devB" >/dev/null
run iro --home "$B" sync
is "$RC" 3 "the revoked device is refused"
run srv audit --data "$TMP/srv" --user asha.patel --json
is "$(jget "$OUT" "[.[] | select(.action == \"refused\" and
	.device == \"$devB\" and .address == \"127.0.0.1\" and
	(.detail | test(\"revoked\")))] | length > 0")" true \
	"the refusal is in the audit with the reason and address"
is "$(jget "$OUT" "[.[] | select(.action == \"device_revoke\" and
	.device == \"$devB\")] | length")" 1 "and so is the revocation"

run srv audit --data "$TMP/srv" --since 2099-01-01 --json
is "$OUT" "[]" "--since a future date gives nothing"
run srv audit --data "$TMP/srv" --since yesterday
is "$RC" 2 "a --since that is not a date exits 2"

# Nothing can rewrite the audit, not even the database's own CLI.
db="$TMP/srv/server.db"
n=$(sqlite3 "$db" "SELECT count(*) FROM audit")
run sqlite3 "$db" "UPDATE audit SET detail = 'nothing happened'"
like "$ERR" "append-only" "sqlite3 cannot UPDATE an audit row"
run sqlite3 "$db" "DELETE FROM audit; DELETE FROM audit_records"
like "$ERR" "append-only" "sqlite3 cannot DELETE audit rows"
is "$(sqlite3 "$db" "SELECT count(*) FROM audit
	WHERE detail = 'nothing happened'")/$(sqlite3 "$db" \
	"SELECT count(*) FROM audit")" "0/$n" "every entry is still there, unchanged"

finish
