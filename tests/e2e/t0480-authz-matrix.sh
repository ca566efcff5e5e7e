#!/bin/sh
# t0480 - the authorisation matrix: who receives and who may write what.
# One server, three IROs in two teams (asha and ben north, cara south), a
# manager per team (mo north, sal south), an admin, one device each, and
# five children: C1001 and C1002 asha's, C1003 ben's, C1004 cara's and
# C1005 allocated to nobody.  Each cell checks what the devices hold after
# a sync (reads) and the fate of an edit (writes):
#   1. an IRO and their own child      6. an expired lease
#   2. an IRO and another IRO's child  7. managers of their own and of
#   3. a reallocation, both sides         another team; the admin
#   4. a revoked device                8. replayed, altered, wrong-key and
#   5. a disabled user                    stale requests
#   9. plain http to a remote address 10. the audit of all this
# Case content is sealed in the replica, so a grep for a child's names
# can only catch a regression to plaintext; what shows that a record is
# not on a device is its id, which the replica keeps in the clear: its
# 16 bytes are searched for in every file under the device's home.
. tests/e2e/lib.sh

command -v sqlite3 >/dev/null 2>&1 || bail "no sqlite3 command"

plan 112

export IRO_PASSPHRASE="authorisation matrix"
data=$TMP/srv
db=$data/server.db
DAY=86400000
everyone="asha.patel ben.okafor cara.ng mo.khan sal.ortiz root.admin"

# ---- local helpers ----------------------------------------------------

# as USER ARGS...: run iro on USER's device.
as() {
	_u=$1
	shift
	iro --home "$TMP/$_u" "$@"
}
# kids USER: the council ids of the children on USER's device, sorted.
kids() { as "$1" children --json | jq -r 'map(.child_id) | sort | join(",")'; }
# counter NAME: one of the server's counters (iro-server stats).
counter() { srv stats --data "$data" --json | jq -r ".$1"; }
# states USER ID: the distinct states of ID's changes on USER's device.
states() { as "$1" history "$2" --json | jq -r 'map(.state) | unique | join(",")'; }
# nchanges USER ID: how many changes of ID USER's device holds.
nchanges() { as "$1" history "$2" --json | jq -r length; }
# sees ID USER...: the users whose device shows the record ID.
sees() {
	_id=$1
	shift
	_w=""
	for _u in "$@"; do
		as "$_u" show "$_id" >/dev/null 2>&1 && _w="$_w $_u"
	done
	echo "${_w# }"
}
# traces ID USER...: the users whose device has ID's bytes in any file.
traces() {
	_id=$1
	shift
	_w=""
	for _u in "$@"; do
		hexof "$TMP/$_u" | grep -q "$_id" && _w="$_w $_u"
	done
	echo "${_w# }"
}
# plaintext USER WORD...: the words found by grep -a under USER's home.
plaintext() {
	_d=$TMP/$1
	shift
	for _x in "$@"; do
		grep -rqaF -e "$_x" "$_d" && printf '%s ' "$_x"
	done
}
# rtype USER TYPE: how many records of TYPE USER's replica holds.
rtype() {
	sqlite3 "$TMP/$1/replica.db" \
		"SELECT count(*) FROM records WHERE type = '$2'"
}
# reasons ID: the server's distinct refusal codes and reasons for ID.
reasons() {
	sqlite3 "$db" "SELECT DISTINCT code || ': ' || reason FROM log
		WHERE hex(rec) = upper('$1') AND status <> 0"
}
# audited ACTION USER RECORD CHILD: "yes" if an audit entry of ACTION by
# USER's device names RECORD (audit --child CHILD), else "no".
audited() {
	srv audit --data "$data" --child "$4" --json | jq -r "[.[] |
		select(.action == \"$1\" and .device == \"$(dev "$2")\") |
		select(.records | index(\"$3\"))] |
		if length > 0 then \"yes\" else \"no\" end"
}
# audits ACTION USER CHILD RECORD...: audited for each RECORD.
audits() {
	_a=$1
	_u=$2
	_c=$3
	shift 3
	for _r in "$@"; do printf '%s ' "$(audited "$_a" "$_u" "$_r" "$_c")"; done
}
# dev USER: the id of USER's device.
dev() { as "$1" status --json | jq -r .device; }

# ---- set-up -----------------------------------------------------------

srv init --data "$data" >/dev/null || bail "cannot init"
adduser() { # NAME ROLE [TEAM]
	printf 'pw-%s\n' "$1" | srv user add --data "$data" --username "$1" \
		--role "$2" ${3:+--team "$3"} >/dev/null || bail "cannot add $1"
}
adduser asha.patel iro north
adduser ben.okafor iro north
adduser cara.ng iro south
adduser mo.khan manager north
adduser sal.ortiz manager south
adduser root.admin admin
cat >"$TMP/kids.csv" <<'CSV'
child_id,given_name,family_name,dob,iro
C1001,Amara,Okoye,2014-03-02,asha.patel
C1002,Benji,Walsh,2012-07-19,asha.patel
C1003,Callum,Reyes,2010-02-01,ben.okafor
C1004,Dana,Szabo,2008-05-05,cara.ng
CSV
srv import --data "$data" "$TMP/kids.csv" >/dev/null || bail "cannot import"
# The CSV importer refuses an empty iro; an SSDA903 extract may leave a
# child unallocated, so that is how C1005 comes in.
x=$TMP/903
mkdir -p "$x"
printf '%s\n' 'CHILD,UPN,SEX,DOB,ETHNIC,MOTHER,MC_DOB' \
	'C1005,A123456789016,U,11/11/2019,WBRI,,' >"$x/header.csv"
printf '%s\n' \
	'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,PL_LA' \
	'C1005,10/02/2025,S,E1,N1,A5,PR1,,,,LS11 5DF,LS16 6NB,,E10000099' \
	>"$x/episodes.csv"
printf '%s\n' 'CHILD,IRO,GIVEN_NAME,FAMILY_NAME,SOCIAL_WORKER' \
	'C1005,,Eve,Quill,Priya Shah' >"$x/allocations.csv"
srv import-903 --data "$data" --header "$x/header.csv" \
	--episodes "$x/episodes.csv" --allocations "$x/allocations.csv" \
	>/dev/null || bail "cannot import the unallocated child"
srv records --data "$data" --type child --json >"$TMP/children.json"
cid() { jq -r ".[] | select(.fields.child_id == \"$1\") | .id" \
	"$TMP/children.json"; }
c1=$(cid C1001)
c2=$(cid C1002)
c3=$(cid C1003)
c4=$(cid C1004)
c5=$(cid C1005)
is "$(jq -r '.[] | select(.id == "'"$c5"'") | .fields.iro' \
	"$TMP/children.json")" null "C1005 is allocated to nobody"

start_server "$data" || bail "cannot start the server"
for u in $everyone; do
	enrol "$TMP/$u" "$u" >/dev/null || bail "cannot enrol $u"
	as "$u" sync >/dev/null 2>&1 || bail "first sync of $u"
done

# ---- reads: each device holds its user's scope ------------------------

is "$(kids asha.patel)" C1001,C1002 "asha holds her two children"
is "$(kids ben.okafor)" C1003 "ben holds his one"
is "$(kids cara.ng)" C1004 "cara holds hers"
is "$(kids mo.khan)" C1001,C1002,C1003,C1005 \
	"mo (north) holds north's children and the unallocated one"
is "$(kids sal.ortiz)" C1004,C1005 \
	"sal (south) holds south's child and the unallocated one"
is "$(kids root.admin)" "" "the admin holds no child"
n=""
for u in $everyone; do n="$n$(rtype "$u" child) "; done
is "$n" "2 1 1 4 2 0 " "the replicas hold that many child records, no more"
is "$(traces "$c3" $everyone)" "ben.okafor mo.khan" \
	"C1003's record id is in ben's and mo's files only"
is "$(traces "$c4" $everyone)" "cara.ng sal.ortiz" \
	"C1004's in cara's and sal's only"
is "$(traces "$c5" $everyone)" "mo.khan sal.ortiz" \
	"C1005's in the managers' only"

# ---- 1. an IRO and their own child ------------------------------------

run as asha.patel show C1001 --json
is "$RC/$(jget "$OUT" '.fields | [.given_name, .family_name, .iro] | join(" ")')" \
	"0/Amara Okoye asha.patel" "asha reads her own child"
va=$(as asha.patel visit add C1001 --date 2026-01-05 --note "seen at home")
na=$(as asha.patel note add C1001 --text "Settled at school.")
[ -n "$va" ] && [ -n "$na" ] || bail "asha cannot write about C1001"
nwrite=$(($(nchanges asha.patel "$va") + $(nchanges asha.patel "$na")))
changes0=$(counter changes)
refused0=$(counter refused)
run as asha.patel sync --json
is "$RC/$(jget "$OUT" '[.sent, .refused] | join(",")')" "0/$nwrite,0" \
	"asha's edits of her own child are all sent, none refused"
is "$(states asha.patel "$va")/$(states asha.patel "$na")" \
	"synced/synced" "her device shows them accepted"
is "$(($(counter changes) - changes0))/$(counter refused)" "$nwrite/$refused0" \
	"the server logged each of them as accepted"
for u in $everyone; do as "$u" sync >/dev/null 2>&1; done
is "$(sees "$va" $everyone)" "asha.patel mo.khan" \
	"her visit reaches her own device and mo (north), nobody else"
is "$(traces "$na" $everyone)" "asha.patel mo.khan" \
	"her note's id is in no other replica"

# ---- 2. an IRO and another IRO's child --------------------------------

run as asha.patel visit add C1003 --date 2026-01-05 --note "not mine"
is "$RC" 2 "asha cannot even name ben's child (exit 2)"
like "$ERR" "no child 'C1003'" "saying there is no such child"
run as asha.patel show C1003
is "$RC/$OUT" "2/" "nor show it"
is "$(as asha.patel status --json | jq -r .pending)" 0 \
	"and nothing was recorded to send"
nb=$(as ben.okafor note add C1003 --text "Callum's placement review due.")
for u in $everyone; do as "$u" sync >/dev/null 2>&1; done
is "$(kids asha.patel)" C1001,C1002 "asha still holds only her own"
is "$(traces "$nb" $everyone)" "ben.okafor mo.khan" \
	"ben's note on his child is in ben's and mo's replicas only"
is "$(traces "$c3" asha.patel)" "" \
	"no file of asha's holds ben's child's record id"
is "$(plaintext asha.patel C1003 Callum Reyes 2010-02-01 "placement review")" \
	"" "nor its council id, names, birth date or note text"

# ---- 7. managers of their own and another team; the admin -------------

nm=$(as mo.khan note add C1001 --text "Manager's oversight: agreed.")
run as mo.khan sync --json
is "$RC/$(jget "$OUT" .refused)/$(states mo.khan "$nm")" "0/0/synced" \
	"mo's note on a north child is accepted"
as asha.patel sync >/dev/null
run as asha.patel show "$nm" --json
is "$(jget "$OUT" .fields.text)" "Manager's oversight: agreed." \
	"and reaches asha, the child's IRO"
nu=$(as mo.khan note add C1005 --text "Needs an IRO allocating.")
as mo.khan sync >/dev/null
for u in $everyone; do as "$u" sync >/dev/null 2>&1; done
is "$(states mo.khan "$nu")/$(sees "$nu" $everyone)" \
	"synced/mo.khan sal.ortiz" \
	"mo's note on the unallocated child is accepted and reaches both managers only"
run as mo.khan note add C1004 --text "south's child"
is "$RC" 2 "mo cannot name a south child"
run as sal.ortiz visit add C1001 --date 2026-01-05
is "$RC" 2 "sal cannot name a north child"
run as root.admin note add C1001 --text "admin"
is "$RC" 2 "the admin cannot name any child"

# The server refuses a manager's write about another team's child: sal
# writes about C1004 after it has moved to ben (north), before syncing.
srv allocate --data "$data" --child C1004 --iro ben.okafor >/dev/null ||
	bail "cannot reallocate C1004"
ns=$(as sal.ortiz note add C1004 --text "Sal's note after the move.")
nsal=$(nchanges sal.ortiz "$ns")
refused0=$(counter refused)
run as sal.ortiz sync --json
is "$RC/$(jget "$OUT" '[.refused, .children_out] | join(",")')" \
	"0/$nsal,1" "sal's note is refused and C1004 leaves sal's device"
is "$(($(counter refused) - refused0))" "$nsal" \
	"the server logged each of its changes as refused"
is "$(reasons "$ns")" \
	"forbidden: child 'C1004' is allocated to 'ben.okafor' of team 'north', not of team 'south'" \
	"with a reason naming both teams"
is "$(kids sal.ortiz)" C1005 "sal holds only the unallocated child now"
for u in $everyone; do as "$u" sync >/dev/null 2>&1; done
is "$(kids mo.khan)/$(kids ben.okafor)/$(kids cara.ng)" \
	"C1001,C1002,C1003,C1004,C1005/C1003,C1004/" \
	"C1004 joined mo's and ben's devices and left cara's"
is "$(traces "$ns" $everyone)" "" "sal's refused note is on no device"
srv allocate --data "$data" --child C1004 --iro cara.ng >/dev/null ||
	bail "cannot allocate C1004 back"
for u in $everyone; do as "$u" sync >/dev/null 2>&1; done
is "$(kids cara.ng)/$(kids sal.ortiz)/$(kids mo.khan)" \
	"C1004/C1004,C1005/C1001,C1002,C1003,C1005" \
	"allocated back to cara, C1004 is south's again"

# Council-wide records reach every device, the admin's included.
h0=$(rtype root.admin holiday)
s0=$(rtype root.admin setting)
srv holidays add --data "$data" 2027-06-04 --title "Royal occasion" \
	>/dev/null || bail "cannot add a holiday"
srv config set --data "$data" lease_days 5 >/dev/null ||
	bail "cannot set the lease"
run as root.admin sync --json
is "$RC/$(jget "$OUT" '.received > 0')" "0/true" "the admin's device receives something"
is "$h0 $s0/$(rtype root.admin holiday) $(rtype root.admin setting)/$(rtype root.admin child)" \
	"0 0/1 1/0" "a holiday and a setting, and still no child"
run env IRO_CLOCK_SKEW_MS=$((6 * DAY)) "$IRO_BIN_DIR/iro" \
	--home "$TMP/root.admin" children
like "$RC/$ERR" "^3/.*the council's limit is 5" \
	"the setting's value is in force on the admin's device"
run env IRO_CLOCK_SKEW_MS=$((6 * DAY)) "$IRO_BIN_DIR/iro" \
	--home "$TMP/root.admin" sync
is "$RC" 0 "and a sync unlocks it"

# ---- 3. a reallocation, both sides ------------------------------------

as asha.patel sync >/dev/null
v1=$(as asha.patel visit add C1002 --date 2026-01-06 --note "Visit before the move.")
n1=$(as asha.patel note add C1002 --text "Benji wants to keep his school.")
before=$(($(nchanges asha.patel "$v1") + $(nchanges asha.patel "$n1")))
srv allocate --data "$data" --child C1002 --iro ben.okafor \
	--reason "asha on leave" >/dev/null || bail "cannot reallocate C1002"
v2=$(as asha.patel visit add C1002 --date 2026-01-07 --note "Visit after the move.")
after=$(nchanges asha.patel "$v2")
[ -n "$v1" ] && [ -n "$n1" ] && [ -n "$v2" ] || bail "asha cannot write"
is "$(traces "$v1" asha.patel)" asha.patel \
	"(the search finds a record's id on the device that holds it)"
changes0=$(counter changes)
refused0=$(counter refused)
run as asha.patel sync --json
is "$RC/$(jget "$OUT" '[.sent, .refused, .children_out] | join(",")')" \
	"0/$before,$after,1" \
	"asha's sync: the edits made before the move sent, the later visit refused, the child gone"
like "$ERR" "1 child left your caseload: every record of theirs is gone from this device" \
	"and the sync says the child left"
is "$(($(counter changes) - changes0))/$(($(counter refused) - refused0))" \
	"$before/$after" "the server accepted the early edits and refused the later one"
is "$(reasons "$v2")/$(reasons "$v1")$(reasons "$n1")" \
	"forbidden: child 'C1002' is allocated to 'ben.okafor', not 'asha.patel'/" \
	"the refusal names ben; the early edits have none"
is "$(kids asha.patel)" C1001 "asha's device no longer holds C1002"
n=0
for id in "$c2" "$v1" "$n1" "$v2"; do
	as asha.patel history "$id" >/dev/null 2>&1 || n=$((n + 1))
done
is "$n" 4 "the history of the child and of each of its records: not found"
left=""
for id in "$c2" "$v1" "$n1" "$v2"; do left="$left$(traces "$id" asha.patel)"; done
is "$left" "" "none of their ids is left in any of asha's files"
is "$(plaintext asha.patel C1002 Benji Walsh "keep his school")" "" \
	"nor the child's council id, names or note text"

run as ben.okafor sync --json
is "$RC/$(jget "$OUT" .children_in)" "0/1" "ben's sync: one child joined"
is "$(kids ben.okafor)" C1002,C1003 "ben holds C1002 now"
run as ben.okafor show C1002 --json
is "$(jget "$OUT" '.fields | [.given_name, .family_name, .dob, .iro] | join(" ")')" \
	"Benji Walsh 2012-07-19 ben.okafor" \
	"with its fields from the import, before his cursor"
is "$(as ben.okafor history C1002 --json |
	jq -r 'map(select(.by == "import")) | length')" 5 "and their history"
is "$(sees "$v1" ben.okafor)/$(sees "$n1" ben.okafor)/$(sees "$v2" ben.okafor)" \
	"ben.okafor/ben.okafor/" \
	"asha's accepted visit and note came too, the refused visit did not"
is "$(as ben.okafor show "$n1" --json | jq -r .fields.text)" \
	"Benji wants to keep his school." "the note reads as asha wrote it"
nb2=$(as ben.okafor note add C1002 --text "Ben's first note on Benji.")
run as ben.okafor sync --json
is "$RC/$(jget "$OUT" .refused)/$(states ben.okafor "$nb2")" "0/0/synced" \
	"ben writes about C1002 and the server accepts it"
as asha.patel sync >/dev/null
is "$(sees "$nb2" asha.patel)$(traces "$nb2" asha.patel)" "" \
	"asha's device never receives it"

srv allocate --data "$data" --child C1002 --iro asha.patel \
	--reason "asha is back" >/dev/null || bail "cannot allocate back"
run as asha.patel sync --json
is "$RC/$(jget "$OUT" .children_in)/$(kids asha.patel)" "0/1/C1001,C1002" \
	"allocated back, C1002 returns to asha"
got=""
for id in "$v1" "$n1" "$nb2" "$v2"; do got="$got$(sees "$id" asha.patel)/"; done
is "$got" "asha.patel/asha.patel/asha.patel//" \
	"with her accepted edits and ben's note, without the refused visit"
as ben.okafor sync >/dev/null 2>&1
is "$(kids ben.okafor)/$(traces "$nb2" ben.okafor)" "C1003/" \
	"and it leaves ben's device, his own note included"

# ---- 10. the audit ------------------------------------------------------

J=$(srv audit --data "$data" --child C1002 --json)
is "$(jget "$J" '[.[] | select(.action == "allocate") | .detail |
	sub("; by unix user.*"; "")] | join("|")')" \
	"child 'C1002' from 'asha.patel' to 'ben.okafor': asha on leave|child 'C1002' from 'ben.okafor' to 'asha.patel': asha is back" \
	"audit --child C1002 has both allocations"
is "$(audits push asha.patel C1002 "$v1" "$n1" "$v2")" "yes yes yes " \
	"asha's push of both visits and the note, refused one included"
is "$(audits pull ben.okafor C1002 "$v1" "$n1" "$c2")" "yes yes yes " \
	"ben's pull of the accepted ones and of the child's record"
is "$(audits push ben.okafor C1002 "$nb2")$(audits pull asha.patel C1002 "$nb2")" \
	"yes yes " "ben's push of his note and asha's pull of it once C1002 was back"
is "$(audits pull ben.okafor C1002 "$v2")$(audits pull mo.khan C1002 "$v2")" \
	"no no " "the refused visit went out to nobody"
is "$(audits pull mo.khan C1001 "$va" "$na" "$c1")" "yes yes yes " \
	"mo's pulls of asha's visit, note and child are audited with the records"
is "$(audits pull sal.ortiz C1001 "$va")$(audits pull ben.okafor C1001 "$va")" \
	"no no " "and nobody else pulled them"

# ---- 8. replayed, altered, wrong-key and stale requests ----------------
#
# Real signed requests are captured by a one-shot listener on the
# server's port while the server is down, then sent with curl once it is
# back: as they were, altered, under another device's id and under an
# unknown one.

command -v perl >/dev/null 2>&1 || bail "perl is needed to capture requests"
cat >"$TMP/capture.pl" <<'PERL'
# capture.pl PORT OUT: take one HTTP request on 127.0.0.1:PORT, write its
# head to OUT.head and its body to OUT.body, answer 503.
use strict;
use warnings;
use IO::Socket::INET;
alarm 60;    # never outlive the test waiting for a request
my ($port, $out) = @ARGV;
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
	Listen => 1, ReuseAddr => 1) or die "cannot listen: $!\n";
open(my $r, '>', "$out.ready") or die "cannot write: $!\n";
close($r);
my $c = $l->accept or die "cannot accept: $!\n";
my ($head, $body, $b) = ('', '');
$head .= $b while $head !~ /\r\n\r\n\z/ && sysread($c, $b, 1);
my ($len) = $head =~ /^content-length:\s*(\d+)/mi;
while (length($body) < ($len // 0)) {
	sysread($c, $b, $len - length($body)) or last;
	$body .= $b;
}
open(my $h, '>', "$out.head") or die;
print $h $head;
close($h);
open(my $f, '>:raw', "$out.body") or die;
print $f $body;
close($f);
print $c "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n",
	"Connection: close\r\n\r\n";
close($c);
PERL
# capture NAME ARGS...: run iro ARGS against the listener.
capture() {
	_o=$TMP/cap.$1
	shift
	perl "$TMP/capture.pl" "$SERVER_PORT" "$_o" 2>"$_o.err" &
	_cp=$!
	track "$_cp"
	_i=0
	while [ ! -e "$_o.ready" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	"$@" >/dev/null 2>&1
	wait "$_cp"
	[ -s "$_o.head" ]
}
# hdr NAME HEADER: a header of a captured request.
hdr() { sed -n "s/^$2: //p" "$TMP/cap.$1.head" | tr -d '\r'; }
# resend NAME DEVICE BODY: send a captured request again, as DEVICE with
# BODY; CODE is the HTTP status, REPLY the printable bytes of the answer.
resend() {
	CODE=$(curl -s -o "$TMP/reply" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/msgpack' \
		-H "X-Iro-Device: $2" -H "X-Iro-Time: $(hdr "$1" X-Iro-Time)" \
		-H "X-Iro-Nonce: $(hdr "$1" X-Iro-Nonce)" \
		-H "X-Iro-Signature: $(hdr "$1" X-Iro-Signature)" \
		--data-binary @"$3" \
		"$SERVER_URL$(sed -n '1s/^POST \([^ ]*\).*/\1/p' "$TMP/cap.$1.head")")
	REPLY=$(tr -c '[:print:]' ' ' <"$TMP/reply")
}
# refusals DETAIL: how many audit entries record a refusal matching DETAIL.
refusals() {
	srv audit --data "$data" --json |
		jq "[.[] | select(.action == \"refused\") |
		select(.detail | test(\"$1\"))] | length"
}

nc=$(as cara.ng note add C1004 --text "Dana is thriving.")
ncn=$(nchanges cara.ng "$nc")
devc=$(dev cara.ng)
devb=$(dev ben.okafor)
stop_server
capture push as cara.ng sync ||
	bail "cannot capture a push: $(cat "$TMP/cap.push.err")"
# The same push again, signed on a clock ten minutes slow.
capture stale env IRO_CLOCK_SKEW_MS=-600000 "$IRO_BIN_DIR/iro" \
	--home "$TMP/cara.ng" sync ||
	bail "cannot capture a stale push: $(cat "$TMP/cap.stale.err")"
start_server "$data" "$SERVER_PORT" || bail "cannot restart the server"
is "$(sed -n 1p "$TMP/cap.push.head" | tr -d '\r')/$(hdr push X-Iro-Device)" \
	"POST /v1/push HTTP/1.1/$devc" "a push of cara's device is captured"
perl -0777 -pe 's/Dana is thriving/Dana is in danger/' \
	"$TMP/cap.push.body" >"$TMP/altered.body"
check "and a copy of its body altered" \
	sh -c "! cmp -s '$TMP/cap.push.body' '$TMP/altered.body'"
changes0=$(counter changes)

resend push "$devc" "$TMP/altered.body"
like "$CODE $REPLY" "^401 .*unauthenticated.*bad signature" \
	"an altered body: 401 unauthenticated, bad signature"
resend push "$devb" "$TMP/cap.push.body"
like "$CODE $REPLY" "^401 .*unauthenticated.*bad signature" \
	"ben's device id on a request signed with cara's key: 401 unauthenticated"
resend push 00112233445566778899aabbccddeeff "$TMP/cap.push.body"
like "$CODE $REPLY" "^401 .*unauthenticated.*unknown device" \
	"an unknown device: 401 unauthenticated"
resend stale "$devc" "$TMP/cap.stale.body"
like "$CODE $REPLY" "^401 .*clock_skew" \
	"signed ten minutes ago: 401 clock_skew"
is "$(counter changes)" "$changes0" "none of them wrote anything"
resend push "$devc" "$TMP/cap.push.body"
is "$CODE/$(counter changes)" "200/$((changes0 + ncn))" \
	"the captured push itself, sent once, is accepted"
resend push "$devc" "$TMP/cap.push.body"
like "$CODE $REPLY" "^401 .*unauthenticated.*replayed request" \
	"sent again: 401 unauthenticated, replayed"
is "$(counter changes)" "$((changes0 + ncn))" "and writes nothing more"
is "$(refusals "^401 POST /v1/push: unauthenticated: bad signature$")" 2 \
	"the audit holds the altered and the wrong-key requests"
is "$(srv audit --data "$data" --json | jq -r "[.[] | select(.action == \"refused\")
	| select(.device == \"$devb\") | .user] | join(\",\")")" ben.okafor \
	"the wrong-key one under the device it claimed to be"
is "$(refusals "unknown device '00112233445566778899aabbccddeeff'")" 1 \
	"the unknown device's"
is "$(refusals "^401 POST /v1/push: clock_skew")" 1 "the stale one's"
is "$(refusals "^401 POST /v1/push: unauthenticated: replayed request$")" 1 \
	"and the replay's"
run as cara.ng sync --json
is "$RC/$(jget "$OUT" '[.pending, .refused] | join(",")')/$(states cara.ng "$nc")" \
	"0/0,0/synced" "cara's next sync finds its push already delivered"

# ---- 5. a disabled user -------------------------------------------------

srv user disable --data "$data" ben.okafor >/dev/null ||
	bail "cannot disable ben"
refs0=$(refusals "user 'ben.okafor' is disabled")
changes0=$(counter changes)
run as ben.okafor sync
is "$RC" 3 "a disabled user's device cannot pull (exit 3)"
like "$ERR" "user 'ben.okafor' is disabled" "and is told why"
nd=$(as ben.okafor note add C1003 --text "Written while disabled.")
run as ben.okafor sync --json
is "$RC/$(as ben.okafor status --json | jq -r .pending)" \
	"3/$(nchanges ben.okafor "$nd")" "nor push: its edit stays pending"
is "$(($(refusals "user 'ben.okafor' is disabled") - refs0))/$(counter changes)" \
	"2/$changes0" "both requests refused (401, audited), nothing written"
is "$(srv audit --data "$data" --user ben.okafor --json | jq -r '[.[] |
	select(.action == "refused") | .detail | select(test("disabled")) |
	split(":")[0]] | unique | join(",")')" \
	"401 POST /v1/pull,401 POST /v1/push" "as 401 for the pull and the push"
run enrol "$TMP/ben2" ben.okafor
is "$RC" 3 "a disabled user cannot enrol another device"
check "and no replica is left" test ! -e "$TMP/ben2/replica.db"
srv user enable --data "$data" ben.okafor >/dev/null ||
	bail "cannot enable ben"
run as ben.okafor sync --json
is "$RC/$(jget "$OUT" '[.pending, .refused] | join(",")')/$(states ben.okafor "$nd")" \
	"0/0,0/synced" "enabled again, the device syncs and its edit goes through"
as mo.khan sync >/dev/null
is "$(sees "$nd" mo.khan)" mo.khan "and reaches mo"

# ---- 4. a revoked device --------------------------------------------------

enrol "$TMP/cara.2" cara.ng >/dev/null || bail "cannot enrol cara's second device"
srv device revoke --data "$data" "$devc" >/dev/null || bail "cannot revoke"
run as cara.ng sync
is "$RC" 3 "the revoked device's sync exits 3"
like "$ERR" "revoked by the server: its replica has been erased" \
	"and says why"
n=""
for c in status children "show C1004" "history $nc"; do
	as cara.ng $c >/dev/null 2>&1
	n="$n$? "
done
is "$n" "3 3 3 3 " "with the right passphrase no command opens it (exit 3)"
is "$(sqlite3 "$TMP/cara.ng/replica.db" "SELECT count(*) FROM keyring")" 0 \
	"its keyring is empty"
run iro --home "$TMP/cara.2" sync
is "$RC/$(iro --home "$TMP/cara.2" children --json | jq -r 'map(.child_id) | join(",")')" \
	"0/C1004" "cara's other device still syncs and holds her child"
is "$(iro --home "$TMP/cara.2" show "$nc" --json | jq -r .fields.text)" \
	"Dana is thriving." "with the note the revoked device had sent"

# ---- 6. an expired lease (lease_days is 5 since cell 7) -----------------

export IRO_CLOCK_SKEW_MS=$((6 * DAY))
run as asha.patel children
is "$RC/$OUT" "3/" "six days without a sync lock asha's device (exit 3)"
like "$ERR" "no sync for 6 days .the council's limit is 5.: run iro sync" \
	"and say why"
run as asha.patel show C1001
is "$RC/$(printf '%s' "$OUT" | grep -c Amara)" "3/0" "no child can be read"
run as asha.patel show "$na"
is "$RC/$OUT" "3/" "no record either"
run as asha.patel note add C1001 --text "while locked"
is "$RC" 3 "nothing can be written"
run as asha.patel sync
is "$RC" 0 "a sync goes through"
run as asha.patel children --json
is "$RC/$(jget "$OUT" 'map(.child_id) | join(",")')" "0/C1001,C1002" \
	"and unlocks the device"
unset IRO_CLOCK_SKEW_MS
is "$(as asha.patel status --json | jq -r .pending)" 0 \
	"the refused write left nothing to send"

# ---- 9. plain http to a remote address ----------------------------------

# TEST-NET-1: never contacted; the client refuses before connecting.
start=$(date +%s)
run sh -c "printf 'pw-asha.patel\n' | '$IRO_BIN_DIR/iro' --home '$TMP/far' \
	enrol --server http://192.0.2.10:8443 --username asha.patel"
end=$(date +%s)
is "$RC" 2 "enrolling over plain http to a remote address exits 2"
like "$ERR" "refusing plain http to '192\\.0\\.2\\.10'" "saying why"
check "at once, and leaves no replica" \
	test $((end - start)) -le 2 -a ! -e "$TMP/far/replica.db"
# A device's server address is fixed at enrolment (no command changes
# it), so an enrolled device cannot be pointed at plain http later.

stop_server
is "$SERVER_RC" 0 "the server stops cleanly"

finish
