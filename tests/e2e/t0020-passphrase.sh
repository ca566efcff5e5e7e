#!/bin/sh
# t0020 - the passphrase: a wrong one exits 3 with a clear message, a
# missing one (no variable, no file, no terminal) exits 3, and the file
# named by IRO_PASSPHRASE_FILE is read (first line only).
. tests/e2e/lib.sh

plan 13

A="$TMP/a"
caseload "$TMP/kids.csv" 3 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
IRO_PASSPHRASE="the right one" enrol "$A" asha.patel >/dev/null ||
	bail "cannot enrol"
stop_server

run env IRO_PASSPHRASE="the wrong one" "$IRO_BIN_DIR/iro" --home "$A" status
is "$RC" 3 "a wrong passphrase exits 3"
is "$ERR" "iro: cannot open replica in '$A': wrong passphrase" \
	"and says so plainly"
is "$OUT" "" "and prints nothing on stdout"

# No variable, no file, and no terminal: setsid leaves no controlling tty.
run setsid "$IRO_BIN_DIR/iro" --home "$A" status </dev/null
is "$RC" 3 "no passphrase at all exits 3"
like "$ERR" "no passphrase" "and says what is missing"

printf 'the right one\nsecond line ignored\n' >"$TMP/pass"
run env IRO_PASSPHRASE_FILE="$TMP/pass" "$IRO_BIN_DIR/iro" --home "$A" \
	status --json
is "$RC" 0 "IRO_PASSPHRASE_FILE's first line opens the replica"
is "$(jget "$OUT" .user)" asha.patel "and status works"

printf 'the wrong one\n' >"$TMP/bad"
run env IRO_PASSPHRASE_FILE="$TMP/bad" "$IRO_BIN_DIR/iro" --home "$A" status
is "$RC" 3 "a wrong passphrase from the file exits 3"

run env IRO_PASSPHRASE_FILE="$TMP/missing" setsid "$IRO_BIN_DIR/iro" \
	--home "$A" status </dev/null
is "$RC" 3 "an unreadable passphrase file exits 3"

run env IRO_PASSPHRASE="the right one" IRO_PASSPHRASE_FILE="$TMP/bad" \
	"$IRO_BIN_DIR/iro" --home "$A" status
is "$RC" 0 "IRO_PASSPHRASE wins over IRO_PASSPHRASE_FILE"

# A batch unlocks once: a wrong passphrase stops it at its first command.
run sh -c "printf 'status\nchildren\n' | IRO_PASSPHRASE=nope \
	'$IRO_BIN_DIR/iro' --home '$A' batch"
is "$RC" 3 "batch with a wrong passphrase exits 3"

# A device the server has revoked is refused: exit 3, and it erases its
# replica (t0440 tries to get anything back).
start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
export IRO_PASSPHRASE="the right one"
dev=$(iro --home "$A" status --json | jq -r .device)
srv device revoke --data "$TMP/srv" "$dev" >/dev/null
iro --home "$A" note add "$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)" \
	--text "written after revocation" >/dev/null
run iro --home "$A" sync
is "$RC" 3 "a revoked device's sync exits 3"
like "$ERR" "revoked by the server: its replica has been erased" \
	"and says it erased the replica"

finish
