#!/bin/sh
# make install honours PREFIX and DESTDIR, and an app finds the installed
# client library through pkg-config and links against it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
tmp=$(mktemp -d /tmp/iro-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

case "$BUILD" in
*san*)
	echo "1..0 # SKIP the sanitizer build is not installed"
	exit 0 ;;
esac

if make -C "$top" --no-print-directory -s install PREFIX=/opt/irosync \
	DESTDIR="$tmp/stage" >"$tmp/log" 2>&1; then
	ok "make install PREFIX=/opt/irosync DESTDIR=... succeeds"
else
	not_ok "make install failed: $(tail -n 3 "$tmp/log")"
fi
root="$tmp/stage/opt/irosync"
missing=""
for f in bin/iro bin/iro-server include/irosync.h include/iro_error.h \
	lib/libirosync.a lib/libirosync.so.0 lib/libirosync.so \
	lib/pkgconfig/irosync.pc; do
	[ -e "$root/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "everything is installed under DESTDIR/PREFIX"
else not_ok "missing under DESTDIR/PREFIX:$missing"; fi

flags=$(PKG_CONFIG_PATH="$root/lib/pkgconfig" pkg-config --cflags --libs irosync)
case "$flags" in
*-I/opt/irosync/include*-L/opt/irosync/lib*-lirosync*)
	ok "irosync.pc names the PREFIX: $flags" ;;
*)	not_ok "irosync.pc does not name the PREFIX: $flags" ;;
esac

cat >"$tmp/app.c" <<'C'
#include <irosync.h>
#include <stdio.h>

int
main(void)
{
	int have = 1;

	if (iro_exists("/nonexistent/iro", &have) != IRO_OK || have != 0)
		return 1;
	puts(iro_strerror(IRO_EUNREACHABLE));
	return 0;
}
C
if cc -std=c17 -Wall -Werror -I"$root/include" -o "$tmp/app" "$tmp/app.c" \
	-L"$root/lib" -lirosync 2>"$tmp/cc.log" &&
	out=$(LD_LIBRARY_PATH="$root/lib" "$tmp/app") &&
	[ "$out" = "server unreachable" ]; then
	ok "an app builds against the installed header and shared library"
else
	not_ok "app against the installed library: $(cat "$tmp/cc.log")"
fi
echo "1..$n"
[ "$fails" -eq 0 ]
