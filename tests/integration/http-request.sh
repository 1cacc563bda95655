#!/bin/bash
# http.request in workflows, through real nginx and axonctl, against the
# local stand-in server (tests/sandbox/http_server.py): query parameters from
# a webhook's body, a file uploaded to a webhook sent on as multipart, a 429
# tried again after its Retry-After, a binary answer as binary data, and the
# pages of an API put together (by cursor through a webhook, by page number
# in a run of axonctl).
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start nginx "egress_allow_loopback = yes"
it_setup_owner "http request pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token http
SERVER=http://127.0.0.1:$HTTP_PORT

# hook NAME CONFIG-OF-http.request: a webhook workflow whose reply is the
# block's response; sets HOOK.
hook() {
	local def
	def=$(jq -n --argjson c "$2" '{format: 1, trigger: {type: "webhook", reply: "call.response"},
		blocks: [{id: "call", type: "http.request", config: $c}]}')
	it_webhook_workflow "$1" "$def" >"$IT_TMP/hook-path" || it_fail "the workflow $1 and its hook are made" "$(it_answer)"
	HOOK=$(cat "$IT_TMP/hook-path")
}

echo "# query parameters from the webhook's body"
hook "Search" "{\"url\": \"$SERVER/query\", \"query\": {\"q\": \"{{ trigger.body.q }}\", \"page\": 2}}"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"q": "two words & more"}'
check_status 200 "the webhook answers with the API's answer"
check_eq "$(cat "$BODY")" "q=two%20words%20%26%20more&page=2" "... which got the query encoded"

echo "# a file uploaded to a webhook, sent on as multipart"
hook "Forward" "{\"url\": \"$SERVER/fields\", \"method\": \"POST\",
	\"multipart\": {\"doc\": \"{{ trigger.body.doc }}\", \"note\": \"{{ trigger.body.note }}\"}}"
printf '%%PDF-1.4\n\0\1\2\377' >"$IT_TMP/doc.pdf"
req POST "$HOOK" -F note=forwarded -F "doc=@$IT_TMP/doc.pdf;type=application/pdf"
check_status 200 "a multipart delivery is forwarded"
check_eq "$(jq -c '{note, doc: (.doc | {filename, type})}' "$BODY")" \
	'{"note":"forwarded","doc":{"filename":"doc.pdf","type":"application/pdf"}}' "... the file with its name and type"
check_eq "$(jq -r .doc.base64 "$BODY" | base64 -d | cmp - "$IT_TMP/doc.pdf" && echo same)" same "... and its bytes"

echo "# a 429 tried again after its Retry-After"
hook "Flaky" "{\"url\": \"$SERVER/flaky?key=hook&fails=1&after=1\"}"
req POST "$HOOK"
check_status 200 "a 429 then a 200"
check_eq "$(cat "$BODY")" "ok after 1" "... the answer after one retry"
check_eq "$(sql "SELECT count(*) FROM steps WHERE run_id = (SELECT max(id) FROM runs)
	AND logs LIKE '%answered after 1 retries%'")" 1 "... said in the step's log"

echo "# a binary answer"
hook "Image" "{\"url\": \"$SERVER/png\"}"
req POST "$HOOK" -H 'Accept: application/json'
check_status 200 "an image"
check_eq "$(sql "SELECT json_extract(outputs, '$.response.body') FROM steps WHERE run_id = (SELECT max(id) FROM runs)")" \
	'{"base64":"iVBORw0KGgoAAQ==","size":10,"content_type":"image/png"}' "... is binary data in the step's output"

echo "# pages by a cursor, through a webhook"
hook "Cursor" "{\"url\": \"$SERVER/items/cursor\",
	\"paginate\": {\"type\": \"cursor\", \"cursor\": \"meta.next\", \"param\": \"after\", \"items\": \"data\"}}"
req POST "$HOOK"
check_status 200 "three pages"
check_eq "$(jq -c '[.pages, .items, .more]' "$BODY")" '[3,[1,2,3,4,5,6],false]' "... put together"

echo "# pages by number, in a run of axonctl"
jq -n --arg u "$SERVER/items/page" '{format: 1, trigger: {type: "manual"},
	blocks: [{id: "list", type: "http.request",
		config: {url: $u, paginate: {type: "page", param: "p", items: "data", max_pages: 2}}}]}' >"$IT_TMP/pages.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/pages.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 0 "axonctl runs the workflow"
check_eq "$(jq -c '.steps[0].outputs.response | [.pages, .items, .more]' "$IT_TMP/ctl.out")" '[2,[11,12,21,22],true]' \
	"... which stops at max_pages, saying there are more"
it_done
