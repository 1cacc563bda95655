#!/bin/bash
# The template gallery through real nginx: /templates lists the shipped
# templates with what they need, a template's page draws its graph, "Use
# this template" imports it as one's own workflow (through the form, with its
# CSRF token), and each template, once the credential it names ("LLM
# provider", of type llm) is made for the scripted language model stand-in,
# runs end to end on a page and a PDF served on 127.0.0.1 and
# gives its documented output (the course documents: a chapter added, then a
# question asked through the webhook; the mail triage polling a real Dovecot,
# dovecot.sh, through its "Mailbox" credential, messages delivered there).
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=dovecot.sh
. "$top_srcdir/tests/integration/dovecot.sh"
it_init
it_start_dovecot teacher "mailbox pw 3"
command -v python3 >/dev/null || it_skip "python3 is not installed"

python3 "$top_srcdir/tests/standins/scripted-llm/llm_standin.py" >"$IT_TMP/llm-port" &
IT_PIDS+=($!)
mkdir -p "$IT_TMP/site"
python3 "$top_srcdir/tests/sandbox/make_pdf.py" "$(printf 'Cells divide by mitosis.\nCaf\303\251 au lait.')" \
	'Page two: ribosomes make proteins.' >"$IT_TMP/site/chapter.pdf"
printf '<html><head><title>Cells</title></head><body><h1>Cells</h1><p>Cells divide by mitosis.</p><script>hidden()</script></body></html>' \
	>"$IT_TMP/site/cells.html"
SITE_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$IT_TMP/site" "$SITE_PORT" >"$IT_TMP/site.log" 2>&1 &
IT_PIDS+=($!)
it_wait_port "$SITE_PORT" "the page server" "$IT_TMP/site.log" || exit 1
for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/llm-port" ] && break; sleep 0.1; done
LLM=http://127.0.0.1:$(cat "$IT_TMP/llm-port")

it_start nginx "egress_allow_loopback = yes" "egress_ca_file = $IMAP_CA"
it_setup_owner "gallery pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token gallery
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data "$(jq -n --arg b "$LLM/v1" \
	'{name: "LLM provider", type: "llm", fields: {base_url: $b, model: "echo"}}')"
check_status 201 "the credential the templates name, made for the stand-in, its default model echo"
OWNER_JAR=$JAR
JAR=

echo "# the list"
req GET /templates "${API[@]}"
check_status 200 "GET /templates"
check_json '[.templates[].slug] | join(" ")' \
	"add-to-course-base ask-course-documents flashcards-from-chapter mail-triage quiz-from-notes rss-daily-digest summarise-web-page" \
	"the shipped templates, by file name"
check_json '.templates[] | select(.slug == "flashcards-from-chapter") | .needs | length' 2 "the flashcards need a model and the network"
check_json '.templates[] | select(.slug == "summarise-web-page") | .needs[0] | startswith("A language model")' true "... said for people"
check_json '.templates[] | select(.slug == "mail-triage") | .needs | map(.[:12]) | join(", ")' \
	"A language m, A mailbox: a, Internet acc" "the mail triage needs a model, a mailbox (its trigger's) and the network"
check_json '[.templates[].problems | length] | add' 0 "every template is a workflow this server can run"
check_json '.templates[0].document | fromjson | .axon_workflow' 1 "each carries the export that the import form takes"
JAR=$OWNER_JAR req GET /templates
check_body_contains 'action="/workflows/import"' "the page has a Use this template form per template"
check_eq "$(grep -o '<form method="post" action="/workflows/import" class="inline"><input type="hidden" name="csrf" value="[0-9a-f]*"' "$BODY" | wc -l)" 7 \
	"... each with its CSRF token"
check_body_contains '<a href="/templates">Templates</a>' "the navigation leads to it"

echo "# one template"
JAR=$OWNER_JAR req GET /templates/flashcards-from-chapter
check_status 200 "a template's page"
check_body_contains '<svg' "... draws its graph"
check_body_contains 'href="/blocks/pdf.text"' "... whose blocks link to their pages"
req GET /templates/flashcards-from-chapter "${API[@]}"
check_json '.drawing.nodes | length' 5 "the JSON twin has the drawing: the trigger and four blocks"
req GET /templates/nope "${API[@]}"
check_status 404 "an unknown template"
req GET /templates/..%2Fgallery%2Fflashcards-from-chapter "${API[@]}"
check_status 404 "a name that is not a template's is never a path"

echo "# use it"
JAR=$OWNER_JAR req GET /templates
DOC=$(grep -o '<input[^>]*name="document"[^>]*>' "$BODY" | grep 'Flashcards from a chapter' | sed -n 's/.*value="\([^"]*\)".*/\1/p' |
	sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&#39;/'"'"'/g; s/&amp;/\&/g')
JAR=$OWNER_JAR req POST /workflows/import --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode "document=$DOC" --data suffix=1
check_status 303 "Use this template imports it"
WF=$(sed -n 's|^[Ll]ocation: /workflows/\([0-9]*\).*|\1|p' "$HEADERS" | tr -d '\r')
req GET "/workflows/$WF" "${API[@]}"
check_json '.workflow.name + " " + (.workflow.tags | join(","))' "Flashcards from a chapter template" "... as a workflow of one's own, tagged template"
JAR=$OWNER_JAR req GET /templates
JAR=$OWNER_JAR req POST /workflows/import --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode "document=$DOC" --data suffix=1
WF2=$(sed -n 's|^[Ll]ocation: /workflows/\([0-9]*\).*|\1|p' "$HEADERS" | tr -d '\r')
req GET "/workflows/$WF2" "${API[@]}"
check_json .workflow.name "Flashcards from a chapter (2)" "used twice, the second takes a free name"

# import DOC: a template's export document imported through the API; sets WF.
import() {
	req POST "/workflows/import?suffix=1" "${API[@]}" -H 'Content-Type: application/json' --data "$1"
	WF=$(jqb .workflow.id)
}

# run SLUG MODEL INPUT: the template imported (its ai blocks given the
# stand-in's MODEL, "" for the credential's default) and run; the run in BODY.
run() {
	local doc
	doc=$(jq --arg m "$2" '{axon_workflow: 1, name: .name, definition: (.blocks |= map(
		if $m != "" and (.type | startswith("ai.")) then .config.model = $m else . end))}' \
		"$top_srcdir/templates/gallery/$1.json")
	import "$doc"
	req POST "/workflows/$WF/run?wait=30" "${API[@]}" -H 'Content-Type: application/json' --data "{\"input\": $3}"
}

echo "# each template runs end to end"
run summarise-web-page "" "{\"url\": \"http://127.0.0.1:$SITE_PORT/cells.html\"}"
check_json .run.status succeeded "summarise a web page runs as shipped, with the credential it names"
check_json '.run.steps[] | select(.block == "summary") | .outputs.answer.text | contains("Cells divide by mitosis.")' true \
	"... and its summary (answer.text) is the model's answer on the page's text"
check_json '.run.steps[] | select(.block == "summary") | .outputs.answer.text | contains("hidden")' false "... without the page's script"
run flashcards-from-chapter flashcards "{\"url\": \"http://127.0.0.1:$SITE_PORT/chapter.pdf\"}"
check_json .run.status succeeded "flashcards from a chapter runs"
check_json '.run.steps[] | select(.block == "csv") | .outputs.text' \
	"$(printf 'What about cells divide?,Cells divide by mitosis.\nWhat about caf\303\251 au?,Caf\303\251 au lait.\nWhat about page two:?,Page two: ribosomes make proteins.\n')" \
	"... and its output is CSV for Anki, a card a line, from every page of the PDF"
run quiz-from-notes quiz '{"notes": "Cells divide by mitosis. Ribosomes make proteins."}'
check_json .run.status succeeded "a quiz from my notes runs"
check_json '.run.steps[0].outputs.data.questions | map("\(.question) \(.answer)") | join(" / ")' \
	"What about cells divide? Cells divide by mitosis. / What about ribosomes make? Ribosomes make proteins." \
	"... and its output is a question and its answer per point"
run add-to-course-base embedder "{\"url\": \"http://127.0.0.1:$SITE_PORT/chapter.pdf\", \"title\": \"Chapter 1\"}"
check_json .run.status succeeded "add a chapter to my course documents runs"
check_json '.run.steps[] | select(.block == "add") | .outputs.added | "\(.kb) \(.chunks)"' "course 1" "... and the chapter is in the base course"
doc=$(jq '{axon_workflow: 1, name: .name, definition: .}' "$top_srcdir/templates/gallery/ask-course-documents.json")
import "$doc"
req POST "/workflows/$WF/webhook" "${API[@]}" --data action=create
HOOK=$(jqb .path)
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"question": "What do ribosomes make?"}'
check_status 200 "ask questions of my course documents answers its webhook"
check_eq "$(jq -r '.citations[0] | "\(.n) \(.document) \(.cited)"' "$BODY")" "1 Chapter 1 true" "... citing the chapter"
check_eq "$(jq -r '.text | startswith("echo: Sources:\n[1] Chapter 1: Cells divide by mitosis.")' "$BODY")" true \
	"... from its text, given to the model as a numbered source"

printf '<?xml version="1.0"?><rss version="2.0"><channel><title>Biology news</title><item><title>Cells divide</title><description>Mitosis explained.</description></item><item><title>Ribosomes</title><description>Proteins made.</description></item></channel></rss>' \
	>"$IT_TMP/site/feed.xml"
import "$(jq --arg feed "http://127.0.0.1:$SITE_PORT/feed.xml" '{axon_workflow: 1, name: .name, definition: (.blocks |= map(
	if .id == "fetch" then .config.url = $feed else . end))}' "$top_srcdir/templates/gallery/rss-daily-digest.json")"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" -H 'Content-Type: application/json' --data '{"input": {}}'
check_json .run.status succeeded "the daily digest runs (by hand, as its schedule would)"
check_json '.run.steps[] | select(.block == "digest") | .outputs.answer.text | contains("digest of Biology news") and contains("Mitosis explained.")' true \
	"... and its digest (answer.text) is the model's answer on the feed's items"

echo "# the mail triage, polling the mailbox"
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data "$(jq -n --argjson p "$IMAPS_PORT" \
	'{name: "Mailbox", type: "imap", fields: {host: "127.0.0.1", port: $p, security: "tls", username: "teacher",
	  password: "mailbox pw 3"}}')"
check_status 201 "the mailbox credential the template names, made for the Dovecot"
import "$(jq '{axon_workflow: 1, name: .name, definition: (.trigger.every_s = 1 | .blocks |= map(
	if .type == "ai.classify" then .config.model = "classify" else . end))}' \
	"$top_srcdir/templates/gallery/mail-triage.json")"
it_wait_sql "SELECT count(*) FROM schedule_ticks WHERE workflow_id = $WF AND error IS NULL" 1 ||
	it_fail "the template's poll reads the mailbox" "$(sql "SELECT error FROM schedule_ticks WHERE workflow_id = $WF")"
printf 'From: ada@example.org\r\nTo: teacher@example.org\r\nSubject: A question about mitosis\r\n\r\nWhen do cells divide?\r\n' \
	>"$IT_TMP/question.eml"
printf 'From: bo@example.org\r\nTo: teacher@example.org\r\nSubject: My complaint\r\n\r\nThe room was cold.\r\n' \
	>"$IT_TMP/complaint.eml"
it_deliver "$IT_TMP/question.eml"
it_deliver "$IT_TMP/complaint.eml"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $WF AND status = 'succeeded'" 2 ||
	it_fail "sort incoming mail: each new message starts a run"
# drafts N: the drafts output of the Nth run of the mail triage.
drafts() {
	sql "SELECT json_extract(outputs, '$.out') FROM steps WHERE block = 'drafts' AND run_id =
		(SELECT id FROM runs WHERE workflow_id = $WF ORDER BY id LIMIT 1 OFFSET $1)"
}
check_eq "$(drafts 0 | jq -r '.question.text | startswith("echo: Draft a reply that answers this question.")')" true \
	"sort incoming mail: a question gets a drafted answer"
check_eq "$(drafts 0 | jq -r '.question.text | contains("When do cells divide?")')" true "... to the message's text"
check_eq "$(drafts 1 | jq -r 'keys | join(" ")')" complaint "... a complaint an apology"
it_done
