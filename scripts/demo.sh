#!/bin/sh
# demo.sh - `make demo`: IRO Sync end to end on this machine.
#
# Starts iro-server on 127.0.0.1 with a throwaway data directory and a
# made-up caseload, enrols a device for one IRO, shows the caseload, goes
# offline, records a visit and a note, comes back, syncs, and shows that
# the server has them.  Everything lives in one temporary directory that
# is removed at the end; nothing is left running.
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

say "Setting up a new server data directory with four staff accounts:" \
	"three IROs and their manager."
run "$bin/iro-server" init --data "$data"
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

say "Importing a caseload of 150 made-up children (names and dates of" \
	"birth are invented), shared among the three IROs."
sh "$top/scripts/demo-caseload.sh" -n 150 asha.patel ben.okafor carys.jones \
	>"$work/caseload.csv"
head -n 4 "$work/caseload.csv" | show
echo "    ..."
run "$bin/iro-server" import --data "$data" "$work/caseload.csv"

say "Starting the server on 127.0.0.1."
start 0
port=${url##*:}
echo "    $(cat "$work/server.log")"

export IRO_PASSPHRASE="demo passphrase for Asha's laptop"
say "Enrolling Asha Patel's laptop: an encrypted replica in $home," \
	"unlocked with a passphrase (taken from IRO_PASSPHRASE here)."
printf 'demo-asha.patel\n' | run "$bin/iro" --home "$home" enrol \
	--server "$url" --username asha.patel --device-name "Asha's laptop"

say "Asha's caseload on the laptop (the first ten, by family name):"
"$bin/iro" --home "$home" children >"$work/children.txt"
total=$(($(wc -l <"$work/children.txt") - 1))
awk -F'  +' 'NR == 1 || $4 == "asha.patel"' "$work/children.txt" >"$work/mine"
mine=$(($(wc -l <"$work/mine") - 1))
head -n 11 "$work/mine" | show
echo "    ... $mine children allocated to Asha, of $total on the laptop."
kid=$(awk -F'  +' 'NR > 1 && $4 == "asha.patel" { print $1; exit }' \
	"$work/children.txt")
kidname=$(awk -F'  +' -v k="$kid" '$1 == k { print $2 }' "$work/children.txt")

say "The IRO is now offline - the server is stopped."
stop
echo "    server stopped"

today=$(date -u +%Y-%m-%d)
say "Recording a visit to $kidname ($kid) and a note, with no network."
visit=$("$bin/iro" --home "$home" visit add "$kid" --date "$today" \
	--seen-alone yes --note "Seen alone at the foster home; settled and \
talking about starting a new school.")
echo "    visit recorded: $visit"
note=$("$bin/iro" --home "$home" note add "$kid" \
	--text "$kidname would like more contact with their grandmother.")
echo "    note recorded:  $note"

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

say "The server has the visit and the note (read from its own store):"
run "$bin/iro-server" show --data "$data" "$visit"
echo
run "$bin/iro-server" show --data "$data" "$note"

stop
printf '\nDone: the server is stopped and %s will now be removed.\n' "$work"
