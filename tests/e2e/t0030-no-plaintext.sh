#!/bin/sh
# t0030 - no case content in plaintext under the client's home: a marker
# written into a note and a visit note, a child's name and date of birth
# are found by no grep (binary files included), while the replica is
# open (WAL and journals), after a kill -9, and after a clean close.
. tests/e2e/lib.sh

plan 12

export IRO_PASSPHRASE="marker test passphrase"
A="$TMP/a"
marker="QzMarker$$x$(date +%s)"
given="Zebedyah"
family="Quillfeatherby"
dob="2011-04-27"

caseload "$TMP/kids.csv" 4 asha.patel
printf 'C990001,%s,%s,%s,asha.patel\n' "$given" "$family" "$dob" \
	>>"$TMP/kids.csv"
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"

# nothing_under DIR DESC: none of the secrets appear in any file of DIR.
nothing_under() {
	if grep -r -a -l -F -e "$marker" -e "$given" -e "$family" -e "$dob" \
		"$1" >"$TMP/found" 2>/dev/null; then
		not_ok "$2"
		diag "found in: $(cat "$TMP/found")"
	else
		ok "$2"
	fi
}

check "the child reached the device" \
	sh -c "'$IRO_BIN_DIR/iro' --home '$A' children --json | grep -q '$family'"
nothing_under "$A" "after the first sync nothing is in plaintext"

# Keep one batch process open (the replica unlocked, its WAL live) while
# it writes and syncs; look at the files before it closes.
# The output file exists before the batch starts: opening the FIFO for
# reading blocks until a writer appears, so the batch's own redirection
# may come after the first look at its output.
mkfifo "$TMP/cmds"
: >"$TMP/batch.out"
"$IRO_BIN_DIR/iro" --home "$A" batch >"$TMP/batch.out" \
	2>"$TMP/batch.err" <"$TMP/cmds" &
bpid=$!
track "$bpid"
exec 3>"$TMP/cmds"
printf 'note add C990001 --text "%s said: %s %s wants to stay"\n' \
	"$marker" "$given" "$family" >&3
printf 'visit add C990001 --date 2026-01-03 --note "%s visit; %s"\n' \
	"$marker" "$given" >&3
printf 'sync\n' >&3
i=0
while [ "$(wc -l <"$TMP/batch.out")" -lt 3 ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
is "$(wc -l <"$TMP/batch.out" | tr -d ' ')" 3 \
	"the open batch recorded a note and a visit and synced"
like "$(tail -n 1 "$TMP/batch.out")" '^sent [1-9][0-9]*, received 0' \
	"the sync sent the new changes"
ls -la "$A" | sed 's/^/# /'
nothing_under "$A" "while the replica is open (WAL included) nothing is in plaintext"

# Write more and kill -9 mid-session: whatever journal is left behind
# must be sealed too.
printf 'note add C990001 --text "second %s note"\n' "$marker" >&3
i=0
while [ "$(wc -l <"$TMP/batch.out")" -lt 4 ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL "$bpid" 2>/dev/null
wait "$bpid" 2>/dev/null
exec 3>&-
nothing_under "$A" "after kill -9 of an open session nothing is in plaintext"

run iro --home "$A" notes --json
is "$(jget "$OUT" "[.[] | select(.fields.text | contains(\"$marker\"))] | length")" 2 \
	"both notes survived the kill -9, readable with the passphrase"
like "$(jget "$OUT" '.[0].fields.text')" "$marker" \
	"the text decrypts to what was written"
nothing_under "$A" "after a clean close nothing is in plaintext"

run srv show --data "$TMP/srv" "$(head -n 1 "$TMP/batch.out")" --json
like "$(jget "$OUT" .fields.text)" "$marker" "the server has the note"

is "$(stat -c %a "$A")" 700 "the home directory is private (0700)"
bad=$(find "$A" -type f -perm /077 | wc -l | tr -d ' ')
is "$bad" 0 "no file in the home is readable by others"

finish
