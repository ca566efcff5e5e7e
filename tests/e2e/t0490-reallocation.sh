#!/bin/sh
# t0490 - reallocation in depth.  When the server gives a child to another
# IRO, the old IRO's next sync first delivers the edits made before the
# move, then forgets the child: no record id, no byte of the sealed
# changes, no name or text is left in any file of the device's home, no
# free page and no WAL that could hold them; the other children stay
# intact.  The new IRO's device receives the child's whole record, every
# record as its author wrote it.  A sync killed with -9 in the middle of
# the backfill leaves nothing half done that the next sync does not
# finish, with no record twice.  Moving a child back and forth leaves
# each device holding exactly the records of its children, each change
# once.
. tests/e2e/lib.sh

command -v sqlite3 >/dev/null 2>&1 || bail "no sqlite3 command"

plan 66

export IRO_PASSPHRASE="reallocation in depth"
export IRO_TODAY=2026-01-15
A="$TMP/a"
B="$TMP/b"
D="$TMP/srv"
given=Zephyrine
family=Quillfeather
secret="Tangerine umbrella disclosure"
late="Marmalade lighthouse confession"
cat >"$TMP/kids.csv" <<CSV
child_id,given_name,family_name,dob,iro
C1001,$given,$family,2013-05-17,asha.patel
C1002,Ottoline,Brackenbury,2011-09-03,asha.patel
C1003,Barnaby,Thistlewood,2014-12-01,ben.okafor
CSV
new_server --team north "$D" "$TMP/kids.csv" asha.patel ben.okafor ||
	bail "cannot set up"
start_server "$D" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol A"
enrol "$B" ben.okafor >/dev/null || bail "cannot enrol B"
for d in "$A" "$B"; do
	iro --home "$d" sync >/dev/null 2>&1 || bail "first sync of $d"
done
devA=$(iro --home "$A" status --json | jq -r .device)

# peek HOME SQL: SQL on a copy of HOME's replica (with its -wal), so
# that looking neither changes nor adds a file in HOME.
peek() {
	rm -rf "$TMP/peek"
	mkdir "$TMP/peek" || return 1
	cp "$1/replica.db" "$TMP/peek/" || return 1
	if [ -f "$1/replica.db-wal" ]; then
		cp "$1/replica.db-wal" "$TMP/peek/" || return 1
	fi
	sqlite3 -readonly "$TMP/peek/replica.db" "$2"
}
# sqlset FILE: the ids in FILE (one a line) as an SQL list 'a','b'.
sqlset() { sed "s/.*/'&'/" "$1" | paste -sd, -; }
# ids_of JSON: every record id in `iro child --json` output, sorted.
ids_of() {
	printf '%s\n' "$1" | jq -r '[.. | objects | select(has("id")) |
		.id] | unique | .[]'
}
# norm JSON: a child's picture without its IRO, for comparing devices.
norm() { printf '%s\n' "$1" | jq -S -c 'del(.child.iro, .summary.iro)'; }
# stderr_lacks TEXT PATTERN DESC
stderr_lacks() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		not_ok "$3"
		diag "got: '$1'"
	else
		ok "$3"
	fi
}

# ---- 1. asha's casework on C1001, some synced, one note offline ---------
v1=$(iro --home "$A" visit add C1001 --date 2026-01-05 --note "First visit")
v2=$(iro --home "$A" visit add C1001 --date 2026-01-12 --seen-alone yes)
rv=$(iro --home "$A" review add C1001 --date 2026-01-14)
dc=$(iro --home "$A" decision add "$rv" --text "Keep contact weekly")
n1=$(iro --home "$A" note add C1001 --text "$secret")
dp=$(iro --home "$A" dispute add C1001 --category contact --date 2026-01-10)
iro --home "$A" dispute escalate "$dp" --stage team_manager \
	--date 2026-01-13 >/dev/null || bail "cannot escalate"
fl=$(iro --home "$A" flag C1001 dob --text "The date of birth looks wrong")
v3=$(iro --home "$A" visit add C1002 --date 2026-01-07 --note "Settled in")
for x in "$v1" "$v2" "$rv" "$dc" "$n1" "$dp" "$fl" "$v3"; do
	[ ${#x} -eq 32 ] || bail "cannot record asha's casework"
done
iro --home "$A" sync >/dev/null 2>&1 || bail "cannot sync asha's casework"
n2=$(iro --home "$A" note add C1001 --text "$late") ||
	bail "cannot add the offline note"
n2changes=$(iro --home "$A" history "$n2" --json | jq length)
is "$(iro --home "$A" status --json | jq .pending)" "$n2changes" \
	"the offline note waits in the outbox"

# ---- 2. what asha's device holds about C1001 ------------------------------
J1=$(iro --home "$A" child C1001 --json)
ids_of "$J1" >"$TMP/ids"
grep -q "^$n2\$" "$TMP/ids" || bail "the offline note is not in the picture"
is "$(wc -l <"$TMP/ids" | tr -d ' ')" 11 \
	"C1001's picture: the child and the 10 records asha made about it"
J2=$(iro --home "$A" child C1002 --json)
peek "$A" "SELECT lower(hex(blob)) FROM changes
	WHERE lower(hex(record)) IN ($(sqlset "$TMP/ids"))" >"$TMP/blobs"
is "$(peek "$A" "SELECT count(*) FROM changes
	WHERE lower(hex(record)) IN ($(sqlset "$TMP/ids"))")" \
	"$(wc -l <"$TMP/blobs" | tr -d ' ')" "every change about C1001 captured"
# Every 32-byte window of each sealed change, at 16-byte steps (any
# fragment of 47 bytes or more left anywhere contains one), in two sets
# of windows that do not overlap, since grep -o finds no overlapping
# matches: those at even steps and those at odd ones.
windows() { # FIRST STEP: windows from hex digit FIRST, every STEP digits
	awk -v f="$1" -v s="$2" '{
		for (i = f; i + 63 <= length($0); i += s)
			print substr($0, i, 64)
	}' "$TMP/blobs"
}
windows 1 64 >"$TMP/windows.even"
windows 33 64 >"$TMP/windows.odd"
cat "$TMP/windows.even" "$TMP/windows.odd" >"$TMP/windows"
hexof "$A" >"$TMP/before.hex"
found=0
for w in even odd; do
	n=$(grep -o -F -f "$TMP/windows.$w" "$TMP/before.hex" | sort -u |
		wc -l)
	found=$((found + n))
done
is "$found" "$(sort -u "$TMP/windows" | wc -l | tr -d ' ')" \
	"the search finds every window of the sealed changes before"
is "$(grep -o -F -f "$TMP/ids" "$TMP/before.hex" | sort -u | wc -l |
	tr -d ' ')" 11 "and every record id, as bytes"

# ---- 3. the server gives C1001 to ben; asha's sync forgets it -------------
run srv allocate --data "$D" --child C1001 --iro ben.okafor \
	--reason "caseload balance"
is "$RC" 0 "the server allocates C1001 to ben"
run iro --home "$A" sync
is "$RC" 0 "asha's sync succeeds"
like "$OUT" "^sent $n2changes, " "it sends the offline note first"
stderr_lacks "$ERR" "refused" "and none of it is refused (made before the move)"
like "$ERR" "^iro: 1 child left your caseload: every record of theirs is gone" \
	"it says one child left"
run srv show --data "$D" "$n2" --json
is "$(jget "$OUT" .fields.text)" "$late" "the server has the offline note"

diag "asha's home after: $(find "$A" -type f | sed "s|$A/||" | tr '\n' ' ')"
hexof "$A" >"$TMP/after.hex"
is "$(grep -c -F -f "$TMP/ids" "$TMP/after.hex")" 0 \
	"no file of asha's home holds a record id of C1001 (bytes)"
is "$(grep -r -a -i -c -F -f "$TMP/ids" "$A" |
	awk -F: '{ s += $NF } END { print s + 0 }')" 0 \
	"nor one as hex text"
is "$(grep -c -F -f "$TMP/windows" "$TMP/after.hex")" 0 \
	"no file holds 32 bytes of any sealed change of C1001"
is "$(grep -r -a -c -F -e "$given" -e "$family" -e C1001 -e "$secret" \
	-e "$late" "$A" | awk -F: '{ s += $NF } END { print s + 0 }')" 0 \
	"nor the names, the council id or the notes' text"
check "the -wal file is absent or empty" test ! -s "$A/replica.db-wal"
is "$(peek "$A" "PRAGMA freelist_count")" 0 \
	"the replica has no free page that could hold old bytes"
run iro --home "$A" child C1001
is "$RC" 2 "iro child C1001 answers no such child (exit 2)"
like "$ERR" "no child 'C1001'" "and says so"
run iro --home "$A" history "$n2"
is "$RC/$(printf '%s' "$ERR" | grep -c "no record '$n2'")" 2/1 \
	"iro history of the offline note answers no such record"
run iro --home "$A" child C1002 --json
is "$OUT" "$J2" "C1002's picture is intact"
run iro --home "$A" show "$v3" --json
is "$(jget "$OUT" .fields.note)" "Settled in" "and its visit is readable"

# ---- 4. ben's device receives C1001's whole record ------------------------
run iro --home "$B" sync
is "$RC" 0 "ben's sync succeeds"
like "$ERR" "^iro: 1 child joined your caseload$" "it says one child joined"
JB=$(iro --home "$B" child C1001 --json)
ids_of "$JB" >"$TMP/idsB"
check "ben holds every record asha created about C1001, offline note included" \
	cmp -s "$TMP/ids" "$TMP/idsB"
is "$(norm "$JB")" "$(norm "$J1")" "each with the same field values"
is "$(jget "$JB" '.child | [.child_id, .given_name, .family_name, .dob, .iro] |
	join(",")')" "C1001,$given,$family,2013-05-17,ben.okafor" \
	"with the imported child fields, and ben as IRO"
run iro --home "$B" history "$n2" --json
is "$(jget "$OUT" 'map(.by) | unique | join(",")')" asha.patel \
	"the offline note's history names asha as its author"
is "$(jget "$OUT" 'map(.state) | unique | join(",")')" synced \
	"and every change of it as synced"

# ---- 5. an edit pending at the move is delivered, then forgotten ----------
iro --home "$A" set "$v3" note "Settled in; edited before the move" \
	>/dev/null || bail "cannot edit C1002's visit"
run srv allocate --data "$D" --child C1002 --iro ben.okafor
is "$RC" 0 "the server allocates C1002 to ben, asha's edit still pending"
run iro --home "$A" sync
is "$RC" 0 "asha's sync succeeds"
like "$OUT" "^sent 1, " "it delivers the edit"
stderr_lacks "$ERR" "refused" "which is accepted (stamped before the move)"
like "$ERR" "1 child left your caseload" "then C1002 leaves"
is "$(iro --home "$A" children --json | jq length)" 0 \
	"asha's device holds no child now"
iro --home "$B" sync >/dev/null 2>&1
run iro --home "$B" show "$v3" --json
is "$(jget "$OUT" .fields.note)" "Settled in; edited before the move" \
	"ben sees asha's edit"

# ---- 6. a sync killed -9 in the middle of the backfill ---------------------
nv=2000
awk -v n=$nv 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "visit add C1003 --date 2025-%02d-%02d " \
		    "--seen-alone %s --note \"visit %d of ben\"\n", \
		    1 + i % 12, 1 + i % 28, i % 2 ? "yes" : "no", i
}' >"$TMP/batch"
iro --home "$B" batch <"$TMP/batch" >/dev/null || bail "cannot batch visits"
iro --home "$B" sync >/dev/null 2>&1 || bail "cannot push ben's visits"
JC=$(iro --home "$B" child C1003 --json)
is "$(jget "$JC" '.visits | length')" $nv "ben holds C1003 with $nv visits"
# asha's cursor passes ben's visits, so C1003's arrive by backfill.
iro --home "$A" sync >/dev/null 2>&1 || bail "cannot sync asha"
pulls() { # the pulls of asha's device the server has audited
	_p=$(sqlite3 -readonly -cmd ".timeout 5000" "$D/server.db" \
		"SELECT count(*) FROM audit WHERE action = 'pull' AND
		lower(hex(device)) = '$devA'" 2>/dev/null)
	echo "${_p:-0}"
}
p0=$(pulls)
srv allocate --data "$D" --child C1003 --iro asha.patel >/dev/null ||
	bail "cannot allocate C1003"
"$IRO_BIN_DIR/iro" --home "$A" sync >"$TMP/k.out" 2>"$TMP/k.err" &
kpid=$!
track "$kpid"
# The scope page, then two backfill pages: kill it there.
i=0
while [ "$(pulls)" -lt $((p0 + 3)) ] && [ $i -lt 2000 ] &&
    kill -0 "$kpid" 2>/dev/null; do
	i=$((i + 1))
done
kill -KILL "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
krc=$?
held=$(peek "$A" "SELECT count(*) FROM records WHERE type = 'visit'")
diag "killed sync: exit $krc after $(($(pulls) - p0)) pulls," \
	"$held of $nv visits stored"
if [ "$krc" -eq 137 ] && [ "$held" -gt 0 ] && [ "$held" -lt $nv ]; then
	ok "the sync was killed part-way through the backfill"
else
	ok "# skip the kill did not land inside the backfill"
fi
run iro --home "$A" sync
is "$RC" 0 "the next sync succeeds"
like "$ERR" "1 child joined your caseload" "and finishes bringing C1003 in"
JA=$(iro --home "$A" child C1003 --json)
is "$(jget "$JA" '[.visits | length, (map(.id) | unique | length)] |
	join(",")')" "$nv,$nv" "asha holds each of C1003's visits exactly once"
is "$(norm "$JA")" "$(norm "$JC")" "C1003's picture is ben's, field for field"
is "$(peek "$A" "SELECT count(*) FROM records WHERE type = 'visit'")" $nv \
	"and the replica has no visit row more"

# ---- 7. back and forth -------------------------------------------------------
# server_ids CHILD...: the server's ids of every record about the children.
server_ids() {
	srv records --data "$D" --json >"$TMP/recs.json" || return 1
	for c in "$@"; do
		jq -r --arg c "$c" '
		(map(select(.type == "child" and .fields.child_id == $c)) |
		    .[0].id) as $k |
		(map(select(.type == "dispute" and .fields.child == $k) |
		    .id)) as $d |
		.[] | select(.id == $k or .fields.child == $k or
		    (.type == "dispute_stage" and
		    (.fields.dispute as $x | $d | index($x)) != null)) |
		.id' "$TMP/recs.json"
	done | sort
}
# holds DESC HOME CHILD...: HOME holds exactly the records of CHILD... as
# the server has them, and each of their accepted changes once.
holds() {
	_desc=$1
	_home=$2
	shift 2
	server_ids "$@" >"$TMP/want"
	peek "$_home" "SELECT lower(hex(id)) FROM records ORDER BY 1" \
		>"$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then
		ok "$_desc: every record of its children, once"
	else
		not_ok "$_desc: every record of its children, once"
		diag "$(diff "$TMP/want" "$TMP/got" | head -n 20)"
	fi
	is "$(peek "$_home" "SELECT count(*) FROM changes")" \
		"$(sqlite3 -readonly "$D/server.db" "SELECT count(*) FROM log
		WHERE status = 0 AND
		lower(hex(rec)) IN ($(sqlset "$TMP/want"))")" \
		"$_desc: every change of theirs, once"
}

run iro --home "$B" sync
like "$ERR" "1 child left your caseload" "C1003 leaves ben's device"
holds "asha before the moves" "$A" C1003
holds "ben before the moves" "$B" C1001 C1002
round=0
for to in asha.patel ben.okafor asha.patel ben.okafor; do
	round=$((round + 1))
	srv allocate --data "$D" --child C1001 --iro "$to" >/dev/null ||
		bail "cannot allocate C1001 to $to"
	iro --home "$A" sync >/dev/null 2>&1 || bail "asha cannot sync"
	iro --home "$B" sync >/dev/null 2>&1 || bail "ben cannot sync"
	if [ "$to" = asha.patel ]; then
		iro --home "$A" note add C1001 --text "Round $round" \
			>/dev/null || bail "asha cannot write on C1001"
		iro --home "$A" sync >/dev/null 2>&1 || bail "asha cannot sync"
		holds "move $round, to asha: asha" "$A" C1001 C1003
		holds "move $round, to asha: ben" "$B" C1002
	else
		iro --home "$B" note add C1001 --text "Round $round" \
			>/dev/null || bail "ben cannot write on C1001"
		iro --home "$B" sync >/dev/null 2>&1 || bail "ben cannot sync"
		holds "move $round, to ben: asha" "$A" C1003
		holds "move $round, to ben: ben" "$B" C1001 C1002
	fi
done
run iro --home "$B" notes C1001 --json
is "$(jget "$OUT" '[.[].fields.text] | sort | join("|")')" \
	"$late|Round 1|Round 2|Round 3|Round 4|$secret" \
	"ben ends with every note written on C1001, by either IRO"

stop_server
is "$SERVER_RC" 0 "the server stops cleanly"

finish
