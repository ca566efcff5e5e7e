# lib.sh - shared by the end-to-end scripts (sourced, POSIX sh).
#
# Gives each script a throwaway directory ($TMP, removed at exit), TAP
# output helpers, wrappers that put a time limit on every run of the real
# binaries, and server control: start_server, stop_server, kill9_server.
# Any server still running when the script ends is killed.
#
# Scripts run from the repository root; IRO_BIN_DIR (exported by
# tests/run.sh) names the directory holding iro and iro-server.

top=$(pwd)
IRO_BIN_DIR=${IRO_BIN_DIR:-$top/build/bin}
# Seconds any one run of a binary may take before it is killed.
IRO_CMD_TIMEOUT=${IRO_CMD_TIMEOUT:-180}
export IRO_BIN_DIR
unset IRO_HOME IRO_PASSPHRASE IRO_PASSPHRASE_FILE IRO_NEW_PASSPHRASE \
	IRO_NEW_PASSPHRASE_FILE IRO_CLOCK_SKEW_MS IRO_TODAY \
	IRO_DEVICE_NAME XDG_DATA_HOME

TMP=$(mktemp -d "${TMPDIR:-/tmp}/iro-e2e.XXXXXX") || exit 1
_servers=""          # pids of servers started and not yet stopped
# Sanitizer reports (make SANITIZE=1) go to files that finish() checks, so
# a leak or an error in a process whose exit code is not tested still
# fails the script.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$TMP/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$TMP/sanitizer"
_n=0
_failed=0
_plan=0

_cleanup() {
	for _p in $_servers; do
		kill -KILL "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	_servers=""
	rm -rf "$TMP"
}
trap '_cleanup' EXIT
trap '_cleanup; exit 129' HUP
trap '_cleanup; exit 130' INT
trap '_cleanup; exit 143' TERM

# ---- TAP ---------------------------------------------------------------

plan() { _plan=$1; echo "1..$1"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }

# check DESC CMD...: ok if CMD exits 0.
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "got:      '$1'" "expected: '$2'"
	fi
}

# like TEXT PATTERN DESC: ok if the grep -E pattern matches TEXT.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok "$3"
	else
		not_ok "$3"
		diag "got: '$1'" "does not match: '$2'"
	fi
}

# finish: end the script; fails if a test failed, the plan was not met or
# a sanitizer reported anything.
finish() {
	for _f in "$TMP"/sanitizer.*; do
		[ -f "$_f" ] || continue
		echo "# sanitizer report $(basename "$_f"):"
		sed 's/^/# /' "$_f"
		_failed=$((_failed + 1))
	done
	if [ "$_n" -ne "$_plan" ]; then
		echo "# planned $_plan tests but ran $_n"
		exit 1
	fi
	[ "$_failed" -eq 0 ] && exit 0
	exit 1
}

# bail MESSAGE: stop the script now (counted as a failure).
bail() {
	echo "Bail out! $*"
	exit 1
}

# ---- running the binaries ---------------------------------------------

iro() { timeout -k 5 "$IRO_CMD_TIMEOUT" "$IRO_BIN_DIR/iro" "$@"; }
srv() { timeout -k 5 "$IRO_CMD_TIMEOUT" "$IRO_BIN_DIR/iro-server" "$@"; }

# run CMD...: run it, leaving its exit code in RC, stdout in OUT and
# stderr in ERR.
run() {
	"$@" >"$TMP/.out" 2>"$TMP/.err"
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}

# jget JSON FILTER: one value out of JSON, with jq.
jget() { printf '%s\n' "$1" | jq -r "$2"; }

# ---- the server -------------------------------------------------------

# start_server DATA [PORT]: serve DATA on 127.0.0.1 (port 0: any free
# port).  Sets SERVER_PID, SERVER_URL and SERVER_PORT.  A restart passes
# the same PORT so that enrolled devices find the server again.
start_server() {
	_data=$1
	_port=${2:-0}
	_log="$TMP/server.$$.$_n.log"
	: >"$_log"
	"$IRO_BIN_DIR/iro-server" serve --data "$_data" \
		--listen "127.0.0.1:$_port" >"$_log" 2>"$_log.err" &
	SERVER_PID=$!
	_servers="$_servers $SERVER_PID"
	SERVER_URL=""
	_i=0
	while [ $_i -lt 200 ]; do
		SERVER_URL=$(sed -n 's/^listening on \(http:.*\)$/\1/p' "$_log")
		[ -n "$SERVER_URL" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
		_i=$((_i + 1))
	done
	if [ -z "$SERVER_URL" ]; then
		diag "server did not start:" "$(cat "$_log" "$_log.err")"
		return 1
	fi
	SERVER_PORT=${SERVER_URL##*:}
	return 0
}

# track PID: kill PID at exit if it is still running (for background
# processes other than the server).
track() { _servers="$_servers $1"; }

_forget_server() {
	_left=""
	for _p in $_servers; do
		[ "$_p" = "$1" ] || _left="$_left $_p"
	done
	_servers=$_left
}

# stop_server: SIGTERM, then wait (SIGKILL after 20 s).  Leaves the
# server's exit code in SERVER_RC.
stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null
	_i=0
	while kill -0 "$SERVER_PID" 2>/dev/null && [ $_i -lt 400 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	SERVER_RC=$?
	_forget_server "$SERVER_PID"
}

# kill9_server: the server dies at once, mid-write if it was writing.
kill9_server() {
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	_forget_server "$SERVER_PID"
}

# hexof DIR: every file under DIR in lowercase hex, one line per file (so
# a match never spans two files): for searching a device's files for ids
# and ciphertexts that must not be there.
hexof() {
	find "$1" -type f | while read -r _f; do
		od -An -v -tx1 "$_f" | tr -d ' \n'
		echo
	done
}

# ---- fixtures ----------------------------------------------------------

# new_server [--team TEAM] DATA CSV USER...: init DATA, add each USER as
# an IRO (their password is "pw-USER"; in TEAM when given, else in no
# team), import CSV.  Prints nothing on success.
new_server() {
	_team=""
	if [ "$1" = --team ]; then
		_team=$2
		shift 2
	fi
	_data=$1
	_csv=$2
	shift 2
	srv init --data "$_data" >/dev/null || return 1
	for _u in "$@"; do
		printf 'pw-%s\n' "$_u" | srv user add --data "$_data" \
			--username "$_u" --role iro ${_team:+--team "$_team"} \
			>/dev/null || return 1
	done
	srv import --data "$_data" "$_csv" >/dev/null
}

# caseload FILE N IRO...: a deterministic CSV of N children for the IROs.
caseload() {
	_f=$1
	_cn=$2
	shift 2
	sh "$top/scripts/demo-caseload.sh" -n "$_cn" -t 2026-01-15 "$@" >"$_f"
}

# enrol HOME USER: enrol a device for USER (password "pw-USER") against
# SERVER_URL, with the passphrase in IRO_PASSPHRASE.
enrol() {
	printf 'pw-%s\n' "$2" | iro --home "$1" enrol --server "$SERVER_URL" \
		--username "$2"
}
