#!/bin/bash
# mail.send against a real SMTP server (Debian's python3-aiosmtpd, started on
# loopback with a certificate made here, trusted through egress_ca_file):
# through a webhook with STARTTLS, a file uploaded to the hook as the
# attachment, text and HTML, To, Cc, Bcc and Reply-To, a subject that is not
# ASCII; through axonctl with implicit TLS. The accounts are credentials
# (axonctl credentials add): the server, its port and the sender come from
# there, and a workflow cannot send elsewhere. The message received is read
# back byte by byte: its headers (no Bcc among them), the envelope, the MIME
# parts and the attachment's bytes. A wrong password is the server's refusal,
# and the password appears nowhere.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v openssl >/dev/null || it_skip "openssl is not installed (./quickstart check installs it)"
PY=
for py in python3 /usr/bin/python3; do
	"$py" -c 'import aiosmtpd' 2>/dev/null && PY=$py && break
done
[ -n "$PY" ] || it_skip "python3-aiosmtpd is not installed (./quickstart check installs it)"

MAIL=$IT_TMP/mail
mkdir -p "$MAIL"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IT_TMP/smtp.key" -out "$IT_TMP/smtp.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null || it_fail "a certificate is made"
PASSWORD='s3cret pass phrase'
"$PY" "$top_srcdir/tests/integration/smtp-server.py" "$IT_TMP/smtp.pem" "$IT_TMP/smtp.key" axon "$PASSWORD" "$MAIL" \
	>"$IT_TMP/smtp-ports" 2>"$IT_TMP/smtp.err" &
IT_PIDS+=($!)
for ((i = 0; i < 100; i++)); do [ -s "$IT_TMP/smtp-ports" ] && break; sleep 0.1; done
STARTTLS=$(jq -r .starttls "$IT_TMP/smtp-ports" 2>/dev/null)
TLS=$(jq -r .tls "$IT_TMP/smtp-ports" 2>/dev/null)
[ -n "$STARTTLS" ] || { cat "$IT_TMP/smtp.err"; it_skip "the SMTP server did not start"; }

it_start nginx "egress_allow_loopback = yes" "egress_ca_file = $IT_TMP/smtp.pem"
it_setup_owner "mail send pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token mail

# credential NAME PORT SECURITY PASSWORD: an SMTP account on the
# local server, added by axonctl for the owner.
credential() {
	jq -n --argjson port "$2" --arg s "$3" --arg p "$4" '{host: "127.0.0.1", port: $port, security: $s,
		username: "axon", password: $p, from: "Axon Bot <bot@example.org>"}' >"$IT_TMP/cred.json"
	"$CTL" -c "$IT_TMP/axon.conf" credentials add "$1" --type smtp --fields "@$IT_TMP/cred.json" \
		>/dev/null 2>"$IT_TMP/cred.err" || it_fail "the credential $1 is added" "$(cat "$IT_TMP/cred.err")"
	rm -f "$IT_TMP/cred.json"
}
credential mailer "$STARTTLS" starttls "$PASSWORD"
credential reports "$TLS" tls "$PASSWORD"
credential wrong "$TLS" tls "not the password"

# summary N: the message N received, read by Python's email parser, as JSON.
summary() {
	"$PY" - "$MAIL/$1.eml" <<-'PYTHON'
	import base64, email, email.policy, json, sys
	raw = open(sys.argv[1], "rb").read()
	msg = email.message_from_bytes(raw, policy=email.policy.default)
	parts = []
	for part in msg.walk():
	    if part.is_multipart():
	        parts.append({"type": part.get_content_type()})
	    elif part.get_filename():
	        parts.append({"type": part.get_content_type(), "filename": part.get_filename(),
	                      "base64": base64.b64encode(part.get_payload(decode=True)).decode()})
	    else:
	        parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
	                      "text": part.get_content()})
	print(json.dumps({h: str(msg[h]) for h in ("From", "To", "Cc", "Bcc", "Reply-To", "Subject", "MIME-Version")
	                  if msg[h] is not None} | {"message_id": msg["Message-ID"], "parts": parts}))
	PYTHON
}

echo "# through a webhook, with STARTTLS and an attachment uploaded to the hook"
DEF=$(jq -n '{format: 1, trigger: {type: "webhook", reply: "send.sent"},
	blocks: [{id: "send", type: "mail.send", config: {credential: "mailer",
		to: ["Ada Lovelace <ada@example.org>", "{{ trigger.body.to }}"], cc: ["Charles Babbage <cb@example.org>"],
		bcc: ["audit@example.org"], reply_to: "Support <help@example.org>",
		subject: "Invoice {{ trigger.body.number }}: café, 請求書", text: "Hello,\nyour invoice {{ trigger.body.number }} is attached.\n",
		html: "<p>Hello,<br/>your invoice <b>{{ trigger.body.number }}</b> is attached.</p>",
		attachments: ["{{ trigger.body.invoice }}"]}}]}')
it_webhook_workflow "Invoice mail" "$DEF" >"$IT_TMP/hook-path" || it_fail "the mail workflow and its hook are made" "$(it_answer)"
printf '%%PDF-1.4\n\0\1\2\377 invoice' >"$IT_TMP/invoice.pdf"
req POST "$(cat "$IT_TMP/hook-path")" -F number=42 -F to=grace@example.org -F "invoice=@$IT_TMP/invoice.pdf;type=application/pdf"
check_status 200 "the webhook's run sent the mail"
check_json '.accepted | join(" ")' "ada@example.org grace@example.org cb@example.org audit@example.org" \
	"... to every recipient, Bcc included"
MID=$(jqb .message_id)
check_eq "$(jq -c . "$MAIL/1.json")" '{"from":"bot@example.org","to":["ada@example.org","grace@example.org","cb@example.org","audit@example.org"]}' \
	"the server got that envelope"
summary 1 >"$IT_TMP/summary.json"
check_eq "$(jq -c '{From, To, Cc, "Reply-To", "MIME-Version"}' "$IT_TMP/summary.json")" \
	'{"From":"Axon Bot <bot@example.org>","To":"Ada Lovelace <ada@example.org>, grace@example.org","Cc":"Charles Babbage <cb@example.org>","Reply-To":"Support <help@example.org>","MIME-Version":"1.0"}' \
	"the headers that matter"
check_eq "$(jq -r .Subject "$IT_TMP/summary.json")" "Invoice 42: café, 請求書" "the subject, in UTF-8 encoded words"
check_eq "$(jq -r .message_id "$IT_TMP/summary.json")" "$MID" "the Message-ID the block emitted"
check_eq "$(jq -r 'has("Bcc")' "$IT_TMP/summary.json")" false "no Bcc header"
check_eq "$(grep -ci 'audit@' "$MAIL/1.eml")" 0 "... nor the Bcc address anywhere in the message"
check_eq "$(jq -c '[.parts[] | .type]' "$IT_TMP/summary.json")" \
	'["multipart/mixed","multipart/alternative","text/plain","text/html","application/pdf"]' \
	"the MIME tree: the text and HTML alternatives, then the attachment"
check_eq "$(jq -r '.parts[2].text' "$IT_TMP/summary.json")" "$(printf 'Hello,\nyour invoice 42 is attached.\n')" \
	"the text part, with its line breaks"
check_eq "$(jq -r '.parts[2].charset + " " + .parts[3].charset' "$IT_TMP/summary.json")" "utf-8 utf-8" "... in UTF-8"
check_eq "$(jq -r '.parts[3].text' "$IT_TMP/summary.json")" \
	'<p>Hello,<br/>your invoice <b>42</b> is attached.</p>' "the HTML part"
check_eq "$(jq -r '.parts[4].filename' "$IT_TMP/summary.json")" invoice.pdf "the attachment's name"
check_eq "$(jq -r '.parts[4].base64' "$IT_TMP/summary.json" | base64 -d | cmp - "$IT_TMP/invoice.pdf" && echo same)" same \
	"... and its bytes"
check_eq "$(grep -c '^Subject: =?UTF-8?B?' "$MAIL/1.eml")" 1 "the raw Subject line is RFC 2047 words"
check_eq "$(grep -c 'Content-Transfer-Encoding: base64' "$MAIL/1.eml")" 1 "the attachment is sent in base64"
check_eq "$(grep -c 'Content-Transfer-Encoding: quoted-printable' "$MAIL/1.eml")" 2 "the text parts in quoted-printable"

echo "# through axonctl, with implicit TLS"
jq -n '{format: 1, trigger: {type: "manual"},
	blocks: [{id: "send", type: "mail.send", config: {credential: "reports", to: ["{{ trigger.to }}"], subject: "Report",
		text: "All is well."}}]}' >"$IT_TMP/report.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/report.json" --input '{"to": "ops@example.org"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 0 "axonctl runs the workflow"
check_eq "$(jq -r '.steps[0].outputs.sent.accepted | join(" ")' "$IT_TMP/ctl.out")" ops@example.org "... which sends the report"
check_eq "$(jq -c . "$MAIL/2.json" 2>&1)" '{"from":"bot@example.org","to":["ops@example.org"]}' "the server got it"
summary 2 >"$IT_TMP/summary.json"
check_eq "$(jq -c '[.Subject, .To, [.parts[].type], .parts[2].text]' "$IT_TMP/summary.json")" \
	'["Report","ops@example.org",["multipart/mixed","multipart/alternative","text/plain"],"All is well."]' \
	"... a text message"

echo "# a wrong password"
jq '.blocks[0].config.credential = "wrong"' "$IT_TMP/report.json" >"$IT_TMP/wrong.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/wrong.json" --input '{"to": "ops@example.org"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 1 "the run fails"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out" | grep -o 'Login denied (the server answered 535)')" \
	"Login denied (the server answered 535)" "... with the server's refusal"
check_eq "$(grep -rlF -e "$PASSWORD" -e 'not the password' "$IT_TMP/ctl.out" "$IT_TMP/axond.log" "${DATA_FILES[@]}" 2>/dev/null | wc -l)" 0 \
	"no password is in the output, the log or the database"

echo "# the server is the credential's, never the workflow's"
jq '.blocks[0].config += {host: "192.0.2.1", port: 25}' "$IT_TMP/report.json" >"$IT_TMP/elsewhere.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/elsewhere.json" --input '{"to": "ops@example.org"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 65 "a workflow that gives its own server is not run"
check_contains "$(cat "$IT_TMP/ctl.err")" "block 'send': config: unknown field 'host'" "... the block has no such setting"
jq '.blocks[0].config.account = {host: "192.0.2.1", password_secret: "smtp"}' "$IT_TMP/report.json" >"$IT_TMP/account.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/account.json" --input '{"to": "ops@example.org"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_contains "$(cat "$IT_TMP/ctl.err")" "block 'send': config: unknown field 'account'" "nor an account of its own"
printf '{"host": "127.0.0.1", "database": "d", "user": "u", "password": "pg-pass-1"}\n' >"$IT_TMP/pg.json"
"$CTL" -c "$IT_TMP/axon.conf" credentials add shop --type postgres --fields "@$IT_TMP/pg.json" >/dev/null 2>&1
jq '.blocks[0].config.credential = "shop"' "$IT_TMP/report.json" >"$IT_TMP/shop.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/shop.json" --input '{"to": "ops@example.org"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" \
	"credential 'shop' is of type 'postgres', and this field accepts \"smtp\": choose another" \
	"a credential of another type (another host) is refused"

echo "# messages the daemon refuses to compose"
credential plain "$STARTTLS" none "$PASSWORD"
# refused JQ-EDIT WANT: the report edited by JQ-EDIT fails saying WANT.
refused() {
	jq ".blocks[0].config |= ($1)" "$IT_TMP/report.json" >"$IT_TMP/refused.json"
	"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/refused.json" --input '{"to": "ops@example.org"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
	check_contains "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" "$2" "refused: $2"
}
refused '.to = ["Bob\r\nBcc: eve@example.org <bob@example.org>"]' "is not a mail address"
refused '.subject = "a\r\nBcc: eve@example.org"' "the subject must be one line"
refused 'del(.text)' 'the message needs "text" or "html"'
refused '.to = []' 'the message needs 1 to 100 recipients in "to", "cc" and "bcc"'
refused '.attachments = [{base64: "aGk="}]' 'attachment 1 needs a "filename"'
refused '.credential = "plain"' "a password is never sent unencrypted"
emls=("$MAIL"/*.eml)
check_eq "${#emls[@]}" 2 "nothing more was sent"
it_done
