#!/bin/bash
# mail.read as a poll trigger against a real IMAP server (Debian's Dovecot,
# started on loopback by the test, dovecot.sh), through real nginx: the
# account is an "imap" credential the broker applies (IMAPS, trusted through
# egress_ca_file), outside any run since a poll is not one. The first round
# only learns what is in the mailbox; then two messages (multipart
# alternative with quoted-printable ISO-8859-1 text, base64 HTML and RFC 2047
# headers; multipart mixed with a binary attachment) start two runs with the
# message's fields as the trigger's data; a restart of axond starts no run
# twice (UIDVALIDITY and UID remembered in poll_seen); a third message starts
# one more. A wrong password is an error on the workflow's poll, and the
# password appears nowhere.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=dovecot.sh
. "$top_srcdir/tests/integration/dovecot.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
PASSWORD='imap pass 7'
it_start_dovecot inbox "$PASSWORD"
it_start nginx "egress_allow_loopback = yes" "egress_ca_file = $IMAP_CA"
it_setup_owner "mail read pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token mail

# credential NAME PORT SECURITY PASSWORD: an IMAP account on the local Dovecot
# (SECURITY "" for none given).
credential() {
	jq -n --argjson port "$2" --arg s "$3" --arg p "$4" '{host: "127.0.0.1", port: $port, username: "inbox",
		password: $p} + (if $s == "" then {} else {security: $s} end)' >"$IT_TMP/cred.json"
	"$CTL" -c "$IT_TMP/axon.conf" credentials add "$1" --type imap --fields "@$IT_TMP/cred.json" \
		>/dev/null 2>"$IT_TMP/cred.err" || it_fail "the credential $1 is added" "$(cat "$IT_TMP/cred.err")"
	rm -f "$IT_TMP/cred.json"
}
credential mailbox "$IMAPS_PORT" "" "$PASSWORD" # no security: TLS, the default
credential wrong "$IMAP_PORT" starttls "not the password"

# message NAME: the test message NAME, with CRLF line ends, in $IT_TMP/NAME.eml.
message() {
	case $1 in
	order) cat <<-MSG ;;
	From: =?ISO-8859-1?Q?Andr=E9_Martin?= <andre@example.org>
	To: Inbox <inbox@example.org>, ops@example.org
	Cc: Bea <bea@example.org>
	Subject: =?ISO-8859-1?Q?Caf=E9_order?=
	Date: Wed, 02 Dec 2026 10:30:00 +0200
	Message-ID: <order@example.org>
	MIME-Version: 1.0
	Content-Type: multipart/alternative; boundary="alt"

	--alt
	Content-Type: text/plain; charset=ISO-8859-1
	Content-Transfer-Encoding: quoted-printable

	Two caf=E9s, please. It is a long line that quoted-printable cuts in two wi=
	th a soft break.
	--alt
	Content-Type: text/html; charset=UTF-8
	Content-Transfer-Encoding: base64

	$(printf '<p>Two cafés, <b>please</b>.</p>' | base64 -w 0)
	--alt--
	MSG
	invoice) cat <<-MSG ;;
	From: Grace <grace@example.org>
	To: inbox@example.org
	Subject: Invoice 42
	Date: Thu, 03 Dec 2026 08:00:00 +0000
	Message-ID: <invoice@example.org>
	MIME-Version: 1.0
	Content-Type: multipart/mixed; boundary="mix"

	--mix
	Content-Type: text/plain; charset=UTF-8

	The invoice is attached.
	--mix
	Content-Type: application/pdf; name="invoice.pdf"
	Content-Disposition: attachment; filename="invoice.pdf"
	Content-Transfer-Encoding: base64

	$(base64 -w 0 "$IT_TMP/invoice.pdf")
	--mix--
	MSG
	third) cat <<-MSG ;;
	From: ops@example.org
	To: inbox@example.org
	Subject: Third
	Date: Fri, 04 Dec 2026 12:00:00 +0000
	Message-ID: <third@example.org>

	Third message.
	MSG
	esac | sed 's/$/\r/' >"$IT_TMP/$1.eml"
}
printf '%%PDF-1.4\n\0\1\2\377 invoice' >"$IT_TMP/invoice.pdf"

# runs: the subjects of the poll runs of workflow $WF_ID, oldest first.
runs() {
	sql "SELECT group_concat(json_extract(input, '$.subject'), ' | ') FROM
		(SELECT input FROM runs WHERE workflow_id = $WF_ID AND trigger = 'poll' ORDER BY id) AS r"
}

echo "# a poll trigger on the mailbox"
printf 'From: a@example.org\r\nSubject: Already there\r\n\r\nold\r\n' >"$IT_TMP/old.eml"
it_deliver "$IT_TMP/old.eml"
it_create_workflow "Mail poll" "$(jq -n '{format: 1,
	trigger: {type: "poll", every_s: 1, block: "mail.read", config: {credential: "mailbox"}, items: "mail.messages", key: "key"},
	blocks: [{id: "note", type: "text.template", config: {template: "{{ trigger.subject }} from {{ trigger.from_address }}"}}]}')"
check_status 201 "a workflow with a mail.read poll trigger is made"
WF_ID=$WF
req GET "/workflows/$WF_ID" "${API[@]}"
check_json '.problems | length' 0 "... without problems"
it_wait_sql "SELECT count(*) FROM poll_seen WHERE workflow_id = $WF_ID" 1 || it_fail "the first round learns the message there"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $WF_ID")" 0 "... and starts no run for it"

message order
message invoice
it_deliver "$IT_TMP/order.eml"
it_deliver "$IT_TMP/invoice.eml"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $WF_ID AND status = 'succeeded'" 2 ||
	it_fail "two new messages start two runs" "$(tail -5 "$IT_TMP/axond.log")"
check_eq "$(runs)" "Café order | Invoice 42" "... one each, the oldest first, the subjects decoded"
input() { sql "SELECT input FROM runs WHERE workflow_id = $WF_ID AND trigger = 'poll' ORDER BY id LIMIT 1 OFFSET $1"; }
input 0 >"$IT_TMP/order.json"
check_eq "$(jq -c '{from, from_address, to, cc, date, message_id}' "$IT_TMP/order.json")" \
	'{"from":"André Martin <andre@example.org>","from_address":"andre@example.org","to":["Inbox <inbox@example.org>","ops@example.org"],"cc":["Bea <bea@example.org>"],"date":"2026-12-02T08:30:00Z","message_id":"order@example.org"}' \
	"the sender's name from ISO-8859-1 encoded words, the recipients, the date in UTC"
check_eq "$(jq -r .text "$IT_TMP/order.json")" \
	"Two cafés, please. It is a long line that quoted-printable cuts in two with a soft break." \
	"the text: quoted-printable decoded, ISO-8859-1 to UTF-8"
check_eq "$(jq -r .html "$IT_TMP/order.json")" "<p>Two cafés, <b>please</b>.</p>" "the HTML: base64 decoded"
check_eq "$(jq -c '.attachments' "$IT_TMP/order.json")" "[]" "... and no attachment"
check_eq "$(jq -r '.key == "\(.uidvalidity):\(.uid)"' "$IT_TMP/order.json")" true "its key: UIDVALIDITY and UID"
input 1 >"$IT_TMP/invoice.json"
check_eq "$(jq -c '[.text, .html, (.attachments | length), .attachments[0].filename, .attachments[0].content_type, .attachments[0].size]' \
	"$IT_TMP/invoice.json")" "[\"The invoice is attached.\",\"\",1,\"invoice.pdf\",\"application/pdf\",$(stat -c %s "$IT_TMP/invoice.pdf")]" \
	"the second: its text, and the attachment as binary data"
check_eq "$(jq -r '.attachments[0].base64' "$IT_TMP/invoice.json" | base64 -d | cmp - "$IT_TMP/invoice.pdf" && echo same)" same \
	"... with the attachment's bytes"
check_eq "$(sql "SELECT json_extract(outputs, '$.text') FROM steps WHERE block = 'note' AND run_id =
	(SELECT min(id) FROM runs WHERE workflow_id = $WF_ID)")" "Café order from andre@example.org" "a block reads the trigger's data"
check_eq "$(sql "SELECT count(*) > 0 FROM audit_log WHERE action = 'credential.use' AND detail = 'poll:workflow:$WF_ID'")" 1 \
	"the poll's use of the credential is in the audit log"
check_eq "$(sql "SELECT count(*) FROM credential_uses cu JOIN credentials c ON c.id = cu.credential_id
	WHERE c.name = 'mailbox' AND cu.workflow_id = $WF_ID")" 1 "... and the credential's uses name the workflow"

echo "# across a restart"
it_stop_axond || it_fail "axond stops"
it_start_axond || exit 1
fired=$(sql "SELECT last_fire FROM schedule_ticks WHERE workflow_id = $WF_ID")
it_wait_sql "SELECT last_fire >= $fired + 2 FROM schedule_ticks WHERE workflow_id = $WF_ID" 1 || it_fail "the polls go on"
check_eq "$(runs)" "Café order | Invoice 42" "no message seen before starts another run"
# bodies: how many message bodies each IMAP session of Dovecot's log fetched, from line $1 on.
bodies() { tail -n "+$1" "$IT_TMP/dovecot/dovecot.log" | sed -n 's/.*Logged out .*body_count=\([0-9]*\).*/\1/p' | sort -u | tr '\n' ' '; }
lines=$(wc -l <"$IT_TMP/dovecot/dovecot.log")
fired=$(sql "SELECT last_fire FROM schedule_ticks WHERE workflow_id = $WF_ID")
it_wait_sql "SELECT last_fire >= $fired + 2 FROM schedule_ticks WHERE workflow_id = $WF_ID" 1 || it_fail "the polls go on"
check_eq "$(bodies "$lines")" "0 " "the messages seen in the last round are not fetched again (the poll gives their keys as known)"
message third
lines=$(wc -l <"$IT_TMP/dovecot/dovecot.log")
it_deliver "$IT_TMP/third.eml"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $WF_ID AND status = 'succeeded'" 3 || it_fail "a third message starts a run"
check_eq "$(bodies "$lines")" "0 1 " "... and a new one is fetched once"
check_eq "$(runs)" "Café order | Invoice 42 | Third" "... one"
check_eq "$(jq -r .text <<<"$(input 2)")" "Third message." "... a message of one part"

echo "# as a block in a run by axonctl, another folder"
curl -sS "imap://127.0.0.1:$IMAP_PORT/" -u "inbox:$PASSWORD" -X 'CREATE "Old mail"' >/dev/null || it_fail "a folder is made"
curl -sS "imap://127.0.0.1:$IMAP_PORT/Old%20mail" -u "inbox:$PASSWORD" -T "$IT_TMP/old.eml" || it_fail "a message is put there"
jq -n '{format: 1, trigger: {type: "manual"},
	blocks: [{id: "read", type: "mail.read", config: {credential: "mailbox", mailbox: "Old mail", max_messages: 5}}]}' \
	>"$IT_TMP/read.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/read.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 0 "axonctl runs a workflow that reads a folder"
check_eq "$(jq -r '.steps[0].outputs.mail | "\(.mailbox): \([.messages[].subject] | join(", "))"' "$IT_TMP/ctl.out")" \
	"Old mail: Already there" "... its one message"
jq '.blocks[0].config.mailbox = "Caf\u00e9"' "$IT_TMP/read.json" >"$IT_TMP/read-utf8.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/read-utf8.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_contains "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" "of at most 200 ASCII characters" "a folder name out of ASCII is refused, saying so"
jq '.blocks[0].config.mailbox = "Nowhere"' "$IT_TMP/read.json" >"$IT_TMP/read-none.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/read-none.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" \
	"imaps://127.0.0.1:$IMAPS_PORT refused STATUS \"Nowhere\" (UIDVALIDITY): is there such a mailbox, and may this login read it?" \
	"a folder that is not there fails, saying so"

echo "# a wrong password"
it_create_workflow "Wrong mail poll" "$(jq -n '{format: 1,
	trigger: {type: "poll", every_s: 1, block: "mail.read", config: {credential: "wrong"}, items: "mail.messages", key: "key"},
	blocks: [{id: "note", type: "text.template", config: {template: "{{ trigger.subject }}"}}]}')"
WRONG=$WF
it_wait_sql "SELECT error IS NOT NULL FROM schedule_ticks WHERE workflow_id = $WRONG" 1 || it_fail "the poll fails"
req GET "/workflows/$WRONG" "${API[@]}"
check_json '.poll.error' "mail.read: imap://127.0.0.1:$IMAP_PORT refused the login: check the username and password of the credential" \
	"the workflow's page says why"
req GET "/workflows/$WRONG"
check_body_contains "The last poll failed" "... on the web page too"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $WRONG")" 0 "no run started"
req GET /healthz
check_status 200 "axond is still up"
check_eq "$(grep -rlF -e "$PASSWORD" -e 'not the password' "$IT_TMP/axond.log" "${DATA_FILES[@]}" 2>/dev/null | wc -l)" 0 \
	"no password is in the log or the database"
it_done
