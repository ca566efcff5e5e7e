#!/bin/sh
# bench.sh - `make bench`: one run on this machine, printed as a table and
# written to $BUILD/bench.json.
#
#   1. 10,000 visits recorded offline through `iro batch` (records/s)
#   2. their push to the server (changes/s committed, from sync --json)
#   3. a fresh second device's pull of them (changes/s)
#   4. an incremental sync of one changed record: wall time, HTTP
#      requests, bytes sent and received
#
# Everything runs on 127.0.0.1 in a throwaway directory.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
bin="$top/$BUILD/bin"
out_json="$top/$BUILD/bench.json"
nvisits=${BENCH_VISITS:-10000}
work=$(mktemp -d "${TMPDIR:-/tmp}/iro-bench.XXXXXX")
data="$work/server"
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

fail() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}
now() { date +%s.%N; }
# elapsed START END: seconds between two `now` readings.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# rate COUNT SECONDS
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
# secs X: seconds to three decimals
secs() { awk -v s="$1" 'BEGIN { printf "%.3f", s }'; }
# field JSON KEY: a number from iro's one-line JSON (no jq needed).
field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9.eE+-]*\).*/\1/p"
}

[ -x "$bin/iro" ] && [ -x "$bin/iro-server" ] || fail "build first: make"

# ---- set-up (not timed) ------------------------------------------------
"$bin/iro-server" init --data "$data" >/dev/null
printf 'bench-pw\n' | "$bin/iro-server" user add --data "$data" \
	--username bench.iro --role iro >/dev/null
sh "$top/scripts/demo-caseload.sh" -n 150 -t 2026-01-15 bench.iro \
	>"$work/caseload.csv"
"$bin/iro-server" import --data "$data" "$work/caseload.csv" >/dev/null
"$bin/iro-server" serve --data "$data" --listen 127.0.0.1:0 \
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

export IRO_PASSPHRASE="bench passphrase"
for d in a b; do
	printf 'bench-pw\n' | "$bin/iro" --home "$work/$d" enrol --server "$url" \
		--username bench.iro >/dev/null || fail "cannot enrol device $d"
done

tail -n +2 "$work/caseload.csv" | cut -d, -f1 |
	awk -v n="$nvisits" '
	{ kid[NR] = $1 }
	END {
		for (i = 1; i <= n; i++)
			printf "visit add %s --date 2025-%02d-%02d " \
			    "--seen-alone %s --note \"benchmark visit %d\"\n", \
			    kid[1 + i % NR], 1 + i % 12, 1 + i % 28, \
			    i % 2 ? "yes" : "no", i
	}' >"$work/batch"

# ---- 1. record offline ---------------------------------------------------
t0=$(now)
"$bin/iro" --home "$work/a" batch <"$work/batch" >"$work/ids" ||
	fail "batch failed"
t1=$(now)
rec_s=$(elapsed "$t0" "$t1")
[ "$(wc -l <"$work/ids")" -eq "$nvisits" ] || fail "batch made too few visits"
rec_rate=$(rate "$nvisits" "$rec_s")

# ---- 2. push -------------------------------------------------------------
push=$("$bin/iro" --home "$work/a" sync --json) || fail "push failed"
push_n=$(field "$push" sent)
push_s=$(secs "$(field "$push" seconds)")
push_rate=$(rate "$push_n" "$push_s")

# ---- 3. a fresh device pulls ---------------------------------------------
pull=$("$bin/iro" --home "$work/b" sync --json) || fail "pull failed"
pull_n=$(field "$pull" received)
pull_s=$(secs "$(field "$pull" seconds)")
pull_rate=$(rate "$pull_n" "$pull_s")

# ---- 4. one changed record -----------------------------------------------
visit=$(head -n 1 "$work/ids")
"$bin/iro" --home "$work/a" set "$visit" note "benchmark visit, revised" ||
	fail "set failed"
t0=$(now)
inc=$("$bin/iro" --home "$work/a" sync --json) || fail "incremental sync failed"
t1=$(now)
inc_wall=$(elapsed "$t0" "$t1")
inc_s=$(secs "$(field "$inc" seconds)")
inc_req=$(field "$inc" requests)
inc_tx=$(field "$inc" bytes_sent)
inc_rx=$(field "$inc" bytes_received)
inc_sent=$(field "$inc" sent)
t0=$(now)
incb=$("$bin/iro" --home "$work/b" sync --json) || fail "incremental pull failed"
t1=$(now)
incb_wall=$(elapsed "$t0" "$t1")
incb_req=$(field "$incb" requests)
incb_tx=$(field "$incb" bytes_sent)
incb_rx=$(field "$incb" bytes_received)
incb_recv=$(field "$incb" received)

# ---- report --------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
	head -n 1)
printf '\nIRO Sync benchmark - %s, %s CPUs (%s)\n\n' "$(date -u +%Y-%m-%d)" \
	"$(nproc 2>/dev/null || echo '?')" "${cpu:-unknown CPU}"
printf '%-44s %9s %9s %12s\n' "what" "count" "seconds" "rate"
printf '%-44s %9s %9s %12s\n' "$nvisits visits recorded offline (iro batch)" \
	"$nvisits" "$rec_s" "$rec_rate rec/s"
printf '%-44s %9s %9s %12s\n' "push of their changes to the server" \
	"$push_n" "$push_s" "$push_rate ch/s"
printf '%-44s %9s %9s %12s\n' "pull of them by a fresh device" \
	"$pull_n" "$pull_s" "$pull_rate ch/s"
printf '\n%-44s %9s %9s %12s %12s\n' "incremental sync, one changed record" \
	"wall s" "requests" "bytes sent" "bytes recv"
printf '%-44s %9s %9s %12s %12s\n' "device that changed it (sent $inc_sent)" \
	"$inc_wall" "$inc_req" "$inc_tx" "$inc_rx"
printf '%-44s %9s %9s %12s %12s\n' "other device (received $incb_recv)" \
	"$incb_wall" "$incb_req" "$incb_tx" "$incb_rx"

mkdir -p "$(dirname "$out_json")"
cat >"$out_json" <<EOF
{
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "record": {"visits": $nvisits, "seconds": $rec_s, "records_per_s": $rec_rate},
  "push": {"changes": $push_n, "seconds": $push_s, "changes_per_s": $push_rate},
  "pull": {"changes": $pull_n, "seconds": $pull_s, "changes_per_s": $pull_rate},
  "incremental": {"wall_seconds": $inc_wall, "sync_seconds": $inc_s,
    "requests": $inc_req, "bytes_sent": $inc_tx, "bytes_received": $inc_rx},
  "incremental_other_device": {"wall_seconds": $incb_wall,
    "requests": $incb_req, "bytes_sent": $incb_tx,
    "bytes_received": $incb_rx}
}
EOF
printf '\nwritten to %s\n' "$out_json"
