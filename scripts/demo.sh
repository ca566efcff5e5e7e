#!/bin/sh
# demo.sh - `make demo`: IRO Sync end to end on this machine.
#
# Starts iro-server on 127.0.0.1 with a throwaway data directory, loads a
# made-up SSDA903 extract of 150 children (scripts/demo-caseload.sh),
# enrols a device for one IRO, shows her agenda and her caseload with an
# overdue review, goes offline, holds that review and records a visit and
# a note, comes back, syncs, and shows that the server has them and puts
# the review in its SSDA903 Reviews return.  Everything lives in one
# temporary directory that is removed at the end; nothing is left running.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin="$top/$BUILD/bin"
work=$(mktemp -d "${TMPDIR:-/tmp}/iro-demo.XXXXXX")
data="$work/server"
home="$work/asha-laptop"
server_pid=""

cleanup() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

step=0
say() {
	step=$((step + 1))
	printf '\nStep %d: %s\n' "$step" "$*"
}
show() { sed 's/^/    /'; }
# run CMD...: run it and show its output indented; stop the demo if it fails.
run() {
	if "$@" >"$work/out" 2>"$work/err"; then
		show <"$work/out"
	else
		cat "$work/out" "$work/err" >&2
		fail "'$(basename "$1") $2' failed"
	fi
}
fail() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

# start PORT: serve the data directory; sets server_pid and url.
start() {
	: >"$work/server.log"
	"$bin/iro-server" serve --data "$data" --listen "127.0.0.1:$1" \
		>"$work/server.log" 2>"$work/server.err" &
	server_pid=$!
	url=""
	i=0
	while [ -z "$url" ] && [ $i -lt 200 ]; do
		url=$(sed -n 's/^listening on \(http:.*\)$/\1/p' "$work/server.log")
		kill -0 "$server_pid" 2>/dev/null || break
		[ -n "$url" ] || sleep 0.05
		i=$((i + 1))
	done
	[ -n "$url" ] || fail "the server did not start: $(cat "$work/server.err")"
}

stop() {
	kill -TERM "$server_pid"
	wait "$server_pid" || fail "the server did not stop cleanly"
	server_pid=""
}

[ -x "$bin/iro" ] && [ -x "$bin/iro-server" ] ||
	fail "build first: make"

echo "IRO Sync demo - everything happens in $work and is removed at the end."

council=E06000099
say "Setting up a new server data directory for the council $council," \
	"with four staff accounts: three IROs and their manager."
run "$bin/iro-server" init --data "$data" --council "$council"
for u in asha.patel:"Asha Patel":iro ben.okafor:"Ben Okafor":iro \
	carys.jones:"Carys Jones":iro dev.sharma:"Dev Sharma":manager; do
	name=${u%:*}
	role=${u##*:}
	user=${name%%:*}
	display=${name#*:}
	printf 'demo-%s\n' "$user" | run "$bin/iro-server" user add \
		--data "$data" --username "$user" --role "$role" \
		--team "North IRO team" --display-name "$display"
done

today=$(date +%Y-%m-%d)
say "Loading the council's SSDA903 extract: 150 made-up children (every" \
	"name and date is invented) with their episodes of care and review" \
	"history, and which IRO each child is allocated to."
sh "$top/scripts/demo-caseload.sh" -n 150 -t "$today" -c "$council" \
	-o "$work/extract" asha.patel ben.okafor carys.jones
for f in header episodes reviews allocations; do
	echo "    $f.csv ($(($(wc -l <"$work/extract/$f.csv") - 1)) rows):"
	head -n 3 "$work/extract/$f.csv" | sed 's/^/        /'
done
run "$bin/iro-server" import-903 --data "$data" \
	--header "$work/extract/header.csv" \
	--episodes "$work/extract/episodes.csv" \
	--reviews "$work/extract/reviews.csv" \
	--allocations "$work/extract/allocations.csv"

say "Starting the server on 127.0.0.1."
start 0
port=${url##*:}
echo "    $(cat "$work/server.log")"

export IRO_PASSPHRASE="demo passphrase for Asha's laptop"
say "Enrolling Asha Patel's laptop: an encrypted replica in $home," \
	"unlocked with a passphrase (taken from IRO_PASSPHRASE here)."
printf 'demo-asha.patel\n' | run "$bin/iro" --home "$home" enrol \
	--server "$url" --username asha.patel --device-name "Asha's laptop"

# The server sends a device only its user's caseload: the children
# allocated to Asha.
"$bin/iro" --home "$home" children --json >"$work/children.json" ||
	fail "'iro children' failed"
mine=$(jq length "$work/children.json")
all=$(($(wc -l <"$work/extract/allocations.csv") - 1))

say "Asha's agenda: what is due in the next 20 working days for her" \
	"$mine children, worked out on the laptop from the statutory review" \
	"schedule and the bank holidays."
"$bin/iro" --home "$home" agenda >"$work/agenda.txt" ||
	fail "'iro agenda' failed"
head -n 13 "$work/agenda.txt" | show
n=$(($(wc -l <"$work/agenda.txt") - 1))
[ "$n" -gt 12 ] && echo "    ... $n items in all."

say "Asha's caseload by next review due, the most overdue first:"
"$bin/iro" --home "$home" children >"$work/children.txt" ||
	fail "'iro children' failed"
head -n 9 "$work/children.txt" | show
echo "    ... the laptop holds the $mine children allocated to Asha, of" \
	"the council's $all: nobody else's."
jq -r '[.[] | select(.review_overdue)] |
	(length | tostring) as $n | .[0] |
	[$n, .child_id, .given_name + " " + .family_name, .next_review_due,
	 (-.working_days_left | tostring)] | join("\t")' \
	"$work/children.json" >"$work/overdue"
IFS='	' read -r overdue kid kidname due late <"$work/overdue" ||
	fail "no overdue review in Asha's caseload"
[ "$kid" != null ] || fail "no overdue review in Asha's caseload"
printf '\n    %s of her reviews are overdue.  %s (%s) should have had a\n' \
	"$overdue" "$kidname" "$kid"
printf '    review by %s, %s working days ago: the first line above.\n' \
	"$due" "$late"

say "The IRO is now offline - the server is stopped."
stop
echo "    server stopped"

say "With no network, Asha sees $kidname alone before the review, holds" \
	"the review the same day, records a decision and a note."
visit=$("$bin/iro" --home "$home" visit add "$kid" --date "$today" \
	--time 10:30 --purpose pre_review --mode in_person --location placement \
	--child-seen yes --seen-alone yes \
	--wishes "I like it here. I want to see my nan every week.")
echo "    visit recorded:    $visit"
review=$("$bin/iro" --home "$home" review add "$kid" --date "$today")
"$bin/iro" --home "$home" review held "$review" --participation PN1 \
	--spoken-privately yes --parents-views yes --care-plan-endorsed yes ||
	fail "'iro review held' failed"
echo "    review held:       $review (participation PN1)"
decision=$("$bin/iro" --home "$home" decision add "$review" \
	--text "Weekly contact with nan, starting this month." \
	--responsible "the social worker")
echo "    decision recorded: $decision"
note=$("$bin/iro" --home "$home" note add "$kid" \
	--text "$kidname would like more contact with their grandmother.")
echo "    note recorded:     $note"
"$bin/iro" --home "$home" children --json |
	jq -r --arg k "$kid" '.[] | select(.child_id == $k) |
	"    the next review is now due on \(.next_review_due), " +
	(if .review_basis == "second" then "3" else "6" end) +
	" months after this one; overdue: " +
	(if .review_overdue then "yes" else "no" end)'

say "Trying to sync while offline: the changes stay safely pending."
if "$bin/iro" --home "$home" sync 2>"$work/sync.err"; then
	fail "sync should have failed with the server stopped"
else
	rc=$?
	echo "    $(cat "$work/sync.err")  (exit code $rc)"
fi
run "$bin/iro" --home "$home" status

say "Back online - the server is restarted on the same address."
start "$port"
echo "    $(cat "$work/server.log")"

say "Syncing Asha's laptop."
run "$bin/iro" --home "$home" sync
"$bin/iro" --home "$home" status >"$work/status"
grep -E '^(pending|last sync)' "$work/status" | show

say "The server has the review and the visit (read from its own store):"
run "$bin/iro-server" show --data "$data" "$review"
echo
run "$bin/iro-server" show --data "$data" "$visit"

moved=$(jq -r --arg k "$kid" '[.[] | select(.child_id != $k)][0] |
	.child_id' "$work/children.json")
say "Their manager moves child $moved from Asha's caseload to Ben's." \
	"At her next sync, Asha's laptop removes every record of that child."
run "$bin/iro-server" allocate --data "$data" --child "$moved" \
	--iro ben.okafor --reason "Ben covers the child's new placement area"
run "$bin/iro" --home "$home" sync
show <"$work/err"
echo "    the laptop now holds $("$bin/iro" --home "$home" children --json |
	jq length) children."

say "Who has seen or changed $moved's record (the server's audit log):"
"$bin/iro-server" audit --data "$data" --child "$moved" >"$work/audit.txt" ||
	fail "'iro-server audit' failed"
head -n 8 "$work/audit.txt" | show

say "The council's SSDA903 Reviews return for today, from the server:"
run "$bin/iro-server" export reviews --data "$data" --from "$today" \
	--to "$today"

stop
printf '\nDone: the server is stopped and %s will now be removed.\n' "$work"
