#!/bin/sh
# demo-caseload.sh - print a made-up caseload as the CSV `iro-server
# import` reads (child_id,given_name,family_name,dob,iro).
#
# usage: demo-caseload.sh [-n COUNT] [-s SEED] [-t YYYY-MM-DD] IRO...
#   -n  number of children (default 150)
#   -s  seed (default 20261123): the same seed gives the same caseload
#   -t  "today", from which dates of birth (0 to 17 years back) are taken
#       (default: today, UTC)
# The children are shared out among the IRO usernames given.  Every name
# is invented; the generator is POSIX awk with its own random numbers
# (Park-Miller), so any awk gives the same output.
set -eu
count=150
seed=20261123
today=$(date -u +%Y-%m-%d)
while getopts n:s:t: opt; do
	case $opt in
	n) count=$OPTARG ;;
	s) seed=$OPTARG ;;
	t) today=$OPTARG ;;
	*) echo "usage: $0 [-n COUNT] [-s SEED] [-t YYYY-MM-DD] IRO..." >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	echo "usage: $0 [-n COUNT] [-s SEED] [-t YYYY-MM-DD] IRO..." >&2
	exit 2
fi
case $count in ''|*[!0-9]*) echo "$0: -n wants a number" >&2; exit 2 ;; esac
case $seed in ''|*[!0-9]*) echo "$0: -s wants a number" >&2; exit 2 ;; esac
case $today in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*) echo "$0: -t wants YYYY-MM-DD" >&2; exit 2 ;;
esac

awk -v count="$count" -v seed="$seed" -v today="$today" -v iros="$*" '
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
	return sprintf("%04d-%02d-%02d", y, m, d)
}
BEGIN {
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
	ni = split(iros, iro, " ")
	split(today, t, "-")
	now = days(t[1] + 0, t[2] + 0, t[3] + 0)
	state = seed % 2147483646 + 1
	for (k = 0; k < 8; k++) rnd(2)
	print "child_id,given_name,family_name,dob,iro"
	for (i = 1; i <= count; i++) {
		# Ages from two weeks to just under 18 years.
		age = 14 + rnd(17 * 365 + 350)
		printf "C%06d,%s,%s,%s,%s\n", 104000 + i * 37, \
		    given[1 + rnd(ng)], family[1 + rnd(nf)], \
		    civil(now - age), iro[1 + rnd(ni)]
	}
}'
