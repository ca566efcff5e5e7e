#!/bin/sh
# t0430 - TLS: the server serves HTTPS with its certificate and key; a
# device enrolled with --ca syncs over https and keeps trusting that CA
# (and only it) for later syncs without being told again; a server the
# device cannot verify - self-signed to it, signed by another CA, or
# certified for another host name - is refused as "certificate not
# trusted" (exit 3, as a refused credential: the server was reached, it
# just cannot be believed); plain http to anything but this machine is
# refused before any connection is tried (exit 2), while plain http to
# 127.0.0.1 still works.  Bad certificate or key files stop the server
# with exit 2.  Certificates are made here, with openssl, for 127.0.0.1.
. tests/e2e/lib.sh

command -v openssl >/dev/null 2>&1 ||
	bail "openssl is needed to make test certificates (make deps)"

plan 32

export IRO_PASSPHRASE="correct horse battery"
P="$TMP/pki"
mkdir -p "$P"

# mkca NAME: a self-signed CA in $P/NAME.pem, key in $P/NAME.key.
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj "/CN=IRO Sync test CA $1" -keyout "$P/$1.key" \
		-out "$P/$1.pem" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# mkcert NAME CA SAN: a server certificate signed by CA for SAN.
mkcert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$1" -keyout "$P/$1.key" -out "$P/$1.csr" \
		2>/dev/null &&
	printf '%s\n' "subjectAltName=$3" "basicConstraints=CA:FALSE" \
		"extendedKeyUsage=serverAuth" >"$P/$1.ext" &&
	openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.pem" -CAkey "$P/$2.key" \
		-CAcreateserial -days 2 -extfile "$P/$1.ext" -out "$P/$1.pem" \
		2>/dev/null
}

mkca ca && mkca rogue &&
	mkcert server ca "IP:127.0.0.1,DNS:localhost" &&
	mkcert elsewhere ca "DNS:sync.example.org" &&
	mkcert impostor rogue "IP:127.0.0.1,DNS:localhost" ||
	bail "cannot make the test certificates"

# tls_server DATA CERT KEY [PORT]: serve DATA over https on 127.0.0.1.
# Sets SERVER_PID, SERVER_URL and SERVER_PORT like start_server.
tls_server() {
	_log="$TMP/tls.$_n.log"
	: >"$_log"
	"$IRO_BIN_DIR/iro-server" serve --data "$1" --listen \
		"127.0.0.1:${4:-0}" --tls-cert "$P/$2.pem" --tls-key "$P/$3.key" \
		>"$_log" 2>"$_log.err" &
	SERVER_PID=$!
	track "$SERVER_PID"
	SERVER_URL=""
	_i=0
	while [ $_i -lt 200 ] && [ -z "$SERVER_URL" ]; do
		SERVER_URL=$(sed -n 's/^listening on \(https:.*\)$/\1/p' "$_log")
		kill -0 "$SERVER_PID" 2>/dev/null || break
		[ -z "$SERVER_URL" ] && sleep 0.05
		_i=$((_i + 1))
	done
	[ -n "$SERVER_URL" ] || {
		diag "tls server did not start:" "$(cat "$_log" "$_log.err")"
		return 1
	}
	SERVER_PORT=${SERVER_URL##*:}
}

# tls_enrol HOME URL [--ca FILE]: enrol asha.patel at URL.
tls_enrol() {
	_h=$1
	_u=$2
	shift 2
	printf 'pw-asha.patel\n' | iro --home "$_h" enrol --server "$_u" \
		--username asha.patel "$@"
}

caseload "$TMP/kids.csv" 3 asha.patel
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
child=$(sed -n 2p "$TMP/kids.csv" | cut -d, -f1)

# ---- the server: bad certificate and key files ----
run srv serve --data "$TMP/srv" --listen 127.0.0.1:0 --tls-cert \
	"$P/server.pem"
is "$RC" 2 "serve with a certificate but no key exits 2"
like "$ERR" "go together" "and says both are needed"
run srv serve --data "$TMP/srv" --listen 127.0.0.1:0 --tls-cert \
	"$P/server.pem" --tls-key "$P/missing.key"
is "$RC" 2 "serve with a missing key file exits 2"
like "$ERR" "cannot read the TLS key: .*missing.key" "naming the file"
run srv serve --data "$TMP/srv" --listen 127.0.0.1:0 --tls-cert \
	"$P/server.pem" --tls-key "$P/server.pem"
is "$RC" 2 "serve with a certificate given as the key exits 2"
run srv serve --data "$TMP/srv" --listen 127.0.0.1:0 --tls-cert \
	"$P/server.pem" --tls-key "$P/impostor.key"
is "$RC" 2 "serve with a key that does not match the certificate exits 2"
like "$ERR" "certificate or key was refused" "and says so"

# ---- https with the CA given at enrolment ----
tls_server "$TMP/srv" server server || bail "cannot start the https server"
like "$SERVER_URL" '^https://127\.0\.0\.1:[0-9]+$' \
	"the server says 'listening on https://HOST:PORT'"
run curl -sS -o /dev/null -w '%{http_code}' -X POST \
	"http://127.0.0.1:$SERVER_PORT/v1/pull"
check "the https port does not answer plain http" test "$OUT" != 200

run tls_enrol "$TMP/a" "$SERVER_URL" --ca "$P/ca.pem"
is "$RC" 0 "enrol --ca over https succeeds"
like "$OUT" "enrolled device .* at https://127\\.0\\.0\\.1" \
	"the device is enrolled with the https address"
iro --home "$TMP/a" note add "$child" --text "Sent over TLS." >/dev/null ||
	bail "cannot add a note"
run iro --home "$TMP/a" sync
is "$RC" 0 "a later sync needs no --ca: the CA was remembered"
like "$OUT" "^sent [1-9][0-9]*," "and the change goes over https"
run iro --home "$TMP/a" status --json
is "$(jget "$OUT" .pending)" 0 "nothing stays pending"
check "the CA is not left in the clear in the replica" \
	sh -c "! grep -rqa 'BEGIN CERTIFICATE' '$TMP/a'"

# Only that CA: a server certified by another CA on the same address is
# refused at the next sync, and the change stays pending.
stop_server
tls_server "$TMP/srv" impostor impostor "$SERVER_PORT" ||
	bail "cannot start the impostor"
iro --home "$TMP/a" note add "$child" --text "Not for an impostor." \
	>/dev/null || bail "cannot add a note"
run iro --home "$TMP/a" sync
is "$RC" 3 "a server certified by another CA is refused at sync (exit 3)"
like "$ERR" "certificate not trusted" "as 'certificate not trusted'"
like "$ERR" "[1-9][0-9]* changes stay pending" \
	"and the change stays pending"
stop_server
tls_server "$TMP/srv" server server "$SERVER_PORT" ||
	bail "cannot restart the https server"
run iro --home "$TMP/a" sync
is "$RC" 0 "the right server again: the pending change is sent"

# ---- servers the device cannot verify ----
run tls_enrol "$TMP/b" "$SERVER_URL"
is "$RC" 3 "enrol without --ca against a private CA fails (exit 3)"
like "$ERR" "certificate not trusted" "saying the certificate is not trusted"
check "and leaves no replica behind" test ! -e "$TMP/b/replica.db"
run tls_enrol "$TMP/c" "$SERVER_URL" --ca "$P/rogue.pem"
is "$RC" 3 "enrol --ca with another CA fails (exit 3)"
run tls_enrol "$TMP/c" "$SERVER_URL" --ca "$TMP/kids.csv"
is "$RC" 2 "enrol --ca with a file that is not a certificate exits 2"
stop_server

tls_server "$TMP/srv" elsewhere elsewhere || bail "cannot start elsewhere"
run tls_enrol "$TMP/d" "$SERVER_URL" --ca "$P/ca.pem"
is "$RC" 3 "a trusted certificate for another host name is refused"
like "$ERR" "certificate not trusted.*(host name|subject name)" \
	"because of the name"
stop_server

# ---- plain http ----
# A TEST-NET-1 address: nothing may be sent there.  The refusal must come
# before any connection: at once, and no connect() at all when strace can
# show it.
start=$(date +%s)
run tls_enrol "$TMP/e" "http://192.0.2.1:9"
end=$(date +%s)
is "$RC" 2 "plain http to a remote address is refused (exit 2)"
like "$ERR" "refusing plain http to '192\\.0\\.2\\.1'" "saying why"
check "at once, not after a connection timeout" test $((end - start)) -le 2
if strace -f -o /dev/null true 2>/dev/null; then
	# LeakSanitizer cannot run under ptrace (make SANITIZE=1).
	printf 'pw-asha.patel\n' | ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
		strace -f -e trace=connect -o "$TMP/trace" "$IRO_BIN_DIR/iro" \
		--home "$TMP/e" enrol --server "http://192.0.2.1:9" \
		--username asha.patel >/dev/null 2>&1
	check "no connection is attempted" sh -c \
		"! grep -q '192\\.0\\.2\\.1' '$TMP/trace'"
else
	ok "# skip no connection is attempted (strace cannot run here)"
fi
run tls_enrol "$TMP/e" "http://127.0.0.1@192.0.2.1:9/"
is "$RC" 2 "a loopback-looking user name does not hide the real host"

start_server "$TMP/srv" || bail "cannot start the plain server"
run tls_enrol "$TMP/f" "$SERVER_URL"
is "$RC" 0 "plain http to 127.0.0.1 still works"

finish
