#!/bin/sh
# t0080 - iro batch: shell-style quoting, comments and blank lines,
# outputs in order, one unlock, and a stop at the first failing command
# with that command's exit code and a message naming the line.
. tests/e2e/lib.sh

plan 19

export IRO_PASSPHRASE="batch of commands"
A="$TMP/a"
caseload "$TMP/kids.csv" 3 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)

cat >"$TMP/quoting" <<EOF
# a comment, then a blank line

note add $kid --text 'single quotes keep "this" and \\ as they are'
note add $kid --text "double quotes: \\"quoted\\", a backslash \\\\ and a tab\\tend"
  # an indented comment
note add $kid --text plain\\ words\\ joined
note add $kid --text "first line
second line"
visit add $kid --date 2026-01-11 --seen-alone no --note ''
EOF
run iro --home "$A" batch <"$TMP/quoting"
is "$RC" 0 "a batch of quoted commands exits 0"
is "$(printf '%s\n' "$OUT" | grep -Ec '^[0-9a-f]{32}$')" 5 \
	"one id per command, and nothing else"
set -- $(printf '%s\n' "$OUT")
text() { iro --home "$A" show "$1" --json | jq -r .fields.text; }
is "$(text "$1")" 'single quotes keep "this" and \ as they are' \
	"single quotes are literal"
is "$(text "$2")" "$(printf 'double quotes: "quoted", a backslash \\ and a tab\tend')" \
	"double quotes take backslash escapes"
is "$(text "$3")" "plain words joined" "a backslash escapes a space"
is "$(text "$4")" "$(printf 'first line\nsecond line')" \
	"a quoted word may span lines"
is "$(iro --home "$A" show "$5" --json | jq -c '[.type, .fields.note]')" \
	'["visit",""]' "outputs are in input order; '' is an empty word"

notes_before=$(iro --home "$A" notes --json | jq length)
printf '%s\n' "note add $kid --text one" "" \
	"visit add $kid --date 2026-13-01" "note add $kid --text three" \
	>"$TMP/in"
run iro --home "$A" batch <"$TMP/in"
is "$RC" 2 "a failing command stops the batch with its exit code"
is "$(printf '%s\n' "$OUT" | grep -c .)" 1 \
	"the output of the commands before it is printed"
like "$ERR" '^iro: line 3: ' "the message names the failing line"
like "$ERR" '2026-13-01' "and the problem"
is "$(iro --home "$A" notes --json | jq length)" $((notes_before + 1)) \
	"no command after the failing one ran"

printf 'show 00000000000000000000000000000000\n' >"$TMP/in"
run iro --home "$A" batch <"$TMP/in"
is "$RC" 2 "an unknown record exits 2 from batch"

printf 'status --json\nenrol --server http://127.0.0.1:1 --username x\n' \
	>"$TMP/in"
run iro --home "$A" batch <"$TMP/in"
is "$RC" 2 "enrol is refused inside batch"

printf 'note add %s --text "never closed\n' "$kid" >"$TMP/in"
run iro --home "$A" batch <"$TMP/in"
is "$RC" 2 "an unterminated quote exits 2"
like "$ERR" 'line 1: unterminated' "naming the line"

stop_server
printf '%s\n' "visit add $kid --date 2026-01-12" sync "status" >"$TMP/in"
run iro --home "$A" batch <"$TMP/in"
is "$RC" 4 "an unreachable server stops the batch with exit 4"
is "$(printf '%s\n' "$OUT" | grep -c .)" 1 "after the visit's id"
like "$ERR" 'line 2: server unreachable' "at the sync's line"

finish
