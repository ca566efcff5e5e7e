#!/bin/sh
# Regenerates common/holidays_table.c (the compiled-in England & Wales bank
# holidays) from a GOV.UK bank-holidays.json file.  Run by hand when the
# data changes, and commit both files; the build never runs it.
# Usage: scripts/gen-holidays.sh [data/bank-holidays.json] > common/holidays_table.c
# Needs jq.  tests/unit/test_calendar.c checks the output against the data.
set -eu
in=${1:-data/bank-holidays.json}
command -v jq >/dev/null 2>&1 || { echo "gen-holidays: jq is needed" >&2; exit 1; }
[ -r "$in" ] || { echo "gen-holidays: cannot read '$in'" >&2; exit 1; }

jq -r '.["england-and-wales"].events[] | [.date, .title] | @tsv' "$in" |
sort -t "$(printf '\t')" -k1,1 |
LC_ALL=C awk -F '\t' -v src="$in" '
# Howard Hinnant'"'"'s days_from_civil: days since 1970-01-01.
function days(y, m, d,    era, yoe, doy, doe) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
# Undo the escapes of @tsv: backslash-t, -n, -r and a doubled backslash.
function untsv(s,    out, i, c) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\" && i < length(s)) {
			c = substr(s, ++i, 1)
			c = c == "t" ? "\t" : c == "n" ? "\n" : c == "r" ? "\r" : c
		}
		out = out c
	}
	return out
}
# A C string literal: printable ASCII as is, anything else as octal, so
# that no escape can swallow the next character.
function cstr(s,    out, i, c) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\"" || c == "\\")
			out = out "\\" c
		else if (c in ord)
			out = out sprintf("\\%03o", ord[c])
		else
			out = out c
	}
	return out
}
BEGIN {
	for (i = 1; i < 256; i++)
		if (i < 32 || i > 126)
			ord[sprintf("%c", i)] = i
	print "/*"
	print " * holidays_table.c - England & Wales bank holidays, generated from"
	print " * " src " by scripts/gen-holidays.sh.  Do not edit:"
	print " * change the data and run the script again."
	print " */"
	print "#include \"holidays_table.h\""
	print ""
	print "const struct holidays_table_entry holidays_table[] = {"
}
{
	if ($1 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) {
		printf "gen-holidays: bad date \"%s\"\n", $1 > "/dev/stderr"
		bad = 1
		exit 1
	}
	if ($1 == last)
		next
	last = $1
	split($1, p, "-")
	printf "\t{ %d, \"%s\" },\t/* %s */\n", days(p[1] + 0, p[2] + 0, p[3] + 0), cstr(untsv($2)), $1
	n++
}
END {
	if (bad)
		exit 1
	print "};"
	print ""
	printf "const size_t holidays_table_len = %d;\n", n + 0
}'
