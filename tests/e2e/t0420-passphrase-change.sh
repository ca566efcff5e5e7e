#!/bin/sh
# t0420 - the passphrase: enrol refuses a weak one before contacting the
# server; `iro passphrase change` rewraps the data key and leaves every
# sealed change byte for byte as it was, refusing a weak, missing or
# unauthorised change; repeated wrong passphrases back off, refusing even
# the right one until the wait is over.
. tests/e2e/lib.sh

command -v sqlite3 >/dev/null 2>&1 || bail "no sqlite3 command"

plan 31

OLD="first passphrase of the laptop"
NEW="second passphrase, after a leak"
A="$TMP/a"
DB="$A/replica.db"
caseload "$TMP/kids.csv" 3 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)

# ---- enrol: the rule, before any contact --------------------------------
# Port 1 has no server: reaching for it would exit 4.
weak_enrol() {
	run sh -c "printf 'pw-asha.patel\n' | IRO_PASSPHRASE='$1' \
		'$IRO_BIN_DIR/iro' --home '$TMP/weak' enrol \
		--server http://127.0.0.1:1 --username asha.patel"
}
weak_enrol "short one"
is "$RC" 2 "enrol with 9 characters exits 2, never reaching the server"
like "$ERR" "at least 12 characters" "and names the rule"
weak_enrol "123456789012345"
is "$RC" 2 "enrol with only digits exits 2"
like "$ERR" "not be only digits" "and names the rule"
weak_enrol "abababababababab"
is "$RC" 2 "enrol with a repeated pattern exits 2"
weak_enrol "Asha.Patel"
is "$RC" 2 "enrol with the username as passphrase exits 2"
check "no replica or home was left by the refused enrolments" \
	test ! -e "$TMP/weak"

run env IRO_PASSPHRASE="$OLD" sh -c "printf 'pw-asha.patel\n' | \
	'$IRO_BIN_DIR/iro' --home '$A' enrol --server '$SERVER_URL' \
	--username asha.patel"
is "$RC" 0 "enrol with a strong passphrase works"
IRO_PASSPHRASE="$OLD" iro --home "$A" note add "$kid" \
	--text "the marker note survives" >/dev/null
IRO_PASSPHRASE="$OLD" iro --home "$A" sync >/dev/null
stop_server

changes() {
	sqlite3 "$DB" "SELECT hex(device), seq, hex(record), field, state, \
		hex(blob) FROM changes ORDER BY 1, 2"
}
meta() { sqlite3 "$DB" "SELECT key, hex(val) FROM meta ORDER BY key"; }
keyring() { sqlite3 "$DB" "SELECT hex(salt), hex(wrapped) FROM keyring"; }
before=$(changes)
meta_before=$(meta)
key_before=$(keyring)
check "the replica holds sealed changes" test "$(printf '%s\n' "$before" |
	wc -l)" -gt 3

# ---- passphrase change: refusals ----------------------------------------
run env IRO_PASSPHRASE="$OLD" IRO_NEW_PASSPHRASE="too weak" \
	"$IRO_BIN_DIR/iro" --home "$A" passphrase change
is "$RC" 2 "a weak new passphrase exits 2"
like "$ERR" "at least 12 characters" "and names the rule"

run env IRO_PASSPHRASE="$OLD" setsid "$IRO_BIN_DIR/iro" --home "$A" \
	passphrase change </dev/null
is "$RC" 3 "no new passphrase at all exits 3"
like "$ERR" "no new passphrase" "and says what is missing"

run env IRO_PASSPHRASE="not the passphrase" IRO_NEW_PASSPHRASE="$NEW" \
	"$IRO_BIN_DIR/iro" --home "$A" passphrase change
is "$RC" 3 "a wrong current passphrase exits 3"
is "$(keyring)" "$key_before" "and the keyring is untouched by all three"

run env IRO_PASSPHRASE="$OLD" "$IRO_BIN_DIR/iro" --home "$A" status
is "$RC" 0 "the old passphrase still opens the replica"

# ---- passphrase change ------------------------------------------------
printf '%s\nignored\n' "$NEW" >"$TMP/new"
run env IRO_PASSPHRASE="$OLD" IRO_NEW_PASSPHRASE_FILE="$TMP/new" \
	"$IRO_BIN_DIR/iro" --home "$A" passphrase change
is "$RC" 0 "passphrase change with IRO_NEW_PASSPHRASE_FILE exits 0"
is "$OUT" "passphrase changed" "and says so"
is "$(changes)" "$before" "every sealed change is byte for byte the same"
is "$(meta)" "$meta_before" "and so is every sealed meta value"
key_after=$(keyring)
check "the key is wrapped anew (fresh salt)" test "$key_after" != "$key_before"

run env IRO_PASSPHRASE="$OLD" "$IRO_BIN_DIR/iro" --home "$A" status
is "$RC" 3 "the old passphrase no longer opens the replica"
is "$ERR" "iro: cannot open replica in '$A': wrong passphrase" \
	"it is a wrong passphrase now"
run env IRO_PASSPHRASE="$NEW" "$IRO_BIN_DIR/iro" --home "$A" notes --json
is "$RC" 0 "the new one does"
like "$OUT" "the marker note survives" "and the note reads back"

# ---- backoff ------------------------------------------------------------
# IRO_CLOCK_SKEW_MS moves the clock forward so that no wait depends on
# how fast this machine is: the 3rd wrong one starts a 1 s wait, the
# 4th 2 s, ... the 7th 16 s.
wrong_at() {
	run env IRO_CLOCK_SKEW_MS="$1" IRO_PASSPHRASE="guess $1 wrong" \
		"$IRO_BIN_DIR/iro" --home "$A" status
}
right_at() {
	run env IRO_CLOCK_SKEW_MS="$1" IRO_PASSPHRASE="$NEW" \
		"$IRO_BIN_DIR/iro" --home "$A" status
}
fails=0
for at in 0 0 0 5000 10000 20000 40000; do
	wrong_at "$at"
	[ "$RC" = 3 ] && fails=$((fails + 1))
done
is "$fails" 7 "seven wrong passphrases in a row each exit 3"
right_at 40000
is "$RC" 3 "the right passphrase is refused during the 16 s wait"
like "$ERR" "7 wrong passphrases in a row: try again in 16 seconds" \
	"and the user is told how long to wait"
right_at 50000
is "$RC" 3 "still refused 10 s later"
right_at 60000
is "$RC" 0 "and accepted once the wait is over"
wrong_at 60000
wrong_at 60000
right_at 60000
is "$RC" 0 "success reset the count: two wrong ones cost no wait"

finish
