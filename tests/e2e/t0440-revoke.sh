#!/bin/sh
# t0440 - revocation: a revoked device's next sync is refused with
# "revoked", it crypto-erases its replica (the wrapped data key is
# overwritten, deleted and flushed out of the -wal file) and exits 3; the
# right passphrase no longer opens it; another device of the same user
# still syncs; nobody but the device itself can learn it was revoked.
. tests/e2e/lib.sh

plan 12

A="$TMP/a"
B="$TMP/b"
caseload "$TMP/kids.csv" 2 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
export IRO_PASSPHRASE="the right one"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol A"
enrol "$B" asha.patel >/dev/null || bail "cannot enrol B"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)
mark="revocation-marker-$$"
iro --home "$A" note add "$kid" --text "$mark" >/dev/null ||
	bail "cannot add a note"
iro --home "$A" sync >/dev/null || bail "cannot sync A"
devA=$(iro --home "$A" status --json | jq -r .device)
wrapped=$(sqlite3 "$A/replica.db" "SELECT hex(wrapped) FROM keyring")
check "the replica holds a wrapped key before" test -n "$wrapped"

srv device revoke --data "$TMP/srv" "$devA" >/dev/null

# An unsigned request naming the device learns nothing about it.
run curl -s -X POST -H "X-Iro-Device: $devA" --data-binary x \
	"$SERVER_URL/v1/pull"
check "an unsigned request for the device is not told it was revoked" \
	sh -c "! printf '%s' '$OUT' | grep -q revoked"

run iro --home "$A" sync
is "$RC" 3 "the revoked device's sync exits 3"
like "$ERR" "revoked by the server: its replica has been erased" \
	"and says why"

run iro --home "$A" status
is "$RC" 3 "the right passphrase no longer opens it"
like "$ERR" "revoked by the server: its replica has been erased" \
	"and it says the same"
is "$(sqlite3 "$A/replica.db" "SELECT count(*) FROM keyring")" 0 \
	"the keyring is empty"

lower=$(printf '%s' "$wrapped" | tr 'A-F' 'a-f')
wrappedB=$(sqlite3 "$B/replica.db" "SELECT lower(hex(wrapped)) FROM keyring")
check "the search finds a wrapped key where there is one" \
	sh -c "printf '%s' '$(hexof "$B")' | grep -q '$wrappedB'"
check "the wrapped key's bytes are in no replica file" \
	sh -c "! printf '%s' '$(hexof "$A")' | grep -q '$lower'"
check "no replica file holds the note text" \
	sh -c "! grep -rqa '$mark' '$A'"

run iro --home "$B" sync
is "$RC" 0 "another device of the same user still syncs"
run iro --home "$B" status
is "$RC" 0 "and still opens"

finish
