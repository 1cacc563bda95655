#!/bin/bash
# Knowledge bases in real runs (axonctl's engine, sandboxed blocks, the
# daemon's SQLite file), embedded by the scripted stand-in: ai.index makes a
# base with its first document and cuts a long one into overlapping chunks,
# ai.search gives the closest chunks best first, ai.answer answers from them
# citing its sources; an unknown base and a run without a database are
# refused with a reason. Then the pages through nginx: the bases, one base
# with its documents and chunks, and removing a document (its chunks go, and
# search no longer finds them).
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v python3 >/dev/null || it_skip "python3 is not installed"
python3 "$top_srcdir/tests/standins/scripted-llm/llm_standin.py" >"$IT_TMP/llm-port" &
IT_PIDS+=($!)
mkdir -p "$IT_TMP/site"
python3 "$top_srcdir/tests/sandbox/make_pdf.py" 'Chloroplasts capture light.' 'Photosynthesis makes sugar.' >"$IT_TMP/site/plants.pdf"
printf '<html><head><title>Enzymes</title></head><body><h1>Enzymes</h1><p>Enzymes speed up reactions.</p><script>hidden()</script></body></html>' \
	>"$IT_TMP/site/enzymes.html"
SITE_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$IT_TMP/site" "$SITE_PORT" >"$IT_TMP/site.log" 2>&1 &
IT_PIDS+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/llm-port" ] && break; sleep 0.1; done
LLM=http://127.0.0.1:$(cat "$IT_TMP/llm-port")/v1
it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes"
mkdir -p "$IT_TMP/data"
OUT=$IT_TMP/ctl.out

# flow FILE BLOCK-TYPE CONFIG: a workflow of one block.
flow() {
	jq -n --arg t "$2" --argjson c "$3" '{format: 1, name: $t, trigger: {type: "manual"}, blocks: [{id: "step", type: $t, config: $c}]}' >"$1"
}
# run WHAT FILE INPUT: axonctl run, expected to succeed; the run in OUT.
run() {
	if "$CTL" -c "$IT_TMP/axon.conf" run "$2" --input "$3" >"$OUT" 2>"$IT_TMP/ctl.err"; then
		it_pass "$1"
	else
		it_fail "$1" "$(head -c 600 "$IT_TMP/ctl.err")"
	fi
}
out() {
	jq -r ".steps[0].outputs | $1" "$OUT" 2>&1
}

PROVIDER="{\"base_url\": \"$LLM\", \"kb\": \"biology\""
flow "$IT_TMP/index.json" ai.index "$PROVIDER, \"model\": \"embedder\", \"document\": \"{{ in.title }}\", \"source\": \"notes/{{ in.title }}\"}"
run "ai.index makes the base with its first document" "$IT_TMP/index.json" \
	'{"title": "Cells", "text": "Cells divide by mitosis. The cell cycle has phases."}'
check_eq "$(out '.added | "\(.kb) \(.chunks) \(.usage.tokens_in)"')" "biology 1 9" "... one chunk, its tokens counted"
run "a second document" "$IT_TMP/index.json" '{"title": "Ribosomes", "text": "Ribosomes make proteins from amino acids."}'
run "a third" "$IT_TMP/index.json" '{"title": "Mitochondria", "text": "Mitochondria make energy for the cell."}'
check_eq "$(sql "SELECT count(*) || ' ' || (SELECT dims FROM knowledge_bases) FROM kb_chunks")" "3 4" \
	"the chunks are in the database, with the embedding's 4 dimensions"

flow "$IT_TMP/long.json" ai.index "$PROVIDER, \"model\": \"embedder\", \"document\": \"Long\", \"chunk_size\": 100, \"overlap\": 30}"
run "a long document" "$IT_TMP/long.json" "$(jq -n '{text: ([range(12)] | map("Sentence number \(.) about cells and energy.") | join(" "))}')"
check_eq "$(out '.added.chunks > 4')" true "... is cut into chunks of at most 100 bytes"
check_eq "$(sql "SELECT count(*) FROM kb_chunks c JOIN kb_chunks n ON n.document_id = c.document_id AND n.seq = c.seq + 1
	JOIN kb_documents d ON d.id = c.document_id
	WHERE d.name = 'Long' AND instr(c.text, substr(n.text, 1, 10)) > 0")" \
	"$(sql "SELECT count(*) - 1 FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.name = 'Long'")" \
	"... each beginning with words the one before ends with (the overlap)"

flow "$IT_TMP/search.json" ai.search "$PROVIDER, \"model\": \"embedder\", \"query\": \"{{ in.q }}\", \"k\": 2}"
run "ai.search" "$IT_TMP/search.json" '{"q": "What do ribosomes make from amino acids?"}'
check_eq "$(out '[.results.hits[].document] | join(" ")')" "Ribosomes Cells" "the two closest chunks, best first"
check_eq "$(out '.results.hits[0].score > .results.hits[1].score and .results.hits[0].source == "notes/Ribosomes"')" true \
	"... with their scores and sources"

flow "$IT_TMP/answer.json" ai.answer "$PROVIDER, \"model\": \"echo\", \"embedding_model\": \"embedder\", \"k\": 2}"
run "ai.answer" "$IT_TMP/answer.json" '"What do ribosomes make from amino acids?"'
check_eq "$(out '.answer.text | startswith("echo: Sources:\n[1] Ribosomes: Ribosomes make proteins from amino acids.\n\n[2] Cells:")')" true \
	"the model is given the numbered sources and the question"
check_eq "$(out '[.answer.citations[] | "\(.n) \(.document) \(.cited)"] | join(", ")')" "1 Ribosomes true, 2 Cells true" \
	"... and the answer names the sources it cited"
check_eq "$(jq '[.steps[0].logs[] | select(.usage)] | length' "$OUT")" 2 "the embedding and the answer each have their usage line"

flow "$IT_TMP/nobase.json" ai.search "{\"base_url\": \"$LLM\", \"kb\": \"physics\", \"model\": \"embedder\"}"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/nobase.json" --input '"x"' >"$OUT" 2>/dev/null
check_eq "$(jq -r .steps[0].error "$OUT")" "there is no knowledge base named 'physics' (a base is made when ai.index adds its first document)" \
	"an unknown base is named"
"$top_builddir/axon-block" run "$top_builddir/plugins/.libs/ai.so" ai.search --allow-loopback \
	--config "{\"base_url\": \"$LLM\", \"kb\": \"biology\", \"model\": \"embedder\"}" --input 'in="x"' >"$OUT"
check_eq "$(jq -r .error "$OUT")" "the knowledge bases cannot be reached: there is no Axon database here (run the workflow in axond or axonctl)" \
	"a tool without axond's database makes none"
echo "# the pages"
it_start nginx "egress_allow_loopback = yes"
it_setup_owner "knowledge pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token kb
OWNER_JAR=$JAR
JAR=
req GET /knowledge "${API[@]}"
check_json '.bases[0] | "\(.name) \(.documents) \(.dims) \(.url)"' "biology 4 4 /knowledge/1" "the list of bases, with their documents"
req GET /knowledge/1 "${API[@]}"
check_json '[.kb.documents[] | "\(.name):\(.chunks)"] | .[0:3] | join(" ")' "Cells:1 Ribosomes:1 Mitochondria:1" "a base's documents"
check_json '.kb.documents[1].chunk_list[0].text' "Ribosomes make proteins from amino acids." "... and their chunks"
JAR=$OWNER_JAR req GET /knowledge/1
check_body_contains '<pre class="code">Cells divide by mitosis. The cell cycle has phases.</pre>' "the page shows the chunks"
check_body_contains '<a href="/knowledge">Knowledge</a>' "the navigation leads to the bases"
DOC=$(sql "SELECT id FROM kb_documents WHERE name = 'Ribosomes'")
JAR=$OWNER_JAR req POST "/knowledge/1/documents/$DOC/delete" --data-urlencode "csrf=$(csrf_from_body)"
check_status 303 "Remove (with the form's CSRF token) removes a document"
check_eq "$(sql "SELECT count(*) FROM kb_chunks WHERE document_id = $DOC")" 0 "... and its chunks"
req POST "/knowledge/1/documents/$DOC/delete" "${API[@]}"
check_status 404 "... once"
JAR=$OWNER_JAR req POST "/knowledge/1/documents/$(sql "SELECT id FROM kb_documents WHERE name = 'Cells'")/delete"
check_status 403 "without the CSRF token nothing is removed"
run "ai.search after the removal" "$IT_TMP/search.json" '{"q": "What do ribosomes make from amino acids?"}'
check_eq "$(out '[.results.hits[].document] | index("Ribosomes")')" null "search no longer finds the removed document"

echo "# a base made on its page, and documents added there"
it_wait_port "$SITE_PORT" "the page server" "$IT_TMP/site.log" || exit 1
JAR=$OWNER_JAR req GET /knowledge
check_body_contains '<form method="post" action="/knowledge" class="stack">' "the Knowledge page has a form to make a base"
FORM_CSRF=$(csrf_from_body)
JAR=$OWNER_JAR req POST /knowledge --data-urlencode "csrf=$FORM_CSRF" --data name=course --data "base_url=$LLM" --data model=embedder
check_status 303 "a base is made with the form (and its CSRF token)"
COURSE=$(header Location)
check_eq "$COURSE" "/knowledge/$(sql "SELECT id FROM knowledge_bases WHERE name = 'course'")" "... leading to its page"
JAR=$OWNER_JAR req POST /knowledge --data name=nocsrf --data "base_url=$LLM" --data model=embedder
check_status 403 "... not without the token"
req POST /knowledge "${API[@]}" --data name=course --data "base_url=$LLM" --data model=embedder
check_status 409 "a name in use is refused"
check_json '.error.fields.name' "A knowledge base has that name already: choose another." "... saying so"
req POST /knowledge "${API[@]}" --data name=nomodel --data "base_url=$LLM"
check_json '.error.fields.model | startswith("Name the embedding model")' true "a base without an embedding model is refused"
req POST /knowledge "${API[@]}" --data name=nocred --data credential=nobody --data model=embedder
check_json '.error.fields.credential' "there is no credential 'nobody' that you may use (yours, or one shared with you)" \
	"... and one with a credential that is not there"

JAR=$OWNER_JAR req GET "$COURSE"
check_body_contains 'enctype="multipart/form-data"' "a base's page has a form to add a document"
printf 'Vacuoles store water. Lysosomes digest waste.\n' >"$IT_TMP/notes.txt"
JAR=$OWNER_JAR req POST "$COURSE/documents" -F "csrf=$(csrf_from_body)" -F "file=@$IT_TMP/notes.txt;type=text/plain"
check_status 303 "a text file is uploaded (with the form's CSRF token)"
check_eq "$(sql "SELECT d.source || ' ' || d.name || ' ' || c.text FROM kb_documents d JOIN kb_chunks c ON c.document_id = d.id
	WHERE d.name = 'notes.txt'")" "upload notes.txt Vacuoles store water. Lysosomes digest waste." "... and its text is a chunk"
JAR=$OWNER_JAR req POST "$COURSE/documents" -F "file=@$IT_TMP/notes.txt;type=text/plain"
check_status 403 "... not without the token"
req POST "$COURSE/documents" "${API[@]}" -F "file=@$IT_TMP/site/plants.pdf;type=application/pdf" -F name=Plants
check_status 201 "a PDF is uploaded with the API"
check_json '"\(.chunks) \(.url)"' "1 $COURSE" "... its text read by pdf.text, cut and embedded"
check_contains "$(sql "SELECT text FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.name = 'Plants'")" \
	"Photosynthesis makes sugar." "... both its pages"
req POST "$COURSE/documents" "${API[@]}" --data "url=http://127.0.0.1:$SITE_PORT/enzymes.html"
check_status 201 "a web page's address is fetched through the egress policy"
check_eq "$(sql "SELECT c.text FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.source LIKE '%enzymes.html'")" \
	"$(printf 'Enzymes\n\nEnzymes speed up reactions.')" "... its HTML read by html.to_text (no script)"
req POST "$COURSE/documents" "${API[@]}" --data-urlencode 'text=Golgi bodies package proteins.' --data name=Golgi
check_status 201 "a text is pasted"
req POST "$COURSE/documents" "${API[@]}" --data-urlencode 'text=x' --data "url=http://127.0.0.1:$SITE_PORT/enzymes.html"
check_json .error.message "Only one source at a time: give one of a file to upload, a URL or a text" "two sources at once are refused"
printf '\0\1\2binary' >"$IT_TMP/blob.bin"
req POST "$COURSE/documents" "${API[@]}" -F "file=@$IT_TMP/blob.bin;type=application/octet-stream"
check_status 422 "a file that is neither text, HTML nor PDF is refused"
check_json '.error.message | startswith("the file is not text")' true "... saying so"
req POST "$COURSE/documents" "${API[@]}" --data "url=http://127.0.0.1:$SITE_PORT/missing.html"
check_json .error.message "http://127.0.0.1:$SITE_PORT/missing.html answered 404, not a document" "an address that is not there is named"
req POST /knowledge/1/documents "${API[@]}" --data-urlencode 'text=more'
check_json '.error.message | startswith("This base was made by a workflow (ai.index)")' true \
	"a base made by a workflow takes documents from workflows only"
req GET "$COURSE" "${API[@]}"
check_json '[.kb.documents[].name] | join(", ")' "notes.txt, Plants, http://127.0.0.1:$SITE_PORT/enzymes.html, Golgi" \
	"the base's JSON twin lists the documents"
check_json '.kb.embedding | "\(.model) \(.protocol)"' "embedder openai" "... and how it is embedded"
run "ai.search finds a document added on the page" "$IT_TMP/search.json" '{"q": "What do enzymes speed up?"}'
flow "$IT_TMP/search-course.json" ai.search "{\"base_url\": \"$LLM\", \"kb\": \"course\", \"model\": \"embedder\", \"query\": \"{{ in.q }}\", \"k\": 1}"
run "ai.search in the base made on its page" "$IT_TMP/search-course.json" '{"q": "Golgi bodies package proteins"}'
check_eq "$(out '.results.hits[0].document')" "Golgi" "... finds the pasted text"

echo "# with a provider credential, and the roles"
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data "$(jq -n --arg s "$LLM" \
	'{name: "embedder", type: "llm", fields: {base_url: $s, api_key: "sk-kb-key-3"}}')"
check_status 201 "an LLM provider credential"
req POST /knowledge "${API[@]}" --data name=keyed --data credential=embedder --data model=embedder
check_status 201 "a base embedded with it"
KEYED=$(jqb .url)
req POST "$KEYED/documents" "${API[@]}" --data-urlencode 'text=Keys stay in the daemon.'
check_json .chunks 1 "a document is embedded with the credential's base URL and key"
req POST /users "${API[@]}" --data username=vic --data role=viewer --data-urlencode "password=viewer pw 1" \
	--data-urlencode "password_confirm=viewer pw 1"
VJAR=$IT_TMP/viewer.jar
JAR=$VJAR req GET /login
JAR=$VJAR req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data username=vic --data-urlencode "password=viewer pw 1"
JAR=$VJAR req GET "$COURSE"
check_body_lacks 'enctype="multipart/form-data"' "a viewer sees a base without the form to add"
VCSRF=$(csrf_from_body)
JAR=$VJAR req POST "$COURSE/documents" -F "csrf=$VCSRF" -F 'text=viewer text'
check_status 403 "... and cannot add a document"
JAR=$VJAR req POST /knowledge --data-urlencode "csrf=$VCSRF" --data name=mine --data "base_url=$LLM" --data model=embedder
check_status 403 "... nor make a base"
it_done
