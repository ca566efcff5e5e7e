#!/bin/sh
# demo-caseload.sh - print a made-up caseload: the CSV `iro-server import`
# reads (child_id,given_name,family_name,dob,iro), or with -o DIR an
# SSDA903-style extract for `iro-server import-903`.
#
# usage: demo-caseload.sh [-n COUNT] [-s SEED] [-t YYYY-MM-DD]
#                         [-o DIR [-c COUNCIL]] IRO...
#   -n  number of children (default 150)
#   -s  seed (default 20261123): the same seed gives the same caseload
#   -t  "today", from which dates are taken (default: today, UTC)
#   -o  write DIR/header.csv, DIR/episodes.csv, DIR/reviews.csv and
#       DIR/allocations.csv (SSDA903 columns, dates dd/mm/yyyy) instead
#   -c  the council's own code for -o (default E06000099); about one
#       child in eight is placed in another council
# The children are shared out among the IRO usernames given.  Every name
# is invented; the generator is POSIX awk with its own random numbers
# (Park-Miller), so any awk gives the same output.
#
# The extract: each child's current period of care starts with an RNE=S
# episode between two weeks and five years ago (some children had an
# earlier period, with its own review); some change legal status or
# placement later.  Reviews were held on time (20 working days, 3 months,
# then 6 months, each a few days early) up to today, except that every
# twentieth child has missed the latest one, so it is overdue, and every
# twenty-fifth is new to care with no review yet.  The children are dealt
# to the IROs in turn.  Participation is PN0 under 4.
set -eu
count=150
seed=20261123
today=$(date -u +%Y-%m-%d)
out=""
council=E06000099
usage="usage: $0 [-n COUNT] [-s SEED] [-t YYYY-MM-DD] [-o DIR [-c COUNCIL]] IRO..."
while getopts n:s:t:o:c: opt; do
	case $opt in
	n) count=$OPTARG ;;
	s) seed=$OPTARG ;;
	t) today=$OPTARG ;;
	o) out=$OPTARG ;;
	c) council=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	echo "$usage" >&2
	exit 2
fi
case $count in ''|*[!0-9]*) echo "$0: -n wants a number" >&2; exit 2 ;; esac
case $seed in ''|*[!0-9]*) echo "$0: -s wants a number" >&2; exit 2 ;; esac
case $today in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*) echo "$0: -t wants YYYY-MM-DD" >&2; exit 2 ;;
esac
case $council in
''|*[!A-Za-z0-9]*) echo "$0: -c wants a council code" >&2; exit 2 ;;
esac

# Shared by both outputs: the generator, civil dates and the name lists.
lib='
# Park-Miller minimal standard generator: every product stays below 2^53,
# so the sequence is exact in any awk.
function rnd(n) {
	state = (state * 16807) % 2147483647
	return state % n
}
# Days since 1970-01-01 for a civil date, and back (H. Hinnant).
function days(y, m, d,   era, yoe, doy, doe) {
	if (m <= 2) y--
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function civil(z,   era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - \
	    int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp + (mp < 10 ? 3 : -9)
	if (m <= 2) y++
	cy = y
	cm = m
	cd = d
	return sprintf("%04d-%02d-%02d", y, m, d)
}
function names() {
	ng = split("Amelia Olivia Isla Ava Mia Ivy Lily Freya Grace Sophia " \
	    "Aisha Zara Maryam Amara Chloe Ellie Ruby Poppy Evie Layla " \
	    "Niamh Megan Seren Hannah Jessica Kayla Leah Imani Priya Nadia " \
	    "Oliver George Noah Arthur Leo Harry Oscar Jack Charlie Jacob " \
	    "Muhammad Yusuf Ibrahim Kofi Tariq Dylan Callum Rhys Owen Liam " \
	    "Ethan Mason Riley Kian Tyler Jayden Reuben Ravi Arjun Tomasz", given)
	nf = split("Smith Jones Taylor Brown Williams Wilson Johnson Davies " \
	    "Robinson Wright Thompson Evans Walker White Roberts Green Hall " \
	    "Wood Jackson Clarke Patel Khan Ahmed Begum Hussain Ali Okafor " \
	    "Mensah Adeyemi Campbell Murphy Kelly OBrien Kowalski Nowak " \
	    "Hughes Edwards Lewis Morgan Price Fraser Bennett Shaw Lloyd " \
	    "Singh Kaur Chen Nguyen Santos Silva Rossi Baker Turner Harris " \
	    "Cooper Ward Morris King Scott Baxter", family)
}
function start(   t) {
	names()
	ni = split(iros, iro, " ")
	split(today, t, "-")
	now = days(t[1] + 0, t[2] + 0, t[3] + 0)
	state = seed % 2147483646 + 1
	for (k = 0; k < 8; k++) rnd(2)
}
'

if [ -z "$out" ]; then
	awk -v count="$count" -v seed="$seed" -v today="$today" \
	    -v iros="$*" "$lib"'
BEGIN {
	start()
	print "child_id,given_name,family_name,dob,iro"
	for (i = 1; i <= count; i++) {
		# Ages from two weeks to just under 18 years.
		age = 14 + rnd(17 * 365 + 350)
		printf "C%06d,%s,%s,%s,%s\n", 104000 + i * 37, \
		    given[1 + rnd(ng)], family[1 + rnd(nf)], \
		    civil(now - age), iro[1 + rnd(ni)]
	}
}'
	exit 0
fi

mkdir -p "$out"
awk -v count="$count" -v seed="$seed" -v today="$today" -v iros="$*" \
    -v council="$council" -v out="$out" "$lib"'
function uk(z) {
	civil(z)
	return sprintf("%02d/%02d/%04d", cd, cm, cy)
}
# The corresponding date n calendar months later, clipped to month end.
function addmonths(z, n,   y, m, d, last) {
	civil(z)
	m = cm - 1 + n
	y = cy + int(m / 12)
	m = m % 12 + 1
	last = days(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - days(y, m, 1)
	d = cd > last ? last : cd
	return days(y, m, d)
}
# Years completed on day z by a child born on day b.
function age(b, z,   by, bm, bd) {
	civil(b)
	by = cy; bm = cm; bd = cd
	civil(z)
	return cy - by - (cm < bm || (cm == bm && cd < bd))
}
# A full postcode in the district given: "LS8" -> "LS8 4QT".
function postcode(district,   l) {
	l = "ABDEFGHJLNPQRSTUWXYZ"
	return district " " rnd(10) substr(l, 1 + rnd(20), 1) \
	    substr(l, 1 + rnd(20), 1)
}
function pick(list,   a, n) {
	n = split(list, a, " ")
	return a[1 + rnd(n)]
}
# A placement for a child of age a starting on day z: sets place, prov,
# urn, la and post.
function placement(a, z,   r, k) {
	r = rnd(100)
	if (a >= 16 && z >= k3from && r < 30) place = "K3"
	else if (r < 12 && a >= 8) place = "K2"
	else if (r < 17) place = pick("U1 U2 U3")
	else if (r < 21 && a < 16) place = "P1"
	else place = pick("U4 U4 U5 U6 U6 U6")
	if (place == "P1") prov = "PR0"
	else if (place ~ /^U[123]/) prov = "PR1"
	else if (place == "K2" || place == "K3") prov = pick("PR1 PR4 PR4 PR5")
	else prov = pick("PR1 PR1 PR4")
	urn = place == "K2" ? sprintf("SC%06d", 100000 + rnd(900000)) : "XXXXXXX"
	if (rnd(100) < 13 && place != "P1") {
		k = 1 + rnd(nout)
		la = outla[k]
		post = postcode(outpost[k])
	} else {
		la = council
		post = postcode("LS" (1 + rnd(28)))
	}
}
function allocate(id, i) {
	printf "%s,%s,%s,%s\n", id, iro[1 + i % ni], given[1 + rnd(ng)], \
	    family[1 + rnd(nf)] >alloc
}
# The weekday on or before day z (a weekend moves back to the Friday).
function weekday(z,   wd) {
	wd = (z + 3) % 7
	return wd >= 5 ? z - (wd - 4) : z
}
function review(id, dob, z) {
	if (age(dob, z) < 4) code = "PN0"
	else code = pick("PN1 PN1 PN1 PN1 PN1 PN2 PN2 PN3 PN4 PN5 PN6 PN6 PN7")
	printf "%s,%s,%s,%s\n", id, uk(dob), uk(z), code >revs
}
BEGIN {
	start()
	hdr = out "/header.csv"
	eps = out "/episodes.csv"
	revs = out "/reviews.csv"
	alloc = out "/allocations.csv"
	k3from = days(2024, 4, 1)
	nout = split("E08000025:B E08000003:M E08000012:L E08000019:S " \
	    "E08000021:NE E06000014:YO E10000007:DE E06000018:NG", pair, " ")
	for (k = 1; k <= nout; k++) {
		split(pair[k], part, ":")
		outla[k] = part[1]
		outpost[k] = part[2] (1 + rnd(30))
	}
	print "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB" >hdr
	print "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC," \
	    "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,PL_LA" >eps
	print "CHILD,DOB,REVIEW,REVIEW_CODE" >revs
	print "CHILD,IRO,GIVEN_NAME,FAMILY_NAME" >alloc
	for (i = 1; i <= count; i++) {
		id = sprintf("C%06d", 104000 + i * 37)
		# Every twentieth child missed the latest review (overdue);
		# every twenty-fifth is new to care (no review yet).
		overdue = i % 20 == 7
		newcare = i % 25 == 11
		dob = now - (30 + rnd(17 * 365 + 300))
		if (overdue && now - dob < 400) dob = now - 400 - rnd(3000)
		sex = rnd(2) ? "M" : "F"
		a = age(dob, now)
		upn = a < 5 ? "UN1" : sprintf("H8012%08d", rnd(99999999))
		mother = sex == "F" && a >= 12 ? "0" : ""
		printf "%s,%s,%s,%s,%s,%s,\n", id, sex, uk(dob), \
		    pick("WBRI WBRI WBRI WBRI WBRI WIRI WOTH MWBC MWBA MOTH " \
		    "AIND APKN ABAN BCRB BAFR BOTH CHNE OOTH"), upn, mother >hdr
		home = postcode("LS" (1 + rnd(28)))
		cin = pick("N1 N1 N1 N1 N1 N2 N3 N4 N4 N5 N6 N7 N8")
		# Care began up to five years ago, never before birth.
		if (newcare) cs = now - (3 + rnd(20))
		else cs = now - (30 + rnd(5 * 365))
		if (cs < dob + 1) cs = dob + 1 + rnd(now - dob - 1)
		if (overdue && now - cs < 45) cs = now - 45
		# An earlier period of care, ended with a return home.
		if (rnd(10) == 0 && cs - dob > 400) {
			ps = dob + rnd(cs - dob - 300)
			pe = ps + 60 + rnd(200)
			placement(age(dob, ps), ps)
			printf "%s,%s,S,V2,%s,%s,%s,%s,E4A,,%s,%s,%s,%s\n", id, \
			    uk(ps), cin, place, prov, uk(pe), home, post, urn, \
			    la >eps
			review(id, dob, weekday(ps + 14 + rnd(10)))
		}
		a = age(dob, cs)
		ls = a >= 16 && rnd(3) == 0 ? "V2" : pick("C1 C1 C2 V2")
		placement(a, cs)
		# Later episodes: a full care order, a move of placement.
		e = 0
		ed[0] = cs
		if (ls == "C1" && now - cs > 120) {
			e++
			ed[e] = cs + 60 + rnd(now - cs - 90)
			rne[e] = "L"
		}
		if (now - cs > 400 && rnd(3) == 0) {
			e++
			ed[e] = (e == 2 ? ed[1] : cs) + 30 + rnd(200)
			if (ed[e] >= now) ed[e] = now - 1
			rne[e] = "P"
		}
		for (k = 0; k <= e; k++) {
			if (k > 0 && rne[k] == "L") ls = "C2"
			if (k > 0 && rne[k] == "P")
				placement(age(dob, ed[k]), ed[k])
			why = ""
			if (k > 0 && rne[k] == "P")
				why = pick("CARPL CHRES STAND LAREQ")
			dec = rec = ""
			if (k < e) {
				dec = uk(ed[k + 1])
				rec = "X1"
			}
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", \
			    id, uk(ed[k]), k == 0 ? "S" : rne[k], ls, cin, \
			    place, prov, dec, rec, why, home, post, urn, la >eps
		}
		# Reviews on time, each a few days early, while due before today.
		n = 0
		due = cs + 26
		while (due < now) {
			held[n++] = weekday(due - rnd(8))
			due = addmonths(held[n - 1], n == 1 ? 3 : 6)
		}
		if (overdue) n--
		for (k = 0; k < n; k++) review(id, dob, held[k])
		allocate(id, i)
	}
}'
