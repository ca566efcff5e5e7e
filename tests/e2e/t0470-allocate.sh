#!/bin/sh
# t0470-allocate: `iro-server allocate` gives a child to another IRO (by
# council id or record id, with a reason), writes nothing when the child
# is already theirs, and refuses an unknown child, an unknown or disabled
# user, a manager or an admin, and a bad --reason, writing nothing; the
# change and its audit entry land together or not at all.  And the
# command line's reads and writes of case content and configuration
# (import, import-903, show, records, export, config set, holidays, init
# --council) are in the audit log, so that `audit --child` answers who
# imported, allocated, showed and exported the child.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || bail "no sqlite3 command"

plan 84

x=$top/tests/data/ssda903
data=$TMP/data
db=$data/server.db
me=$(id -un 2>/dev/null || id -u)

field() { # CHILD FIELD: the child's current value (null when none)
	srv show --data "$data" "$1" --json | jq -c ".fields.$2"
}
# The number of audit entries and of changes: what a refusal leaves alone.
counts() {
	printf '%s/%s' "$(sqlite3 "$db" "SELECT count(*) FROM audit")" \
		"$(srv stats --data "$data" --json | jq .changes)"
}
# entries ACTION [CHILD]: the JSON of the audit entries of ACTION (about
# CHILD when given).
entries() {
	srv audit --data "$data" ${2:+--child "$2"} --json |
		jq -c "[.[] | select(.action == \"$1\")]"
}

run srv init --data "$data" --council E10000099
is "$RC" 0 "init --council"
for u in alice bob dora; do
	printf 'pw-%s\n' "$u" | srv user add --data "$data" --username "$u" \
		--role iro >/dev/null || bail "cannot add $u"
done
printf 'pw-mike\n' | srv user add --data "$data" --username mike \
	--role manager >/dev/null || bail "cannot add mike"
printf 'pw-ada\n' | srv user add --data "$data" --username ada \
	--role admin >/dev/null || bail "cannot add ada"
srv user disable --data "$data" dora >/dev/null || bail "cannot disable dora"
run srv import-903 --data "$data" --header "$x/header.csv" \
	--episodes "$x/episodes.csv" --reviews "$x/reviews.csv" \
	--allocations "$x/allocations.csv"
is "$RC" 0 "the sample extract imports"
c1=$(srv show --data "$data" C1001 --json | jq -r .id)
c5=$(srv show --data "$data" C1005 --json | jq -r .id)
[ ${#c1} -eq 32 ] && [ ${#c5} -eq 32 ] || bail "no child record ids"

# ---- allocate --------------------------------------------------------

run srv allocate --data "$data" --child C1001 --iro bob \
	--reason "alice is on leave until March"
is "$RC/$OUT" "0/allocated child C1001 to bob (was alice)" \
	"allocate moves the child and says from whom"
is "$(field C1001 iro)" '"bob"' "show has the new IRO"
J=$(entries allocate C1001)
is "$(jget "$J" 'length')" 1 "the allocation is audited once"
is "$(jget "$J" '.[0].detail')" \
	"child 'C1001' from 'alice' to 'bob': alice is on leave until March; by unix user '$me'" \
	"the entry names the child, both IROs, the reason and the Unix user"
is "$(jget "$J" '[.[0].user, .[0].device, .[0].address] | map(tostring) | join(",")')" \
	"null,null,null" "the command line has no account, device or address"
is "$(jget "$J" '.[0].records | join(",")')" "$c1" \
	"the entry concerns the child's record"
is "$(srv records --data "$data" --type child --json | jq -r \
	".[] | select(.id == \"$c1\") | .fields.iro")" bob \
	"the records list agrees"

run srv allocate --data "$data" --child "$c5" --iro alice
is "$RC/$OUT" "0/allocated child C1005 to alice (was nobody)" \
	"a child named by record id, allocated for the first time"
is "$(jget "$(entries allocate C1005)" '.[0].detail')" \
	"child 'C1005' from nobody to 'alice'; by unix user '$me'" \
	"without a reason, from nobody"

before=$(counts)
run srv allocate --data "$data" --child C1001 --iro bob --reason again
is "$RC/$OUT" "0/child C1001 is already allocated to bob: nothing changed" \
	"allocating to the same IRO says so and exits 0"
is "$(counts)" "$before" "and writes nothing: no change, no audit entry"

# ---- refusals: a one-line message, the exit code, nothing written ------

refused() { # CODE PATTERN DESC ARGS...: allocate ARGS is refused
	_code=$1
	_pat=$2
	_desc=$3
	shift 3
	_before=$(counts)
	run srv allocate "$@"
	is "$RC" "$_code" "$_desc: exits $_code"
	if [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] &&
	    printf '%s\n' "$ERR" | grep -Eq -- "$_pat" && [ -z "$OUT" ]; then
		ok "$_desc: says why in one line"
	else
		not_ok "$_desc: says why in one line"
		diag "stdout: $OUT" "stderr: $ERR" "wanted: $_pat"
	fi
	is "$(counts)/$(field C1001 iro)" "$_before/\"bob\"" \
		"$_desc: nothing written"
}

refused 2 "no child 'C9999'" "an unknown child" \
	--data "$data" --child C9999 --iro alice
rv=$(srv records --data "$data" --type review --json | jq -r '.[0].id')
refused 2 "no child '$rv'" "a record that is not a child" \
	--data "$data" --child "$rv" --iro alice
refused 2 "no user 'zed'" "an unknown user" \
	--data "$data" --child C1001 --iro zed
refused 2 "user 'dora' is disabled" "a disabled IRO" \
	--data "$data" --child C1001 --iro dora
refused 2 "user 'mike' has role manager, not iro" "a manager" \
	--data "$data" --child C1001 --iro mike
refused 2 "user 'ada' has role admin, not iro" "an admin" \
	--data "$data" --child C1001 --iro ada
refused 2 "username" "a name that cannot be a username" \
	--data "$data" --child C1001 --iro "a b"
refused 2 "missing --iro" "no --iro" --data "$data" --child C1001
refused 2 "missing --child" "no --child" --data "$data" --iro alice
refused 2 "unknown option '--team'" "an unknown option" \
	--data "$data" --child C1001 --iro alice --team North
long=$(printf '%501s' '' | tr ' ' x)
refused 2 "at most 500" "a reason over 500 bytes" \
	--data "$data" --child C1001 --iro alice --reason "$long"
refused 2 "control characters" "a reason of two lines" \
	--data "$data" --child C1001 --iro alice --reason "$(printf 'a\nb')"

run srv allocate --data "$TMP/nowhere" --child C1001 --iro alice
is "$RC" 2 "a data directory never initialised exits 2"

run srv allocate --data "$data" --child C1002 --iro bob \
	--reason "$(printf '%500s' '' | tr ' ' y)"
is "$RC/$(field C1002 iro)" '0/"bob"' "a reason of exactly 500 bytes is taken"

# Both or neither: when the audit entry cannot be written, the allocation
# is not made either.
sqlite3 "$db" "CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN
	SELECT RAISE(ABORT, 'audit refused'); END" || bail "cannot add a trigger"
before=$(sqlite3 "$db" "SELECT count(*) FROM log")
run srv allocate --data "$data" --child C1001 --iro alice
is "$RC" 1 "an allocation that cannot be audited exits 1"
like "$ERR" "nothing allocated: .*audit refused" "and says so"
is "$(sqlite3 "$db" "SELECT count(*) FROM log")" "$before" \
	"and the child's change is not logged"
run srv show --data "$data" C1001
is "$RC/$OUT" "1/" "a show that cannot be audited exits 1 and shows nothing"
run srv export reviews --data "$data" --from 2020-01-01 --to 2026-12-31 \
	--out "$TMP/none.csv"
is "$RC" 1 "an export that cannot be audited exits 1"
check "and leaves no file" test ! -e "$TMP/none.csv"
run srv config set --data "$data" record_days 12
is "$RC" 1 "a setting that cannot be audited exits 1"
sqlite3 "$db" "DROP TRIGGER no_audit" || bail "cannot drop the trigger"
is "$(field C1001 iro)" '"bob"' "the child is still bob's"
run srv config get --data "$data" record_days
is "$OUT" 20 "and the setting is unchanged"

# ---- the command line's reads and writes in the audit -----------------

J=$(entries import_903 C1001)
is "$(jget "$J" 'length')" 1 "import-903 is in the child's audit"
like "$(jget "$J" '.[0].detail')" \
	"^imported header '.*/header.csv', episodes '.*/episodes.csv', reviews '.*/reviews.csv', allocations '.*/allocations.csv': 5 children \(5 new, 0 updated, 0 unchanged\), 7 reviews \(7 new, 0 already on the server\), [0-9]+ changes; by unix user '$me'$" \
	"with the file names and the counts"
is "$(jget "$J" '.[0].records | length')" 12 \
	"and every record it wrote: 5 children and 7 reviews"

printf 'child_id,given_name,family_name,dob,iro\nC2001,Fay,Lee,2014-05-06,alice\nC1001,Amelia,Hart,2012-03-04,bob\n' \
	>"$TMP/kids.csv"
run srv import --data "$data" "$TMP/kids.csv"
is "$RC" 0 "a CSV import"
J=$(entries import C2001)
is "$(jget "$J" '.[0].detail')" \
	"imported '$TMP/kids.csv': 2 children (1 new, 0 updated, 1 unchanged), 5 changes; by unix user '$me'" \
	"is audited with the file and the counts"
is "$(jget "$J" '.[0].records | length')" 1 \
	"with the records it wrote (not the unchanged child)"

run srv show --data "$data" C1001
J=$(entries show C1001)
is "$(jget "$J" '.[-1].detail')" "showed child $c1 ('C1001'); by unix user '$me'" \
	"show is audited with the record shown"
is "$(jget "$J" '.[-1].records | join(",")')" "$c1" "and concerns it"

nrev=$(srv records --data "$data" --type review --json | jq length)
J=$(entries records)
is "$(jget "$J" '.[-1].detail')" \
	"listed $nrev records of type 'review'; by unix user '$me'" \
	"records is audited"
is "$(jget "$J" '.[-1].records | length')" "$nrev" \
	"with every record it listed"

run srv export reviews --data "$data" --from 2023-01-01 --to 2024-12-31 \
	--out "$TMP/reviews.csv"
is "$RC" 0 "an export"
J=$(entries export C1001)
is "$(jget "$J" '.[0].detail')" \
	"exported reviews from 2023-01-01 to 2024-12-31 to '$TMP/reviews.csv'; by unix user '$me'" \
	"is audited with the kind, the dates and where to"
rows=$(($(wc -l <"$TMP/reviews.csv") - 1))
kids=$(tail -n +2 "$TMP/reviews.csv" | cut -d, -f1 | sort -u | wc -l)
is "$(jget "$J" '.[0].records | length')" $((rows + kids)) \
	"and concerns each review exported and its child"
J=$(entries export C1005)
is "$(jget "$J" 'length')" 0 "a child with nothing exported is not named"
srv export reviews --data "$data" --from 2023-01-01 --to 2024-12-31 \
	>/dev/null
like "$(jget "$(entries export)" '.[-1].detail')" "to standard output; " \
	"an export to stdout says so"

run srv config set --data "$data" record_days 15
is "$(jget "$(entries config_set)" '[.[].detail] | join("|")')" \
	"set 'council' to 'E10000099' (was not set; out of area changed for 0 children); by unix user '$me'|set 'record_days' to '15' (was '20', the default); by unix user '$me'" \
	"init --council and config set are audited with the old value"
before=$(counts)
srv config set --data "$data" record_days 15 >/dev/null
is "$(counts)" "$before" "setting the same value writes no entry"

srv holidays add --data "$data" 2027-06-04 --title "Royal occasion" \
	>/dev/null
srv holidays cancel --data "$data" 2026-12-28 >/dev/null
cat >"$TMP/bh.json" <<'EOF'
{"england-and-wales":{"division":"england-and-wales","events":[
{"title":"Extra bank holiday","date":"2031-06-02","notes":"","bunting":true}]}}
EOF
srv holidays import --data "$data" "$TMP/bh.json" >/dev/null
is "$(jget "$(entries holidays_add)" '.[0].detail')" \
	"made 2027-06-04 a holiday ('Royal occasion'); by unix user '$me'" \
	"holidays add is audited"
is "$(jget "$(entries holidays_cancel)" '.[0].detail')" \
	"made 2026-12-28 a working day (the bank holiday is cancelled); by unix user '$me'" \
	"holidays cancel is audited"
is "$(jget "$(entries holidays_import)" '.[0].detail')" \
	"imported '$TMP/bh.json': 1 holidays read, 1 added, 0 already known; by unix user '$me'" \
	"holidays import is audited"

# The question the audit answers: who has seen or changed this child.
is "$(srv audit --data "$data" --child C1001 --json | jq -r \
	'[.[].action] | unique | join(",")')" \
	"allocate,export,import_903,records,show" \
	"audit --child names who imported, allocated, showed, listed and exported it"
run srv audit --data "$data" --child C1001
like "$OUT" "^20[0-9-]+T[0-9:]+Z  allocate  -  -  child 'C1001' from 'alice' to 'bob'" \
	"the text line of an allocation"
is "$(srv audit --data "$data" --json | jq \
	"[.[] | select(.user == null) | select(.detail | endswith(\"by unix user '$me'\") | not)] | length")" \
	0 "every entry of the command line names the Unix user"
before=$(sqlite3 "$db" "SELECT count(*) FROM audit")
for c in stats "user list" "device list" "config list" "holidays list" audit; do
	srv $c --data "$data" >/dev/null || not_ok "$c runs"
done
is "$(sqlite3 "$db" "SELECT count(*) FROM audit")" "$before" \
	"stats, the lists and audit itself show no case content: not audited"

finish
