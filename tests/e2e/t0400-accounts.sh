#!/bin/sh
# t0400 - accounts: a disabled user's devices are refused (sync exits 3)
# and so is their enrolment, until the account is enabled again; a reset
# password makes the old one fail at enrol; repeated failed enrolments
# throttle the account, so even the right password is refused, and a
# restart does not lift it; the listings show the state.
. tests/e2e/lib.sh

plan 25

A="$TMP/a"
export IRO_PASSPHRASE="correct horse battery"
caseload "$TMP/kids.csv" 3 asha.patel ben.jones
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel ben.jones ||
	bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"
# A child of asha's: her device holds only her own caseload.
child=$(awk -F, '$5 == "asha.patel" { print $1; exit }' "$TMP/kids.csv")
[ -n "$child" ] || bail "no child of asha.patel in the caseload"

run iro --home "$A" sync
is "$RC" 0 "an enabled user's device syncs"

# ---- disable ----
run srv user disable --data "$TMP/srv" asha.patel
is "$RC" 0 "user disable succeeds"
run srv user list --data "$TMP/srv" --json
is "$(jget "$OUT" '.[] | select(.username == "asha.patel") | .disabled')" \
	true "user list --json shows the account disabled"
is "$(jget "$OUT" '.[] | select(.username == "ben.jones") | .disabled')" \
	false "and the other account enabled"

iro --home "$A" note add "$child" --text "written while disabled" \
	>/dev/null || bail "cannot add a note"
run iro --home "$A" sync
is "$RC" 3 "a disabled user's device cannot sync (exit 3)"
like "$ERR" "disabled" "and is told the account is disabled"
like "$ERR" "[1-9][0-9]* changes stay pending" "its changes stay pending"

run enrol "$TMP/a2" asha.patel
is "$RC" 3 "a disabled user cannot enrol a new device, right password or not"

run srv user disable --data "$TMP/srv" nobody
is "$RC" 2 "disabling an unknown user exits 2"

# ---- enable ----
run srv user enable --data "$TMP/srv" asha.patel
is "$RC" 0 "user enable succeeds"
run iro --home "$A" sync
is "$RC" 0 "once enabled, the same device syncs again"
run iro --home "$A" status --json
is "$(jget "$OUT" .pending)" 0 "and the change written meanwhile is sent"

# ---- password reset ----
run sh -c "printf 'a brand new secret\n' | '$IRO_BIN_DIR/iro-server' \
	user password --data '$TMP/srv' asha.patel"
is "$RC" 0 "user password resets the password from stdin"
run enrol "$TMP/a3" asha.patel
is "$RC" 3 "the old password fails at enrol after a reset"
run sh -c "printf 'a brand new secret\n' | '$IRO_BIN_DIR/iro' --home \
	'$TMP/a4' enrol --server '$SERVER_URL' --username asha.patel"
is "$RC" 0 "the new password enrols"
run sh -c "printf 'x\n' | '$IRO_BIN_DIR/iro-server' user password \
	--data '$TMP/srv' nobody"
is "$RC" 2 "resetting an unknown user's password exits 2"

# ---- throttling ----
i=0
while [ $i -lt 6 ]; do
	printf 'not-the-password-%s\n' $i | iro --home "$TMP/b$i" enrol \
		--server "$SERVER_URL" --username ben.jones >/dev/null 2>&1
	i=$((i + 1))
done
run enrol "$TMP/b" ben.jones
is "$RC" 3 "after 6 wrong passwords the right one is refused (exit 3)"
like "$ERR" "too many failed logins" "and the refusal says why"
like "$ERR" "\\(rate_limited\\)" "as throttled (429 rate_limited), not as wrong"

stop_server
start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
run enrol "$TMP/b" ben.jones
check "a restart does not lift the throttle" test "$RC" -ne 0
like "$ERR" "\\(rate_limited\\)" "the refusal is still the throttle's"

# Another account from the same address is not throttled by ben's
# failures (they are under the address limit).
run sh -c "printf 'a brand new secret\n' | '$IRO_BIN_DIR/iro' --home \
	'$TMP/a5' enrol --server '$SERVER_URL' --username asha.patel"
is "$RC" 0 "another account still enrols from the same address"

run srv audit --data "$TMP/srv" --user ben.jones --json
# Five failures reach the limit: the sixth wrong password, the right one
# and the one after the restart were all refused unchecked.
is "$(jget "$OUT" '[.[] | select(.action == "enrol_failed")] | length')" 5 \
	"the audit holds each failed enrolment"
is "$(jget "$OUT" '[.[] | select(.action == "refused") |
	select(.detail | test("rate_limited")) |
	select(.address == "127.0.0.1")] | length')" 3 \
	"and each throttled attempt, with the address"

# ---- device list ----
run srv device list --data "$TMP/srv" --json
is "$(jget "$OUT" '.[0] | keys_unsorted | join(",")')" \
	"id,user,name,enrolled,last_sync,pending,revoked" \
	"device list --json has exactly the contract's keys"

finish
