#!/bin/bash
# "Workflows using it" on a credential's page and in the list (HTML and
# JSON) counts the workflows whose saved version names the credential (by id,
# as the editor saves it, or by name) in a block's credential field, before
# any run used it; deleting it is refused while one does, unless confirmed.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
it_start nginx
it_setup_owner "credential refs pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token refs

printf '{"host": "127.0.0.1", "security": "tls", "username": "u", "password": "smtp-pass-1", "from": "a@example.org"}\n' \
	>"$IT_TMP/smtp.json"
"$CTL" -c "$IT_TMP/axon.conf" credentials add mailer --type smtp --fields "@$IT_TMP/smtp.json" >/dev/null 2>&1 ||
	it_fail "a credential is added"
"$CTL" -c "$IT_TMP/axon.conf" credentials add unused --type smtp --fields "@$IT_TMP/smtp.json" >/dev/null 2>&1 ||
	it_fail "another is added"
ID=$(sql "SELECT id FROM credentials WHERE name = 'mailer'")
UNUSED=$(sql "SELECT id FROM credentials WHERE name = 'unused'")

# workflow NAME REF: a saved workflow whose mail.send names the credential REF.
workflow() {
	it_create_workflow "$1" "$(jq -n --arg c "$2" '{format: 1, trigger: {type: "manual"},
		blocks: [{id: "send", type: "mail.send", config: {credential: $c, to: ["b@example.org"], text: "hi"}},
		         {id: "note", type: "text.template", config: {template: "mailer"}}]}')"
	[ "$STATUS" = 201 ] || it_fail "the workflow $1 is saved" "$(it_answer)"
}

req GET "/credentials/$ID" "${API[@]}"
check_json '.credential.workflows | length' 0 "no workflow uses it yet"
workflow "Invoices" "$ID"
workflow "Reports" mailer
workflow "Other" "$UNUSED"
check_eq "$(sql "SELECT count(*) FROM runs")" 0 "(no run yet)"

req GET "/credentials/$ID" "${API[@]}"
check_json '[.credential.workflows[] | "\(.name) \(.saved)"] | join(", ")' "Invoices true, Reports true" \
	"its page lists the two saved workflows that name it, by id and by name"
req GET "/credentials/$ID"
check_body_contains "(named in its saved version)" "... on the HTML page too"
req GET /credentials "${API[@]}"
check_json "[.credentials[] | \"\(.name) \(.workflows)\"] | join(\", \")" "mailer 2, unused 1" "the list counts them"

echo "# a workflow saved again without it no longer uses it"
WF_REPORTS=$(sql "SELECT id FROM workflows WHERE name = 'Reports'")
req POST "/workflows/$WF_REPORTS" --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Reports' \
	--data-urlencode 'definition={"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "a", "type": "json.set"}]}'
check_status 303 "Reports is saved without the credential"
req GET "/credentials/$ID" "${API[@]}"
check_json '[.credential.workflows[].name] | join(", ")' "Invoices" "only Invoices names it now"

echo "# delete"
req POST "/credentials/$ID/delete" "${API[@]}"
check_status 409 "deleting it is refused while a saved workflow names it"
check_json .error.message "credential $ID is used by 1 workflow: confirm to delete it anyway (their runs will fail until they name another)" \
	"... saying so"
req GET "/credentials/$ID/delete"
check_body_contains "Invoices" "the delete page names the workflow"
req POST "/credentials/$ID/delete" "${API[@]}" --data confirm=yes
check_status 200 "confirmed, it is deleted"
check_eq "$(sql "SELECT count(*) FROM credentials WHERE id = $ID")" 0 "... and gone"
it_done
