#!/bin/sh
# Meta checks that catch rot cheaply: the shared library exports only
# iro_* symbols, every header compiles on its own, and every public
# function of the client library is documented in its header.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

so="$top/$BUILD/lib/libirosync.so.0"
if [ -f "$so" ]; then
	bad=$(nm -D --defined-only "$so" | awk '{print $3}' |
		grep -v '^iro_' | grep -v '^_' | grep -v '^LIBIROSYNC' || true)
	if [ -z "$bad" ]; then ok "libirosync.so exports only iro_* symbols"
	else not_ok "libirosync.so exports non-iro symbols: $bad"; fi
else
	not_ok "libirosync.so not built at $so"
fi

cflags=$(pkg-config --cflags libmicrohttpd sqlite3 libcurl msgpack libsodium jansson)
badh=""
for h in "$top"/include/*.h "$top"/common/*.h "$top"/client/*.h \
	"$top"/client/cli/*.h "$top"/server/*.h; do
	[ -f "$h" ] || continue
	# shellcheck disable=SC2086
	printf '#include "%s"\n' "$h" | cc -std=c17 -Wall -Wextra -Werror \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$top/include" \
		-iquote "$top/common" -iquote "$top/client" -iquote "$top/server" \
		$cflags -fsyntax-only -x c - 2>/dev/null || badh="$badh ${h#$top/}"
done
if [ -z "$badh" ]; then ok "every header compiles on its own"
else not_ok "headers that do not compile alone:$badh"; fi

# A public function is documented when the paragraph it stands in (lines
# since the last blank line) holds a comment.
undoc=$(awk '
	/^[[:space:]]*$/ { para = ""; next }
	{ para = para $0 "\n" }
	/^[a-z].*[ *]iro_[a-z_]+\(/ {
		match($0, /iro_[a-z_]+\(/)
		name = substr($0, RSTART, RLENGTH - 1)
		if (para !~ /\/\*/) print name
	}' "$top/include/irosync.h")
if [ -z "$undoc" ]; then ok "every public function is documented"
else not_ok "undocumented public functions: $undoc"; fi

echo "1..$n"
[ "$fails" -eq 0 ]
