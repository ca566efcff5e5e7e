#!/bin/sh
# Install the Debian packages IRO Sync needs to build, test and run.
# Installs with apt-get when it can (root, or sudo without a password);
# otherwise prints the exact command and fails.
set -u
pkgs="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev \
libcurl4-openssl-dev libmsgpack-dev libsodium-dev libjansson-dev \
libcmocka-dev curl jq openssl sqlite3 perl"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing missing packages:$missing"
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "cannot install as this user; run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
$sudo apt-get install -y -q $missing >/dev/null || {
	echo "apt-get install failed; run: apt-get install -y$missing" >&2
	exit 1
}
echo "packages installed"
