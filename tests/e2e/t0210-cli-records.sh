#!/bin/sh
# t0210 - the IRO's casework commands against a real server: the caseload
# (children), one child's picture (child), the agenda, and the commands
# that create and update reviews, visits, notes, decisions, disputes and
# flags, with their help and their refusals (exit 2 naming the field, the
# value and what is allowed).  Everything is recorded offline with
# "today" pinned, works inside batch too, and reaches the server on sync.
. tests/e2e/lib.sh

plan 104

export IRO_PASSPHRASE="records on the cli"
A="$TMP/a"
cat >"$TMP/kids.csv" <<'CSV'
child_id,given_name,family_name,dob,iro
C1001,Amelia,Hart,2015-06-14,asha.patel
C1002,Ben,Okafor,2023-01-02,asha.patel
CSV
new_server "$TMP/srv" "$TMP/kids.csv" asha.patel || bail "cannot set up"
start_server "$TMP/srv" || bail "cannot start the server"
enrol "$A" asha.patel >/dev/null || bail "cannot enrol"
i() { iro --home "$A" "$@"; }
id_re='^[0-9a-f]{32}$'
field() { i show "$1" --json | jq -r ".fields.$2"; }
K1=$(i children --json | jq -r 'map(select(.child_id == "C1001"))[0].id')
stop_server
export IRO_TODAY=2026-03-10

# ---- help ---------------------------------------------------------------
run i help
for cmd in "children" "child CHILD" "agenda" "visit add" "visit update" \
	"note add" "note correct" "review add" "review update" "review held" \
	"review complete" "review adjourn" "review cancel" "decision add" \
	"decision done" "decision drop" "decision carry" "dispute add" \
	"dispute escalate" "dispute respond" "dispute cafcass" \
	"dispute resolve" "dispute withdraw" "flag CHILD FIELD"; do
	printf '%s\n' "$OUT" | grep -q "^  iro $cmd" || diag "missing: $cmd"
done
check "iro help lists every command" sh -c '
	for cmd in children "child CHILD" agenda "visit update" "note correct" \
		"review held" "review adjourn" "decision carry" \
		"dispute escalate" "dispute withdraw" "flag CHILD FIELD"; do
		printf "%s\n" "$1" | grep -q "^  iro $cmd" || exit 1
	done' - "$OUT"
run i review update --help
is "$RC" 0 "review update --help exits 0"
like "$OUT" '--spoken-privately yes\|refused\|inappropriate\|not_done' \
	"and shows an option's allowed values"
like "$OUT" '--participation PN0\|PN1\|PN2\|PN3\|PN4\|PN5\|PN6\|PN7' \
	"and the participation codes"
run i help review
is "$(printf '%s\n' "$OUT" | grep -c '^usage: iro review ')" 6 \
	"iro help review shows its six commands"
run i help dispute escalate
like "$OUT" 'informal\|team_manager\|service_manager\|head_of_service\|director' \
	"iro help dispute escalate shows the ladder"

# ---- the caseload -------------------------------------------------------
run i children --json
is "$RC" 0 "children --json exits 0"
is "$(jget "$OUT" '.[0] | keys_unsorted | join(",")')" \
	"id,child_id,given_name,family_name,dob,iro,next_review_due,review_overdue,working_days_left,review_basis,out_of_area,last_visit,open_decisions,drifting_decisions,dispute_stage,dispute_response_due,consultation_done" \
	"each child has the core keys and the worklist's"
is "$(jget "$OUT" 'map([.next_review_due, .working_days_left, .out_of_area, .last_visit] | map(tostring) | join(" ")) | unique | join(",")')" \
	"null null null null" \
	"without a period of care nothing is due, and out of area is unknown"
is "$(jget "$OUT" 'map(.child_id) | join(",")')" "C1001,C1002" \
	"with nothing due, children come by family name"
run i children
like "$(printf '%s\n' "$OUT" | head -n 1)" \
	'^CHILD ID +NAME +DOB +IRO +REVIEW DUE +DAYS LEFT +OUT OF AREA +LAST VISIT +DECISIONS +DISPUTE +ID$' \
	"the table shows the worklist's columns"

# ---- visits -------------------------------------------------------------
wishes="I want to stay here. I miss my brother."
V=$(i visit add C1001 --date 2026-03-10 --time 15:30 --purpose pre_review \
	--mode in_person --location placement --child-seen yes --seen-alone yes \
	--wishes "$wishes" --safeguarding no --note "settled")
like "$V" "$id_re" "visit add with every option prints the id"
is "$(i show "$V" --json | jq -r '.fields | [.date, .time, .purpose, .mode, .location, .child_seen, .seen_alone, .wishes, .safeguarding, .note] | map(tostring) | join("|")')" \
	"2026-03-10|15:30|pre_review|in_person|placement|true|true|$wishes|false|settled" \
	"every field is recorded"
check "visit update changes fields" i visit update "$V" --mode video \
	--safeguarding yes
is "$(field "$V" mode),$(field "$V" safeguarding)" "video,true" \
	"visit update applied both"
run i visit update "$V" --mode telepathy
is "$RC" 2 "a bad visit mode exits 2"
like "$ERR" "mode.*in_person, video, phone.*telepathy" \
	"naming the field, the value and what is allowed"
run i visit update "$V" --time 25:00
is "$RC" 2 "a time past 23:59 exits 2"
run i children --json
is "$(jget "$OUT" 'map(select(.child_id == "C1001"))[0].last_visit')" \
	2026-03-10 "the caseload shows the last visit"

# ---- reviews ------------------------------------------------------------
R=$(i review add C1001 --date 2026-03-17)
like "$R" "$id_re" "review add prints the id"
is "$(i show "$R" --json | jq -r '.fields | [.child, .status, .meeting_date, .format] | join(",")')" \
	"$K1,planned,2026-03-17,meeting" "a planned review of the child"
run i review update "$R" --participation PN9
is "$RC" 2 "PN9 exits 2"
like "$ERR" "participation.*PN0, PN1.*PN9" "naming the field, codes and value"
run i review update "$R" --participation PN0
is "$RC" 2 "PN0 is refused for a child of ten"
run i review add C1001
is "$RC" 2 "review add without --date exits 2"
like "$ERR" "--date YYYY-MM-DD is required" "saying what is missing"
run i review held "$R" --date 2026-03-17 --spoken-privately yes \
	--participation PN1 --child-chaired no --parents-views yes \
	--care-plan-endorsed yes
is "$RC" 0 "review held with its answers"
is "$(i show "$R" --json | jq -r '.fields | [.status, .meeting_date, .spoken_privately, .participation, .child_chaired, .parents_views, .care_plan_endorsed] | map(tostring) | join(",")')" \
	"held,2026-03-17,yes,PN1,false,true,true" "every answer is kept"
check "review update takes several fields" i review update "$R" \
	--decisions-distributed 2026-03-20 --record-completed 2026-03-24
check "review complete" i review complete "$R"
is "$(field "$R" status)" completed "the review is completed"
run i review cancel "$R"
is "$RC" 2 "a completed review cannot be cancelled"
like "$ERR" "status.*completed" "the message names the transition"
R2=$(i review add C1001 --date 2026-09-10)
run i review adjourn "$R2" --to 2026-13-01
is "$RC" 2 "adjourning to a bad date exits 2"
is "$(field "$R2" status)" planned "and leaves the review as it was"
check "review adjourn" i review adjourn "$R2" --to 2026-09-24
is "$(field "$R2" status),$(field "$R2" adjourned_to)" "adjourned,2026-09-24" \
	"the review is adjourned to the date given"
R3=$(i review add C1001 --date 2026-10-01)
check "review cancel" i review cancel "$R3"
is "$(field "$R3" status)" cancelled "the review is cancelled"

# ---- decisions ----------------------------------------------------------
D1=$(i decision add "$R" --text "Fortnightly contact with her brother" \
	--responsible "Jo Marsh" --due 2026-04-30)
like "$D1" "$id_re" "decision add prints the id"
is "$(i show "$D1" --json | jq -r '.fields | [.child, .review, .status, .responsible, .due] | join(",")')" \
	"$K1,$R,open,Jo Marsh,2026-04-30" "the child is taken from the review"
run i decision add "$V" --text "x"
is "$RC" 2 "a decision needs a review, not a visit"
check "decision carry" i decision carry "$D1" --to "$R2"
is "$(field "$D1" carried),$(field "$D1" carried_to)" "1,$R2" \
	"carried once, to the review"
check "carried again" i decision carry "$D1" --to "$R2"
run i children --json
is "$(jget "$OUT" 'map(select(.child_id == "C1001"))[0] | [.open_decisions, .drifting_decisions] | join(",")')" \
	"1,1" "carried twice is drift"
run i children
like "$(printf '%s\n' "$OUT" | grep '^C1001')" ' 1 \(1 drift\) ' \
	"and the table says so"
D2=$(i decision add "$R" --text "PEP before summer" --due 2026-04-10)
check "decision done" i decision done "$D2"
is "$(field "$D2" status)" done "the decision is done"
run i decision carry "$D2" --to "$R2"
is "$RC" 2 "a done decision is not carried forward"
D3=$(i decision add "$R" --text "Review the contact plan")
check "decision drop" i decision drop "$D3"
is "$(field "$D3" status)" dropped "the decision is dropped"

# ---- disputes -----------------------------------------------------------
S=$(i dispute add C1001 --category contact --date 2026-03-11)
like "$S" "$id_re" "dispute add prints only the dispute's id"
is "$(i show "$S" --json | jq -r '.fields | [.child, .category, .opened, .status] | join(",")')" \
	"$K1,contact,2026-03-11,open" "the dispute is open"
run i dispute add C1001 --category tea
is "$RC" 2 "an unknown category exits 2"
like "$ERR" "category.*care_plan.*tea" "naming the field, categories and value"
run i dispute escalate "$S" --stage service_manager --date 2026-03-18
is "$RC" 0 "escalated to the service manager, skipping the team manager"
like "$OUT" "$id_re" "printing the stage's id"
run i dispute escalate "$S" --stage team_manager
is "$RC" 2 "a dispute cannot go back down the ladder"
like "$ERR" "stage.*service_manager.*team_manager" "naming the stages"
run i dispute escalate "$S" --stage chief
is "$RC" 2 "an unknown stage exits 2"
check "dispute respond" i dispute respond "$S" --date 2026-03-20 \
	--outcome not_resolved --text "The plan stays."
check "dispute cafcass" i dispute cafcass "$S"
is "$(field "$S" cafcass_referred)" 2026-03-10 "the referral is dated today"
run i child C1001 --json
is "$(jget "$OUT" '.disputes[0].stages | map(.stage + "@" + .sent + ">" + (.outcome // "-")) | join(",")')" \
	"informal@2026-03-11>-,service_manager@2026-03-18>not_resolved" \
	"the first rung was recorded on opening; the response on the current stage"
S2=$(i dispute add C1002 --category health --stage team_manager \
	--date 2026-03-10)
run i children --json
is "$(jget "$OUT" 'map(.dispute_stage) | join(",")')" \
	"service_manager,team_manager" "the caseload shows each dispute's stage"
run i agenda --json
is "$RC" 0 "agenda --json exits 0"
is "$(jget "$OUT" '.[0] | keys_unsorted | join(",")')" \
	"date,kind,child,child_id,child_name,record,text,working_days_left,overdue" \
	"agenda items have the contract's keys"
is "$(jget "$OUT" 'map(select(.kind == "dispute_response")) | map(.child_id + "@" + .date) | join(",")')" \
	"C1002@2026-03-17" "the team manager's response is due in 5 working days"
run i agenda --days 40 --json
is "$(jget "$OUT" 'map(select(.kind == "decision_due")) | map(.record + "@" + .date) | join(",")')" \
	"$D1@2026-04-30" \
	"in 40 working days the open decision is due; done and dropped are not"
is "$(jget "$OUT" 'map(.date) == (map(.date) | sort)')" true \
	"items come in date order"
run i agenda --json
is "$(jget "$OUT" 'map(select(.kind == "decision_due")) | length')" 0 \
	"the default 20 working days leave it out"
run i agenda
like "$(printf '%s\n' "$OUT" | head -n 1)" '^DATE +DAYS LEFT +CHILD ID +NAME +WHAT +RECORD$' \
	"the agenda table has its columns"
run i agenda --days 999
is "$RC" 2 "--days past 520 exits 2"
check "dispute resolve" i dispute resolve "$S" --date 2026-03-25 \
	--outcome "Contact agreed"
is "$(i show "$S" --json | jq -r '.fields | [.status, .closed, .outcome] | join(",")')" \
	"resolved,2026-03-25,Contact agreed" "the dispute is resolved"
run i dispute escalate "$S" --stage director
is "$RC" 2 "a resolved dispute is not escalated"
check "dispute withdraw" i dispute withdraw "$S2"
is "$(field "$S2" status),$(field "$S2" closed)" "withdrawn,2026-03-10" \
	"the dispute is withdrawn today"

# ---- notes and flags ----------------------------------------------------
N=$(i note add C1001 --text "Spoke with the carer." --type consultation)
check "note finalise" i note finalise "$N"
N2=$(i note correct "$N" --text "Spoke with both carers.")
like "$N2" "$id_re" "note correct prints the new note's id"
is "$(i show "$N2" --json | jq -r '.fields | [.child, .type, .supersedes, .status, .text] | join(",")')" \
	"$K1,consultation,$N,draft,Spoke with both carers." \
	"the correction supersedes the note, same child and type"
is "$(field "$N" text),$(field "$N" status)" "Spoke with the carer.,final" \
	"the earlier note stays readable as it was"
F=$(i flag C1001 dob --text "The year looks wrong")
like "$F" "$id_re" "flag prints the id"
is "$(i show "$F" --json | jq -r '.fields | [.child, .field, .status] | join(",")')" \
	"$K1,dob,open" "the flag names the child's field"
run i flag C1001 shoe_size --text "x"
is "$RC" 2 "flagging a field the child does not have exits 2"
like "$ERR" "shoe_size.*dob" "naming the child's fields"

# ---- one child's picture ------------------------------------------------
run i child C1001 --json
is "$RC" 0 "child --json exits 0"
is "$(jget "$OUT" 'keys_unsorted | join(",")')" \
	"child,summary,reviews,visits,notes,decisions,disputes,flags" \
	"the picture has every section"
is "$(jget "$OUT" '[.child.child_id, .summary.last_visit, (.reviews | length), (.visits | length), (.notes | length), (.decisions | length), (.disputes | length), (.flags | length)] | map(tostring) | join(",")')" \
	"C1001,2026-03-10,3,1,2,3,1,1" "with every record of the child"
is "$(jget "$OUT" '.reviews | map(.id) | join(",")')" "$R,$R2,$R3" \
	"reviews in date order, each with its id"
run i child C1001
is "$RC" 0 "child exits 0"
check "the text shows each section" sh -c 'for s in reviews visits notes \
	decisions disputes flags; do printf "%s\n" "$1" | grep -qx "$s" ||
	exit 1; done' - "$OUT"
like "$OUT" "drift" "and the drifting decision"
run i child C9999
is "$RC" 2 "an unknown child exits 2"

# ---- batch and today ----------------------------------------------------
cat >"$TMP/batch" <<EOF
review add C1002 --date 2026-04-01
visit update $V --wishes 'in batch'
agenda --today 2026-01-05 --json
dispute add C1002 --category other
EOF
run i batch <"$TMP/batch"
is "$RC" 0 "the record commands work inside batch"
is "$(printf '%s\n' "$OUT" | sed -n 2p | jq 'map(.date < "2026-03-10") | all')" \
	true "a command's --today is the agenda's today"
N3=$(printf '%s\n' "$OUT" | sed -n 3p)
is "$(i show "$N3" --json | jq -r .fields.opened)" 2026-03-10 \
	"and holds for that command only"
is "$(field "$V" wishes)" "in batch" "visit update ran in batch"
run iro --home "$A" --today 2026-02-30 children
is "$RC" 2 "an impossible --today exits 2"
IRO_TODAY=soon run iro --home "$A" agenda
is "$RC" 2 "so does a malformed IRO_TODAY"

# ---- to the server ------------------------------------------------------
start_server "$TMP/srv" "$SERVER_PORT" || bail "cannot restart the server"
run i sync --json
is "$(jget "$OUT" '[.refused, .pending] | join(",")')" "0,0" \
	"everything syncs, nothing refused"
counts=""
for t in review visit decision dispute dispute_stage note flag; do
	counts="$counts $t=$(srv records --data "$TMP/srv" --type $t --json |
		jq length)"
done
is "$counts" " review=4 visit=1 decision=3 dispute=3 dispute_stage=4 note=2 flag=1" \
	"the server holds every record made"
run srv show --data "$TMP/srv" "$S" --json
is "$(jget "$OUT" '.fields | [.status, .cafcass_referred] | join(",")')" \
	"resolved,2026-03-10" "including the dispute as resolved"
stop_server
finish
