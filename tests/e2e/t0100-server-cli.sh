#!/bin/sh
# t0100-server-cli: the iro-server command line on its own - init, users,
# CSV import (good, bad, repeated, changed), show/records/stats, and serve
# (the listening line with a real port, a clean exit on SIGTERM).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${IRO_BIN_DIR:-$top/build/bin}
srv="$bin/iro-server"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t0100.XXXXXX")
data="$tmp/data"
pid=""
n=0
failed=0

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { # description, then the test command
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$tmp/out" "$tmp/err"
		failed=$((failed + 1))
	fi
}

# run EXPECTED_STATUS CMD...: the command's output lands in $tmp/o and
# $tmp/e, and its exit status must be EXPECTED_STATUS.
run() {
	want=$1
	shift
	"$@" >"$tmp/o" 2>"$tmp/e"
	got=$?
	[ "$got" -eq "$want" ] && return 0
	echo "exit status $got, wanted $want: $*"
	cat "$tmp/o" "$tmp/e"
	return 1
}

stat_of() { # KEY: the number `iro-server stats` prints for it
	"$srv" stats --data "$data" | sed -n "s/^$1: //p"
}

cat >"$tmp/good.csv" <<'EOF'
child_id,given_name,family_name,dob,iro
C1001,Amelia,Hart,2012-03-04,alice
C1002,"Ben, Jr",O'Neil,2010-12-31,alice
C1003,Chloe,"Smith-Jones",2016-07-19,alice
EOF

printf 'child_id,given_name,family_name,dob,iro\r\nC2001,Dan,Price,2011-01-01,alice\r\nC2002,Eve,Stone,2011-02-30,alice\r\nC2003,Finn,,2011-03-03,alice\r\nC2004,Gail,Moss,2011-04-04,mike\r\nC2005,Hal,Lane,2011-05-05,nobody\r\nC2001,Dan,Price,2011-01-01,alice\r\n' >"$tmp/bad.csv"

init_twice() {
	run 0 "$srv" init --data "$data" || return 1
	grep -q "^created server data in '$data'" "$tmp/o" || return 1
	id1=$(sed -n 's/.*server id \([0-9a-f]*\).*/\1/p' "$tmp/o")
	[ "$(stat -c %a "$data")" = 700 ] || return 1
	run 0 "$srv" init --data "$data" || return 1
	grep -q "^kept the existing server data" "$tmp/o" || return 1
	id2=$(sed -n 's/.*server id \([0-9a-f]*\).*/\1/p' "$tmp/o")
	[ ${#id1} -eq 32 ] && [ "$id1" = "$id2" ]
}
ok "init creates a 0700 data directory and is harmless to re-run" init_twice

users() {
	echo 'alice secret' | run 0 "$srv" user add --data "$data" \
	    --username alice --role iro --team North \
	    --display-name "Alice Hart" || return 1
	echo 'mike secret' | run 0 "$srv" user add --data "$data" \
	    --username mike --role manager || return 1
	echo 'again' | run 2 "$srv" user add --data "$data" \
	    --username alice --role iro || return 1
	grep -q "user 'alice' already exists" "$tmp/e" || return 1
	echo 'x' | run 2 "$srv" user add --data "$data" --username zed \
	    --role boss || return 1
	run 0 "$srv" user list --data "$data" --json || return 1
	grep -q '"username":"alice","role":"iro","team":"North"' "$tmp/o" &&
	    ! grep -q argon2 "$tmp/o" && [ "$(stat_of users)" = 2 ]
}
ok "user add stores accounts and refuses an existing one" users

import_good() {
	run 0 "$srv" import --data "$data" "$tmp/good.csv" || return 1
	grep -qx 'imported 3 children: 3 new, 0 updated, 0 unchanged' \
	    "$tmp/o" && [ "$(stat_of changes)" = 15 ] &&
	    [ "$(stat_of records)" = 3 ]
}
ok "import of a good file creates every child" import_good

import_bad() {
	before=$("$srv" stats --data "$data" --json)
	run 2 "$srv" import --data "$data" "$tmp/bad.csv" || return 1
	for line in 3 4 5 6 7; do
		grep -q "^$tmp/bad.csv:$line: " "$tmp/e" || {
			echo "no report for line $line"; return 1; }
	done
	grep -q "bad.csv:2:" "$tmp/e" && return 1
	grep -q "bad.csv:4: family_name is empty" "$tmp/e" &&
	    grep -q "bad.csv:5: iro 'mike' is a manager, not an iro" \
	    "$tmp/e" &&
	    grep -q "bad.csv:7: child_id 'C2001' is also on line 2" \
	    "$tmp/e" &&
	    [ "$("$srv" stats --data "$data" --json)" = "$before" ]
}
ok "import of a bad file reports each bad line and writes nothing" import_bad

reimport() {
	run 0 "$srv" import --data "$data" "$tmp/good.csv" || return 1
	grep -qx 'imported 3 children: 0 new, 0 updated, 3 unchanged' \
	    "$tmp/o" && [ "$(stat_of changes)" = 15 ]
}
ok "importing the same file again writes nothing" reimport

import_change() {
	sed 's/^C1001,Amelia,Hart/C1001,Amelia,Hart-Lee/' "$tmp/good.csv" \
	    >"$tmp/changed.csv"
	run 0 "$srv" import --data "$data" "$tmp/changed.csv" || return 1
	grep -qx 'imported 3 children: 0 new, 1 updated, 2 unchanged' \
	    "$tmp/o" && [ "$(stat_of changes)" = 16 ] || return 1
	run 0 "$srv" show --data "$data" C1001 --json || return 1
	grep -q '"type":"child"' "$tmp/o" &&
	    grep -q '"family_name":"Hart-Lee"' "$tmp/o" &&
	    grep -q '"child_id":"C1001"' "$tmp/o"
}
ok "a changed row updates only the field that changed" import_change

records() {
	run 0 "$srv" records --data "$data" --type child --json || return 1
	[ "$(grep -o '"type":"child"' "$tmp/o" | wc -l)" -eq 3 ] || return 1
	run 2 "$srv" show --data "$data" C9999 || return 1
	grep -q "no record 'C9999'" "$tmp/e"
}
ok "records lists the children; show names a missing record" records

no_store() {
	run 2 "$srv" stats --data "$tmp/none" || return 1
	grep -q "init --data" "$tmp/e" || return 1
	run 2 "$srv" serve --data "$tmp/none" --listen 127.0.0.1:0 || return 1
	run 2 "$srv" serve --data "$data" --listen nowhere || return 1
	run 2 "$srv" frobnicate
}
ok "commands without a store or with bad arguments exit 2" no_store

serve() {
	"$srv" serve --data "$data" --listen 127.0.0.1:0 >"$tmp/serve.out" \
	    2>"$tmp/serve.err" &
	pid=$!
	i=0
	while [ ! -s "$tmp/serve.out" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	line=$(cat "$tmp/serve.out")
	port=${line##*:}
	case $line in
	"listening on http://127.0.0.1:"[0-9]*) ;;
	*) echo "unexpected: '$line'"; return 1 ;;
	esac
	[ "$port" -gt 0 ] || return 1
	if command -v curl >/dev/null 2>&1; then
		code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
		    "http://127.0.0.1:$port/v1/push")
		[ "$code" = 401 ] || { echo "push without signature: $code";
		    return 1; }
	fi
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	pid=""
	[ "$st" -eq 0 ] && [ "$(wc -l <"$tmp/serve.out")" -eq 1 ]
}
ok "serve prints one listening line with the real port, exits 0 on TERM" \
    serve

echo "1..$n"
[ "$failed" -eq 0 ]
