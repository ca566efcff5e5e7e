#!/bin/sh
# t0090 - a final note cannot change: an edit made offline on another
# device is kept and surfaced as a conflict on both devices, never
# applied.  Then bad input over HTTP: unsigned, garbage, oversize, wrong
# method or path - each answered with a 4xx, nothing written, and the
# server keeps serving.
. tests/e2e/lib.sh

plan 20

export IRO_PASSPHRASE="final notes stay final"
A="$TMP/a"
B="$TMP/b"
caseload "$TMP/kids.csv" 3 ben.okafor
new_server "$TMP/srv" "$TMP/kids.csv" ben.okafor || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" ben.okafor >/dev/null || bail "cannot enrol A"
enrol "$B" ben.okafor >/dev/null || bail "cannot enrol B"
kid=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)
orig="Review held; child spoke for themself."

n=$(iro --home "$A" note add "$kid" --text "$orig")
iro --home "$A" sync >/dev/null
iro --home "$B" sync >/dev/null

check "A finalises the note" iro --home "$A" note finalise "$n"
run iro --home "$A" set "$n" text "too late"
is "$RC" 2 "A itself cannot edit a final note's text"
like "$ERR" "final" "and is told why"
check "B, not yet knowing, edits the text" \
	iro --home "$B" set "$n" text "Edited after the fact."

iro --home "$A" sync >/dev/null
iro --home "$B" sync >/dev/null
iro --home "$A" sync >/dev/null
for d in A B; do
	eval "home=\$$d"
	run iro --home "$home" show "$n" --json
	is "$(jget "$OUT" '[.fields.status, .fields.text] | join("|")')" \
		"final|$orig" "on $d the note is final and its text unchanged"
	run iro --home "$home" conflicts --json
	is "$(jget "$OUT" "[.[] | select(.record == \"$n\" and .field == \"text\")] | length")" \
		1 "on $d the refused edit is an open conflict"
	is "$(jget "$OUT" '[.[0].values[] | select(.value == "Edited after the fact.")] | length')" \
		1 "on $d the conflict keeps the refused text"
done
run srv show --data "$TMP/srv" "$n" --json
is "$(jget "$OUT" .fields.text)" "$orig" "the server's note is unchanged too"

# ---- bad input over HTTP ----------------------------------------------
before=$(srv stats --data "$TMP/srv" --json | jq -c .)
code() { # METHOD PATH [curl args...]
	_m=$1
	_p=$2
	shift 2
	curl -s -o "$TMP/body" -w '%{http_code}' --max-time 20 -X "$_m" \
		-H 'Content-Type: application/msgpack' "$@" "$SERVER_URL$_p"
}
printf 'garbage, not msgpack' >"$TMP/garbage"
is "$(code POST /v1/push --data-binary @"$TMP/garbage")" 401 \
	"an unsigned push with a garbage body is 401"
is "$(code POST /v1/push --data-binary @"$TMP/garbage" \
	-H "X-Iro-Device: $(iro --home "$A" status --json | jq -r .device)" \
	-H "X-Iro-Time: $(date +%s)000" \
	-H 'X-Iro-Nonce: 00112233445566778899aabbccddeeff' \
	-H "X-Iro-Signature: $(printf '%0128d' 0)")" 401 \
	"a push with a forged signature is 401"
is "$(code POST /v1/enrol --data-binary @"$TMP/garbage")" 400 \
	"a garbage enrolment is 400"
# A map declaring 2^32 - 1 entries in 5 bytes must be refused, not allocated.
printf '\337\377\377\377\377' >"$TMP/huge"
like "$(code POST /v1/enrol --data-binary @"$TMP/huge")" '^(400|413)$' \
	"a message declaring 2^32 entries is refused (400 or 413)"
head -c 9437184 /dev/zero >"$TMP/big"
is "$(code POST /v1/enrol --data-binary @"$TMP/big")" 413 \
	"a 9 MiB body is 413"
is "$(code GET /v1/pull)" 405 "GET is 405"
is "$(code POST /v1/nowhere --data-binary @"$TMP/garbage")" 404 \
	"an unknown path is 404"

is "$(srv stats --data "$TMP/srv" --json | jq -c .)" "$before" \
	"nothing was written by any of them"
kid2=$(sed -n 3p "$TMP/kids.csv" | cut -d, -f1)
iro --home "$A" visit add "$kid2" --date 2026-01-13 >/dev/null
run iro --home "$A" sync
like "$OUT" '^sent [1-9]' "the server keeps serving"

finish
